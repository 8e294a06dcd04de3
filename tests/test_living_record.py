"""The living record end to end: a small archive edited over several builds (a slug, a date, a
moved file, a renamed street, a correction, a withdrawal, then site/ and .cache/ deleted).
After every build, every address ever published still answers, with the story, a redirect to
it, or its withdrawal notice; and the incremental build equals a clean one, file for file."""

from __future__ import annotations

import shutil
from pathlib import Path

from archive_gen import site_files as files
from living_archive import article_paths, build, edit, make, page, refresh_target, write

STEPS = ("slug", "date", "move", "rename street", "correction", "withdraw", "delete site and cache")


def apply(root: Path, step: str) -> None:
    if step == "slug":
        edit(root, "2022/02/checkpoint.md", "title:", "slug: night-checkpoint\ntitle:")
    elif step == "date":
        edit(root, "2022/02/testing.md", "date: 2022-02-20", "date: 2022-02-19")
    elif step == "move":
        old = root / "content/articles/2022/03/market.md"
        text = old.read_text(encoding="utf-8")
        old.unlink()
        write(root, "2022/02/bantian-market.md", "").write_text(text, encoding="utf-8")
    elif step == "rename street":
        (root / "streets.yaml").write_text("- {name: 坂田街道, slug: bantian}\n- name: 南湾社区\n"
                                           "  old_names: [南湾街道]\n", encoding="utf-8")
    elif step == "correction":
        edit(root, "2022/02/testing.md", "title:", "corrections:\n  - {date: 2022-02-24, text: 检测点数量应为3个。}\n"
                                                    "title:")
    elif step == "withdraw":
        edit(root, "2022/02/bantian-market.md", "title:", "withdrawn: {date: 2022-03-10, reason: 内容不实。}\ntitle:")
    else:
        shutil.rmtree(root / "site")
        shutil.rmtree(root / ".cache")


def answers(site: Path, path: str) -> str:
    """What a reader finds at `path`: 'story', 'withdrawn' or 'list' (following one redirect)."""
    soup = page(site, path)
    assert soup is not None, f"/{path} answers 404"
    target = refresh_target(soup, path)
    if target is not None:
        soup = page(site, target)
        assert soup is not None and refresh_target(soup, target) is None, f"/{path} -> /{target}: nothing, or a chain"
    if soup.select_one(".story .story-body"):
        return "story"
    if soup.select_one(".withdrawn .notice"):
        return "withdrawn"
    assert soup.select_one("main h1"), f"/{path} shows no page"
    return "list"


def test_every_address_ever_published_answers_across_builds(tmp_path: Path, capsys) -> None:
    root = make(tmp_path / "archive")
    site = root / "site"
    assert build(root) == 0
    stories = article_paths(site)
    terms = {"streets/nan-wan-jie-dao/", "streets/nan-wan-jie-dao/feed.xml", "streets/bantian/"}
    for step in STEPS:
        apply(root, step)
        assert build(root) == 0, step
        stories |= article_paths(site)
        found = {path: answers(site, path) for path in sorted(stories)}
        assert set(found.values()) <= {"story", "withdrawn"}, (step, found)
        assert all((site / (t + "index.html" if t.endswith("/") else t)).is_file() for t in terms), step
        # The incremental build is what a clean build makes.
        clean = tmp_path / f"clean-{STEPS.index(step)}"
        assert build(root, "--output", str(clean)) == 0
        assert files(site) == files(clean), step
    # The withdrawn story's two addresses (it moved first) both show its notice.
    assert {p for p, what in found.items() if what == "withdrawn"} == {"2022/03/02/market/", "2022/03/02/bantian-market/"}
    assert answers(site, "streets/nan-wan-jie-dao/") == "list"
    out = capsys.readouterr().out
    assert "moved: /2022/02/21/checkpoint/ -> /2022/02/21/night-checkpoint/" in out
    assert "moved: /2022/02/20/testing/ -> /2022/02/19/testing/" in out
    assert "moved: /2022/03/02/market/ -> /2022/03/02/bantian-market/" in out
