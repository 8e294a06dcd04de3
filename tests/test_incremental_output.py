"""output.update: a few files replaced in place, and a build killed midway is finished or undone."""

from __future__ import annotations

import json
import os
from pathlib import Path

from newsroom import output


def publish(site: Path) -> None:
    output.write([("index.html", b"home"), ("a/index.html", b"a"), ("b/index.html", b"b")], site)


def test_update_replaces_changed_files_only(tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(site)
    untouched = (site / "index.html").stat()
    result = output.update({"a/index.html": b"a2", "index.html": b"home", "c/index.html": b"c"},
                           ["b/index.html"], site)
    assert result.written == ("a/index.html", "c/index.html") and result.removed == ("b/index.html",)
    assert (site / "a/index.html").read_bytes() == b"a2" and (site / "c/index.html").read_bytes() == b"c"
    assert not (site / "b").exists()             # the emptied folder goes too
    assert (site / "index.html").stat().st_mtime_ns == untouched.st_mtime_ns
    assert set(output.manifest(site)) == {"index.html", "a/index.html", "c/index.html"}
    # the next full write agrees with the updated manifest: nothing to rewrite
    again = output.write([("index.html", b"home"), ("a/index.html", b"a2"), ("c/index.html", b"c")], site)
    assert again.written == () and again.removed == ()


def test_committed_but_unfinished_update_is_completed_by_the_next_build(tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(site)
    # What a build killed right after its commit point leaves behind.
    patch = tmp_path / f".site.patch-{os.getpid() + 1}"
    patch.mkdir()
    (patch / "0").write_bytes(b"a-new")
    files = {**output.manifest(site), "a/index.html": "x"}
    (patch / "manifest.json").write_text(json.dumps({"files": files}), encoding="utf-8")
    (patch / "journal.json").write_text(json.dumps({"renames": [["0", "a/index.html"]], "removed": []}),
                                        encoding="utf-8")
    output.recover(site)
    assert (site / "a/index.html").read_bytes() == b"a-new"
    assert output.manifest(site)["a/index.html"] == "x"
    assert not patch.exists()


def test_uncommitted_update_is_dropped(tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(site)
    patch = tmp_path / f".site.patch-{os.getpid() + 1}"
    patch.mkdir()
    (patch / "0").write_bytes(b"half-written")
    output.recover(site)
    assert (site / "a/index.html").read_bytes() == b"a"
    assert not patch.exists()
