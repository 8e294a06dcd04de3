"""`python build.py check`: every mistake an editor makes, named by file, line and hint.

Each test adds broken files to a copy of the sample archive and asserts the exact
`path:line: severity: message` lines, the count at the end and the exit status.
"""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import REPO
from PIL import Image

from newsroom.cli import main
from newsroom.registry import load as load_registry

ARTICLES = "content/articles/2022/03"


def write(root: Path, rel: str, text: str) -> str:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return rel


def append(file: Path, text: str) -> None:
    with file.open("a", encoding="utf-8") as f:
        f.write(text)


def rewrite(file: Path, old: str, new: str, count: int = -1) -> None:
    """`old` replaced by `new` in `file` (the first `count` times)."""
    text = file.read_text(encoding="utf-8")
    assert old in text, (file, old)
    file.write_text(text.replace(old, new, count), encoding="utf-8")


def article(root: Path, name: str, front: str, body: str = "正文第一段。\n") -> str:
    """An article file: line 1 is '---', the front matter starts on line 2."""
    return write(root, f"{ARTICLES}/{name}.md", f"---\n{front}---\n{body}")


def check(root: Path, capsys, *args: str) -> tuple[int, list[str], str]:
    """(exit status, problem lines without the count, stdout)."""
    code = main(["check", "--root", str(root), *args])
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if line and line != "check failed"]
    return code, lines, out


def problems(lines: list[str]) -> list[str]:
    return lines[:-1] if lines and ("error" in lines[-1] and "warning" in lines[-1]) else lines


def links(site: Path, page: str) -> list[tuple[str, str]]:
    """(site path the link leads to, link text) for every <a href> in a built page."""
    found: list[tuple[str, str]] = []

    class Parser(HTMLParser):
        href: str | None = None

        def handle_starttag(self, tag, attrs):
            if tag == "a":
                self.href, self.text = dict(attrs).get("href"), ""

        def handle_data(self, data):
            if self.href is not None:
                self.text += data

        def handle_endtag(self, tag):
            if tag == "a" and self.href is not None:
                found.append((urljoin(f"/{page}", self.href).lstrip("/"), self.text.strip()))
                self.href = None

    Parser().feed((site / page / "index.html").read_text(encoding="utf-8"))
    return found


GOOD = "title: 好稿子\ndate: 2022-03-01\nreporter: 张鹏\nstreet: 坂田街道\n"


def test_the_sample_archive_checks_clean_and_nothing_is_written(sample_root: Path, capsys) -> None:
    code, lines, out = check(sample_root, capsys)
    assert code == 0
    assert lines == []
    counts = re.search(r"^checked (\d+) articles and (\d+) photos in [\d.]+ s.*: no problems$", out, re.M)
    assert counts, out
    assert not (sample_root / "site").exists()
    assert main(["--root", str(sample_root), "-j", "1"]) == 0       # a build counts the same
    assert capsys.readouterr().out.startswith(f"{counts[1]} articles, {counts[2]} photos, ")


HENGGANG = "content/articles/2022/02/henggang-support.md"


@pytest.mark.parametrize("between", ["check", "a failed build"])
def test_an_edit_is_published_by_the_next_build_whatever_ran_between(sample_root: Path, capsys, between: str) -> None:
    """A `check`, or a build that an error stopped, keeps what it parsed for the next build;
    the story edited meanwhile must still be rendered again by it."""
    assert main(["--root", str(sample_root), "-q"]) == 0
    page = sample_root / "site/2022/02/20/henggang-support/index.html"
    assert "大风降温" not in page.read_text(encoding="utf-8")
    rewrite(sample_root / HENGGANG, "湿冷降温", "大风降温")
    if between == "check":
        assert main(["check", "--root", str(sample_root), "-q"]) == 0
    else:
        mistake = article(sample_root, "mistake", "title: 有错的稿子\ndate: 2022-03-01\nstreet: 不存在街道\n")
        assert main(["--root", str(sample_root), "-q"]) == 1
        (sample_root / mistake).unlink()
    capsys.readouterr()
    assert main(["--root", str(sample_root), "-q"]) == 0
    assert "大风降温" in page.read_text(encoding="utf-8")


def test_registry_aliases_spaces_and_unicode_forms_are_the_same_name(sample_root: Path, capsys) -> None:
    with (sample_root / "reporters.yaml").open("a", encoding="utf-8") as f:
        f.write("- {name: Renée Dupont, slug: renee-dupont, role: 特约记者}\n")
    nfd = unicodedata.normalize("NFD", "Renée Dupont")
    assert nfd != "Renée Dupont"
    article(sample_root, "names", f"title: 名字\ndate: 2022-03-01\n"
            f"reporter: [张\u3000鹏, ' 陈 涛 ', {nfd}]\n"
            "street: [坂田, 横岗\u3000街道]\n"
            "tags: [疫情 防控]\n")
    code, lines, _ = check(sample_root, capsys)
    assert (code, lines) == (0, [])          # accepted silently
    assert main(["--root", str(sample_root), "-q", "-j", "1"]) == 0
    found = links(sample_root / "site", "2022/03/01/names/")
    for target in (("reporters/zhang-peng/", "张鹏"), ("reporters/chen-tao/", "陈涛"),
                   ("reporters/renee-dupont/", "Renée Dupont"), ("streets/bantian/", "坂田街道"),
                   ("streets/henggang/", "横岗街道")):
        assert target in found, target
    # '疫情 防控' is the sample's tag '疫情防控': one tag page, not a second '-2' one.
    tags = sorted(p.name for p in (sample_root / "site/tags").iterdir() if p.is_dir())
    assert "yi-qing-fang-kong" in tags and "yi-qing-fang-kong-2" not in tags
    assert "名字" in (sample_root / "site/tags/yi-qing-fang-kong/index.html").read_text(encoding="utf-8")


def test_an_alias_given_to_two_entries_is_an_error(sample_root: Path, capsys) -> None:
    # A story filed under 坂田 would otherwise go to whichever came first in the file
    with (sample_root / "streets.yaml").open("a", encoding="utf-8") as f:
        f.write("- {name: 坂田社区, slug: bantian-shequ, aliases: [坂田]}\n"
                "- {name: 新桥街道, slug: xinqiao, aliases: [新区]}\n- {name: 新区, slug: xinqu}\n")
    lines = (sample_root / "streets.yaml").read_text(encoding="utf-8").splitlines()
    at = {name: n for n, line in enumerate(lines, 1) for name in ("坂田社区", "新区, slug") if f"name: {name}" in line}
    code, found, _ = check(sample_root, capsys)
    assert code == 1
    assert problems(found) == [
        f"streets.yaml:{at['坂田社区']}: error: '坂田' is given to both '坂田街道' and '坂田社区' (as a name or alias): "
        "keep it on one",
        f"streets.yaml:{at['新区, slug']}: error: '新区' is given to both '新桥街道' and '新区' (as a name or alias): "
        "keep it on one",
    ]


def test_unknown_names_get_a_did_you_mean_hint(sample_root: Path, capsys) -> None:
    rel = article(sample_root, "typos", "title: 错别字\n"
                  "date: 2022-03-01\n"
                  "reporter:\n"
                  "  - {name: 张朋, role: 记者}\n"      # same pinyin as 张鹏
                  "  - 陈涛\n"
                  "street: [南湾街道, 坂田街]\n"
                  "photos:\n"
                  "  - {file: 2022/02/night-testing.jpg, credit: 何晓娟}\n"
                  "  - {file: 2022/02/love-hotline.jpg, credit: 龙城街道供图}\n")
    code, lines, _ = check(sample_root, capsys)
    assert code == 1
    assert lines == [
        f"{rel}:5: error: unknown reporter '张朋' not in reporters.yaml — did you mean '张鹏'?",
        f"{rel}:7: error: unknown street '坂田街' not in streets.yaml — did you mean '坂田街道'?",
        f"{rel}:9: error: unknown photographer '何晓娟' not in reporters.yaml — did you mean '何小娟'?",
        "3 errors, 0 warnings",
    ]


def test_front_matter_types_required_keys_and_dates(sample_root: Path, capsys) -> None:
    bad_date = article(sample_root, "a-bad-date", "title: 日期错了\ndate: 2022-13-45\n")
    no_title = article(sample_root, "b-no-title", "date: 2022-03-01\nstreet: 坂田街道\n")
    types = article(sample_root, "c-types", "title: [一, 二]\n"
                    "date: 2022-03-01\n"
                    "draft: 'yes'\n"
                    "slug: 中文\n"
                    "author: 张鹏\n"
                    "photos:\n"
                    "  - {file: 2022/02/night-testing.jpg}\n"
                    "  - {caption: 没有文件}\n"
                    "  - ../../etc/passwd\n")
    no_date = article(sample_root, "d-no-date", "title: 没有日期\n")
    empty_title = article(sample_root, "e-empty-title", "title: ''\ndate: 2022-03-01\n")
    code, lines, _ = check(sample_root, capsys)
    assert code == 1
    assert problems(lines) == [
        f"{bad_date}:3: error: date '2022-13-45' is not a valid date",
        f"{no_title}:2: error: missing 'title'",
        f"{types}:2: error: 'title' must be text",
        f"{types}:4: error: 'draft' must be true or false",
        f"{types}:5: error: slug '中文' must be lower-case ASCII letters, digits and hyphens",
        f"{types}:6: warning: unknown field 'author' (ignored)",
        f"{types}:9: error: each photo needs a 'file' (a path under photos/)",
        f"{types}:10: error: photo '../../etc/passwd' must be a path inside photos/ (no '..', not absolute)",
        f"{no_date}:2: error: missing 'date'",
        f"{empty_title}:2: error: 'title' is empty: write the headline",
    ]
    assert lines[-1] == "9 errors, 1 warning"


def test_a_key_given_twice_is_an_error_naming_both_lines(sample_root: Path, capsys) -> None:
    # YAML would keep the second title without a word: the editor who fixed it lower down
    # would never learn that the first one is still there
    twice = article(sample_root, "twice", "title: 初稿标题\ndate: 2022-03-01\nstreet: 坂田街道\ntitle: 改过的标题\n")
    sidecar = write(sample_root, "photos/2022/02/night-testing.yaml",
                    "caption: 夜间核酸检测\ncredit: 张鹏 摄\ncaption: 又写了一次\n")
    code, lines, _ = check(sample_root, capsys)
    assert code == 1
    assert f"{twice}:5: error: 'title' is given twice (first on line 2): keep one" in lines
    assert (f"{sidecar}:3: error: 'caption' is given twice (first on line 1): keep one"
            " — used by content/articles/2022/02/party-volunteers.md:12") in lines
    assert lines[-1] == "2 errors, 0 warnings"


@pytest.mark.parametrize("url, message", [
    ("news.example.org/", "base_url 'news.example.org/' needs its scheme: write https://news.example.org/"),
    ("https://news example.org/", "base_url 'https://news example.org/' must be the site's full address, "
                                  "such as https://news.example.org/ (no spaces, no ? or #)"),
    ("ftp://news.example.org/", "base_url 'ftp://news.example.org/' must be the site's full address, "
                                "such as https://news.example.org/ (no spaces, no ? or #)"),
])
def test_a_site_address_that_links_could_not_be_made_from_is_an_error(sample_root: Path, capsys, url: str,
                                                                       message: str) -> None:
    # Feeds, the sitemap and canonical links are made from it: they would all lead nowhere
    settings = sample_root / "site.yaml"
    rewrite(settings, "https://news.example.org/", url)
    code, lines, _ = check(sample_root, capsys)
    assert code == 1 and problems(lines) == [f"site.yaml:3: error: {message}"]


def test_a_setting_of_the_wrong_kind_is_said_whole_in_chinese(sample_root: Path, capsys) -> None:
    settings = sample_root / "site.yaml"
    rewrite(settings, "page_size: 10", "page_size: 十")
    code, lines, _ = check(sample_root, capsys, "--lang", "zh")
    assert code == 1 and lines == ["site.yaml:7: error: 'page_size' 必须是正整数", "1 个错误，0 个警告", "检查未通过"]


def test_a_list_or_mapping_where_text_belongs_is_an_error_not_printed_as_python(sample_root: Path, capsys) -> None:
    # Written out, they showed as "['首席记者']" in a byline and on the edition page
    story = article(sample_root, "shapes", "title: 形状\ndate: 2022-03-01\n"
                    "reporter:\n  - {name: 张鹏, role: [首席记者]}\n"
                    "summary: {text: 摘要}\n"
                    "photos:\n  - {file: 2022/02/night-testing.jpg, caption: [图说]}\n")
    edition = sample_root / "content/editions/2022-02-22.yaml"
    rewrite(edition, "banner: 防控疫情 龙岗行动", "banner: [防控疫情, 龙岗行动]\n    scan: [版面.jpg]")
    reporters = sample_root / "reporters.yaml"
    rewrite(reporters, "role: 通讯员", "role: {name: 通讯员}", 1)
    code, lines, _ = check(sample_root, capsys)
    assert code == 1
    assert problems(lines) == [
        f"{story}:5: error: 'role' must be text",
        f"{story}:6: error: 'summary' must be text",
        f"{story}:8: error: 'caption' must be text",
        "content/editions/2022-02-22.yaml:4: error: 'banner' must be text",
        "content/editions/2022-02-22.yaml:5: error: 'scan' must be text",
        "reporters.yaml:3: error: 'role' must be text",
    ]


def test_an_unknown_field_anywhere_is_named_with_the_nearest_known_one(sample_root: Path, capsys) -> None:
    # A setting or field no one reads would otherwise do nothing, without a word
    with (sample_root / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("pagesize: 5\n")
    settings_line = len((sample_root / "site.yaml").read_text(encoding="utf-8").splitlines())
    edition = sample_root / "content/editions/2022-02-22.yaml"
    rewrite(edition, "    banner:", "    banners:")
    streets = sample_root / "streets.yaml"
    rewrite(streets, "  aliases: [坂田]", "  alias: [坂田]", 1)
    code, lines, _ = check(sample_root, capsys)
    assert code == 0
    assert problems(lines) == [
        "content/editions/2022-02-22.yaml:4: warning: unknown field 'banners' (ignored) — did you mean 'banner'?",
        f"site.yaml:{settings_line}: warning: unknown field 'pagesize' (ignored) — did you mean 'page_size'?",
        "streets.yaml:5: warning: unknown field 'alias' (ignored) — did you mean 'aliases'?",
    ]


def test_missing_photos_and_photos_without_caption_or_credit(sample_root: Path, capsys) -> None:
    for name in ("bare", "bare2"):
        Image.new("RGB", (64, 48), "gray").save(sample_root / f"photos/2022/02/{name}.jpg")
    rel = article(sample_root, "photos", GOOD + "photos:\n"
                  "  - {file: 2022/02/night-testing.jpg}\n"
                  "  - {file: 2022/02/no-such-photo.jpg, caption: 不存在}\n"
                  "  - file: 2022/02/bare.jpg\n"
                  "    caption: 文章里给了图说\n"
                  "  - {file: 2022/02/bare2.jpg}\n"
                  "  - {file: 2022/02/night-test.jpg}\n"
                  "  - {file: 2022/02/Warm-Soup.JPG}\n")
    code, lines, _ = check(sample_root, capsys)
    assert code == 1
    assert lines == [
        f"{rel}:8: error: photo '2022/02/no-such-photo.jpg' not found in photos/",
        f"{rel}:9: warning: photo '2022/02/bare.jpg' has no credit (add 'credit:' here or to photos/2022/02/bare.yaml)",
        f"{rel}:11: warning: photo '2022/02/bare2.jpg' has no caption (add 'caption:' here or to photos/2022/02/bare2.yaml)",
        f"{rel}:11: warning: photo '2022/02/bare2.jpg' has no credit (add 'credit:' here or to photos/2022/02/bare2.yaml)",
        f"{rel}:12: error: photo '2022/02/night-test.jpg' not found in photos/ — "
        "did you mean '2022/02/night-testing.jpg'?",
        f"{rel}:13: error: photo '2022/02/Warm-Soup.JPG' not found in photos/ — did you mean '2022/02/warm-soup.jpg'?",
        "photos/2022/02/bare.jpg: warning: photo has no caption (add a sidecar .yaml with 'caption:')",
        "photos/2022/02/bare.jpg: warning: photo has no credit (add 'credit:' to its sidecar)",
        "photos/2022/02/bare2.jpg: warning: photo has no caption (add a sidecar .yaml with 'caption:')",
        "photos/2022/02/bare2.jpg: warning: photo has no credit (add 'credit:' to its sidecar)",
        "3 errors, 7 warnings",
    ]


def test_a_mistake_in_a_sidecar_is_one_error_naming_the_stories_that_use_the_photo(sample_root: Path,
                                                                                    capsys) -> None:
    # Not also "photo not found" in the story (it is there), "no caption" (it has one, in
    # the broken file) and a complaint about the credit embedded in the JPEG
    misspelt = write(sample_root, "photos/2022/02/night-testing.yaml", "caption: 连夜进行核酸检测。\ncredit: 张朋\n")
    slip = write(sample_root, "photos/2022/02/warm-soup.yaml", "caption: 热汤\n\tcredit: 王丰\n")
    code, lines, _ = check(sample_root, capsys)
    assert code == 1
    users = {photo: sorted(f"{a.relative_to(sample_root)}:{n}" for a in (sample_root / "content").rglob("*.md")
                           for n, line in enumerate(a.read_text(encoding="utf-8").splitlines(), 1) if photo in line)
             for photo in ("night-testing.jpg", "warm-soup.jpg")}
    assert users["night-testing.jpg"] and users["warm-soup.jpg"]
    assert len(lines) == 3 and lines[-1] == "2 errors, 0 warnings"
    assert lines[0].startswith(f"{misspelt}:2: error: unknown photographer '张朋'")
    assert lines[0].endswith(f" — used by {', '.join(users['night-testing.jpg'])}")
    assert lines[1].startswith(f"{slip}:2: error: invalid YAML")
    assert lines[1].endswith(f" — used by {', '.join(users['warm-soup.jpg'])}")


def test_a_registry_that_cannot_be_read_is_one_error_not_one_per_story(sample_root: Path, capsys) -> None:
    streets = sample_root / "streets.yaml"
    lines = streets.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = "\t" + lines[2].lstrip()   # a tab where the entry's second line is indented
    streets.write_text("".join(lines), encoding="utf-8")
    paper = sample_root / "editions.yaml"
    rewrite(paper, "\n  - {page: 1", "\n\t- {page: 1")
    code, lines, _ = check(sample_root, capsys)
    assert code == 1
    assert [line.split(": error: ")[0] for line in problems(lines)] == ["editions.yaml:5", "streets.yaml:3"]
    assert all("a tab in the indentation" in line for line in problems(lines)), lines


def test_a_site_yaml_that_cannot_be_read_is_not_also_said_to_have_no_base_url(sample_root: Path, capsys) -> None:
    with (sample_root / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("footer: [未闭合\n")
    code, lines, _ = check(sample_root, capsys)
    assert code == 1 and len(problems(lines)) == 1 and problems(lines)[0].startswith("site.yaml:"), lines
    assert "base_url" not in lines[0]


def test_an_emptied_registry_is_one_error_not_one_per_story(sample_root: Path, capsys) -> None:
    (sample_root / "reporters.yaml").write_text("# 记者名录\n", encoding="utf-8")   # a bad merge
    code, lines, _ = check(sample_root, capsys)
    assert code == 1 and problems(lines) == [
        "reporters.yaml: error: reporters.yaml lists no one: it is empty (restore it from version control, "
        "or list the names: - {name: …, slug: …})"]


def test_a_list_as_a_registry_name_is_an_error_not_a_name(sample_root: Path, capsys) -> None:
    with (sample_root / "reporters.yaml").open("a", encoding="utf-8") as f:
        f.write("- name: [甲, 乙]\n")
    line = len((sample_root / "reporters.yaml").read_text(encoding="utf-8").splitlines())
    code, lines, _ = check(sample_root, capsys)
    assert code == 1 and problems(lines) == [f"reporters.yaml:{line}: error: 'name' must be text"]


def test_a_caption_file_named_in_another_case_says_the_name_it_needs(sample_root: Path, capsys) -> None:
    folder = sample_root / "photos/2022/02"
    (folder / "warm-soup.jpg").rename(folder / "WARM-SOUP.JPG")   # as a camera names it
    code, lines, _ = check(sample_root, capsys)
    assert ("photos/2022/02/warm-soup.yaml: warning: caption file has no photo beside it: rename it "
            "WARM-SOUP.yaml for WARM-SOUP.JPG") in lines


def test_an_old_address_that_is_a_street_page_names_the_page_as_readers_know_it(sample_root: Path, capsys) -> None:
    story = article(sample_root, "alias", "title: 旧址\ndate: 2022-03-01\naliases: [/streets/bantian/]\n")
    code, lines, _ = check(sample_root, capsys, "--lang", "zh")
    assert code == 1
    line = next(line for line in lines if line.startswith(story))
    assert "也是 街道“坂田街道”页面 的网址" in line and " street " not in line, line


def test_a_story_that_cannot_be_read_is_not_also_missing_where_it_is_named(sample_root: Path, capsys) -> None:
    # The edition file lists it, moved.yaml records its address, another story links to it:
    # each said "no such article file" (one with a did-you-mean naming another story)
    stories = sample_root / "content/articles/2022/02"
    broken = stories / "baolong-support.md"
    rewrite(broken, "\ntitle: ", "\ntitle: [", 1)
    linking = stories / "henggang-support.md"
    append(linking, "\n另见[宝龙](baolong-support.md)。\n")
    assert "baolong-support.md" in (sample_root / "content/editions/2022-02-22.yaml").read_text(encoding="utf-8")
    (sample_root / "moved.yaml").write_text((REPO / "moved.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert "baolong-support.md" in (sample_root / "moved.yaml").read_text(encoding="utf-8")
    code, lines, _ = check(sample_root, capsys)
    assert code == 1
    assert len(problems(lines)) == 1 and problems(lines)[0].startswith(
        "content/articles/2022/02/baolong-support.md:3: error: invalid YAML"), lines


def test_a_truncated_photo_fails_check_as_it_fails_the_build(sample_root: Path, capsys) -> None:
    """check makes no renditions, but decodes the photos the cache has none of (a new upload
    cut short), with the build's own message; a photo that made its renditions decoded then."""
    photo = sample_root / "photos/2022/02/warm-soup.jpg"
    photo.write_bytes(photo.read_bytes()[: photo.stat().st_size // 2])
    code, lines, _ = check(sample_root, capsys)
    assert code == 1
    assert len(problems(lines)) == 1
    assert problems(lines)[0].startswith("photos/2022/02/warm-soup.jpg: error: cannot decode the photo (truncated or corrupt?)")
    assert problems(lines)[0].endswith("— used by content/articles/2022/02/bantian-frontline.md:10")
    assert not (sample_root / "site").exists()
    assert main(["--root", str(sample_root), "-q"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == problems(lines)[0]   # the build's own words


def test_duplicate_slugs(sample_root: Path, capsys) -> None:
    # The sample has content/articles/2022/02/party-volunteers.md; a file of that name in
    # another month, and an explicit slug: that repeats another article's.
    again = article(sample_root, "party-volunteers", GOOD)
    explicit = article(sample_root, "zz-copy", "title: 又一篇\ndate: 2022-03-02\nslug: pingdi-support\nreporter: []\n")
    code, lines, _ = check(sample_root, capsys)
    assert code == 1
    assert lines == [
        "content/articles/2022/02/party-volunteers.md:1: error: article slug 'party-volunteers' is also used by "
        f"{again} (set a different 'slug:')",
        "content/articles/2022/02/pingdi-support.md:1: error: article slug 'pingdi-support' is also used by "
        f"{explicit} (set a different 'slug:')",
        f"{again}:1: error: article slug 'party-volunteers' is already used by "
        "content/articles/2022/02/party-volunteers.md (set a different 'slug:')",
        f"{explicit}:4: error: article slug 'pingdi-support' is already used by "
        "content/articles/2022/02/pingdi-support.md (set a different 'slug:')",
        "4 errors, 0 warnings",
    ]
    # Each said whole in Chinese, no English put into it
    code, lines, _ = check(sample_root, capsys, "--lang", "zh")
    assert lines[0] == ("content/articles/2022/02/party-volunteers.md:1: error: 文章 slug 'party-volunteers' "
                        f"也被 {again} 使用（请另设一个 'slug:'）")


def test_duplicate_output_urls(sample_root: Path, capsys) -> None:
    # A taxonomy put in the photo archive's folder: its index page is /photos/ too.
    site = sample_root / "site.yaml"
    append(site, "  - {key: topic, title: 专题, path: photos}\n")
    code, lines, _ = check(sample_root, capsys)
    assert code == 1
    assert lines == ["site.yaml: error: output URL /photos/ is also made by a taxonomy.html page",
                     "1 error, 0 warnings"]


def test_future_dates_warn_and_strict_fails_on_warnings_but_theirs(sample_root: Path, capsys) -> None:
    published = re.search(r"checked (\d+) articles", check(sample_root, capsys)[2])[1]
    rel = article(sample_root, "later", "title: 明年的稿子\nreporter: 张鹏\ndate: 2999-01-01T08:00:00+08:00\n")
    code, lines, out = check(sample_root, capsys)
    assert code == 0
    assert lines == [f"{rel}:4: warning: dated in the future: scheduled for 2999-01-01 08:00 "
                     "(left out until then; --future includes it)", "0 errors, 1 warning"]
    assert f"checked {published} articles" in out       # scheduled: not counted as published
    # A story scheduled is meant: said (a mistyped year hides a story) but no reason to fail --strict.
    code, lines, _ = check(sample_root, capsys, "--strict")
    assert code == 0 and lines[-1] == "0 errors, 1 warning"
    typo = article(sample_root, "typo", "title: 错字段\nreporter: 张鹏\ndate: 2022-03-01\nstreat: 坂田街道\n")
    code, lines, _ = check(sample_root, capsys, "--strict")
    assert code == 1 and lines[-1] == "0 errors, 2 warnings"
    (sample_root / typo).unlink()
    # A draft dated in the future is not scheduled: it says nothing.
    (sample_root / rel).write_text("---\ntitle: 草稿\ndate: 2999-01-01\ndraft: true\n---\n正文。\n", encoding="utf-8")
    assert check(sample_root, capsys, "--strict")[:2] == (0, [])


def test_files_not_in_utf8_are_named_with_the_encoding(sample_root: Path, capsys) -> None:
    gbk = f"{ARTICLES}/gbk.md"
    (sample_root / gbk).parent.mkdir(parents=True)
    (sample_root / gbk).write_bytes(f"---\n{GOOD}---\n正文。\n".encode("gbk"))
    latin = f"{ARTICLES}/latin.md"
    (sample_root / latin).write_bytes("---\ntitle: ok\ndate: 2022-03-01\n---\ncaf\xe9 \x81\n".encode("latin-1"))
    code, lines, _ = check(sample_root, capsys)
    assert code == 1
    assert lines == [
        f"{gbk}:2: error: the file is not UTF-8 text (it looks like GBK/GB18030; save it as UTF-8)",
        f"{latin}:5: error: the file is not UTF-8 text (save it as UTF-8)",
        "2 errors, 0 warnings",
    ]


@pytest.mark.parametrize("name", ["site.yaml", "streets.yaml", "reporters.yaml", "editions.yaml",
                                  "content/editions/2022-02-22.yaml", "moved.yaml", "front.yaml"])
def test_settings_and_registries_not_in_utf8_are_named_with_the_encoding(sample_root: Path, capsys, name: str) -> None:
    """Chinese Windows editors save GBK by default: each of the archive's own YAML files says so
    as an article does, at the line of the first byte that is not UTF-8, and once."""
    file = sample_root / name
    text = file.read_text(encoding="utf-8") if file.exists() else "# 头版\n- 2022/02/a.md\n"
    file.write_bytes(text.encode("gbk"))
    code, lines, _ = check(sample_root, capsys)
    first = text[:next(i for i, c in enumerate(text) if ord(c) > 127)].count("\n") + 1
    assert code == 1
    assert lines[0] == f"{name}:{first}: error: the file is not UTF-8 text (it looks like GBK/GB18030; save it as UTF-8)"
    assert [line for line in lines if line.startswith(f"{name}:")] == lines[:1]


def test_empty_bodies_and_empty_files(sample_root: Path, capsys) -> None:
    no_body = article(sample_root, "no-body", GOOD, body="\n  \n")
    empty = write(sample_root, f"{ARTICLES}/empty.md", "")
    unclosed = write(sample_root, f"{ARTICLES}/unclosed.md", "---\ntitle: 没关上\n")
    code, lines, _ = check(sample_root, capsys)
    assert code == 1
    assert lines == [
        f"{empty}:1: error: the file is empty (an article needs front matter and a body)",
        f"{no_body}:7: warning: the article has no body text",
        f"{unclosed}:1: error: front matter is not closed: no second '---' line",
        "2 errors, 1 warning",
    ]


def test_markdown_links_to_article_files(sample_root: Path, capsys) -> None:
    article(sample_root, "draft", "title: 草稿\ndate: 2022-03-01\ndraft: true\n")
    rel = article(sample_root, "links", GOOD, body=(
        "第一段，[坂田一线](../02/bantian-frontline.md)。\n"        # line 7: resolves
        "\n"
        "[还没写](../02/not-written-yet.md) 和 [草稿](draft.md#part)\n"  # line 9: missing; a draft
        "\n"
        "[又一个](../02/bantian-frontline.md) [另一个](../02/gone.md)\n"  # line 11: fine; missing
        "\n"
        "[错字](../02/bantian-frontlin.md) [错月份](bantian-frontline.md)\n"  # line 13: typos
    ))
    code, lines, _ = check(sample_root, capsys)
    assert code == 1
    assert lines == [
        f"{rel}:9: error: link to '../02/not-written-yet.md': no such article file",
        f"{rel}:9: warning: link to 'draft.md#part': that article is a draft or scheduled, "
        "so the link goes nowhere until it is published",
        f"{rel}:11: error: link to '../02/gone.md': no such article file",
        f"{rel}:13: error: link to '../02/bantian-frontlin.md': no such article file — "
        "did you mean '../02/bantian-frontline.md'?",
        f"{rel}:13: error: link to 'bantian-frontline.md': no such article file — "
        "did you mean '../02/bantian-frontline.md'?",
        "4 errors, 1 warning",
    ]
    # Fixed, the link in the built page leads to the other article's page.
    body = (sample_root / rel).read_text(encoding="utf-8")
    (sample_root / rel).write_text(body.split("\n\n")[0] + "\n", encoding="utf-8")
    assert main(["--root", str(sample_root), "-q", "-j", "1"]) == 0
    capsys.readouterr()
    assert ("2022/02/21/bantian-frontline/", "坂田一线") in links(sample_root / "site", "2022/03/01/links/")
    assert (sample_root / "site/2022/02/21/bantian-frontline/index.html").is_file()


def test_every_problem_in_one_run_sorted_and_build_runs_the_same_checks(sample_root: Path, capsys) -> None:
    assert main(["build", "--root", str(sample_root), "-q", "-j", "1"]) == 0
    site = sample_root / "site"
    published = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    b = article(sample_root, "b", "title: 乙\ndate: 2022-03-01\nstreet: 坂田街\nphotos: [{file: nope.jpg}]\n",
                body="[x](nowhere.md)\n")
    a = article(sample_root, "a", "title: 甲\ndate: 2022-03-01\nextra: 1\nreporter: []\n", body="")
    expected = [
        f"{a}:4: warning: unknown field 'extra' (ignored)",
        f"{a}:7: warning: the article has no body text",
        f"{b}:4: error: unknown street '坂田街' not in streets.yaml — did you mean '坂田街道'?",
        f"{b}:5: error: photo 'nope.jpg' not found in photos/",
        f"{b}:7: error: link to 'nowhere.md': no such article file",
        "3 errors, 2 warnings",
    ]
    code, lines, _ = check(sample_root, capsys)
    assert (code, lines) == (1, expected)
    code = main(["build", "--root", str(sample_root), "-j", "1"])
    out, err = capsys.readouterr()
    assert code == 1
    assert err.splitlines() == [*expected, "build failed: the site was not changed"]
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == published


def test_check_exit_status_from_the_command_line(sample_root: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=sample_root,
                              capture_output=True, text=True, timeout=120)

    assert run("check").returncode == 0
    article(sample_root, "later", "title: 以后\ndate: 2022-03-01\nreporter: []\nstreat: 坂田街道\n")
    done = run("check")
    assert done.returncode == 0 and "0 errors, 1 warning" in done.stderr
    assert run("--strict", "check").returncode == 1
    assert run("check", "--strict").returncode == 1
    article(sample_root, "broken", "title: 坏\ndate: 2022-02-30\n")
    done = run("check")
    assert done.returncode == 1
    assert f"{ARTICLES}/broken.md:3: error: date '2022-02-30' is not a valid date" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (sample_root / "site").exists()


def test_a_registry_names_pinyin_is_checked_against_the_other_slugs(sample_root: Path, capsys) -> None:
    """A name with no 'slug:' has its pinyin as slug, made where the pages are planned; one
    that another entry has already is the same error as two slugs given alike."""
    registry = sample_root / "reporters.yaml"
    text = registry.read_text(encoding="utf-8").rstrip("\n")
    registry.write_text(text + "\n- name: 章鹏\n", encoding="utf-8")   # zhang-peng, as 张鹏's slug
    line = len(text.splitlines()) + 1
    first = next(n for n, row in enumerate(text.splitlines(), 1) if "name: 张鹏" in row)
    code, lines, _ = check(sample_root, capsys, "--lang", "en")
    assert code == 1
    assert problems(lines) == [f"reporters.yaml:{line}: error: duplicate slug 'zhang-peng' (first on line {first})"]


def test_a_story_moved_to_another_file_is_hinted_where_its_old_file_is_named(sample_root: Path, capsys) -> None:
    """A story's file moved (README: "just change it"): the edition file and a story that still
    name the old file are told where it is now, by moved.yaml, both before a build records the
    move and after."""
    old = sample_root / "content/articles/2022/02/yuanshan-support.md"
    assert main(["--root", str(sample_root), "-q"]) == 0
    with (sample_root / "content/articles/2022/02/baolong-support.md").open("a", encoding="utf-8") as f:
        f.write("\n见[圆山](yuanshan-support.md)。\n")
    new = sample_root / "content/articles/2022/x/yuanshan-renamed.md"
    new.parent.mkdir()
    old.rename(new)
    expected = [
        "content/articles/2022/02/baolong-support.md:22: error: link to 'yuanshan-support.md': no such article "
        "file — did you mean '../x/yuanshan-renamed.md'?",
        "content/editions/2022-02-22.yaml:10: warning: story '2022/02/yuanshan-support.md': no such article file "
        "under content/articles/ (left off the page) — did you mean '2022/x/yuanshan-renamed.md'?",
        "1 error, 1 warning"]
    assert check(sample_root, capsys, "--lang", "en")[1] == expected
    assert main(["--root", str(sample_root), "-q", "--lang", "en"]) == 1   # the link's error fails it
    capsys.readouterr()
    text = (sample_root / "content/articles/2022/02/baolong-support.md").read_text(encoding="utf-8")
    baolong = sample_root / "content/articles/2022/02/baolong-support.md"
    baolong.write_text(text.replace("见[圆山](yuanshan-support.md)。\n", ""), encoding="utf-8")
    assert main(["--root", str(sample_root), "-q", "--lang", "en"]) == 0   # moved.yaml records the move
    capsys.readouterr()
    assert "2022/x/yuanshan-renamed.md" in (sample_root / "moved.yaml").read_text(encoding="utf-8")
    assert check(sample_root, capsys, "--lang", "en")[1] == expected[1:2] + ["0 errors, 1 warning"]


def test_an_alias_or_old_name_that_is_not_text_is_an_error_on_its_line(sample_root: Path, capsys) -> None:
    # Taken as Python writes them ("['坂田社区']", "True"), they were names no story is filed under,
    # without a word; the names beside them stay good
    streets = sample_root / "streets.yaml"
    rewrite(streets, "  aliases: [坂田]", "  aliases:\n    - 坂田\n    - [坂田社区]", 1)
    rewrite(streets, "  aliases: [横岗]", "  aliases: {横岗: 1}\n  old_names: [横岗镇, true]", 1)
    code, lines, _ = check(sample_root, capsys)
    assert code == 1
    assert problems(lines) == [
        "streets.yaml:7: error: 'aliases' must be a name or a list of names, each written as text",
        "streets.yaml:11: error: 'aliases' must be a name or a list of names, each written as text",
        "streets.yaml:12: error: 'old_names' must be a name or a list of names, each written as text",
    ]
    registry, _ = load_registry(streets, "streets.yaml")
    assert registry.entries[0].aliases == ("坂田",) and registry.entries[1].old_names == ("横岗镇",)


def test_a_taxonomy_given_twice_or_written_outside_the_site_is_an_error_on_its_line(sample_root: Path,
                                                                                    capsys) -> None:
    # The second 'street' made every story's streets its own (pages under /topics/), without a
    # word; a path out of the site failed as a template error in taxonomy.html
    site = sample_root / "site.yaml"
    text = site.read_text(encoding="utf-8")
    line = text.splitlines().index("  - {key: tags, title: 标签, path: tags}") + 1
    append(site, "  - {key: street, title: 专题, path: topics}\n")
    rewrite(site, "path: tags}", "path: ../tags}")
    first = text.splitlines().index("  - {key: street, title: 街道, path: streets, registry: streets.yaml}") + 1
    code, lines, _ = check(sample_root, capsys)
    assert code == 1
    assert problems(lines) == [
        f"site.yaml:{line}: error: taxonomy 'tags': 'path' must be a folder of the site, such as path: tags "
        "(not '../tags')",
        f"site.yaml:{line + 1}: error: taxonomy key 'street' is given twice (first on line {first})",
    ]


def test_a_paper_name_that_is_not_text_is_an_error_not_printed_as_python(sample_root: Path, capsys) -> None:
    # Written out, it was the paper of every story in print: 刊于《['龙岗新闻']》
    rewrite(sample_root / "editions.yaml", "paper: 龙岗新闻", "paper: [龙岗新闻]")
    code, lines, _ = check(sample_root, capsys)
    assert code == 1 and problems(lines) == ["editions.yaml:2: error: 'paper' must be text"]


def test_a_photo_credit_that_is_not_text_is_an_error_not_a_missing_credit(sample_root: Path, capsys) -> None:
    # A list in the sidecar was taken for no credit ("has no credit", where one was written);
    # a mapping in the article was dropped, the sidecar's credit shown instead, without a word
    rewrite(sample_root / "photos/2022/02/love-hotline.yaml", "credit: 王丰", "credit: [王丰]")
    story = article(sample_root, "credits", GOOD + "photos:\n"
                    "  - {file: 2022/02/night-testing.jpg, credit: {name: 张鹏, role: 摄影记者}}\n")
    code, lines, _ = check(sample_root, capsys)
    assert code == 1
    assert problems(lines) == [
        f"{story}:7: error: 'credit' must be text",
        "photos/2022/02/love-hotline.yaml:2: error: 'credit' must be text — used by "
        "content/articles/2022/02/party-volunteers.md:13",
    ]


def test_a_taxonomys_fields_of_the_wrong_kind_or_misspelt_are_reported_on_its_line(sample_root: Path,
                                                                                  capsys) -> None:
    # A title of [标签] was shown as "['标签']", feeds: maybe read as true, a misspelt registry ignored
    site = sample_root / "site.yaml"
    line = site.read_text(encoding="utf-8").splitlines().index("  - {key: tags, title: 标签, path: tags}") + 1
    rewrite(site, "{key: tags, title: 标签, path: tags}", "{key: tags, title: [标签], path: tags, feeds: maybe, "
            "regsitry: tags.yaml}")
    code, lines, _ = check(sample_root, capsys)
    assert code == 1
    assert problems(lines) == [
        f"site.yaml:{line}: error: 'taxonomies.feeds' must be true or false",
        f"site.yaml:{line}: error: 'taxonomies.title' must be text",
        f"site.yaml:{line}: warning: unknown field 'regsitry' (ignored) — did you mean 'registry'?",
    ]


def test_a_misspelt_field_of_a_name_given_as_a_mapping_is_a_warning_with_the_nearest_field(sample_root: Path,
                                                                                           capsys) -> None:
    # {name: 张鹏, rol: 首席记者}: the role was dropped without a word (the registry's shown instead)
    story = article(sample_root, "roles", "title: 好稿子\ndate: 2022-03-01\nstreet: 坂田街道\n"
                    "reporter:\n  - {name: 张鹏, rol: 首席记者}\n")
    code, lines, _ = check(sample_root, capsys)
    assert code == 0
    assert problems(lines) == [f"{story}:6: warning: unknown field 'rol' (ignored) — did you mean 'role'?"]


@pytest.mark.parametrize(("language", "message"), [
    ("zh_CN", "'language' must be a language tag: write language: zh-CN"),
    ("chinese", "'language' must be a language tag such as zh-CN or en, not 'chinese'"),
])
def test_a_language_that_is_no_language_tag_is_an_error(sample_root: Path, capsys, language: str,
                                                        message: str) -> None:
    # Written into every page as <html lang="zh_CN">, which no screen reader or browser takes for Chinese
    rewrite(sample_root / "site.yaml", "language: zh-CN", f"language: {language}")
    code, lines, _ = check(sample_root, capsys, "--lang", "en")
    assert code == 1 and problems(lines) == [f"site.yaml:4: error: {message}"]


def test_a_slug_that_is_not_text_is_said_so_not_as_python_spells_it(sample_root: Path, capsys) -> None:
    story = article(sample_root, "slugged", GOOD + "slug: [hao-gao-zi]\n")
    rewrite(sample_root / "reporters.yaml", "slug: chen-tao", "slug: [chen-tao]")
    rewrite(sample_root / "reporters.yaml", "slug: wang-feng,", "slug: wang-feng, old_slugs: [[wang-f]],")
    code, lines, _ = check(sample_root, capsys)
    assert code == 1
    assert problems(lines) == [f"{story}:6: error: 'slug' must be text", "reporters.yaml:3: error: 'slug' must be text",
                               "reporters.yaml:4: error: 'old_slugs' must be text"]


def test_a_sidecars_alt_or_title_is_said_to_be_ignored(sample_root: Path, capsys) -> None:
    # Both were taken as known fields and read by nothing: the caption is every photo's alt text
    sidecar = sample_root / "photos/2022/02/love-hotline.yaml"
    append(sidecar, "alt: 接线员在热线电话旁\ntitle: 爱心热线\n")
    code, lines, _ = check(sample_root, capsys)
    assert code == 0
    assert problems(lines) == ["photos/2022/02/love-hotline.yaml:5: warning: unknown field 'alt' (ignored)",
                               "photos/2022/02/love-hotline.yaml:6: warning: unknown field 'title' (ignored)"]


def test_an_image_in_the_body_by_a_path_from_the_page_is_an_error_with_its_line(sample_root: Path, capsys) -> None:
    # Published as written, beside a story's page where nothing is: a broken image, without a word.
    # A full address and a path from the site's root are left as they are.
    story = article(sample_root, "inline", GOOD, "第一段。\n\n![夜间检测](../../../photos/2022/02/night-testing.jpg)\n"
                    "\n![外链](https://example.org/a.jpg)\n\n![图标](/static/favicon.svg)\n")
    code, lines, _ = check(sample_root, capsys)
    assert code == 1
    assert problems(lines) == [
        f"{story}:9: error: image '../../../photos/2022/02/night-testing.jpg': nothing is published there, so it "
        "would show broken — list the photo under 'photos:' (shown resized, with its caption) or give its full address",
    ]
