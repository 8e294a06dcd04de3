"""Stories given another time of the same day in the kept plan (retiming.py) instead of a
plan made afresh: the plan, page by page, the site, file by file, and the problems are what
a clean build gives."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from test_additions import _generated, build, story
from test_removals import _same_as_clean

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
    # Onto another day: its address moves (planned afresh).
    text = first.read_text(encoding="utf-8")
    day = re.search(r"^date: (\d{4}-\d\d-\d\d)", text, re.M)[1]
    first.write_text(text.replace(f"date: {day}", f"date: {day[:8]}{'01' if day[8:] != '01' else '02'}", 1),
                     encoding="utf-8")
    result = build(root)
    assert not result.records["patched"]
    _same_as_clean(root, result)
