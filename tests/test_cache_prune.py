"""`python build.py cache`: the cache's size part by part; `--prune`: what no current build uses removed,
nothing a build uses touched. And a killed build's leftovers are removed by the next build."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from archive_gen import make_archive
from archive_gen import tree as archive_tree

from newsroom.cli import main


def build(root: Path, capsys, *args: str) -> str:
    assert main(["--root", str(root), "-j", "1", "--lang", "en", *args]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return out


def cache_command(root: Path, capsys, *args: str) -> list[str]:
    assert main(["cache", "--root", str(root), "--lang", "en", *args]) == 0
    return capsys.readouterr().out.splitlines()


def files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def tree(folder: Path) -> dict[str, str]:
    """Every file's digest, but the search index's (and the manifest listing them): after an
    edit it holds a bundle of recent changes, not what a clean build makes (searchplan.py)."""
    return archive_tree(folder, skip=("pagefind", ".newsroom-site.json"))


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.fixture
def built(tmp_path: Path, capsys) -> Path:
    root = make_archive(tmp_path / "archive", 4)
    build(root, capsys, "-q")
    return root


def test_the_report_gives_each_part_of_the_cache(built: Path, capsys) -> None:
    lines = cache_command(built, capsys)
    cache = built / ".cache"
    parts = {m.group(1).strip(): int(m.group(2)) for line in lines
             if (m := re.match(r"  (\D+?)\s+[\d.]+ k?M?G?B\s+(\d+) files?$", line))}
    media = len(list((cache / "media").iterdir())) + 1   # and the renditions' record
    assert parts["renditions"] == media
    assert parts["compiled templates"] == len(list((cache / "jinja").iterdir()))
    parsed = [*cache.glob("build/*/parsed-*.pickle"), *cache.glob("build/*/bodies-*.bin")]   # and their bodies
    assert parts["parsed files"] == len(parsed) and any(p.suffix == ".bin" for p in parsed)
    assert sum(parts.values()) == len(files(cache))
    assert lines[0].startswith(f"{cache}: ") and lines[0].endswith(f" in {len(files(cache))} files")
    assert lines[-1] == "every file in it is in use"


def test_prune_removes_only_what_no_current_build_uses(built: Path, tmp_path: Path, capsys) -> None:
    cache = built / ".cache"
    build(built, capsys, "-q", "--output", str(tmp_path / "elsewhere"))
    shutil.rmtree(tmp_path / "elsewhere")                     # an output gone: its build state is not used
    photo = sorted((built / "photos").rglob("*.jpg"))[0]
    photo.unlink()                                            # its renditions are not used
    photo.with_suffix(".yaml").unlink(missing_ok=True)
    build(built, capsys, "-q")
    before = files(cache)
    dead, alive = dead_pid(), os.getpid()
    planted = {f"media/.a.jpg.{dead}.tmp", f"jinja/.b.jinja.{dead}.tmp", "jinja/__jinja2_old.cache",
               "search/1999/bundle/x.pf_fragment", "search/2021/bundle-123/y"}
    kept = {f"media/.c.jpg.{alive}.tmp"}                      # a file being written by a live process
    for name in planted | kept:
        (cache / name).parent.mkdir(parents=True, exist_ok=True)
        (cache / name).write_bytes(b"x")
    published = {p.name for p in (built / "site" / "media").iterdir()}
    unused_media = {f"media/{p.name}" for p in (cache / "media").iterdir()
                    if p.name not in published and not p.name.startswith(".")}
    assert unused_media, "the removed photo's renditions are still in the cache"
    states = {p.name for p in (cache / "build").iterdir()}
    assert len(states) == 2

    told = cache_command(built, capsys)[-1]
    assert told.endswith(" of it no current build uses: python build.py cache --prune removes it")
    lines = cache_command(built, capsys, "--prune")
    assert lines[0].startswith("removed ") and lines[0].endswith(" that no current build used")

    left = files(cache)
    assert not planted & left and kept <= left
    assert not unused_media & left
    assert len({p.name for p in (cache / "build").iterdir()}) == 1
    assert {f for f in before if f.startswith("media/") and f not in unused_media} <= left
    assert {f for f in before if f.startswith("jinja/")} <= left
    assert cache_command(built, capsys)[-1] == "every file in it is in use"
    # What is left serves the builds as before: nothing made again, the same site as a clean build.
    out = build(built, capsys, "--output", str(tmp_path / "fresh"))
    assert "(0 new)" in out
    story = built / "content/articles/2021/01/story-0000.md"
    story.write_text(story.read_text(encoding="utf-8").replace("走访", "回访"), encoding="utf-8")
    assert "(0 new)" in build(built, capsys)
    assert cache_command(built, capsys)[-1] == "every file in it is in use"   # the edit's search bundle too
    build(built, capsys, "-q", "--output", str(tmp_path / "clean"))
    assert tree(built / "site") == tree(tmp_path / "clean")


def test_a_killed_builds_half_written_rendition_is_removed_by_the_next_build(built: Path, capsys) -> None:
    media = built / ".cache" / "media"
    leftover = media / f".a.jpg.{dead_pid()}.tmp"
    leftover.write_bytes(b"half a picture")
    (built / "content/articles/2021/01/story-0000.md").touch()
    build(built, capsys, "-q")
    assert not leftover.exists()
