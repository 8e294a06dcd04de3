"""Small things an editor notices: what a build left out and when to build again, each
command's own --help, slugs cut between words."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from archive_gen import make_archive
from conftest import REPO

from newsroom import scaffold
from newsroom.cli import main

LEFT_OUT = "; left out: 1 draft, 2 scheduled (the next due 2998-06-01 09:30: build again then)"


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """Three published stories, a draft, and two scheduled ones."""
    root = make_archive(tmp_path / "archive", 3, photos=False)
    folder = root / "content/articles/2021/05"
    folder.mkdir(parents=True, exist_ok=True)
    for name, front in (("draft", "date: 2021-05-01\ndraft: true"), ("later", "date: 2999-01-01T08:00:00+08:00"),
                        ("sooner", "date: 2998-06-01T09:30:00+08:00")):
        (folder / f"{name}.md").write_text(f"---\ntitle: {name}\n{front}\nreporter: 张鹏\n---\n正文。\n",
                                           encoding="utf-8")
    return root


def test_the_summary_names_what_was_left_out_and_when_to_build_again(archive: Path, capsys) -> None:
    assert main(["--root", str(archive)]) == 0
    summary = capsys.readouterr().out.splitlines()[0]
    assert summary.startswith("3 articles, ") and summary.endswith(LEFT_OUT), summary
    assert main(["--root", str(archive)]) == 0          # nothing changed: the same summary
    assert capsys.readouterr().out.splitlines()[0].endswith(LEFT_OUT)
    assert main(["check", "--root", str(archive)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("checked 3 articles and 0 photos in ") and LEFT_OUT in out


def test_a_build_with_nothing_left_out_says_nothing_about_it(archive: Path, capsys) -> None:
    assert main(["--root", str(archive), "--drafts", "--future"]) == 0
    summary = capsys.readouterr().out.splitlines()[0]
    assert summary.startswith("6 articles, ") and "left out" not in summary


def test_the_summary_in_chinese(archive: Path, capsys) -> None:
    assert main(["--root", str(archive), "--lang", "zh"]) == 0
    summary = capsys.readouterr().out.splitlines()[0]
    assert summary.startswith("3 篇文章") and "1 篇草稿" in summary and "2998-06-01 09:30" in summary, summary


def help_of(command: str) -> str:
    return subprocess.run([sys.executable, str(REPO / "build.py"), command, "--help"], capture_output=True,
                          text=True, check=True).stdout


@pytest.mark.parametrize("command, shown, hidden", [
    ("new", ["--root", "--reporter", "--slug", "--lang"], ["--executor", "--file-urls", "--jobs", "--drafts",
                                                           "--output", "--strict"]),
    ("check", ["--root", "--drafts", "--future", "--strict"], ["--executor", "--file-urls", "--output", "--port"]),
    ("serve", ["--port", "--output"], ["--executor", "--file-urls", "--drafts", "--future"]),
    ("build", ["--output", "--executor", "--file-urls", "--drafts"], ["--port", "--reporter"]),
])
def test_each_command_has_a_description_and_only_its_own_options(command: str, shown: list[str],
                                                                  hidden: list[str]) -> None:
    text = help_of(command)
    description = text.split("\n\n")[1]
    assert not description.startswith(("positional", "options")) and len(description) > 40, text
    assert all(option in text for option in shown), text
    assert not [option for option in hidden if option in text], text


def test_options_before_the_command_still_work(archive: Path, capsys) -> None:
    assert main(["--root", str(archive), "--file-urls", "check"]) == 0


@pytest.mark.parametrize("title, slug", [
    ("深圳市龙岗区坂田街道开展超2000人次的核酸检测工作并取得阶段性成果", "shen-zhen-shi-long-gang-qu-ban-tian"),
    ("南湾街道夜间卡口守护居民出行", "nan-wan-jie-dao-ye-jian-ka-kou-shou-hu"),
    ("Longgang district launches a citywide vaccination campaign", "longgang-district-launches-a-citywide"),
])
def test_a_long_title_is_cut_between_words(title: str, slug: str) -> None:
    assert scaffold.short_slug(title) == slug and len(slug) <= scaffold.MAX_SLUG
