"""The pages of the printed paper (数字报): the calendar, each edition, each of its pages.

Pure: planned from the print index (printing.Editions) and the archive, as
(path, template, context) for pages.plan. A page's context holds what it shows (the
edition, its stories as Article objects, its neighbours as plain links), so an edited
edition file changes only that edition's pages and the calendar.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from typing import Any

from . import urls
from .index import Archive
from .printing import Edition, Editions, PrintPage

FIRST = "first"   # in _issue_links: an edition's first page
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
    all_editions = editions.editions
    # Each edition is linked from both its neighbours' pages, each page to its own number there.
    issue_links = [_issue_links(edition) for edition in all_editions]
    for i, edition in enumerate(all_editions):
        before = issue_links[i - 1] if i > 0 else None
        after = issue_links[i + 1] if i + 1 < len(all_editions) else None
        stories = tuple((page, _articles(page, archive)) for page in edition.pages)
        found.append((urls.edition(edition), "edition.html", {
            "title": f"{_label(edition)}", "edition": edition, "pages_stories": stories,
            "previous": before and before[None], "next": after and after[None]}))
        for j, page in enumerate(edition.pages):
            found.append((urls.print_page(page), "print_page.html", {
                "title": f"{_label(edition)} {page_label(page)}", "edition": edition, "page": page,
                "articles": stories[j][1],
                "scan": archive.photo_by_id.get(page.scan) if page.scan else None,
                "prev_page": _page_link(edition.pages[j - 1]) if j > 0 else None,
                "next_page": _page_link(edition.pages[j + 1]) if j + 1 < len(edition.pages) else None,
                "prev_issue": before and before.get(page.number, before[FIRST]),
                "next_issue": after and after.get(page.number, after[FIRST])}))
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


def _page_link(page: PrintPage) -> Nav:
    return Nav(page_label(page), urls.print_page(page))


def _issue_links(edition: Edition) -> dict[int | str | None, Nav]:
    """Links to an edition from a neighbouring issue: None to the edition itself, each page
    number to its page, FIRST to its first page (for a page number it lacks)."""
    day = f"{edition.date.year}年{edition.date.month}月{edition.date.day}日"
    links: dict[int | str | None, Nav] = {None: Nav(day, urls.edition(edition))}
    for page in edition.pages:
        links[page.number] = Nav(f"{day} {page_label(page)}", urls.print_page(page))
    if edition.pages:
        links[FIRST] = links[edition.pages[0].number]
    return links


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
