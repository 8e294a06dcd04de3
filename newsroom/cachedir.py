"""The cache's folders (ROOT/.cache and those under it): made when missing, repaired when broken.

Everything under `.cache/` is the build's own and only a shortcut, so a file found where
one of its folders belongs (a stray copy, a damaged disk) is removed and the folder made
again. `.cache` itself is in the editor's archive folder: a file there is reported, never
removed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .i18n import Explained
from .problems import Problem, error, repaired, shown

# A file being written, renamed into place once whole (renditions.store, statefiles.save, render):
# .NAME.PID.tmp. One whose writer was killed is left behind.
LEFTOVER = re.compile(r"^\..+\.(\d+)\.tmp$")


class CacheError(Explained):
    """The cache folder cannot be used; the message is one line naming it."""


def prepare(cache_dir: Path) -> Path:
    """`cache_dir`, made if missing; CacheError if something else is in its place."""
    if cache_dir.is_symlink() or (cache_dir.exists() and not cache_dir.is_dir()):
        raise CacheError("{folder} is not a folder: move it away so the build can keep its cache there",
                         folder=cache_dir)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CacheError("cannot make the cache folder {folder}: {reason}", folder=cache_dir,
                         reason=exc.strerror) from exc
    return cache_dir


def folder(path: Path) -> Path:
    """A folder inside the cache, made if missing; a file (or link) in its way or in its
    parents' way below .cache is removed first."""
    if path.is_dir() and not path.is_symlink():
        return path
    for part in reversed([path, *path.parents]):
        inside = ".cache" in part.parts[:-1]   # below .cache: the build's own
        if inside and (part.is_symlink() or (part.exists() and not part.is_dir())):
            part.unlink(missing_ok=True)
    path.mkdir(parents=True, exist_ok=True)
    return path


def damaged(path: Path, root: Path) -> Problem:
    """The one line saying that a cache file held other bytes than were written: it is not
    used, and what it held is made again (never fatal, never published)."""
    return repaired(shown(path, root), "damaged in the cache: not used, and made again by this build")


def damaged_body(path: Path, root: Path) -> Problem:
    """The one line saying that a file of stories' bodies was found damaged while the build
    saved its cache (bodies.py): removed, and those stories are read again next time."""
    return repaired(shown(path, root), "damaged in the cache: removed, and its stories read again by the next build")


def cut_short(path: Path, root: Path) -> Problem:
    """The error when a cache file checked whole at the start of the build read short later
    (sums.Truncated): this build fails, leaving the site as it was, and the file is gone."""
    return error(shown(path, root), 0, "damaged in the cache while in use: removed, so the next build "
                 "makes it again; build again")


def left_by_dead(name: str) -> bool:
    """Whether `name` is a temporary file (.NAME.PID.tmp) whose writer is no longer running."""
    match = LEFTOVER.match(name)
    return bool(match) and dead(int(match.group(1)))


def dead(pid: int) -> bool:
    """Whether no process `pid` is running (one that may not be signalled is alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (OSError, OverflowError, ValueError):
        return False
    return False
