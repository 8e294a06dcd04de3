"""What Chinese news pages carry under a story: 来源 (the organisation unless `source:` says
otherwise), 责任编辑 (`editor:`, a name from the registry) and 本报讯 (`dateline:`), each
shown only where it applies."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import copy_sample

from newsroom.cli import main

STORY = "content/articles/2022/03/desk-story.md"
PLAIN = "content/articles/2022/03/plain-story.md"


def write(root: Path, rel: str, front: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}---\n三月一日，街道召开会议。\n\n第二段。\n", encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_sample(tmp_path_factory.mktemp("desk"))
    write(root, STORY, "title: 街道召开会议\ndate: 2022-03-01\nreporter: 张鹏\nsource: 龙城街道办事处\n"
                       "editor: 张 祥\ndateline: 本报讯\n")
    write(root, PLAIN, "title: 另一则消息\ndate: 2022-03-01\n")
    assert main(["--root", str(root), "-q"]) == 0
    return root / "site"


def story(site: Path, slug: str) -> BeautifulSoup:
    return BeautifulSoup((site / "2022/03/01" / slug / "index.html").read_bytes(), "html.parser").select_one(
        "article.story")


def test_source_editor_and_dateline_when_given(site: Path) -> None:
    doc = story(site, "desk-story")
    foot = doc.select_one(".story-foot")
    assert [s.get_text(strip=True) for s in foot.find_all("span")] == ["来源：龙城街道办事处", "责任编辑：张祥"]
    assert foot.find("a")["href"].endswith("reporters/zhang-xiang/"), "the editor's name links to their page"
    body = doc.select_one(".story-body")
    assert foot in body.find_all_next(), "under the body"
    first = body.find(["strong", "p"])
    assert first.name == "strong" and first.get_text() == "本报讯", "本报讯 opens the story"


def test_without_them_the_source_is_the_organisation_and_nothing_else(site: Path) -> None:
    doc = story(site, "plain-story")
    assert [s.get_text(strip=True) for s in doc.select(".story-foot span")] == ["来源：龙岗融媒"]
    assert "责任编辑" not in doc.get_text() and "本报讯" not in doc.get_text()
    assert doc.select_one(".dateline") is None


def test_an_unknown_editor_is_an_error_with_its_line(tmp_path: Path, capsys) -> None:
    root = copy_sample(tmp_path)
    write(root, STORY, "title: 街道召开会议\ndate: 2022-03-01\neditor: 张翔\nfeatured: maybe\n")
    assert main(["check", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert f"{STORY}:4: error: unknown editor '张翔' not in reporters.yaml — did you mean '张祥'?" in err
    assert f"{STORY}:5: error: 'featured' must be true, or a place on the front page" in err
