"""Applying a small change to a published site in place, so that it can always be undone.

A patch folder beside the site (`.NAME.patch-PID`, written by output.update) holds the new
files, numbered, the new manifest, and `journal.json`: which number goes where and which
files go. `apply` moves them in one by one, keeping each file it replaces (a hard link, so
no copy) in the patch folder, and renames the folder `….done` when the site is whole.

A patch folder found by the next build is one whose build died or failed half-way: it is
undone (`undo`), never finished, so the site goes back to exactly what the last complete
build published, which is also what that build remembered (builder: the pages' fingerprints).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

JOURNAL = "journal.json"
MANIFEST = "manifest.json"
DONE = ".done"


def commit(patch: Path, renames: list[tuple[str, str]], removed: list[str]) -> None:
    """Write the journal: from here on, the patch is applied or undone as a whole."""
    tmp = patch / f"{JOURNAL}.tmp"
    tmp.write_text(json.dumps({"renames": renames, "removed": removed}), encoding="utf-8")
    os.replace(tmp, patch / JOURNAL)


def apply(patch: Path, site_dir: Path, marker: str) -> None:
    """Move the patch into the site, keeping what it replaces; on any failure, undo it."""
    journal = _journal(patch)
    try:
        for name, path in journal["renames"]:
            target = site_dir / path
            _keep(target, patch / f"old-{name}")
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(patch / name, target)
        for n, path in enumerate(journal["removed"]):
            target = site_dir / path
            if _keep(target, patch / f"gone-{n}"):
                target.unlink(missing_ok=True)
                _prune(target.parent, site_dir)
        _keep(site_dir / marker, patch / f"old-{MANIFEST}")
        os.replace(patch / MANIFEST, site_dir / marker)
    except BaseException:
        try:
            undo(patch, site_dir, marker)
        except OSError:
            pass   # the next build undoes it (recover), before anything else
        raise
    done = patch.with_name(patch.name + DONE)
    os.replace(patch, done)
    shutil.rmtree(done, ignore_errors=True)


def undo(patch: Path, site_dir: Path, marker: str) -> None:
    """Put back what a half-applied patch replaced or removed, take out what it added."""
    journal = _journal(patch) if (patch / JOURNAL).is_file() else None
    if journal is not None and site_dir.is_dir():
        _restore(patch / f"old-{MANIFEST}", site_dir / marker)
        for n, path in enumerate(journal["removed"]):
            _restore(patch / f"gone-{n}", site_dir / path)
        for name, path in journal["renames"]:
            target = site_dir / path
            if not _restore(patch / f"old-{name}", target) and not (patch / name).exists():
                target.unlink(missing_ok=True)   # a file the patch added
                _prune(target.parent, site_dir)
    shutil.rmtree(patch, ignore_errors=True)


def _journal(patch: Path) -> dict:
    return json.loads((patch / JOURNAL).read_text(encoding="utf-8"))


def _keep(target: Path, backup: Path) -> bool:
    """A second name for `target` in the patch (if it exists and is not kept already)."""
    if backup.exists() or not target.is_file():
        return backup.exists()
    try:
        os.link(target, backup)
    except OSError:
        shutil.copy2(target, backup)
    return True


def _restore(backup: Path, target: Path) -> bool:
    if not backup.exists():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(backup, target)
    return True


def _prune(folder: Path, site_dir: Path) -> None:
    while folder != site_dir and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
