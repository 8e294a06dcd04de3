"""The command line speaks the archive's language: --help, argparse's own words, its mistakes."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from archive_gen import make_archive

from newsroom import i18n
from newsroom.cli import main


@pytest.fixture
def archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(i18n.ENV, raising=False)     # the language comes from site.yaml or --lang
    return make_archive(tmp_path / "archive", 1, photos=False)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(argv))
    captured = capsys.readouterr()
    return exit_.value.code, captured.out, captured.err


def test_help_of_a_chinese_archive_is_chinese(archive: Path, capsys) -> None:
    code, out, _ = run(capsys, "--root", str(archive), "new", "--help")
    assert code == 0
    assert out.startswith("用法：python build.py new")
    assert "新建一篇文章" in out and "选项" in out and "显示这份帮助并退出" in out and "记者姓名" in out
    assert "usage:" not in out and "show this help" not in out and "a reporter's name" not in out
    code, out, _ = run(capsys, f"--root={archive}", "--help")
    assert "把新闻和图片档案构建成静态网站" in out and "命令：" in out


def test_help_in_english_with_lang_en_or_an_english_archive(archive: Path, capsys) -> None:
    code, out, _ = run(capsys, "--root", str(archive), "new", "--help", "--lang", "en")
    assert code == 0 and out.startswith("usage: python build.py new") and "Start an article" in out
    site = archive / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("language: zh-CN", "language: en"), encoding="utf-8")
    _, out, _ = run(capsys, "--root", str(archive), "check", "--help")
    assert out.startswith("usage:") and "Report every problem" in out and "options:" in out
    _, out, _ = run(capsys, "--root", str(archive), "check", "--help", "--lang", "zh")
    assert out.startswith("用法：") and "列出档案里的每一个问题" in out


def test_argparse_errors_are_in_the_archive_language(archive: Path, capsys) -> None:
    code, _, err = run(capsys, "--root", str(archive), "new")
    assert code == 2 and "python build.py new：错误：缺少必需的参数：title" in err and "error" not in err
    _, _, err = run(capsys, "--root", str(archive), "serve", "--port", "x")
    assert "参数 --port：不是有效的整数：'x'" in err
    # The kind of value wanted in the editor's words, not a Python function's name ("count")
    _, _, err = run(capsys, "--root", str(archive), "-j", "-1")
    assert "参数 -j/--jobs：不是有效的非负整数：'-1'" in err and "count" not in err
    _, _, err = run(capsys, "--root", str(archive), "--wait", "一会儿")
    assert "参数 --wait：不是有效的数字：'一会儿'" in err and "float" not in err
    _, _, err = run(capsys, "--root", str(archive), "--lang", "en", "new")
    assert "error: the following arguments are required: title" in err
    _, _, err = run(capsys, "--root", str(archive), "--lang", "en", "publish", "--max-deletes", "x")
    assert "error: argument --max-deletes: invalid count value: 'x'" in err


def test_chinese_help_headings_end_in_a_chinese_colon(archive: Path, capsys) -> None:
    # argparse writes "选项:" after any heading; the help of an English archive keeps its own
    _, out, _ = run(capsys, "--root", str(archive), "new", "--help")
    headings = [line for line in out.splitlines() if line.endswith(("：", ":")) and not line.startswith(" ")]
    assert headings[-2:] == ["位置参数：", "选项："]
    _, out, _ = run(capsys, "--root", str(archive), "--lang", "en", "new", "--help")
    assert "\npositional arguments:\n" in out and "\noptions:\n" in out


def test_argparse_has_its_own_words_back_after_a_chinese_help(archive: Path, capsys) -> None:
    run(capsys, "--root", str(archive), "--help")
    assert argparse.ArgumentParser(prog="x").format_usage().startswith("usage: x")


def test_serve_says_everything_in_chinese(archive: Path) -> None:
    from test_serve import Server

    story = archive / "content/articles/2021/01/story-0000.md"
    server = Server(archive)
    try:
        server.wait_for("预览 ", timeout=120)
        story.write_text(story.read_text(encoding="utf-8").replace("走访社区", "走访了社区"), encoding="utf-8")
        server.wait_for("content/articles/2021/01/story-0000.md 已修改", timeout=30)
        server.wait_for("秒重新构建完成", timeout=60)
        story.write_text("---\ntitle: 坏了: \"引号\"\n---\n", encoding="utf-8")
        server.wait_for("构建失败（", timeout=60)
        status, page = server.poll("", lambda status, body: status == 500)
        assert status == 500 and "值里有冒号、# 或引号" in page and "mapping values" not in page
    finally:
        code, err = server.stop()
    assert code == 0 and server.lines[-1] == "已停止", (server.lines, err)
    assert not [line for line in server.lines if any(word in line for word in ("serving", "changed", "rebuilt"))]
