"""A mistake in a template is a located problem, not a traceback (StrictUndefined, autoescape)."""

from __future__ import annotations

from pathlib import Path

from conftest import copy_site

from newsroom.cli import main


def test_an_undefined_name_in_a_template_is_reported_with_its_line(tmp_path: Path, capsys) -> None:
    root = copy_site("basic", tmp_path)
    (root / "templates").mkdir()
    (root / "templates" / "404.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n<h1>{{ no_such_thing }}</h1>\n{% endblock %}\n',
        encoding="utf-8")
    assert main(["--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "templates/404.html:3: error: template error while rendering /404.html: 'no_such_thing' is undefined" in err
    assert "Traceback" not in err
    assert not (root / "site").exists()


def test_an_archive_template_overrides_the_default_and_text_is_escaped(tmp_path: Path) -> None:
    root = copy_site("basic", tmp_path)
    (root / "templates").mkdir()
    (root / "templates" / "404.html").write_text(
        '{% extends "base.html" %}\n{% block main %}<h1 id="own">{{ "<b>&" }}</h1>{% endblock %}\n',
        encoding="utf-8")
    assert main(["--root", str(root), "-q"]) == 0
    html = (root / "site" / "404.html").read_text(encoding="utf-8")
    assert '<h1 id="own">&lt;b&gt;&amp;</h1>' in html


def test_a_full_disk_while_rendering_is_not_a_template_error_and_names_the_published_file(tmp_path: Path) -> None:
    """A page a worker cannot write is the disk's fault, named where the file will be (not
    the staging folder an editor never sees), and a template Jinja does not name is the
    archive's own, not one of the folder the build was started in."""
    import errno

    from newsroom import config as config_mod
    from newsroom import render
    from newsroom.pages import Page

    root = copy_site("basic", tmp_path)
    cfg, _ = config_mod.load(root)
    page = Page("2022/02/21/a/", "article.html", {})
    staged = cfg.output.parent / f".{cfg.output.name}.staging-1234" / "2022/02/21/a/index.html"
    full = OSError(errno.ENOSPC, "No space left on device", str(staged))
    assert str(render.problem(full, page, cfg)) == \
        "site/2022/02/21/a/index.html: error: cannot write /2022/02/21/a/: No space left on device"
    assert str(render.problem(RuntimeError("x"), page, cfg)).startswith(
        "templates/article.html: error: template error while rendering /2022/02/21/a/")
