"""Ctrl-C, a full disk, a bad output path: one line and an exit status, never a traceback."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from archive_gen import make_archive

REPO = Path(__file__).resolve().parent.parent


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def build(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "-q", "-j", "2", *args],
                          cwd=REPO, capture_output=True, text=True, timeout=300)


@pytest.mark.xfail(strict=False, reason="known bug: at some moments Ctrl-C leaves pages of the new build in place "
                   "while saying 'the site was not changed' (about 1 run in 5; issue 15 stays open for it)")
def test_ctrl_c_prints_one_line_and_exits_130(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "archive", 300, photos=False)
    with (root / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("search: false\n")
    assert build(root).returncode == 0
    before = tree(root / "site")
    make_archive(root, 300, edition="（修订版）", photos=False)
    for delay in (0.1, 0.6, 1.5):
        # A theme change renders every page: a rebuild long enough to be interrupted at each moment
        # (an edit of the stories alone now renders only the pages that show what changed).
        theme = root / "templates" / "base.html"
        theme.parent.mkdir(exist_ok=True)
        theme.write_text((REPO / "templates" / "base.html").read_text(encoding="utf-8") + f"{{# {delay} #}}\n",
                         encoding="utf-8")
        # As a terminal does: SIGINT to the whole process group (the build and its workers).
        proc = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(root), "-q", "-j", "2"],
                                cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        deadline = time.monotonic() + 30
        while f'"pid": {proc.pid},' not in (root / ".cache" / "lock").read_text():   # it holds the lock: started
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(delay)   # reading, rendering, writing
        if proc.poll() is not None:   # a fast machine: the later moments are past the build's end
            assert delay != 0.1, "the build ended before Ctrl-C: the test proves nothing"
            proc.communicate()
            before = tree(root / "site")
            make_archive(root, 300, edition=f"（{delay}）", photos=False)
            continue
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 130
        if err.splitlines() == ["interrupted: the new site was already in place"]:
            before = tree(root / "site")   # Ctrl-C came as the site was put in place: said so
            make_archive(root, 300, edition=f"（{delay}）", photos=False)
            continue
        assert err.splitlines() == ["interrupted: the site was not changed"], err
        assert tree(root / "site") == before
    assert build(root).returncode == 0


def test_output_under_a_file_is_one_line(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "archive", 3, photos=False)
    (tmp_path / "plain").write_text("a file")
    done = build(root, "--output", str(tmp_path / "plain" / "site"))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"{tmp_path / 'plain'} is a file, not a folder" in done.stderr.splitlines()[0]
    assert len(done.stderr.splitlines()) == 3   # the problem, the count, "build failed"


@contextmanager
def small_disk(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` at `folder` (needs the right to mount: root in a container, say)."""
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small file system here to fill it")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_is_one_line_for_cache_staging_and_output(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "1500k") as disk:
        root = make_archive(tmp_path / "source", 20)
        shutil.copytree(root, disk / "archive")    # the photos fill most of it; the renditions cannot fit
        done = build(disk / "archive")
        assert done.returncode == 1
        assert "Traceback" not in done.stderr
        assert "No space left on device" in done.stderr.splitlines()[0], done.stderr
        assert len(done.stderr.splitlines()) == 3, done.stderr
        assert not (disk / "archive" / "site").exists()
        # The archive and its cache on the big disk, the site on the full one.
        done = build(root, "--output", str(disk / "site"))
        assert done.returncode == 1
        assert "Traceback" not in done.stderr
        assert "No space left on device" in done.stderr.splitlines()[0], done.stderr
        assert len(done.stderr.splitlines()) == 3, done.stderr
        assert not [p for p in disk.iterdir() if ".staging-" in p.name or ".patch-" in p.name]
