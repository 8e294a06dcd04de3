"""Search across the years' bundles in Chromium: ranking, newest first, and filter counts.

Each year is its own Pagefind bundle, merged by the search page; what a reader sees must
not depend on which year a story is in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from archive_gen import REPORTERS, STREETS, make_archive
from conftest import static_server
from PIL import Image
from playwright import sync_api as playwright_api
from searching import DONE, search
from test_browser import CHROMIUM, LAUNCH_ARGS

from newsroom.cli import main

YEARS = (2019, 2020, 2021)


def story(root: Path, slug: str, day: date, title: str, body: str, reporter: str) -> None:
    folder = root / "content" / "articles" / f"{day:%Y/%m}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{slug}.md").write_text(
        f"---\ntitle: {title}\ndate: {day.isoformat()}\nreporter: {reporter}\nstreet: {STREETS[day.day % 5]}\n---\n"
        f"{body}\n", encoding="utf-8")


def make_years(root: Path) -> dict[str, tuple[date, str]]:
    """Stories over three years; returns slug -> (date, reporter) of those about 垃圾分类."""
    make_archive(root, 0, photos=False)
    about: dict[str, tuple[date, str]] = {}
    for n in range(18):
        year = YEARS[n % 3]
        day = date(year, 1 + (n * 5) % 12, 1 + n)   # no two on one day: one order is right
        reporter = REPORTERS[n % 3]
        if n % 4 == 3:
            story(root, f"other-{n}", day, f"社区新闻{n}", "居民参加社区活动。", reporter)
            continue
        story(root, f"sorting-{n}", day, f"垃圾分类进社区{n}", f"街道推进垃圾分类工作，第{n}次入户宣传。", reporter)
        about[f"sorting-{n}"] = (day, reporter)
    # The same two words in two years: each is the subject of one story and a passing mention
    # in another year's.
    heavy = "桂花开了：桂花节上的桂花糕"
    story(root, "osmanthus-2019", date(2019, 9, 9), heavy, "桂花飘香，居民赏桂花、做桂花糕。", REPORTERS[3])
    story(root, "osmanthus-2021", date(2021, 9, 9), "秋日社区纪事", "社区举办读书会，会后还有桂花茶。", REPORTERS[3])
    story(root, "banyan-2021", date(2021, 6, 6), "榕树下的老街：古榕树保护", "古榕树得到保护，榕树下又热闹起来。", REPORTERS[4])
    story(root, "banyan-2019", date(2019, 6, 6), "夏日社区纪事", "社区组织义诊，地点在一棵榕树旁。", REPORTERS[4])
    # A photo with no date anywhere (no sidecar date, no EXIF): its bundle is not a year's
    poster = root / "photos" / "misc" / "poster.jpg"
    poster.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (640, 480), (200, 120, 40)).save(poster, quality=80)
    poster.with_suffix(".yaml").write_text("caption: 垃圾分类宣传海报\ncredit: 社区供图\n", encoding="utf-8")
    return about


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, tuple[date, str]]]]:
    base = tmp_path_factory.mktemp("years")
    about = make_years(base / "years")
    assert main(["--root", str(base / "years"), "--output", str(base / "www" / "years"), "-q"]) == 0
    with static_server(base / "www") as url:
        yield url + "years/", about


@pytest.fixture(scope="module")
def page(archive) -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            tab = chromium.new_page()
            tab.set_default_timeout(30_000)
            yield tab
        finally:
            chromium.close()


def slug_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


@pytest.mark.parametrize(("word", "best"), [("桂花", "osmanthus-2019"), ("榕树", "banyan-2021")])
def test_the_better_match_ranks_first_whichever_year(page, archive, word: str, best: str) -> None:
    url, _ = archive
    found = [slug_of(p) for p in search(page, url, word)]
    assert len(found) == 2 and found[0] == best, f"{word}: {found}"


def test_newest_first_across_every_year(page, archive) -> None:
    url, about = archive
    found = [slug_of(p) for p in search(page, url, "垃圾分类", "&sort=new")]
    newest_first = sorted(about, key=lambda slug: about[slug][0], reverse=True)
    assert found == [*newest_first, "misc-poster"], "the undated photo last, not before every story"
    metas = page.locator(".search-result .meta").all_inner_texts()[:len(newest_first)]
    shown = [re.search(r"(\d{4})年(\d+)月(\d+)日", m).groups() for m in metas]
    assert [date(*map(int, d)) for d in shown] == [about[s][0] for s in newest_first]


def test_filter_counts_are_those_of_the_results(page, archive) -> None:
    url, about = archive
    search(page, url, "垃圾分类")
    options = dict(page.eval_on_selector_all("#filter-reporter option", "os => os.map(o => [o.value, o.textContent])"))
    for reporter in REPORTERS[:3]:
        wanted = sum(1 for _, who in about.values() if who == reporter)
        assert options[reporter] == f"{reporter}（{wanted}）"
    assert options[REPORTERS[3]] == f"{REPORTERS[3]}（0）", "a reporter with no story about it counts 0"
    assert page.locator(f"#filter-reporter option[value='{REPORTERS[3]}']").is_disabled()
    # Choosing a reporter gives as many results as counted.
    page.select_option("#filter-reporter", REPORTERS[1])
    page.wait_for_function(DONE)
    wanted = sum(1 for _, who in about.values() if who == REPORTERS[1])
    page.wait_for_function(f"document.querySelectorAll('.search-result').length === {min(wanted, 10)}")
    assert f"找到 {wanted} 条结果" in page.inner_text("#search-status")
    years = dict(page.eval_on_selector_all("#filter-year option", "os => os.map(o => [o.value, o.textContent])"))
    for year in YEARS:
        mine = sum(1 for day, who in about.values() if who == REPORTERS[1] and day.year == year)
        assert years[str(year)] == f"{year}（{mine}）"


def test_edits_keep_the_order_and_the_counts(page, tmp_path: Path) -> None:
    """Stories edited since their year was indexed (one of them moved to another year) are
    in the bundle of recent changes: newest first and the filter counts are still right."""
    about = make_years(tmp_path / "years")
    build = ["--root", str(tmp_path / "years"), "--output", str(tmp_path / "www" / "years"), "-q"]
    assert main(build) == 0
    for slug, new_day, reporter in (("sorting-4", date(2021, 2, 28), REPORTERS[2]), ("sorting-9", None, REPORTERS[0])):
        day, old_reporter = about[slug]
        file = tmp_path / "years" / "content" / "articles" / f"{day:%Y/%m}" / f"{slug}.md"
        text = file.read_text(encoding="utf-8").replace(f"reporter: {old_reporter}", f"reporter: {reporter}")
        if new_day:
            text = text.replace(f"date: {day.isoformat()}", f"date: {new_day.isoformat()}")
        file.write_text(text.replace("入户宣传", "入户宣传，居民积极响应"), encoding="utf-8")
        about[slug] = (new_day or day, reporter)
    (tmp_path / "years" / "content" / "articles" / f"{about['sorting-1'][0]:%Y/%m}" / "sorting-1.md").unlink()
    del about["sorting-1"]
    assert main(build) == 0
    assert (tmp_path / "www" / "years" / "pagefind" / "recent").is_dir()
    with static_server(tmp_path / "www") as url:
        found = [slug_of(p) for p in search(page, url + "years/", "垃圾分类", "&sort=new")]
        assert found == [*sorted(about, key=lambda slug: about[slug][0], reverse=True), "misc-poster"]
        options = dict(page.eval_on_selector_all("#filter-reporter option", "os => os.map(o => [o.value, o.textContent])"))
        for reporter in REPORTERS[:3]:
            wanted = sum(1 for _, who in about.values() if who == reporter)
            assert options[reporter] == f"{reporter}（{wanted}）"
        assert sorted(slug_of(p) for p in search(page, url + "years/", "居民积极响应")) == ["sorting-4", "sorting-9"]

