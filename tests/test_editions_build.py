"""Editions in the incremental build, and 历史上的今天 on the home page (built on a given day)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup
from conftest import copy_sample
from test_editions import add_second_day

from newsroom import builder, config

TZ = ZoneInfo("Asia/Shanghai")


def build(root: Path, now: datetime | None = None) -> builder.BuildResult:
    cfg, problems = config.load(root)
    result = builder.build(cfg, problems, builder.Options(jobs=1), now=now)
    assert result.ok, [str(p) for p in result.problems]
    return result


def written(site: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in site.rglob("*.html")}


def changed(before: dict, after: dict) -> set[str]:
    return {path for path, stamp in after.items() if before.get(path) != stamp}


def test_editing_an_edition_file_renders_only_that_edition(tmp_path: Path) -> None:
    root = copy_sample(tmp_path)
    add_second_day(root)
    (root / "site.yaml").write_text((root / "site.yaml").read_text(encoding="utf-8") + "search: false\n",
                                    encoding="utf-8")
    build(root)
    site = root / "site"
    before = written(site)
    file = root / "content/editions/2022-02-23.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("综合新闻", "综合新闻（更正）"), encoding="utf-8")
    result = build(root)
    edition = {"editions/2022/02/23/index.html", "editions/2022/02/23/01/index.html",
               "editions/2022/02/23/02/index.html"}
    # Page 1 is rendered again (it lists the edition's pages) but comes out the same: not rewritten.
    assert result.rendered == 3
    assert changed(before, written(site)) == edition - {"editions/2022/02/23/01/index.html"}
    assert "综合新闻（更正）" in (site / "editions/2022/02/23/02/index.html").read_text(encoding="utf-8")

    # A new edition: its pages, the calendar, and the neighbouring issue's links to it.
    before = written(site)
    (root / "content/editions/2022-02-24.yaml").write_text(
        "pages:\n  - page: 1\n    stories: [2022/02/pingdi-support.md]\n", encoding="utf-8")
    build(root)
    again = changed(before, written(site))
    assert {"editions/2022/02/24/index.html", "editions/2022/02/24/01/index.html", "editions/index.html",
            "editions/2022/index.html", "2022/02/20/pingdi-support/index.html"} <= again
    assert not {p for p in again if p.startswith("editions/2022/02/22/")}, "an unrelated edition is not rendered"
    assert not {p for p in again if p.startswith(("streets/", "reporters/", "photos/"))}


def home_list(root: Path) -> list[str]:
    doc = BeautifulSoup((root / "site/index.html").read_text(encoding="utf-8"), "html.parser")
    section = doc.select_one("section.on-this-day")
    return [] if section is None else [a.get_text() for a in section.select("a")]


def test_on_this_day_lists_earlier_years_and_changes_the_next_day(tmp_path: Path) -> None:
    root = copy_sample(tmp_path)
    build(root, now=datetime(2022, 2, 21, 12, 0, tzinfo=TZ))
    assert home_list(root) == [], "stories of this year are not history"
    build(root, now=datetime(2023, 2, 20, 9, 0, tzinfo=TZ))
    first = home_list(root)
    assert set(first) == {"横岗街道115名机关干部驰援坂田", "坪地街道300人支援队伍连夜驰援坂田",
                          "园山街道近300人志愿力量支援坂田"}      # the sample's stories of 2022-02-20
    doc = BeautifulSoup((root / "site/index.html").read_text(encoding="utf-8"), "html.parser")
    assert doc.select_one("#on-this-day-title").get_text() == "历史上的今天"
    assert build(root, now=datetime(2023, 2, 20, 23, 0, tzinfo=TZ)).written == 0, "later that day: nothing to do"
    build(root, now=datetime(2023, 2, 21, 0, 5, tzinfo=TZ))
    second = home_list(root)
    assert second and not set(second) & set(first), "rebuilt the next day, the list is that day's"
