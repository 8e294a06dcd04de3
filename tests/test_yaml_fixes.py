"""The usual YAML mistakes are reported with the corrected line; unknown fields with the likely
one; a story without a reporter with a warning (reporter: [] for a story with no byline)."""

from __future__ import annotations

import pytest
from conftest import SITES

from newsroom import config as config_mod
from newsroom import yamlfile
from newsroom.articles import parse
from newsroom.markup import Renderer

CFG, _ = config_mod.load(SITES / "basic")
SOURCE = "content/articles/2022/02/a.md"


def problems(front: str) -> list[str]:
    _, found = parse(f"---\n{front}\n---\n正文。\n", SOURCE, CFG, Renderer())
    return [str(p) for p in found]


@pytest.mark.parametrize("line, fixed", [
    ('title: 防控疫情: "龙岗行动"', "title: '防控疫情: \"龙岗行动\"'"),     # an unquoted colon in a value
    ('title: "防控疫情: "龙岗行动""', "title: '防控疫情: \"龙岗行动\"'"),   # quotes inside quotes
    ("title: \"他说\"好\"\"", "title: '他说\"好\"'"),
    ("title: 'it's'", "title: 'it''s'"),
    ("reporter:张鹏", "reporter: 张鹏"),                                    # no space after the colon
    ("reporter：张鹏", "reporter: 张鹏"),                                   # a full-width colon
    ("\treporter: 张鹏", "reporter: 张鹏"),                                 # a tab
])
def test_a_usual_yaml_mistake_comes_with_the_corrected_line(line: str, fixed: str) -> None:
    found = problems(f"title: 标题\ndate: 2022-02-20\n{line}" if not line.startswith("title") else
                     f"date: 2022-02-20\n{line}\nreporter: 张鹏")
    where = 4 if not line.startswith("title") else 3
    assert len(found) == 1 and found[0].startswith(f"{SOURCE}:{where}: error: "), found
    assert found[0].endswith(f" — write the line as: {fixed}"), found
    again = problems(f"title: 标题\ndate: 2022-02-20\n{fixed}" if not line.startswith("title") else
                     f"date: 2022-02-20\n{fixed}\nreporter: 张鹏")
    assert not [p for p in again if ": error: " in p], again            # the fix as shown parses


@pytest.mark.parametrize("line, cause", [
    ('title: 防控疫情: "龙岗行动"', "the value holds a colon, a # or quotes: put it in single quotes"),
    ("reporter:张鹏", "no space after the colon"),
    ("reporter：张鹏", "a full-width colon ： after the field's name"),
])
def test_the_mistake_is_named_not_where_pyyaml_stopped(line: str, cause: str) -> None:
    """PyYAML says "mapping values are not allowed here" for all three: the editor hears what to fix."""
    found = problems(f"date: 2022-02-20\n{line}\ntitle: 标题" if not line.startswith("title") else
                     f"date: 2022-02-20\n{line}\nreporter: 张鹏")
    assert len(found) == 1 and f"error: invalid YAML: {cause} — write the line as: " in found[0], found


def test_a_full_width_colon_on_the_only_line_is_fixed_too() -> None:
    assert problems("title：标题") == [f"{SOURCE}:2: error: front matter must be a mapping of fields "
                                       "(title: …, date: …) — write the line as: title: 标题"]


def test_the_fix_is_offered_for_every_yaml_file() -> None:
    with pytest.raises(yamlfile.YamlError) as caught:
        yamlfile.load("- name: 平湖街道\n  description: 龙岗区: 新街道\n")
    assert caught.value.line == 2 and caught.value.message.endswith("write the line as:   description: '龙岗区: 新街道'")


@pytest.mark.parametrize("field, hint", [("streets", "street"), ("reporters", "reporter"), ("tag", "tags"),
                                         ("titel", "title"), ("Date", "date")])
def test_an_unknown_field_gets_the_known_one_it_is_like(field: str, hint: str) -> None:
    found = problems(f"title: 标题\ndate: 2022-02-20\nreporter: 张鹏\n{field}: x")
    assert found == [f"{SOURCE}:5: warning: unknown field '{field}' (ignored) — did you mean '{hint}'?"]


def test_an_unknown_field_like_none_gets_no_hint() -> None:
    assert problems("title: 标题\ndate: 2022-02-20\nreporter: 张鹏\nweather: 晴") == [
        f"{SOURCE}:5: warning: unknown field 'weather' (ignored)"]


def test_a_story_without_a_reporter_is_a_warning_unless_it_says_so() -> None:
    assert problems("title: 标题\ndate: 2022-02-20") == [
        f"{SOURCE}:4: warning: no reporter: add a line such as 'reporter: 张鹏' "
        "(a 本报讯 story without a byline: 'reporter: []')"]
    assert problems("title: 标题\ndate: 2022-02-20\nreporter: []") == []


def test_a_fix_that_does_not_parse_is_not_fixed_again(tmp_path) -> None:
    """Found by test_properties: trying a fix tried fixes of the fix, doubling quotes at each
    level, until a process held 21 GB. Run in a child with 1 GB, so a regression fails here
    with a MemoryError instead of taking the machine's memory."""
    import subprocess
    import sys

    front = "date\t\nfile\n  - [\nfile\n  - \nsummary \"\n  date\n  - \ndate\t\nstreet:'? \t{name: 张鹏}\n  \n"
    (tmp_path / "front.yaml").write_text(front, encoding="utf-8")
    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from newsroom import yamlfile\n"
        "try:\n"
        f"    yamlfile.load(open({str(tmp_path / 'front.yaml')!r}, encoding='utf-8').read())\n"
        "except yamlfile.YamlError as exc:\n"
        "    print(exc.line, exc.message)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-500:]
    assert run.stdout.startswith("1 invalid YAML"), run.stdout


def test_aliases_repeating_a_value_are_walked_once_and_one_inside_itself_is_an_error() -> None:
    """Thirty lines of nested aliases (a "billion laughs") expand to 3^29 paths: walking them
    for the lines of the front matter hung the build (seen). A value holding an alias to itself is
    reported where its anchor is, not a RecursionError."""
    # Ten levels here (59,000 paths when expanded), so that a regression fails rather than hangs.
    bomb = "l0: &l0 [x, x]\n" + "".join(f"l{i}: &l{i} [*l{i - 1}, *l{i - 1}, *l{i - 1}]\n" for i in range(1, 10))
    doc = yamlfile.load(bomb + "extra: *l9\n")
    assert doc.data["extra"][0][0][0] is doc.data["l6"] and doc.line("extra", 0, 1) == 11
    assert len(doc.lines) < 50, len(doc.lines)
    found = problems("title: 标题\ndate: 2022-02-20\nreporter: 张鹏\nseen: &s [1, *s]")
    assert found == [f"{SOURCE}:5: error: invalid YAML: this value contains an alias to itself "
                     "(*name inside &name)"], found


@pytest.mark.parametrize("nested", [
    "[" * 3000 + "]" * 3000,                                          # in flow style, on one line
    "\n" + "".join(" " * i + "k:\n" for i in range(1, 3000)) + " " * 3000 + "v",   # in block style
])
def test_front_matter_nested_thousands_deep_is_an_error_at_the_line_it_gets_too_deep(nested: str) -> None:
    """PyYAML's composer recurses, so a document nested a few hundred levels deep ran out of
    stack: reported at line 1 as Python's 'maximum recursion depth exceeded'."""
    found = problems(f"title: 标题\ndate: 2022-02-20\nreporter: 张鹏\nbad: {nested}")
    # The front matter (level 1) starts on line 2 and `bad:` is on line 5; in block style each
    # line below it is a level deeper, level 2 on line 6.
    line = 5 if nested.startswith("[") else 5 + 100
    assert found == [f"{SOURCE}:{line}: error: invalid YAML: lists and mappings nested more than 100 deep"], found
