"""Corrections in the open (更正) and withdrawn stories, as readers and machines see them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from living_archive import build, edit, make, page

ATOM = "{http://www.w3.org/2005/Atom}"
CORRECTIONS = """corrections:
  - {date: 2022-02-22, text: 卡口位置应为南湾街道与坂田街道交界处。}
  - date: 2022-02-25 10:00
    text: 值守人数为22人，不是12人<b>。
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make(tmp_path / "archive")


def feed_entry(feed: Path, title: str) -> ET.Element:
    entries = ET.parse(feed).getroot().findall(f"{ATOM}entry")
    return next(e for e in entries if e.findtext(f"{ATOM}title") == title)


def test_corrections_are_shown_dated_newest_first_and_everywhere_the_story_is(root: Path) -> None:
    edit(root, "2022/02/checkpoint.md", "title:", CORRECTIONS + "title:")
    assert build(root) == 0
    site = root / "site"
    soup = page(site, "2022/02/21/checkpoint/")
    box = soup.select_one(".story .corrections")
    assert box.h2.get_text() == "更正"
    items = box.find_all("li")
    assert [li.time["datetime"][:10] for li in items] == ["2022-02-25", "2022-02-22"]
    assert items[0].get_text().endswith("值守人数为22人，不是12人<b>。")     # text, not markup
    assert box.find_next_sibling(class_="story-body") is not None            # above the body
    data = json.loads(soup.find("script", type="application/ld+json").string)
    assert data["dateModified"].startswith("2022-02-25T10:00")
    assert [(c["@type"], c["datePublished"][:10]) for c in data["correction"]] == [
        ("CorrectionComment", "2022-02-25"), ("CorrectionComment", "2022-02-22")]
    for feed in (site / "feed.xml", site / "streets/nan-wan-jie-dao/feed.xml", site / "reporters/zhang-peng/feed.xml"):
        assert feed_entry(feed, "夜间卡口守护出行").findtext(f"{ATOM}updated").startswith("2022-02-25T10:00")
    listing = page(site, "corrections/")
    rows = listing.select(".correction-list > li")
    assert [r.time["datetime"][:10] for r in rows] == ["2022-02-25", "2022-02-22"]
    assert rows[0].a["href"] == "../2022/02/21/checkpoint/"
    assert listing.find("a", string="更正") is not None                          # linked from every page
    entries = ET.parse(site / "corrections/feed.xml").getroot().findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}updated")[:10] for e in entries] == ["2022-02-25", "2022-02-22"]
    assert entries[0].findtext(f"{ATOM}summary") == "值守人数为22人，不是12人<b>。"


def test_each_correction_has_its_own_feed_entry_that_leads_to_it(root: Path) -> None:
    # Two the same day: a feed reader keeps one entry per id, so the second was lost
    edit(root, "2022/02/checkpoint.md", "title:", CORRECTIONS + "  - {date: 2022-02-25 18:00, text: 第二处更正。}\n"
         "  - {date: 2022-02-25 10:00, text: 同一时刻的另一处更正。}\ntitle:")
    assert build(root) == 0
    site = root / "site"
    story = page(site, "2022/02/21/checkpoint/")
    entries = ET.parse(site / "corrections/feed.xml").getroot().findall(f"{ATOM}entry")
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(ids) == 4 and len(set(ids)) == 4
    for entry in entries:
        link = entry.find(f"{ATOM}link").get("href")
        assert link == entry.findtext(f"{ATOM}id")
        box = story.find(id=link.split("#")[1])
        assert box is not None and box.get_text().endswith(entry.findtext(f"{ATOM}summary")), link


@pytest.mark.parametrize(("given", "expected"), [
    ("corrections:\n  - {date: 2022-02-20, text: 早于报道}\n",
     "content/articles/2022/02/checkpoint.md:3: error: correction dated 2022-02-20, before the article itself "
     "(2022-02-21)"),
    ("corrections:\n  - {date: 2022-02-23}\n",
     "content/articles/2022/02/checkpoint.md:3: error: a correction needs its 'text'"),
    ("withdrawn: {date: 2022-03-01}\n",
     "content/articles/2022/02/checkpoint.md:2: error: 'withdrawn' needs a 'reason'"),
])
def test_a_bad_correction_or_withdrawal_is_an_error_with_its_line(root: Path, capsys, given, expected) -> None:
    edit(root, "2022/02/checkpoint.md", "title:", given + "title:")
    assert build(root) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if ": error: " in line]
    assert len(errors) == 1 and errors[0].startswith(expected)


def test_a_withdrawn_story_keeps_its_address_with_a_notice_and_leaves_every_list(root: Path) -> None:
    assert build(root) == 0
    site = root / "site"
    assert "菜市场恢复营业" in (site / "streets/bantian/index.html").read_text(encoding="utf-8")
    edit(root, "2022/03/market.md", "title:", "withdrawn: {date: 2022-03-05, reason: 报道所涉事实有误。}\ntitle:")
    assert build(root) == 0
    soup = page(site, "2022/03/02/market/")
    assert soup.h1.get_text(strip=True) == "菜市场恢复营业"
    assert "报道所涉事实有误。" in soup.select_one(".notice").get_text()
    assert soup.select_one(".story time")["datetime"].startswith("2022-03-02")
    assert "摊主陆续回来" not in soup.get_text()                                 # the body is gone
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert soup.find(attrs={"data-pagefind-body": True}) is None                # not in the search index
    for listing in ("", "streets/bantian/", "reporters/zhang-peng/", "2022/", "archive/", "corrections/"):
        assert "菜市场恢复营业" not in page(site, listing).select_one("main").get_text(), listing
    assert page(site, "2022/03/") is None          # its month had no other story
    for feed in ("feed.xml", "streets/bantian/feed.xml", "sitemap.xml"):
        text = (site / feed).read_text(encoding="utf-8")
        assert "菜市场恢复营业" not in text and "2022/03/02/market/" not in text, feed
    shards_file = site / "pagefind" / "shards.json"
    if shards_file.is_file():   # the search finds the two live stories only (what it hides aside)
        shards = json.loads(shards_file.read_text(encoding="utf-8"))
        names = shards["shards"] + ([shards["recent"]] if "recent" in shards else [])
        count = sum(language["page_count"] for name in names for language in json.loads(
            (site / "pagefind" / name / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"].values())
        assert count - len(shards["superseded"]) == 2


def test_the_sample_archive_shows_a_correction(sample_site: Path) -> None:
    rows = page(sample_site, "corrections/").select(".correction-list > li")
    assert rows and all(r.a and r.time for r in rows)
    story = page(sample_site, rows[0].a["href"].removeprefix("../"))
    assert story.select_one(".corrections li") is not None
