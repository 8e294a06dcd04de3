"""The README's editor's guide works as written: its example files build cleanly."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import REPO
from html_dom import load, resolve
from PIL import Image

from newsroom.cli import main

# A file shown in the README: a bold `path` line, then a fenced block with its text.
EXAMPLE = re.compile(r"^\*\*`([^`]+)`\*\*\n```\w*\n(.*?)^```", re.S | re.M)


PRINT_EXAMPLES = ("editions.yaml", "content/editions/2022-02-22.yaml")   # 4. Recording the printed paper


def examples() -> dict[str, str]:
    return dict(EXAMPLE.findall((REPO / "README.md").read_text(encoding="utf-8")))


def test_readme_keeps_the_two_setup_commands_at_the_top() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    setup = text[text.index("## Set-up"):text.index("## Set-up") + 300]
    assert "pip install -e . && python build.py" in setup
    assert "pip install -e '.[test]' && python -m pytest" in setup


def test_the_example_article_photo_and_registry_entries_build(sample_root: Path, capsys) -> None:
    files = {name: text for name, text in examples().items() if name not in PRINT_EXAMPLES}
    assert set(files) == {"photos/2022/03/night-market.yaml", "content/articles/2022/03/nanwan-night-checkpoint.md",
                          "streets.yaml", "reporters.yaml"}
    for name, text in files.items():
        path = sample_root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith("s.yaml"):                      # registry entries are appended
            text = path.read_text(encoding="utf-8") + text
        path.write_text(text, encoding="utf-8")
    Image.new("RGB", (800, 600), (40, 60, 90)).save(sample_root / "photos/2022/03/night-market.jpg")
    # An article using the newly registered street and reporter.
    (sample_root / "content/articles/2022/03/pinghu.md").write_text(
        "---\ntitle: 平湖\ndate: 2022-03-03\nreporter: 李明\nstreet: 平湖\n---\n正文。\n", encoding="utf-8")

    assert main(["--root", str(sample_root), "-q"]) == 0
    assert capsys.readouterr().err == ""                 # not even a warning

    site = sample_root / "site"
    file = site / "2022/03/02/nanwan-night-checkpoint/index.html"
    doc = load(file)
    story = doc.find("article", cls="story")
    assert story.find("h1").text == "南湾街道夜间卡口守护居民出行"
    assert story.find("time").get("datetime") == "2022-03-02T21:30:00+08:00"
    assert [a.text for a in story.find("p", cls="byline").find_all("a")] == ["张鹏", "陈涛"]
    assert [a.text for a in story.find("p", cls="streets").find_all("a")] == ["南湾街道", "坂田街道"]
    captions = [f.find("figcaption").text for f in story.find_all("figure")]
    assert captions[0].startswith("南湾街道工作人员在夜间卡口核对出行人员信息。")
    assert captions[1].startswith("坂田街道的核酸检测点同样通宵运转。")
    body = story.find("div", cls="story-body")
    assert body.find("table") and body.find("div", cls="footnote")
    link = next(a for a in body.find_all("a") if a.text == "坂田街道的经验")
    assert resolve(site, file, link.get("href")) == (site / "2022/02/21/bantian-frontline/index.html").resolve()
    assert (site / "streets/pinghu/index.html").is_file() and (site / "reporters/li-ming/index.html").is_file()
    photo = load(site / "photos/2022-03-night-market/index.html")
    assert photo.find("h1").text == "南湾街道工作人员在夜间卡口核对出行人员信息。"


def test_the_example_print_edition_builds(sample_root: Path, capsys) -> None:
    """The guide's editions.yaml and edition file replace the sample's, with its scan made here."""
    files = examples()
    for name in PRINT_EXAMPLES:
        (sample_root / name).write_text(files[name], encoding="utf-8")
    scan = sample_root / "photos/2022/02/22/page-03.jpg"
    scan.parent.mkdir(parents=True)
    Image.new("RGB", (900, 1300), (235, 230, 220)).save(scan)
    scan.with_suffix(".yaml").write_text("caption: 2022年2月22日第3版。\ncredit: 龙岗融媒供图\n", encoding="utf-8")
    assert main(["--root", str(sample_root), "-q"]) == 0
    assert capsys.readouterr().err == ""
    page = load(sample_root / "site/editions/2022/02/22/03/index.html")
    assert page.find("p", cls="page-banner").text == "防控疫情 龙岗行动"
    assert [h.text for h in page.find_all("h2")][:2] == ["超2000人次机关党员干部火速下沉抗疫一线",
                                                        "坂田街道防疫一线 双向奔赴温暖人心"]
    assert page.find("div", cls="print-scan").find("img")
