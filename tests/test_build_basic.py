"""End to end: tests/sites/basic builds, and every kind of page shows what a reader needs.

The fixture has five published articles and one draft, page_size 2 and photo_page_size 2,
so the home page, a street, a reporter, a year and the photo archive all paginate.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from html_dom import Element, load, resolve

# Published articles, newest first: (title, site path)
NEWEST_FIRST = [
    ("南湾街道与坂田街道联合值守", "2022/03/05/nan-wan-xin-wen/"),
    ("一张表格看支援力量", "2022/03/01/data-table/"),
    ("横岗街道队员驰援兄弟街道", "2022/02/19/henggang/"),
    ("坂田街道连夜开展核酸检测", "2022/02/18/bantian-night/"),
    ("新年第一天的坂田", "2022/01/01/new-year/"),
]
DRAFT_TITLE = "还没写完的稿子"


def page(site: Path, path: str) -> tuple[Path, Element]:
    file = site / (path + "index.html" if path == "" or path.endswith("/") else path)
    assert file.is_file(), f"missing page /{path}"
    return file, load(file)


def target(site: Path, file: Path, href: str | None) -> str:
    """The site path (folder style) a link on `file` leads to; the target must exist."""
    assert href is not None
    resolved = resolve(site, file, href)
    assert resolved.is_file(), f"{file}: link {href!r} leads to missing {resolved}"
    rel = resolved.relative_to(site.resolve()).as_posix()
    return rel[: -len("index.html")] if rel.endswith("index.html") else rel


def list_titles(doc: Element) -> list[str]:
    """Article titles in a page's main article list (not the related list)."""
    lists = [ol for ol in doc.find("main").find_all("ol", cls="article-list")
             if not any(p.tag == "section" and "related" in p.classes for p in _ancestors(ol))]
    return [li.find(cls="item-title").find("a").text for ol in lists for li in ol.find_all("li", cls="article-item")]


def list_links(site: Path, file: Path, doc: Element) -> list[str]:
    return [target(site, file, li.find(cls="item-title").find("a").get("href"))
            for li in doc.find("main").find_all("li", cls="article-item")]


def _ancestors(el: Element):
    node = el.parent
    while node is not None:
        yield node
        node = node.parent


def pager_links(site: Path, file: Path, doc: Element) -> dict[str, str]:
    nav = doc.find("nav", cls="pagination")
    return {a.get("rel") or a.text: target(site, file, a.get("href")) for a in nav.find_all("a")}


# --- home ------------------------------------------------------------------------------

def test_home_is_latest_first_and_paginated_by_page_size(basic_site: Path) -> None:
    """Pages are counted from the oldest: page 1 holds the two oldest stories (page_size 2),
    the home page the three newest (what is not a full page of its own)."""
    pages = [page(basic_site, p) for p in ("", "page/1/")]
    file, doc = pages[0]
    # The first page's list leaves out the stories on the front above it.
    on_front = {h3.find("a").text.strip() for h3 in doc.find("section", cls="front").find_all("h3")}
    assert on_front
    first = [(t, p) for t, p in NEWEST_FIRST[0:3] if t not in on_front]
    assert [list_titles(doc) for _, doc in pages] == [[t for t, _ in first], [t for t, _ in NEWEST_FIRST[3:]]]
    assert list_links(basic_site, file, doc) == [p for _, p in first]
    assert pager_links(basic_site, file, doc)["next"] == "page/1/"
    file, doc = pages[1]
    links = pager_links(basic_site, file, doc)
    assert links["prev"] == "" and "next" not in links
    assert doc.find("h1").text.endswith("第1页")
    assert not (basic_site / "page/2/index.html").exists()
    assert doc.find("html").get("lang") == "zh-CN"


def test_drafts_are_left_out_of_every_page(basic_site: Path) -> None:
    for file in basic_site.rglob("*.html"):
        assert DRAFT_TITLE not in file.read_text(encoding="utf-8"), file
    assert not (basic_site / "2022/03/06").exists()


# --- article ---------------------------------------------------------------------------

def test_article_page_headline_date_byline_streets_tags(basic_site: Path) -> None:
    file, doc = page(basic_site, "2022/02/18/bantian-night/")
    story = doc.find("article", cls="story")
    assert story.find("h1").text == "坂田街道连夜开展核酸检测"
    time = story.find("header").find("time")
    assert time.get("datetime") == "2022-02-18T00:00:00+08:00"   # a bare date is in Asia/Shanghai
    assert time.text == "2022年2月18日"

    people = story.find("p", cls="byline").find_all("span", cls="person")
    byline = [(p.find("span", cls="role").text, p.find("a").text, target(basic_site, file, p.find("a").get("href")))
              for p in people]
    assert byline == [("首席记者", "张鹏", "reporters/zhang-peng/"), ("通讯员", "陈涛", "reporters/chen-tao/")]

    streets = [(a.text, target(basic_site, file, a.get("href"))) for a in story.find("p", cls="streets").find_all("a")]
    assert streets == [("坂田街道", "streets/bantian/"), ("横岗街道", "streets/henggang/")]
    tags = [(a.text, target(basic_site, file, a.get("href"))) for a in story.find("p", cls="tags").find_all("a")]
    assert tags == [("疫情防控", "tags/yi-qing-fang-kong/"), ("核酸检测", "tags/he-suan-jian-ce/")]
    assert "2月18日晚，坂田街道各社区连夜开展核酸检测" in story.find("div", cls="story-body").text


def test_article_photos_have_caption_credit_and_link_to_their_page(basic_site: Path) -> None:
    file, doc = page(basic_site, "2022/02/18/bantian-night/")
    figures = doc.find("article", cls="story").find_all("figure")
    assert len(figures) == 2
    lead, second = figures
    # The sidecar's caption, and a registered photographer linked to their page.
    assert target(basic_site, file, lead.find("a").get("href")) == "photos/2022-harbour/"
    caption = lead.find("figcaption")
    assert caption.text.startswith("坂田街道的检测点在夜里亮着灯。")
    credit = caption.find("span", cls="credit")
    assert "张鹏" in credit.text and "摄" in credit.text
    assert target(basic_site, file, credit.find("a").get("href")) == "reporters/zhang-peng/"
    # The article's caption overrides the sidecar's; a courtesy line is plain text.
    assert target(basic_site, file, second.find("a").get("href")) == "photos/2022-portrait/"
    assert second.find("figcaption").text == "支援队员连夜赶到坂田。 横岗街道供图"
    assert second.find("figcaption").find_all("a") == []
    assert second.find("img").get("alt") == "支援队员连夜赶到坂田。"


def test_article_long_photo_form_gives_caption_and_credit(basic_site: Path) -> None:
    file, doc = page(basic_site, "2022/02/19/henggang/")
    fig = doc.find("article", cls="story").find("figure")
    assert fig.find("figcaption").text.startswith("队员们在雨中集合。")
    assert target(basic_site, file, fig.find("span", cls="credit").find("a").get("href")) == "reporters/wang-feng/"
    time = doc.find("article", cls="story").find("time")
    assert time.get("datetime") == "2022-02-19T18:30:00+08:00"   # a bare date-time is in the site's zone


def test_article_previous_and_next(basic_site: Path) -> None:
    for i, (_, path) in enumerate(NEWEST_FIRST):
        file, doc = page(basic_site, path)
        nav = doc.find("nav", cls="prev-next")
        links = {a.get("rel"): (a.text, target(basic_site, file, a.get("href"))) for a in nav.find_all("a")}
        older = NEWEST_FIRST[i + 1] if i + 1 < len(NEWEST_FIRST) else None
        newer = NEWEST_FIRST[i - 1] if i > 0 else None
        assert (links["prev"][1] if "prev" in links else None) == (older[1] if older else None)
        assert (links["next"][1] if "next" in links else None) == (newer[1] if newer else None)
        if older:
            assert older[0] in links["prev"][0]


def test_utc_date_lands_on_the_local_day(basic_site: Path) -> None:
    # 2021-12-31T20:00:00Z is 2022-01-01 04:00 in Asia/Shanghai: URL, page and archive say so.
    file, doc = page(basic_site, "2022/01/01/new-year/")
    assert doc.find("article", cls="story").find("time").get("datetime") == "2022-01-01T04:00:00+08:00"
    assert not (basic_site / "2021").exists()


def test_markdown_tables_code_and_footnotes(basic_site: Path) -> None:
    _, doc = page(basic_site, "2022/03/01/data-table/")
    body = doc.find("div", cls="story-body")
    assert [th.text for th in body.find("table").find_all("th")] == ["街道", "人数"]
    assert [td.text for td in body.find("table").find_all("td")] == ["横岗", "115", "龙城", "160"]
    code = body.find("pre").find("code")
    assert 'print("total", 115 + 160)' in code.text
    assert "language-python" in code.classes
    ref = body.find("sup").find("a")
    note_id = ref.get("href").lstrip("#")
    assert body.find(id=note_id).text.startswith("数字来自各街道的通报。")


# --- streets, reporters, tags --------------------------------------------------------

def test_street_index_lists_every_street_with_counts(basic_site: Path) -> None:
    file, doc = page(basic_site, "streets/")
    items = doc.find("ul", cls="term-index").find_all("li")
    found = {li.find("span", cls="term-name").text: (target(basic_site, file, li.find("a").get("href")),
                                                     li.find("span", cls="count").text) for li in items}
    assert found == {
        "坂田街道": ("streets/bantian/", "3 篇 · 2 张图片"),
        "横岗街道": ("streets/henggang/", "2 篇 · 3 张图片"),
        "南湾街道": ("streets/nan-wan-jie-dao/", "2 篇"),   # no registry slug: pinyin
    }


def test_street_page_lists_its_stories_with_its_photos(basic_site: Path) -> None:
    file, doc = page(basic_site, "streets/bantian/")
    assert doc.find("h1").text == "坂田街道"
    assert doc.find("p", cls="lede").text == "测试用的街道。"
    # Three stories, page_size 2: not two full pages, so one page (pages are counted from the oldest).
    assert list_titles(doc) == ["南湾街道与坂田街道联合值守", "坂田街道连夜开展核酸检测",
                                "新年第一天的坂田"]   # the alias 坂田 counted as 坂田街道
    assert doc.find_all("nav", cls="pagination") == []
    assert "3 篇报道" in doc.find("p", cls="meta").text
    grid = [target(basic_site, file, a.get("href")) for a in doc.find("ul", cls="photo-grid").find_all("a")]
    assert sorted(grid) == ["photos/2022-harbour/", "photos/2022-portrait/"]


def test_reporter_page_lists_articles_written_and_photos_taken(basic_site: Path) -> None:
    file, doc = page(basic_site, "reporters/zhang-peng/")
    assert "张鹏" in doc.find("h1").text and "首席记者" in doc.find("h1").text
    assert list_titles(doc) == ["南湾街道与坂田街道联合值守", "坂田街道连夜开展核酸检测",
                                "新年第一天的坂田"]   # written as the alias 小张
    photos = [target(basic_site, file, a.get("href")) for a in doc.find("ul", cls="photo-grid").find_all("a")]
    assert photos == ["photos/2022-harbour/"]

    file, doc = page(basic_site, "reporters/wang-feng/")
    assert list_titles(doc) == ["一张表格看支援力量", "横岗街道队员驰援兄弟街道"]
    photos = [target(basic_site, file, a.get("href")) for a in doc.find("ul", cls="photo-grid").find_all("a")]
    assert "photos/misc-unused/" in photos   # credited in its sidecar, used by no article

    file, doc = page(basic_site, "reporters/")
    names = [li.find("span", cls="term-name").text for li in doc.find("ul", cls="term-index").find_all("li")]
    assert sorted(names) == ["张鹏", "王丰", "陈涛"]


def test_tag_page(basic_site: Path) -> None:
    file, doc = page(basic_site, "tags/yi-qing-fang-kong/")
    assert doc.find("h1").text == "疫情防控"
    assert list_titles(doc) == ["横岗街道队员驰援兄弟街道", "坂田街道连夜开展核酸检测"]
    assert doc.find_all("nav", cls="pagination") == []
    _, doc = page(basic_site, "tags/yuan-dan/")     # a single tag written as plain text
    assert list_titles(doc) == ["新年第一天的坂田"]


# --- date archives -----------------------------------------------------------------------

def test_archive_year_and_month_pages(basic_site: Path) -> None:
    file, doc = page(basic_site, "archive/")
    block = doc.find("section", cls="year-block")
    assert target(basic_site, file, block.find("h2").find("a").get("href")) == "2022/"
    assert "5 篇" in block.find("h2").text
    months = [(a.text, target(basic_site, file, a.get("href"))) for a in block.find("ul", cls="months").find_all("a")]
    assert months == [("3月", "2022/03/"), ("2月", "2022/02/"), ("1月", "2022/01/")]

    pages = ["2022/", "2022/page/1/"]
    assert [t for p in pages for t in list_titles(page(basic_site, p)[1])] == [t for t, _ in NEWEST_FIRST]
    assert [len(list_titles(page(basic_site, p)[1])) for p in pages] == [3, 2]
    # The month list is on the year's first page; its later pages keep only their stories.
    assert page(basic_site, "2022/page/1/")[1].find_all("ul", cls="months") == []
    assert page(basic_site, "2022/")[1].find_all("ul", cls="months")
    assert not (basic_site / "2022/page/2/index.html").exists()
    _, doc = page(basic_site, "2022/02/")
    assert doc.find("h1").text == "2022年2月"
    assert list_titles(doc) == ["横岗街道队员驰援兄弟街道", "坂田街道连夜开展核酸检测"]


# --- photos --------------------------------------------------------------------------------

def test_photo_archive_grid_is_paginated_and_holds_every_photo(basic_site: Path) -> None:
    seen = []
    for path in ("photos/", "photos/page/1/"):
        file, doc = page(basic_site, path)
        grid = doc.find("ul", cls="photo-grid")
        seen += [target(basic_site, file, a.get("href")) for a in grid.find_all("a")]
        assert len(grid.find_all("li")) == 2
    assert "共 4 张" in page(basic_site, "photos/")[1].find("main").text
    assert sorted(seen) == ["photos/2022-03-no-sidecar/", "photos/2022-harbour/",
                            "photos/2022-portrait/", "photos/misc-unused/"]
    assert "共" not in page(basic_site, "photos/page/1/")[1].find("main").text   # the count: first page only
    assert not (basic_site / "photos/page/2/index.html").exists()


def test_photo_page(basic_site: Path) -> None:
    file, doc = page(basic_site, "photos/2022-harbour/")
    fig = doc.find("figure", cls="photo-page")
    assert fig.find("h1").text == "坂田街道的检测点在夜里亮着灯。"
    assert fig.find("img").get("alt") == "坂田街道的检测点在夜里亮着灯。"
    facts = fig.find("dl", cls="photo-facts")
    dts = [dt.text for dt in facts.find_all("dt")]
    assert dts[:2] == ["摄影", "日期"]
    credit = facts.find("dd").find("a")
    assert (credit.text, target(basic_site, file, credit.get("href"))) == ("张鹏", "reporters/zhang-peng/")
    # A photo collects the streets (and tags) of its sidecar and of the articles that use it.
    facts_by_title = dict(zip(dts, facts.find_all("dd"), strict=True))
    streets = {a.text: target(basic_site, file, a.get("href")) for a in facts_by_title["街道"].find_all("a")}
    assert streets == {"坂田街道": "streets/bantian/", "横岗街道": "streets/henggang/"}
    used = doc.find("section", cls="photo-articles").find("a")
    assert target(basic_site, file, used.get("href")) == "2022/02/18/bantian-night/"


def test_not_found_page(basic_site: Path) -> None:
    file, doc = page(basic_site, "404.html")
    assert doc.find("h1").text == "找不到页面"
    assert target(basic_site, file, doc.find("main").find("a").get("href")) == ""


# --- images in pages -------------------------------------------------------------------

@pytest.mark.parametrize("path", ["", "2022/02/18/bantian-night/", "photos/", "photos/2022-portrait/",
                                  "streets/henggang/", "reporters/wang-feng/"])
def test_every_img_is_responsive_and_lazy_unless_lead(basic_site: Path, path: str) -> None:
    file, doc = page(basic_site, path)
    imgs = doc.find_all("img")
    assert imgs, path
    for img in imgs:
        for attr in ("src", "srcset", "sizes", "width", "height", "alt"):
            assert img.get(attr) is not None, (path, attr, img)
        eager = img.get("fetchpriority") == "high"
        assert (img.get("loading") == "lazy") != eager, img
        widths = [int(c.split()[1].rstrip("w")) for c in img.get("srcset").split(",")]
        assert widths == sorted(widths) and max(widths) <= int(img.get("width"))
        for candidate in img.get("srcset").split(","):
            assert target(basic_site, file, candidate.split()[0]).startswith("media/")
        link = next((a for a in _ancestors(img) if a.tag == "a"), None)
        if link is not None and link.get("aria-hidden") == "true":
            assert img.get("alt") == "", img   # a decorative thumbnail beside its linked title
        elif link is not None and link.find_all("span", cls="grid-caption"):
            # The caption is beside it, in the same link: an alt repeating it is read twice.
            assert img.get("alt") == "", img
        else:
            assert img.get("alt"), img
    eager = [img for img in imgs if img.get("fetchpriority") == "high"]
    assert len(eager) <= 1


def test_portrait_img_declares_portrait_size(basic_site: Path) -> None:
    _, doc = page(basic_site, "photos/2022-portrait/")
    img = doc.find("figure", cls="photo-page").find("img")
    assert (img.get("width"), img.get("height")) == ("300", "400")
    assert img.get("alt") == "横岗街道的队员整装出发。"
