"""The same inputs give byte-identical sites, wherever and whenever they are built; no change writes nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from archive_gen import make_archive, tree

REPO = Path(__file__).resolve().parent.parent


def build(root: Path, seed: str, jobs: str, tz: str) -> None:
    """A build in its own interpreter: another hash seed (set order), working folder and time zone."""
    env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": tz}
    subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "-q", "-j", jobs],
                   cwd=root.parent, env=env, check=True)


def test_two_builds_in_different_places_and_times_are_identical(tmp_path: Path) -> None:
    first = make_archive(tmp_path / "a" / "archive", 60)
    second = tmp_path / "elsewhere" / "deeper" / "copy"
    shutil.copytree(first, second)
    for file in second.rglob("*"):            # other modification times, too
        os.utime(file, (1_000_000_000, 1_000_000_000))
    build(first, "1", "2", "UTC")
    time.sleep(1.1)                          # a different second on the clock
    build(second, "2", "1", "America/New_York")
    a, b = tree(first / "site"), tree(second / "site")
    # The search index too: Pagefind writes its filters in another order each run
    # (Pagefind/pagefind#638), sorted by newsroom/searchfiles.py.
    assert sum(name.startswith("pagefind/") for name in a) > 20
    assert len(a) > 150
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []


def test_unchanged_rebuild_writes_nothing(tmp_path: Path, capsys) -> None:
    from newsroom.cli import main

    root = make_archive(tmp_path / "archive", 30, photos=False)
    assert main(["--root", str(root), "-j", "1"]) == 0
    site = root / "site"
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in site.rglob("*")}
    capsys.readouterr()
    assert main(["--root", str(root), "-j", "1"]) == 0
    assert " 0 files written" in capsys.readouterr().out
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in site.rglob("*")} == before
