"""yamlfile.load builds plain documents straight from their nodes (yamlfile._Direct): the
data and the lines must be what PyYAML's constructor and the line walk give, value for
value and type for type (True is not 1), for every kind of document an editor may write."""

import pytest
import yaml

from newsroom import yamlfile

DOCUMENTS = [
    # Front matter as editors write it (the sample's and the benchmark's shapes).
    "title: 坂田街道开展核酸检测\ndate: 2022-02-22T09:00:00+08:00\nreporter:\n"
    "  - {name: 张鹏, role: 首席记者}\n  - 陈涛\nstreet: [坂田街道, 龙城街道]\ntags: [抗疫, 志愿者]\n"
    "print: {page: 3, position: 2}\nphotos:\n  - file: 2022/02/a.jpg\n    caption: 志愿者在现场\n",
    # Scalars of every implicit type, and strings that look like them when quoted.
    "a: 1\nb: -0x1F\nc: 0o17\nd: 1_000\ne: 1:30\nf: 3.5\ng: .inf\nh: -.NaN\ni: yes\nj: Off\n"
    "k: ~\nl: null\nm:\nn: '1'\no: \"true\"\np: 2022-02-22\nq: 1e3\nr: 0b101\n",
    # Keys that are not strings.
    "1: one\ntrue: t\nnull: n\n3.5: f\n",
    # Block scalars, comments, nesting, empty collections.
    "body: |\n  第一行\n  第二行\nfolded: >\n  a\n  b\n# a comment\nnested:\n  deep:\n    - [1, [2, 3]]\n"
    "    - {a: {b: c}}\nempty_list: []\nempty_map: {}\n",
    # Documents that are not mappings.
    "- a\n- 2\n- {b: c}\n",
    "just text\n",
    "42\n",
    # Aliases (one value shared), merge keys, and tags the direct walk leaves to PyYAML.
    "base: &b {role: 记者}\nfirst: *b\nsecond: *b\n",
    "base: &b {role: 记者, name: 张鹏}\nother:\n  <<: *b\n  name: 陈涛\n",
    "tags: !!set {a: null, b: null}\n",
    "ordered: !!omap [{a: 1}, {b: 2}]\n",
    "data: !!binary aGVsbG8=\n",
    "s: !!str 12\ni: !!int '7'\nf: !!float '2'\n",
    "= : value key\n",
    # A star that is not an alias, and a key that is a list (left to PyYAML).
    "title: 5*3 = 15\n'*not': alias\n",
    "? [a, b]\n: c\n",
]


def _typed(value):
    """The value with every scalar's type beside it: 1 == True, but not as typed."""
    if isinstance(value, dict):
        return ("dict", [(_typed(k), _typed(v)) for k, v in value.items()])
    if isinstance(value, (list, tuple, set, frozenset)):
        return (type(value).__name__, [_typed(v) for v in value])
    if isinstance(value, float) and value != value:
        return ("float", "nan")
    return (type(value).__name__, value)


def _by_constructor(text: str, first_line: int):
    """What load gave before the direct walk: PyYAML's constructor, then the line walk."""
    loader = yamlfile._FastLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    lines: dict = {}
    yamlfile._collect_lines(node, (), lines, first_line)
    return data, lines


@pytest.mark.parametrize("text", DOCUMENTS)
def test_load_gives_what_the_constructor_gives(text):
    try:
        expected = _by_constructor(text, 2)
    except (yaml.YAMLError, TypeError):   # a key PyYAML cannot hash: load reports it
        with pytest.raises(yamlfile.YamlError):
            yamlfile.load(text, first_line=2)
        return
    doc = yamlfile.load(text, first_line=2)
    assert _typed(doc.data) == _typed(expected[0])
    assert doc.lines == expected[1]


def test_an_alias_still_shares_its_value():
    doc = yamlfile.load("base: &b {role: 记者}\nfirst: *b\n")
    assert doc.data["first"] is doc.data["base"]
    assert doc.line("first") == 2


def test_bad_documents_are_still_reported_with_their_line():
    with pytest.raises(yamlfile.YamlError) as found:
        yamlfile.load("title: a\nx: !!python/object:os.system {}\n", first_line=2)
    assert found.value.line == 3 and "tag" in found.value.message
    with pytest.raises(yamlfile.YamlError) as found:
        yamlfile.load("a: &x [1, *x]\n")
    assert "alias to itself" in found.value.message


@pytest.mark.parametrize("text", [
    "title: a\ndate: 2022-02-22\ntitle: b\n",                       # the direct walk
    "base: &b {role: 记者}\nfirst: *b\ntitle: a\ntitle: b\n",         # the constructor's path
    "tags: !!set {x: null}\ntitle: a\ntitle: b\n",                 # a tag: the constructor again
])
def test_a_key_given_twice_is_an_error_at_the_second(text):
    # PyYAML keeps the last value without a word: a title fixed lower down hides the first
    with pytest.raises(yamlfile.YamlError) as found:
        yamlfile.load(text, first_line=2)
    second = 2 + text.splitlines().index("title: b")
    assert found.value.line == second
    assert found.value.message == f"'title' is given twice (first on line {second - 1 if 'date' not in text else second - 2}): keep one"


def test_a_merge_key_may_be_overridden_and_nested_keys_may_repeat_across_mappings():
    doc = yamlfile.load("base: &b {role: 记者, name: 张鹏}\nother:\n  <<: *b\n  name: 陈涛\n"
                        "a: {name: x}\nb: {name: y}\n")
    assert doc.data["other"] == {"role": "记者", "name": "陈涛"}
