"""The last build's archive and page plan, kept for the next build when an edit leaves them as they were.

Editing an article's text or title (not where it is placed, depends.PLACING) leaves the
archive's indexes and the page plan as they were, but for the title where the planner copied
it (depends.COPIED; `retitle` puts the new one in): the planner reads nothing else of an
article (tests/test_depends.py records what it reads). Such a build loads them from here
instead of making them again, about half of a one-article edit at 10,000 articles. Titles
put in are not saved in the plan's file (writing it is a quarter of a 16 s title edit at
100,000 articles): the build state lists them, and each build that keeps the plan puts them
in again. Articles and photos are kept by reference (their source), so the loaded plan holds
this build's own parses, the edited text included; the pages' contexts are read from the
file when first used (planfile.py), as an edit uses a few of them.

Everything else the index and the plan are made from is in the key: the settings, every
input file but the articles' own (stat), the set of articles, moved.yaml; but front.yaml,
read at every build that keeps a plan, whose front page is made again if its choice differs
(patches.apply: an editor changes the front page daily), and the edition files, whose stats
the plan holds (reprinting.py: a paper edits the day's edition daily). The build state
keeps the key and the plan's expiry beside a token that ties the plan's file to it (a build
killed between the two saves leaves a plan nobody uses): a plan made from other inputs, or
expired, is not even read (its head is 0.55 s at 100,000 articles).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any

from . import moved, placed, planfile, shown, sums, urls
from .cache import Entry
from .editions import EDITIONS_DIR
from .model import Article, Photo
from .problems import Problem

FILE = "plan.pickle"
# Stories retitled in a kept plan before it is made afresh: their titles are saved with every
# build's state, so they are not left to grow without end.
RETITLED = 2000
MAGIC = b"NRP2"   # then the CRC-32 of the rest (sums.write_sealed), laid out as planfile.py says


class Damaged(Exception):
    def __init__(self, file: Path) -> None:
        super().__init__(str(file))
        self.file = file


@dataclass
class Kept:
    """What the index and plan stages made. What they were made from (`key`) and when that
    stops being right (a scheduled story goes live; a new day changes the first home page
    alone, made again by patches.apply) are kept in the build state with the token, and
    checked before this is read."""

    made: dict[str, Any] = field(default_factory=dict)     # Run attribute -> value
    result: dict[str, Any] = field(default_factory=dict)   # BuildResult attribute -> value


def key(settings: str, scanned: dict[str, tuple[int, int]], sources: Iterable[str],
        content_dir: Path, extra_files: Iterable[Path], photos_dir: Path | None = None,
        skipped: frozenset[str] = frozenset()) -> str:
    """The plan's inputs other than the articles' parses: all files' stats but articles'
    and edition files' (the kept plan holds their stats: reprinting.edited), and but the
    photos', if `photos_dir` is given; and but those `skipped`."""
    h = hashlib.sha256(settings.encode())
    articles = str(content_dir) + os.sep
    editions = str(content_dir / EDITIONS_DIR) + os.sep
    photos = str(photos_dir) + os.sep if photos_dir is not None else None
    # In the paths' order, not the scan's (folder by folder): a file put back in (a photo's,
    # memory.plan_inputs) keys the same wherever the archive and the templates are.
    for path, stat in sorted((path, stat) for path, stat in scanned.items()
                             if not (path.startswith(articles) and (path.endswith(".md") or path.startswith(editions)))
                             and not (photos and path.startswith(photos)) and path not in skipped):
        h.update(f"{path}|{stat}\n".encode())
    for file in extra_files:
        try:
            st = file.stat()
            h.update(f"{file}|{st.st_size}|{st.st_mtime_ns}\n".encode())
        except OSError:
            h.update(f"{file}|-\n".encode())
    h.update("\n".join(sorted(sources)).encode())
    return h.hexdigest()


def retitled(before: tuple[dict[str, Entry], dict[str, Entry]],
             now: tuple[dict[str, Entry], dict[str, Entry]]) -> set[str] | None:
    """The articles whose title changed and the photos whose caption did, when every article
    parsed now sits where its last parse did and every photo too (placed.py): the plan made
    from the last parses is this build's once those titles are put in (`retitle`). None: it
    is not."""
    old_articles, old_photos = before
    articles, photos = now
    if old_articles.keys() != articles.keys() or old_photos.keys() != photos.keys():
        return None
    found = set()
    for source, old in old_photos.items():
        entry = photos[source]
        if entry is old or entry.value is old.value:
            continue
        if not placed.same_photo_place(old.value, entry.value):
            return None
        if old.value.caption != entry.value.caption:
            found.add(source)
    for source, entry in articles.items():
        old = old_articles[source]
        if entry is old or entry.value is old.value:
            continue
        if not placed.same_place(old.value, entry.value, but=("featured",)):   # (the front page: patches.apply)
            return None
        if old.value.title != entry.value.title:
            found.add(source)
    return found


def reparsed(before: dict[str, Entry], now: dict[str, Entry]) -> list[tuple[str, Article, Article]]:
    """(source, last parse, this one) of each article parsed again into something else."""
    return [(source, old.value, entry.value) for source, entry in now.items()
            if (old := before.get(source)) is not None and entry is not old and entry.value is not old.value
            and type(old.value) is Article and type(entry.value) is Article]


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


# What `retitle` and `recaption` put in of each kind: an article's title, a photo's caption.
_TITLED = (attrgetter("title"), attrgetter("caption"))


def retitle(made: dict[str, Any], articles: Mapping[str, Article], sources: Iterable[str],
            published: Mapping[str, str]) -> None:
    """Put the current titles of `sources` into the kept plan `made`, where the planner copied
    them (depends.COPIED): the context of the story's page (or its withdrawn notice), of each
    page at an old address of it, and its entry in moved.yaml's record. `published`: the
    titles moved.yaml has now, where they are not the plan's; the record is to be written
    when one differs."""
    stories = {source: articles[source] for source in sources if source in articles}
    if not stories:
        return
    living = made["living"]
    redirects, at_old = [], {}
    for r in living.redirects:
        story = stories.get(r.target.source) if type(r.target) is Article else None
        redirects.append(r if story is None else dataclasses.replace(r, title=story.title))
        if story is not None:
            at_old[r.old] = story.title
    at = {urls.article(a): a.title for a in stories.values()}
    for page in made["planned"]:
        if page.template in ("article.html", "withdrawn.html"):
            title = at.get(page.path)
        else:
            title = at_old.get(page.path) if page.template == "redirect.html" else None
        if title is not None:
            page.context.patch(title=title)
    record, changed = dict(living.record), living.changed
    for source, story in stories.items():
        entry = record.get(source)
        if entry is None:
            continue
        changed = changed or published.get(source, entry.title) != story.title
        if entry.title != story.title:
            record[source] = dataclasses.replace(entry, title=story.title)
    made["living"] = dataclasses.replace(living, redirects=tuple(redirects), record=record, changed=changed)


def recaption(made: dict[str, Any], photos: Iterable[Photo]) -> None:
    """Put the current captions of `photos` into the kept plan `made`, where the planner
    copied them: the title of the photo's page, and the figures of the stories showing it
    without a caption of their own (nothing else it made of a photo changes with its
    caption: placed.same_photo_place)."""
    archive, at = made["archive"], {}
    for photo in photos:
        at[urls.photo(photo)] = photo.title
        shown.refigure(archive, photo)
    if at:
        for page in made["planned"]:
            if page.template == "photo.html" and page.path in at:
                page.context.patch(title=at[page.path])


def refeatured(reparsed: Iterable[tuple[str, Article, Article]]) -> bool:
    """Whether an article (`reparsed`) has another place on the front page (`featured:`)."""
    return any(old.featured != new.featured for _, old, new in reparsed)


def edited_photos(before: dict[str, Entry], now: dict[str, Entry]) -> dict[str, tuple]:
    """The photo files parsed again (their files touched or changed), each with the stats its
    last parse was read at (the kept plan's key has them: memory.plan_inputs)."""
    return {source: old.stat for source, entry in now.items()
            if (old := before.get(source)) is not None and entry is not old}


def record_warnings(problems: Iterable[Problem]) -> list[Problem]:
    """The problems moved.update gave: a recorded story's file gone, or the story left out."""
    return [p for p in problems if p.path == moved.RECORD and p.template.startswith("{source} was published at")]


def rewarn(made: dict[str, Any], root: Path, files: set[str], saved: bool) -> bool:
    """moved.yaml's warnings in the kept plan `made`, made again from the file as it is now
    (its line numbers) as a plan made afresh makes them: every story shown is in the record
    (removals.refusal, additions.refusal), so none is found again. `files`: every article
    file there is; `saved`: moved.yaml was saved by every build since the plan was made (not
    a preview), so it holds the plan's record but for this build's new entries, and only the
    warned entries are read. False: moved.yaml cannot be read (then the build plans afresh)."""
    living, archive = made["living"], made["archive"]
    shown = {a.source for a in (*archive.articles, *archive.withdrawn)}
    warned = [s for s in living.record if s not in files or s not in shown]
    record = moved.entries(root, warned) if saved else None
    if record is None:
        record, found = moved.load(root)
        if found:
            return False
    fresh = moved.update(record, {}, shown, files).problems
    stale = set(record_warnings(living.problems))
    made["living"] = dataclasses.replace(living, problems=(*fresh, *(p for p in living.problems if p not in stale)))
    made["plan_problems"] = [p for p in made["plan_problems"] if p not in stale] + list(fresh)
    return True


@dataclass(frozen=True)
class Written:
    """A plan written beside its place, not yet in it: `keep` puts it there."""

    token: str
    file: Path


def new_token() -> str:
    return secrets.token_hex(8)


def write(folder: Path, kept: Kept, articles: Iterable[Article], photos: Iterable[Photo],
          token: str | None = None) -> Written:
    """Write `kept` to a file of its own in `folder`, to be kept (or discarded) later: an
    edit that moves a story writes it in a process of its own while the build goes on, a
    first build while its state is saved. `token`: the one to write it under (default: a new one)."""
    token = token or new_token()
    refs = planfile.Refs({a.source: a for a in articles}, {p.file: p for p in photos})
    folder.mkdir(parents=True, exist_ok=True)
    temporary = being_written(folder, os.getpid())
    sums.write_sealed(temporary, MAGIC, lambda out: planfile.write(out, (token, kept), kept.made["planned"], refs))
    return Written(token, temporary)


def being_written(folder: Path, pid: int) -> Path:
    """Where process `pid` writes a plan before it is kept (cachedir.LEFTOVER, if it is killed)."""
    return folder / f".{FILE}.{pid}.tmp"


def keep(written: Written) -> str:
    """Put a written plan in place; the token the build state must carry for it to be used."""
    os.replace(written.file, written.file.parent / FILE)
    return written.token


def discard(written: Written | None) -> None:
    """A written plan the build did not keep (it failed after writing it)."""
    if written is not None:
        try:
            written.file.unlink(missing_ok=True)
        except OSError:
            pass   # left over: the next build removes it (cachedir.LEFTOVER)


def load(folder: Path, token: str, articles: Iterable[Article], photos: Iterable[Photo]) -> Kept | None:
    """The kept plan, with this build's articles and photos in it; None when there is none
    for this state (the token) or it cannot be read (then the index and plan are simply made
    again). Damaged: its bytes are not what was written."""
    if not token:
        return None
    try:
        data = sums.opened(folder / FILE, MAGIC)
    except OSError:
        return None
    if data is None:
        raise Damaged(folder / FILE)
    try:
        saved, kept = planfile.read(data, planfile.Refs({a.source: a for a in articles}, {p.file: p for p in photos}))
    except sums.Truncated:
        raise Damaged(folder / FILE) from None
    except (OSError, pickle.UnpicklingError, EOFError, KeyError, AttributeError, TypeError, ValueError, IndexError):
        return None
    if saved != token or not isinstance(kept, Kept):
        return None
    return kept
