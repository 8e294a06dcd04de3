"""Only the archive is published: links from content/, templates/ and photos/ to /etc/passwd are refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from archive_gen import make_archive

from newsroom.cli import main

PASSWD = Path("/etc/passwd")


def build(root: Path, capsys) -> tuple[int, list[str]]:
    status = main(["--root", str(root), "-q", "-j", "1"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return status, err.splitlines()


def site_text(site: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*") if p.is_file())


@pytest.mark.skipif(not PASSWD.is_file(), reason="needs /etc/passwd to link to")
@pytest.mark.parametrize(("link", "message"), [
    ("templates/static/passwd.txt", "symlink leads outside templates/ (refused): /etc/passwd"),
    ("templates/passwd.html", "symlink leads outside templates/ (refused): /etc/passwd"),
    ("content/articles/2021/01/passwd.md", "symlink leads outside content/ (refused): /etc/passwd"),
    ("photos/2022/02/passwd.jpg", "symlink leads outside photos/ (refused)"),
])
def test_links_out_of_the_archive_are_refused(tmp_path: Path, capsys, link: str, message: str) -> None:
    root = make_archive(tmp_path / "archive", 3, renditions=True)
    (root / "templates" / "static").mkdir(parents=True, exist_ok=True)
    assert build(root, capsys)[0] == 0
    before = site_text(root / "site")
    (root / link).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(PASSWD, root / link)
    status, lines = build(root, capsys)
    assert status == 1
    assert f"{link}: error: {message}" in lines
    assert PASSWD.read_text().splitlines()[0] not in site_text(root / "site")
    assert site_text(root / "site") == before


def test_a_linked_folder_out_of_templates_is_refused_too(tmp_path: Path, capsys) -> None:
    root = make_archive(tmp_path / "archive", 3, photos=False)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.css").write_text("secret", encoding="utf-8")
    (root / "templates" / "static").mkdir(parents=True)
    os.symlink(outside, root / "templates" / "static" / "shared")
    status, lines = build(root, capsys)
    assert status == 1
    assert f"templates/static/shared: error: symlink leads outside templates/ (refused): {outside}" in lines


def test_links_that_stay_inside_are_fine(tmp_path: Path, capsys) -> None:
    root = make_archive(tmp_path / "archive", 3, photos=False)
    (root / "templates" / "static").mkdir(parents=True)
    (root / "templates" / "static" / "a.css").write_text("a{}", encoding="utf-8")
    os.symlink("a.css", root / "templates" / "static" / "b.css")
    assert build(root, capsys)[0] == 0
    assert (root / "site" / "static").is_dir()
