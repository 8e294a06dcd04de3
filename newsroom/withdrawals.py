"""Stories withdrawn since the last build taken out of its plan's lists, their pages made
notices, instead of indexing and planning every page again.

A paper takes a story down in the open: `withdrawn: {date, reason}` keeps its address, with
a notice in place of the story, and takes it out of every list, feed, sitemap and the search
index (pages.plan). To the lists that is a story taken out (removals.py): additions.Remade
makes them again from the kept archive without it, with its neighbours' pages and the
sitemap; its page becomes a notice, placed among the other withdrawn stories' as a plan
made afresh places it; its print editions' pages are made again (reprinting.py). Its
address, its moved.yaml entry and its redirects stay. The photos it shows lose it as a
user, as they lose a deleted story (shown.py: their pages, order and terms' photo lists).
A story that links, has corrections (the corrections page) or a front-page place, or that
leaves a term with no story or another role, is refused (`refusal`): the build plans
afresh. A story put back (withdrawn no more) goes into the lists as a new story does
(additions.py), its photos shown by it again, its notice gone; one the kept archive has no
place for as it is (a term gone, another role, a photo with errors) is refused too.
tests/test_withdrawals.py compares the plan with one made afresh, page by page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from . import additions, front, pages, removals, shown, stories_in, urls
from .config import Config
from .index import Archive
from .model import Article


def refusal(made: dict[str, Any], stories: Sequence[tuple[Article, Article]], config: Config,
            now: datetime) -> str | None:
    """Why the stories (each as last parsed, and now withdrawn, or put back) cannot be taken
    down, or put back, in the kept plan `made` (None: they can)."""
    if not stories or len(stories) > additions.LIMIT:
        return "none or too many"
    back = [new for _, new in stories if new.withdrawn is None]
    if back:
        return _unreturnable(made, back, config, now) if len(back) == len(stories) else "both ways at once"
    archive = made["archive"]
    ids = {old.id for old, _ in stories}
    for old, new in stories:
        if archive.article_by_id.get(old.id) is not new or old.id in archive.scheduled or old.featured:
            return "not in the lists, or featured"
        if old.links or old.corrections:
            return "links or corrections"
        found = removals.unplaced(old, archive, config, ids)
        if found:
            return found
        if additions.named_by_problem(made, old.slug, old.source, but_its_own=True):
            return "named by a problem"
    if len(archive.articles) <= len(stories):
        return "no story left"
    return None


def _unreturnable(made: dict[str, Any], stories: Sequence[Article], config: Config, now: datetime) -> str | None:
    """Why stories withdrawn no more cannot be put back in the kept plan's lists."""
    archive = made["archive"]
    for story in stories:
        if not any(other is story for other in archive.withdrawn):
            return "not among the withdrawn"
        found = additions.unlike(story, now) or additions.misnamed(story, archive, config)
        if found:
            return found
        if additions.named_by_problem(made, story.slug, story.source, but_its_own=True):
            return "named by a problem"
    return shown.refusal(stories, archive.photo_by_id, config)


def withdraw(made: dict[str, Any], counted: dict[str, Any], stories: Sequence[tuple[Article, Article]],
             config: Config, today: date, picks: front.Picks) -> None:
    """Take the stories (which `refusal` accepts) out of the kept plan `made`'s lists, their
    pages made notices; or put them back, their notices gone."""
    if all(new.withdrawn is None for _, new in stories):
        _put_back(made, counted, [new for _, new in stories], config, today, picks)
        return
    archive = made["archive"]
    before = archive.articles
    gone = [old for old, _ in stories]
    photos = shown.hide(archive, gone)   # (their figures stay: index.build makes a withdrawn story's)
    _out_of_lists(archive, stories)
    removals.replan_without(made, counted, gone, before, photos, config, today, picks)
    made["planned"] = _with_notices(made["planned"], archive, {new.id for _, new in stories})
    counted["articles"] -= len(stories)
    counted["pages"] = len(made["planned"])


def _put_back(made: dict[str, Any], counted: dict[str, Any], stories: Sequence[Article], config: Config,
              today: date, picks: front.Picks) -> None:
    """The stories in the kept archive's lists again, as new ones are put in (additions.py),
    and out of its withdrawn ones; their pages the stories' again."""
    archive = made["archive"]
    before, ids = archive.articles, {story.id for story in stories}
    object.__setattr__(archive, "withdrawn", tuple(a for a in archive.withdrawn if a.id not in ids))
    stories_in.archive_with(archive, stories)
    years = {id(stories_in.year_of(archive, story.date)) for story in stories}
    terms = {id(tax.term(name.name)) for story in stories for tax in archive.taxonomies
             for name in story.names(tax.key)}
    photos = any(story.photos for story in stories)
    if photos:   # what index.build finds of their photos is in the plan's problems already
        terms |= shown.show(archive, stories, config, [])
    remade = additions.Remade(archive, config, made["printed"], today, front.choose(archive, picks)[0], ids)
    additions.replan(made, counted, remade, before, years, terms, photos)
    paths = {urls.article(story) for story in stories}
    made["planned"] = [page for page in made["planned"] if page.template != "withdrawn.html" or page.path not in paths]
    counted["articles"] += len(stories)
    counted["pages"] = len(made["planned"])


def _out_of_lists(archive: Archive, stories: Sequence[tuple[Article, Article]]) -> None:
    """The stories out of the kept archive's lists and into its withdrawn ones (in place: the
    kept pages hold its objects); they keep their entries in its maps, as index.build does."""
    removals.out_of_lists(archive, [old for old, _ in stories])
    withdrawn = sorted([*archive.withdrawn, *(new for _, new in stories)], key=lambda a: (a.date, a.slug),
                       reverse=True)
    object.__setattr__(archive, "withdrawn", tuple(withdrawn))


def _with_notices(planned: list[pages.Page], archive: Archive, ids: set[str]) -> list[pages.Page]:
    """The plan with the withdrawn stories' notices where pages.plan puts them: after the
    stories' pages, in the archive's order of withdrawn stories."""
    last = max(i for i, page in enumerate(planned) if page.template == "article.html")
    end = last + 1
    while end < len(planned) and planned[end].template == "withdrawn.html":
        end += 1
    kept = {page.path: page for page in planned[last + 1:end]}   # (their contexts left unread)
    notices = [kept[urls.article(story)] if story.id not in ids else pages.withdrawn_page(story)
               for story in archive.withdrawn]
    return [*planned[:last + 1], *notices, *planned[end:]]
