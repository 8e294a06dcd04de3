"""Putting files and folders in place without a half-done state: cache files copied (a
reflink where the file system shares blocks), unchanged published files linked, the staged
site swapped in for the published one in one step, and a staging folder removed with its
marker last, so that one cut short is still known as a build's (output.recover).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .sitecheck import MARKER

try:
    import fcntl
except ImportError:  # not POSIX: no reflinks
    fcntl = None  # type: ignore[assignment]

FICLONE = 0x40049409   # ioctl: make `dst` share `src`'s blocks (btrfs, XFS, …)


def copy(source: Path, target: Path | str) -> None:
    """A copy of a cache file, never a second name for it: the site must not change when the
    cache does. A reflink (shared blocks, copied on write) where the file system has them."""
    with open(source, "rb") as src, open(target, "wb") as dst:
        if fcntl is not None:
            try:
                fcntl.ioctl(dst.fileno(), FICLONE, src.fileno())
                return
            except OSError:
                pass
        shutil.copyfileobj(src, dst, 1 << 20)


def swap(staging: Path, site_dir: Path) -> None:
    """The staging folder in the site's place, in one step where the system can (`exchange`)."""
    if not site_dir.exists():
        staging.rename(site_dir)
        return
    if exchange(staging, site_dir):
        remove(staging)   # now holds the previous site
        return
    # No atomic exchange here: two renames, and recover() undoes a kill between them.
    backup = staging.with_name(staging.name + ".old")
    site_dir.rename(backup)
    staging.rename(site_dir)
    remove(backup)


def discard(folder: Path) -> None:
    """The staging folder of a build that failed or was stopped, removed as far as it goes:
    its marker last, so one whose removal is cut short (an error, seen after a Ctrl-C) is
    still known as ours, and the next build's recover() removes the rest."""
    try:
        remove(folder)
    except OSError:
        pass


def remove(folder: Path) -> None:
    """A staging folder removed, its marker last: killed half-way, it is still known as ours."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name != MARKER:
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
    shutil.rmtree(folder)


def exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE)."""
    import ctypes.util  # here: it imports subprocess, and a build with nothing to do swaps nothing

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def link(source: Path, target: Path | str) -> bool:
    """A second name for an unchanged published file (its mtime kept); False where none can be made."""
    try:
        os.link(source, target)
        return True
    except OSError:
        return False
