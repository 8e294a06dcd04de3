"""Stories withdrawn taken out of the kept plan's lists, their pages made notices
(withdrawals.py), instead of a plan made afresh: the plan, page by page, the site, file by
file, and the problems are what a clean build gives."""

from __future__ import annotations

from pathlib import Path

from conftest import copy_sample
from test_additions import _generated, build, story_showing_photos
from test_correcting import _front_matter
from test_removals import _same_as_clean

from newsroom import urls

WITHDRAWN = "withdrawn: {date: 2026-01-01T09:00:00+08:00, reason: 报道所涉事实有误，已撤稿。}\n"


def _links(root: Path, path: str) -> str:
    return (root / "site" / path / "index.html").read_text(encoding="utf-8")


def test_stories_withdrawn_leave_the_kept_plans_lists_and_keep_their_addresses_with_a_notice(tmp_path: Path) -> None:
    root = _generated(tmp_path)
    stories = build(root).records["archive"].articles
    steps = [   # (stories withdrawn at once, patched?)
        ((stories[10],), True),               # in print, like every story of the generated archive
        ((stories[4],), True),                # newer than the first: its notice goes before it
        ((stories[30], stories[31]), True),   # two at once
        ((stories[-1],), True),               # the oldest: its month may be left empty
    ]
    for n, (taken, patched) in enumerate(steps):
        for story in taken:
            _front_matter(root / story.source, WITHDRAWN)
        result = build(root)
        assert result.records["patched"] is patched, n
        _same_as_clean(root, result)
        for story in taken:
            notice = _links(root, urls.article(story))
            assert "本文已撤稿" in notice and "报道所涉事实有误" in notice, n
            assert f"/{story.slug}/" not in _links(root, ""), n   # in no list
    withdrawn = [page.path for page in result.records["planned"] if page.template == "withdrawn.html"]
    assert len(withdrawn) == 5
    # Put back (withdrawn no more), one and then two at once: in every list again.
    for n, back in enumerate([(stories[4],), (stories[30], stories[-1])]):
        for story in back:
            text = (root / story.source).read_text(encoding="utf-8")
            (root / story.source).write_text(text.replace(WITHDRAWN, ""), encoding="utf-8")
        result = build(root)
        assert result.records["patched"], n
        _same_as_clean(root, result)
        assert "本文已撤稿" not in _links(root, urls.article(back[0]))
    assert f"/{stories[4].slug}/" in _links(root, "")


def test_a_story_showing_photos_is_withdrawn_and_put_back_with_the_photo_it_dates(tmp_path: Path) -> None:
    """Withdrawn, it no longer dates its undated photo (its only story): the photo archive's
    order, the photo's page and its photographer's photo list change; put back, they are as
    before. Both in the kept plan, both as a clean build makes them."""
    root = _generated(tmp_path)
    stories = build(root).records["archive"].articles
    file = story_showing_photos(root, stories[30])   # (its photographer's photos change with it)
    build(root)
    shown_text = file.read_text(encoding="utf-8")
    photo_page = _links(root, "photos/2024-12-undated")
    assert "/shows/" in photo_page
    _front_matter(file, WITHDRAWN)
    result = build(root)
    assert result.records["patched"]
    _same_as_clean(root, result)
    assert "/shows/" not in _links(root, "photos/2024-12-undated")
    file.write_text(shown_text, encoding="utf-8")
    result = build(root)
    assert result.records["patched"]
    _same_as_clean(root, result)
    assert _links(root, "photos/2024-12-undated") == photo_page


def test_a_persons_page_keeps_answering_when_their_only_story_is_withdrawn(tmp_path: Path) -> None:
    """蔡逸夫's one story withdrawn: the address of his page, once published, still answers
    (README: after publication), listing no story; the story leaves the print page its
    edition file names; put back, it returns to both. Each build as a clean one makes it."""
    root = copy_sample(tmp_path)
    build(root)
    story = root / "content" / "articles" / "2022" / "02" / "pingdi-support.md"
    original = story.read_text(encoding="utf-8")
    for step, listed in (("withdrawn", False), ("put back", True)):
        if listed:
            story.write_text(original, encoding="utf-8")
        else:
            _front_matter(story, WITHDRAWN)
        result = build(root)
        _same_as_clean(root, result)
        person = _links(root, "reporters/cai-yifu")
        assert "蔡逸夫" in person and ("pingdi-support" in person) is listed, step
        assert ("pingdi-support" in _links(root, "editions/2022/02/22/03")) is listed, step
        assert "蔡逸夫" in _links(root, "reporters"), step
        feed = (root / "site" / "reporters" / "cai-yifu" / "feed.xml").read_text(encoding="utf-8")
        assert ("pingdi-support" in feed) is listed, step   # the feed keeps answering, empty
