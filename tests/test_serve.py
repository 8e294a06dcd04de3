"""`python build.py serve`, for real: a subprocess on a free port, fetched over HTTP.

An edited article is rebuilt and fetched with the change in it, the reload event arrives on
the event stream, a broken article turns every page into the problems list until it is
fixed, and Ctrl-C stops the server cleanly. Every wait is bounded.
"""

from __future__ import annotations

import http.client
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import REPO

from newsroom import render, serve

ARTICLE = "content/articles/2022/02/party-volunteers.md"
PAGE = "2022/02/21/party-volunteers/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`python build.py serve` in a subprocess, its output collected line by line."""

    def __init__(self, root: Path) -> None:
        self.port = free_port()
        self.lines: list[str] = []
        self._new: queue.Queue[str] = queue.Queue()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, str(REPO / "build.py"), "serve", "--root", str(root), "--port", str(self.port),
             "-j", "1"], cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            self._new.put(line)

    def wait_for(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            left = deadline - time.monotonic()
            assert left > 0 and self.proc.poll() is None, (text, "\n".join(self.lines), self.proc.poll())
            try:
                self._new.get(timeout=min(left, 0.5))
            except queue.Empty:
                pass

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=10) as r:
                return r.status, r.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")

    def poll(self, path: str, ok: Callable[[int, str], bool], timeout: float = 30) -> tuple[int, str]:
        deadline = time.monotonic() + timeout
        while True:
            status, body = self.get(path)
            if ok(status, body) or time.monotonic() > deadline:
                return status, body
            time.sleep(0.2)

    def stop(self) -> tuple[int | None, str]:
        """Ctrl-C, as a terminal sends it; (exit status, stderr)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            return None, self.proc.stderr.read()
        return self.proc.returncode, self.proc.stderr.read()


class Events:
    """The /__newsroom/events stream, read in a thread: each `event: reload` with its data."""

    def __init__(self, port: int) -> None:
        self.events: queue.Queue[tuple[str, str]] = queue.Queue()
        self.connected = threading.Event()
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.conn.request("GET", serve.EVENTS)
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type") == "text/event-stream"
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        event, data = "", ""
        try:
            for raw in self.response:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("retry:"):
                    self.connected.set()
                elif line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                elif line.startswith("data:"):
                    data = line.split(":", 1)[1].strip()
                elif line == "" and event:
                    self.events.put((event, data))
                    event, data = "", ""
        except OSError:
            pass

    def next(self, timeout: float = 30) -> tuple[str, str]:
        return self.events.get(timeout=timeout)

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def server(sample_root: Path) -> Iterator[Server]:
    (sample_root / "content/articles/2022/02/draft-story.md").write_text(
        "---\ntitle: 尚未完成的草稿稿件\ndate: 2022-02-22\ndraft: true\n---\n正文。\n", encoding="utf-8")
    (sample_root / "content/articles/2999/01").mkdir(parents=True)
    (sample_root / "content/articles/2999/01/later.md").write_text(
        "---\ntitle: 明年才发布的稿件\ndate: 2999-01-01\n---\n正文。\n", encoding="utf-8")
    running = Server(sample_root)
    try:
        running.wait_for("serving ", timeout=120)
        yield running
    finally:
        if running.proc.poll() is None:
            running.proc.kill()
            running.proc.wait(timeout=10)


def test_serve_rebuilds_on_change_and_reloads_the_browser(server: Server, sample_root: Path) -> None:
    status, home = server.get("")
    assert status == 200
    assert render.RELOAD_SCRIPT in home
    assert '尚未完成的草稿稿件</a> <span class="badge">草稿</span>' in home
    assert '明年才发布的稿件</a> <span class="badge">定时发布</span>' in home
    status, script = server.get("__newsroom/reload.js")
    assert status == 200 and 'new EventSource("/__newsroom/events")' in script

    events = Events(server.port)
    assert events.connected.wait(10)
    article = sample_root / ARTICLE
    original = article.read_text(encoding="utf-8")
    article.write_text(original.replace("title: 超2000人次", "title: 改过标题的2000人次"), encoding="utf-8")
    status, page = server.poll(PAGE, lambda s, body: "改过标题的2000人次" in body)
    assert status == 200 and "改过标题的2000人次" in page and render.RELOAD_SCRIPT in page
    event, data = events.next()
    assert event == "reload" and '"ok": true' in data
    server.wait_for(f"{ARTICLE} changed", timeout=10)
    server.wait_for("rebuilt in ", timeout=10)

    # Broken: every page is the problems list (and still reloads itself); the server stays up.
    article.write_text(original.replace("date: 2022-02-21T09:30:00+08:00", "date: 2022-13-45"), encoding="utf-8")
    status, page = server.poll(PAGE, lambda s, body: s == 500)
    assert status == 500
    assert f"{ARTICLE}:3: error: date &#x27;2022-13-45&#x27; is not a valid date" in page
    assert render.RELOAD_SCRIPT in page
    assert server.get("")[0] == 500
    event, data = events.next()
    assert event == "reload" and '"ok": false' in data
    server.wait_for("build failed", timeout=10)

    article.write_text(original, encoding="utf-8")
    status, page = server.poll(PAGE, lambda s, body: s == 200)
    assert status == 200 and "超2000人次" in page
    assert events.next()[0] == "reload"
    events.close()

    # The preview is not site/: what gets published never has drafts or the reload script.
    assert not (sample_root / "site").exists()
    assert (sample_root / serve.PREVIEW / "index.html").is_file()

    code, err = server.stop()
    assert code == 0, err
    assert "Traceback" not in err
    assert server.lines[-1] == "stopped"


def test_settings_templates_and_photos_rebuild_too(server: Server, sample_root: Path) -> None:
    settings = sample_root / "site.yaml"
    # Saved the way many editors save: a new file renamed over the old one.
    tmp = sample_root / "site.yaml.tmp"
    tmp.write_text(settings.read_text(encoding="utf-8").replace("title: 龙岗新闻档案", "title: 新的站名"),
                   encoding="utf-8")
    os.replace(tmp, settings)
    status, home = server.poll("", lambda s, body: "新的站名" in body)
    assert "新的站名" in home
    server.wait_for("site.yaml changed", timeout=10)

    base = sample_root / "templates/base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</main>", "<p>模板改了</p></main>"),
                    encoding="utf-8")
    assert "模板改了" in server.poll("", lambda s, body: "模板改了" in body)[1]
    server.wait_for("templates/base.html changed", timeout=10)

    sidecar = sample_root / "photos/2022/02/warm-soup.yaml"
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace("caption: ", "caption: 新图说。"),
                       encoding="utf-8")
    assert "新图说。" in server.poll("photos/", lambda s, body: "新图说。" in body)[1]
    server.wait_for("photos/2022/02/warm-soup.yaml changed", timeout=10)
    code, err = server.stop()
    assert code == 0 and "Traceback" not in err


def test_a_folder_of_stories_moved_out_of_the_archive_is_rebuilt_without_them(server: Server, sample_root: Path,
                                                                             tmp_path: Path) -> None:
    assert server.poll(PAGE, lambda s, body: s == 200)[0] == 200
    os.replace(sample_root / "content/articles/2022", tmp_path / "moved-away")   # not deleted: moved
    status, _ = server.poll(PAGE, lambda s, body: s == 404)
    assert status == 404, "its stories are gone from the preview"
    code, err = server.stop()
    assert code == 0 and "Traceback" not in err


def test_a_busy_port_is_a_message(sample_root: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        done = subprocess.run([sys.executable, str(REPO / "build.py"), "serve", "--root", str(sample_root),
                               "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"cannot serve on 127.0.0.1:{port}" in done.stderr and "Traceback" not in done.stderr
