"""Builds killed at any moment, interrupted, or run side by side: no hang, no orphan, no stale site."""

from __future__ import annotations

import fcntl
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from archive_gen import make_archive, tree

from newsroom import lock

REPO = Path(__file__).resolve().parent.parent


def start(root: Path, *args: str, pipes: bool = True) -> subprocess.Popen:
    """A build in its own session (so that whatever it leaves running can be found and ended).
    Without `pipes` its output is dropped: orphans holding a pipe would keep a reader waiting."""
    out = subprocess.PIPE if pipes else subprocess.DEVNULL
    return subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(root), "-q", "-j", "2", *args],
                            cwd=REPO, stdout=out, stderr=out, text=True, start_new_session=True)


def run(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    proc = start(root, *args)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        proc.communicate()
        raise AssertionError(f"the build did not finish in {timeout} s (hung on the lock?)") from None
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def kill_group(proc: subprocess.Popen) -> None:
    """Whatever the build left running (its session is its own)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def no_search(root: Path) -> Path:
    with (root / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("search: false\n")
    return root


def lock_is_free(root: Path, within: float) -> bool:
    """Whether the archive's lock can be taken within `within` seconds (orphans would hold it)."""
    fd = os.open(root / ".cache" / lock.NAME, os.O_RDWR)
    try:
        deadline = time.monotonic() + within
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.05)
    finally:
        os.close(fd)


def edit(root: Path, rng: random.Random, n: int) -> None:
    """One article's text, or every article (a full rebuild), changed."""
    if rng.random() < 0.3:
        no_search(make_archive(root, n, edition=f"（第{rng.randrange(1000)}版）", photos=False))
        return
    story = root / "content/articles/2021/01" / "story-0000.md"
    text = story.read_text(encoding="utf-8").rsplit("\n改动", 1)[0]
    story.write_text(f"{text}\n改动{rng.randrange(1000)}。\n", encoding="utf-8")


def test_builds_killed_on_a_seeded_schedule_never_hang_and_end_as_a_clean_build(tmp_path: Path) -> None:
    n = 300
    root = no_search(make_archive(tmp_path / "archive", n, photos=False))
    assert run(root).returncode == 0
    rng = random.Random(15)
    started = time.monotonic()
    for _ in range(6):
        edit(root, rng, n)
        proc = start(root, pipes=False)
        time.sleep(rng.uniform(0.2, 2.5))   # from reading to publishing, on this machine
        proc.kill()                          # the build only, as `kill -9 PID` does
        proc.wait()
        try:
            # Workers die with the build: nothing holds the lock for long after a kill.
            assert lock_is_free(root, within=5), "orphaned workers still hold the archive's lock"
        finally:
            kill_group(proc)
        if rng.random() < 0.5:
            edit(root, rng, n)            # the edit reverted, or another one, before the next build
    assert time.monotonic() - started < 300
    done = run(root)
    assert done.returncode == 0, done.stderr
    clean = run(root, "--output", str(tmp_path / "clean"))
    assert clean.returncode == 0, clean.stderr
    assert tree(root / "site") == tree(tmp_path / "clean")
    assert not [p.name for p in root.iterdir() if ".staging-" in p.name or ".patch-" in p.name]


def test_a_build_that_finds_the_lock_held_says_who_holds_it_and_waits(tmp_path: Path) -> None:
    root = no_search(make_archive(tmp_path / "archive", 5, photos=False))
    (root / ".cache").mkdir()
    with lock.hold(root / ".cache" / lock.NAME, what="serve"):
        proc = start(root)
        time.sleep(1.5)
        assert proc.poll() is None, "the build did not wait for the lock"
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert f"waiting for serve {os.getpid()} (" in err and f"(it holds {root / '.cache' / lock.NAME})" in err
    assert (root / "site" / "index.html").is_file()


# -- never stale, never mixed -----------------------------------------------------------------

def build_here(root: Path, *args: str) -> int:
    from newsroom.cli import main

    return main(["--root", str(root), "-q", "-j", "1", *args])


def test_a_build_killed_after_publishing_then_reverted_leaves_nothing_of_it(tmp_path: Path, monkeypatch) -> None:
    from newsroom import stages

    root = no_search(make_archive(tmp_path / "archive", 30, photos=False))
    assert build_here(root) == 0
    story = root / "content/articles/2021/01/story-0000.md"
    original = story.read_text(encoding="utf-8")
    story.write_text(original + "\n撤回的句子。\n", encoding="utf-8")
    # Killed after publishing, before it remembered what it published.
    with monkeypatch.context() as m:
        m.setattr(stages, "STAGES", tuple(stage for stage in stages.STAGES if stage[0] != "save"))
        assert build_here(root) == 0
    assert any("撤回的句子" in p.read_text(encoding="utf-8") for p in (root / "site").rglob("*.html"))
    story.write_text(original, encoding="utf-8")       # the edit reverted
    assert build_here(root) == 0
    assert build_here(root, "--output", str(tmp_path / "clean")) == 0
    assert tree(root / "site") == tree(tmp_path / "clean")


def test_a_build_that_fails_to_write_is_never_published_later(tmp_path: Path, monkeypatch, capsys) -> None:
    from newsroom import journal

    root = no_search(make_archive(tmp_path / "archive", 30, photos=False))
    assert build_here(root) == 0
    before = tree(root / "site")
    template = root / "templates" / "article.html"
    if not template.exists():
        template.parent.mkdir(exist_ok=True)
        template.write_text((REPO / "templates" / "article.html").read_text(encoding="utf-8"), encoding="utf-8")
    original = template.read_text(encoding="utf-8")
    template.write_text(original.replace("</article>", "<p>失败的构建</p></article>", 1), encoding="utf-8")
    real, calls = os.replace, []

    def refused(src, dst):   # as a read-only bind mount over part of the site does
        calls.append(dst)
        if len(calls) == 5:
            raise OSError(18, "Invalid cross-device link", str(dst))
        return real(src, dst)

    with monkeypatch.context() as m:
        m.setattr(journal.os, "replace", refused)
        assert build_here(root) == 1
    assert "Invalid cross-device link" in capsys.readouterr().err
    assert tree(root / "site") == before
    template.write_text(original, encoding="utf-8")    # the template restored
    assert build_here(root) == 0
    assert build_here(root) == 0
    assert build_here(root, "--output", str(tmp_path / "clean")) == 0
    assert tree(root / "site") == tree(tmp_path / "clean")
