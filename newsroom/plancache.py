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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import moved, planfile, planviews, shown, sums, urls
from .cache import Entry
from .editions import EDITIONS_DIR
from .model import Article, Photo
from .problems import Problem

FILE = "plan.pickle"
# Stories retitled in a kept plan before it is made afresh: their titles are saved with every
# build's state, so they are not left to grow without end.
RETITLED = 2000
MAGIC = b"NRP4"   # then the CRC-32 of the rest (sums.write_sealed), laid out as planfile.py says


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
    at = {urls.article(a): a for a in stories.values()}
    paged = set()   # the stories with a page (or notice): moved.update's `live`, but for drafts
    planned = made["planned"]
    for i, (path, template) in enumerate(planviews.heads(planned)):
        if template in ("article.html", "withdrawn.html"):
            story = at.get(path)
            title = story.title if story is not None else None
            if story is not None:
                paged.add(story.source)
        else:
            title = at_old.get(path) if template == "redirect.html" else None
        if title is not None:
            planned[i].context.patch(title=title)
    record, changed = dict(living.record), living.changed
    for source, story in stories.items():
        entry = record.get(source)
        if entry is None or story.draft or source not in paged:
            continue   # the record has the titles of the stories published, as moved.update keeps them
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
        planned = made["planned"]
        for i, (path, template) in enumerate(planviews.heads(planned)):
            if template == "photo.html" and path in at:
                planned[i].context.patch(title=at[path])


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
    # The pages go apart from the rest (planfile: as columns), and back in when it is read;
    # so do the mappings an edit in place does not read.
    made = {name: value for name, value in kept.made.items() if name != "planned"}
    if "living" in made:
        made["living"] = dataclasses.replace(made["living"], record=planviews.apart(made["living"].record))
    if "printed" in made:
        made["printed"] = dataclasses.replace(made["printed"], placements=planviews.apart(made["printed"].placements))
    rest = Kept(made, kept.result)
    sums.write_sealed(temporary, MAGIC, lambda out: planfile.write(out, (token, rest), kept.made["planned"], refs))
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


def load(folder: Path, token: str, articles: Mapping[str, Article | Entry], photos: Iterable[Photo],
         gone: Iterable[Article] = ()) -> Kept | None:
    """The kept plan, with this build's articles (by source, or their parse cache entries:
    planfile.Refs) and photos in it, and the articles deleted since (`gone`); None when
    there is none for this state (the token) or it cannot be read (then the index and plan
    are simply made again). Damaged: its bytes are not what was written."""
    if not token:
        return None
    try:
        data = sums.opened(folder / FILE, MAGIC)
    except OSError:
        return None
    if data is None:
        raise Damaged(folder / FILE)
    try:
        (saved, kept), planned = planfile.read(data, planfile.Refs(articles, {p.file: p for p in photos},
                                                                   {a.source: a for a in gone}))
    except sums.Truncated:
        raise Damaged(folder / FILE) from None
    except (OSError, pickle.UnpicklingError, EOFError, KeyError, AttributeError, TypeError, ValueError, IndexError):
        return None
    if saved != token or not isinstance(kept, Kept):
        return None
    kept.made["planned"] = planned
    return kept
