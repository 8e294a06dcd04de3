"""Stories given another time on the same day, moved in the kept plan's lists, instead of
indexing and planning every page again.

An editor corrects when a story was published (10:30, not 01:30). Its address names its
day, so it stays where it is; what changes is its place in every list it is in (the home
page's, its terms', its month's and year's, with their feeds), its neighbours and theirs
(上一篇/下一篇), its date in the sitemap, and its place on its print page where the stories'
dates order it (patches.apply makes the print index again). Its id is taken out of the
kept archive's lists and put back where its new time places it, and additions.Remade makes
those pages again, the story's own among them, as for a story taken out and put in.
A story that shows photos (it may date them), links, has aliases, corrections or a front-page
place, is not published now, or that a problem of the plan names is refused (`refusal`),
and the build plans afresh; tests/test_retiming.py compares the plan with one made afresh.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from . import additions, front
from .config import Config
from .index import Archive
from .model import Article


def refusal(made: dict[str, Any], stories: Sequence[tuple[Article, Article]], now: datetime) -> str | None:
    """Why the stories (each as last parsed, and now) cannot be moved in the kept plan `made`
    (None: they can)."""
    if not stories or len(stories) > additions.LIMIT:
        return "none or too many"
    archive = made["archive"]
    for _, new in stories:
        if archive.article_by_id.get(new.id) is not new or new.id in archive.scheduled:
            return "not in the lists"
        found = additions.unlike(new, now)
        if found:
            return found
        if new.photos:
            return "it shows photos (it may date them)"
        if any(problem.path == new.source for problem in made["plan_problems"]):
            return "named by a problem"
    return None


def retime(made: dict[str, Any], counted: dict[str, Any], stories: Sequence[tuple[Article, Article]],
           config: Config, today: date, picks: front.Picks) -> None:
    """Move the stories (which `refusal` accepts) in the kept plan `made`'s lists."""
    archive = made["archive"]
    before = archive.articles
    moving = [new for _, new in stories]
    _out_of_lists(archive, moving)
    additions.archive_with(archive, moving)
    years = {id(additions.year_of(archive, story.date)) for story in moving}
    terms = {id(tax.term(name.name)) for story in moving for tax in archive.taxonomies
             for name in story.names(tax.key)}
    # Taken out and put in: the story's page made again, its old neighbours' and new ones' given theirs.
    remade = additions.Remade(archive, config, made["printed"], today, front.choose(archive, picks)[0],
                              {story.id for story in moving}, [old for old, _ in stories])
    additions.replan(made, counted, remade, before, years, terms)


def _out_of_lists(archive: Archive, stories: Sequence[Article]) -> None:
    """The stories' ids out of the archive's, their terms' and their month's lists (their
    entries in its maps stay: they are put back at once)."""
    ids = {story.id for story in stories}
    object.__setattr__(archive, "articles", tuple(a for a in archive.articles if a.id not in ids))
    for story in stories:
        for term in (tax.term(name.name) for tax in archive.taxonomies for name in story.names(tax.key)):
            object.__setattr__(term, "articles", tuple(i for i in term.articles if i != story.id))
        month = additions.month_of(archive, story.date)
        object.__setattr__(month, "articles", tuple(i for i in month.articles if i != story.id))
