"""Search in Chromium: what a reader typing a word gets, on the sample and on a generated
archive of 1,000 stories over two years (one Pagefind bundle each).

Every name the archive knows (streets, their aliases, reporters, tags) and the words of
issue 20 must find exactly the pages that contain them or are filed under them — worked out
from the built pages (tests/browser/searching.py) — and, within a year, the pages that
contain a word rank above those only filed under it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from archive_gen import REPORTERS, STREETS, make_archive
from conftest import copy_sample, static_server
from searching import archive_tags, expected, registry_names, search, searchable_pages
from test_browser import chromium

from newsroom import search as search_index
from newsroom.cli import main

WORDS = ["核酸", "核酸检测", "张鹏", "志愿者"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if search_index.executable() is None:
        pytest.fail("pagefind is not installed: pip install -e '.[test]' installs pagefind[extended]")
    with chromium() as launched:
        yield launched


def year_of(path: str) -> str:
    """The year a result's page is filed under (its bundle): 2021/…, or photos/2022-02-…."""
    return path.removeprefix("photos/")[:4]


def mention(root: Path) -> Path:
    """The generated stories, some mentioning streets (by name or alias), reporters and the
    words of the issue in their text, some headlined with 坂田 next to other words."""
    for file in sorted((root / "content" / "articles").rglob("*.md")):
        i = int(file.stem.split("-")[1])
        text = file.read_text(encoding="utf-8")
        if i % 10 == 0:
            text += f"\n{STREETS[(i // 10) % 5]}的志愿者开展核酸检测。\n"
        elif i % 10 == 3:
            text += f"\n{STREETS[(i // 10 + 2) % 5][:2]}居民排队参加核酸采样，记者{REPORTERS[(i // 10) % 5]}报道。\n"
        elif i % 10 == 7:
            text = text.replace("号报道", "号报道：宝龙支援坂田", 1)
        if i >= 500:   # the second half a year later: two bundles
            text = text.replace("date: 2021-", "date: 2020-", 1)
        file.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[str, Path, Path]]]:
    """name -> (URL of the served site, its archive, its site folder)."""
    base = tmp_path_factory.mktemp("search")
    sample = copy_sample(base)   # base/archive
    generated = mention(make_archive(base / "generated", 1000))
    for root in (sample, generated):
        assert main(["--root", str(root), "--output", str(base / "www" / root.name), "-q"]) == 0
    with static_server(base / "www") as url:
        yield {root.name: (f"{url}{root.name}/", root, base / "www" / root.name) for root in (sample, generated)}


@pytest.mark.parametrize("name", ["archive", "generated"])
def test_every_known_name_finds_every_page_with_it(browser, sites, name: str) -> None:
    url, root, site = sites[name]
    pages = searchable_pages(site, root)
    words = [*registry_names(root), *archive_tags(root), *WORDS]
    assert "坂田" in words and len(words) > 20
    page = browser.new_page()
    page.set_default_timeout(30_000)
    misses = {}
    for word in words:
        text, filed = expected(pages, word)
        found = search(page, url, word)
        assert len(found) == len(set(found)), f"{word}: a page listed twice"
        if set(found) != text | filed:
            misses[word] = (sorted(text | filed - set(found)), sorted(set(found) - text - filed))
            continue
        # Pages that say the word come before pages only filed under it — within each year's
        # bundle (scores of two bundles are not comparable enough to promise it across them).
        for year in {year_of(path) for path in found}:
            mine = [path for path in found if year_of(path) == year]
            said = [path for path in mine if path in text]
            assert set(mine[:len(said)]) == set(said), f"{word}: a page without it ranks above one with it"
    assert not misses, f"missing, or found without the word: {misses}"
    page.close()


@pytest.mark.parametrize("query", ["115名", "2月19日", "2月18日晚"])
def test_a_query_ending_in_one_character_after_digits_finds_the_pages_with_it(browser, sites, query: str) -> None:
    """Counts and dates are what readers type most: the last character alone is indexed only
    where a run of characters ends, so "115名" found nothing in "115名机关干部"."""
    url, root, site = sites["archive"]
    text, _ = expected(searchable_pages(site, root), query)
    assert text
    page = browser.new_page()
    assert set(search(page, url, query)) == text
    assert search(page, url, query, "&sort=new")[:1] and set(search(page, url, query, "&sort=new")) == text
    page.close()


def test_a_renamed_reporter_is_found_by_the_old_name_too(browser, tmp_path: Path) -> None:
    """Old print editions carry the byline 张鹏: renamed 张朋鹏 (old_names: [张鹏]), a reader
    searching the name they read still finds the stories."""
    root = copy_sample(tmp_path)
    registry = root / "reporters.yaml"
    registry.write_text(registry.read_text(encoding="utf-8").replace(
        "{name: 张鹏, slug: zhang-peng,", "{name: 张朋鹏, old_names: [张鹏], slug: zhang-peng,"), encoding="utf-8")
    for story in (root / "content/articles").rglob("*.md"):
        story.write_text(story.read_text(encoding="utf-8").replace("张鹏", "张朋鹏"), encoding="utf-8")
    for sidecar in (root / "photos").rglob("*.yaml"):
        sidecar.write_text(sidecar.read_text(encoding="utf-8").replace("张鹏", "张朋鹏"), encoding="utf-8")
    assert main(["--root", str(root), "--output", str(tmp_path / "www" / "site"), "-q"]) == 0
    site = tmp_path / "www" / "site"
    filed = {p.path for p in searchable_pages(site, root) if "张朋鹏" in p.names}
    assert filed
    page = browser.new_page()
    with static_server(tmp_path / "www") as url:
        assert filed <= set(search(page, url + "site/", "张鹏"))
    page.close()


def test_issue_words_have_answers(sites) -> None:
    """The test above is not vacuous: the words of the issue are in both archives."""
    for name in ("archive", "generated"):
        _, root, site = sites[name]
        pages = searchable_pages(site, root)
        for word in [*WORDS, "坂田"]:
            text, _ = expected(pages, word)
            assert text, f"{name}: no page contains {word}"


def test_excerpt_shows_the_match_in_characters(browser, sites) -> None:
    url, _, _ = sites["archive"]
    page = browser.new_page()
    search(page, url, "核酸检测")
    marks = page.locator(".search-result .excerpt mark").all_inner_texts()
    assert marks and all(m == "核酸检测" for m in marks)
    excerpt = page.locator(".search-result .excerpt").first.inner_text()
    assert "z" not in excerpt.replace("…", ""), f"the index's spelling leaked into the excerpt: {excerpt}"
    page.close()


def test_from_disk_the_query_is_kept_with_the_browse_links(browser, tmp_path: Path) -> None:
    """file:// cannot load the index: the search page keeps what was typed in the header's
    box, says it, and offers the browse links."""
    root = copy_sample(tmp_path)
    out = tmp_path / "disk"
    assert main(["--root", str(root), "--output", str(out), "--file-urls", "-q"]) == 0
    page = browser.new_page()
    page.goto((out / "index.html").as_uri())
    page.fill("#q-header", "坂田")
    page.press("#q-header", "Enter")
    page.wait_for_selector("#search-unavailable", state="visible")
    assert page.url.startswith((out / "search" / "index.html").as_uri())
    assert page.input_value("#q-header") == "坂田", "the typed query stays in the box"
    notice = page.locator("#search-unavailable")
    assert "“坂田”" in notice.inner_text() and "服务器" in notice.inner_text()
    links = {a.inner_text(): a.get_attribute("href") for a in notice.locator("a").all()}
    assert {"街道", "记者", "日期"} <= set(links), links
    page.click("#search-unavailable a:text('街道')")
    assert page.url.endswith("/streets/index.html") and page.locator("main a", has_text="坂田街道").count() > 0
    page.close()


def test_an_edit_is_found_at_once_and_the_old_wording_is_not(browser, tmp_path: Path) -> None:
    """An editor corrects a story, withdraws one and turns one back into a draft; after each
    rebuild the search finds the new wording, and nothing of what is gone."""
    root = copy_sample(tmp_path)
    www = tmp_path / "www"

    def build() -> None:
        assert main(["--root", str(root), "--output", str(www / "site"), "-q"]) == 0

    def front(rel: str, extra: str) -> None:
        file = root / "content" / "articles" / rel
        text = file.read_text(encoding="utf-8")
        file.write_text(text.replace("\n---\n", f"\n{extra}\n---\n", 1), encoding="utf-8")

    build()
    page = browser.new_page()
    with static_server(www) as url:
        site = url + "site/"
        edited = "2022/02/21/party-volunteers/"
        assert edited in search(page, site, "火速下沉")
        year = www / "site" / "pagefind" / "2022"
        bundle = {p: p.read_bytes() for p in year.rglob("*") if p.is_file()}
        file = root / "content" / "articles" / "2022" / "02" / "party-volunteers.md"
        file.write_text(file.read_text(encoding="utf-8").replace("火速下沉", "星夜驰援"), encoding="utf-8")
        build()
        # Only the edit is indexed again: the year's bundle is as it was, its old entry hidden.
        assert {p: p.read_bytes() for p in year.rglob("*") if p.is_file()} == bundle
        assert (www / "site" / "pagefind" / "recent" / "pagefind.js").exists()
        assert search(page, site, "星夜驰援") == [edited], "the new wording is found"
        assert search(page, site, "火速下沉") == [], "the old wording is not"
        assert search(page, site, "坂田").count(edited) == 1, "the story is listed once"

        withdrawn, draft = "2022/02/20/henggang-support/", "2022/02/20/pingdi-support/"
        assert {withdrawn, draft} <= set(search(page, site, "坂田"))
        front("2022/02/henggang-support.md", "withdrawn: {date: 2022-03-05, reason: 报道所涉事实有误，本报已撤稿。}")
        front("2022/02/pingdi-support.md", "draft: true")
        build()
        found = search(page, site, "坂田")
        assert withdrawn not in found and draft not in found, "withdrawn and draft stories are gone at once"
    page.close()


def test_a_build_elsewhere_with_another_address_loses_no_story_from_search(browser, tmp_path: Path) -> None:
    """A publisher builds a copy for another address into another folder, then the site again:
    every page then differs from what the cache last indexed only in its address, which
    Pagefind does not index, so the bundle of recent changes holds the year's very entries
    (the same ids). Hiding the year's entries hid those too: every story left the search."""
    root = copy_sample(tmp_path)
    www = tmp_path / "www"
    settings = root / "site.yaml"
    address = settings.read_text(encoding="utf-8")

    def build(output: Path) -> None:
        assert main(["--root", str(root), "--output", str(output), "-q"]) == 0

    build(www / "site")
    page = browser.new_page()
    with static_server(www) as url:
        before = search(page, url + "site/", "坂田")
        newest = search(page, url + "site/", "坂田", "&sort=new")
        assert len(before) > 5 and sorted(newest) == sorted(before)
        settings.write_text(address.replace("base_url: https://news.example.org/",
                                            "base_url: https://mirror.example.net/news/"), encoding="utf-8")
        build(tmp_path / "mirror")
        settings.write_text(address, encoding="utf-8")
        build(www / "site")
        after = search(page, url + "site/", "坂田")
        assert sorted(after) == sorted(before), "every story is found, each once"
        assert search(page, url + "site/", "坂田", "&sort=new") == newest, "newest first, each once"
    page.close()
