"""The sample archive builds, and every kind of page shows what its files say.

Counts come from the archive's own files, so adding a story to content/ keeps this green.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from html_dom import load

from newsroom.cli import main


def front_matter(file: Path) -> dict:
    return yaml.safe_load(file.read_text(encoding="utf-8").split("---\n")[1])


def published(root: Path) -> list[dict]:
    stories = [front_matter(f) for f in sorted((root / "content").rglob("*.md"))]
    return [s for s in stories if not s.get("draft")]


def names(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value] if value else []
    return [item["name"] if isinstance(item, dict) else str(item) for item in items]


def test_sample_archive_builds_every_kind_of_page(sample_root: Path, capsys) -> None:
    assert main(["--root", str(sample_root)]) == 0
    site = sample_root / "site"
    stories = published(sample_root)
    photos = sorted((sample_root / "photos").rglob("*.yaml"))

    article_pages = sorted(site.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/*/index.html"))
    headlines = {load(p).find("article", cls="story").find("h1").text.strip() for p in article_pages}
    assert headlines == {s["title"] for s in stories}, "one page per published story, under its headline"
    photo_pages = [p for p in site.glob("photos/*/index.html")]
    assert len(photo_pages) == len(photos)
    assert f"{len(stories)} articles, {len(photos)} photos" in capsys.readouterr().out

    home = load(site / "index.html").text
    newest = max(stories, key=lambda s: str(s["date"]))
    assert newest["title"] in home, "the home page leads with the newest stories"

    street_stories = [s for s in stories if "坂田街道" in names(s.get("street"))]
    bantian = load(site / "streets/bantian/index.html")
    assert bantian.find("h1").text.startswith("坂田街道")
    assert street_stories and all(s["title"] in bantian.text for s in street_stories)
    assert not [s for s in stories if s not in street_stories and s["title"] in bantian.text], "only its own"

    zhang = load(site / "reporters/zhang-peng/index.html")
    assert all(s["title"] in zhang.text for s in stories if "张鹏" in names(s.get("reporter")))

    month = load(site / "2022/02/index.html").text
    assert all(s["title"] in month for s in stories if str(s["date"]).startswith("2022-02"))
    captions = [yaml.safe_load(p.read_text(encoding="utf-8"))["caption"] for p in photos]
    assert all(c.strip()[:10] in load(site / "photos/index.html").text for c in captions)

    assert load(site / "404.html").find("h1").text.strip()
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert feed.count("<entry>") == min(20, len(stories))
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert len(re.findall(r"<loc>(?![^<]*/editions/)[^<]+/\d{4}/\d{2}/\d{2}/[^<]+/</loc>", sitemap)) == len(stories)
