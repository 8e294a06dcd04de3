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
compares them (patches.apply). An edition or a page added or removed (the first story of
a day, or of a page the day had not) also changes the calendar and the sitemap, made again
here too; issues numbered anew change the editions after it, each planned again. A scan
put on a page, changed or taken off, or editions.yaml changed, is refused (`refusal`), and
a plan made afresh makes the photo pages.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from . import edition_pages, moved, printing, reach, signatures, urls
from .additions import SITEMAPS, kept_if_same, sitemaps_again, with_changes
from .config import Config
from .editions import EDITIONS_DIR, EditionFile, edition_files, read_edition
from .index import Archive
from .model import Article
from .pages import Page
from .problems import Problem

# An edition file as the plan read it: its stat, its parse (None: unreadable) and what that found.
Parsed = tuple[tuple[int, int] | None, EditionFile | None, tuple[Problem, ...]]
EDITION_TEMPLATES = ("edition.html", "print_page.html")
PRINT_TEMPLATES = ("editions.html", *EDITION_TEMPLATES)   # pages.plan lists them together


@dataclass(frozen=True)
class Read:
    """The edition files a print index was made from, and what making it found."""

    files: dict[str, Parsed]            # by the file's path, in edition_files' order
    problems: tuple[Problem, ...] = ()   # what parsing them and printing.build found


def read(config: Config, scanned: Mapping[str, tuple[int, int]] | None) -> dict[str, Parsed]:
    """Every edition file, read and parsed; `scanned`: the build's stats of its input files."""
    return {str(path): _parsed(path, config, scanned) for path in edition_files(config.content_dir)}


def printed(archive: Archive, articles: Iterable[Article], files: dict[str, Parsed], config: Config,
            was: printing.Editions | None = None, days: Collection[date] | None = None
            ) -> tuple[printing.Editions, Read]:
    """The print index made from the edition files `files` (read), and how it was made; with
    `was` (made from the same paper, without a problem) and the `days` whose editions may
    differ from it, only those days' pages are placed again (printing.rebuilt)."""
    parsed = [file for _, file, _ in files.values() if file is not None]
    articles = list(articles)
    now_at = moved.finder(config.root, articles)
    if was is not None and days is not None:
        index, problems = printing.rebuilt(was, archive, articles, parsed, config.paper, days, now_at)
    else:
        index, problems = printing.build(archive, articles, parsed, config.paper, config.paper_unread, now_at)
    parsing = [problem for _, _, found in files.values() for problem in found]
    return index, Read(files, (*parsing, *problems))


def touches(found: Read, stories: Iterable[Article]) -> bool:
    """Whether the print index may change with `stories` put in, taken out or retimed: one ran
    in print by its own `print:`, or an edition file names it (else it is not made again:
    0.1 s at 10,000 articles); or its problems may, as an edition file's story that is not
    there is hinted at by the nearest name there is (a story added may be nearer)."""
    stories = list(stories)
    return bool(stories and found.problems) or any(story.prints for story in stories) \
        or bool(_naming(found.files, stories))


def _naming(files: dict[str, Parsed], stories: Sequence[Article]) -> set[date]:
    """The days of the edition files in `files` that list one of `stories` (by file or slug)."""
    return {file.date for _, file, _ in files.values() if file is not None and any(
        printing.named(ref.ref, story) for page in file.pages for ref in page.stories for story in stories)}


def edited(found: Read, scanned: Mapping[str, tuple[int, int]] | None, config: Config) -> set[str]:
    """The edition files added, removed or changed since `found` was read (by their stats)."""
    files = found.files
    if scanned is None:
        now = {str(path): signatures.stat_key(path) for path in edition_files(config.content_dir)}
    else:
        folder = str(config.content_dir / EDITIONS_DIR) + os.sep
        now = {path: stat for path, stat in scanned.items() if path.startswith(folder) and _is_edition(path, folder)}
    return {path for path in now.keys() | files.keys()
            if path not in now or path not in files or files[path][0] != tuple(now[path])}


def reprint(made: dict[str, Any], counted: dict[str, Any], paths: Collection[str], articles: Sequence[Article],
            config: Config, scanned: Mapping[str, tuple[int, int]] | None, moving: Sequence[Article] = ()) -> bool:
    """Put the edition files `paths` as they are now into the kept plan `made` (and its counts
    `counted`), and the stories its archive holds now (`moving`: those put in, taken out or
    retimed, as they were and are): its print index (the same object if it made the same
    one), its pages and its problems. False: refused, plan afresh."""
    before: Read = made["editions_read"]
    now = dict(before.files)
    for path in paths:
        parsed = _parsed(Path(path), config, scanned)
        if parsed[0] is None:
            now.pop(path, None)
        else:
            now[path] = parsed
    archive, was = made["archive"], made["printed"]
    days = None if before.problems else _days(before.files, now, paths, moving)
    index, read_now = printed(archive, articles, dict(sorted(now.items())), config, was, days)
    if refusal(was, index):
        return False
    # A story withdrawn or put back stays in its edition (the index is the same), but leaves or
    # rejoins its print page's list (edition_pages._articles): its editions are planned again.
    flipped = {place.date for story in moving if story.withdrawn is not None for place in index.of(story.id)}
    if index != was or flipped:
        planned = _replanned(made["planned"], len(made["living"].pages), archive, was, index, flipped)
        if planned is None:
            return False
        made["planned"], made["printed"], counted["pages"] = planned, index, len(planned)
    made["plan_problems"] = [p for p in made["plan_problems"] if p not in before.problems] + list(read_now.problems)
    made["editions_read"] = read_now
    return True


def _days(before: dict[str, Parsed], now: dict[str, Parsed], paths: Collection[str],
          moving: Sequence[Article]) -> set[date] | None:
    """The days whose editions the edition files `paths` and the stories `moving` can change:
    the files' days, the stories' places in print and the days of the edition files that name
    them (None: an edition file that cannot be read, whose day is not known)."""
    days: set[date] = set()
    for path in paths:
        for parsed in (before.get(path), now.get(path)):
            if parsed is not None and parsed[0] is not None:
                if parsed[1] is None:
                    return None
                days.add(parsed[1].date)
    days.update(ref.date for story in moving for ref in story.prints)
    return days | _naming(now, moving) if moving else days


def refusal(was: printing.Editions, now: printing.Editions) -> str | None:
    """Why the print index `now` cannot replace `was` in the kept plan (None: it can)."""
    if was.paper != now.paper:
        return "editions.yaml changed"
    if _scans(was) != _scans(now):
        return "a scan put on a page, changed or taken off"   # the photo's own pages, as shown.py places them
    return None


def _scans(printed: printing.Editions) -> dict[tuple, str]:
    return {(e.date, page.number): page.scan for e in printed.editions for page in e.pages if page.scan}


def _shape(printed: printing.Editions) -> list[tuple]:
    """What the calendar and the sitemap are made of."""
    return [(e.date, e.issue, tuple(page.number for page in e.pages)) for e in printed.editions]


def _replanned(planned: list[Page], redirects: int, archive: Archive, was: printing.Editions,
               now: printing.Editions, also: set[date] = frozenset()) -> list[Page] | None:
    """The plan with the pages of the editions added, removed or changed, or of the days `also`
    (and their neighbours') made again, the calendar and the sitemaps too where the editions'
    days or pages changed, and the stories whose place in print changed given it (None: the
    plan has no print pages to change)."""
    main, tail = planned[:len(planned) - redirects], planned[len(planned) - redirects:]
    start = next((i for i, page in enumerate(main) if page.template in PRINT_TEMPLATES), None)
    if start is None:
        return None
    end = start
    while end < len(main) and main[end].template in PRINT_TEMPLATES:
        end += 1
    old_by_day, new_by_day = ({e.date: e for e in p.editions} for p in (was, now))
    changed = {day for day in old_by_day.keys() | new_by_day.keys()
               if old_by_day.get(day) != new_by_day.get(day)} | set(also)
    reshaped = _shape(was) != _shape(now)   # days or pages added or removed, issues renumbered
    run = _print_run(main[start:end], archive, now, changed, reshaped)
    stories = {story for day in changed for edition in (old_by_day.get(day), new_by_day.get(day)) if edition
               for page in edition.pages for story in page.stories}
    placed = {urls.article(archive.article_by_id[story]): now.of(story) for story in stories
              if now.of(story) != was.of(story) and story in archive.article_by_id}
    out = [with_changes(page, printed=placed[page.path]) if page.template == "article.html"
           and page.path in placed else page for page in (*main[:start], *run, *main[end:])]
    if reshaped:
        maps = {page.path: page for page in out if page.template in SITEMAPS}
        if maps:
            out = [page for page in out if page.template not in SITEMAPS]
            before = {page.path for page in main[start:end]}
            gone = before - {page.path for page in run}   # (the print pages' entries are their paths alone)
            out += sitemaps_again(maps, gone, [page for page in run if page.path not in before])
    return [*out, *tail]


def _print_run(old: list[Page], archive: Archive, now: printing.Editions, changed: set[date],
               reshaped: bool) -> list[Page]:
    """The calendar's and the editions' pages, as edition_pages.plan lists them: those of the
    editions of the days `changed` and of their neighbours (their 上一期/下一期 links) made
    again, the others kept; the calendar made again if `reshaped` (days or pages changed)."""
    kept: dict[str, list[Page]] = {}   # by edition's address
    for page in old:
        if page.template != "editions.html":
            kept.setdefault(page.path if page.template == "edition.html" else _up(page.path), []).append(page)
    calendar = [page for page in old if page.template == "editions.html"]
    if reshaped:
        before = {page.path: page for page in calendar}
        calendar = [kept_if_same(before.get(path), Page(path, template, context))
                    for path, template, context in edition_pages.calendar_pages(now)]
    days = reach.Printed(now.editions, {day.isoformat() for day in changed}).reached()
    near = [i for i, edition in enumerate(now.editions) if edition.date in days]
    fresh: dict[str, list[Page]] = {}
    for path, template, context in edition_pages.edition_pages(now, archive, near):
        fresh.setdefault(path if template == "edition.html" else _up(path), []).append(Page(path, template, context))
    editions = [fresh.get(path) or kept[path] for path in map(urls.edition, now.editions)]
    return [*calendar, *(page for pages in editions for page in pages)]


def _up(path: str) -> str:
    """The edition's address of one of its pages' (editions/2022/02/22/03/ → editions/2022/02/22/)."""
    return path[:path.rstrip("/").rfind("/") + 1]


def _parsed(path: Path, config: Config, scanned: Mapping[str, tuple[int, int]] | None) -> Parsed:
    stat = scanned.get(str(path)) if scanned is not None else None
    stat = tuple(stat) if stat is not None else signatures.stat_key(path)
    if stat is None:
        return None, None, ()
    file, problems = read_edition(path, config.root, config.paper)
    return stat, file, tuple(problems)


def _is_edition(path: str, folder: str) -> bool:
    """As edition_files lists them: .yaml or .yml files right in `folder` (content/editions/), not hidden."""
    name = path[len(folder):]
    return os.sep not in name and not name.startswith(".") and name.endswith((".yaml", ".yml"))
