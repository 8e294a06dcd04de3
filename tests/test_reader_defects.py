"""What a reader of the built sample notices without a browser: no feed offered that has no
entries, and a photo's credit that reads the same in the feeds as on the pages."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from bs4 import BeautifulSoup

ATOM = "{http://www.w3.org/2005/Atom}"


def soup(file: Path) -> BeautifulSoup:
    return BeautifulSoup(file.read_bytes(), "html.parser")


def html_pages(site: Path) -> list[Path]:
    return [p for p in site.rglob("*.html") if "pagefind" not in p.parts]


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_every_feed_offered_has_entries(sample_site: Path) -> None:
    """A 订阅 link or <link rel=alternate> leads to a feed with at least one entry."""
    offered: set[Path] = set()
    for file in html_pages(sample_site):
        doc = soup(file)
        for el in doc.select('link[rel="alternate"][type="application/atom+xml"], a.feed-link'):
            offered.add((file.parent / el["href"]).resolve())
    assert offered
    empty = [f for f in offered if not ET.parse(f).getroot().findall(f"{ATOM}entry")]
    assert not empty, f"feeds offered without entries: {empty}"


def test_photographer_without_stories_gets_no_feed(sample_site: Path) -> None:
    """王丰 only took photos: his page lists them and offers no (empty) feed. (The feed is
    there, empty, for his first story: a term's feed keeps answering when its last story is
    withdrawn, but is offered only with entries.)"""
    page = sample_site / "reporters" / "wang-feng" / "index.html"
    doc = soup(page)
    assert doc.select(".photo-grid li"), "his photos are on his page"
    assert not doc.select("a.feed-link, link[type='application/atom+xml'][title='王丰']")
    assert not ET.parse(page.parent / "feed.xml").getroot().findall(f"{ATOM}entry")


def test_credits_read_the_same_in_feeds_and_pages(sample_site: Path) -> None:
    """Each photo's caption and credit in a feed entry are the words under it on the article's page."""
    base = "https://news.example.org/"
    entries = ET.parse(sample_site / "feed.xml").getroot().findall(f"{ATOM}entry")
    compared = 0
    for entry in entries:
        url = entry.find(f"{ATOM}link").get("href")
        article = sample_site / url.removeprefix(base) / "index.html"
        on_page = [words(f.get_text()) for f in soup(article).select("article.story figure figcaption")]
        content = BeautifulSoup(entry.find(f"{ATOM}content").text, "html.parser")
        in_feed = [words(f.get_text()) for f in content.select("figure figcaption")]
        assert in_feed == on_page, url
        compared += len(on_page)
    assert compared


def test_photo_page_says_who_took_it_once(sample_site: Path) -> None:
    """摄影 首席记者 张鹏, not 摄影 首席记者 张鹏 摄: the label already says 摄."""
    checked = 0
    for file in (sample_site / "photos").glob("*/index.html"):
        doc = soup(file)
        for dt in doc.select(".photo-facts dt"):
            dd = dt.find_next_sibling("dd")
            if dt.get_text() == "摄影":
                assert "摄" not in dd.get_text(), f"{file}: {words(dt.get_text() + ' ' + dd.get_text())}"
                link = dd.find("a")
                assert link and "reporters/" in link["href"]
                checked += 1
    assert checked
