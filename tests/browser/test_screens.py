"""Looked at: the home page, an article, a street's page and a photo's page at 375 and 1280 px,
in Chromium with a Chinese font, saved as screenshots (into $NEWSROOM_SCREENSHOTS if set,
else the test's temporary folder) and checked for what a reader would see as broken: a page
wider than the window, a box sticking out of it, or text and pictures drawn over each other.
On the phone the front page's lead story comes first.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import copy_sample, static_server
from test_browser import CHROMIUM, LOAD_IMAGES, chromium

from newsroom.cli import main

if not CHROMIUM.exists():
    pytest.skip("needs Debian's Chromium at /usr/bin/chromium", allow_module_level=True)


PAGES = {"home": "", "article": "2022/02/21/party-volunteers/", "street": "streets/bantian/",
         "photo": "photos/2022-02-night-testing/"}
WIDTHS = (375, 1280)

# Boxes sticking out of the window (outside anything that scrolls or clips sideways on its own).
OUT_OF_WINDOW = """() => {
  const W = document.documentElement.clientWidth, out = [];
  const clipped = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true; } return false; };
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.skip, .visually-hidden, [hidden]')) continue;
    const r = el.getBoundingClientRect();
    if (r.width && (r.right > W + 1 || r.left < -1) && !clipped(el))
      out.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
  return out.slice(0, 10);
}"""

# Text and pictures drawn over each other: every line of text (a text node's line boxes) and
# every picture, compared pairwise; lines that only touch (a tall font's ascent) do not count.
OVERLAPS = """() => {
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let id = 0;
  while (walker.nextNode()) {
    const t = walker.currentNode, el = t.parentElement;
    if (!t.data.trim() || el.closest('.skip, .visually-hidden, [hidden], script, style, noscript')) continue;
    if (getComputedStyle(el).visibility === 'hidden') continue;
    const range = document.createRange();
    range.selectNodeContents(t);
    for (const b of range.getClientRects()) if (b.width > 1 && b.height > 1) boxes.push({id, b, what: t.data.trim().slice(0, 16)});
    id++;
  }
  for (const img of document.images) {
    const b = img.getBoundingClientRect();
    if (b.width > 1 && b.height > 1) boxes.push({id: id++, b, what: 'img ' + (img.alt || img.currentSrc.split('/').pop())});
  }
  const found = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], c = boxes[j];
    if (a.id === c.id) continue;
    const w = Math.min(a.b.right, c.b.right) - Math.max(a.b.left, c.b.left);
    const h = Math.min(a.b.bottom, c.b.bottom) - Math.max(a.b.top, c.b.top);
    if (w > 2 && h > 0.3 * Math.min(a.b.height, c.b.height)) found.push(`${a.what} × ${c.what}`);
  }
  return found.slice(0, 10);
}"""


# A date is read at a glance: 2022年2月21日 split over two lines is not (a <time> drawn as more
# than one line box).
DATES_BROKEN = """() => [...document.querySelectorAll('time')]
  .filter(t => !t.closest('.visually-hidden, [hidden]') && t.getClientRects().length > 1)
  .map(t => t.textContent.trim()).slice(0, 10)"""


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = copy_sample(tmp_path_factory.mktemp("screens"))
    out = root.parent / "www"
    assert main(["--root", str(root), "--output", str(out), "-q"]) == 0
    with static_server(out) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as launched:
        yield launched


def test_a_chinese_font_is_installed() -> None:
    """Without one the screenshots show boxes for every character (fonts-noto-cjk; .ci/run)."""
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    assert fonts.strip(), "no Chinese font: apt-get install fonts-noto-cjk"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", PAGES)
def test_page_looks_right(browser, site_url: str, kind: str, width: int, tmp_path: Path) -> None:
    folder = Path(os.environ.get("NEWSROOM_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(site_url + PAGES[kind])
    page.wait_for_load_state("networkidle")
    page.evaluate(LOAD_IMAGES)
    page.evaluate("document.fonts.ready")
    shot = folder / f"{kind}-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    wider = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wider <= 0, f"{kind} at {width}px scrolls sideways by {wider}px"
    out = page.evaluate(OUT_OF_WINDOW)
    assert not out, f"{kind} at {width}px: boxes out of the window: {out}"
    overlaps = page.evaluate(OVERLAPS)
    assert not overlaps, f"{kind} at {width}px: drawn over each other: {overlaps}"
    # (at every phone width: where a line ends depends on it)
    for narrow in (range(320, 430, 5) if width < 500 else (width,)):
        page.set_viewport_size({"width": narrow, "height": 800})
        broken = page.evaluate(DATES_BROKEN)
        assert not broken, f"{kind} at {narrow}px: dates broken across lines: {broken}"
    if kind == "home":
        first = page.evaluate("document.querySelector('main .lead-story').getBoundingClientRect().top")
        others = page.evaluate("[...document.querySelectorAll('main .secondary li, main .article-list li')]"
                               ".map(e => e.getBoundingClientRect().top)")
        assert others and first < min(others), "the lead story comes first"
    page.close()
