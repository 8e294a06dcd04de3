"""The paper as it was printed: which stories ran on which page of which day's edition.

Pure: the archive (published articles, photos), the edition files and the paper's
registry in; `Editions` and problems out. A story is placed by its own `print:` field
or by an edition file's `stories:` list (either is enough); the edition file's order
comes first, then `position:`, then the stories' dates.
"""

from __future__ import annotations

import difflib
import hashlib
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date

from .editions import PAPER_FILE, EditionFile, PageSpec, Paper
from .index import Archive
from .model import Article
from .problems import Problem, error, warning
from .references import closest


@dataclass(frozen=True)
class PrintPage:
    """One page (版) of one edition."""

    date: date
    number: int
    name: str = ""
    banner: str = ""
    headline: str = ""
    scan: str = ""                         # a photo id (file under photos/), or ""
    stories: tuple[str, ...] = ()          # article ids, in print order


@dataclass(frozen=True)
class Edition:
    """One day's paper (一期)."""

    date: date
    paper: str
    issue: int | None
    pages: tuple[PrintPage, ...]           # by page number


@dataclass(frozen=True)
class Placement:
    """Where one article ran: 刊于《龙岗新闻》2022年2月22日 第3版 (what its page shows)."""

    paper: str
    date: date
    issue: int | None
    page: int
    name: str


@dataclass(frozen=True)
class Editions:
    paper: Paper | None = None
    editions: tuple[Edition, ...] = ()     # oldest first
    placements: dict[str, tuple[Placement, ...]] = field(default_factory=dict)   # article id ->

    def of(self, article_id: str) -> tuple[Placement, ...]:
        return self.placements.get(article_id, ())


NONE = Editions()


# Where the story once in a file is now, if it moved (moved.finder); None if not known.
Finder = Callable[[str], "str | None"]


def _nowhere(path: str) -> None:
    return None


def digests(editions: Editions) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Each edition's digest and the stories it holds, by its date: what the next build compares
    to find the editions changed (rebuild.changes), and the stories whose 刊于 line they held."""
    return {edition.date.isoformat(): (hashlib.sha1(repr(edition).encode()).hexdigest(),
                                       tuple(story for page in edition.pages for story in page.stories))
            for edition in editions.editions}


def build(archive: Archive, all_articles: list[Article], files: list[EditionFile],
          paper: Paper | None, paper_unread: bool = False, now_at: Finder = _nowhere) -> tuple[Editions, list[Problem]]:
    """Every edition with its pages in order, and where each published article ran;
    `paper_unread`: editions.yaml is there, but unreadable (said once, by its own error);
    `now_at`: where the story once in a file is now (moved.finder), for a hint."""
    problems: list[Problem] = []
    if paper is None and paper_unread:
        return NONE, problems
    if paper is None:
        for file in files:
            problems.append(error(file.source, 0, "an edition file needs {file} (the paper's name and its pages) "
                                  "at the archive's root", file=PAPER_FILE))
        for article in all_articles:
            for ref in article.prints:
                problems.append(error(article.source, ref.line, "'print' needs {file} (the paper's name and its "
                                      "pages) at the archive's root", file=PAPER_FILE))
        return NONE, problems
    by_date = {file.date: file for file in files}
    placed, specs = _placed(archive, all_articles, files, paper, problems, now_at=now_at)
    pages = _pages(placed, specs, paper, problems, {})
    editions = _number(pages, by_date, paper)
    return Editions(paper, editions, _placements(editions)), problems


def rebuilt(was: Editions, archive: Archive, all_articles: list[Article], files: list[EditionFile],
            paper: Paper | None, days: Collection[date], now_at: Finder = _nowhere) -> tuple[Editions, list[Problem]]:
    """What build() gives, when `was` is build()'s of the same paper that found no problem and
    only the editions of `days` can differ: a story put in, taken out or moved, or edition
    files edited, each on those days (the stories' old and new places, the days whose
    edition files name them). Those days' pages are placed again, the others' kept as the
    very objects they were, so comparing the two indexes is quick (reprinting._replanned);
    making every page again was most of patching a story into a paper of ten years' editions.
    Anything found wrong: build() again, for its problems in its order."""
    if paper is None or was.paper != paper:
        return build(archive, all_articles, files, paper, now_at=now_at)
    days = set(days)
    problems: list[Problem] = []
    placed, specs = _placed(archive, all_articles, [file for file in files if file.date in days], paper,
                            problems, days)
    pages = _pages(placed, specs, paper, problems, {e.date: list(e.pages) for e in was.editions if e.date not in days})
    if problems:
        return build(archive, all_articles, files, paper, now_at=now_at)
    kept = {e.date: e for e in was.editions}
    editions = tuple(old if (old := kept.get(e.date)) is not None and old == e else e
                     for e in _number(pages, {file.date: file for file in files}, paper))
    return Editions(paper, editions, _placements(editions)), problems


# Where stories were placed: (date, page number) -> [(sort key, article id, where it was named)]
Placed = dict[tuple[date, int], list[tuple[tuple, str, str, int]]]


def _placed(archive: Archive, all_articles: list[Article], files: list[EditionFile], paper: Paper,
            problems: list[Problem], days: Collection[date] | None = None,
            now_at: Finder = _nowhere) -> tuple[Placed, dict]:
    """The stories the edition files `files` list and the articles' `print:` place (only those
    on `days`, if given), by page; and the edition files' pages, by (date, page number)."""
    placed: Placed = defaultdict(list)
    specs: dict[tuple[date, int], PageSpec] = {}
    names: _Names | None = None   # (by every article: made only for an edition file that lists stories)
    for file in files:
        for spec in file.pages:
            specs[(file.date, spec.number)] = spec
            problems += _check_spec(file, spec, paper, archive)
            for i, story in enumerate(spec.stories):
                names = names or _Names(archive, all_articles, now_at)
                article_id = _story(story.ref, names, file.source, story.line, problems)
                if article_id is not None:
                    placed[(file.date, spec.number)].append(((0, i), article_id, file.source, story.line))
    for article in archive.articles:
        for ref in article.prints:
            if days is not None and ref.date not in days:
                continue
            number = _page_number(ref.page, paper, article.source, ref.line, problems)
            if number is not None:
                key = (1, ref.position) if ref.position else (2, article.date.timestamp(), article.slug)
                placed[(ref.date, number)].append((key, article.id, article.source, ref.line))
    return placed, specs


def _pages(placed: Placed, specs: dict, paper: Paper, problems: list[Problem],
           pages: dict[date, list[PrintPage]]) -> dict[date, list[PrintPage]]:
    """`pages` (by day) with the pages `placed` and `specs` make, each with its stories in order."""
    usual: dict[int, str] = {}   # page number -> its usual name (a scan of the registry each)
    for where in sorted(placed.keys() | specs.keys()):
        stories = _order(where, placed.get(where, []), problems)
        number = where[1]
        name = usual[number] if number in usual else usual.setdefault(number, paper.usual_name(number))
        pages.setdefault(where[0], []).append(_page(where, specs.get(where), stories, paper, name))
    return pages


def _check_spec(file: EditionFile, spec: PageSpec, paper: Paper, archive: Archive) -> list[Problem]:
    problems = []
    if spec.name and paper.page_names.lookup(spec.name) is None:
        hint = paper.page_names.suggest(spec.name)
        if hint:
            problems.append(error(file.source, spec.name_line, "unknown page name '{name}' — did you mean '{hint}'?",
                                  name=spec.name, hint=hint))
        else:
            problems.append(error(file.source, spec.name_line, "unknown page name '{name}' (add it to the pages "
                                  "in {file})", name=spec.name, file=PAPER_FILE))
    if spec.scan and spec.scan not in archive.photo_by_id:
        hint = closest(spec.scan, archive.photo_by_id)
        if hint:
            problems.append(error(file.source, spec.scan_line, "scan '{file}' not found in photos/ — did you mean "
                                  "'{hint}'?", file=spec.scan, hint=hint))
        else:
            problems.append(error(file.source, spec.scan_line, "scan '{file}' not found in photos/ (a JPEG, PNG or "
                                  "PDF of the printed page)", file=spec.scan))
    return problems


class _Names:
    """How an edition file may name a story: by its file or by its slug (published or not)."""

    def __init__(self, archive: Archive, all_articles: list[Article], now_at: Finder) -> None:
        self.now_at = now_at
        self.by_source = archive.article_by_source
        self.by_slug = {a.slug: a.id for a in archive.articles}
        self.sources = {a.source for a in all_articles}
        self.slugs = {a.slug for a in all_articles}


def _story(ref: str, names: _Names, source: str, line: int, problems: list[Problem]) -> str | None:
    """The id of the published article an edition file names (by file or by slug)."""
    if ref.endswith((".md", ".markdown")):
        path = _ref_path(ref)
        found = names.by_source.get(path)
        if found is not None:
            return found
        if path in names.sources:
            problems.append(warning(source, line, "story '{story}' is a draft or scheduled: left off the page "
                                    "until it is published", story=ref))
            return None
        hint = names.now_at(path) or closest(path, names.sources)
        # A warning: a story taken out of the archive (deleted, withdrawn) still ran in print.
        if hint:
            problems.append(warning(source, line, "story '{story}': no such article file under content/articles/ "
                                    "(left off the page) — did you mean '{hint}'?", story=ref,
                                    hint=hint.removeprefix("content/articles/")))
        else:
            problems.append(warning(source, line, "story '{story}': no such article file under content/articles/ "
                                    "(left off the page)", story=ref))
        return None
    if ref in names.by_slug:
        return names.by_slug[ref]
    if ref in names.slugs:
        problems.append(warning(source, line, "story '{story}' is a draft or scheduled: left off the page "
                                "until it is published", story=ref))
        return None
    close = difflib.get_close_matches(ref, list(names.by_slug), n=1, cutoff=0.6)
    if close:
        problems.append(warning(source, line, "story '{story}': no article has this slug, left off the page — "
                                "did you mean '{hint}'?", story=ref, hint=close[0]))
    else:
        problems.append(warning(source, line, "story '{story}': no article has this slug, left off the page (name "
                                "an article file, 2022/02/a.md, or a slug)", story=ref))
    return None


def named(ref: str, story: Article) -> bool:
    """Whether an edition file's reference to a story (its file or its slug) names `story`."""
    return _ref_path(ref) == story.source if ref.endswith((".md", ".markdown")) else ref == story.slug


def _ref_path(ref: str) -> str:
    return ref if ref.startswith("content/") else f"content/articles/{ref.lstrip('/')}"


def _page_number(page: str, paper: Paper, source: str, line: int, problems: list[Problem]) -> int | None:
    if page.isdigit() and int(page) > 0:
        return int(page)
    entry = paper.page_names.lookup(page)
    if entry is not None:
        return int(entry.slug)
    hint = paper.page_names.suggest(page)
    if hint:
        problems.append(error(source, line, "unknown page '{page}' — did you mean '{hint}'?", page=page, hint=hint))
    else:
        problems.append(error(source, line, "unknown page '{page}' (a page number, or a name from the pages in "
                              "{file})", page=page, file=PAPER_FILE))
    return None


def _order(where: tuple[date, int], entries: list[tuple[tuple, str, str, int]],
           problems: list[Problem]) -> tuple[str, ...]:
    """The page's stories in print order; a story twice, or two at one position, are errors."""
    if len(entries) == 1 and entries[0][0][0] != 1:   # most pages: one story, nothing to check
        return (entries[0][1],)
    day = where[0].isoformat()
    first_at: dict[int, str] = {}
    seen: dict[str, tuple[tuple, str, int]] = {}
    for key, article_id, source, line in sorted(entries, key=lambda e: (e[0], e[1])):
        if key[0] == 1:
            taken = first_at.setdefault(key[1], article_id)
            if taken != article_id:
                problems.append(error(source, line, "position {position} on page {page} of {date} is already "
                                      "taken by {story}", position=key[1], page=where[1], date=day, story=taken))
        if article_id in seen:
            earlier = seen[article_id]
            if earlier[1] == source and key[0] == earlier[0][0] == 0:
                problems.append(error(source, line, "story '{story}' is listed twice on page {page} of {date} "
                                      "(first on line {first})", story=article_id, page=where[1], date=day,
                                      first=earlier[2]))
            continue
        seen[article_id] = (key, source, line)
    return tuple(seen)


def _page(where: tuple[date, int], spec: PageSpec | None, stories: tuple[str, ...], paper: Paper,
          usual: str) -> PrintPage:
    """`usual`: the page number's usual name (Paper.usual_name)."""
    day, number = where
    name = (spec.name if spec else "") or usual
    if spec is None:
        return PrintPage(day, number, name, stories=stories)
    entry = paper.page_names.lookup(name)
    return PrintPage(day, number, entry.name if entry else name, spec.banner, spec.headline, spec.scan, stories)


def _number(pages: dict[date, list[PrintPage]], files: dict[date, EditionFile], paper: Paper) -> tuple[Edition, ...]:
    """Issue numbers (第N期): counted edition by edition from the latest number given before
    (editions.yaml's first issue, or an edition file's own `issue:`)."""
    editions = []
    anchor: tuple[date, int] | None = None
    if paper.first_issue is not None:
        anchor = (paper.first_issue, paper.first_number - 1) if paper.first_issue not in pages else None
    count: int | None = None
    for day in sorted(pages):
        given = files[day].issue if day in files else None
        if given is not None:
            count = given
        elif paper.first_issue == day:
            count = paper.first_number
        elif count is not None:
            count += 1
        elif anchor is not None and day > anchor[0]:
            count = anchor[1] + 1
        editions.append(Edition(day, paper.name, count, tuple(sorted(pages[day], key=lambda p: p.number))))
    return tuple(editions)


def _placements(editions: tuple[Edition, ...]) -> dict[str, tuple[Placement, ...]]:
    found: dict[str, list[Placement]] = defaultdict(list)
    for edition in editions:
        for page in edition.pages:
            for article_id in page.stories:
                found[article_id].append(Placement(edition.paper, edition.date, edition.issue, page.number, page.name))
    return {article_id: tuple(items) for article_id, items in found.items()}
