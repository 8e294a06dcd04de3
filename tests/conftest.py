"""Shared fixtures: the sample archive and small fixture sites, built into tmp_path."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import archive_gen
import pytest

# Messages in English, whatever an archive's language: tests match their text
# (tests/test_i18n.py checks the Chinese ones, and the choice of language).
os.environ["NEWSROOM_LANG"] = "en"

REPO = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"


# Tests that build and then publish: publish refuses a site built before midnight, in the
# archive's time zone (the home page's 历史上的今天 is then the day before's). Each such test
# takes seconds; one that starts this close to midnight waits for the new day instead of failing.
ARCHIVES_ZONE = ZoneInfo("Asia/Shanghai")   # tests/sites/basic and the sample archive
MIDNIGHT_MARGIN = timedelta(minutes=3)


@pytest.fixture
def clear_of_midnight() -> None:
    now = datetime.now(ARCHIVES_ZONE)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), ARCHIVES_ZONE)
    if midnight - now < MIDNIGHT_MARGIN:
        time.sleep((midnight - now).total_seconds() + 1)


@pytest.fixture
def sample_root(tmp_path: Path) -> Path:
    """A private copy of the repository's sample archive (content, photos, registries), with
    its photos' renditions in its cache (copy_sample)."""
    return copy_sample(tmp_path)


@pytest.fixture
def fresh_sample(tmp_path: Path) -> Path:
    """A private copy of the sample archive with no cache at all: its first build makes everything."""
    return copy_sample(tmp_path, renditions=False)


def copy_sample(dest: Path, renditions: bool = True) -> Path:
    """The sample archive in DEST/archive; `renditions`: with its photos' renditions in its
    cache (archive_gen.with_renditions)."""
    return archive_gen.copy_sample(dest / "archive", renditions)


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample archive built once per test module; returns its site/ folder."""
    from newsroom.cli import main

    root = copy_sample(tmp_path_factory.mktemp("sample"))
    assert main(["--root", str(root), "-q"]) == 0
    return root / "site"


def copy_site(name: str, dest: Path) -> Path:
    """A private copy of the fixture site tests/sites/NAME (builds write a cache inside it)."""
    root = dest / name
    shutil.copytree(SITES / name, root, ignore=shutil.ignore_patterns("site", ".cache", "*.py"))
    return root


@pytest.fixture(scope="module")
def basic_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/sites/basic built once per test module; returns the output folder."""
    from newsroom.cli import main

    root = copy_site("basic", tmp_path_factory.mktemp("basic"))
    out = root.parent / "out"
    assert main(["--root", str(root), "--output", str(out), "-q"]) == 0
    return out


class _QuietHandler(SimpleHTTPRequestHandler):
    not_found: Path | None = None

    def log_message(self, *args: object) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # As a host set up with the site's 404.html: its bytes, with status 404, for any missing path.
        if code != 404 or self.not_found is None:
            return super().send_error(code, message, explain)
        body = self.not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextmanager
def static_server(folder: Path, not_found: Path | None = None) -> Iterator[str]:
    """`folder` served by a plain static HTTP server on 127.0.0.1, as a publisher's host
    would; yields its URL (http://127.0.0.1:PORT/). `not_found`: the page served (status 404)
    for any missing path, as hosts do with a site's 404.html."""
    handler = type("Handler", (_QuietHandler,), {"not_found": not_found})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
