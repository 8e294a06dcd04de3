"""moved.yaml: every URL each article has been published at, kept by the build.

The record lives at the archive's root beside streets.yaml, so it is reviewed and committed
with the content; deleting site/ or .cache/ loses nothing. Each build compares every
published article's URL with it: a new slug or date puts the new URL first (the older ones
then redirect to it, see redirects.py), and a file moved or renamed is found again by its
title (or, failing that, by one of its URLs). Pure except `load` and `save`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from . import textfiles, yamlfile
from .i18n import Explained
from .model import Article
from .problems import Problem, error, warning
from .slugs import site_path

RECORD = "moved.yaml"
HEADER = ("# Every address each article has been published at, kept by `python build.py`: commit it\n"
          "# with the content. The first is the current one; the others redirect to it.\n")


@dataclass(frozen=True)
class Entry:
    source: str                  # the article file
    title: str
    urls: tuple[str, ...]        # site paths: the current one first, the first published last
    line: int = 0                # in moved.yaml, for messages


Record = dict[str, Entry]        # by source


@dataclass(frozen=True)
class Update:
    record: Record
    notes: tuple[Explained, ...]   # "moved: /old/ -> /new/", one per article that moved
    problems: tuple[Problem, ...]


def load(root: Path) -> tuple[Record, list[Problem]]:
    file = root / RECORD
    if not file.exists():
        return {}, []
    text, problem = textfiles.read(file, RECORD)
    if text is None:
        return {}, [problem]
    quick = _parse_as_written(text)
    if quick is not None:
        return quick, []
    try:
        doc = yamlfile.load(text)
    except yamlfile.YamlError as exc:
        return {}, [error(RECORD, exc.line, exc.template, **exc.params)]
    return parse(doc)


_COMMENTS = re.compile(r"(?:#.*\n)*")
_ENTRY = re.compile(r'(?P<source>[^\s#].*):\n  title: (?P<title>.*)\n  urls: \[(?P<urls>[^\]"\n]*)\]\n')


def _parse_as_written(text: str) -> Record | None:
    """The record as `dump` writes it, read without a YAML parser (which takes 1.6 s for
    10,000 articles); None when the file is written any other way (edited by hand), which
    YAML then reads."""
    start = _COMMENTS.match(text).end()
    body = text[start:]
    record: Record = {}
    position, line = 0, text.count("\n", 0, start) + 1
    for match in _ENTRY.finditer(body):
        if match.start() != position:
            return None
        position = match.end()
        source, title = _plain(match["source"]), _plain(match["title"])
        paths = [site_path(u) for u in match["urls"].split(", ")] if match["urls"] else []
        if source is None or title is None or not paths or None in paths:
            return None
        record[source] = Entry(source, title, addresses(paths), line)
        line += 3
    return record if position == len(body) else None


def entries(root: Path, sources: Iterable[str]) -> Record | None:
    """The entries of these files (a few) as `load` reads them, where the file is as `dump`
    writes it, found without reading the others (10,000 entries take 50 ms to read); None
    where one is not found so (the file edited by hand: `load` it)."""
    try:
        text = (root / RECORD).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    found: Record = {}
    for source in sources:
        key = f"\n{_scalar(source)}:\n  title: "
        at = text.find(key)
        match = _ENTRY.match(text, at + 1) if at >= 0 and text.find(key, at + 1) < 0 else None
        if match is None:
            return None
        title = _plain(match["title"])
        paths = [site_path(u) for u in match["urls"].split(", ")] if match["urls"] else []
        if title is None or not paths or None in paths:
            return None
        found[source] = Entry(source, title, addresses(paths), text.count("\n", 0, at + 1) + 1)
    return found


def _plain(text: str) -> str | None:
    """A scalar `_scalar` wrote; None for anything YAML might read otherwise."""
    if text.startswith('"'):
        try:
            value = json.loads(text)
        except ValueError:
            return None
        return value if isinstance(value, str) else None
    return text if _PLAIN.fullmatch(text) and not _SPECIAL.fullmatch(text) and " #" not in text else None


def parse(doc: yamlfile.YamlDoc) -> tuple[Record, list[Problem]]:
    data = doc.data or {}
    if not isinstance(data, dict):
        return {}, [error(RECORD, 1, "moved.yaml must map each article file to its addresses")]
    record: Record = {}
    problems: list[Problem] = []
    for source, value in data.items():
        line = doc.line(source)
        title, found = "", value
        if isinstance(value, dict):
            title, found = str(value.get("title") or ""), value.get("urls")
        paths = [site_path(u) if isinstance(u, str) else None for u in (found or [])] \
            if isinstance(found, list) else [None]
        if not paths or None in paths:
            problems.append(error(RECORD, line, "'{source}': give its addresses as a list of site paths, "
                                                "such as urls: [/2022/02/21/slug/]", source=source))
            continue
        record[str(source)] = Entry(str(source), title, addresses(paths), line)
    return record, problems


def update(record: Record, live: dict[str, tuple[Article, str]], shown: set[str], files: set[str]) -> Update:
    """The record after this build. `live`: source -> (article, its address) of the articles
    published now (drafts left out); `shown`: sources of every article the site shows (drafts
    in a preview too); `files`: every article file there is, readable or not."""
    new = dict(record)
    problems: list[Problem] = []
    unrecorded = [item for source, item in live.items() if source not in record]
    for entry in list(record.values()):
        if entry.source in files:
            if entry.source not in shown:
                problems.append(warning(RECORD, entry.line, "{source} was published at /{url} and is now left "
                                        "out (a draft, or dated later): that address answers 404",
                                        source=entry.source, url=entry.urls[0]))
            continue
        found = found_again(entry, unrecorded)
        del new[entry.source]
        if found is None:
            problems.append(warning(RECORD, entry.line, "{source} was published at /{url} and its file is gone: "
                                    "that address will answer 404. To take a story down, keep its file and add "
                                    "'withdrawn: {{date: …, reason: …}}'; to let the address go, delete its entry "
                                    "here", source=entry.source, url=entry.urls[0]))
            new[entry.source] = entry     # kept: the warning stays until an editor decides
            continue
        unrecorded.remove(found)
        new[found[0].source] = replace(entry, source=found[0].source)
    notes = []
    for source, (article, url) in live.items():
        entry = new.get(source)
        if entry is None:
            new[source] = Entry(source, article.title, (url,))
        elif entry.urls[0] != url or entry.title != article.title:
            if entry.urls[0] != url:
                notes.append(Explained("moved: /{old} -> /{new}", old=entry.urls[0], new=url))
            new[source] = replace(entry, title=article.title, urls=moved_to(entry, url))
    return Update(new, tuple(notes), tuple(problems))   # dump() sorts it


def moved_to(entry: Entry, url: str) -> tuple[str, ...]:
    """The entry's addresses once its story is at `url`: that one first, the others newest
    first, and the story's first address last. A feed gives that as the story's id, which must
    not change: a story moved back to its first address lists it last again ([/a/, /b/, /a/])."""
    first = entry.urls[-1]
    between = [u for u in entry.urls[:-1] if u not in (url, first)]
    return (url, *between, first) if between or first != url else (url,)


def addresses(paths: list[str]) -> tuple[str, ...]:
    """An entry's addresses as written, each once, but for the current one also last when it
    was the first (`moved_to`)."""
    once = tuple(dict.fromkeys(paths))
    return (*once, paths[0]) if len(once) > 1 and paths[-1] == paths[0] else once


def pending(record: Record, updated: Record) -> list[Explained]:
    """What `check` says when a build would rewrite moved.yaml (it writes nothing itself): the
    stories whose entries a build would add, change or drop."""
    def shown(entry: Entry | None) -> tuple | None:
        return (entry.title, entry.urls) if entry else None

    changed = sorted(s for s in record.keys() | updated.keys() if shown(record.get(s)) != shown(updated.get(s)))
    if not changed:
        return []
    files: Explained | str = ", ".join(changed[:3])
    if len(changed) > 3:
        files = Explained("{files}, … ({n} in all)", files=files, n=len(changed))
    return [Explained("moved.yaml would change ({files}): `python build.py` writes it; commit it with the content",
                      files=files)]


def now_at(record: Record, path: str, articles: Iterable[Article]) -> str | None:
    """The file the article once in `path` is in now (moved or renamed), if the record tells:
    by its entry, while moved.yaml still files it under `path` (the build that sees the move
    finds it again by its title, as `update` does); after that, by the entry one of whose
    earlier addresses ends in the file's name (a slug taken from it)."""
    entry = record.get(path)
    if entry is not None:
        found = [a.source for a in articles if entry.title and a.title == entry.title and a.source != path]
    else:
        stem = PurePosixPath(path).stem
        found = [e.source for e in record.values() if any(url.rstrip("/").rsplit("/", 1)[-1] == stem
                                                          for url in e.urls[1:])]
    return found[0] if len(found) == 1 else None


def finder(root: Path, articles: Iterable[Article]) -> Callable[[str], str | None]:
    """`now_at` for this archive, moved.yaml read at the first question: only a file named
    that is not there asks one."""
    record: Record | None = None

    def find(path: str) -> str | None:
        nonlocal record
        if record is None:
            record = load(root)[0]
        return now_at(record, path, articles)
    return find


def found_again(entry: Entry, candidates: list[tuple[Article, str]]) -> tuple[Article, str] | None:
    """A recorded article whose file is gone, among the articles the record does not know:
    the one with its title, else the one at one of its addresses (when just one is)."""
    for same in (lambda item: entry.title and item[0].title == entry.title,
                 lambda item: item[1] in entry.urls):
        found = [item for item in candidates if same(item)]
        if len(found) == 1:
            return found[0]
    return None


_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#,\[\]{}\"'\n]*(?<=\S)")
_SPECIAL = re.compile(r"(?i)true|false|yes|no|on|off|null|~|[-+]?[\d._]+(e[-+]?\d+)?|0x[\da-f]+|0o[0-7]+")


def dump(record: Record) -> str:
    """The record as YAML, sorted by file: three lines an article, easy to review in a diff."""
    lines = [HEADER]
    for source in sorted(record):
        entry = record[source]
        lines.append(f"{_scalar(source)}:\n  title: {_scalar(entry.title)}\n"
                     f"  urls: [{', '.join(_scalar('/' + u) for u in entry.urls)}]\n")
    return "".join(lines)


def _scalar(text: str) -> str:
    """A YAML scalar: plain where YAML reads it back as this same string, else quoted
    (a JSON string is a valid double-quoted YAML scalar)."""
    if _PLAIN.fullmatch(text) and not _SPECIAL.fullmatch(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def save(root: Path, record: Record) -> bool:
    """Write moved.yaml if its text changed (True then); atomically, like every file we write."""
    file = root / RECORD
    text = dump(record) if record else ""
    try:
        if file.read_text(encoding="utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        if not record:
            return False
    tmp = file.with_name(f".{RECORD}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(file)
    return True
