"""What a reader sees in Chromium, page by page: the not-found page at any depth, axe-core
with no violation of any impact, `sizes` that match the width an image is drawn at, dates
without inserted spaces and names that do not break across lines.

The sample archive is served under a sub-path (/archive/) by a host that answers every
missing address with the site's 404.html (status 404), as publishers set hosts up.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import copy_sample, static_server
from test_browser import AXE, CHROMIUM, LOAD_IMAGES, chromium

from newsroom.cli import main

if not CHROMIUM.exists() or not AXE.exists():
    pytest.skip("needs Debian's Chromium and axe-core (npm ci)", allow_module_level=True)


VIEWPORTS = ({"width": 375, "height": 800}, {"width": 768, "height": 1024}, {"width": 1280, "height": 800})


@pytest.fixture(scope="module")
def www(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample archive built into www/archive/."""
    root = copy_sample(tmp_path_factory.mktemp("defects"))
    assert main(["--root", str(root), "--output", str(root.parent / "www" / "archive"), "-q"]) == 0
    return root.parent / "www"


@pytest.fixture(scope="module")
def site_url(www: Path) -> Iterator[str]:
    with static_server(www, not_found=www / "archive" / "404.html") as url:
        yield url + "archive/"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as launched:
        yield launched


def site_pages(site: Path, per_kind: int = 10) -> dict[str, list[str]]:
    """Up to `per_kind` pages of each kind, as paths below the site's address."""
    kinds: dict[str, list[str]] = {}
    for file in sorted(site.rglob("*.html")):
        rel = file.relative_to(site).as_posix()
        path = rel.removesuffix("index.html")
        if rel.startswith(("pagefind/", "static/", "media/")):
            continue
        kind = _kind(path)
        if len(kinds.setdefault(kind, [])) < per_kind:
            kinds[kind].append(path)
    return kinds


def _kind(path: str) -> str:
    parts = path.strip("/").split("/") if path else []
    if not parts or parts[0] == "page":
        return "home"
    if re.fullmatch(r"\d{4}", parts[0]):
        return {1: "year", 2: "month"}.get(len(parts), "article")
    if parts[0] in ("streets", "reporters", "tags"):
        return parts[0] if len(parts) == 1 else f"{parts[0]} term"
    if parts[0] == "photos":
        return "photo" if len(parts) == 2 and parts[1] != "page" else "photos"
    return parts[0]


# --- 404 at any depth -----------------------------------------------------------------

@pytest.mark.parametrize("missing", ["404.html", "no-such-page/", "2022/02/21/gone/", "photos/x/y/z.html"])
@pytest.mark.parametrize("under", ["archive/", ""])
def test_not_found_page_works_at_any_depth(browser, www: Path, missing: str, under: str) -> None:
    """The host's not-found page is styled and its links lead into the site, whatever folder
    the site is published in and whatever address was missing; its skip link stays on it."""
    site = www / "archive"
    with static_server(www if under else site, not_found=site / "404.html") as url:
        page = browser.new_page(viewport={"width": 375, "height": 800})
        home = url + under
        response = page.goto(home + missing)
        assert response.status == (200 if missing == "404.html" else 404)
        page.wait_for_function(f"document.querySelector('main a').href === {home!r}")
        page.wait_for_function("getComputedStyle(document.querySelector('.masthead')).borderBottomStyle === 'solid'")
        links = page.evaluate("[...document.querySelectorAll('main a, .brand')].map(a => a.href)")
        assert links == [home, home, home + "search/"]   # the masthead, then the two in the text
        assert page.evaluate("document.querySelector('.skip').href") == page.url.split("#")[0] + "#main"
        assert page.evaluate("document.querySelector('form[role=search]').action") == home + "search/"
        page.close()


def test_not_found_page_from_disk(browser, tmp_path: Path) -> None:
    root = copy_sample(tmp_path)
    out = tmp_path / "disk"
    assert main(["--root", str(root), "--output", str(out), "--file-urls", "-q"]) == 0
    page = browser.new_page()
    page.goto((out / "404.html").as_uri())
    assert page.evaluate("document.querySelector('main a').href") == (out / "index.html").as_uri()
    assert page.evaluate("getComputedStyle(document.querySelector('.masthead')).borderBottomStyle") == "solid"
    page.close()


# --- axe-core: nothing at any impact ----------------------------------------------------

def test_axe_finds_nothing_on_any_kind_of_page(browser, www: Path, site_url: str) -> None:
    """axe-core reports no violation, of any impact, on up to ten pages of each kind (light
    scheme; the first of each kind in the dark scheme too)."""
    kinds = site_pages(www / "archive")
    assert {"home", "article", "streets term", "reporters term", "photo", "photos", "404.html"} <= set(kinds)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    found: list[str] = []
    for paths in kinds.values():
        for i, path in enumerate(paths):
            page.goto(site_url + path)
            page.wait_for_load_state("networkidle")
            for scheme in ("light", "dark") if i == 0 else ("light",):
                page.emulate_media(color_scheme=scheme)
                found += [f"/{path} ({scheme}): {v}" for v in axe_all(page)]
            page.emulate_media(color_scheme="light")
    page.close()
    assert not found, "\n".join(found)


def axe_all(page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    assert len(result["passes"]) > 10, "axe-core ran its rules"
    return [f"{v['id']} ({v['impact']}) at {[n['target'] for n in v['nodes'][:3]]}" for v in result["violations"]]


# --- responsive images: sizes says the width the image is drawn at ----------------------

# The width `sizes` gives, as the browser reads it: a 100w picture offered with the same
# sizes is drawn at exactly that width.
SIZES_VS_DRAWN = """async () => {
  const probe = "data:image/svg+xml," + encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"/>');
  const out = [];
  for (const img of document.querySelectorAll("img[sizes]")) {
    const box = img.getBoundingClientRect();
    if (!box.width) continue;
    const twin = new Image();
    twin.sizes = img.sizes;
    twin.srcset = probe + " 100w";
    await twin.decode().catch(() => null);
    out.push({src: img.currentSrc, sizes: img.sizes, said: twin.naturalWidth, drawn: box.width});
  }
  return out;
}"""


def test_sizes_match_the_drawn_width(browser, www: Path, site_url: str) -> None:
    """At 375, 768 and 1280 px, every image's `sizes` is within 10% of the width it is drawn
    at: the browser fetches the file that fits, not one twice as wide."""
    kinds = site_pages(www / "archive", per_kind=3)
    paths = ["", "photos/2022-02-warm-soup/", "photos/2022-02-night-testing/"]
    paths += [p for kind in ("article", "streets term", "reporters term", "photos") for p in kinds[kind]]
    wrong = []
    for viewport in VIEWPORTS:
        page = browser.new_page(viewport=viewport)
        for path in paths:
            page.goto(site_url + path)
            page.wait_for_load_state("networkidle")
            page.evaluate(LOAD_IMAGES)
            for img in page.evaluate(SIZES_VS_DRAWN):
                if abs(img["said"] - img["drawn"]) > 0.1 * img["drawn"]:
                    wrong.append(f"{viewport['width']}px /{path}: sizes {img['sizes']!r} says {img['said']}px, "
                                 f"drawn at {img['drawn']:.0f}px ({img['src'].rsplit('/', 1)[-1]})")
        page.close()
    assert not wrong, "\n".join(wrong)


# --- Chinese typography: no spaces inside dates, no names broken across lines ----------

def test_dates_have_no_inserted_spaces(browser, site_url: str) -> None:
    """2022年2月21日 is drawn as written: as wide as the same text with autospacing off."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    for path in ("", "2022/02/21/party-volunteers/", "photos/2022-02-night-testing/"):
        page.goto(site_url + path)
        widths = page.evaluate("""[...document.querySelectorAll('main time')].map(t => {
            const twin = t.cloneNode(true);
            twin.style.textAutospace = 'no-autospace';
            t.after(twin);
            const pair = [t.textContent, t.getBoundingClientRect().width, twin.getBoundingClientRect().width];
            twin.remove();
            return pair;
        })""")
        assert widths, path
        spaced = [(text, a, b) for text, a, b in widths if abs(a - b) > 0.5]
        assert not spaced, f"/{path}: dates drawn with inserted spaces: {spaced}"
    page.close()


def test_names_do_not_break_across_lines(browser, www: Path, site_url: str) -> None:
    """A street's or a person's name is never split between two lines (南湾/街道) on a phone."""
    kinds = site_pages(www / "archive", per_kind=4)
    paths = [p for kind in ("home", "article", "streets term", "reporters term", "photo") for p in kinds[kind]]
    broken = []
    for width in (320, 375):
        page = browser.new_page(viewport={"width": width, "height": 800})
        for path in paths:
            page.goto(site_url + path)
            names = page.evaluate("""[...document.querySelectorAll(
                'main a[href*="streets/"], main a[href*="reporters/"], main .person')]
                .filter(a => a.getClientRects().length > 1).map(a => a.textContent)""")
            broken += [f"{width}px /{path}: {name}" for name in names]
        page.close()
    assert not broken, "\n".join(broken)
