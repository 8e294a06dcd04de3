"""Stories corrected (a correction added or changed, or an `updated:` date given) in the kept
plan, instead of indexing and planning every page again.

A correction is published in the open: above the story, on the corrections page and in its
feed, and as the story's date of change (its feeds' entries, its JSON-LD, the sitemap). Of
the kept plan only the corrections page and feed and the sitemap's dates change: pages read
the rest of it from the story as they render (depends.py tracks it). additions.Remade makes
those again from the kept archive, which holds this build's parses. A withdrawn or scheduled
story is in no list: `refusal` leaves those to a plan made afresh.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from . import additions, front
from .config import Config
from .model import Article


def refusal(made: dict[str, Any], stories: Sequence[Article]) -> str | None:
    """Why the stories (as parsed now) cannot be corrected in the kept plan `made` (None: they can)."""
    if not stories or len(stories) > additions.LIMIT:
        return "none or too many"
    archive = made["archive"]
    if any(archive.article_by_id.get(s.id) is not s or s.id in archive.scheduled or s.withdrawn for s in stories):
        return "not in the lists"
    return None


def correct(made: dict[str, Any], counted: dict[str, Any], stories: Sequence[Article], config: Config,
            today: date, picks: front.Picks, home: bool = False) -> None:
    """Make the corrections page, its feed and the sitemap's dates of the kept plan `made`
    again; and its home pages, if `home` (the front page's choice or the day changed too)."""
    archive = made["archive"]
    remade = additions.Remade(archive, config, made["printed"], today, front.choose(archive, picks)[0], set(),
                              corrected=stories, home=home)
    additions.replan(made, counted, remade, archive.articles, set(), set())
