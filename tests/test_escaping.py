"""Every value from front matter, sidecars and registries is text in pages and feeds; raw HTML is sanitised."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from newsroom.cli import main
from newsroom.markup import Renderer

REPO = Path(__file__).resolve().parent.parent
NOT_FOUND_TEMPLATE = REPO / "templates" / "404.html"
XSS = "<script>alert(1)</script>"
ATTR = "\"><img src=x onerror=alert(2)>"
ATOM = "{http://www.w3.org/2005/Atom}"

BODY = f"""第一段{XSS}文字[^1]。

<p onclick="alert(3)">点击<a href="javascript:alert(4)">链接</a><a href="https://example.org/" onmouseover="alert(5)">好链接</a></p>

<iframe src="https://evil.example/embed"></iframe>

<iframe src="https://player.bilibili.com/player.html?bvid=BV1" title="视频" width="640" height="360"></iframe>

| 街道 | 人数 |
|---|---|
| 坂田 | 300 |

[^1]: 脚注。
"""


def hostile_archive(root: Path, raw_html: str = "sanitize") -> Path:
    root.mkdir()
    (root / "site.yaml").write_text(
        f"title: '站点{XSS}'\ndescription: '描述{ATTR}'\norganization: '<b>机构</b>&amp;'\n"
        f"base_url: https://news.example.org/\nmarkdown: {{raw_html: {raw_html}}}\n", encoding="utf-8")
    (root / "streets.yaml").write_text(
        f"- {{name: 坂田街道, slug: bantian, description: '简介{XSS}', aliases: ['<i>坂田</i>']}}\n", encoding="utf-8")
    (root / "reporters.yaml").write_text(
        f"- {{name: 张鹏, slug: zhang-peng, role: '记者{ATTR}'}}\n", encoding="utf-8")
    folder = root / "content/articles/2022/02"
    folder.mkdir(parents=True)
    (folder / "a.md").write_text(
        f"---\ntitle: '{XSS}'\ndate: 2022-02-21\nreporter: [{{name: 张鹏, role: '<em>首席</em>'}}]\n"
        f"street: '<i>坂田</i>'\ntags: ['{XSS}', 'a&b']\nsummary: '摘要{ATTR}'\n"
        f"photos: [{{file: p.jpg, caption: '图注{XSS}'}}]\n---\n{BODY}", encoding="utf-8")
    (root / "photos").mkdir()
    shutil.copy(REPO / "photos/2022/02/warm-soup.jpg", root / "photos/p.jpg")
    (root / "photos/p.yaml").write_text(f"caption: '说明{ATTR}'\ncredit: '<b>街道</b>供图'\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = hostile_archive(tmp_path_factory.mktemp("xss") / "archive")
    assert main(["--root", str(root), "-q", "-j", "1"]) == 0
    return root / "site"


def pages(site: Path) -> dict[str, BeautifulSoup]:
    return {p.relative_to(site).as_posix(): BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
            for p in sorted(site.rglob("*.html"))}


def test_no_page_has_injected_markup(site: Path) -> None:
    for name, soup in pages(site).items():
        for script in soup.find_all("script"):
            # Ours only: structured data (its JSON escapes every '<'), the search page's script
            # and the not-found page's own, as the template writes it.
            if script.get("type") == "application/ld+json":
                assert "<" not in script.string and json.loads(script.string), name
            elif name == "404.html" and not script.get("src"):
                assert script.string.strip() in NOT_FOUND_TEMPLATE.read_text(encoding="utf-8"), name
            else:
                assert name == "search/index.html" and script["src"].endswith("static/search.js"), (name, script)
        assert soup.find("img", src="x") is None, name
        for tag in soup.find_all(True):
            assert not [a for a in tag.attrs if a.startswith("on")], (name, tag)
            assert not str(tag.get("href", "")).lower().startswith("javascript:"), (name, tag)
        assert soup.find("b", string="机构") is None and soup.find("i", string="坂田") is None, name


def test_values_show_as_text(site: Path) -> None:
    soup = BeautifulSoup((site / "2022/02/21/a/index.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.h1.get_text() == XSS
    assert soup.title.get_text() == f"{XSS} · 站点{XSS}"
    assert soup.find("meta", attrs={"name": "description"})["content"] == f"摘要{ATTR}"
    assert soup.select_one(".lead-photo figcaption").get_text(" ", strip=True).startswith(f"图注{XSS}")
    assert soup.select_one(".byline .role").get_text() == "<em>首席</em>"
    assert [a.get_text() for a in soup.select(".tags a")] == [XSS, "a&b"]
    assert "<b>机构</b>&amp;" in soup.select_one(".site-footer").get_text()
    street = BeautifulSoup((site / "streets/bantian/index.html").read_text(encoding="utf-8"), "html.parser")
    assert street.select_one(".lede").get_text() == f"简介{XSS}"
    photo = BeautifulSoup((site / "photos/p/index.html").read_text(encoding="utf-8"), "html.parser")
    assert photo.h1.get_text() == f"说明{ATTR}"
    assert photo.select_one(".photo-facts dd").get_text(strip=True) == "<b>街道</b>供图"
    assert photo.img["alt"] == f"说明{ATTR}"


def test_feeds_carry_values_as_text(site: Path) -> None:
    for feed in sorted(site.rglob("feed.xml")):
        if feed.parent.name == "corrections":    # entries are corrections (tests/test_corrections.py)
            continue
        root = ET.parse(feed).getroot()          # well-formed, or this raises
        entries = root.findall(f"{ATOM}entry")
        assert [e.findtext(f"{ATOM}title") for e in entries] == [XSS], feed
        assert entries[0].findtext(f"{ATOM}summary") == f"摘要{ATTR}"
        assert root.findtext(f"{ATOM}title").endswith(f"站点{XSS}")
        content = BeautifulSoup(entries[0].findtext(f"{ATOM}content"), "html.parser")
        assert content.find("script") is None and content.find("p").get_text().startswith("第一段文字")


def test_raw_html_sanitised_but_markdown_features_kept(site: Path) -> None:
    soup = BeautifulSoup((site / "2022/02/21/a/index.html").read_text(encoding="utf-8"), "html.parser")
    body = soup.select_one(".story-body")
    assert body.find("script") is None
    assert "alert(1)" not in body.get_text()                    # script content dropped, not shown
    assert [a.get("href") for a in body.find_all("a", string=["链接", "好链接"])] == [None, "https://example.org/"]
    assert [f["src"] for f in body.find_all("iframe")] == ["https://player.bilibili.com/player.html?bvid=BV1"]
    assert body.find("table").find("td").get_text() == "坂田"
    ref = body.select_one("sup a.footnote-ref")
    assert body.find(id=ref["href"][1:]) is not None               # footnote link and target survive


def test_raw_html_allow_trusts_the_editor(tmp_path: Path) -> None:
    root = hostile_archive(tmp_path / "archive", raw_html="allow")
    assert main(["--root", str(root), "-q", "-j", "1"]) == 0
    soup = BeautifulSoup((root / "site/2022/02/21/a/index.html").read_text(encoding="utf-8"), "html.parser")
    body = soup.select_one(".story-body")
    assert body.find("script").get_text() == "alert(1)"
    assert body.find("p", onclick="alert(3)") is not None
    assert len(body.find_all("iframe")) == 2
    assert soup.h1.get_text() == XSS                                # front matter is still text


@pytest.mark.parametrize(("src", "kept"), [
    ("https://www.youtube-nocookie.com/embed/x", True),
    ("https://player.vimeo.com/video/1", True),
    ("http://www.youtube.com/embed/x", False),                     # not https
    ("https://www.youtube.com.evil.org/embed/x", False),
    ("https://evil.org/?www.youtube.com", False),
    ("javascript:alert(1)", False),
    ("//www.youtube.com/embed/x", False),
])
def test_embed_hosts(src: str, kept: bool) -> None:
    html, _ = Renderer().render(f'<iframe src="{src}"></iframe>\n\n正文')
    assert ("<iframe" in html) == kept, html
    assert "正文" in html


def test_embed_hosts_from_site_yaml(tmp_path: Path, capsys) -> None:
    root = hostile_archive(tmp_path / "archive")
    site_yaml = root / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace(
        "markdown: {raw_html: sanitize}", "markdown: {embed_hosts: [evil.example]}"), encoding="utf-8")
    assert main(["--root", str(root), "-q", "-j", "1"]) == 0
    soup = BeautifulSoup((root / "site/2022/02/21/a/index.html").read_text(encoding="utf-8"), "html.parser")
    assert [f["src"] for f in soup.select(".story-body iframe")] == ["https://evil.example/embed"]
    site_yaml.write_text("markdown: {raw_html: yes-please, embed_hosts: youtube}\n", encoding="utf-8")
    assert main(["check", "--root", str(root), "-q"]) == 1
    err = capsys.readouterr().err
    assert "site.yaml:1: error: 'markdown.raw_html' must be sanitize or allow, not 'yes-please'" in err
    assert "site.yaml:1: error: 'markdown.embed_hosts' must be a list of host names (www.youtube.com …)" in err


def test_table_alignment_survives_as_valid_html() -> None:
    """Alignment is kept as style="text-align" (align="…" is obsolete HTML); no other style gets through."""
    html, _ = Renderer().render('| a | b |\n|:-:|--:|\n| 1 | 2 |\n\n<p style="position:fixed;text-align:right">x</p>')
    assert '<th style="text-align:center">a</th>' in html and '<td style="text-align:right">2</td>' in html
    assert "align=" not in html.replace("text-align", "") and "position" not in html
