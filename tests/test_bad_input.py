"""Bad input: each mistake an editor can make is reported as `path:line: error: message`,
all of them in one run, with exit status 1 and the previously built site left as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import copy_site

from newsroom.cli import main

BAD = "content/articles/bad"

# name -> (file text, the exact line printed)
CASES = {
    "unclosed-front-matter": (
        "---\ntitle: 没有结束\ndate: 2022-01-01\n正文\n",
        f"{BAD}/unclosed-front-matter.md:1: error: front matter is not closed: no second '---' line"),
    "invalid-yaml": (
        "---\ntitle: [没有闭合\ndate: 2022-01-01\n---\n正文\n",
        f"{BAD}/invalid-yaml.md:3: error: invalid YAML: expected ',' or ']', but got ':'"),
    "missing-title": (
        "---\ndate: 2022-01-01\nstreet: 坂田街道\n---\n正文\n",
        f"{BAD}/missing-title.md:2: error: missing 'title'"),
    "missing-date": (
        "---\ntitle: 没有日期\nstreet: 坂田街道\n---\n正文\n",
        f"{BAD}/missing-date.md:2: error: missing 'date'"),
    "impossible-date": (
        "---\ntitle: 不存在的日子\ndate: 2022-02-30\n---\n正文\n",
        f"{BAD}/impossible-date.md:3: error: date '2022-02-30' is not a valid date"),
    "unknown-photo": (
        "---\ntitle: 缺图\ndate: 2022-01-02\nphotos:\n  - {file: 2022/harbour.jpg}\n  - {file: 2022/nope.jpg}\n---\n正文\n",
        f"{BAD}/unknown-photo.md:6: error: photo '2022/nope.jpg' not found in photos/"),
    "unknown-street": (
        "---\ntitle: 错街道\ndate: 2022-01-02\nreporter: 张鹏\nstreet: 坂田街\n---\n正文\n",
        f"{BAD}/unknown-street.md:5: error: unknown street '坂田街' not in streets.yaml — did you mean '坂田街道'?"),
    "unknown-reporter": (
        "---\ntitle: 错记者\ndate: 2022-01-02\nreporter:\n  - 陈涛\n  - 张朋\n---\n正文\n",
        f"{BAD}/unknown-reporter.md:6: error: unknown reporter '张朋' not in reporters.yaml — did you mean '张鹏'?"),
    "duplicate-slug": (
        "---\ntitle: 重复的地址\ndate: 2022-01-02\nslug: henggang\n---\n正文\n",
        # Each file on its own line: either may be the one to change.
        ("content/articles/2022/02/henggang.md:1: error: article slug 'henggang' is also used by "
         f"{BAD}/duplicate-slug.md (set a different 'slug:')",
         f"{BAD}/duplicate-slug.md:4: error: article slug 'henggang' is already used by "
         "content/articles/2022/02/henggang.md (set a different 'slug:')")),
}


def lines_of(expected: str | tuple[str, ...]) -> list[str]:
    return [expected] if isinstance(expected, str) else list(expected)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The basic site, built once (site/ and the image cache), to copy for each case."""
    root = copy_site("basic", tmp_path_factory.mktemp("bad"))
    assert main(["--root", str(root), "-q"]) == 0
    return root


@pytest.fixture
def archive(built: Path, tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    shutil.copytree(built, root, symlinks=True)
    return root


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and modification time."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def add(root: Path, name: str, text: str) -> None:
    file = root / BAD / f"{name}.md"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8")


def failed_build(root: Path, capsys: pytest.CaptureFixture) -> list[str]:
    before = snapshot(root / "site")
    assert main(["--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert snapshot(root / "site") == before, "a failed build changed the published site"
    assert [p.name for p in root.iterdir() if p.name.startswith(".site.")] == []   # no staging left
    assert err.rstrip().endswith("build failed: the site was not changed")
    return err.splitlines()


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_mistake_is_reported_with_file_and_line(archive: Path, case: str, capsys) -> None:
    text, expected = CASES[case]
    add(archive, case, text)
    lines = failed_build(archive, capsys)
    errors = [line for line in lines if ": error: " in line]
    assert errors == lines_of(expected)
    assert f"{len(errors)} error{'s' if len(errors) > 1 else ''}, " in "\n".join(lines)


def test_all_mistakes_are_reported_in_one_run(archive: Path, capsys) -> None:
    for case, (text, _) in CASES.items():
        add(archive, case, text)
    lines = failed_build(archive, capsys)
    errors = [line for line in lines if ": error: " in line]
    assert errors == sorted(line for _, expected in CASES.values() for line in lines_of(expected))
    assert f"{len(errors)} errors, " in "\n".join(lines)


def test_a_duplicate_slug_from_file_names_points_at_the_file(archive: Path, capsys) -> None:
    # No 'slug:' line to point at: the error names the second file's first line.
    add(archive, "henggang", "---\ntitle: 同名文件\ndate: 2022-01-03\n---\n正文\n")
    errors = [line for line in failed_build(archive, capsys) if ": error: " in line]
    assert errors == ["content/articles/2022/02/henggang.md:1: error: article slug 'henggang' is also used by "
                      f"{BAD}/henggang.md (set a different 'slug:')",
                      f"{BAD}/henggang.md:1: error: article slug 'henggang' is already used by "
                      "content/articles/2022/02/henggang.md (set a different 'slug:')"]


def test_check_reports_the_same_and_a_good_archive_passes(built: Path, archive: Path, capsys) -> None:
    assert main(["check", "--root", str(built)]) == 0
    capsys.readouterr()
    add(archive, "missing-date", CASES["missing-date"][0])
    assert main(["check", "--root", str(archive)]) == 1
    assert CASES["missing-date"][1] in capsys.readouterr().err
