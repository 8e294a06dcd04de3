"""`check` sees template mistakes as `build` does: same located line, exit 1, nothing written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import REPO, copy_site

from newsroom.cli import main

LINE = re.compile(r"^(\S+?):(\d+): error: (.*)$", re.M)

# (template, text found in it, what replaces it): one mistake of each kind, on an article page.
MISTAKES = {
    "unknown filter": ("article.html", "{{ article.title }}", "{{ article.title | nosuchfilter }}"),
    "undefined variable": ("article.html", "{{ article.title }}", "{{ article.title }}{{ no_such_thing.name }}"),
    "syntax error": ("article.html", "{{ article.title }}", "{{ article.title }"),
}


def archive_with(tmp_path: Path, template: str, old: str, new: str) -> Path:
    root = copy_site("basic", tmp_path)
    shutil.copytree(REPO / "templates", root / "templates")
    file = root / "templates" / template
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def errors_of(err: str) -> list[tuple[str, int, str]]:
    return [(path, int(line), message) for path, line, message in LINE.findall(err)]


@pytest.mark.parametrize("kind", MISTAKES)
def test_check_reports_a_template_mistake_exactly_as_build(tmp_path: Path, capsys, kind: str) -> None:
    template, old, new = MISTAKES[kind]
    root = archive_with(tmp_path, template, old, new)

    assert main(["--root", str(root), "check"]) == 1
    checked = capsys.readouterr().err
    assert not (root / "site").exists(), "check writes no site"
    assert main(["--root", str(root)]) == 1
    built = capsys.readouterr().err

    assert "Traceback" not in checked + built
    found = errors_of(checked)
    assert found == errors_of(built) and len(found) == 1
    path, line, message = found[0]
    source = (root / path).read_text(encoding="utf-8").splitlines()
    assert path == f"templates/{template}" and new.split("}}")[0] in source[line - 1], "the line of the mistake"
    if kind == "syntax error":
        assert "unexpected '}'" in message
    else:
        assert ("nosuchfilter" if kind == "unknown filter" else "no_such_thing") in message


def test_check_compiles_templates_no_page_uses(tmp_path: Path, capsys) -> None:
    root = archive_with(tmp_path, "article.html", "{{ article.title }}", "{{ article.title }}")
    (root / "templates" / "unused.html").write_text("<p>\n{% if x %}\n</p>\n", encoding="utf-8")
    assert main(["--root", str(root), "check"]) == 0   # build does not read it, so it fails nothing
    err = capsys.readouterr().err
    assert "templates/unused.html:3: warning: template syntax error (no page uses this template): " in err


def test_check_passes_the_default_theme(tmp_path: Path, capsys) -> None:
    root = archive_with(tmp_path, "article.html", "{{ article.title }}", "{{ article.title }}")
    assert main(["--root", str(root), "check"]) == 0
    err = capsys.readouterr().err
    assert ": error:" not in err and "template" not in err
