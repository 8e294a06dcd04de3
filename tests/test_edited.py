"""What changed between two reads of the archive (edited.py): the files read again, as the
parse cache's entries say (cache.Entries), are those a comparison of the two reads finds."""

from __future__ import annotations

import os
from itertools import compress
from operator import is_not
from pathlib import Path

import pytest
from archive_gen import make_archive

from newsroom import cache, config, content, edited, signatures


def _read(root: Path, state: cache.State) -> dict[str, cache.Entry]:
    cfg, _ = config.load(root)
    _, scanned, _ = signatures.tree_signature([cfg.content_dir, cfg.photos_dir], [], "")
    content.read_all(cfg, state, jobs=1, scanned=scanned)
    return state.articles


def _compared(before: dict, now: dict) -> tuple[list[str], bool]:
    """What `others` and `same_files` find by comparing every entry (as for any mapping)."""
    plain = dict(now)
    return list(compress(plain, map(is_not, plain.values(), map(before.get, plain)))), before.keys() == plain.keys()


@pytest.mark.parametrize("change", ["nothing", "edited", "touched", "added", "deleted", "added and deleted"])
def test_the_files_read_again_are_those_the_comparison_finds(tmp_path: Path, change: str) -> None:
    root = make_archive(tmp_path / "archive", 12, photos=False)
    state = cache.State()
    before = _read(root, state)
    files = sorted((root / "content").rglob("*.md"))
    if change == "edited":
        files[3].write_text(files[3].read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
    if change == "touched":   # the same bytes: read again, its parse kept (a new entry all the same)
        os.utime(files[5], ns=(files[5].stat().st_atime_ns, files[5].stat().st_mtime_ns + 10**9))
    if "added" in change:
        files[7].with_name("new-story.md").write_text(files[7].read_text(encoding="utf-8").replace(
            "title: ", "title: 新", 1), encoding="utf-8")
    if "deleted" in change:
        files[2].unlink()
    now = _read(root, state)
    assert type(now) is cache.Entries and now.base is before
    fresh, same = _compared(before, now)
    assert list(edited.others(before, now)) == fresh
    assert edited.same_files(before, now) is same
    expected = {"nothing": 0, "edited": 1, "touched": 1, "added": 1, "deleted": 0, "added and deleted": 1}[change]
    assert len(fresh) == expected and same is (change in ("nothing", "edited", "touched"))
