"""What PyYAML, Jinja and the system say reaches a Chinese archive's editor in Chinese (by the
kind of error), and publishing speaks the archive's language too; an unknown library message
is kept as it is."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from archive_gen import make_archive
from conftest import REPO

from newsroom import i18n
from newsroom.cli import main
from newsroom.i18n import tr

STORY = "content/articles/2021/01/story-0000.md"


@pytest.fixture
def archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(i18n.ENV, raising=False)     # the language comes from site.yaml or --lang
    return make_archive(tmp_path / "archive", 2, photos=False)


def check(root: Path, capsys, *args: str) -> list[str]:
    main(["check", "--root", str(root), *args])
    return capsys.readouterr().err.splitlines()


def line_of(lines: list[str], start: str) -> str:
    found = [line for line in lines if line.startswith(start)]
    assert found, lines
    return found[0]


def test_yaml_mistakes_are_explained_in_chinese(archive: Path, capsys) -> None:
    (archive / STORY).write_text("---\ntitle: 第一篇\ndate: 2021-01-01\ntags: [防疫, 志愿\n---\n正文\n", encoding="utf-8")
    chinese = line_of(check(archive, capsys), f"{STORY}:")
    assert ": error: " in chinese and "括号没有闭合" in chinese and "expected" not in chinese
    english = line_of(check(archive, capsys, "--lang", "en"), f"{STORY}:")
    assert "expected ',' or ']'" in english


def test_template_mistakes_are_explained_in_chinese(archive: Path, capsys) -> None:
    templates = archive / "templates"
    templates.mkdir()
    base = (REPO / "templates" / "base.html").read_text(encoding="utf-8")
    (templates / "base.html").write_text(base.replace("</title>", "{{ no_such_name }}</title>", 1), encoding="utf-8")
    (templates / "unused.html").write_text("{{ 1 | no_such_filter }}\n", encoding="utf-8")
    lines = check(archive, capsys)
    assert "未定义的名称 'no_such_name'" in line_of(lines, "templates/base.html:")
    assert "没有名为 'no_such_filter' 的过滤器" in line_of(lines, "templates/unused.html:1: warning: ")
    lines = check(archive, capsys, "--lang", "en")
    assert "'no_such_name' is undefined" in line_of(lines, "templates/base.html:")
    assert "No filter named 'no_such_filter'" in line_of(lines, "templates/unused.html:1: warning: ")


def test_system_errors_are_explained_in_chinese(archive: Path, capsys) -> None:
    (archive / "site.yaml").unlink()
    (archive / "site.yaml").mkdir()     # a folder where the settings file should be
    chinese = line_of(check(archive, capsys), "site.yaml: error: ")
    assert "这是文件夹，不是文件" in chinese and "Is a directory" not in chinese
    assert "Is a directory" in line_of(check(archive, capsys, "--lang", "en"), "site.yaml: error: ")


def test_a_refused_output_folder_is_explained_in_chinese(archive: Path, capsys) -> None:
    (archive / "blocker").write_text("", encoding="utf-8")
    assert main(["--root", str(archive), "--output", str(archive / "blocker" / "site")]) == 1
    err = capsys.readouterr().err
    assert "拒绝把网站写到这里" in err and "是文件，不是文件夹" in err and "refusing" not in err


def test_library_text_of_an_unknown_kind_is_kept() -> None:
    assert tr(i18n.CHINESE, "cannot read: {reason}", reason="a message no one declared") == \
        "无法读取：a message no one declared"
    unknown = OSError(errno.ENOEXEC, os.strerror(errno.ENOEXEC))
    assert os.strerror(errno.ENOEXEC) in tr(i18n.CHINESE, "cannot read: {reason}", reason=unknown)
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/srv/site/a.html")
    assert tr(i18n.CHINESE, "cannot read: {reason}", reason=full) == "无法读取：磁盘空间已满：/srv/site/a.html"
    assert tr(i18n.CHINESE, "cannot read: {reason}", reason=os.strerror(errno.EACCES)) == "无法读取：没有权限"


def test_publish_speaks_the_archive_language(clear_of_midnight, archive: Path, tmp_path: Path, capsys) -> None:
    assert main(["--root", str(archive), "-q"]) == 0
    target = tmp_path / "www"
    assert main(["--root", str(archive), "publish", str(target), "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("将会：") and out[-1] == "没有做任何改动（--dry-run）"
    assert any(line.startswith("  发送 ") for line in out) and not any("files" in line for line in out)
    assert main(["--root", str(archive), "publish", str(target)]) == 0
    assert capsys.readouterr().out.startswith("发送 ")
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    assert main(["--root", str(archive), "publish", str(tmp_path / "a-file")]) == 1
    assert "发布失败：无法发布到" in capsys.readouterr().err
    assert main(["--root", str(archive), "--lang", "en", "publish", str(target), "--dry-run"]) == 0
    assert "nothing was changed (--dry-run)" in capsys.readouterr().out
