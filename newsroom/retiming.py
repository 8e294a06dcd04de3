"""Stories given another time, of the same day or of another, moved in the kept plan's lists
instead of indexing and planning every page again.

An editor corrects when a story was published (10:30, not 01:30; the 21st, not the 12th).
What changes is its place in every list it is in (the home page's, its terms', its month's
and year's, with their feeds), its neighbours and theirs (上一篇/下一篇), its date in the
sitemap, and its place in print where the stories' dates order it or its own date gives
its edition (patches.apply makes the print index again). Its id is taken out of the kept
archive's lists and put back where its new time places it, and additions.Remade makes those
pages again, the story's own among them, as for a story taken out and put in. Dated another
day, its address names the new day: its page moves there, a month or a year left empty
goes, and moved.yaml gains the new address, the old one redirecting to it (`_readdressed`,
as redirects.plan does for a plan made afresh). The photos it shows, which it may date, are
filed again as for a story taken out and put in (shown.py), with the photo archive's pages.
A story that links, has aliases, corrections or a front-page place, is not published now, or a
story a problem of the plan names, is refused (`refusal`), and the build plans afresh;
tests/test_retiming.py compares the plan with one made afresh.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from . import additions, front, moved, redirects, removals, shown, stories_in, urls
from .config import Config
from .i18n import Explained
from .model import Article


def refusal(made: dict[str, Any], stories: Sequence[tuple[Article, Article]], now: datetime,
            config: Config) -> str | None:
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
        if any(problem.path == new.source for problem in made["plan_problems"]):
            return "named by a problem"
    if shown.refusal([new for _, new in stories], archive.photo_by_id, config):
        return "its photos have errors"
    moving = [(old, new) for old, new in stories if urls.article(old) != urls.article(new)]
    return _unaddressed(made, moving) if moving else None


def _unaddressed(made: dict[str, Any], moving: Sequence[tuple[Article, Article]]) -> str | None:
    """Why stories dated another day cannot take their new addresses in the kept plan."""
    living = made["living"]
    if living.changed:   # a preview's plan, whose new entries moved.yaml does not have
        return "moved.yaml is not the kept plan's"
    sources = {new.source for _, new in moving}
    own = {r.old for r in living.redirects if r.of in sources}   # (a story dated back: its old address)
    taken = {page.path for page in made["planned"]} - own
    elsewhere = {r.old for r in living.redirects} - own
    for _, new in moving:
        if urls.article(new) in taken or urls.article(new) in elsewhere:
            return "its new address is taken"   # a plan made afresh says by what
        if new.source not in living.record:
            return "not in moved.yaml"
    return None


def retime(made: dict[str, Any], counted: dict[str, Any], stories: Sequence[tuple[Article, Article]],
           config: Config, today: date, picks: front.Picks) -> None:
    """Move the stories (which `refusal` accepts) in the kept plan `made`'s lists."""
    archive = made["archive"]
    before = archive.articles
    moving = [new for _, new in stories]
    # The photos they show, which the first story showing it dates: taken out as a deleted
    # story's (shown.hide), put back as a new one's (shown.show), and filed in order again.
    photos = shown.hide(archive, [old for old, _ in stories])
    # The years they leave (a month or a year left empty goes) and those they join.
    years = {id(stories_in.year_of(archive, old.date)) for old, _ in stories}
    removals.out_of_lists(archive, [old for old, _ in stories])   # (as last parsed: where they were)
    stories_in.archive_with(archive, moving)
    years |= {id(stories_in.year_of(archive, story.date)) for story in moving}
    terms = {id(tax.term(name.name)) for story in moving for tax in archive.taxonomies
             for name in story.names(tax.key)}
    if photos:
        terms |= shown.show(archive, moving, config, made["plan_problems"])
    # Taken out and put in: the story's page made again, its old neighbours' and new ones' given theirs.
    remade = additions.Remade(archive, config, made["printed"], today, front.choose(archive, picks)[0],
                              {story.id for story in moving}, [old for old, _ in stories])
    additions.replan(made, counted, remade, before, years, terms, bool(photos))
    moved_on = [(old, new) for old, new in stories if urls.article(old) != urls.article(new)]
    if moved_on:
        _readdressed(made, counted, moved_on)


def _readdressed(made: dict[str, Any], counted: dict[str, Any], stories: Sequence[tuple[Article, Article]]) -> None:
    """moved.yaml's entries of stories dated another day, their new address first, and the
    redirects and their pages made again as redirects.plan makes them (the others kept)."""
    living, planned = made["living"], made["planned"]
    main = planned[:len(planned) - len(living.pages)]
    record, notes = dict(living.record), []
    for _, new in stories:   # (as moved.update records a move)
        entry, url = record[new.source], urls.article(new)
        record[new.source] = replace(entry, title=new.title, urls=moved.moved_to(entry, url))
        notes.append(Explained("moved: /{old} -> /{new}", old=entry.urls[0], new=url))
    sources = {new.source for _, new in stories}
    found = [r for r in living.redirects if r.of not in sources]
    found += redirects.article_redirects({s: record[s] for s in sources},
                                         {new.source: (new, urls.article(new)) for _, new in stories})
    kept, _ = redirects.check(found, main)   # (refusal: none of the new addresses is taken)
    pages = redirects.redirect_pages(kept, main)
    made["planned"] = [*main, *pages]
    made["living"] = replace(living, pages=tuple(pages), redirects=tuple(kept), record=record, changed=True,
                             notes=tuple(notes))
    counted["pages"], counted["notes"] = len(made["planned"]), list(notes)
    counted["redirects"] = redirects.pairs(kept)
