"""Pagination: which items are on which page, and which page numbers the pager shows.

Pages are counted from the oldest: page 1 holds a list's oldest items, and a page, once full,
keeps its items and its number as stories are added; the list's first page (number 0, at the
list's own path) holds the newest, between one and two pages' worth."""

from __future__ import annotations

import pytest
from archive_gen import make_archive
from bs4 import BeautifulSoup

from newsroom.cli import main
from newsroom.pages import paginate, window


@pytest.mark.parametrize("number, last, shown", [
    (0, 0, (0,)),                                  # one page: no pager
    (0, 1, (0, 1)),
    (1, 1, (0, 1)),
    (0, 5, (0, 5, 4, 3, None, 1)),
    (3, 5, (0, 5, 4, 3, 2, 1)),
    (5, 5, (0, 5, 4, 3, None, 1)),
    (5, 10, (0, None, 7, 6, 5, 4, 3, None, 1)),
    (1, 10, (0, None, 3, 2, 1)),
    (7, 10, (0, None, 9, 8, 7, 6, 5, None, 1)),
    (8, 10, (0, 10, 9, 8, 7, 6, None, 1)),
    (4, 10, (0, None, 6, 5, 4, 3, 2, 1)),         # 2 is in reach: no gap before 1
])
def test_window(number: int, last: int, shown: tuple) -> None:
    assert window(number, last) == shown


def test_window_of_a_page_far_from_the_newest_does_not_change_as_pages_are_added() -> None:
    assert {window(5, last) for last in range(8, 40)} == {(0, None, 7, 6, 5, 4, 3, None, 1)}


def test_window_size() -> None:
    assert window(5, 10, 1) == (0, None, 6, 5, 4, None, 1)
    assert window(5, 10, 0) == (0, None, 5, None, 1)


@pytest.mark.parametrize("n, size, chunks", [
    (0, 2, [0]),            # an empty list still has its first page
    (1, 2, [1]),
    (2, 2, [2]),
    (3, 2, [3]),            # the first page holds what is not a full page of its own
    (4, 2, [2, 2]),
    (5, 2, [3, 2]),
    (10, 10, [10]),
    (19, 10, [19]),
    (20, 10, [10, 10]),
    (35, 10, [15, 10, 10]),
])
def test_paginate_splits_in_order(n: int, size: int, chunks: list[int]) -> None:
    items = tuple(range(n))   # newest first
    pages = paginate(items, size, "tags/x/")
    assert [len(chunk) for _, chunk in pages] == chunks
    assert [i for _, chunk in pages for i in chunk] == list(items)
    numbers = [p.number for p, _ in pages]
    assert numbers == [0, *range(len(chunks) - 1, 0, -1)]
    assert [p.path(p.number) for p, _ in pages] == ["tags/x/"] + [f"tags/x/page/{i}/" for i in numbers[1:]]
    assert [p.total for p, _ in pages] == [n] + [None] * (len(chunks) - 1)   # the count: first page only


def test_newer_and_older_link_the_pages_in_order() -> None:
    pages = [pager for pager, _ in paginate(tuple(range(35)), 10, "streets/bantian/")]
    first, top, oldest = pages[0], pages[1], pages[-1]
    assert (first.newer, first.older) == (None, "streets/bantian/page/2/")
    assert (top.number, top.newer, top.older) == (2, "streets/bantian/", "streets/bantian/page/1/")
    assert (oldest.number, oldest.newer, oldest.older) == (1, "streets/bantian/page/2/", None)
    home = paginate(tuple(range(20)), 10, "")[1][0]
    assert home.newer == "" and home.path(1) == "page/1/"   # '' is the home page, not "no page"


def test_a_full_page_keeps_its_items_and_its_pager_as_stories_are_added() -> None:
    """What the scheme is for: a new story changes the first page and the pagers near the
    newest full page, not every page of the list (1,000 home pages at 10,000 articles)."""
    def pages(n: int) -> dict[str, tuple]:
        items = tuple(range(n, 0, -1))   # newest (highest) first
        return {pager.path(pager.number): (pager, chunk) for pager, chunk in paginate(items, 10, "")}
    before, after = pages(200), pages(201)
    changed = {path for path in after if before.get(path) != after[path]}
    assert changed == {""}
    before, after = pages(209), pages(210)   # the first page's oldest ten become page 20
    changed = {path for path in after if before.get(path) != after[path]}
    assert changed == {"", "page/20/", "page/19/", "page/18/", "page/17/"}
    assert after["page/1/"][1] == tuple(range(10, 0, -1))


def test_each_page_of_a_list_has_its_own_title(tmp_path) -> None:
    # Page 2 of a street repeated page 1's title (its heading said 第2页); the home page's said
    # "档案 · 档案": in tabs, bookmarks and search results they could not be told apart
    root = make_archive(tmp_path / "archive", 25, photos=False)
    settings = root / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("page_size: 10", "page_size: 2"), encoding="utf-8")
    assert main(["--root", str(root), "-q"]) == 0
    site = root / "site"

    def title(page: str) -> str:
        return BeautifulSoup((site / page / "index.html").read_text(encoding="utf-8"), "html.parser").title.string

    name = title("")
    assert title("page/1") == f"第1页 · {name}"
    street = next(p for p in (site / "streets").iterdir() if (p / "page/1/index.html").is_file())
    first = title(f"streets/{street.name}")
    assert title(f"streets/{street.name}/page/1") == first.replace(f" · {name}", f" · 第1页 · {name}")
    assert first != title(f"streets/{street.name}/page/1")
