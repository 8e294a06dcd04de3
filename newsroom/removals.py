"""Stories deleted since the last build taken out of its plan, instead of indexing and planning every page again.

A story published in error is deleted; its moved.yaml entry stays, with a warning, until
an editor lets its address go (moved.update). A story that links nowhere, has no aliases,
corrections or front-page place, and that no other story links to, leaves a few pages of
the kept plan: the lists it was in (the home page's, its terms', its year's and month's,
with their feeds), the pages of the stories beside it, the sitemap, and its own page; the
pages of the editions it ran in (reprinting.py, unless a page is left with none); and, if
it showed photos, their pages and their terms' lists (shown.py: a photo loses it as a
user, and the names it gave it). additions.Remade makes those again from the kept
archive with the story taken out, as it does when one is put in; the warning is made as a
plan made afresh makes it, from moved.yaml as it is now. Anything else is refused
(`refusal` says why) and the build plans afresh; tests/test_removals.py compares the plan
with one made afresh, page by page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from . import additions, front, links, shown, stories_in, urls
from .config import Config
from .index import Archive, usual_role
from .model import Article


def refusal(made: dict[str, Any], gone: Sequence[Article], articles: Iterable[Article],
            config: Config) -> str | None:
    """Why the stories `gone` (their last parses) cannot be taken out of the kept plan `made`
    (None: they can). `articles`: every article parsed now."""
    if not gone or len(gone) > additions.LIMIT:
        return "none or too many"
    archive, living = made["archive"], made["living"]
    ids = {story.id for story in gone}
    for story in gone:
        if archive.article_by_id.get(story.id) is not story or story.id in archive.scheduled \
                or story.withdrawn or story.corrections or story.featured:
            return "not in the lists, or withdrawn, corrected or featured"
        if story.links or story.aliases:
            return "links or aliases"   # (in print: the print index is made again, reprinting.py)
        found = unplaced(story, archive, config, ids)
        if found:
            return found
        if additions.named_by_problem(made, story.slug, story.source, but_its_own=True):   # a hint, a duplicate …
            return "named by a problem"
    if _linked_to(gone, articles):
        return "linked to"
    if any(r.of in {story.source for story in gone} for r in living.redirects):
        return "its old addresses redirect"
    if living.changed:   # a preview's plan, whose new entries moved.yaml does not have
        return "moved.yaml is not the kept plan's"
    return None


def unplaced(story: Article, archive: Archive, config: Config, ids: set[str]) -> str | None:
    """What taking the story out would change beyond its lists: a term left with no story, a
    term's role (the one most of its stories give, where its registry gives none)."""
    by_id = archive.article_by_id
    for tax in archive.taxonomies:
        registry = config.registries.get(tax.key)
        for name in story.names(tax.key):
            term = tax.term(name.name)
            if term is None or not set(term.articles) - ids:
                return "a term left with no story"   # (or only photos the story showed)
            entry = registry.lookup(name.name) if registry else None
            if entry is not None and (entry.old_names or entry.old_slugs):
                return "a renamed term"   # its old pages redirect, one for each page of its list
            if name.role and not (entry and entry.role):
                roles = [n.role for i in term.articles if i not in ids
                         for n in by_id[i].names(tax.key) if n.name == term.name and n.role]
                if usual_role(roles) != term.role:
                    return "another role"
    return None


def _linked_to(gone: Sequence[Article], articles: Iterable[Article]) -> bool:
    """Whether a story links to one of `gone`, by its file or its address (that link breaks)."""
    sources = {story.source for story in gone}
    paths = {urls.article(story) for story in gone}
    for article in articles:
        for href, _ in article.links:
            found = links.kind(href)
            if found == links.ARTICLE and links.article_source(article.source, href) in sources:
                return True
            if found == links.SITE and links.site_path(href) in paths:
                return True
    return False


def take_out(made: dict[str, Any], counted: dict[str, Any], gone: Sequence[Article], config: Config,
             today: date, picks: front.Picks) -> None:
    """Take `gone` (which `refusal` accepts) out of the kept plan `made` and its counts
    `counted` (moved.yaml's warnings: plancache.rewarn)."""
    archive = made["archive"]
    before = archive.articles
    photos = shown.hide(archive, gone)
    _archive_without(archive, gone)
    replan_without(made, counted, gone, before, photos, config, today, picks)
    sources = {story.source for story in gone}   # (their own problems go with them: a photo shown uncredited …)
    made["plan_problems"] = [p for p in made["plan_problems"] if p.path not in sources]
    counted["articles"] -= len(gone)


def replan_without(made: dict[str, Any], counted: dict[str, Any], gone: Sequence[Article],
                   before: tuple[Article, ...], photos: set[str], config: Config, today: date, picks: front.Picks) -> None:
    """Make again the kept plan's pages that listed `gone`, now out of the archive's lists
    (`before`: its stories as they were; `photos`: those shown.hide took them from): their
    years' and terms' pages, the photos' terms', and what additions.replan makes with them.
    A deleted story and a withdrawn one leave the lists alike (withdrawals.py)."""
    archive = made["archive"]
    years = {id(stories_in.year_of(archive, story.date)) for story in gone}
    terms = {id(tax.term(name.name)) for story in gone for tax in archive.taxonomies
             for name in story.names(tax.key)}
    terms |= shown.refresh(archive, photos, config) if photos else set()
    remade = additions.Remade(archive, config, made["printed"], today, front.choose(archive, picks)[0],
                              set(), gone)
    additions.replan(made, counted, remade, before, years, terms, bool(photos))


def _archive_without(archive: Archive, gone: Sequence[Article]) -> None:
    """Take the stories out of the kept archive (in place: the kept pages hold its objects)."""
    out_of_lists(archive, gone)
    for story in gone:
        del archive.article_by_id[story.id], archive.article_by_source[story.source], archive.figures[story.id]


def out_of_lists(archive: Archive, stories: Sequence[Article]) -> None:
    """The stories' ids out of the kept archive's lists: its own, their terms', their month's
    (`leave_month`). Its maps by id and source keep them (a story moved or withdrawn stays)."""
    ids = {story.id for story in stories}
    object.__setattr__(archive, "articles", tuple(a for a in archive.articles if a.id not in ids))
    archive.__dict__.pop("rank", None)   # (a cached_property)
    for story in stories:
        for term in (tax.term(name.name) for tax in archive.taxonomies for name in story.names(tax.key)):
            object.__setattr__(term, "articles", tuple(i for i in term.articles if i != story.id))
        leave_month(archive, story)


def leave_month(archive: Archive, story: Article) -> None:
    """Take the story out of its month's list; a month, then a year, left empty goes."""
    year, month = stories_in.year_of(archive, story.date), stories_in.month_of(archive, story.date)
    object.__setattr__(month, "articles", tuple(i for i in month.articles if i != story.id))
    if not month.articles:
        object.__setattr__(year, "months", tuple(m for m in year.months if m is not month))
    if not year.months:
        object.__setattr__(archive, "years", tuple(y for y in archive.years if y is not year))
