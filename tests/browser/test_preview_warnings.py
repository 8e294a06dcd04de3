"""`serve` shows the build's warnings in the open page too: a bar that does not block the page
and can be dismissed (until the next build brings new ones)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from archive_gen import make_archive

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium; .ci/run does it)",
                allow_module_level=True)

from playwright import sync_api as playwright_api  # noqa: E402 - in the test extra; only the browser may be missing
from test_serve import Server  # noqa: E402

STORY = "content/articles/2021/01/story-0000.md"
PAGE = "2021/01/01/story-0000/"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    root = make_archive(tmp_path / "archive", 2, photos=False)
    story = root / STORY
    story.write_text(story.read_text(encoding="utf-8").replace("title:", "streets: 坂田街道\ntitle:", 1),
                     encoding="utf-8")
    running = Server(root)
    running.root = root          # for the test that edits the story
    try:
        running.wait_for("serving ", timeout=120)
        yield running
    finally:
        running.stop()
        shutil.rmtree(root / ".preview", ignore_errors=True)


def test_warnings_show_in_a_bar_that_can_be_dismissed(server: Server) -> None:
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.port}/{PAGE}")
            bar = page.locator("#newsroom-warnings")
            bar.wait_for(state="visible", timeout=10_000)
            assert "unknown field 'streets' (ignored) — did you mean 'street'?" in bar.inner_text()
            assert page.locator("h1").first.is_visible()                   # the page is still there, usable
            assert page.evaluate("getComputedStyle(document.getElementById('newsroom-warnings')).position") == "fixed"
            bar.get_by_role("button").click()
            assert bar.count() == 0 or not bar.is_visible()
            page.reload()
            time.sleep(0.5)                                                 # the bar would be back by now
            assert page.locator("#newsroom-warnings").count() == 0          # dismissed for this build
        finally:
            browser.close()


def test_a_clean_build_shows_no_bar(server: Server) -> None:
    story = Path(server.root) / STORY
    story.write_text(story.read_text(encoding="utf-8").replace("streets: 坂田街道\n", ""), encoding="utf-8")
    server.wait_for("rebuilt in ", timeout=30)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.port}/{PAGE}")
            page.wait_for_load_state("networkidle")
            bar = page.locator("#newsroom-warnings")
            assert bar.count() == 0, bar.inner_text()
        finally:
            browser.close()
