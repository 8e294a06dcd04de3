"""Edition files edited (a page's name, banner, headline or stories) in the kept plan, instead
of indexing and planning every page again.

A paper that records its print editions edits the day's edition file daily: the banner and
headline of a page, its name, the order of its stories, a story moved to another page. Of
the kept plan only that edition's pages change, its neighbours' (their 上一期/下一期 links
name its pages), and the pages of the stories whose place in print changed (刊于 …, their
JSON-LD). The print index is made again from the edition files as the plan read them, with
the edited ones read again (the others' parses are kept in the plan: a paper of ten years
has thousands), and those pages are planned again by edition_pages.py.

The kept plan answers to the edition files through `Read` (their stats, beside their
parses), not through its key (plancache.key leaves them out), so every build keeping a plan
compares them (patches.apply). An edit that adds or removes an edition or a page, numbers
the issues anew or changes a scan is refused (`refusal`): the calendar, the sitemap or the
photo pages would change, and a plan made afresh makes them.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import cache, edition_pages, printing, urls
from .additions import with_changes
from .config import Config
from .editions import EDITIONS_DIR, EditionFile, edition_files, read_edition
from .index import Archive
from .model import Article
from .pages import Page
from .problems import Problem

# An edition file as the plan read it: its stat, its parse (None: unreadable) and what that found.
Parsed = tuple[tuple[int, int] | None, EditionFile | None, tuple[Problem, ...]]
EDITION_TEMPLATES = ("edition.html", "print_page.html")


@dataclass(frozen=True)
class Read:
    """The edition files a print index was made from, and what making it found."""

    files: dict[str, Parsed]            # by the file's path, in edition_files' order
    problems: tuple[Problem, ...] = ()   # what parsing them and printing.build found


def read(config: Config, scanned: Mapping[str, tuple[int, int]] | None) -> dict[str, Parsed]:
    """Every edition file, read and parsed; `scanned`: the build's stats of its input files."""
    return {str(path): _parsed(path, config.root, scanned) for path in edition_files(config.content_dir)}


def printed(archive: Archive, articles: Iterable[Article], files: dict[str, Parsed], config: Config
            ) -> tuple[printing.Editions, Read]:
    """The print index made from the edition files `files` (read), and how it was made."""
    parsed = [file for _, file, _ in files.values() if file is not None]
    index, problems = printing.build(archive, list(articles), parsed, config.paper)
    parsing = [problem for _, _, found in files.values() for problem in found]
    return index, Read(files, (*parsing, *problems))


def touches(found: Read, stories: Iterable[Article]) -> bool:
    """Whether the print index may change with `stories` put in, taken out or retimed: one ran
    in print by its own `print:`, or an edition file names it (else it is not made again:
    0.1 s at 10,000 articles)."""
    stories = list(stories)
    if any(story.prints for story in stories):
        return True
    refs = [ref.ref for _, file, _ in found.files.values() if file is not None
            for page in file.pages for ref in page.stories]
    return any(printing.named(ref, story) for ref in refs for story in stories)


def edited(found: Read, scanned: Mapping[str, tuple[int, int]] | None, config: Config) -> set[str]:
    """The edition files added, removed or changed since `found` was read (by their stats)."""
    files = found.files
    if scanned is None:
        now = {str(path): cache.stat_key(path) for path in edition_files(config.content_dir)}
    else:
        folder = str(config.content_dir / EDITIONS_DIR) + os.sep
        now = {path: stat for path, stat in scanned.items() if path.startswith(folder) and _is_edition(path, folder)}
    return {path for path in now.keys() | files.keys()
            if path not in now or path not in files or files[path][0] != tuple(now[path])}


def reprint(made: dict[str, Any], paths: Collection[str], articles: Sequence[Article], config: Config,
            scanned: Mapping[str, tuple[int, int]] | None) -> bool:
    """Put the edition files `paths` as they are now into the kept plan `made`, and the stories
    its archive holds now: its print index (the same object if it made the same one), its
    pages and its problems. False: refused, plan afresh."""
    before: Read = made["editions_read"]
    now = dict(before.files)
    for path in paths:
        parsed = _parsed(Path(path), config.root, scanned)
        if parsed[0] is None:
            now.pop(path, None)
        else:
            now[path] = parsed
    archive, was = made["archive"], made["printed"]
    index, read_now = printed(archive, articles, dict(sorted(now.items())), config)
    if refusal(was, index):
        return False
    made["plan_problems"] = [p for p in made["plan_problems"] if p not in before.problems] + list(read_now.problems)
    made["editions_read"] = read_now
    if index != was:
        made["planned"] = _replanned(made["planned"], archive, was, index)
        made["printed"] = index
    return True


def refusal(was: printing.Editions, now: printing.Editions) -> str | None:
    """Why the print index `now` cannot replace `was` in the kept plan (None: it can)."""
    if _shape(was) != _shape(now):
        return "an edition or a page added or removed, an issue numbered anew, or a scan changed"
    return None


def _shape(printed: printing.Editions) -> list[tuple]:
    """What the calendar, the sitemap and the scans' photos are made of."""
    return [(e.date, e.issue, tuple((page.number, page.scan) for page in e.pages)) for e in printed.editions]


def _replanned(planned: list[Page], archive: Archive, was: printing.Editions, now: printing.Editions) -> list[Page]:
    """The plan with the changed editions' pages (and their neighbours') made again, and the
    stories whose place in print changed given it."""
    changed = [i for i, (old, new) in enumerate(zip(was.editions, now.editions, strict=True)) if old != new]
    near = {j for i in changed for j in (i - 1, i, i + 1) if 0 <= j < len(now.editions)}
    fresh = {path: Page(path, template, context)
             for path, template, context in edition_pages.edition_pages(now, archive, near)}
    stories = {story for i in changed for edition in (was.editions[i], now.editions[i])
               for page in edition.pages for story in page.stories}
    placed = {urls.article(archive.article_by_id[story]): now.of(story) for story in stories
              if now.of(story) != was.of(story) and story in archive.article_by_id}
    return [fresh.get(page.path, page) if page.template in EDITION_TEMPLATES
            else with_changes(page, printed=placed[page.path]) if page.template == "article.html"
            and page.path in placed else page for page in planned]


def _parsed(path: Path, root: Path, scanned: Mapping[str, tuple[int, int]] | None) -> Parsed:
    stat = scanned.get(str(path)) if scanned is not None else None
    stat = tuple(stat) if stat is not None else cache.stat_key(path)
    if stat is None:
        return None, None, ()
    file, problems = read_edition(path, root)
    return stat, file, tuple(problems)


def _is_edition(path: str, folder: str) -> bool:
    """As edition_files lists them: .yaml or .yml files right in `folder` (content/editions/), not hidden."""
    name = path[len(folder):]
    return os.sep not in name and not name.startswith(".") and name.endswith((".yaml", ".yml"))
