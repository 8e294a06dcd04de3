"""Streets, reporters and tags are one taxonomy mechanism configured in site.yaml:
a new taxonomy or a new URL folder needs no code."""

from __future__ import annotations

from pathlib import Path

from conftest import copy_site
from html_dom import load, resolve

from newsroom.cli import main


def test_a_new_taxonomy_and_a_moved_one_come_from_site_yaml(tmp_path: Path) -> None:
    root = copy_site("basic", tmp_path)
    site_yaml = root / "site.yaml"
    text = site_yaml.read_text(encoding="utf-8")
    text = text.replace("path: streets,", "path: jiedao,")
    text += "  - {key: community, title: 社区, path: communities}\n"
    site_yaml.write_text(text, encoding="utf-8")
    article = root / "content/articles/2022/02/henggang.md"
    article.write_text(article.read_text(encoding="utf-8").replace("tags:", "community: [马安堂社区]\ntags:", 1),
                       encoding="utf-8")
    assert main(["--root", str(root), "-q"]) == 0

    site = root / "site"
    assert not (site / "streets").exists()
    assert (site / "jiedao/henggang/index.html").is_file()
    term = site / "communities/ma-an-tang-she-qu/index.html"
    doc = load(term)
    assert doc.find("h1").text == "马安堂社区"
    titles = [li.find(cls="item-title").text for li in doc.find_all("li", cls="article-item")]
    assert titles == ["横岗街道队员驰援兄弟街道"]
    assert (site / "communities/index.html").is_file() and (site / "communities/ma-an-tang-she-qu/feed.xml").is_file()
    # The article's street links follow the moved folder.
    page = site / "2022/02/19/henggang/index.html"
    link = load(page).find("p", cls="streets").find("a").get("href")
    assert resolve(site, page, link) == (site / "jiedao/henggang/index.html").resolve()
