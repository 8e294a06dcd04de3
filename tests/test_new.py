"""`python build.py new "标题" --reporter 张鹏 --street 坂田街道`: a new article, in the right place."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from conftest import REPO

from newsroom import articles, config, scaffold
from newsroom.markup import Renderer

TITLE = "超2000人次机关党员干部火速下沉抗疫一线：记者手记"


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=root,
                          capture_output=True, text=True, timeout=120)


def parse(root: Path, rel: str):
    cfg, _ = config.load(root)
    return articles.parse((root / rel).read_text(encoding="utf-8"), rel, cfg, Renderer())


def test_new_writes_a_dated_draft_with_checked_names_and_prints_its_path(clear_of_midnight, sample_root: Path) -> None:
    done = run(sample_root, "new", TITLE, "--reporter", "张鹏", "--reporter", "陈涛",
               "--street", "坂田", "--tag", "疫情 防控")
    assert done.returncode == 0, done.stderr
    rel = done.stdout.strip()
    today = datetime.now(ZoneInfo("Asia/Shanghai"))          # site.yaml: timezone Asia/Shanghai
    slug = "chao-2000-ren-ci-ji-guan"        # the title's pinyin, cut between words (not inside 党员干部)
    assert rel == f"content/articles/{today:%Y/%m}/{slug}.md"
    article, problems = parse(sample_root, rel)
    assert article is not None
    assert [str(p) for p in problems] == [f"{rel}:10: warning: the article has no body text"]
    assert article.title == TITLE
    assert article.date.date() == today.date() and article.date.utcoffset() == today.utcoffset()
    assert [n.name for n in article.names("reporter")] == ["张鹏", "陈涛"]
    assert [n.name for n in article.names("street")] == ["坂田街道"]       # the alias, made canonical
    assert [n.name for n in article.names("tags")] == ["疫情防控"]
    assert article.draft is True and article.slug == slug
    # The file is the newsroom's: its comments are in the archive's language (site.yaml: zh-CN)
    assert "draft: true  # 改成 false 即发布\n" in (sample_root / rel).read_text(encoding="utf-8")

    # A draft: not in the site, but `check` knows it and --drafts shows it with its badge.
    done = run(sample_root, "check")
    assert done.returncode == 0 and f"{rel}:10: warning: the article has no body text" in done.stderr
    done = run(sample_root, "--drafts", "-j", "1", "-q")
    assert done.returncode == 0, done.stderr
    page = (sample_root / f"site/{today:%Y/%m/%d}/{slug}/index.html").read_text(encoding="utf-8")
    assert '<span class="badge">草稿</span>' in page and "首席记者" in page


def test_new_uses_the_site_timezone(sample_root: Path) -> None:
    cfg, _ = config.load(sample_root)
    # 20:30 on New Year's Eve in London is already 1 January in Shanghai.
    path, problems = scaffold.create(cfg, "新年第一篇", reporters=["张鹏"],
                                     now=datetime(2025, 12, 31, 20, 30, tzinfo=UTC))
    assert problems == []
    assert path == sample_root / "content/articles/2026/01/xin-nian-di-yi-pian.md"
    assert "date: 2026-01-01T04:30:00+08:00\n" in path.read_text(encoding="utf-8")


def test_unknown_names_are_refused_with_a_hint_and_nothing_is_written(sample_root: Path) -> None:
    before = sorted((sample_root / "content").rglob("*"))
    done = run(sample_root, "new", "标题", "--reporter", "张朋", "--street", "坂田街", "--slug", "Bad Slug")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "--reporter: error: unknown reporter '张朋' not in reporters.yaml — did you mean '张鹏'?",
        "--slug: error: slug 'Bad Slug' must be lower-case ASCII letters, digits and hyphens",
        "--street: error: unknown street '坂田街' not in streets.yaml — did you mean '坂田街道'?",
        "3 errors, 0 warnings",
    ]
    assert sorted((sample_root / "content").rglob("*")) == before


def test_new_never_overwrites(sample_root: Path) -> None:
    first = run(sample_root, "new", "第一稿", "--reporter", "张鹏", "--slug", "my-story")
    assert first.returncode == 0, first.stderr
    rel = first.stdout.strip()
    (sample_root / rel).write_text((sample_root / rel).read_text(encoding="utf-8") + "已经写好的正文。\n",
                                   encoding="utf-8")
    again = run(sample_root, "new", "第二稿", "--reporter", "张鹏", "--slug", "my-story")
    assert again.returncode == 1
    assert again.stderr.splitlines()[0] == f"{rel}: error: already exists; refusing to overwrite it (choose another --slug)"
    assert "已经写好的正文。" in (sample_root / rel).read_text(encoding="utf-8")
    # Another article's slug (here a file in another month) would break the build: refused too.
    taken = run(sample_root, "new", "标题", "--slug", "party-volunteers")
    assert taken.returncode == 1
    assert ("--slug: error: slug 'party-volunteers' is already used by "
            "content/articles/2022/02/party-volunteers.md") in taken.stderr
    # Without --slug, a title used before gets the next free slug.
    one = run(sample_root, "new", "同一个标题")
    two = run(sample_root, "new", "同一个标题")
    assert Path(one.stdout.strip()).name == "tong-yi-ge-biao-ti.md"
    assert Path(two.stdout.strip()).name == "tong-yi-ge-biao-ti-2.md"


def test_short_slugs() -> None:
    assert scaffold.short_slug("坂田街道") == "ban-tian-jie-dao"
    long = scaffold.short_slug("超2000人次机关党员干部火速下沉抗疫一线")
    assert len(long) <= scaffold.MAX_SLUG and not long.endswith("-")
    assert scaffold.short_slug("x" * 60) == "x" * scaffold.MAX_SLUG
    assert scaffold.short_slug("！？") == "article"


def test_titles_that_need_yaml_quoting_read_back_exactly(sample_root: Path) -> None:
    cfg, _ = config.load(sample_root)
    for i, title in enumerate(["2022", "是: 否", "#1 新闻", "'引号' \"双引号\"", "[方括号], 逗号", "yes"]):
        path, problems = scaffold.create(cfg, title, slug=f"t{i}")
        assert problems == [], title
        rel = path.relative_to(sample_root).as_posix()
        article, found = parse(sample_root, rel)
        assert article is not None and article.title == title, (title, found)
