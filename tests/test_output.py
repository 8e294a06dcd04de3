"""Publishing: atomic, complete, never over a folder a build did not make."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from archive_gen import make_archive

from newsroom import output, placing
from newsroom.cli import main

REPO = Path(__file__).resolve().parent.parent


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` (hidden ones too) and a hash of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def stats(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


def build(root: Path, *args: str) -> int:
    return main(["--root", str(root), "-q", "-j", "1", *args])


# -- 2. refuse to destroy ------------------------------------------------------------------

@pytest.mark.parametrize(("target", "reason"), [
    (".", "it is the archive folder itself"),
    ("content", "it is the archive's content/ folder"),
    ("photos", "it is the archive's photos/ folder"),
    ("photos/2022", "it is inside the archive's photos/ folder"),
    ("templates", "it is the archive's templates/ folder"),
    ("..", "it contains the archive folder"),
])
def test_refuses_archive_folders(fresh_sample: Path, capsys, target: str, reason: str) -> None:
    out = (fresh_sample / target).resolve()
    before = snapshot(fresh_sample.parent)
    assert build(fresh_sample, "--output", str(out)) == 1
    err = capsys.readouterr().err
    assert f"{out}: error: refusing to write the site here: {reason}" in err
    assert "build failed: the site was not changed" in err
    assert snapshot(fresh_sample.parent) == before   # not even the image cache was written
    assert not (fresh_sample / ".cache").exists()


def test_refuses_file_system_root(fresh_sample: Path, capsys) -> None:
    assert build(fresh_sample, "--output", "/") == 1
    assert "/: error: refusing to write the site here: it is the root of the file system" in capsys.readouterr().err
    assert not (fresh_sample / ".cache").exists()


def test_refuses_home_folder(sample_root: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    assert build(sample_root, "--output", str(home)) == 1
    assert f"{home}: error: refusing to write the site here: it is your home folder" in capsys.readouterr().err
    assert list(home.iterdir()) == []
    assert output.check_output(tmp_path, sample_root, home) is not None   # a parent of home too


def test_refuses_non_empty_folder_without_marker(sample_root: Path, tmp_path: Path, capsys) -> None:
    mine = tmp_path / "my-documents"
    mine.mkdir()
    (mine / "thesis.txt").write_text("years of work")
    assert build(sample_root, "--output", str(mine)) == 1
    err = capsys.readouterr().err
    assert (f"{mine}: error: refusing to write the site here: the folder is not empty and was not made "
            f"by a build (it has no .newsroom-site.json)") in err
    assert snapshot(mine) == {"thesis.txt": hashlib.sha256(b"years of work").hexdigest()}


def test_refuses_a_file(sample_root: Path, tmp_path: Path, capsys) -> None:
    file = tmp_path / "notes.txt"
    file.write_text("keep")
    assert build(sample_root, "--output", str(file)) == 1
    assert "it is a file, not a folder" in capsys.readouterr().err
    assert file.read_text() == "keep"


def test_refuses_a_folder_inside_a_built_site(sample_root: Path, capsys) -> None:
    # The outer site's next build would keep it there, a stranger in a published site
    assert build(sample_root) == 0
    assert build(sample_root, "--output", str(sample_root / "site/inner")) == 1
    assert "it is inside" in capsys.readouterr().err and not (sample_root / "site/inner").exists()


def test_empty_or_new_or_built_folders_are_fine(sample_root: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert build(sample_root, "--output", str(empty)) == 0
    assert (empty / output.MARKER).is_file()
    assert build(sample_root, "--output", str(empty)) == 0          # made by a build: replaced
    assert build(sample_root, "--output", str(tmp_path / "new" / "site")) == 0


# -- 1. atomic publish ---------------------------------------------------------------------

def test_stale_files_removed_and_nothing_written_beside(sample_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "public" / "site"
    assert build(sample_root, "--output", str(out)) == 0
    page = out / "2022/02/21/party-volunteers/index.html"
    assert page.is_file()
    (sample_root / "content/articles/2022/02/party-volunteers.md").unlink()
    assert build(sample_root, "--output", str(out)) == 0
    assert not page.exists() and not page.parent.exists()
    assert sorted(p.name for p in out.parent.iterdir()) == ["site"]   # no staging left beside it
    manifest = output.manifest(out)
    assert set(manifest) == set(snapshot(out)) - {output.MARKER}


def test_failed_build_leaves_site_unchanged(sample_root: Path, capsys) -> None:
    assert build(sample_root) == 0
    site = sample_root / "site"
    before = snapshot(site)
    # A template bug surfaces half-way through rendering, after the staging folder is filled.
    photo = sample_root / "templates/photo.html"
    text = photo.read_text()
    assert "{{ photo.caption or photo.file }}" in text
    line = text[:text.index("{{ photo.caption or photo.file }}")].count("\n") + 1
    photo.write_text(text.replace("{{ photo.caption or photo.file }}", "{{ photo.nothing }}"))
    (sample_root / "content/articles/2022/02/extra.md").write_text(
        "---\ntitle: 新文章\ndate: 2022-02-22\n---\n正文。\n", encoding="utf-8")
    assert build(sample_root) == 1
    assert f"templates/photo.html:{line}: error: template error" in capsys.readouterr().err
    assert snapshot(site) == before
    assert [p.name for p in sample_root.iterdir() if "staging" in p.name] == []


def start_build(root: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(root), "-q", "-j", "1"],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def files_in(folder: Path) -> int:
    return sum(len(names) for _, _, names in os.walk(folder))


def test_killed_build_leaves_previous_site_and_next_build_recovers(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "big", 200, photos=False)
    assert build(root) == 0
    site = root / "site"
    before = snapshot(site)
    make_archive(root, 200, edition="（修订版）", photos=False)      # every page changes
    # The search bundle's files come last, linked in one burst: count on the pages.
    pages = sum(1 for name in before if not name.startswith("pagefind/"))
    # Killed when the new tree is begun, a third written, two thirds written: by progress, not
    # by the clock, so a faster machine (or engine) still gets killed in the middle.
    for share in (0, 1 / 3, 2 / 3):
        proc = start_build(root)
        deadline = time.monotonic() + 60
        try:
            while True:
                staging = list(root.glob(".site.staging-*"))
                if staging and files_in(staging[0]) >= share * pages:
                    break
                assert proc.poll() is None, f"the build finished before {share:.0%} of its files were seen"
                assert time.monotonic() < deadline
                time.sleep(0.001)
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            proc.wait()
        assert proc.returncode == -signal.SIGKILL
        assert list(root.glob(".site.staging-*")), "killed before it wrote anything: the test proves nothing"
        assert snapshot(site) == before                    # complete and byte-identical
    assert build(root) == 0                                # the next build recovers
    assert not list(root.glob(".site.staging-*"))
    assert "（修订版）" in (site / "index.html").read_text(encoding="utf-8")
    assert set(output.manifest(site)) == set(snapshot(site)) - {output.MARKER}


def test_two_builds_at_once_both_publish_a_whole_site(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "big", 120, photos=False)
    first, second = start_build(root), start_build(root)
    assert first.wait(120) == 0 and second.wait(120) == 0, first.stderr.read() + second.stderr.read()
    assert set(output.manifest(root / "site")) == set(snapshot(root / "site")) - {output.MARKER}
    assert len(snapshot(root / "site")) > 200
    assert not list(root.glob(".site.staging-*"))


def test_a_file_edited_in_the_site_is_restored(tmp_path: Path) -> None:
    site = tmp_path / "site"
    output.write([("index.html", b"<p>published</p>")], site)
    (site / "index.html").write_bytes(b"<p>defaced by hand</p>")
    output.write([("index.html", b"<p>published</p>")], site)
    assert (site / "index.html").read_bytes() == b"<p>published</p>"


@pytest.mark.parametrize("page", ["a/index.html", "a/b/index.html"])
def test_write_errors_are_output_errors(tmp_path: Path, page: str) -> None:
    """A file where a page's folder must go (a, then a/…)."""
    with pytest.raises(output.OutputError, match="cannot write the site: "):
        output.write([("a", b"file"), (page, b"page")], tmp_path / "site")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_an_error_while_a_ctrl_c_unwinds_is_reported_as_the_ctrl_c(tmp_path: Path) -> None:
    """A step stopped by Ctrl-C can fail on its way out ("Bad file descriptor": a pipe closed
    under it, seen once in fifteen Ctrl-Cs of a full re-render). The build is still stopped by
    the Ctrl-C, and the site is as it was: not "cannot write the site" and exit 1."""
    site = tmp_path / "site"
    output.write([("index.html", b"published")], site)
    with pytest.raises(KeyboardInterrupt), output.staged(site) as stage:
        stage.add("index.html", b"half of a new site")
        try:
            raise KeyboardInterrupt
        finally:
            raise OSError(9, "Bad file descriptor")
    assert (site / "index.html").read_bytes() == b"published"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_failed_builds_staging_folder_cut_short_is_removed_by_the_next(tmp_path: Path, monkeypatch) -> None:
    """The staging folder of a build stopped by Ctrl-C is removed; if that removal fails part
    way (a file it cannot remove), the folder keeps its marker, so the next build knows it as
    its own and removes it: no staging folder is left beside the site for good."""
    site = tmp_path / "site"
    output.write([("index.html", b"published")], site)
    unlink = os.unlink

    def failing(path, *args, **kwargs):
        if str(path).endswith("stuck.html"):
            raise OSError(9, "Bad file descriptor")
        return unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", failing)
    with pytest.raises(KeyboardInterrupt), output.staged(site) as stage:
        stage.add("a/stuck.html", b"page")
        stage.add("b/page.html", b"page")
        raise KeyboardInterrupt
    monkeypatch.setattr(os, "unlink", unlink)
    output.recover(site)   # as the next build starts
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert (site / "index.html").read_bytes() == b"published"


def test_an_update_reads_the_manifest_again_if_the_site_changed_since_it_was_read(tmp_path: Path) -> None:
    """A build reads the manifest once and hands it to update(); if another write replaced it
    in between, update() works from the new one, not the copy it was given."""
    site = tmp_path / "site"
    output.write([("a.html", b"a"), ("b.html", b"b")], site)
    seen = output.published(site)
    assert seen.keys() == {"a.html", "b.html"}
    output.write([("a.html", b"a"), ("c.html", b"c")], site)   # another build, in between
    output.update({"a.html": b"A"}, [], site, seen)
    assert output.manifest(site).keys() == {"a.html", "c.html"}
    assert (site / "a.html").read_bytes() == b"A" and (site / "c.html").read_bytes() == b"c"


def test_updates_leave_the_manifest_a_whole_write_makes(tmp_path: Path) -> None:
    """The manifest stays in path order, byte for byte what writing the site whole makes,
    whether an update changes files, adds one between others or removes one."""
    site, whole = tmp_path / "site", tmp_path / "whole"
    files = {"b/index.html": b"b", "d.html": b"d", "a.html": b"a"}
    output.write(list(files.items()), site)
    for changed, removed in [({"d.html": b"D"}, []), ({"c.html": b"c", "a.html": b"A"}, []),
                             ({"b/index.html": b"B"}, ["d.html"])]:
        output.update(changed, removed, site, output.published(site))
        files = {**{p: c for p, c in files.items() if p not in removed}, **changed}
        output.write(list(files.items()), whole)
        assert (site / output.MARKER).read_bytes() == (whole / output.MARKER).read_bytes()
        assert list(output.manifest(site)) == sorted(files)


def test_recover_after_kill_between_two_renames(tmp_path: Path) -> None:
    """Without renameat2 the swap is two renames; a kill between them leaves only the backup."""
    site = tmp_path / "site"
    output.write([("index.html", b"old")], site)
    backup = tmp_path / ".site.staging-123.old"
    site.rename(backup)
    half = tmp_path / ".site.staging-123"
    half.mkdir()
    (half / output.MARKER).write_text("{}")
    output.recover(site)
    assert (site / "index.html").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_recover_leaves_folders_no_build_made(tmp_path: Path) -> None:
    site = tmp_path / "site"
    stranger = tmp_path / ".site.staging-mine"
    stranger.mkdir()
    (stranger / "precious.txt").write_text("keep")
    output.write([("index.html", b"x")], site)
    assert (stranger / "precious.txt").read_text() == "keep"


def test_fallback_swap_without_renameat2(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(placing, "exchange", lambda a, b: False)
    site = tmp_path / "site"
    output.write([("a.html", b"1"), ("b.html", b"2")], site)
    result = output.write([("a.html", b"1"), ("c.html", b"3")], site)
    assert result.written == ("c.html",) and result.removed == ("b.html",)
    assert snapshot(site) == {**{k: v for k, v in snapshot(site).items() if k == output.MARKER},
                              "a.html": hashlib.sha256(b"1").hexdigest(), "c.html": hashlib.sha256(b"3").hexdigest()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize("path", ["../evil.html", "/etc/passwd", "a/../../b", output.MARKER, "", ".", "./", "a/.."])
def test_never_writes_outside_the_site(tmp_path: Path, path: str) -> None:
    with pytest.raises(output.OutputError):
        output.write([(path, b"x")], tmp_path / "site")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_unchanged_rebuild_touches_nothing(sample_root: Path) -> None:
    assert build(sample_root) == 0
    site = sample_root / "site"
    before, dir_inode = stats(site), site.stat().st_ino
    time.sleep(0.01)
    assert build(sample_root) == 0
    assert stats(site) == before and site.stat().st_ino == dir_inode


