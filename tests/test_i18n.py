"""Messages in the archive's language: Chinese for a Chinese archive, English otherwise, --lang to choose.

The `path:line: severity:` prefix is the same in both, so editors' tools can still read it.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from archive_gen import make_archive
from conftest import REPO, copy_sample

from newsroom import i18n
from newsroom.cli import main
from newsroom.problems import error, report

PREFIX = re.compile(r"^content/articles/2021/01/story-0000\.md:\d+: (error|warning): ")


@pytest.fixture
def archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A one-story archive whose story has an empty body (a warning)."""
    monkeypatch.delenv(i18n.ENV, raising=False)     # the language comes from site.yaml or --lang
    root = make_archive(tmp_path / "archive", 1, photos=False)
    story = root / "content/articles/2021/01/story-0000.md"
    story.write_text(story.read_text(encoding="utf-8").split("\n---\n")[0] + "\n---\n", encoding="utf-8")
    return root


def check_lines(root: Path, capsys, *args: str) -> list[str]:
    assert main(["check", "--root", str(root), *args]) == 0
    return capsys.readouterr().err.splitlines()


def test_a_chinese_archive_gets_chinese_messages(archive: Path, capsys) -> None:
    assert "language: zh-CN" in (archive / "site.yaml").read_text(encoding="utf-8")
    lines = check_lines(archive, capsys)
    assert any(PREFIX.match(line) and line.endswith("warning: 文章没有正文") for line in lines), lines
    assert lines[-1] == "0 个错误，1 个警告"


def test_lang_en_and_an_english_archive_get_english(archive: Path, capsys) -> None:
    assert check_lines(archive, capsys, "--lang", "en")[-1] == "0 errors, 1 warning"
    site = archive / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("language: zh-CN", "language: en"), encoding="utf-8")
    lines = check_lines(archive, capsys)
    assert any(PREFIX.match(line) and line.endswith("warning: the article has no body text") for line in lines)
    assert check_lines(archive, capsys, "--lang", "zh")[-1] == "0 个错误，1 个警告"


def test_values_are_filled_into_the_translation() -> None:
    problem = error("a.md", 3, "{errors}, {warnings}", errors="x", warnings="y")
    assert str(problem) == "a.md:3: error: x, y" and problem.text(i18n.CHINESE) == "a.md:3: error: x，y"
    assert report([problem], i18n.CHINESE).splitlines() == ["a.md:3: error: x，y", "1 个错误，0 个警告"]


def test_a_photo_error_naming_its_users_is_translated_whole(tmp_path: Path, capsys,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(i18n.ENV, raising=False)
    root = copy_sample(tmp_path)
    sidecar = root / "photos/2022/02/night-testing.yaml"
    sidecar.write_text(re.sub(r"(?m)^credit: .*$", "credit: 谁也不是", sidecar.read_text(encoding="utf-8")),
                       encoding="utf-8")
    assert main(["check", "--root", str(root)]) == 1
    line = next(line for line in capsys.readouterr().err.splitlines() if line.startswith("photos/"))
    assert "未知的摄影者 '谁也不是'" in line and "——用到它的：content/articles/" in line, line
    assert "used by" not in line and "unknown" not in line, line


def test_a_message_missing_from_the_catalog_is_shown_in_english() -> None:
    problem = error("a.md", 0, "no such message in any catalog: {x}", x=1)
    assert problem.text(i18n.CHINESE) == "a.md: error: no such message in any catalog: 1"


def test_compiled_catalogs_match_their_po_files() -> None:
    catalogs = _catalogs_script()
    for lang in catalogs.LANGUAGES:
        folder = catalogs.LOCALE / lang / "LC_MESSAGES"
        assert (folder / "newsroom.mo").read_bytes() == catalogs.compiled((folder / "newsroom.po").read_bytes(), lang), \
            "run python scripts/catalogs.py"


def _catalogs_script():
    spec = importlib.util.spec_from_file_location("catalogs", REPO / "scripts" / "catalogs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_message_is_declared_and_translated() -> None:
    """A new message written as an f-string, or left untranslated, fails here: run
    python scripts/catalogs.py and translate what it lists (README: Layout)."""
    catalogs = _catalogs_script()
    assert catalogs.f_strings() == []
    template = catalogs.extract()
    for lang in catalogs.LANGUAGES:
        assert catalogs.untranslated(catalogs.merged(lang, template)) == []


def test_the_preview_error_page_is_in_the_archive_language() -> None:
    from newsroom.serve import problems_page

    page = problems_page([error("a.md", 3, "missing '{key}'", key="date")], i18n.CHINESE).decode()
    assert '<html lang="zh-CN">' in page and "构建失败" in page and "a.md:3: error: 缺少 &#x27;date&#x27;" in page
    assert "the site was not rebuilt" not in page
    english = problems_page([error("a.md", 3, "missing '{key}'", key="date")], i18n.ENGLISH).decode()
    assert '<html lang="en">' in english and "a.md:3: error: missing &#x27;date&#x27;" in english


def test_a_footnote_leads_back_in_the_site_language(tmp_path: Path) -> None:
    root = copy_sample(tmp_path)
    story = root / "content/articles/2022/02/party-volunteers.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n据统计[^1]。\n\n[^1]: 截至2月22日。\n", encoding="utf-8")
    assert main(["--root", str(root), "-q"]) == 0
    page = (root / "site/2022/02/21/party-volunteers/index.html").read_text(encoding="utf-8")
    back = re.search(r'<a class="footnote-backref"[^>]*title="([^"]*)"', page)
    assert back and back.group(1) == "返回正文中第 1 个脚注处", back
