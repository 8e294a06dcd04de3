"""Which taxonomy is the byline and which the section is declared in site.yaml (byline:,
section:); the default theme reads them, so an archive whose taxonomies are `district` and
`author` builds a site with bylines, sections, breadcrumbs and feeds like the sample's."""

from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup
from html_dom import resolve

from newsroom import config
from newsroom.cli import main

SITE = """title: 区县档案
base_url: https://example.org/
search: false
byline: author
section: district
taxonomies:
  - {key: district, title: 区县, path: districts, registry: districts.yaml}
  - {key: author, title: 作者, path: authors, registry: authors.yaml}
"""
ARTICLE = """---
title: {title}
date: 2022-03-0{day}T09:00:00
editor: 李明
district: {district}
author: [{{name: {author}, role: 特约记者}}]
---
{title}的正文。
"""


def load(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _archive(root: Path) -> Path:
    root.mkdir()
    (root / "site.yaml").write_text(SITE, encoding="utf-8")
    (root / "districts.yaml").write_text("- {name: 南山区, slug: nanshan}\n- {name: 福田区, slug: futian}\n",
                                         encoding="utf-8")
    (root / "authors.yaml").write_text("- {name: 李明, slug: li-ming, role: 记者}\n- {name: 王芳, slug: wang-fang}\n",
                                       encoding="utf-8")
    folder = root / "content" / "articles"
    folder.mkdir(parents=True)
    for day, (title, district, author) in enumerate([("南山新闻", "南山区", "李明"), ("福田新闻", "福田区", "王芳"),
                                                     ("南山又一篇", "南山区", "王芳")], 1):
        (folder / f"a{day}.md").write_text(ARTICLE.format(title=title, day=day, district=district, author=author),
                                           encoding="utf-8")
    return root


def test_an_archive_of_districts_and_authors_has_bylines_and_sections(tmp_path: Path) -> None:
    root = _archive(tmp_path / "archive")
    assert main(["--root", str(root), "-q"]) == 0
    site = root / "site"
    page = site / "2022/03/01/a1/index.html"
    doc = load(page)
    byline = doc.find("p", class_="byline")
    author = byline.find("a", rel="author")
    assert author.text == "李明" and byline.find(class_="role").text == "特约记者"
    assert resolve(site, page, author["href"]) == (site / "authors/li-ming/index.html").resolve()
    chip = doc.find("p", class_="streets").find("a")
    assert chip.text == "南山区" and resolve(site, page, chip["href"]) == (site / "districts/nanshan/index.html").resolve()
    crumbs = [a.text for a in doc.find("nav", class_="breadcrumbs").find_all("a")]
    assert crumbs[-1] == "南山区"
    assert doc.find("meta", property="article:section")["content"] == "南山区"
    ld = [json.loads(s.string) for s in doc.find_all("script", type="application/ld+json")]
    story = next(d for d in ld if d.get("@type") == "NewsArticle")
    assert [a["name"] for a in story["author"]] == ["李明"] and story["articleSection"] == ["南山区"]
    # A district's page lists its authors; a list item names its district.
    district = load(site / "districts/nanshan/index.html")
    assert {a.text for a in district.find("p", class_="people").find_all("a")} == {"李明", "王芳"}
    author = load(site / "authors/wang-fang/index.html")
    meta = {li.find(class_="item-title").text: li.find("p", class_="meta").text
            for li in author.find_all("li", class_="article-item")}
    assert "福田区" in meta["福田新闻"]
    assert "<name>王芳</name>" in (site / "feed.xml").read_text(encoding="utf-8")
    # The front page's lead names its district; 责任编辑 links to the author's page
    lead = load(site / "index.html").find(class_="lead-story")
    assert "南山区" in lead.find("p", class_="meta").get_text()
    editor = next(a for a in doc.find("p", class_="story-foot").find_all("a") if a.text == "李明")
    assert resolve(site, page, editor["href"]) == (site / "authors/li-ming/index.html").resolve()


def test_a_role_must_name_a_taxonomy(tmp_path: Path) -> None:
    root = _archive(tmp_path / "archive")
    (root / "site.yaml").write_text(SITE.replace("section: district", "section: street"), encoding="utf-8")
    _, problems = config.load(root)
    assert [(p.path, p.line) for p in problems] == [("site.yaml", 5)]
    assert "'section: street' is not one of the taxonomies (author, district)" in problems[0].message
