"""Stories put into the kept archive's lists in place, where index.build would list them
(newest first by date, then slug): the archive's own list, each term that names them, their
month (made, with its year, if new). The kept plan's pages hold these objects, so they see
the new lists; additions, refiling, retiming and withdrawals all put stories in this way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from .index import Archive, Month, Term, Year
from .model import Article


def archive_with(archive: Archive, added: Sequence[Article]) -> None:
    """Put the stories in the kept archive's lists (in place: the kept pages hold its objects)."""
    for story in added:
        articles = list(archive.articles)
        articles.insert(position(_order(story), map(_order, articles)), story)
        object.__setattr__(archive, "articles", tuple(articles))
        archive.__dict__.pop("rank", None)   # (a cached_property)
        archive.article_by_id[story.id] = story
        archive.article_by_source[story.source] = story.id
        archive.figures[story.id] = ()
        by_id = archive.article_by_id
        for tax in archive.taxonomies:
            for name in story.names(tax.key):   # each time it is named, as index._named lists it
                insert(tax.term(name.name), story, by_id)
        insert(month_of(archive, story.date) or _new_month(archive, story.date), story, by_id)


def _order(story: Article) -> tuple:
    return story.date, story.slug   # index.build lists stories newest first by this


def place(story: Article, ids: Sequence[str], by_id: dict[str, Article]) -> int:
    """Where the story goes in a list of story ids, newest first."""
    return position(_order(story), (_order(by_id[i]) for i in ids))


def position(key: tuple, keys: Iterable[tuple]) -> int:
    """Where an item goes in a list newest first (`keys`: the list's, as `key`): before the
    first one older than it. (A photo goes in the photo archive's lists so too.)"""
    count = 0
    for other in keys:
        if other < key:
            return count
        count += 1
    return count


def insert(holder: Term | Month | None, story: Article, by_id: dict[str, Article]) -> None:
    assert holder is not None   # refusal: every name has its term, the month is there
    ids = list(holder.articles)
    ids.insert(place(story, ids, by_id), story.id)
    object.__setattr__(holder, "articles", tuple(ids))


def _new_month(archive: Archive, when: datetime) -> Month:
    """A month put in its year's list (newest first), empty; and its year in the archive's, if new."""
    year = year_of(archive, when)
    if year is None:
        year = Year(when.year, ())
        years = sorted([*archive.years, year], key=lambda y: y.year, reverse=True)
        object.__setattr__(archive, "years", tuple(years))
    month = Month(when.year, when.month, ())
    months = sorted([*year.months, month], key=lambda m: m.month, reverse=True)
    object.__setattr__(year, "months", tuple(months))
    return month


def year_of(archive: Archive, when: datetime) -> Any:
    return next((y for y in archive.years if y.year == when.year), None)


def month_of(archive: Archive, when: datetime) -> Month | None:
    year = year_of(archive, when)
    return next((m for m in year.months if m.month == when.month), None) if year else None
