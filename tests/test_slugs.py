"""ASCII slugs: a registry's slug when it gives one, else pinyin (pypinyin)."""

from __future__ import annotations

import functools
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from archive_gen import make_archive
from conftest import REPO, SITES, copy_sample

from newsroom import cache, slugs
from newsroom import config as config_mod
from newsroom.photos import photo_slug
from newsroom.slugs import clean_slug, slugify


@pytest.mark.parametrize("text, slug", [
    ("坂田街道", "ban-tian-jie-dao"),
    ("张鹏", "zhang-peng"),
    ("何小娟", "he-xiao-juan"),
    ("疫情防控", "yi-qing-fang-kong"),
    ("Hello World", "hello-world"),
    ("02·17疫情", "02-17-yi-qing"),
    ("Café 咖啡", "cafe-ka-fei"),
    ("  空格　全角 ", "kong-ge-quan-jiao"),
    ("ＡＢＣ１２", "abc12"),          # full-width letters and digits
])
def test_slugify_gives_pinyin_and_ascii(text: str, slug: str) -> None:
    assert slugify(text) == slug


@pytest.mark.parametrize("text", ["！？。", "", "🙂"])
def test_slugify_never_returns_empty(text: str) -> None:
    assert slugify(text) == "item"
    assert slugify(text, fallback="x") == "x"


@pytest.mark.parametrize("text", ["坂田街道", "Hello World", "a/b", "x y", "Café"])
def test_slugs_are_url_safe_ascii(text: str) -> None:
    slug = slugify(text)
    assert slug.isascii() and clean_slug(slug) == slug


@pytest.mark.parametrize("given, result", [
    ("volunteers", "volunteers"), ("party-volunteers-2", "party-volunteers-2"), (" ok ", "ok"),
    ("Capital", None), ("with space", None), ("坂田", None), ("-edge", None), ("a--b", None),
])
def test_clean_slug_accepts_only_ready_slugs(given: str, result: str | None) -> None:
    assert clean_slug(given) == result


def test_registry_slug_wins_over_pinyin_and_pinyin_is_the_fallback() -> None:
    cfg, problems = config_mod.load(SITES / "basic")
    assert problems == []
    streets = cfg.registries["street"]
    assert streets.lookup("坂田街道").slug == "bantian"        # given in streets.yaml
    assert streets.lookup("坂田").slug == "bantian"            # through an alias
    # No slug given: the page's slug is the name's pinyin (tests/test_index.py), made where the
    # pages are planned, not when the registry is read.
    assert streets.lookup("南湾街道").slug == ""
    assert cfg.registries["reporter"].lookup("王丰").slug == ""


def test_photo_slug_joins_folders_and_name() -> None:
    assert photo_slug("2022/02/night-testing.jpg") == "2022-02-night-testing"
    assert photo_slug("街景/坂田.jpg") == "jie-jing-ban-tian"


def _in_a_fresh_process(root: Path) -> list[str]:
    """A build of `root` in a new interpreter, as `python build.py` runs: [ok, pypinyin loaded]."""
    script = ("import sys; from pathlib import Path; from newsroom import builder, config; "
              f"cfg, found = config.load(Path({str(root)!r})); result = builder.build(cfg, found); "
              "print(result.ok, 'pypinyin' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_a_build_makes_the_terms_pinyin_slugs_in_a_process_of_their_own(tmp_path: Path) -> None:
    """pypinyin's dictionaries (50 MB once loaded) stay out of the build process, whose render
    workers would each inherit them: the slugs of the tags, of a reporter the registry gives
    none and of a photo's Chinese file name are made in a forked process, and are the same."""
    root = copy_sample(tmp_path)
    with (root / "reporters.yaml").open("a", encoding="utf-8") as f:
        f.write("\n- name: 何新\n  old_names: [李新]\n")   # no slug: its pinyin, he-xin (was li-xin)
    (root / "photos" / "街景").mkdir()   # a photo's file name in Chinese: its page's slug is pinyin too
    shutil.copy(sorted((root / "photos").rglob("*.jpg"))[0], root / "photos" / "街景" / "坂田.jpg")
    assert _in_a_fresh_process(root) == ["True", "False"]
    assert (root / "site" / "photos" / "jie-jing-ban-tian" / "index.html").exists()
    for name in ("疫情防控", "核酸检测", "志愿服务"):
        page = root / "site" / "tags" / slugify(name) / "index.html"
        assert name in page.read_text(encoding="utf-8")
    # Not on the site yet (no story of theirs), but known: an edit filing one under them
    # gives them a page at their pinyin, and a redirect at their old name's.
    story = sorted((root / "content").rglob("*.md"))[0]
    text = story.read_text(encoding="utf-8")
    story.write_text(re.sub(r"^reporter:.*$", "reporter: 何新", text, count=1, flags=re.M), encoding="utf-8")
    assert _in_a_fresh_process(root) == ["True", "False"]
    assert "何新" in (root / "site" / "reporters" / "he-xin" / "index.html").read_text(encoding="utf-8")
    # Their old name's address leads there.
    assert "../he-xin/" in (root / "site" / "reporters" / "li-xin" / "index.html").read_text(encoding="utf-8")


def test_an_article_named_in_chinese_gets_its_pinyin_without_pypinyin_in_the_build(tmp_path: Path) -> None:
    """A story's file named in Chinese (no slug: in it) is published at the name's pinyin,
    made in a process of its own and remembered: neither the build nor an edit of the story
    later loads pypinyin."""
    root = copy_sample(tmp_path)
    story = sorted((root / "content").rglob("*.md"))[0]
    named = story.with_name("坂田街道新闻.md")
    text = story.read_text(encoding="utf-8")
    named.write_text(re.sub(r"^slug:.*\n", "", text, flags=re.M), encoding="utf-8")
    story.unlink()
    assert _in_a_fresh_process(root) == ["True", "False"]
    pages = list((root / "site").rglob("ban-tian-jie-dao-xin-wen/index.html"))
    assert len(pages) == 1
    named.write_text(named.read_text(encoding="utf-8") + "\n补充的一段。\n", encoding="utf-8")
    assert _in_a_fresh_process(root) == ["True", "False"]
    assert "补充的一段" in pages[0].read_text(encoding="utf-8")
    # Names first met by an incremental build are remembered too (a story's file, a tag).
    another = named.with_name("横岗街道新闻.md")
    another.write_text(re.sub(r"^tags:.*$", "tags: [新的标签]", named.read_text(encoding="utf-8"), count=1,
                              flags=re.M), encoding="utf-8")
    assert _in_a_fresh_process(root) == ["True", "False"]
    cfg, _ = config_mod.load(root)
    remembered = cache.Store(cache.state_folder(cfg)).load().slugs
    assert remembered["横岗街道新闻"] == "heng-gang-jie-dao-xin-wen" and remembered["新的标签"] == "xin-de-biao-qian"


def test_a_build_with_nothing_to_plan_does_not_load_pypinyin(tmp_path: Path) -> None:
    """A registry entry with no slug (its page's slug is its pinyin) costs a build that
    changes nothing neither pypinyin's 0.16 s nor its 50 MB."""
    root = copy_sample(tmp_path)
    with (root / "streets.yaml").open("a", encoding="utf-8") as f:
        f.write("\n- name: 葵涌街道\n")
    assert _in_a_fresh_process(root) == ["True", "False"]
    assert _in_a_fresh_process(root) == ["True", "False"]   # the quick check: nothing changed


def test_a_first_builds_pinyin_process_answers_every_call_and_one_killed_is_done_without() -> None:
    """slugs.Warm: pypinyin loaded in a process of its own from a first build's check stage
    answers each slugging task; killed (the OOM killer), the task is run the usual way."""
    warm = slugs.Warm(2)
    fallen_back: list = []

    def fallback(task):
        fallen_back.append(task)
        return task()
    try:
        slugged = warm.elsewhere(fallback)
        assert slugged(functools.partial(slugs.slugify_all, ["坂田街道"])) == {"坂田街道": "ban-tian-jie-dao"}
        assert slugged(functools.partial(slugs.slugify_all, ["张鹏", "何小娟"])) == {
            "张鹏": "zhang-peng", "何小娟": "he-xiao-juan"}
        assert fallen_back == [] and warm.pid not in (None, os.getpid())
        os.kill(warm.pid, signal.SIGKILL)
        assert slugged(functools.partial(slugs.slugify_all, ["龙城"])) == {"龙城": "long-cheng"}
        assert len(fallen_back) == 1 and warm.pid is None
    finally:
        warm.close()
    assert slugs.Warm(1).pid is None   # one core: no process, the usual way


def test_pypinyin_is_loaded_ahead_for_a_first_build_only(tmp_path: Path) -> None:
    """A first build forks the process that loads pypinyin at its check stage (slugs.Warm); a
    later build does not, even of an archive whose names need no pinyin (so it remembers no
    slug): it would fork and load it for nothing at every build."""
    root = make_archive(tmp_path / "archive", 3, photos=False)
    for story in (root / "content").rglob("*.md"):   # no tags: every name has its registry's slug
        story.write_text(re.sub(r"^tags:.*\n", "", story.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    story = sorted((root / "content").rglob("*.md"))[0]
    script = ("import sys; from pathlib import Path; from newsroom import builder, config; "
              f"root = Path({str(root)!r}); story = Path({str(story)!r}); started = []\n"
              "for n in range(2):\n"
              "    story.write_text(story.read_text(encoding='utf-8') + f'补充{n}。\\n', encoding='utf-8')\n"
              "    cfg, found = config.load(root); result = builder.build(cfg, found, builder.Options(jobs=2))\n"
              "    assert result.ok and not result.records['state'].slugs\n"
              "    started.append(result.records['slugging'] is not None)\n"
              "print(*started)")
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]
