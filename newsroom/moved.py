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
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from . import urls, yamlfile
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
    urls: tuple[str, ...]        # site paths, the current one first
    line: int = 0                # in moved.yaml, for messages


Record = dict[str, Entry]        # by source


@dataclass(frozen=True)
class Update:
    record: Record
    notes: tuple[str, ...]       # "moved: /old/ -> /new/", one per article that moved
    problems: tuple[Problem, ...]


def load(root: Path) -> tuple[Record, list[Problem]]:
    file = root / RECORD
    if not file.exists():
        return {}, []
    try:
        doc = yamlfile.load(file.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [error(RECORD, 0, f"cannot read: {exc}")]
    except yamlfile.YamlError as exc:
        return {}, [error(RECORD, exc.line, exc.message)]
    return parse(doc)


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
            problems.append(error(RECORD, line, f"'{source}': give its addresses as a list of site paths, "
                                                "such as urls: [/2022/02/21/slug/]"))
            continue
        record[str(source)] = Entry(str(source), title, tuple(dict.fromkeys(paths)), line)
    return record, problems


def update(record: Record, live: Iterable[Article], shown: set[str], files: set[str]) -> Update:
    """The record after this build. `live`: the articles published now at their URL (drafts
    left out); `shown`: ids of every article the site shows (drafts in a preview too);
    `files`: every article file there is, readable or not."""
    live = list(live)
    new = dict(record)
    problems: list[Problem] = []
    unrecorded = [a for a in live if a.source not in record]
    for entry in sorted(record.values(), key=lambda e: e.source):
        if entry.source in files:
            if entry.source not in shown:
                problems.append(warning(RECORD, entry.line, f"{entry.source} was published at /{entry.urls[0]} "
                                        "and is now left out (a draft, or dated later): that address answers 404"))
            continue
        found = _found_again(entry, unrecorded)
        del new[entry.source]
        if found is None:
            problems.append(warning(RECORD, entry.line, _gone(entry)))
            new[entry.source] = entry     # kept: the warning stays until an editor decides
            continue
        unrecorded.remove(found)
        new[found.source] = replace(entry, source=found.source)
    notes = []
    for article in live:
        url, entry = urls.article(article), new.get(article.source)
        if entry is None:
            new[article.source] = Entry(article.source, article.title, (url,))
            continue
        if entry.urls[0] != url:
            notes.append(f"moved: /{entry.urls[0]} -> /{url}")
        paths = (url, *(u for u in entry.urls if u != url))
        if paths != entry.urls or entry.title != article.title:
            new[article.source] = replace(entry, title=article.title, urls=paths)
    return Update(dict(sorted(new.items())), tuple(notes), tuple(problems))


def _found_again(entry: Entry, candidates: list[Article]) -> Article | None:
    """A recorded article whose file is gone, among the articles the record does not know:
    the one with its title, else the one at one of its addresses (when just one is)."""
    for same in (lambda a: entry.title and a.title == entry.title,
                 lambda a: urls.article(a) in entry.urls):
        found = [a for a in candidates if same(a)]
        if len(found) == 1:
            return found[0]
    return None


def _gone(entry: Entry) -> str:
    return (f"{entry.source} was published at /{entry.urls[0]} and its file is gone: that address will "
            "answer 404. To take a story down, keep its file and add 'withdrawn: {date: …, reason: …}'; "
            "to let the address go, delete its entry here")


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
