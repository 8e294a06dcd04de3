"""Every link in the built sample archive is relative and leads to a file of the site,
so the archive works on any static host, at the root or under any sub-path."""

from __future__ import annotations

import re
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import copy_sample, static_server
from html_dom import load, origin, parse, resolve, urls

BASE_URL = "https://news.example.org/"   # the sample's site.yaml: only canonical links may use it


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def ids(file: Path, cache: dict[Path, set[str]]) -> set[str]:
    if file not in cache:
        cache[file] = {el.get("id") for el in load(file).iter() if el.get("id")}
    return cache[file]


def test_every_href_src_and_srcset_is_relative_and_resolves(sample_site: Path) -> None:
    pages = html_pages(sample_site)
    assert len(pages) > 40
    anchors: dict[Path, set[str]] = {}
    checked = 0
    for page in pages:
        doc = load(page)
        canonical = {el.get("href") for el in doc.find_all("link", rel="canonical")}
        start = origin(sample_site, page, doc)
        for attr, url in urls(doc):
            parts = urlsplit(url)
            if parts.scheme:
                # Off-site links are fine; a link to this very site must not be absolute.
                assert url in canonical or not url.startswith(BASE_URL), f"{page}: {attr} {url}"
                continue
            assert url, f"{page}: empty {attr}"
            target = resolve(sample_site, start, url)
            assert target.is_file(), f"{page}: {attr} {url!r} -> missing {target}"
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in ids(target, anchors), f"{page}: no #{parts.fragment} in {target}"
            checked += 1
    assert checked > 1000


def test_stylesheet_urls_resolve(sample_site: Path) -> None:
    for css in sample_site.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8")):
            if not url.startswith(("data:", "#")):
                assert (css.parent / url).resolve().is_file(), f"{css}: url({url})"


def test_every_page_is_linked_from_somewhere(sample_site: Path) -> None:
    linked: set[Path] = set()
    for page in html_pages(sample_site):
        doc = load(page)
        for _, url in urls(doc):
            if not urlsplit(url).scheme:
                linked.add(resolve(sample_site, origin(sample_site, page, doc), url))
    orphans = [p for p in html_pages(sample_site) if p.resolve() not in linked and p.name != "404.html"]
    assert orphans == []


# --- served over HTTP under a sub-path ---------------------------------------------------

@pytest.fixture
def served_under_subpath(sample_site: Path, tmp_path: Path) -> Iterator[str]:
    """The site copied to /archive/2022/ of a real HTTP server on 127.0.0.1."""
    www = tmp_path / "www"
    shutil.copytree(sample_site, www / "archive" / "2022")
    with static_server(www) as url:
        yield url + "archive/2022/"


def test_a_reader_can_reach_every_page_under_a_subpath(served_under_subpath: str, sample_site: Path) -> None:
    start = served_under_subpath
    seen: set[str] = set()
    queue = [start]
    fetched_media = 0
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                body = response.read()
                kind = response.headers.get_content_type()
        except HTTPError as exc:
            pytest.fail(f"{url}: HTTP {exc.code}")
        assert url.startswith(start), url
        if kind != "text/html":
            fetched_media += url.endswith((".jpg", ".webp"))
            continue
        for _, link in urls(parse(body.decode("utf-8"))):
            absolute = urljoin(url, link).split("#")[0]
            if urlsplit(absolute).netloc == urlsplit(start).netloc and absolute not in seen:
                queue.append(absolute)
    pages = {p.relative_to(sample_site).as_posix() for p in html_pages(sample_site)} - {"404.html"}
    reached = {urlsplit(u).path[len(urlsplit(start).path):] for u in seen}
    reached = {p + "index.html" if p == "" or p.endswith("/") else p for p in reached}
    assert pages <= reached
    assert fetched_media > 0


def test_file_urls_build_links_name_their_files(tmp_path: Path) -> None:
    """With --file-urls every page link names index.html, so the site can be read from disk."""
    from conftest import copy_site

    from newsroom.cli import main

    root = copy_site("basic", tmp_path)
    assert main(["--root", str(root), "--file-urls", "-q"]) == 0
    site = root / "site"
    for page in html_pages(site):
        for attr, url in urls(load(page)):
            path = urlsplit(url).path
            if urlsplit(url).scheme or not path:
                continue
            assert not path.endswith("/") and path != ".", f"{page}: {attr} {url!r} names a folder"
            assert resolve(site, page, url).is_file(), f"{page}: {attr} {url!r}"


def test_every_page_is_chinese_with_one_stylesheet(sample_site: Path) -> None:
    for page in html_pages(sample_site):
        doc = load(page)
        assert doc.find("html").get("lang") == "zh-CN", page
        sheets = doc.find_all("link", rel="stylesheet")
        assert len(sheets) == 1, page
        assert resolve(sample_site, page, sheets[0].get("href")).name == "style.css"
        nav = [a.text for a in doc.find("header", cls="masthead").find("nav").find_all("a")]
        assert nav == ["首页", "街道", "记者", "图片", "往期", "数字报"], page


def test_an_image_in_a_body_by_a_site_path_is_made_relative_like_a_link(tmp_path: Path) -> None:
    # Written as given, /static/favicon.svg led to the host's root: broken under a sub-path
    from newsroom.cli import main

    root = copy_sample(tmp_path)
    story = root / "content/articles/2022/02/henggang-support.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n![龙岗融媒](/static/favicon.svg)\n", encoding="utf-8")
    assert main(["--root", str(root), "-q"]) == 0
    page = root / "site/2022/02/20/henggang-support/index.html"
    doc = load(page)
    sources = [img.get("src") for img in doc.find_all("img") if img.get("alt") == "龙岗融媒"]
    assert sources == ["../../../../static/favicon.svg"]
    assert resolve(root / "site", origin(root / "site", page, doc), sources[0]).is_file()
