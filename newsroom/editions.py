"""The printed paper as files: the registry editions.yaml and one file per edition.

`editions.yaml` names the paper, how its issues are numbered (第1234期, counted from a
first issue) and the usual names of its pages (01 要闻, 02 综合 …). Each
`content/editions/YYYY-MM-DD.yaml` describes one day's edition: its pages' names,
banners, headlines, the order of their stories and an optional scan under photos/.

Parsing is pure (text in, records and Problems out); `read_paper` and `read_edition`
are the I/O edge. Where the stories are and whether the names exist is checked when
the print index is built (printing.py), against the archive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from . import dates, registry, textfiles, yamlfile
from .names import is_text, normalize
from .problems import Problem, error, unknown_field

PAPER_FILE = "editions.yaml"
EDITIONS_DIR = "editions"          # under content/
PAPER_FIELDS = {"paper", "first_issue", "pages"}
PAPER_PAGE_FIELDS = {"page", "name"}
EDITION_FIELDS = {"issue", "pages"}
PAGE_FIELDS = {"page", "name", "banner", "headline", "scan", "stories"}


@dataclass(frozen=True)
class Paper:
    """editions.yaml: the paper's name, its issue numbering and its usual page names."""

    name: str
    first_issue: date | None = None
    first_number: int = 1
    page_names: registry.Registry = registry.build(PAPER_FILE, [])   # entry.slug: the page number

    def usual_name(self, number: int) -> str:
        return next((e.name for e in self.page_names.entries if e.slug == str(number)), "")


@dataclass(frozen=True)
class StoryRef:
    """A story named in an edition file: an article file (under content/articles/) or a slug."""

    ref: str
    line: int


@dataclass(frozen=True)
class PageSpec:
    number: int
    line: int
    name: str = ""
    name_line: int = 0
    banner: str = ""
    headline: str = ""
    scan: str = ""                  # a file under photos/
    scan_line: int = 0
    stories: tuple[StoryRef, ...] = ()


@dataclass(frozen=True)
class EditionFile:
    source: str                     # content/editions/2022-02-22.yaml
    date: date
    issue: int | None = None
    issue_line: int = 0
    pages: tuple[PageSpec, ...] = ()


def read_paper(root: Path) -> tuple[Paper | None, list[Problem]]:
    """editions.yaml, or None when the archive records no print editions."""
    file = root / PAPER_FILE
    if not file.exists():
        return None, []
    doc, problem = textfiles.read_yaml(file, PAPER_FILE)
    return parse_paper(doc) if doc is not None else (None, [problem])


def parse_paper(doc: yamlfile.YamlDoc) -> tuple[Paper | None, list[Problem]]:
    data = doc.data or {}
    if not isinstance(data, dict):
        return None, [error(PAPER_FILE, 1, "editions.yaml must be a mapping (paper: …, pages: …)")]
    problems = [unknown_field(PAPER_FILE, doc.line(key), key, PAPER_FIELDS) for key in data if key not in PAPER_FIELDS]
    given_name = data.get("paper")
    name = normalize(given_name) if is_text(given_name) else ""
    if given_name is not None and given_name != "" and not is_text(given_name):
        # (written out, a list was the paper's name on every story: 刊于《['龙岗新闻']》)
        problems.append(error(PAPER_FILE, doc.line("paper"), "'{key}' must be text", key="paper"))
    elif not name:
        problems.append(error(PAPER_FILE, doc.line("paper"), "missing 'paper': the paper's name (paper: 龙岗新闻)"))
    first, number = None, 1
    given = data.get("first_issue")
    if given is not None:
        if not isinstance(given, dict) or not _whole(given.get("number")) or "date" not in given:
            problems.append(error(PAPER_FILE, doc.line("first_issue"),
                                  "'first_issue' must be {date: YYYY-MM-DD, number: N}"))
        else:
            first, number = _day(given["date"], lambda m, **kw: problems.append(
                error(PAPER_FILE, doc.line("first_issue", "date"), m, **kw))), given["number"]
    pages = data.get("pages") or []
    if isinstance(pages, dict):   # also {1: 要闻, 2: 综合}
        pages = [{"page": k, "name": v} for k, v in pages.items()]
    if not isinstance(pages, list):
        problems.append(error(PAPER_FILE, doc.line("pages"), "'pages' must be a list of {page: N, name: 名称}"))
        pages = []
    entries = _page_names(pages, doc, problems)
    return Paper(name=name, first_issue=first, first_number=number,
                 page_names=registry.build(PAPER_FILE, entries)), problems


def _page_names(pages: list, doc: yamlfile.YamlDoc, problems: list[Problem]) -> list[registry.Entry]:
    """The paper's usual page names, each a registry entry whose slug is the page's number. A
    name given to two pages is an error: a story's `print: {page: 综合}` would be either."""
    entries, seen, named = [], {}, {}
    for i, item in enumerate(pages):
        line = doc.line("pages", i)
        if not isinstance(item, dict) or not _whole(item.get("page")) or not is_text(item.get("name")) \
                or not normalize(item["name"]):
            problems.append(error(PAPER_FILE, line, "each page needs 'page' (its number) and 'name' (要闻 …)"))
            continue
        problems += [unknown_field(PAPER_FILE, line, key, PAPER_PAGE_FIELDS) for key in item
                     if key not in PAPER_PAGE_FIELDS]
        name = normalize(item["name"])
        if item["page"] in seen:
            problems.append(error(PAPER_FILE, line, "page {page} is named twice (first on line {first})",
                                  page=item["page"], first=seen[item["page"]]))
            continue
        if name in named:
            problems.append(error(PAPER_FILE, line, "page {page} has the name of page {other} ('{name}'): give "
                                  "each page its own", page=item["page"], other=named[name], name=name))
            continue
        seen[item["page"]], named[name] = line, item["page"]
        entries.append(registry.Entry(name=name, slug=str(item["page"])))
    return entries


def edition_files(content_dir: Path) -> list[Path]:
    folder = content_dir / EDITIONS_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith("."))


def read_edition(path: Path, root: Path, paper: Paper | None = None) -> tuple[EditionFile | None, list[Problem]]:
    """One edition file, read and parsed (`paper`: for a page given by its name, its number)."""
    source = path.relative_to(root).as_posix()
    text, problem = textfiles.read(path, source)
    return parse_edition(text, source, paper) if text is not None else (None, [problem])


def parse_edition(text: str, source: str, paper: Paper | None = None) -> tuple[EditionFile | None, list[Problem]]:
    """One edition file; its name gives the date (2022-02-22.yaml)."""
    stem = Path(source).stem
    day = _day(stem, lambda m, **kw: None)
    if day is None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", stem):   # the form, but no such day
        return None, [error(source, 0, "the edition file's name '{name}' is not a day of the calendar "
                            "(YYYY-MM-DD.yaml)", name=stem)]
    if day is None:
        return None, [error(source, 0, "an edition file is named by its date (YYYY-MM-DD.yaml), not '{name}'",
                            name=stem)]
    try:
        doc = yamlfile.load(text)
    except yamlfile.YamlError as exc:
        return None, [error(source, exc.line, exc.template, **exc.params)]
    data = doc.data or {}
    if not isinstance(data, dict):
        return None, [error(source, 1, "an edition file must be a mapping (issue: …, pages: …)")]
    problems = [unknown_field(source, doc.line(key), key, EDITION_FIELDS) for key in data if key not in EDITION_FIELDS]
    issue = data.get("issue")
    if issue is not None and not _whole(issue):
        problems.append(error(source, doc.line("issue"), "'issue' must be the issue's number (issue: 1234)"))
        issue = None
    pages = data.get("pages") or []
    if not isinstance(pages, list):
        problems.append(error(source, doc.line("pages"), "'pages' must be a list of {page: N, …}"))
        pages = []
    specs: list[PageSpec] = []
    seen: dict[int, int] = {}
    for i, item in enumerate(pages):
        spec = _page(item, doc, i, source, problems, paper)
        if spec is None:
            continue
        if spec.number in seen:
            problems.append(error(source, spec.line, "page {page} is described twice (first on line {first})",
                                  page=spec.number, first=seen[spec.number]))
            continue
        seen[spec.number] = spec.line
        specs.append(spec)
    return EditionFile(source=source, date=day, issue=issue, issue_line=doc.line("issue"),
                       pages=tuple(sorted(specs, key=lambda s: s.number))), problems


def _page(item: Any, doc: yamlfile.YamlDoc, i: int, source: str, problems: list[Problem],
          paper: Paper | None) -> PageSpec | None:
    line = doc.line("pages", i)
    if isinstance(item, dict) and isinstance(item.get("page"), str) and not item["page"].strip().isdigit():
        entry = paper.page_names.lookup(item["page"]) if paper else None
        if entry is not None:
            problems.append(error(source, doc.line("pages", i, "page"), "page '{page}': give the page's number "
                                  "(page: {number}, as editions.yaml numbers it); its name goes in 'name:'",
                                  page=item["page"], number=entry.slug))
        else:
            problems.append(error(source, doc.line("pages", i, "page"), "page '{page}': give the page's number "
                                  "(page: 3); its name goes in 'name:' (the usual names are in editions.yaml)",
                                  page=item["page"]))
        return None
    if not isinstance(item, dict) or not _whole(item.get("page")):
        problems.append(error(source, line, "each page needs 'page': its number (page: 3)"))
        return None
    problems += [unknown_field(source, doc.line("pages", i, key), key, PAGE_FIELDS)
                 for key in item if key not in PAGE_FIELDS]
    stories = item.get("stories") or []
    if not isinstance(stories, list):
        stories = [stories]
    refs = []
    for j, story in enumerate(stories):
        if not isinstance(story, str) or not story.strip():
            problems.append(error(source, doc.line("pages", i, "stories", j),
                                  "each story is an article file (2022/02/a.md) or an article's slug"))
            continue
        refs.append(StoryRef(story.strip(), doc.line("pages", i, "stories", j)))
    for key in ("name", "banner", "headline", "scan"):   # (a scan of [a.jpg] was looked for as "['a.jpg']")
        if item.get(key) is not None and not is_text(item[key]):
            problems.append(error(source, doc.line("pages", i, key), "'{key}' must be text", key=key))
    text = {key: normalize(item[key]) if is_text(item.get(key)) else "" for key in ("name", "banner", "headline")}
    return PageSpec(
        number=item["page"], line=line,
        name=text["name"], name_line=doc.line("pages", i, "name"),
        banner=text["banner"], headline=text["headline"],
        scan=str(item["scan"]).strip() if is_text(item.get("scan")) else "", scan_line=doc.line("pages", i, "scan"),
        stories=tuple(refs))


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _day(value: Any, err) -> date | None:
    try:
        return dates.parse(value, None).date() if not isinstance(value, date) else value   # type: ignore[arg-type]
    except dates.DateError as exc:
        err(exc.template, value=exc.value)
        return None
