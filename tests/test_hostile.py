"""Hostile and broken input: each case is a located error or a documented acceptance, never a traceback.

Every test runs the real command line (`check` or `build`) on a tiny archive, so a traceback
anywhere in reading, indexing or planning fails the test instead of being reported.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from newsroom.cli import main

REPO = Path(__file__).resolve().parent.parent
A = "content/articles/2022/02/a.md"
GOOD = "---\ntitle: 标题\ndate: 2022-02-21\nreporter: 张鹏\nstreet: 坂田街道\n---\n正文。\n"
JPEG = (REPO / "photos/2022/02/warm-soup.jpg").read_bytes()
SIDECAR = "caption: 一碗汤\ncredit: 张鹏\n"


def archive(root: Path, files: dict[str, str | bytes], links: dict[str, Path] | None = None) -> Path:
    root.mkdir()
    for name in ("site.yaml", "streets.yaml", "reporters.yaml"):
        shutil.copy(REPO / name, root / name)
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    for rel, target in (links or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, root / rel)
    return root


def check(tmp_path: Path, capsys, files: dict[str, str | bytes], links: dict[str, Path] | None = None,
          command: str = "check") -> tuple[int, list[str]]:
    root = archive(tmp_path / "archive", files, links)
    status = main([command, "--root", str(root), "-q", "-j", "1"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return status, err.splitlines()


def fails_with(tmp_path: Path, capsys, files: dict[str, str | bytes], message: str, **kw) -> None:
    status, lines = check(tmp_path, capsys, files, **kw)
    assert status == 1
    assert message in lines, "\n".join(lines)


def article(front: str, body: str = "正文。\n") -> str:
    return f"---\n{front}---\n{body}"


# -- front matter ---------------------------------------------------------------------------

def test_unclosed_front_matter(tmp_path, capsys):
    fails_with(tmp_path, capsys, {A: "---\ntitle: 标题\ndate: 2022-02-21\n正文。\n"},
               f"{A}:1: error: front matter is not closed: no second '---' line")


def test_no_front_matter(tmp_path, capsys):
    fails_with(tmp_path, capsys, {A: "# 标题\n正文。\n"},
               f"{A}:1: error: missing front matter: the file must start with a line '---'")


def test_front_matter_is_a_list(tmp_path, capsys):
    fails_with(tmp_path, capsys, {A: article("- title\n- date\n")},
               f"{A}:2: error: front matter must be a mapping of fields (title: …, date: …)")


def test_front_matter_is_a_scalar(tmp_path, capsys):
    fails_with(tmp_path, capsys, {A: article("just some text\n")},
               f"{A}:2: error: front matter must be a mapping of fields (title: …, date: …)")


def test_tab_in_front_matter(tmp_path, capsys):
    fails_with(tmp_path, capsys, {A: article("title: 标题\n\tdate: 2022-02-21\n")},
               f"{A}:3: error: front matter contains a tab: indent YAML with spaces — write the line as: "
               "date: 2022-02-21")


@pytest.mark.parametrize("tag", ["!!python/object:os.system", "!!python/object/apply:os.system",
                                 "!!python/name:os.system"])
def test_object_constructing_tags_are_refused(tmp_path, capsys, tag):
    marker = tmp_path / "pwned"
    fails_with(tmp_path, capsys, {A: article(f"title: {tag} ['touch {marker}']\ndate: 2022-02-21\n")},
               f"{A}:2: error: invalid YAML: YAML tag not allowed here "
               f"('tag:yaml.org,2002:{tag[2:]}')")
    assert not marker.exists()


@pytest.mark.parametrize(("value", "message"), [
    ("2022-13-45", "date '2022-13-45' is not a valid date"),
    ("yesterday", "date 'yesterday' is not a date (write it as 2022-02-21 or 2022-02-21T09:30:00+08:00)"),
    ("20220221", "date '20220221' is not a date (write it as 2022-02-21 or 2022-02-21T09:30:00+08:00)"),
    ("2022-02-21T25:00", "date '2022-02-21T25:00' is not a valid date"),
    # not said as Python spells a list ("date '['2022-02-21']' is not a date")
    ("[2022-02-21]", "a date is one date, not a list or a mapping (write it as 2022-02-21 or "
                     "2022-02-21T09:30:00+08:00)"),
])
def test_bad_dates(tmp_path, capsys, value, message):
    fails_with(tmp_path, capsys, {A: GOOD.replace("2022-02-21", value)}, f"{A}:3: error: {message}")


def test_reporter_as_a_number(tmp_path, capsys):
    fails_with(tmp_path, capsys, {A: GOOD.replace("reporter: 张鹏", "reporter: 42")},
               f"{A}:4: error: 'reporter' must be a name, a list of names, or a list of {{name, role}}")


def test_tags_as_numbers_are_not_told_of_roles(tmp_path, capsys):
    """Roles (首席记者, 通讯员) are a byline's: tags are names or a list of names."""
    fails_with(tmp_path, capsys, {A: GOOD.replace("street: 坂田街道", "street: 坂田街道\ntags: [2022]")},
               f"{A}:6: error: 'tags' must be a name or a list of names")


def test_reporter_mapping_without_name(tmp_path, capsys):
    fails_with(tmp_path, capsys, {A: GOOD.replace("reporter: 张鹏", "reporter:\n  - {name: 张鹏}\n  - {role: 记者}")},
               f"{A}:6: error: each reporter needs a 'name'")


def test_empty_file(tmp_path, capsys):
    fails_with(tmp_path, capsys, {A: ""},
               f"{A}:1: error: the file is empty (an article needs front matter and a body)")


def test_only_front_matter_is_accepted_with_a_warning(tmp_path, capsys):
    status, lines = check(tmp_path, capsys, {A: GOOD.replace("正文。\n", "")})
    assert status == 0
    assert lines == [f"{A}:7: warning: the article has no body text", "0 errors, 1 warning"]


def test_bom_and_crlf_are_accepted(tmp_path, capsys):
    text = ("\ufeff" + GOOD.replace("正文。", "第一段。\n\n第二段。")).replace("\n", "\r\n")
    status, lines = check(tmp_path, capsys, {A: text}, command="build")
    assert status == 0 and lines == []
    page = tmp_path / "archive/site/2022/02/21/a/index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert soup.h1.get_text(strip=True) == "标题"
    assert [p.get_text() for p in soup.select(".story-body p")] == ["第一段。", "第二段。"]
    assert "\r" not in page.read_text(encoding="utf-8") and "\ufeff" not in page.read_text(encoding="utf-8")


def test_gbk_is_a_clear_error(tmp_path, capsys):
    fails_with(tmp_path, capsys, {A: GOOD.encode("gbk")},
               f"{A}:2: error: the file is not UTF-8 text (it looks like GBK/GB18030; save it as UTF-8)")


def test_five_megabyte_article(tmp_path, capsys):
    block = "## 小标题\n\n" + "龙岗区街道工作人员走访社区，了解居民需求，**协调**解决实际问题。" * 8 + "\n\n"
    body = block * (5_000_000 // len(block.encode()))
    started = time.perf_counter()
    status, lines = check(tmp_path, capsys, {A: GOOD.replace("正文。\n", body)})
    assert status == 0 and lines == []
    assert time.perf_counter() - started < 30   # about 2 s here; Markdown dominates


def test_names_with_trailing_and_full_width_spaces_are_normalised(tmp_path, capsys):
    text = GOOD.replace("reporter: 张鹏", "reporter: \u3000张鹏\u3000 ").replace("坂田街道", "'坂田街道  '")
    status, lines = check(tmp_path, capsys, {A: text}, command="build")
    assert status == 0 and lines == []
    site = tmp_path / "archive/site"
    soup = BeautifulSoup((site / "2022/02/21/a/index.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one(".byline a").get_text() == "张鹏"
    assert (site / "reporters/zhang-peng/index.html").is_file()
    assert (site / "streets/bantian/index.html").is_file()


def test_misspelt_name_is_an_error_with_a_hint(tmp_path, capsys):
    fails_with(tmp_path, capsys, {A: GOOD.replace("坂田街道", "坂田街")},
               f"{A}:5: error: unknown street '坂田街' not in streets.yaml — did you mean '坂田街道'?")


# -- photos ---------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["../secret.jpg", "2022/../../secret.jpg", "/etc/passwd", "C:/photos/a.jpg"])
def test_photo_paths_outside_photos_are_refused(tmp_path, capsys, path):
    fails_with(tmp_path, capsys, {A: GOOD.replace("street:", f"photos: ['{path}']\nstreet:")},
               f"{A}:5: error: photo '{path}' must be a path inside photos/ (no '..', not absolute)")


def test_symlinked_photo_leading_outside_is_refused(tmp_path, capsys):
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(JPEG)
    status, lines = check(tmp_path, capsys, {"photos/a.yaml": SIDECAR,
                                             A: GOOD.replace("street:", "photos: [a.jpg]\nstreet:")},
                          links={"photos/a.jpg": secret})
    assert status == 1
    # one error, at its cause, naming the story that uses the photo (not a second "not found")
    assert f"photos/a.jpg: error: symlink leads outside photos/ (refused) — used by {A}:5" in lines
    assert not any("not found" in line for line in lines)


def test_symlinked_folder_leading_outside_is_not_followed(tmp_path, capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "b.jpg").write_bytes(JPEG)
    fails_with(tmp_path, capsys, {A: GOOD.replace("street:", "photos: [elsewhere/b.jpg]\nstreet:")},
               f"{A}:5: error: photo 'elsewhere/b.jpg' not found in photos/",
               links={"photos/elsewhere": outside})


def test_symlink_inside_photos_is_accepted(tmp_path, capsys):
    status, _ = check(tmp_path, capsys, {"photos/a.jpg": JPEG, "photos/a.yaml": SIDECAR,
                                         "photos/b.yaml": SIDECAR}, links={"photos/b.jpg": Path("a.jpg")})
    assert status == 0


def test_sidecar_that_is_a_list(tmp_path, capsys):
    fails_with(tmp_path, capsys, {"photos/a.jpg": JPEG, "photos/a.yaml": "- 一碗汤\n- 张鹏\n"},
               "photos/a.yaml:1: error: a photo sidecar must be a mapping (caption: …, credit: …)")


def test_sidecar_with_object_tag(tmp_path, capsys):
    fails_with(tmp_path, capsys, {"photos/a.jpg": JPEG, "photos/a.yaml": "caption: !!python/object/apply:os.getcwd []\n"},
               "photos/a.yaml:1: error: invalid YAML: YAML tag not allowed here "
               "('tag:yaml.org,2002:python/object/apply:os.getcwd')")


def test_sidecar_caption_that_is_not_text(tmp_path, capsys):
    fails_with(tmp_path, capsys, {"photos/a.jpg": JPEG, "photos/a.yaml": "caption: [一碗, 汤]\ncredit: 张鹏\n"},
               "photos/a.yaml:1: error: 'caption' must be text")


def test_sidecar_in_gbk(tmp_path, capsys):
    fails_with(tmp_path, capsys, {"photos/a.jpg": JPEG, "photos/a.yaml": SIDECAR.encode("gbk")},
               "photos/a.yaml:1: error: the file is not UTF-8 text (it looks like GBK/GB18030; save it as UTF-8)")


def test_not_an_image(tmp_path, capsys):
    fails_with(tmp_path, capsys, {"photos/a.jpg": b"<html>not a photo</html>", "photos/a.yaml": SIDECAR},
               "photos/a.jpg: error: not an image Pillow can read (is the file corrupt, or not a photo despite its name?)")


# -- two things at one URL ------------------------------------------------------------------

def test_two_articles_with_one_url(tmp_path, capsys):
    status, lines = check(tmp_path, capsys, {
        A: GOOD, "content/articles/2022/02/b.md": GOOD.replace("title: 标题", "title: 另一篇\nslug: a")})
    assert status == 1
    # One line for each file, b.md's at its 'slug:' line (line 3) where the engine knows it.
    assert len(lines) == 4, lines
    assert re.fullmatch(rf"{A}(:\d+)?: error: article slug 'a' is also used by content/articles/2022/02/b\.md "
                        r"\(set a different 'slug:'\)", lines[0]), lines
    assert re.fullmatch(r"content/articles/2022/02/b\.md(:3)?: error: article slug 'a' is "
                        rf"already used by {A} \(set a different 'slug:'\)", lines[1]), lines


def test_two_photos_with_one_url(tmp_path, capsys):
    status, lines = check(tmp_path, capsys, {"photos/x/a.jpg": JPEG, "photos/x/a.yaml": SIDECAR,
                                             "photos/x/a.png": JPEG})
    assert status == 1
    assert "photos/x/a.png: error: photo slug 'x-a' is already used by photos/x/a.jpg (rename one of them)" in lines
    assert "photos/x/a.jpg: error: photo slug 'x-a' is also used by photos/x/a.png (rename one of them)" in lines
    assert sum(": error: " in line for line in lines) == 2   # one line for each file


def test_control_character_in_front_matter(tmp_path, capsys):
    """Found by tests/test_properties.py: PyYAML refused it before our error handling began."""
    fails_with(tmp_path, capsys, {A: GOOD.replace("title: 标题", "title: 标\x08题")},
               f"{A}:2: error: invalid YAML: the control character U+0008 is not allowed "
               "(remove it or write it as an escape in double quotes)")
