"""A build that finds the archive's lock held by another process says so, repeats it while
it waits, and gives up after --wait seconds: nothing waits silently or without end."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from archive_gen import make_archive

from newsroom import lock

REPO = Path(__file__).resolve().parent.parent
HOLDER = """
import sys, time
from pathlib import Path
from newsroom import lock
with lock.hold(Path(sys.argv[1]), what="build"):
    print("held", flush=True)
    time.sleep(600)
"""


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = make_archive(tmp_path / "archive", 3, photos=False)
    (root / ".cache").mkdir()
    return root


@pytest.fixture
def held(archive: Path) -> Iterator[subprocess.Popen]:
    """Another process holding the archive's lock, as a running build does."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(archive / ".cache" / lock.NAME)], cwd=REPO,
                            stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_a_build_gives_up_after_wait_seconds_naming_who_holds_the_lock(archive: Path, held) -> None:
    started = time.monotonic()
    run = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(archive), "--lang", "en",
                          "--wait", "2"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert 2 <= time.monotonic() - started < 60
    file = archive / ".cache" / lock.NAME
    lines = run.stderr.splitlines()
    assert lines[0].startswith(f"waiting for build {held.pid} (") and lines[0].endswith(f"(it holds {file})")
    assert any(line.startswith(f".cache: error: gave up after 2 s waiting for build {held.pid} (")
               and line.endswith(f"(it holds {file}); --wait SECONDS waits longer") for line in lines), lines
    assert "Traceback" not in run.stderr
    assert not (archive / "site").exists()


def test_a_build_in_chinese_names_who_holds_the_lock_in_chinese(archive: Path, held) -> None:
    run = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(archive), "--lang", "zh",
                          "--wait", "1"], cwd=REPO, capture_output=True, text=True, timeout=120)
    lines = run.stderr.splitlines()
    assert run.returncode == 1
    assert lines[0].startswith(f"正在等待构建进程 {held.pid}（"), lines
    assert f"build {held.pid}" not in run.stderr and " 结束" not in run.stderr


def test_a_waiting_build_says_it_is_still_waiting_until_it_gives_up(archive: Path, held) -> None:
    said: list[str] = []
    with pytest.raises(lock.LockError, match=f"gave up after 1 s waiting for build {held.pid} "):
        with lock.hold(archive / ".cache" / lock.NAME, notify=said.append, timeout=1.2, every=0.3):
            pass
    assert said[0].startswith(f"waiting for build {held.pid} (")
    assert len(said) >= 3 and all(line.startswith(f"still waiting for build {held.pid} (") for line in said[1:])


def test_the_lock_is_taken_as_soon_as_its_holder_ends(archive: Path, held) -> None:
    said: list[str] = []
    os.killpg(held.pid, signal.SIGKILL)   # even killed: the kernel releases it
    held.wait()
    with lock.hold(archive / ".cache" / lock.NAME, notify=said.append, timeout=10):
        pass
    assert said == []


FOLDER_HOLDER = """
import sys, time
from pathlib import Path
from newsroom import lock
with lock.hold_folder(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(600)
"""


def test_builds_of_two_archives_into_one_output_take_turns_for_their_whole_run(archive: Path, tmp_path: Path) -> None:
    """Each build decides what to write from what the output holds when it starts: a build of
    another archive into the same folder must not write between (the site would mix both)."""
    shared = tmp_path / "www" / "news"
    proc = subprocess.Popen([sys.executable, "-c", FOLDER_HOLDER, str(shared.parent)], cwd=REPO,
                            stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        run = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(archive), "--lang", "en",
                              "--output", str(shared), "--wait", "1"], cwd=REPO, capture_output=True, text=True,
                             timeout=120)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert run.returncode == 1
    assert run.stderr.splitlines()[0] == f"waiting for another build to finish (it holds {shared.parent})"
    assert "gave up after 1 s" in run.stderr and "Traceback" not in run.stderr
    assert not shared.exists()
