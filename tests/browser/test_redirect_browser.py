"""A moved story's old address, followed in Chromium: over HTTP under a sub-path, and from disk
(--file-urls), the reader lands on the story at its new address."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import static_server
from living_archive import build, edit, make

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium; .ci/run does it)",
                allow_module_level=True)

from playwright import sync_api as playwright_api  # noqa: E402 - in the test extra

OLD, NEW = "2022/02/21/checkpoint/", "2022/02/21/night-checkpoint/"


@pytest.mark.parametrize("where", ["http", "file"])
def test_an_old_address_leads_the_reader_to_the_story(tmp_path: Path, where: str) -> None:
    root = make(tmp_path / "archive")
    assert build(root, "-q") == 0
    edit(root, "2022/02/checkpoint.md", "title:", "slug: night-checkpoint\ntitle:")
    out = tmp_path / "www" / "news"
    assert build(root, "-q", "--output", str(out), *(["--file-urls"] if where == "file" else [])) == 0
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            if where == "http":
                with static_server(out.parent) as url:
                    page.goto(f"{url}news/{OLD}")
                    page.wait_for_url(f"{url}news/{NEW}")
                    heading = page.locator("h1").first.inner_text()
            else:
                page.goto((out / OLD / "index.html").as_uri())
                page.wait_for_url((out / NEW / "index.html").as_uri())
                heading = page.locator("h1").first.inner_text()
        finally:
            browser.close()
    assert heading == "夜间卡口守护出行"
