"""Stories given another time of the same day in the kept plan (retiming.py) instead of a
plan made afresh: the plan, page by page, the site, file by file, and the problems are what
a clean build gives."""

from __future__ import annotations

import posixpath
import re
from datetime import timedelta
from pathlib import Path

from test_additions import _generated, build, story, story_showing_photos
from test_removals import _same_as_clean

from bench.corpus import redate_article
from newsroom import urls


def _retime(file: Path, clock: str) -> None:
    """The story's date at `clock` (HH:MM:SS) of its own day."""
    text = file.read_text(encoding="utf-8")
    file.write_text(re.sub(r"^(date: \d{4}-\d\d-\d\dT)\d\d:\d\d:\d\d", rf"\g<1>{clock}", text, count=1, flags=re.M),
                    encoding="utf-8")


def _print_order(root: Path, path: str) -> list[str]:
    page = (root / "site" / path / "index.html").read_text(encoding="utf-8")
    return re.findall(r'<h2><a href="[^"]*/([^/"]+)/">', page)


def test_stories_retimed_are_moved_in_the_kept_plan_as_a_clean_build_places_them(tmp_path: Path) -> None:
    root = _generated(tmp_path)
    made = build(root).records
    stories = made["archive"].articles
    edition = next(e for e in made["printed"].editions[10:]
                   if made["archive"].article_by_id[e.pages[0].stories[0]].date.hour < 20)
    like = made["archive"].article_by_id[edition.pages[0].stories[0]]
    when = like.date + timedelta(minutes=30)
    story(root, "same-page", like, when, f"print: {{page: {edition.pages[0].number}}}\n")   # after it on its page
    build(root)
    page = urls.print_page(edition.pages[0])
    first, second = (root / stories[i].source for i in (40, 41))
    steps = [   # (file, its new time, planned afresh?)
        (first, "00:00:01", False),        # the first of its day
        (first, "23:59:58", False),        # the last
        (second, "23:59:58", False),       # the same time as another: then by slug
        (root / like.source, "23:00:00", False),   # after the other story on its print page
        (second, "12:00:00", False),
    ]
    for n, (file, clock, afresh) in enumerate(steps):
        _retime(file, clock)
        result = build(root)
        assert result.records["patched"] is not afresh, n
        _same_as_clean(root, result)
        if n == 3:
            assert _print_order(root, page) == ["same-page", like.slug]
    # Onto another day: its address moves, the old one redirecting (patched too).
    redate_article(first, 1)
    result = build(root)
    assert result.records["patched"]
    _same_as_clean(root, result)


def _refresh(root: Path, path: str) -> str | None:
    """Where the page at `path` of the built site redirects to (its meta refresh), if it does."""
    page = root / "site" / path / "index.html"
    found = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', page.read_text(encoding="utf-8")) \
        if page.exists() else None
    return posixpath.normpath(posixpath.join(path, found[1])) + "/" if found else None


def test_stories_dated_another_day_move_in_the_kept_plan_and_their_old_addresses_redirect(tmp_path: Path) -> None:
    root = _generated(tmp_path)
    stories = build(root).records["archive"].articles
    story(root, "plain", stories[30], stories[30].date + timedelta(minutes=10))   # not in print
    made = build(root).records
    stories = made["archive"].articles
    printed = next(s for s in stories[20:] if s.prints and s.date.month == (s.date + timedelta(days=1)).month)
    plain = next(s for s in stories if s.slug == "plain")
    alone = stories[-1]   # the oldest: its month and year hold few others
    steps = [   # (story, days later)
        (plain, 1),        # the next day: its neighbours, its month's list
        (plain, -1),       # back: the address it had, the redirect the other way
        (printed, 1),      # in print on its own day's edition: it moves to the next day's
        (plain, 40),       # another month
        (alone, 400),      # another year: its old month and year may be left empty
    ]
    archive = made["archive"]
    for n, (moving, days) in enumerate(steps):
        was = urls.article(archive.article_by_id[archive.article_by_source[moving.source]])
        redate_article(root / moving.source, days)
        result = build(root)
        assert result.records["patched"], n
        _same_as_clean(root, result)
        archive = result.records["archive"]
        moved_to = urls.article(archive.article_by_id[archive.article_by_source[moving.source]])
        assert moved_to != was and (root / "site" / moved_to / "index.html").exists()
        assert _refresh(root, was) == moved_to, n   # the old address leads to the new one
        assert f"/{was}" in (root / "moved.yaml").read_text(encoding="utf-8")
        assert [note.params for note in result.notes] == [{"old": was, "new": moved_to}], n
    # The next build, which keeps the plan, says nothing of the moves the last one recorded.
    (root / plain.source).write_text((root / plain.source).read_text(encoding="utf-8") + "更正。\n", encoding="utf-8")
    result = build(root)
    assert result.plan_kept and result.notes == []


def test_a_story_showing_photos_is_retimed_and_redated_with_the_photo_it_dates(tmp_path: Path) -> None:
    """Its undated photo is dated by it (the first story showing it): the photo archive's order
    and its terms' photo lists move with it; the photo's page lists it at its new address."""
    root = _generated(tmp_path)
    stories = build(root).records["archive"].articles
    file = story_showing_photos(root, stories[30])   # (its photographer's photos move with it)
    build(root)
    for n, change in enumerate([lambda: _retime(file, "00:00:02"), lambda: redate_article(file, 1),
                                lambda: redate_article(file, -60)]):
        change()
        result = build(root)
        assert result.records["patched"], n
        _same_as_clean(root, result)
