"""Pagination: which items are on which page, and which page numbers the pager shows."""

from __future__ import annotations

import pytest

from newsroom.pages import Pager, paginate


def pager(number: int, count: int, base: str = "streets/bantian/") -> Pager:
    return Pager(number, count, base, total=count * 10)


@pytest.mark.parametrize("number, count, shown", [
    (1, 1, [1]),
    (1, 2, [1, 2]),
    (1, 5, [1, 2, 3, None, 5]),
    (3, 5, [1, 2, 3, 4, 5]),
    (1, 10, [1, 2, 3, None, 10]),
    (5, 10, [1, None, 3, 4, 5, 6, 7, None, 10]),
    (10, 10, [1, None, 8, 9, 10]),
    (4, 10, [1, 2, 3, 4, 5, 6, None, 10]),     # no gap of one page: 2 is shown, not '…'
    (7, 10, [1, None, 5, 6, 7, 8, 9, 10]),
])
def test_window(number: int, count: int, shown: list) -> None:
    assert pager(number, count).window() == shown


def test_window_size() -> None:
    assert pager(5, 10).window(1) == [1, None, 4, 5, 6, None, 10]
    assert pager(5, 10).window(0) == [1, None, 5, None, 10]


def test_pager_paths_newer_and_older() -> None:
    first, middle, last = pager(1, 3), pager(2, 3), pager(3, 3)
    assert first.path(1) == "streets/bantian/" and first.path(3) == "streets/bantian/page/3/"
    assert (first.newer, first.older) == (None, "streets/bantian/page/2/")
    assert (middle.newer, middle.older) == ("streets/bantian/", "streets/bantian/page/3/")
    assert (last.newer, last.older) == ("streets/bantian/page/2/", None)
    home = pager(2, 2, base="")
    assert home.newer == "" and home.path(2) == "page/2/"   # '' is the home page, not "no page"


@pytest.mark.parametrize("n, size, chunks", [
    (0, 2, [0]),            # an empty list still has its page 1
    (1, 2, [1]),
    (2, 2, [2]),
    (3, 2, [2, 1]),
    (5, 2, [2, 2, 1]),
    (10, 10, [10]),
    (11, 10, [10, 1]),
])
def test_paginate_splits_in_order(n: int, size: int, chunks: list[int]) -> None:
    items = tuple(range(n))
    pages = paginate(items, size, "tags/x/")
    assert [len(chunk) for _, chunk in pages] == chunks
    assert [i for _, chunk in pages for i in chunk] == list(items)
    assert [(p.number, p.count, p.total) for p, _ in pages] == [(i, len(chunks), n) for i in range(1, len(chunks) + 1)]
    assert [p.path(p.number) for p, _ in pages] == ["tags/x/"] + [f"tags/x/page/{i}/" for i in range(2, len(chunks) + 1)]
