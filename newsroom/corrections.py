"""The site-wide corrections page (/corrections/) and its Atom feed: every 更正, newest first.

Pure: from the archive to pages. A withdrawn story is in no list, so not in these either.
"""

from __future__ import annotations

from . import pages, urls
from .config import Config
from .index import Archive
from .model import Article, Correction


def corrected(archive: Archive) -> tuple[tuple[Article, Correction], ...]:
    """Every correction with its article, newest first (then newest article first)."""
    found = [(article, correction) for article in archive.articles for correction in article.corrections]
    return tuple(sorted(found, key=lambda e: e[1].date, reverse=True))


def plan(archive: Archive, config: Config) -> list[pages.Page]:
    entries = corrected(archive)
    found = [pages.Page(urls.CORRECTIONS, "corrections.html", {"title": "更正", "entries": entries})]
    if config.base_url:   # a feed needs absolute links, as the others do
        feed = urls.feed(urls.CORRECTIONS)
        found.append(pages.Page(feed, "corrections.xml", {
            "title": f"更正 — {config.title}", "entries": entries[: config.feed_size],
            "feed_path": feed, "home_path": urls.CORRECTIONS}))
    return found
