"""Builds into one output take turns for their whole run, and `serve` answers every request while
builds run beside it: two edit builds at once end as the same two one after the other (and their
pages as a clean build's), the preview never says 500."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archive_gen import make_archive, tree

REPO = Path(__file__).resolve().parent.parent


def start(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(root), "-q", "-j", "2", *args],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen, timeout: float = 180) -> tuple[int, str]:
    try:
        err = proc.communicate(timeout=timeout)[1]
        return proc.returncode, err
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise AssertionError(f"a build did not finish in {timeout} s") from None


def edit(root: Path, n: int, text: str) -> Path:
    story = next((root / "content/articles/2021").rglob(f"story-{n:04d}.md"))
    story.write_text(story.read_text(encoding="utf-8").replace("走访社区", f"走访社区{text}", 1), encoding="utf-8")
    return story


def test_two_edit_builds_at_once_end_as_the_same_builds_one_after_the_other(tmp_path: Path) -> None:
    together = make_archive(tmp_path / "together" / "archive", 40, photos=False)   # with its search index
    apart = tmp_path / "apart" / "archive"
    shutil.copytree(together, apart)
    for root in (together, apart):
        assert finish(start(root)) == (0, "")
    for n in range(3):
        for root in (together, apart):
            edit(root, n, f"（第{n}次改动）")
        for status, err in [finish(proc) for proc in (start(together), start(together))]:
            assert status == 0, err
            assert "Traceback" not in err and "error" not in err, err   # at most "waiting for build …"
        for _ in range(2):
            assert finish(start(apart)) == (0, "")
        assert not [p.name for p in together.iterdir() if ".staging-" in p.name or ".patch-" in p.name]
        assert not [p.name for p in (together / ".cache" / "search").rglob("bundle-*")]
    assert "走访社区（第2次改动）" in (together / "site/2021/03/03/story-0002/index.html").read_text(encoding="utf-8")
    built = tree(together / "site")
    assert sum(name.startswith("pagefind/") for name in built) > 10
    # Byte for byte, the search index included (an edit adds a bundle of recent changes).
    assert built == tree(apart / "site")
    # Every page as a clean build makes it.
    assert finish(start(together, "--output", str(tmp_path / "clean")))[0] == 0
    pages, clean = ({name: digest for name, digest in t.items() if not name.startswith(("pagefind/", ".newsroom"))}
                    for t in (built, tree(tmp_path / "clean")))
    assert [name for name in pages.keys() | clean.keys() if pages.get(name) != clean.get(name)] == []


class Serving:
    """`python build.py serve --port 0` on 127.0.0.1, its output read line by line."""

    def __init__(self, root: Path) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.said: list[str] = []
        self.proc = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--root", str(root),
                                      "--port", "0", "-j", "1"], cwd=root, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        threading.Thread(target=self._read, daemon=True).start()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", self.wait_for(r"http://127\.0\.0\.1:\d+/", 120))
        self.url = f"http://127.0.0.1:{found.group(1)}/"

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.said.append(line.rstrip("\n"))
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            assert left > 0 and self.proc.poll() is None, (pattern, self.said, self.proc.poll())
            try:
                line = self.lines.get(timeout=min(left, 0.5))
            except queue.Empty:
                continue
            if re.search(pattern, line):
                return line

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=20) as r:
                return r.status, r.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, ""

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("serve did not stop on Ctrl-C") from None


@contextmanager
def hammered(serving: Serving, paths: list[str], threads: int = 2) -> Iterator[list[tuple[str, int]]]:
    """Clients fetching `paths` over and over while the block runs: every (path, status) answered."""
    answers: list[tuple[str, int]] = []
    stop = threading.Event()

    def client() -> None:
        while not stop.is_set():
            for path in paths:
                answers.append((path, serving.get(path)[0]))

    workers = [threading.Thread(target=client, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    try:
        yield answers
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=30)


def until(serving: Serving, path: str, text: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while text not in serving.get(path)[1]:
        assert time.monotonic() < deadline, f"{path} never showed {text!r}: {serving.said}"
        time.sleep(0.1)


def test_serve_answers_every_request_while_builds_run_beside_it(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "archive", 40, photos=False)
    theme = root / "templates" / "base.html"   # a theme of its own, watched from the start
    theme.parent.mkdir()
    theme.write_text((REPO / "templates/base.html").read_text(encoding="utf-8"), encoding="utf-8")
    side = start(root)   # a build into site/ as serve starts: both make the search index
    serving = Serving(root)
    try:
        status, err = finish(side)
        assert status == 0, err
        preview = root / ".preview"
        stories = sorted(p.parent.relative_to(preview).as_posix() + "/" for p in (preview / "2021").rglob("index.html"))
        edited = next(page for page in stories if page.endswith("/story-0000/"))
        paths = ["", edited, stories[len(stories) // 2], "tags/", "static/style.css", "search/"]
        assert all(serving.get(path)[0] == 200 for path in paths), paths
        with hammered(serving, paths) as answers:
            edit(root, 0, "（预览中改动）")                        # serve rebuilds: a patch in place
            until(serving, edited, "（预览中改动）")
            side = start(root)                                      # a build beside serve, into site/
            edit(root, 0, "（同时改动）")                          # ... while serve rebuilds again
            assert finish(side)[0] == 0
            until(serving, edited, "（同时改动）")
            theme.write_text(theme.read_text(encoding="utf-8").replace(   # every page: a new tree swapped in
                "</main>", "<p>新的页脚</p></main>", 1), encoding="utf-8")
            until(serving, edited, "新的页脚")
            time.sleep(0.5)
        failed = [(path, status) for path, status in answers if status != 200]
        assert len(answers) > 100 and failed == [], (len(answers), failed[:10], serving.said)
        assert not [line for line in serving.said if "failed" in line or "Traceback" in line], serving.said
        assert serving.stop() == 0
    finally:
        if serving.proc.poll() is None:
            serving.proc.kill()
            serving.proc.wait()
