"""Names typed with Chinese punctuation between them (张鹏，陈涛) are split, with a warning that shows
the list form — never merged into one name, never dropped."""

from __future__ import annotations

import io

import pytest
from conftest import SITES
from PIL import Image

from newsroom import config as config_mod
from newsroom import photos
from newsroom.articles import parse
from newsroom.markup import Renderer

CFG, _ = config_mod.load(SITES / "basic")
SOURCE = "content/articles/2022/02/a.md"


def parsed(field: str):
    byline = "" if field.startswith("reporter") else "\nreporter: []"
    text = f"---\ntitle: 标题\ndate: 2022-02-20\n{field}{byline}\n---\n正文。\n"
    article, problems = parse(text, SOURCE, CFG, Renderer())
    return article, [str(p) for p in problems]


@pytest.mark.parametrize("field, key, names, marks", [
    ("reporter: 张鹏，陈涛", "reporter", ["张鹏", "陈涛"], "，"),
    ("reporter: 张鹏、陈涛、王丰", "reporter", ["张鹏", "陈涛", "王丰"], "、"),
    ("street: 坂田街道；南湾街道", "street", ["坂田街道", "南湾街道"], "；"),
    ("tags: [疫情防控，志愿服务]", "tags", ["疫情防控", "志愿服务"], "，"),
    ("tags: 疫情防控、 志愿服务", "tags", ["疫情防控", "志愿服务"], "、"),
    ("reporter: [张鹏， 陈涛, 王丰]", "reporter", ["张鹏", "陈涛", "王丰"], "，"),
    ("reporter: 张鹏, 陈涛", "reporter", ["张鹏", "陈涛"], ","),           # ASCII marks, said as typed
    ("tags: 疫情防控; 志愿服务、社区", "tags", ["疫情防控", "志愿服务", "社区"], "; 、"),
])
def test_names_joined_by_punctuation_are_split_with_a_warning(field: str, key: str, names: list[str], marks: str) -> None:
    article, problems = parsed(field)
    assert [n.name for n in article.names(key)] == names
    listed = ", ".join(names)
    assert problems == [f"{SOURCE}:4: warning: '{key}' has several names in one text, split at {marks}: "
                        f"read as the list {key}: [{listed}] (write it that way)"]


def test_a_list_written_as_a_list_has_no_warning() -> None:
    article, problems = parsed("reporter: [张鹏, 陈涛]\ntags: [疫情防控, 志愿服务]")
    assert problems == [] and [n.name for n in article.names("tags")] == ["疫情防控", "志愿服务"]


def test_an_unknown_name_in_a_joined_text_is_still_reported() -> None:
    article, problems = parsed("reporter: 张鹏，张明")
    assert [n.name for n in article.names("reporter")] == ["张鹏"]
    assert any("unknown reporter '张明'" in p for p in problems) and any("[张鹏, 张明]" in p for p in problems)


def test_a_photo_sidecar_street_is_split_too() -> None:
    jpeg = io.BytesIO()
    Image.new("RGB", (40, 30)).save(jpeg, "JPEG")
    photo, problems = photos.parse("a.jpg", jpeg.getvalue(), "caption: 图说\ncredit: 张鹏\nstreet: 坂田街道，南湾街道\n", CFG,
                                   "photos/a.yaml")
    assert [str(p) for p in problems] == ["photos/a.yaml:3: warning: 'street' has several names in one text, split "
                                          "at ，: read as the list street: [坂田街道, 南湾街道] (write it that way)"]
    assert [n.name for n in photo.names("street")] == ["坂田街道", "南湾街道"]
