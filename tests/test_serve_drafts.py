"""Drafts and scheduled articles: out of `build` (every page, list, feed and the sitemap)
unless --drafts / --future; shown, and marked, by the preview that `serve` builds."""

from __future__ import annotations

import re
from pathlib import Path

from newsroom import builder, config, render
from newsroom.cli import main

DRAFT = ("content/articles/2022/02/draft-story.md",
         "---\ntitle: 尚未完成的草稿稿件\ndate: 2022-02-22\nreporter: 张鹏\nstreet: 坂田街道\n"
         "tags: [疫情防控]\ndraft: true\n---\n草稿的正文内容。\n")
LATER = ("content/articles/2999/01/later-story.md",
         "---\ntitle: 明年才发布的稿件\ndate: 2999-01-01T08:00:00+08:00\nreporter: 张鹏\n"
         "street: 坂田街道\ntags: [疫情防控]\n---\n定时发布的正文内容。\n")


def add_unpublished(root: Path) -> None:
    for rel, text in (DRAFT, LATER):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def texts(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
            for p in site.rglob("*") if p.suffix in (".html", ".xml", ".json", ".txt")}


def test_drafts_and_scheduled_articles_are_left_out_of_every_page(sample_root: Path, capsys) -> None:
    assert main(["check", "--root", str(sample_root)]) == 0
    before = re.search(r"checked (\d+) articles and (\d+) photos", capsys.readouterr().out)
    add_unpublished(sample_root)
    assert main(["--root", str(sample_root), "-j", "1"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"{before[1]} articles, {before[2]} photos, ")   # the two are not counted
    assert "later-story.md:3: warning: dated in the future: scheduled for 2999-01-01 08:00" in err
    site = sample_root / "site"
    pages = texts(site)
    assert "feed.xml" in pages and "sitemap.xml" in pages and "streets/bantian/index.html" in pages
    for name, text in pages.items():
        for word in ("尚未完成的草稿稿件", "明年才发布的稿件", "draft-story", "later-story", "2999"):
            assert word not in text, (word, name)
    assert not (site / "2999").exists()


def test_drafts_and_future_flags_include_them_marked(sample_root: Path, capsys) -> None:
    add_unpublished(sample_root)
    assert main(["--root", str(sample_root), "-j", "1", "-q", "--drafts", "--future"]) == 0
    site = sample_root / "site"
    draft = (site / "2022/02/22/draft-story/index.html").read_text(encoding="utf-8")
    later = (site / "2999/01/01/later-story/index.html").read_text(encoding="utf-8")
    assert '尚未完成的草稿稿件 <span class="badge">草稿</span></h1>' in draft
    assert '明年才发布的稿件 <span class="badge">定时发布</span></h1>' in later
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '明年才发布的稿件</a> <span class="badge">定时发布</span>' in home
    assert '尚未完成的草稿稿件</a> <span class="badge">草稿</span>' in home
    # Published articles carry no badge, and a normal build never has the reload script.
    assert home.count('class="badge"') == 2
    assert not any("__newsroom" in text for text in texts(site).values())


def test_the_preview_build_shows_them_marked_with_the_reload_script(sample_root: Path, tmp_path: Path) -> None:
    cfg, problems = config.load(sample_root, tmp_path / "preview")
    published = builder.build(cfg, problems, builder.Options(jobs=1, write=False)).articles
    add_unpublished(sample_root)
    cfg, problems = config.load(sample_root, tmp_path / "preview")
    cfg = cfg.with_options(drafts=True, future=True)
    result = builder.build(cfg, problems, builder.Options(jobs=1, serve=True))
    assert result.ok and result.articles == published + 2      # the draft and the scheduled story too
    home = (tmp_path / "preview/index.html").read_text(encoding="utf-8")
    assert home.count('class="badge"') == 2
    assert render.RELOAD_SCRIPT in home
    assert render.RELOAD_SCRIPT not in (tmp_path / "preview/feed.xml").read_text(encoding="utf-8")
