"""Stories filed under other names (a street, a person, a tag) taken out of the lists they
left and put into those they joined in the kept plan, instead of indexing and planning
every page again.

The desk corrects where a story happened, or who wrote it: the story keeps its date and
address, so of the kept plan only the lists of the names it had and has change (their pages,
the people sharing them, their feeds), the home page's blocks of each street's newest, and
the sitemap (a list may gain or lose a page). additions.Remade makes those again from the
kept archive with the story's ids moved between the terms' lists; the photos it shows are
filed under its names, so their pages and their terms' lists are made again too (shown.py).
It refuses (`refusal` says why, and the build plans afresh) a new name, a name left with
no story, a person's role changed or a renamed term (the problems of the last plan stay:
none depends on the names a story is filed under, only on whether they are known);
tests/test_removals.py compares the plan with one made afresh, page by page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from . import additions, front, shown, stories_in
from .config import Config
from .index import Archive, Taxonomy, Term, usual_role
from .model import Article


def refusal(made: dict[str, Any], stories: Sequence[tuple[Article, Article]], config: Config) -> str | None:
    """Why the stories (each as last parsed, and now) cannot be refiled in the kept plan `made`
    (None: they can)."""
    if not stories or len(stories) > additions.LIMIT:
        return "none or too many"
    archive = made["archive"]
    moving = [new for _, new in stories]
    # The names the stories give a role, as parsed before or now: another term's role cannot
    # change (only stories that give one count), so its stories are not looked at (at 100,000
    # articles a street's 16,000, each unpickled to be read: unread.py).
    roled = {(tax.key, name.name) for pair in stories for story in pair for tax in archive.taxonomies
             for name in story.names(tax.key) if name.role}
    for old, new in stories:
        if archive.article_by_id.get(new.id) is not new or new.id in archive.scheduled or new.withdrawn:
            return "not in the lists"
        for tax in archive.taxonomies:
            found = _unfiled(tax, old, new, archive, config, (moving, roled))
            if found:
                return found
    return None


def _unfiled(tax: Taxonomy, old: Article, new: Article, archive: Archive, config: Config,
             refiled: tuple[Sequence[Article], set[tuple[str, str]]]) -> str | None:
    """What refiling the story under `tax` would change beyond its terms' lists. `refiled`:
    the stories refiled (as parsed now), and the (taxonomy, name) pairs they give a role."""
    moving, roled = refiled
    registry = config.registries.get(tax.key)
    now = {name.name: name.role for name in new.names(tax.key)}
    for name in {*(n.name for n in old.names(tax.key)), *now}:
        term = tax.term(name)
        if term is None:
            return "a new name"
        entry = registry.lookup(name) if registry else None
        if entry is not None and (entry.old_names or entry.old_slugs):
            return "a renamed term"   # its old pages redirect, one for each page of its list
        if name not in now and not set(term.articles) - {s.id for s in moving}:
            return "a term left with no story"   # (or only photos the story showed)
        if (tax.key, name) in roled and not (entry and entry.role) \
                and _role(term, tax.key, archive, moving) != term.role:
            return "another role"
    return None


def _role(term: Term, key: str, archive: Archive, moving: Sequence[Article]) -> str:
    """The role most of the term's stories give it (index._taxonomy) with `moving` (this
    build's parses) refiled: its list as it will be, newest first, for a tie goes to the newer."""
    leaving = {story.id for story in moving}
    by_id, ids = archive.article_by_id, [i for i in term.articles if i not in leaving]
    for story in moving:
        if any(n.name == term.name for n in story.names(key)):
            ids.insert(stories_in.place(story, ids, by_id), story.id)
    return usual_role([n.role for i in ids for n in by_id[i].names(key) if n.name == term.name and n.role])


def refile(made: dict[str, Any], counted: dict[str, Any], stories: Sequence[tuple[Article, Article]],
           config: Config, today: date, picks: front.Picks) -> None:
    """Refile the stories (which `refusal` accepts) in the kept plan `made` and its counts."""
    archive = made["archive"]
    terms: set[int] = set()
    for old, new in stories:
        for tax in archive.taxonomies:
            named = [*(n.name for n in old.names(tax.key)), *(n.name for n in new.names(tax.key))]
            for term in {id(t): t for t in map(tax.term, named)}.values():
                object.__setattr__(term, "articles", tuple(i for i in term.articles if i != new.id))
                terms.add(id(term))
            for name in new.names(tax.key):   # each time it is named, as index._named lists it
                stories_in.insert(tax.term(name.name), new, archive.article_by_id)
    photos = {figure.photo for _, new in stories for figure in archive.figures.get(new.id, ())}
    terms |= shown.refresh(archive, photos, config) if photos else set()   # (they are filed under its names)
    remade = additions.Remade(archive, config, made["printed"], today, front.choose(archive, picks)[0], set())
    additions.replan(made, counted, remade, archive.articles, set(), terms, bool(photos))
