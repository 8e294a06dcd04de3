"""What search engines and link previews see: canonical, description, Open Graph, JSON-LD."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import copy_sample
from PIL import Image
from seo_html import json_ld, local_file, meta, page, parse

from newsroom import seo
from newsroom.cli import main

BASE = "https://news.example.org/"
HOSTILE = '关于</script><script>alert(1)</script><!--的报道'


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_sample(tmp_path_factory.mktemp("seo"))
    story = root / "content" / "articles" / "2022" / "02" / "pingdi-support.md"
    story.write_text(story.read_text(encoding="utf-8").replace("\ndate:", "\nupdated: 2022-02-23T08:00:00+08:00\ndate:", 1),
                     encoding="utf-8")
    (root / "content" / "articles" / "2022" / "02" / "hostile.md").write_text(
        f"---\ntitle: '{HOSTILE}'\ndate: 2022-01-05\nreporter: 张鹏\nstreet: 坂田街道\n"
        f"photos:\n  - {{file: 2022/02/night-testing.jpg, caption: '</script>图说'}}\n---\n正文。\n", encoding="utf-8")
    assert main(["--root", str(root), "-q"]) == 0
    return root / "site"


ARTICLE = "2022/02/21/party-volunteers/"
PHOTO = "photos/2022-02-night-testing/"


def test_article_has_canonical_description_and_share_tags(site: Path) -> None:
    doc = page(site, ARTICLE)
    canonical = doc.find("link", rel="canonical").get("href")
    assert canonical == BASE + ARTICLE
    description = meta(doc, "description")
    assert description.startswith("“02·17”疫情以来")
    assert meta(doc, "og:title") == meta(doc, "twitter:title") == "超2000人次机关党员干部火速下沉抗疫一线"
    assert meta(doc, "og:description") == meta(doc, "twitter:description") == description
    assert meta(doc, "og:url") == canonical and meta(doc, "og:type") == "article"
    assert meta(doc, "twitter:card") == "summary_large_image"
    image = meta(doc, "og:image")
    assert image == meta(doc, "twitter:image") and image.startswith(BASE)
    with Image.open(local_file(site, BASE, image)) as img:   # the first photo, as a JPEG crawlers read
        assert img.format == "JPEG"
        assert img.size == (int(meta(doc, "og:image:width")), int(meta(doc, "og:image:height")))
    first_photo = doc.find("figure", cls="lead-photo").find("img")
    assert Path(first_photo.get("src")).name == Path(image).name
    assert meta(doc, "og:image:alt") == "连夜进行核酸检测。"


def test_article_json_ld_news_article(site: Path) -> None:
    data = json_ld(page(site, ARTICLE), "NewsArticle")
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == "超2000人次机关党员干部火速下沉抗疫一线"
    assert data["datePublished"] == "2022-02-21T09:30:00+08:00"
    assert "dateModified" not in data, "only when the article gives one"
    assert data["author"][0] == {"@type": "Person", "name": "张鹏", "jobTitle": "首席记者",
                                 "url": BASE + "reporters/zhang-peng/"}
    assert data["author"][1]["jobTitle"] == "通讯员"
    assert len(data["image"]) == 4 and all(local_file(site, BASE, u).is_file() for u in data["image"])
    assert data["publisher"]["name"] == "龙岗融媒"
    assert data["mainEntityOfPage"]["@id"] == BASE + ARTICLE


def test_date_modified_when_given(site: Path) -> None:
    data = json_ld(page(site, "2022/02/20/pingdi-support/"), "NewsArticle")
    assert data["dateModified"] == "2022-02-23T08:00:00+08:00"
    assert meta(page(site, "2022/02/20/pingdi-support/"), "article:modified_time") == data["dateModified"]


def test_photo_page_image_object(site: Path) -> None:
    doc = page(site, PHOTO)
    data = json_ld(doc, "ImageObject")
    assert data["caption"] == "连夜进行核酸检测。"
    assert data["creator"] == {"@type": "Person", "name": "张鹏", "jobTitle": "首席记者",
                               "url": BASE + "reporters/zhang-peng/"}
    assert data["creditText"] == "张鹏"
    with Image.open(local_file(site, BASE, data["contentUrl"])) as img:
        assert img.size == (data["width"], data["height"])
    assert meta(doc, "og:image") == data["contentUrl"]


def test_courtesy_credit_is_an_organization(site: Path) -> None:
    data = json_ld(page(site, "photos/2022-02-longcheng-support/"), "ImageObject")
    assert data["creator"] == {"@type": "Organization", "name": "龙城街道供图"}
    assert data["creditText"] == "龙城街道供图"


def test_json_ld_cannot_be_broken_out_of(site: Path) -> None:
    html = next(site.glob("2022/01/05/*/index.html")).read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html
    doc = parse(html)
    data = json_ld(doc, "NewsArticle")
    assert data["headline"] == HOSTILE, "the title survives intact as data"
    scripts = doc.find_all("script")
    assert all(s.get("type") == "application/ld+json" or s.get("src") for s in scripts), "no script was injected"
    assert doc.find("h1").text == HOSTILE


def test_json_ld_escapes_script_endings() -> None:
    out = seo.json_ld({"a": "</script><!-- & \u2028"})
    inner = out[len('<script type="application/ld+json">'):-len("</script>")]
    assert "<" not in inner and ">" not in inner and "&" not in inner and "\u2028" not in inner
    assert json.loads(inner) == {"a": "</script><!-- & \u2028"}


def test_every_page_has_a_description_and_title(site: Path) -> None:
    for file in site.rglob("index.html"):
        if "pagefind" in file.parts:
            continue
        doc = parse(file.read_bytes())
        assert doc.find("title").text.strip(), file
        assert meta(doc, "description"), file
        assert meta(doc, "og:title"), file


def test_a_site_without_a_description_still_describes_every_page(tmp_path: Path) -> None:
    root = copy_sample(tmp_path)
    settings = root / "site.yaml"
    settings.write_text("".join(line for line in settings.read_text(encoding="utf-8").splitlines(keepends=True)
                                if not line.startswith("description:")), encoding="utf-8")
    assert main(["--root", str(root), "-q"]) == 0
    test_every_page_has_a_description_and_title(root / "site")
    assert meta(page(root / "site", ""), "description") == "龙岗新闻档案"


def test_home_page_describes_the_site_and_its_search(site: Path) -> None:
    data = json_ld(page(site, ""), "WebSite")
    assert data["url"] == BASE and data["name"] == "龙岗新闻档案"
    target = data["potentialAction"]["target"]
    assert target == BASE + "search/?q={search_term_string}"
    assert local_file(site, BASE, target.split("?")[0]).is_file()
