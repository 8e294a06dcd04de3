"""历史上的今天: stories from this month and day in earlier years, for the home page.

Computed when the site is built, so the list changes when the site is rebuilt the next
day (builder: a build is not skipped as "nothing changed" after midnight).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from .model import Article

LIMIT = 5


def on_this_day(articles: Sequence[Article], today: date | None, limit: int = LIMIT) -> tuple[Article, ...]:
    """The newest `limit` articles (of `articles`, newest first) dated on today's month and day
    in an earlier year; none without a day."""
    if today is None:
        return ()
    found = []
    for article in articles:
        day = article.date
        if day.month == today.month and day.day == today.day and day.year < today.year:
            found.append(article)
            if len(found) == limit:
                break
    return tuple(found)
