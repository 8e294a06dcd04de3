"""The rebuild decision (newsroom/rebuild.py) on its own: which case each kind of change is."""

from __future__ import annotations

import dataclasses

import pytest

from newsroom import rebuild

CALM = rebuild.Changes(remembered={"index.html": "f"}, same_pages=True, same_articles_shown=True,
                       same_files=True, edited=("content/a.md",), edited_in_place=True,
                       placed={"content/a.md": (0,)})


def test_text_edits_in_place_fingerprint_only_the_pages_that_showed_them() -> None:
    assert CALM.case == rebuild.EDITED_IN_PLACE


def test_without_a_usable_memory_everything_is_rendered() -> None:
    assert dataclasses.replace(CALM, remembered={}).case == rebuild.EVERYTHING


@pytest.mark.parametrize("change", [
    {"same_pages": False},             # a page added or removed (a new term, a longer list)
    {"same_articles_shown": False},    # an article published, unpublished or scheduled
    {"same_files": False},             # a file added or removed, a photo changed
    {"edited_in_place": False},        # an edit that moves the article (date, street …)
    {"placed": {}},                    # the last build wrote no pages (a check, a failed build)
], ids=lambda change: next(iter(change)))
def test_any_other_change_fingerprints_every_page(change) -> None:
    assert dataclasses.replace(CALM, **change).case == rebuild.RECHECK
