"""Did-you-mean only for a near spelling; otherwise the line that registers the new name."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO

from newsroom import registry

STREETS = registry.load(REPO / "streets.yaml", "streets.yaml")[0]
REPORTERS = registry.load(REPO / "reporters.yaml", "reporters.yaml")[0]


@pytest.mark.parametrize("typed, meant", [
    ("坂田街", "坂田街道"),        # a registered name, not finished
    ("坂田社区", "坂田街道"),      # a registered alias (坂田), extended
    ("板田街道", "坂田街道"),      # same sound, other character
    ("bantianjiedao", "坂田街道"),  # typed in pinyin
    ("坂 田街道", None),           # (a space is no typo: the name itself — looked up, never suggested)
])
def test_a_near_street_is_suggested(typed: str, meant: str | None) -> None:
    if meant is None:
        assert STREETS.lookup(typed).name == "坂田街道"
    else:
        assert STREETS.lookup(typed) is None and STREETS.suggest(typed) == meant


@pytest.mark.parametrize("typed, meant", [("张朋", "张鹏"), ("何晓娟", "何小娟"), ("zhangpeng", "张鹏"),
                                          ("郑韵师", "郑韵诗")])
def test_a_near_reporter_is_suggested(typed: str, meant: str) -> None:
    assert REPORTERS.suggest(typed) == meant


@pytest.mark.parametrize("typed", ["平湖街道", "吉华街道", "龙岗街道"])
def test_a_street_that_only_shares_jiedao_gets_no_hint(typed: str) -> None:
    assert STREETS.suggest(typed) is None


@pytest.mark.parametrize("typed", ["张明", "李鹏", "张", "王芳"])
def test_a_different_person_gets_no_hint(typed: str) -> None:
    assert REPORTERS.suggest(typed) is None


def test_an_unknown_street_says_what_to_add(tmp_path: Path, capsys) -> None:
    from archive_gen import make_archive
    from test_link_forms import SOURCE

    from newsroom.cli import main

    root = make_archive(tmp_path / "archive", 1, photos=False)
    story = root / SOURCE
    story.write_text(story.read_text(encoding="utf-8").replace("street: 坂田街道", "street: 平湖街道"),
                     encoding="utf-8")
    assert main(["check", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    line = "- {name: 平湖街道, slug: ping-hu-jie-dao}"
    assert (f"{SOURCE}:5: error: unknown street '平湖街道' not in streets.yaml — if it is new, add it to "
            f"streets.yaml: {line}") in err and "did you mean" not in err
    with (root / "streets.yaml").open("a", encoding="utf-8") as f:
        f.write(line + "\n")                                   # what the message says, as it says it
    assert main(["check", "--root", str(root)]) == 0
