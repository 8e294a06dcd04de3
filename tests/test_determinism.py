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


def test_the_search_index_is_the_same_where_folders_list_files_as_they_were_made(tmp_path: Path) -> None:
    # tmpfs (and btrfs) list a folder's entries in the order they were made, and Pagefind
    # numbers pages in the order it finds them: from the copies the render workers write as
    # pages finish, one worker and two wrote different indexes of the same pages.
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        import pytest

        pytest.skip("no tmpfs at /dev/shm")
    place = Path(__import__("tempfile").mkdtemp(dir=shm))
    from newsroom import search

    assert search.listed_as_made(place)   # so Pagefind is given links made in order (search._linked)
    try:
        first = make_archive(place / "a" / "archive", 200, photos=False)
        second = shutil.copytree(first, place / "b" / "archive")
        build(first, "1", "1", "UTC")
        build(second, "1", "2", "UTC")
        a, b = tree(first / "site"), tree(second / "site")
        assert sum(name.startswith("pagefind/") for name in a) > 20
        assert a.keys() == b.keys()
        assert [name for name in a if a[name] != b[name]] == []
    finally:
        shutil.rmtree(place, ignore_errors=True)
