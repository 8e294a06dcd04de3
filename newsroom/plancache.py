"""The last build's archive and page plan, kept for the next build when an edit leaves them as they were.

Editing an article's text (not where it is placed, depends.PLACING, nor its title, the one
field the planner copies) leaves the archive's indexes and the page plan as they were:
the planner reads nothing else of an article (tests/test_depends.py records what it reads).
Such a build loads them from here instead of making them again, about half of a one-article
edit at 10,000 articles. Articles and photos are kept by reference (their source), so the
loaded plan holds this build's own parses, the edited text included; the pages' contexts
are read from the file when first used (planfile.py), as an edit uses a few of them.

Everything else the index and the plan are made from is in the key: the settings, every
input file but the articles' own (stat), the set of articles, moved.yaml. A token, saved in
the build state after the plan, ties the plan to the state it was made with: a build killed
between the two saves leaves a plan nobody uses.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import depends, planfile, sums
from .cache import Entry
from .model import Article, Photo

FILE = "plan.pickle"
MAGIC = b"NRP2"   # then the CRC-32 of the rest (sums.write_sealed), laid out as planfile.py says


class Damaged(Exception):
    def __init__(self, file: Path) -> None:
        super().__init__(str(file))
        self.file = file


@dataclass
class Kept:
    """What the index and plan stages made, and when it stops being right (a scheduled story
    goes live, a new day begins: the front page's 历史上的今天)."""

    key: str
    valid_until: float
    made: dict[str, Any] = field(default_factory=dict)     # Run attribute -> value
    result: dict[str, Any] = field(default_factory=dict)   # BuildResult attribute -> value


def key(settings: str, scanned: dict[str, tuple[int, int]], sources: Iterable[str],
        content_dir: Path, extra_files: Iterable[Path]) -> str:
    """The plan's inputs other than the articles' parses: all files' stats but articles'."""
    h = hashlib.sha256(settings.encode())
    articles = str(content_dir) + os.sep
    for path, stat in scanned.items():
        if not (path.startswith(articles) and path.endswith(".md")):
            h.update(f"{path}|{stat}\n".encode())
    for file in extra_files:
        try:
            st = file.stat()
            h.update(f"{file}|{st.st_size}|{st.st_mtime_ns}\n".encode())
        except OSError:
            h.update(f"{file}|-\n".encode())
    h.update("\n".join(sorted(sources)).encode())
    return h.hexdigest()


def placed_as_before(before: tuple[dict[str, Entry], dict[str, Entry]],
                     now: tuple[dict[str, Entry], dict[str, Entry]]) -> bool:
    """Every article parsed now sits where its last parse did, under the same title, and
    every photo parsed the same: the plan made from the last parses is this build's too."""
    old_articles, old_photos = before
    articles, photos = now
    if old_articles.keys() != articles.keys() or old_photos.keys() != photos.keys():
        return False
    if any(photos[source] is not entry for source, entry in old_photos.items()):
        return False
    for source, entry in articles.items():
        old = old_articles[source]
        if entry is old or entry.value is old.value:
            continue
        if not (depends.same_place(old.value, entry.value) and old.value.title == entry.value.title):
            return False
    return True


def save(folder: Path, kept: Kept, articles: Iterable[Article], photos: Iterable[Photo]) -> str:
    """Write `kept`; the token the build state must carry for it to be used."""
    token = secrets.token_hex(8)
    refs = planfile.Refs({a.source: a for a in articles}, {p.file: p for p in photos})
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{FILE}.{os.getpid()}.tmp"   # cachedir.LEFTOVER, if killed now
    sums.write_sealed(temporary, MAGIC, lambda out: planfile.write(out, (token, kept), kept.made["planned"], refs))
    os.replace(temporary, folder / FILE)
    return token


def load(folder: Path, token: str, key_now: str, now: float, articles: Iterable[Article],
         photos: Iterable[Photo]) -> Kept | None:
    """The kept plan, with this build's articles and photos in it; None when there is none
    for this state, its key differs, it has expired, or it cannot be read (then the index
    and plan are simply made again). Damaged: its bytes are not what was written."""
    if not token:
        return None
    try:
        data = sums.mapped(folder / FILE, MAGIC)
    except OSError:
        return None
    if data is None:
        raise Damaged(folder / FILE)
    try:
        saved, kept = planfile.read(data, planfile.Refs({a.source: a for a in articles}, {p.file: p for p in photos}))
    except (OSError, pickle.UnpicklingError, EOFError, KeyError, AttributeError, TypeError, ValueError, IndexError):
        return None
    if saved != token or not isinstance(kept, Kept) or kept.key != key_now or now >= kept.valid_until:
        return None
    return kept
