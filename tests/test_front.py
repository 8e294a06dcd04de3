"""The front page of a paper: a lead story with its photo, secondary stories the editor
chose (`featured:` or front.yaml; by default the newest with a photo leads), the latest
stories, a block per street and the latest photos. Edits to the choice rebuild the home
page; nothing else is rewritten."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import copy_sample

from newsroom import builder, config
from newsroom.cli import main

BANTIAN = "content/articles/2022/02/bantian-frontline.md"      # has a photo
HENGGANG = "content/articles/2022/02/henggang-support.md"
NOW = datetime.fromisoformat("2022-03-01T12:00:00+08:00")


def build(root: Path) -> builder.BuildResult:
    cfg, problems = config.load(root)
    result = builder.build(cfg, problems, builder.Options(jobs=1), now=NOW)
    assert result.ok, [str(p) for p in result.problems]
    return result


def home(root: Path) -> BeautifulSoup:
    return BeautifulSoup((root / "site" / "index.html").read_bytes(), "html.parser")


def titles(root: Path) -> dict[str, str]:
    """File -> title, from the front matter."""
    found = {}
    for file in (root / "content" / "articles").rglob("*.md"):
        line = next(x for x in file.read_text(encoding="utf-8").splitlines() if x.startswith("title:"))
        found[file.relative_to(root).as_posix()] = line.removeprefix("title:").strip()
    return found


def set_field(root: Path, rel: str, line: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n---\n", f"\n{line}\n---\n", 1), encoding="utf-8")


def front(doc: BeautifulSoup) -> tuple[str, list[str]]:
    lead = doc.select_one(".front .lead-story .lead-title").get_text(strip=True)
    return lead, [h.get_text(strip=True) for h in doc.select(".front .secondary .item-title")]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_sample(tmp_path)


def test_without_a_choice_the_newest_story_with_a_photo_leads(root: Path) -> None:
    build(root)
    doc = home(root)
    lead = doc.select_one(".front .lead-story")
    assert lead.select_one(".lead-picture img[fetchpriority=high]"), "a large photo, loaded first"
    assert lead.select_one(".summary").get_text(strip=True)
    lead_title, secondary = front(doc)
    assert 2 <= len(secondary) <= 4
    blocks = doc.select(".street-blocks .street-block")
    assert blocks and all(1 <= len(b.select("li")) <= 5 for b in blocks)
    assert doc.select(".photo-grid li"), "the latest photos"


def test_featured_stories_lead_in_their_order(root: Path) -> None:
    set_field(root, HENGGANG, "featured: 1")
    set_field(root, BANTIAN, "featured: 2")
    build(root)
    lead, secondary = front(home(root))
    names = titles(root)
    assert lead == names[HENGGANG], "a story without a photo leads when the editor says so"
    assert secondary[0] == names[BANTIAN]


def test_featured_true_comes_after_the_numbered_places_newest_first(root: Path) -> None:
    """README: `true` after the numbered ones, newest first; a newer `true` story does not
    take the lead from `featured: 1`."""
    set_field(root, HENGGANG, "featured: 1")                                    # 2022-02-20, the oldest
    set_field(root, "content/articles/2022/02/yuanshan-support.md", "featured: true")   # 02-20
    set_field(root, "content/articles/2022/02/baolong-support.md", "featured: true")    # 02-21, the newest
    set_field(root, "content/articles/2022/02/pingdi-support.md", "featured: 2")
    build(root)
    lead, secondary = front(home(root))
    names = titles(root)
    assert lead == names[HENGGANG]
    assert secondary[:3] == [names["content/articles/2022/02/pingdi-support.md"],
                             names["content/articles/2022/02/baolong-support.md"],
                             names["content/articles/2022/02/yuanshan-support.md"]]


def test_front_yaml_names_the_stories_in_order(root: Path) -> None:
    set_field(root, HENGGANG, "featured: 1")     # front.yaml wins over featured:
    (root / "front.yaml").write_text(f"- {BANTIAN}\n- 2022/02/henggang-support.md\n- {BANTIAN}\n",
                                     encoding="utf-8")
    build(root)
    lead, secondary = front(home(root))
    names = titles(root)
    assert lead == names[BANTIAN] and secondary[0] == names[HENGGANG]


def test_a_story_listed_twice_or_beyond_the_front_pages_room_is_said(root: Path, capsys) -> None:
    # Shown once, or not at all: the editor hears of it rather than counting on the story
    stories = sorted(p.relative_to(root).as_posix() for p in (root / "content/articles").rglob("*.md"))
    others = [s for s in stories if s != BANTIAN][:5]
    listed = [BANTIAN, "2022/02/bantian-frontline.md", *others]
    (root / "front.yaml").write_text("".join(f"- {name}\n" for name in listed), encoding="utf-8")
    assert main(["check", "--root", str(root), "--lang", "en"]) == 0
    err = capsys.readouterr().err
    assert ("front.yaml:2: warning: '2022/02/bantian-frontline.md' is listed twice (first on line 1): "
            "shown once") in err
    assert (f"front.yaml:7: warning: the front page shows the lead and 4 more stories: '{others[4]}' and the "
            "ones after it are not shown") in err
    build(root)
    lead, secondary = front(home(root))
    names = titles(root)
    assert lead == names[BANTIAN] and secondary == [names[s] for s in others[:4]]


def test_a_story_front_yaml_cannot_find_is_an_error_with_its_line(root: Path, capsys) -> None:
    (root / "front.yaml").write_text(f"- {BANTIAN}\n- 2022/02/bantian-frontlin.md\n", encoding="utf-8")
    assert main(["check", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert (f"front.yaml:2: error: no published story '2022/02/bantian-frontlin.md' — did you mean "
            f"'{BANTIAN}'?") in err


@pytest.mark.parametrize("taken_out", ["deleted", "made a draft"])
def test_a_picked_story_taken_out_is_an_error_in_an_edit_as_in_a_clean_build(root: Path, capsys,
                                                                              taken_out: str) -> None:
    # A plain story (no corrections, links or print page), which an edit takes out of the kept plan.
    plain = root / "content/articles/2022/02/plain.md"
    plain.write_text("---\ntitle: 一则短讯\ndate: 2022-02-25T09:00:00+08:00\nreporter: 张鹏\nstreet: 坂田街道\n"
                     "---\n短讯正文。\n", encoding="utf-8")
    (root / "front.yaml").write_text(f"- 2022/02/plain.md\n- {BANTIAN}\n", encoding="utf-8")
    build(root)
    home_before = (root / "site" / "index.html").read_bytes()
    if taken_out == "deleted":
        os.remove(plain)
    else:
        set_field(root, plain.relative_to(root).as_posix(), "draft: true")
    capsys.readouterr()
    assert main(["--root", str(root)]) == 1
    assert "front.yaml:1: error: no published story '2022/02/plain.md'" in capsys.readouterr().err
    assert (root / "site" / "index.html").read_bytes() == home_before, "the published site is kept"


def test_changing_the_choice_rebuilds_the_home_page(root: Path) -> None:
    build(root)
    site = root / "site"
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*.html")}
    assert build(root).written == 0, "a rebuild without changes writes nothing"
    (root / "front.yaml").write_text(f"- {HENGGANG}\n", encoding="utf-8")
    build(root)
    assert front(home(root))[0] == titles(root)[HENGGANG]
    set_field(root, BANTIAN, "featured: 1")
    os.remove(root / "front.yaml")
    build(root)
    assert front(home(root))[0] == titles(root)[BANTIAN]
    after = {p: p.stat().st_mtime_ns for p in site.rglob("*.html")}
    rewritten = {p.relative_to(site).as_posix() for p in after if after[p] != before.get(p)}
    assert "index.html" in rewritten
    assert "streets/index.html" not in rewritten, "pages that do not show the choice are left alone"


def test_the_stories_on_the_front_are_not_repeated_in_the_latest_list(root: Path) -> None:
    build(root)
    site = root / "site"
    doc = home(root)
    lead, secondary = front(doc)
    latest = [a.get_text(strip=True) for a in doc.select("#latest ~ .article-list .item-title a")]
    assert latest, "the latest stories after those on the front"
    assert not {lead, *secondary} & set(latest)
    later = [a.get_text(strip=True) for file in sorted((site / "page").glob("*/index.html"))
             for a in BeautifulSoup(file.read_bytes(), "html.parser").select(".article-list .item-title a")]
    published = {BeautifulSoup(file.read_bytes(), "html.parser").h1.get_text(strip=True)
                 for file in site.glob("20*/*/*/*/index.html")}
    assert {lead, *secondary, *latest, *later} >= published, "every story is on the front or in the list"


def test_a_new_choice_is_put_into_the_kept_plan_as_a_clean_build_makes_it(root: Path) -> None:
    """front.yaml is read at every build, not in the kept plan's key: a new choice (or a story's
    `featured:`) makes the home pages again, and only the first, which shows it, is rendered."""
    from test_additions import files, planned

    with (root / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("\nsearch: false\n")
    build(root)
    steps = [(lambda: (root / "front.yaml").write_text(f"- {HENGGANG}\n", encoding="utf-8"), HENGGANG, 1),
             (lambda: (root / "front.yaml").write_text(f"- {BANTIAN}\n- {HENGGANG}\n", encoding="utf-8"), BANTIAN, 1),
             (lambda: os.remove(root / "front.yaml"), None, 1),
             (lambda: set_field(root, HENGGANG, "featured: 1"), HENGGANG, 2)]
    for change, lead, most in steps:
        change()
        result = build(root)
        assert result.records["patched"] and 1 <= result.rendered <= most
        if lead:
            assert front(home(root))[0] == titles(root)[lead]
        cfg, problems = config.load(root, root / "clean")
        clean = builder.build(cfg, problems, builder.Options(jobs=1, incremental=False), now=NOW)
        assert planned(result) == planned(clean)
        assert files(root / "site") == files(root / "clean")
    # A pick that names no story is an error with its line, as in a plan made afresh.
    (root / "front.yaml").write_text(f"- {HENGGANG}\n- 2022/02/no-such-story.md\n", encoding="utf-8")
    cfg, problems = config.load(root)
    failed = builder.build(cfg, problems, builder.Options(jobs=1), now=NOW)
    assert not failed.ok and [(p.path, p.line) for p in failed.problems if p.severity == "error"] == [("front.yaml", 2)]


def test_a_pick_like_no_story_gets_no_hint(root: Path, capsys) -> None:
    """A hint only for a near name: every story's path begins content/articles/2022/0."""
    (root / "front.yaml").write_text("- 2022/02/nope.md\n", encoding="utf-8")
    assert main(["check", "--root", str(root), "--lang", "en"]) == 1
    assert "front.yaml:1: error: no published story '2022/02/nope.md'\n" in capsys.readouterr().err
