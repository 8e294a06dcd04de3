"""Finding one's way: breadcrumbs, links that resolve, prev/next, related, pagination, indexes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import copy_sample
from PIL import Image
from seo_html import Element, page, parse, resolve

from newsroom.cli import main


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample archive with two articles a page, so every list is paginated."""
    root = copy_sample(tmp_path_factory.mktemp("nav"))
    text = (root / "site.yaml").read_text(encoding="utf-8")
    (root / "site.yaml").write_text(re.sub(r"(?m)^page_size: \d+", "page_size: 2", text), encoding="utf-8")
    assert main(["--root", str(root), "-q"]) == 0
    return root / "site"


def html_pages(site: Path) -> list[str]:
    return sorted(f.relative_to(site).as_posix()[: -len("index.html")] if f.name == "index.html"
                  else f.relative_to(site).as_posix()
                  for f in site.rglob("*.html") if "pagefind" not in f.parts)


def test_every_page_has_breadcrumbs_and_a_search_box(site: Path) -> None:
    for path in html_pages(site):
        doc = page(site, path)
        crumbs = doc.find("nav", cls="breadcrumbs")
        assert crumbs is not None, f"/{path} has no breadcrumbs"
        assert crumbs.find_all("li")[-1].find(aria_current="page") is not None, path
        form = doc.find("form", cls="search-box")
        assert resolve(site, path, form.get("action")) == site / "search" / "index.html", path
        assert form.find("input", name="q") is not None


def test_every_link_and_image_on_every_page_exists(site: Path) -> None:
    for path in html_pages(site):
        if path == "404.html":
            continue   # served at any depth: see test_not_found_page_works_at_any_depth
        doc = page(site, path)
        for e in doc.iter():
            for attr in ("href", "src"):
                link = e.attrs.get(attr)
                if not link or link.startswith(("#", "https:", "http:", "mailto:", "data:")):
                    continue
                assert resolve(site, path, link).is_file(), f"/{path}: {attr}={link} is broken"
            for part in e.get("srcset").split(","):
                if part.strip():
                    assert resolve(site, path, part.split()[0]).is_file(), f"/{path}: srcset {part}"


def _chain(site: Path, start: str, rel: str) -> list[str]:
    seen, path = [start], start
    while True:
        link = page(site, path).find("nav", cls="prev-next").find("a", rel=rel)
        if link is None:
            return seen
        target = resolve(site, path, link.get("href"))
        path = target.parent.relative_to(site).as_posix() + "/"
        assert path not in seen, "prev/next loops"
        seen.append(path)


def test_previous_and_next_walk_every_article_and_photo(site: Path) -> None:
    articles = [p for p in html_pages(site) if re.fullmatch(r"\d{4}/\d\d/\d\d/[^/]+/", p)]
    # The newest story has no "next"; from it, "prev" walks every story once.
    newest = [p for p in articles if page(site, p).find("nav", cls="prev-next").find("a", rel="next") is None]
    assert len(newest) == 1
    assert sorted(_chain(site, newest[0], "prev")) == sorted(articles)
    photos = [p for p in html_pages(site) if re.fullmatch(r"photos/[^/]+/", p) and "/page/" not in p]
    first_photo = page(site, "photos/").find("ul", cls="photo-grid").find("a").get("href")
    start = resolve(site, "photos/", first_photo).parent.relative_to(site).as_posix() + "/"
    assert sorted(_chain(site, start, "prev")) == sorted(photos)


def test_related_stories_share_a_street_or_reporter_newest_first(site: Path) -> None:
    doc = page(site, "2022/02/20/pingdi-support/")
    related = doc.find("section", cls="related")
    items = related.find_all("li", cls="article-item")
    assert items
    times = [li.find("time").get("datetime") for li in items]
    assert times == sorted(times, reverse=True)
    own = _terms(site, "2022/02/20/pingdi-support/")
    assert own
    for li in items:
        target = resolve(site, "2022/02/20/pingdi-support/", li.find("a").get("href"))
        assert _terms(site, target.parent.relative_to(site).as_posix() + "/") & own, li.text


def _terms(site: Path, path: str) -> set[Path]:
    """The street, reporter and tag pages a story's own text links to."""
    story = page(site, path).find("article", cls="story")
    found = {resolve(site, path, a.get("href")) for a in story.find_all("a") if a.get("href")}
    return {f for f in found if f.parent.parent.name in ("streets", "reporters", "tags")}


def _numbers(nav: Element) -> list[str]:
    return [e.text.strip() for e in nav.find_all() if e.tag in ("a", "span") and e.text.strip().isdigit()]


def test_numbered_pagination_with_newest_and_oldest(site: Path) -> None:
    """Seven stories, two a page: page 1 holds the two oldest, page 2 the next two, the home
    page the three newest; the pager goes newest first (最新, 2, 1)."""
    home = page(site, "").find("nav", cls="pagination")
    assert _numbers(home) == ["2", "1"] and home.find("span", aria_current="page").text == "最新"
    assert resolve(site, "", home.find("a", rel="next").get("href")) == site / "page" / "2" / "index.html"
    nav = page(site, "page/2/").find("nav", cls="pagination")
    assert _numbers(nav) == ["2", "1"]
    assert nav.find("span", aria_current="page").text == "2"
    assert resolve(site, "page/2/", nav.find("a", cls="first").get("href")) == site / "index.html"
    assert resolve(site, "page/2/", nav.find("a", rel="prev").get("href")) == site / "index.html"
    assert resolve(site, "page/2/", nav.find("a", rel="next").get("href")) == site / "page" / "1" / "index.html"
    assert resolve(site, "page/2/", nav.find("a", cls="last").get("href")) == site / "page" / "1" / "index.html"
    oldest = page(site, "page/1/").find("nav", cls="pagination")
    assert oldest.find("a", rel="next") is None and oldest.find("a", rel="prev") is not None
    assert not (site / "page" / "3").exists()
    street = page(site, "streets/bantian/page/1/").find("nav", cls="pagination")
    assert street.find("span", aria_current="page").text == "1"


def test_street_page_shows_photos_and_reporters(site: Path) -> None:
    doc = page(site, "streets/bantian/")
    assert len(doc.find("ul", cls="photo-grid").find_all("img")) >= 4
    people = [a.text for a in doc.find("p", cls="people").find_all("a")]
    assert "张鹏" in people and "陈涛" in people


def test_reporter_page_shows_articles_and_photos_taken(site: Path) -> None:
    doc = page(site, "reporters/zhang-peng/")
    titles = [h.text.strip() for h in doc.find_all(cls="item-title")]
    assert "超2000人次机关党员干部火速下沉抗疫一线" in titles
    photos = doc.find("ul", cls="photo-grid").find_all("li")
    assert any("连夜进行核酸检测" in li.text for li in photos), "photos credited to 张鹏"
    assert "拍摄的图片" in doc.text


def test_date_archive_shows_years_and_months_with_counts(site: Path) -> None:
    doc = page(site, "archive/")
    stories = len(list(site.glob("2022/02/[0-9][0-9]/*/index.html")))     # the sample's, all of February 2022
    block = doc.find("section", cls="year-block")
    assert "2022年" in block.text and f"{stories} 篇" in block.text
    month = block.find("ul", cls="months").find("li")
    assert month.text.split() == ["2月", str(stories), "篇"]
    assert resolve(site, "archive/", month.find("a").get("href")) == site / "2022" / "02" / "index.html"


def test_skip_link_and_landmarks_on_every_page(site: Path) -> None:
    for path in html_pages(site):
        doc = page(site, path)
        skip = doc.find("a", cls="skip")
        assert skip is not None and skip.get("href") == "#main" and doc.find("main", id="main") is not None
        assert doc.find("header") is not None and doc.find("footer") is not None
        levels = [int(e.tag[1]) for e in doc.find("main").iter() if re.fullmatch(r"h[1-6]", e.tag)]
        assert levels and levels[0] == 1 and levels.count(1) == 1, f"/{path}: one h1 first"
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), f"/{path}: heading skips {levels}"
        for img in doc.find_all("img"):
            assert "alt" in img.attrs, f"/{path}: image without alt"


def test_images_carry_their_size(site: Path) -> None:
    """width and height reserve the photo's box before it loads: they must have its shape."""
    path = "2022/02/21/party-volunteers/"
    imgs = parse((site / path / "index.html").read_bytes()).find_all("img")
    assert imgs
    for img in imgs:
        with Image.open(resolve(site, path, img.get("src"))) as file:
            w, h = file.size
        assert abs(int(img.get("width")) / int(img.get("height")) - w / h) < 0.01, img.get("src")


def test_not_found_page_works_at_any_depth(site: Path) -> None:
    """Hosts serve 404.html for any missing URL, and the site may be under any folder: no <base>
    from base_url (its links are re-aimed in the browser: tests/browser/test_reader_defects.py)."""
    doc = page(site, "404.html")
    assert doc.find("base") is None
    assert doc.find("link", rel="stylesheet").get("href") == "static/style.css"
    assert doc.find("link", rel="canonical") is None
