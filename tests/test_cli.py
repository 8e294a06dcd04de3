"""The command line as an editor types it: `python build.py [build] --root DIR --output OUT`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import REPO, copy_site

DRAFT = "还没写完的稿子"


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_options_work_without_naming_the_command(tmp_path: Path) -> None:
    root = copy_site("basic", tmp_path)
    out = tmp_path / "elsewhere" / "out"
    done = run("--root", str(root), "--output", str(out), "-j", "1")
    assert done.returncode == 0, done.stderr
    assert (out / "index.html").is_file() and (out / "2022/02/18/bantian-night/index.html").is_file()
    assert not (root / "site").exists()                       # --output, not ROOT/site
    assert "5 articles, 4 photos" in done.stdout
    assert f"python -m http.server -d {out}" in done.stdout   # tells the editor how to look at it
    assert "Traceback" not in done.stderr
    assert not any(DRAFT in p.read_text(encoding="utf-8") for p in out.rglob("*.html"))


def test_build_command_defaults_to_root_site_and_drafts_flag_includes_drafts(tmp_path: Path) -> None:
    root = copy_site("basic", tmp_path)
    done = run("build", "--drafts", "-j", "1", cwd=root)      # --root defaults to the current folder
    assert done.returncode == 0, done.stderr
    site = root / "site"
    page = site / "2022/03/06/draft/index.html"
    assert page.is_file()
    assert DRAFT in page.read_text(encoding="utf-8")
    assert DRAFT in (site / "streets/bantian/index.html").read_text(encoding="utf-8")
    assert "6 articles" in done.stdout


def test_a_missing_root_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    done = run("--root", str(tmp_path / "nowhere"))
    assert done.returncode == 1
    assert "does not exist" in done.stderr and "Traceback" not in done.stderr


def test_repository_layout() -> None:
    for name in ("content", "templates", "photos", "tests", "newsroom", "build.py", "pyproject.toml"):
        assert (REPO / name).exists(), name
    for module in ("config", "content", "index", "urls", "pages", "images", "render", "output", "cli"):
        assert (REPO / "newsroom" / f"{module}.py").is_file(), module
    assert "site/" in (REPO / ".gitignore").read_text(encoding="utf-8").split()


def test_an_empty_archive_builds(tmp_path: Path) -> None:
    done = run("--root", str(tmp_path), "-j", "1")
    assert done.returncode == 0, done.stderr
    for page in ("index.html", "archive/index.html", "photos/index.html", "404.html", "streets/index.html"):
        assert (tmp_path / "site" / page).is_file(), page
    assert "暂无文章" in (tmp_path / "site/index.html").read_text(encoding="utf-8")
