"""The built sample archive in a real browser: Debian's Chromium driven by Playwright.

The site is served by http.server under a sub-path (/archive/), as on a real host that
keeps the archive in a folder. A reader's journey — home, a street, an article, a photo, a
reporter, a search for 核酸 and one of its results — must load every request and every
image, log no console error, never scroll sideways on a phone, and pass axe-core with no
serious or critical violation (in light and dark colour schemes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from conftest import copy_sample, static_server

from newsroom import search
from newsroom.cli import main

REPO = Path(__file__).resolve().parents[2]
EARLIER = "content/articles/2021/06/earlier-testing.md"
CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]

if not CHROMIUM.exists():
    pytest.skip("needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium; .ci/run does it)",
                allow_module_level=True)
if not AXE.exists():
    pytest.skip("needs axe-core in node_modules (npm install; .ci/run does it)", allow_module_level=True)

from playwright import sync_api as playwright_api  # noqa: E402 - in the test extra; only the browser may be missing


@pytest.fixture(scope="module")
def archive_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample archive, and a story of another year (each year has its own search index,
    merged by the search page), built into www/archive/ beside it."""
    if search.executable() is None:
        pytest.fail("pagefind is not installed: pip install -e '.[test]' installs pagefind[extended]")
    root = copy_sample(tmp_path_factory.mktemp("browser"))
    earlier = root / EARLIER
    earlier.parent.mkdir(parents=True)
    earlier.write_text("---\ntitle: 坂田街道设立首批核酸采样点\ndate: 2021-06-02\nreporter: 张鹏\n"
                       "street: 坂田街道\n---\n坂田街道设立首批核酸采样点，方便居民就近检测。\n", encoding="utf-8")
    assert main(["--root", str(root), "--output", str(root.parent / "www" / "archive"), "-q"]) == 0
    return root


@pytest.fixture(scope="module")
def archive_url(archive_root: Path) -> Iterator[str]:
    """The built archive served at http://127.0.0.1:PORT/archive/."""
    with static_server(archive_root.parent / "www") as url:
        yield url + "archive/"


@contextmanager
def chromium() -> Iterator[object]:
    """Debian's Chromium, headless, closed afterwards: the one launch every browser test uses."""
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as launched:
        yield launched


class Watch:
    """Everything that went wrong on a page: console errors, failed and 4xx/5xx requests."""

    def __init__(self, page) -> None:
        self.problems: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        # ERR_ABORTED is a request the browser dropped because the reader moved on (a click before
        # the favicon arrived); a file that is missing shows up as a 404 response below.
        page.on("requestfailed", lambda r: r.failure != "net::ERR_ABORTED"
                and self.problems.append(f"request failed: {r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))

    def take(self) -> list[str]:
        found, self.problems = self.problems, []
        return found


# Lazy images load only near the viewport: make them eager, then wait for each to decode.
LOAD_IMAGES = """async () => {
  const imgs = [...document.images];
  for (const img of imgs) img.loading = "eager";
  await Promise.all(imgs.map(img => img.decode().catch(() => null)));
  return imgs.map(img => ({src: img.currentSrc || img.src, width: img.naturalWidth, alt: img.getAttribute("alt")}));
}"""


def check_page(page, watch: Watch, what: str) -> None:
    """The checks every page of the journey must pass."""
    page.wait_for_load_state("networkidle")
    images = page.evaluate(LOAD_IMAGES)
    broken = [i["src"] for i in images if i["width"] == 0]
    assert not broken, f"{what}: images that did not load: {broken}"
    assert all(i["alt"] is not None for i in images), f"{what}: an image without alt"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what}: scrolls sideways by {overflow}px at {page.viewport_size['width']}px"
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        serious = axe_violations(page)
        assert not serious, f"{what} ({scheme}): axe-core found {serious}"
    page.emulate_media(color_scheme="light")
    page.wait_for_load_state("networkidle")
    assert not watch.take(), f"{what}: {watch.problems}"


def axe_violations(page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    assert len(result["passes"]) > 10, "axe-core ran its rules"  # proves the check is not vacuous
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def articles_mentioning(word: str, root: Path) -> set[str]:
    """Titles of the served archive's articles whose text contains `word` (what search must find)."""
    titles = set()
    for file in (root / "content" / "articles").rglob("*.md"):
        text = file.read_text(encoding="utf-8")
        _, front, body = text.split("---", 2)
        meta = yaml.safe_load(front)
        if word in body or word in str(meta.get("summary", "")):
            titles.add(meta["title"])
    return titles


def h1(page) -> str:
    return page.inner_text("h1").strip()


def test_reader_journey(browser, archive_url: str, archive_root: Path) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.set_default_timeout(10_000)
    watch = Watch(page)
    page.goto(archive_url)
    check_page(page, watch, "home")

    street = page.locator(".article-list .meta a", has_text="坂田街道").first
    street_name = street.inner_text()
    street.click()
    assert h1(page).startswith(street_name)
    assert "/archive/streets/" in page.url
    assert page.locator(".photo-grid img").count() > 0, "a street page shows its photo strip"
    assert page.locator(".people a").count() > 0, "a street page shows its reporters"
    check_page(page, watch, "street")

    article = page.locator(".article-item.has-thumb .item-title a").first
    title = article.inner_text()
    article.click()
    assert h1(page) == title
    check_page(page, watch, "article")

    page.locator(".lead-photo a:has(img)").click()
    assert "/archive/photos/" in page.url
    facts = page.inner_text(".photo-facts")
    assert "摄影" in facts and "日期" in facts and "街道" in facts
    assert page.locator(".photo-articles a", has_text=title).count() == 1, "the photo links to its article"
    check_page(page, watch, "photo")

    reporter = page.locator(".photo-facts a[href*='reporters/']").first
    name = reporter.inner_text()
    reporter.click()
    assert h1(page).startswith(name)
    assert page.locator(".article-list li").count() > 0 and page.locator(".photo-grid li").count() > 0
    check_page(page, watch, "reporter")

    page.fill("#q-header", "核酸")
    page.press("#q-header", "Enter")
    page.wait_for_selector(".search-result")
    assert "/archive/search/" in page.url
    found = set(page.locator(".search-result .result-title a").all_inner_texts())
    expected = articles_mentioning("核酸", archive_root)
    assert "坂田街道设立首批核酸采样点" in expected, "the other year's story is expected too"
    assert expected <= found, f"search for 核酸 missed {expected - found}"
    marks = page.locator(".search-result .excerpt mark").all_inner_texts()
    assert marks and all("核酸" in m for m in marks), "the match is highlighted in the excerpt"
    assert page.locator(".search-result .meta").first.inner_text().count("·") >= 1, "kind, date and street shown"
    check_page(page, watch, "search")
    years = page.locator("#filter-year option").all_inner_texts()
    assert any(y.startswith("2021") for y in years) and any(y.startswith("2022") for y in years), \
        f"the years' indexes are merged (filters of both): {years}"

    # Filters narrow the results: only one street's stories remain.
    page.select_option("#filter-type", "文章")
    page.wait_for_function("document.querySelector('#search-status').textContent.startsWith('找到')")
    page.select_option("#filter-street", "园山街道")
    page.wait_for_function("document.querySelectorAll('.search-result').length === 1")
    assert "street=" in page.url, "the chosen filter is kept in the address, so it can be shared"
    page.select_option("#filter-street", "")
    page.wait_for_function(f"document.querySelectorAll('.search-result').length === {len(expected)}")

    result = page.locator(".search-result .result-title a").first
    result_title = result.inner_text()
    result.click()
    assert h1(page) == result_title
    check_page(page, watch, "search result")
    page.close()


def test_narrow_and_wide_screens(browser, archive_url: str) -> None:
    """No sideways scrolling at 320 px, and the layout uses a wide screen."""
    for width in (320, 1440):
        page = browser.new_page(viewport={"width": width, "height": 900})
        for path in ("", "streets/", "reporters/zhang-peng/", "photos/", "archive/", "search/?q=核酸",
                     "2022/02/21/party-volunteers/", "photos/2022-02-night-testing/", "editions/",
                     "editions/2022/02/22/", "editions/2022/02/22/03/"):
            page.goto(archive_url + path)
            page.wait_for_load_state("networkidle")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"/{path} scrolls sideways by {overflow}px at {width}px"
        page.close()


def test_images_reserve_their_space(browser, archive_url: str) -> None:
    """Every image has width and height attributes, so nothing jumps when it loads."""
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(archive_url + "2022/02/21/party-volunteers/")
    sizes = page.evaluate("[...document.images].map(i => [i.getAttribute('width'), i.getAttribute('height')])")
    assert sizes and all(w and h for w, h in sizes)
    shift = page.evaluate("""() => new Promise(resolve => {
        let total = 0;
        new PerformanceObserver(list => { for (const e of list.getEntries()) total += e.value; })
          .observe({type: 'layout-shift', buffered: true});
        setTimeout(() => resolve(total), 500);
    })""")
    assert shift < 0.05, f"layout shift {shift}"
    page.close()


def test_search_page_without_javascript(browser, archive_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(archive_url + "search/?q=核酸")
    assert "搜索需要启用 JavaScript" in page.inner_text("main")
    page.goto(archive_url + "2022/02/21/party-volunteers/")
    assert page.locator("article.story img").count() > 0, "other pages work without JavaScript"
    context.close()


def test_keyboard_focus_is_visible(browser, archive_url: str) -> None:
    page = browser.new_page()
    page.goto(archive_url)
    page.keyboard.press("Tab")
    skip = page.evaluate("[document.activeElement.textContent, getComputedStyle(document.activeElement).left]")
    assert skip[0] == "跳到正文" and not skip[1].startswith("-"), "the skip link appears when focused"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), "the focused link has a visible outline"
    page.close()


def test_file_urls_from_disk(browser, tmp_path: Path) -> None:
    """--file-urls: links end in index.html, so the copy can be browsed straight from disk."""
    root = copy_sample(tmp_path)
    out = tmp_path / "disk"
    assert main(["--root", str(root), "--output", str(out), "--file-urls", "-q"]) == 0
    page = browser.new_page(viewport={"width": 375, "height": 800})
    watch = Watch(page)
    page.goto((out / "index.html").as_uri())
    page.wait_for_load_state("networkidle")   # leaving a page earlier aborts its image loads
    page.locator(".article-list .item-title a").first.click()
    assert re.search(r"/index\.html$", page.url)
    images = page.evaluate(LOAD_IMAGES)
    assert images and all(i["width"] > 0 for i in images)
    page.wait_for_load_state("networkidle")
    page.locator(".breadcrumbs a").first.click()
    assert page.url.endswith("/disk/index.html")
    page.wait_for_load_state("networkidle")
    page.goto((out / "search" / "index.html").as_uri())
    assert page.locator("#search-unavailable").is_visible(), "search explains it needs a web server"
    assert not watch.take()
    page.close()


def test_print_edition_journey(browser, archive_url: str) -> None:
    """数字报: from the calendar to a day's edition, to its page, to a story, and back."""
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.set_default_timeout(10_000)
    watch = Watch(page)
    page.goto(archive_url)
    page.locator(".masthead nav a", has_text="数字报").click()
    assert page.url.endswith("/archive/editions/")
    check_page(page, watch, "calendar")

    page.locator("table.calendar a", has_text="22").click()
    assert page.url.endswith("/archive/editions/2022/02/22/")
    assert "第1234期" in page.inner_text(".edition-head")
    check_page(page, watch, "edition")

    page.locator(".print-pages h3 a").first.click()
    assert page.url.endswith("/archive/editions/2022/02/22/03/")
    assert page.inner_text(".page-banner") == "防控疫情 龙岗行动"
    check_page(page, watch, "printed page")

    story = page.locator(".print-story h2 a").nth(1)
    title = story.inner_text()
    story.click()
    assert h1(page) == title
    printed = page.locator(".printed a")
    assert printed.inner_text() == "刊于《龙岗新闻》2022年2月22日 第3版"
    page.go_back()
    assert page.url.endswith("/archive/editions/2022/02/22/03/")
    page.go_forward()
    page.locator(".printed a").click()
    assert page.url.endswith("/archive/editions/2022/02/22/03/"), "刊于 leads back to the printed page"
    assert not watch.take()
    page.close()
