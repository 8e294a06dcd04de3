"""The paper as it was printed (数字报): the calendar, editions, pages, and where stories ran.

The sample archive's edition (the seed's page 3 of 2022-02-22) plus a second day with two
pages, a scan of page 1, and a story that ran on both pages, built once for the module.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import copy_sample
from PIL import Image

from newsroom.cli import main

SEED_ORDER = ["超2000人次机关党员干部火速下沉抗疫一线", "坂田街道防疫一线 双向奔赴温暖人心",
              "横岗街道115名机关干部驰援坂田", "园山街道近300人志愿力量支援坂田",
              "“龙城铁军”三批次160余人驰援坂田", "宝龙街道“支援坂田党员突击队”冲锋在前",
              "坪地街道300人支援队伍连夜驰援坂田"]
TWO_PAGES = "2022/02/23/two-pages/"
UNPRINTED = "2022/02/23/web-only/"


def write(root: Path, path: str, text: str) -> Path:
    file = root / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8")
    return file


def add_second_day(root: Path) -> None:
    """2022-02-23: page 1 (with a scan) and page 2; one story on both, one only on the web."""
    write(root, "content/articles/2022/02/two-pages.md",
          "---\ntitle: 两个版面都刊登的报道\ndate: 2022-02-23\nreporter: 张鹏\nstreet: 坂田街道\n"
          "photos: [2022/02/night-testing.jpg]\n"
          "print:\n  - {page: 1, position: 2}\n  - {page: 综合}\n---\n头版转二版的报道。\n")
    write(root, "content/articles/2022/02/front-page.md",
          "---\ntitle: 头版头条\ndate: 2022-02-23\nreporter: 陈涛\nprint: {date: 2022-02-23, page: 要闻, "
          "position: 1}\n---\n头版头条的报道。\n")
    write(root, "content/articles/2022/02/web-only.md",
          "---\ntitle: 只在网上发布的报道\ndate: 2022-02-23\n---\n没有见报。\n")
    scan = root / "photos/2022/02/23/page-01.png"
    scan.parent.mkdir(parents=True)
    Image.new("RGB", (1200, 1800), (240, 236, 226)).save(scan)
    write(root, "photos/2022/02/23/page-01.yaml", "caption: 2022年2月23日第1版版面。\ncredit: 龙岗融媒供图\n")
    write(root, "content/editions/2022-02-23.yaml",
          "pages:\n  - page: 1\n    headline: 头版的大标题\n    scan: 2022/02/23/page-01.png\n"
          "  - page: 2\n    banner: 综合新闻\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_sample(tmp_path_factory.mktemp("editions"))
    add_second_day(root)
    assert main(["--root", str(root), "-q"]) == 0
    return root / "site"


def page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def resolve(path: str, href: str) -> str:
    """The site path a relative link on the page at `path` points to."""
    parts = [p for p in path.split("/") if p]
    for bit in href.split("/"):
        if bit == "..":
            parts.pop()
        elif bit and bit != ".":
            parts.append(bit)
    return "/".join(parts) + "/" if href.endswith("/") else "/".join(parts)


def titles(doc: BeautifulSoup, selector: str) -> list[str]:
    return [a.get_text(" ", strip=True) for a in doc.select(selector)]


def test_calendar_links_the_days_with_an_edition(site: Path) -> None:
    doc = page(site, "editions/")
    table = doc.select_one("table.calendar")
    assert table.caption.get_text(" ", strip=True).startswith("2022年2月")
    assert [th.get_text() for th in table.select("thead th")] == list("一二三四五六日")
    assert table.select_one("thead abbr")["title"] == "星期一"
    links = {a.get_text(): resolve("editions/", a["href"]) for a in table.select("td a")}
    assert links == {"22": "editions/2022/02/22/", "23": "editions/2022/02/23/"}
    days = [td.get_text() for td in table.select("td")]
    assert "21" in days and "28" in days            # every day shown, only two of them links
    # 2022-02-01 was a Tuesday: the first row starts with one blank Monday
    assert [td.get_text() for td in table.select("tbody tr")[0].select("td")][:2] == ["", "1"]
    assert (site / "editions/2022/index.html").is_file()


def test_edition_lists_its_pages_and_their_stories(site: Path) -> None:
    first, second = page(site, "editions/2022/02/22/"), page(site, "editions/2022/02/23/")
    assert "第1234期" in first.select_one(".edition-head").get_text()
    assert "第1235期" in second.select_one(".edition-head").get_text(), "the next issue is the next number"
    nav = second.select_one("nav.page-index")
    assert nav.h2.get_text() == "版面导航"
    assert titles(nav, "h3 a") == ["01版 要闻", "02版 综合"]
    assert [resolve("editions/2022/02/23/", a["href"]) for a in nav.select("h3 a")] == [
        "editions/2022/02/23/01/", "editions/2022/02/23/02/"]
    assert titles(nav.select(".print-pages > li")[0], "ul a") == ["头版头条", "两个版面都刊登的报道"]
    assert titles(first, ".print-pages ul a") == SEED_ORDER


def test_the_seed_page_as_printed(site: Path) -> None:
    doc = page(site, "editions/2022/02/22/03/")
    assert doc.select_one(".page-banner").get_text() == "防控疫情 龙岗行动"
    assert doc.select_one(".page-headline").get_text() == "因为有你们 抗疫路上更无畏!"
    assert doc.h1.get_text(" ", strip=True) == "第03版 专题"
    stories = doc.select(".print-story")
    assert [s.h2.get_text(" ", strip=True) for s in stories] == SEED_ORDER
    assert "张鹏" in stories[0].select_one(".byline").get_text() and "陈涛" in stories[0].select_one(".byline").get_text()
    lead = stories[0].select_one("figure.lead-photo")
    assert lead.img["alt"] == "连夜进行核酸检测。" and "张鹏" in lead.figcaption.get_text()
    assert not stories[2].select("figure"), "a story without photos shows none"
    hrefs = [resolve("editions/2022/02/22/03/", s.h2.a["href"]) for s in stories]
    assert hrefs[0] == "2022/02/21/party-volunteers/"


def test_navigation_at_the_first_and_last_page_and_issue(site: Path) -> None:
    def nav(path: str) -> dict[str, str]:
        doc = page(site, path)
        return {a.span.get_text(): resolve(path, a["href"]) for a in doc.select("nav.prev-next a")}

    # the first issue's only page: no other page, no earlier issue; the next issue has no page 3
    assert nav("editions/2022/02/22/03/") == {"下一期": "editions/2022/02/23/01/"}
    assert nav("editions/2022/02/23/01/") == {"下一版": "editions/2022/02/23/02/", "上一期": "editions/2022/02/22/03/"}
    assert nav("editions/2022/02/23/02/") == {"上一版": "editions/2022/02/23/01/", "上一期": "editions/2022/02/22/03/"}
    assert nav("editions/2022/02/22/") == {"下一期": "editions/2022/02/23/"}
    assert nav("editions/2022/02/23/") == {"上一期": "editions/2022/02/22/"}
    # a bar with nothing in it is not drawn: the first issue's only page has no 上一版/下一版
    assert len(page(site, "editions/2022/02/22/03/").select("nav.prev-next")) == 1


def test_scan_is_a_resized_photo_with_the_stories_beside_it(site: Path) -> None:
    doc = page(site, "editions/2022/02/23/01/")
    scan = doc.select_one(".print-scan")
    img = scan.select_one("img")
    assert img["alt"] == "2022年2月23日第1版版面。"
    with Image.open(site / resolve("editions/2022/02/23/01/", img["src"])) as picture:
        assert picture.width < 1200                    # a rendition, not the scan itself
    assert titles(scan, ".scan-stories a") == ["头版头条", "两个版面都刊登的报道"]
    assert doc.select_one(".page-headline").get_text() == "头版的大标题"


def test_an_article_on_two_pages_names_both(site: Path) -> None:
    doc = page(site, TWO_PAGES)
    links = doc.select(".printed a")
    assert [a.get_text() for a in links] == ["刊于《龙岗新闻》2022年2月23日 第1版", "刊于《龙岗新闻》2022年2月23日 第2版"]
    assert [resolve(TWO_PAGES, a["href"]) for a in links] == ["editions/2022/02/23/01/", "editions/2022/02/23/02/"]
    assert "两个版面都刊登的报道" in titles(page(site, "editions/2022/02/23/02/"), ".print-story h2")
    seed = page(site, "2022/02/21/party-volunteers/").select_one(".printed a")
    assert seed.get_text() == "刊于《龙岗新闻》2022年2月22日 第3版"


def json_ld(doc: BeautifulSoup) -> dict:
    found = [json.loads(s.string) for s in doc.select('script[type="application/ld+json"]')]
    return next(d for d in found if d.get("@type") == "NewsArticle")


def test_json_ld_carries_the_print_fields(site: Path) -> None:
    data = json_ld(page(site, "2022/02/21/party-volunteers/"))
    assert data["printEdition"] == "龙岗新闻 2022年2月22日 第1234期"
    assert data["printPage"] == "3" and data["printSection"] == "专题"
    assert json_ld(page(site, TWO_PAGES))["printSection"] == "要闻"


def test_an_article_not_in_print_simply_has_none(site: Path) -> None:
    doc = page(site, UNPRINTED)
    assert doc.select(".printed") == [] and "刊于" not in doc.get_text()
    assert not {"printEdition", "printPage", "printSection"} & set(json_ld(doc))
    assert "只在网上发布的报道" not in (site / "editions/2022/02/23/index.html").read_text(encoding="utf-8")


def test_the_navigation_leads_to_the_paper(site: Path) -> None:
    doc = page(site, "")
    link = next(a for a in doc.select(".masthead nav a") if a.get_text() == "数字报")
    assert resolve("", link["href"]) == "editions/"


def check(root: Path, capsys) -> tuple[int, str]:
    code = main(["check", "--root", str(root), "-q"])
    return code, capsys.readouterr().err


def test_mistakes_are_errors_with_their_line(tmp_path: Path, capsys) -> None:
    root = copy_sample(tmp_path)
    write(root, "content/editions/2022-02-23.yaml",
          "pages:\n  - page: 1\n    name: 要问\n    scan: 2022/02/23/page-1.jpg\n")
    write(root, "content/articles/2022/02/a.md",
          "---\ntitle: 甲\ndate: 2022-02-23\nprint: {page: 1, position: 1}\n---\n甲。\n")
    write(root, "content/articles/2022/02/b.md",
          "---\ntitle: 乙\ndate: 2022-02-23\nprint: {page: 1, position: 1}\n---\n乙。\n")
    write(root, "content/articles/2022/02/c.md",
          "---\ntitle: 丙\ndate: 2022-02-23\nprint: {page: 综和}\n---\n丙。\n")
    write(root, "content/articles/2022/02/d.md",   # pages as a list (one placement each is a list of them)
          "---\ntitle: 丁\ndate: 2022-02-23\nprint: {page: [1, 2]}\n---\n丁。\n")
    code, err = check(root, capsys)
    assert code == 1
    assert "content/editions/2022-02-23.yaml:3: error: unknown page name '要问' — did you mean '要闻'?" in err
    assert "content/editions/2022-02-23.yaml:4: error: scan '2022/02/23/page-1.jpg' not found in photos/" in err
    assert re.search(r"content/articles/2022/02/b\.md:4: error: position 1 on page 1 of 2022-02-23 is already "
                     r"taken by content/articles/2022/02/a\.md", err)
    assert "content/articles/2022/02/c.md:4: error: unknown page '综和' — did you mean '综合'?" in err
    assert ("content/articles/2022/02/d.md:4: error: 'print' must be {date: YYYY-MM-DD, page: N} (or a list of "
            "them)") in err and "[1, 2]" not in err


def test_a_scan_in_another_folder_gets_a_hint(tmp_path: Path, capsys) -> None:
    root = copy_sample(tmp_path)
    write(root, "content/editions/2022-02-22.yaml", "pages:\n  - page: 3\n    scan: 2022/03/love-hotline.jpg\n")
    code, err = check(root, capsys)
    assert code == 1 and "did you mean '2022/02/love-hotline.jpg'?" in err


def test_print_without_the_paper_registry_is_an_error(tmp_path: Path, capsys) -> None:
    root = copy_sample(tmp_path)
    (root / "editions.yaml").unlink()
    code, err = check(root, capsys)
    assert code == 1 and "content/editions/2022-02-22.yaml: error: an edition file needs editions.yaml" in err


def test_a_story_listed_twice_and_a_bad_file_name(tmp_path: Path, capsys) -> None:
    root = copy_sample(tmp_path)
    write(root, "content/editions/2022-02-23.yaml",
          "pages:\n  - page: 1\n    stories:\n      - 2022/02/pingdi-support.md\n      - pingdi-support\n")
    write(root, "content/editions/feb-24.yaml", "pages: []\n")
    write(root, "content/editions/2022-02-31.yaml", "pages: []\n")
    write(root, "content/editions/2022-02-24.yaml", "pages:\n  - page: 要闻\n    stories: []\n  - page: 社论\n")
    code, err = check(root, capsys)
    assert code == 1
    assert "2022-02-23.yaml:5: error: story 'content/articles/2022/02/pingdi-support.md' is listed twice" in err
    assert "content/editions/feb-24.yaml: error: an edition file is named by its date (YYYY-MM-DD.yaml)" in err
    assert ("content/editions/2022-02-31.yaml: error: the edition file's name '2022-02-31' is not a day of the "
            "calendar (YYYY-MM-DD.yaml)") in err
    assert ("content/editions/2022-02-24.yaml:2: error: page '要闻': give the page's number (page: 1, as "
            "editions.yaml numbers it); its name goes in 'name:'") in err    # a usual name: its number
    assert ("content/editions/2022-02-24.yaml:4: error: page '社论': give the page's number (page: 3); its name "
            "goes in 'name:' (the usual names are in editions.yaml)") in err


def test_a_pdf_scan_is_drawn_and_resized(tmp_path: Path) -> None:
    """The press's PDF of a page: its first page is shown, resized like any photo."""
    root = copy_sample(tmp_path)
    scan = root / "photos/2022/02/22/page-03.pdf"
    scan.parent.mkdir(parents=True)
    Image.new("RGB", (850, 1200), (230, 225, 215)).save(scan, "PDF", resolution=100)
    write(root, "photos/2022/02/22/page-03.yaml", "caption: 第3版版面（PDF）。\ncredit: 龙岗融媒供图\n")
    edition = root / "content/editions/2022-02-22.yaml"
    edition.write_text(edition.read_text(encoding="utf-8").replace(
        "    banner:", "    scan: 2022/02/22/page-03.pdf\n    banner:"), encoding="utf-8")
    assert main(["--root", str(root), "-q"]) == 0
    site = root / "site"
    img = page(site, "editions/2022/02/22/03/").select_one(".print-scan img")
    assert img["alt"] == "第3版版面（PDF）。"
    with Image.open(site / resolve("editions/2022/02/22/03/", img["src"])) as drawn:
        assert drawn.format == "JPEG" and drawn.width > 0
        assert abs(drawn.height / drawn.width - 1200 / 850) < 0.02, "the page keeps its shape"
    assert not list(site.rglob("*.pdf")), "the PDF itself is not published"


def test_a_scan_over_the_pixel_limit_is_one_error_at_the_scan(tmp_path: Path, capsys) -> None:
    """A scan that is there but too big is said so at itself, not also "not found" in the edition file."""
    root = copy_sample(tmp_path)
    Image.new("RGB", (2000, 3000), (235, 230, 220)).save(root / "photos/2022/02/scan3.jpg")
    write(root, "photos/2022/02/scan3.yaml", "caption: 第3版\ncredit: 张鹏\n")
    edition = root / "content/editions/2022-02-22.yaml"
    edition.write_text(edition.read_text(encoding="utf-8").replace("    stories:", "    scan: 2022/02/scan3.jpg\n    stories:", 1),
                       encoding="utf-8")
    settings = root / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("images:\n", "images:\n  max_pixels: 5000000\n", 1),
                        encoding="utf-8")
    code, err = check(root, capsys)
    assert code == 1
    assert [line.split(": error: ")[0] for line in err.splitlines() if ": error: " in line] == ["photos/2022/02/scan3.jpg"]


def test_a_page_name_given_twice_or_a_misspelt_field_in_the_paper_registry_is_said(tmp_path: Path, capsys) -> None:
    # print: {page: 综合} would have been either page; {nmae: …} was dropped without a word
    root = copy_sample(tmp_path)
    registry = root / "editions.yaml"
    text = registry.read_text(encoding="utf-8")
    registry.write_text(text.replace("  - {page: 2, name: 综合}", "  - {page: 2, name: 要闻}")
                        .replace("  - {page: 3, name: 专题}", "  - {page: 3, name: 专题, nmae: 特刊}"), encoding="utf-8")
    code, err = check(root, capsys)
    assert code == 1
    assert "editions.yaml:6: error: page 2 has the name of page 1 ('要闻'): give each page its own" in err
    assert "editions.yaml:7: warning: unknown field 'nmae' (ignored) — did you mean 'name'?" in err
