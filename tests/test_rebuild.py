"""The rebuild decision (newsroom/rebuild.py) on its own: which case each kind of change is,
and which pages an edit in place renders again."""

from __future__ import annotations

import dataclasses

import pytest

from newsroom import depends, readers, rebuild
from newsroom.model import Article
from newsroom.pages import Page

BODY = depends.FIELDS[Article].index("body")
TITLE = depends.FIELDS[Article].index("title")
# Three pages: the article's own (reads its body and title), a list (its title), a page that
# reads nothing of it.
READ = [{"a|x.md": 1 << BODY | 1 << TITLE}, {"a|x.md": 1 << TITLE, "a|y.md": 1 << TITLE}, {"archive": 1}]
PLANNED = [Page("x/", "article.html", {}), Page("", "home.html", {}), Page("search/", "search.html", {})]
REMEMBERED = {page.file: f"c{i}" for i, page in enumerate(PLANNED)}


def _index() -> readers.Index:
    index = readers.Index()
    for page, deps in zip(PLANNED, READ, strict=True):
        index.add(page.file, deps)
    return readers.Index(index.saved(), index.ids)


CALM = rebuild.Changes(remembered=REMEMBERED, index=_index(), values={}, same_pages=True,
                       same_articles_shown=True, same_files=True, edited={"a|x.md": 1 << BODY},
                       edited_in_place=True)


def test_text_edits_in_place_render_only_the_pages_that_read_what_changed() -> None:
    assert CALM.case == rebuild.EDITED_IN_PLACE
    assert rebuild.decide(CALM, PLANNED, None).todo == [0]          # the body: its page
    retitled = dataclasses.replace(CALM, edited={"a|x.md": 1 << TITLE})
    assert rebuild.decide(retitled, PLANNED, None).todo == [0, 1]   # the title: the list too
    # (a page deleted by hand from the site's manifest changes the manifest: the pages are not
    # remembered then, and everything is decided again: test_incremental)


def test_without_a_usable_memory_everything_is_rendered() -> None:
    assert dataclasses.replace(CALM, remembered={}).case == rebuild.EVERYTHING


@pytest.mark.parametrize("change", [
    {"same_pages": False},             # a page added or removed (a new term, a longer list)
    {"same_articles_shown": False},    # an article published, unpublished or scheduled
    {"same_files": False},             # a file added or removed, a photo changed
    {"edited_in_place": False},        # an edit that moves the article (date, street …)
    {"edits_known": False},            # the last build wrote no pages (a check, a failed build)
], ids=lambda change: next(iter(change)))
def test_any_other_change_rechecks_every_page(change) -> None:
    assert dataclasses.replace(CALM, **change).case == rebuild.RECHECK


def test_the_index_gives_back_who_read_what() -> None:
    index = _index()
    ids = [index.ids[page.file] for page in PLANNED]
    assert index.readers("a|x.md", 1 << TITLE) == {ids[0], ids[1]}
    assert index.readers("a|x.md", 1 << BODY) == {ids[0]}
    assert index.readers("a|x.md", 1 << TITLE, exact=True) == {ids[1]}
    assert set(index.masks()) == {("a|x.md", 1 << BODY | 1 << TITLE), ("a|x.md", 1 << TITLE), ("a|y.md", 1 << TITLE),
                                  ("archive", 1)}
    index.add("new/index.html", {"a|x.md": 1 << BODY})   # a page added: a new id, none moved
    index.saved()
    assert index.readers("a|x.md", 1 << BODY) == {ids[0], index.ids["new/index.html"]} and ids == [0, 1, 2]


def test_a_page_rendered_again_keeps_one_code_per_read_in_a_big_index() -> None:
    # Many pages read the archive, as every page of a big site does; three are then rendered
    # again: one reads what it read before, two read more.
    index = readers.Index()
    for n in range(5000):
        index.add(f"p{n}/index.html", {"archive": 1})
    index.saved()
    again = readers.Index(index.codes, index.ids)
    again.add("p7/index.html", {"archive": 1})
    again.add("p9/index.html", {"archive": 3})
    # Page 1 reading fields 5: its code's bytes are those across page 5's code and page 6's
    # (little-endian: fields, then page id), but at no multiple of 8, so it is not there yet.
    assert ((1 << 32) | 5).to_bytes(8, "little") in index.codes["archive"]
    again.add("p1/index.html", {"archive": 5})
    codes = again.saved()["archive"]
    assert len(codes) == 8 * 5002
    assert again.readers("archive", 2) == {9} and again.readers("archive", 4) == {1}
