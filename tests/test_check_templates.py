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
    "url of a number": ("article.html", "{{ article.title }}", "{{ article.title }}{{ url(42) }}"),
    "unknown filter": ("article.html", "{{ article.title }}", "{{ article.title | nosuchfilter }}"),
    "undefined variable": ("article.html", "{{ article.title }}", "{{ article.title }}{{ no_such_thing.name }}"),
    "syntax error": ("article.html", "{{ article.title }}", "{{ article.title }"),
    # a typo in a link to the theme's own file: a broken stylesheet on every page, published
    "static file not there": ("base.html", "{{ url('static/style.css') }}", "{{ url('static/styel.css') }}"),
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
    elif kind == "url of a number":
        assert "url() of 42: no page has its address" in message
    elif kind == "static file not there":
        assert message.endswith("url() of 'static/styel.css': the theme's static/ folder has no such file "
                                "— did you mean 'static/style.css'?")
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


def test_check_finds_a_mistake_in_a_branch_the_first_page_does_not_take(tmp_path: Path, capsys) -> None:
    """Only a corrected story shows its corrections, only a list's later pages its number:
    check renders a page of each shape of each template, so a mistake there fails it as it
    fails build."""
    root = archive_with(tmp_path, "article.html", "{{ c.text }}", "{{ c.txt }}")
    story = root / "content/articles/2022/02/henggang.md"
    story.write_text(story.read_text(encoding="utf-8").replace(
        "\ntitle:", "\ncorrections:\n  - {date: 2022-02-25, text: 人数有误，已更正。}\ntitle:", 1), encoding="utf-8")
    assert main(["--root", str(root), "check"]) == 1
    checked = capsys.readouterr().err
    assert main(["--root", str(root)]) == 1
    built = capsys.readouterr().err
    assert [where[:2] for where in errors_of(checked)] == [where[:2] for where in errors_of(built)]
    assert [where[0] for where in errors_of(checked)] == ["templates/article.html"]
    assert "txt" in errors_of(checked)[0][2]


def test_a_template_not_saved_as_utf8_is_a_located_mistake_not_a_traceback(tmp_path: Path, capsys) -> None:
    root = archive_with(tmp_path, "article.html", "{{ article.title }}", "{{ article.title }}")
    file = root / "templates/article.html"
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = "<!-- 旧的说明 -->\n"
    file.write_bytes("".join(lines).encode("gb18030"))   # a Chinese editor's default encoding
    (root / "templates/backup.html").write_bytes("<p>旧模板</p>\n".encode("gb18030"))   # no page uses it
    said = {}
    for command in ("check", "build"):
        assert main(["--root", str(root), *([command] if command == "check" else [])]) == 1
        said[command] = err = capsys.readouterr().err
        assert "Traceback" not in err
        assert "templates/article.html:3: error: " in err and "the template is not UTF-8 text: save it as UTF-8" in err
    assert "templates/backup.html:1: warning: " in said["check"]   # no page uses it: check says so, build not
    assert not (root / "site").exists()


def test_a_template_link_to_nothing_is_a_warning_about_it_not_about_the_cache(tmp_path: Path, capsys) -> None:
    root = archive_with(tmp_path, "article.html", "{{ article.title }}", "{{ article.title }}")
    (root / "templates/x.html").symlink_to("nowhere.html")
    assert main(["--root", str(root), "check"]) == 0
    err = capsys.readouterr().err
    assert "templates/x.html: warning: cannot be read" in err and ".cache" not in err


def test_a_mistake_in_robots_txt_is_located_at_its_line(tmp_path: Path, capsys) -> None:
    root = archive_with(tmp_path, "robots.txt", "sitemap_path", "sitemap_pth")
    assert main(["--root", str(root), "check"]) == 1
    found = errors_of(capsys.readouterr().err)
    text = (root / "templates/robots.txt").read_text(encoding="utf-8").splitlines()
    assert len(found) == 1 and found[0][0] == "templates/robots.txt" and "sitemap_pth" in text[found[0][1] - 1]


def test_an_own_template_can_extend_the_default_one_it_replaces(tmp_path: Path, capsys) -> None:
    """One <meta> added to every page without copying base.html: the default theme's file
    is always default/NAME."""
    root = copy_site("basic", tmp_path)
    (root / "templates").mkdir()
    (root / "templates/base.html").write_text(
        '{% extends "default/base.html" %}\n{% block theme_head %}<meta name="owner" content="龙岗融媒">{% endblock %}\n',
        encoding="utf-8")
    assert main(["--root", str(root), "check"]) == 0
    assert "template" not in capsys.readouterr().err
    assert main(["--root", str(root), "-q"]) == 0
    default = (REPO / "templates/base.html").read_text(encoding="utf-8")
    assert '<meta name="owner"' not in default
    for page in (root / "site").rglob("index.html"):   # every page, whichever blocks its template fills
        html = page.read_text(encoding="utf-8")
        assert '<meta name="owner" content="龙岗融媒">' in html and 'class="masthead"' in html, page


def test_an_own_template_misnamed_for_the_one_it_meant_to_replace_is_named(tmp_path: Path, capsys) -> None:
    root = copy_site("basic", tmp_path)
    (root / "templates").mkdir()
    (root / "templates/articel.html").write_text('{% extends "base.html" %}\n', encoding="utf-8")
    (root / "templates/_parts.html").write_text("{% macro x() %}x{% endmacro %}\n", encoding="utf-8")
    (root / "templates/base.html").write_text('{% extends "default/base.html" %}{% import "_parts.html" as p %}\n',
                                              encoding="utf-8")
    assert main(["--root", str(root), "check"]) == 0
    err = capsys.readouterr().err
    assert ("templates/articel.html: warning: no page uses this template and none includes it — did you mean "
            "'article.html' (an own file replaces the default one of its name)?") in err
    assert "_parts.html" not in err and "templates/base.html" not in err


def test_a_static_file_removed_fails_the_next_build_of_the_pages_that_link_to_it(tmp_path: Path, capsys) -> None:
    # Its bytes are not part of the templates' signature (editing style.css re-renders
    # nothing), its name is: the pages linking to it are made again, and fail
    link = "<link rel=\"stylesheet\" href=\"{{ url('static/print.css') }}\" media=\"print\">"
    root = archive_with(tmp_path, "base.html", "{% block head %}", link + "{% block head %}")
    extra = root / "templates/static/print.css"
    extra.write_text("nav { display: none }\n", encoding="utf-8")
    assert main(["--root", str(root), "-q"]) == 0
    page = (root / "site/index.html").read_text(encoding="utf-8")
    assert 'href="static/print.css"' in page and (root / "site/static/print.css").is_file()
    capsys.readouterr()
    extra.unlink()
    assert main(["--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "templates/base.html:" in err and "url() of 'static/print.css': the theme's static/ folder has no such file" in err
    assert (root / "site/static/print.css").is_file(), "a failed build keeps the published site"
    extra.write_text("nav { display: none }\n", encoding="utf-8")
    assert main(["--root", str(root), "-q"]) == 0
