"""Stories corrected in the kept plan (correcting.py) instead of a plan made afresh: the
plan, page by page, the site, file by file, and the problems are what a clean build gives."""

from __future__ import annotations

from pathlib import Path

from test_additions import _generated, build
from test_removals import _same_as_clean


def _front_matter(file: Path, lines: str) -> None:
    """Lines added at the end of the story's front matter."""
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("\n---\n", f"\n{lines}---\n", 1), encoding="utf-8")


def test_corrections_are_put_into_the_kept_plan_and_published_as_a_clean_build_does(tmp_path: Path) -> None:
    root = _generated(tmp_path)
    stories = build(root).records["archive"].articles
    first, second, third = (root / stories[i].source for i in (7, 60, 61))
    steps = [
        (first, "corrections:\n  - {date: 2026-01-05T10:00:00+08:00, text: 原文称走访三次，应为五次。}\n"),
        (second, "updated: 2026-02-01T09:00:00+08:00\n"),
        (third, "corrections:\n  - {date: 2026-01-06T10:00:00+08:00, text: 人名有误，已更正。}\n"
                "  - {date: 2026-01-07T10:00:00+08:00, text: 数字有误，已更正。}\n"),
    ]
    for file, lines in steps:
        _front_matter(file, lines)
        result = build(root)
        assert result.records["patched"], file
        _same_as_clean(root, result)
    listed = (root / "site" / "corrections" / "index.html").read_text(encoding="utf-8")
    assert "原文称走访三次" in listed and "数字有误" in listed
    # A correction's text corrected, and another dropped, in one build with a new title.
    text = third.read_text(encoding="utf-8").replace("人名有误，已更正。", "人名及职务有误，已更正。")
    text = text.replace("  - {date: 2026-01-07T10:00:00+08:00, text: 数字有误，已更正。}\n", "")
    third.write_text(text.replace("\ntitle: ", "\ntitle: （更正）", 1), encoding="utf-8")
    result = build(root)
    assert result.records["patched"]
    _same_as_clean(root, result)
    assert "数字有误" not in (root / "site" / "corrections" / "index.html").read_text(encoding="utf-8")


def test_a_withdrawn_storys_correction_is_planned_afresh(tmp_path: Path) -> None:
    root = _generated(tmp_path)
    story = root / build(root).records["archive"].articles[9].source
    _front_matter(story, "withdrawn: {date: 2026-01-01T09:00:00+08:00, reason: 报道有误，已撤稿。}\n")
    build(root)
    _front_matter(story, "corrections:\n  - {date: 2026-01-05T10:00:00+08:00, text: 撤稿说明有误。}\n")
    result = build(root)
    assert not result.records["patched"]
    _same_as_clean(root, result)


def test_a_correction_beside_a_new_front_page_choice_makes_the_home_pages_too(tmp_path: Path) -> None:
    root = _generated(tmp_path)
    stories = build(root).records["archive"].articles
    correction = "corrections:\n  - {date: 2026-01-05T10:00:00+08:00, text: 原文称走访三次，应为五次。}\n"
    steps = [lambda: (root / "front.yaml").write_text(f"- {stories[30].source}\n", encoding="utf-8"),
             lambda: (root / "front.yaml").unlink(),
             lambda: _front_matter(root / stories[40].source, "featured: 1\n")]
    for n, choose in enumerate(steps):
        _front_matter(root / stories[7 + n].source, correction)
        choose()
        result = build(root)
        assert result.records["patched"], n
        _same_as_clean(root, result)
