"""The pages of the printed paper (数字报): the calendar, each edition, each of its pages.

Pure: planned from the print index (printing.Editions) and the archive, as
(path, template, context) for pages.plan. A page's context holds what it shows (the
edition, its stories as Article objects, its neighbours as plain links), so an edited
edition file changes only that edition's pages and the calendar.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import urls
from .index import Archive
from .printing import Edition, Editions, PrintPage

WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")       # Monday first, as Chinese calendars are


@dataclass(frozen=True)
class Nav:
    """A link to a neighbouring page or issue: what it says and where it goes."""

    label: str
    path: str


@dataclass(frozen=True)
class Day:
    day: int                      # 0: a blank cell before the 1st or after the last day
    path: str = ""                # that day's edition, or "" when there is none
    issue: int | None = None


@dataclass(frozen=True)
class MonthGrid:
    year: int
    month: int
    weeks: tuple[tuple[Day, ...], ...]
    count: int                    # editions this month


def plan(editions: Editions, archive: Archive) -> list[tuple[str, str, dict[str, Any]]]:
    return calendar_pages(editions) + edition_pages(editions, archive)


def calendar_pages(editions: Editions) -> list[tuple[str, str, dict[str, Any]]]:
    """The calendar: every year's (the newest's also at /editions/); none without a paper."""
    if editions.paper is None:
        return []
    paper = editions.paper.name
    years = sorted({e.date.year for e in editions.editions}, reverse=True)
    found: list[tuple[str, str, dict[str, Any]]] = []
    for i, year in enumerate(years or [None]):
        grids = _months(editions.editions, year) if year else ()
        context = {"title": f"{paper} 数字报", "paper": paper, "year": year, "years": tuple(years), "months": grids}
        if i == 0:
            found.append((urls.EDITIONS, "editions.html", context))
        if year:
            found.append((urls.editions_year(year), "editions.html", {**context, "title": f"{paper} {year}年"}))
    return found


def edition_pages(editions: Editions, archive: Archive,
                  which: Iterable[int] | None = None) -> list[tuple[str, str, dict[str, Any]]]:
    """The pages of the editions at the indexes `which` (every edition's, oldest first, if
    None): each edition's, then each of its pages' (reprinting.py plans a few again)."""
    all_editions = editions.editions
    # Each edition's addresses and labels, made once: its pages link to each other, and each
    # edition is linked from both its neighbours' pages, each page to its own number there.
    links: dict[int, _Links] = {}

    def link(i: int) -> _Links | None:
        if not 0 <= i < len(all_editions):
            return None
        found = links.get(i)
        if found is None:
            found = links[i] = _Links(all_editions[i])
        return found
    found: list[tuple[str, str, dict[str, Any]]] = []
    for i in range(len(all_editions)) if which is None else sorted(which):
        found += _pages(all_editions[i], link(i), link(i - 1), link(i + 1), archive)
    return found


def _pages(edition: Edition, mine: _Links, before: _Links | None, after: _Links | None,
           archive: Archive) -> list[tuple[str, str, dict[str, Any]]]:
    """One edition's page, then each of its pages'."""
    stories = tuple((page, _articles(page, archive)) for page in edition.pages)
    found = [(mine.path, "edition.html", {
        "title": mine.label, "edition": edition, "pages_stories": stories,
        "previous": before and before.edition, "next": after and after.edition})]
    last = len(edition.pages) - 1
    for j, page in enumerate(edition.pages):
        found.append((mine.paths[j], "print_page.html", {
            "title": f"{mine.label} {mine.labels[j]}", "edition": edition, "page": page,
            "articles": stories[j][1],
            "scan": archive.photo_by_id.get(page.scan) if page.scan else None,
            "prev_page": mine.own(j - 1) if j > 0 else None,
            "next_page": mine.own(j + 1) if j < last else None,
            "prev_issue": before and before.to(page.number),
            "next_issue": after and after.to(page.number)}))
    return found


class _Links:
    """An edition's addresses and labels, and the links to it and its pages."""

    def __init__(self, edition: Edition) -> None:
        self.path = urls.edition(edition)
        self.label = _label(edition)
        self.labels = [page_label(page) for page in edition.pages]
        # urls.print_page's addresses, below the edition's own
        self.paths = [f"{self.path}{page.number:02d}/" for page in edition.pages]
        self.numbers = {page.number: j for j, page in enumerate(edition.pages)}
        self.day = f"{edition.date.year}年{edition.date.month}月{edition.date.day}日"
        self.edition = Nav(self.day, self.path)
        self._to: dict[int, Nav] = {}

    def own(self, j: int) -> Nav:
        """A link to its page `j` from another page of it."""
        return Nav(self.labels[j], self.paths[j])

    def to(self, number: int) -> Nav:
        """A link from a neighbouring issue's page `number`: to this edition's page of that
        number, or to its first page if it has none (or to the edition, if it has no pages)."""
        j = self.numbers.get(number, 0 if self.paths else None)
        if j is None:
            return self.edition
        found = self._to.get(j)
        if found is None:
            found = self._to[j] = Nav(f"{self.day} {self.labels[j]}", self.paths[j])
        return found


def page_label(page: PrintPage) -> str:
    """第03版 防控疫情."""
    return f"第{page.number:02d}版" + (f" {page.name}" if page.name else "")


def _label(edition: Edition) -> str:
    day = edition.date
    issue = f" 第{edition.issue}期" if edition.issue is not None else ""
    return f"{edition.paper} {day.year}年{day.month}月{day.day}日{issue}"


def _articles(page: PrintPage, archive: Archive) -> tuple:
    # A withdrawn story ran in print, but is in no list (its address shows the notice).
    found = (archive.article_by_id.get(i) for i in page.stories)
    return tuple(a for a in found if a is not None and a.withdrawn is None)


def _months(editions: tuple[Edition, ...], year: int) -> tuple[MonthGrid, ...]:
    by_day = {e.date: e for e in editions if e.date.year == year}
    grids = []
    for month in sorted({d.month for d in by_day}, reverse=True):
        weeks = []
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            cells = []
            for day in week:
                edition = by_day.get(day) if day.month == month else None
                cells.append(Day(day.day if day.month == month else 0,
                                 urls.edition(edition) if edition else "", edition.issue if edition else None))
            weeks.append(tuple(cells))
        grids.append(MonthGrid(year, month, tuple(weeks), sum(d.month == month for d in by_day)))
    return tuple(grids)
