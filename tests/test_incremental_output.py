"""output.update: a few files replaced in place, and a build killed or failing midway undone."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from newsroom import journal, output


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


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_half_applied_update_is_undone_by_the_next_build(tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(site)
    before = snapshot(site)
    # What a build killed while applying its patch leaves: a/ replaced (the old one kept),
    # c/ added, b/ not yet removed, the manifest not yet replaced.
    patch = tmp_path / f".site.patch-{os.getpid() + 1}"
    patch.mkdir()
    (patch / "1").write_bytes(b"b-new")
    (patch / "manifest.json").write_text(json.dumps({"files": {"a/index.html": "x"}}), encoding="utf-8")
    journal.commit(patch, [["0", "a/index.html"], ["1", "b/index.html"], ["2", "c/index.html"]], ["index.html"])
    os.link(site / "a/index.html", patch / "old-0")
    (patch / "0").write_bytes(b"a-new")
    os.replace(patch / "0", site / "a/index.html")
    (site / "c").mkdir()
    (site / "c/index.html").write_bytes(b"c")
    output.recover(site)
    assert snapshot(site) == before                  # never the killed build's bytes, nor a mix
    assert not patch.exists()


def test_update_that_fails_half_way_is_undone_at_once(tmp_path: Path, monkeypatch) -> None:
    """A write refused half-way (EXDEV from a bind mount, a full disk): nothing of it stays."""
    site = tmp_path / "site"
    publish(site)
    before = snapshot(site)
    real, calls = os.replace, []

    def failing(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(errno.EXDEV, "Invalid cross-device link", str(dst))
        return real(src, dst)

    monkeypatch.setattr(journal.os, "replace", failing)
    with pytest.raises(output.OutputError, match="Invalid cross-device link"):
        output.update({"a/index.html": b"a2", "b/index.html": b"b2"}, ["index.html"], site)
    monkeypatch.setattr(journal.os, "replace", real)
    assert snapshot(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_uncommitted_update_is_dropped(tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(site)
    patch = tmp_path / f".site.patch-{os.getpid() + 1}"
    patch.mkdir()
    (patch / "0").write_bytes(b"half-written")
    output.recover(site)
    assert (site / "a/index.html").read_bytes() == b"a"
    assert not patch.exists()
