"""Links in a body, in every form an editor might write one: each resolves or is an error with
path:line and a hint — never a traceback. Site paths that no page has are errors too."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from archive_gen import make_archive
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsroom import builder, config
from newsroom.cli import main

TARGET = "content/articles/2021/02/story-0001.md"       # dated 2021-02-02: /2021/02/02/story-0001/
SOURCE = "content/articles/2021/01/story-0000.md"
LINE = re.compile(r"^content/articles/2021/01/story-0000\.md:(\d+): (error|warning): (.+)$")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_archive(tmp_path_factory.mktemp("links") / "archive", 2, photos=False)


@pytest.fixture
def archive(template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(template, tmp_path / "archive"))


def with_body(root: Path, body: str) -> None:
    """story-0000's front matter (7 lines) with `body`: its first line is line 8 of the file."""
    story = root / SOURCE
    front = story.read_text(encoding="utf-8").split("\n---\n")[0]
    story.write_text(f"{front}\n---\n{body}\n", encoding="utf-8")


def run(root: Path, capsys, *args: str) -> tuple[int, list[str]]:
    code = main(["--root", str(root), "-q", *args])
    return code, capsys.readouterr().err.splitlines()


@pytest.mark.parametrize("href", [
    "../02/story-0001.md",
    "./../02/story-0001.md",
    "content/articles/2021/02/story-0001.md",
    "/content/articles/2021/02/story-0001.md",
    "..\\02\\story-0001.md",
    "../02/story-0001.md#second",
    "../02/story-0001.md?from=home",
    "../02/%73tory-0001.md",
    "/2021/02/02/story-0001/",
])
def test_every_form_of_a_link_to_an_article_reaches_its_page(archive: Path, href: str, capsys) -> None:
    with_body(archive, f"见[另一篇报道]({href})。")
    code, err = run(archive, capsys)
    assert code == 0 and err == []
    page = next((archive / "site/2021/01").glob("*/story-0000/index.html"))
    link = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("a", string="另一篇报道")
    assert (page.parent / link["href"].split("#")[0]).resolve() == (archive / "site/2021/02/02/story-0001").resolve()
    assert link["href"].endswith("#second") == href.endswith("#second")


@pytest.mark.parametrize("href, message", [
    ("/content/articles/2021/02/story-0002.md", "no such article file"),
    ("../02/story-0010.md", "no such article file — did you mean '../02/story-0001.md'?"),
    ("../../../../../etc/passwd.md", "leads outside the archive folder"),
    ("/2021/02/02/no-such-story/", "this site has no page there"),
    ("/2021/02/02/story-001/", "this site has no page there — did you mean '/2021/02/02/story-0001/'?"),
    ("http://[x", "is not a valid address"),
])
def test_a_link_that_leads_nowhere_is_an_error_at_its_line(archive: Path, href: str, message: str, capsys) -> None:
    with_body(archive, f"第一段。\n\n见[另一篇报道]({href})。")
    code, err = run(archive, capsys, "check")
    assert code == 1
    found = [LINE.match(line) for line in err if LINE.match(line)]
    assert [(m[1], m[2]) for m in found] == [("10", "error")] and message in found[0][3], err


def test_a_site_path_of_a_draft_is_a_warning(archive: Path, capsys) -> None:
    target = archive / TARGET
    target.write_text(target.read_text(encoding="utf-8").replace("---\n", "---\ndraft: true\n", 1), encoding="utf-8")
    with_body(archive, "见[另一篇报道](/2021/02/02/story-0001/)。")
    code, err = run(archive, capsys, "check")
    assert code == 0 and any(LINE.match(line) and "is a draft or scheduled" in line for line in err), err


PIECES = ["/", "../", "./", "content/", "articles/", "2021/", "02/", "story-0001", ".md", ".MD", "#", "?x=1",
          "%", "%2F", "%E5%9D%82", "\\", "[", "]", ":", "//", "http:", "mailto:", " ", "坂田", "<", ">", '"',
          "'", "..", ".", "&amp;", "\x00", "\u3000"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=8).map("".join))
@example("/content/articles/2021/02/story-0001.md")
@example("http://[x")
@example("/../../story-0001.md")
def test_no_link_target_makes_a_traceback(template: Path, tmp_path_factory, href: str) -> None:
    root = Path(shutil.copytree(template, tmp_path_factory.mktemp("prop") / "archive"))
    with_body(root, f"[a]({href}) [b](<{href}>) <a href=\"{href}\">c</a>\n\n[d][r]\n\n[r]: {href}")
    cfg, problems = config.load(root)
    result = builder.build(cfg, problems, builder.Options(jobs=1))     # raises on a bug: the test fails
    for problem in result.problems:
        assert re.fullmatch(r"\S+?(:\d+)?: (error|warning): .+", str(problem), re.S), problem
        assert problem.line > 0 or problem.path != SOURCE, problem
