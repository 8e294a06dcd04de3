"""What changed between the last build's parses and this build's, as the kept plan can take it.

Each function compares the parses of the last build (`before`) with this build's (`now`),
each as (articles, photos) by source, and says whether the change is one kind of edit that a
module puts into the kept plan (plancache.py) — titles (plancache.retitle), stories or photos
added (additions.py) or deleted (removals.py, photoremovals.py), refiled (refiling.py),
corrected (correcting.py), retimed or redated (retiming.py), withdrawn (withdrawals.py),
photos filed anew (photofiling.py) — and which files it touched; patches.py picks the kind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import compress
from operator import attrgetter, is_not
from typing import Any

from . import placed
from .cache import Entries, Entry
from .model import Article


def retitled(before: tuple[dict[str, Entry], dict[str, Entry]],
             now: tuple[dict[str, Entry], dict[str, Entry]]) -> set[str] | None:
    """The articles whose title changed and the photos whose caption did, when every article
    parsed now sits where its last parse did and every photo too (placed.py): the plan made
    from the last parses is this build's once those titles are put in (`retitle`). None: it
    is not."""
    old_articles, old_photos = before
    articles, photos = now
    if not same_files(old_articles, articles) or old_photos.keys() != photos.keys():
        return None
    found = set()
    for source in others(old_photos, photos):
        entry, old = photos[source], old_photos[source]
        if entry.value is old.value:
            continue
        if not placed.same_photo_place(old.value, entry.value):
            return None
        if old.value.caption != entry.value.caption:
            found.add(source)
    for source in others(old_articles, articles):
        entry, old = articles[source], old_articles[source]
        if entry.value is old.value:
            continue
        if not placed.same_place(old.value, entry.value, but=("featured",)):   # (the front page: patches.apply)
            return None
        if old.value.title != entry.value.title:
            found.add(source)
    return found


def reparsed(before: dict[str, Entry], now: dict[str, Entry]) -> list[tuple[str, Article, Article]]:
    """(source, last parse, this one) of each article parsed again into something else."""
    return [(source, old.value, entry.value) for source in others(before, now)
            if (old := before.get(source)) is not None and (entry := now[source]).value is not old.value
            and type(old.value) is Article and type(entry.value) is Article]


def others(before: dict[str, Entry], now: dict[str, Entry]) -> Iterator[str]:
    """The files whose entry now is not the very one of the last build: a file not read again
    keeps its entry (content.py), which says which it replaced (cache.Entries); other
    mappings are compared, in C."""
    if type(now) is Entries and now.base is before:
        return iter(now.fresh)
    return compress(now.keys(), map(is_not, now.values(), map(before.get, now.keys())))


def same_files(before: dict[str, Entry], now: dict[str, Entry]) -> bool:
    """Whether `now` has entries for the very files `before` has: known without comparing
    100,000 keys when `now` was made from `before` (cache.Entries)."""
    if type(now) is Entries and now.base is before:
        return now.new == 0 and len(now) == len(before)
    return before.keys() == now.keys()


def relined(reparsed: Iterable[tuple[str, Article, Article]]) -> set[str]:
    """The articles (`reparsed`) whose values the planner reads moved to other lines
    (placed.py): the kept plan's problems naming them may name the old lines."""
    return {source for source, old, new in reparsed if not placed.same_lines(old, new)}


def added(before: tuple[dict[str, Entry], dict[str, Entry]],
          now: tuple[dict[str, Entry], dict[str, Entry]]) -> tuple[set[str], set[str], set[str]] | None:
    """The article files new since the last build, the photo files new, and the articles
    retitled, when stories or photos (or both) were added and every other article parsed now
    sits where its last parse did and every other photo parsed the same (as `retitled`
    asks): the kept plan is this build's once those titles are put in and the new stories
    or photos too (additions.py). None: it is not, or nothing was added."""
    old_articles, old_photos = before
    articles, photos = now
    new, new_photos = articles.keys() - old_articles.keys(), photos.keys() - old_photos.keys()
    if not (new or new_photos) or len(articles) - len(new) != len(old_articles) \
            or len(photos) - len(new_photos) != len(old_photos):
        return None   # nothing added, or something removed too
    found = retitled(({s: old_articles[s] for s in articles if s not in new}, old_photos),
                     ({s: e for s, e in articles.items() if s not in new},
                      {s: e for s, e in photos.items() if s not in new_photos}))
    return None if found is None else (new, new_photos, found)


ARTICLES, PHOTOS = 0, 1   # the parts of (articles, photos) by source, as `before` and `now` hold them


def removed(before: tuple[dict[str, Entry], dict[str, Entry]], now: tuple[dict[str, Entry], dict[str, Entry]],
            kind: int = ARTICLES) -> tuple[set[str], set[str]] | None:
    """The files of `kind` gone since the last build, and the articles retitled, when files of
    that kind were only deleted and every other file parsed now sits where its last parse did
    (as `retitled` asks): the kept plan is this build's once those titles are put in and the
    stories (removals.py) or photos (photoremovals.py) taken out. None: it is not."""
    gone = before[kind].keys() - now[kind].keys()
    if not gone or len(now[kind]) + len(gone) != len(before[kind]):
        return None   # nothing deleted, or something added too
    found = retitled(_others(before, kind, gone), now)
    return None if found is None else (gone, found)


def _others(parts: tuple[dict[str, Entry], dict[str, Entry]], kind: int,
            leaving: set[str]) -> tuple[dict[str, Entry], dict[str, Entry]]:
    """`parts` without the files `leaving` of `kind`."""
    rest = {s: e for s, e in parts[kind].items() if s not in leaving}
    return (rest, parts[PHOTOS]) if kind == ARTICLES else (parts[ARTICLES], rest)


def refiled(before: tuple[dict[str, Entry], dict[str, Entry]],
            now: tuple[dict[str, Entry], dict[str, Entry]]) -> tuple[set[str], set[str]] | None:
    """The articles filed under other names (and nothing else the planner reads changed),
    and the articles retitled (those among them too), when every other article parsed now
    sits where its last parse did and every photo parsed the same (as `retitled` asks): the
    kept plan is this build's once the stories are refiled in it (refiling.py)."""
    return _changed(before, now, ARTICLES, _refiled)


def _refiled(old: Any, new: Any) -> bool:
    """Two parses of one article file that differ, of what the planner reads
    (depends.PLACING), only in the names it is filed under."""
    return type(old) is Article and type(new) is Article and old.terms != new.terms \
        and placed.same_place(old, new, but=("terms",))


def corrected(before: tuple[dict[str, Entry], dict[str, Entry]],
              now: tuple[dict[str, Entry], dict[str, Entry]]) -> tuple[set[str], set[str]] | None:
    """The articles given other corrections or another `updated:` date (and nothing else the
    planner reads changed), and the articles retitled, when every other article parsed now
    sits where its last parse did and every photo too (as `retitled` asks): the kept plan is
    this build's once the corrections page and the sitemap's dates are made again
    (correcting.py)."""
    return _changed(before, now, ARTICLES, _corrected)


def _corrected(old: Any, new: Any) -> bool:
    return type(old) is Article and type(new) is Article \
        and (old.updated, [(c.date, c.text) for c in old.corrections]) \
        != (new.updated, [(c.date, c.text) for c in new.corrections]) \
        and placed.same_place(old, new, but=("corrections", "updated"))


def retimed(before: tuple[dict[str, Entry], dict[str, Entry]],
            now: tuple[dict[str, Entry], dict[str, Entry]]) -> tuple[set[str], set[str]] | None:
    """The articles dated another time (placed.retimed, placed.redated), and those retitled,
    as `corrected` finds its own: the kept plan is this build's once they are moved in its
    lists (retiming.py)."""
    return _changed(before, now, ARTICLES, lambda old, new: placed.retimed(old, new) or placed.redated(old, new))


def withdrawn(before: tuple[dict[str, Entry], dict[str, Entry]],
              now: tuple[dict[str, Entry], dict[str, Entry]]) -> tuple[set[str], set[str]] | None:
    """The articles withdrawn (placed.withdrawn), and those retitled, as `retimed` finds its own."""
    return _changed(before, now, ARTICLES, placed.withdrawn)


def photos_refiled(before: tuple[dict[str, Entry], dict[str, Entry]],
                   now: tuple[dict[str, Entry], dict[str, Entry]]) -> tuple[set[str], set[str]] | None:
    """The photos filed or dated anew (placed.photo_refiled), and the articles retitled and
    photos recaptioned, when every other article and photo parsed now sits where its last
    parse did (as `retitled` asks): the kept plan is this build's once the photos are filed
    anew in it (photofiling.py)."""
    return _changed(before, now, PHOTOS, placed.photo_refiled)


def _changed(before: tuple[dict[str, Entry], dict[str, Entry]], now: tuple[dict[str, Entry], dict[str, Entry]],
             kind: int, differs: Callable[[Any, Any], bool]) -> tuple[set[str], set[str]] | None:
    """The files of `kind` parsed again whose two parses `differs` accepts, and the titles
    changed (theirs too), when every other file parsed now is as `retitled` asks."""
    old, new = before[kind], now[kind]
    if old.keys() != new.keys():
        return None
    found = {source for source, entry in new.items() if entry is not old[source] and differs(old[source].value, entry.value)}
    if not found:
        return None
    titles = retitled(_others(before, kind, found), _others(now, kind, found))
    if titles is None:
        return None
    title = _TITLED[kind]
    return found, titles | {s for s in found if title(old[s].value) != title(new[s].value)}


# What plancache.retitle and plancache.recaption put in of each kind: an article's title, a photo's caption.
_TITLED = (attrgetter("title"), attrgetter("caption"))


def refeatured(reparsed: Iterable[tuple[str, Article, Article]]) -> bool:
    """Whether an article (`reparsed`) has another place on the front page (`featured:`)."""
    return any(old.featured != new.featured for _, old, new in reparsed)


def edited_photos(before: dict[str, Entry], now: dict[str, Entry]) -> dict[str, tuple]:
    """The photo files parsed again (their files touched or changed), each with the stats its
    last parse was read at (the kept plan's key has them: memory.plan_inputs)."""
    return {source: old.stat for source, entry in now.items()
            if (old := before.get(source)) is not None and entry is not old}
