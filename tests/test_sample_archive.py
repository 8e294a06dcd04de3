"""The sample archive tells the seed page's stories with its people, roles, streets and photos."""

from __future__ import annotations

from pathlib import Path

from conftest import REPO
from html_dom import load

# Headline -> byline as the seed page gives it: (role, name) …
BYLINES = {
    "超2000人次机关党员干部火速下沉抗疫一线": [("首席记者", "张鹏"), ("通讯员", "陈涛")],
    "坂田街道防疫一线 双向奔赴温暖人心": [("首席记者", "张鹏")],
    "横岗街道115名机关干部驰援坂田": [("记者", "何小娟"), ("通讯员", "刘文玲"), ("通讯员", "苏小冬")],
    "园山街道近300人志愿力量支援坂田": [("记者", "尹萌"), ("通讯员", "周睿"), ("通讯员", "郑韵诗")],
    "“龙城铁军”三批次160余人驰援坂田": [("首席记者", "张祥"), ("通讯员", "龙城轩")],
    "宝龙街道“支援坂田党员突击队”冲锋在前": [("记者", "刘芳菲"), ("通讯员", "何婧")],
    "坪地街道300人支援队伍连夜驰援坂田": [("记者", "张臻斐"), ("通讯员", "蔡逸夫"), ("通讯员", "彭俊希")],
}
# Caption -> credit as shown under the photo
CREDITS = {
    "连夜进行核酸检测。": "摄影 首席记者 张鹏",   # the label says 摄: not 摄影 … 摄 again
    "工作人员接听封控区“爱心热线”。": "摄影 通讯员 王丰",
    "社区防疫人员作短暂休整。": "摄影 通讯员 王丰",
    "龙城街道党员干部支援坂田防疫。": "来源 龙城街道供图",
}
STREETS = {"坂田街道", "横岗街道", "园山街道", "龙城街道", "宝龙街道", "坪地街道", "南湾街道", "布吉街道"}


def articles(site: Path) -> dict[str, Path]:
    found = {}
    for file in (site / "2022").glob("*/*/*/index.html"):
        found[load(file).find("article", cls="story").find("h1").text] = file
    return found


def test_every_seed_story_with_its_byline(sample_site: Path) -> None:
    found = {title: file for title, file in articles(sample_site).items() if title in BYLINES}
    assert set(found) == set(BYLINES)            # every seed story (an editor may add more)
    for title, file in found.items():
        people = load(file).find("p", cls="byline").find_all("span", cls="person")
        assert [(p.find("span", cls="role").text, p.find("a").text) for p in people] == BYLINES[title], title
        assert "龙岗融媒" in load(file).find("p", cls="byline").text
        assert file.relative_to(sample_site).as_posix().startswith("2022/02/")


def test_every_street_of_the_seed_is_registered_and_has_a_page(sample_site: Path) -> None:
    doc = load(sample_site / "streets/index.html")
    assert {s.text for s in doc.find_all("span", cls="term-name")} == STREETS


def test_seed_photos_with_captions_and_credits(sample_site: Path) -> None:
    shown = {}
    for file in (sample_site / "photos").glob("*/index.html"):
        if file.parent.name == "page":
            continue
        fig = load(file).find("figure", cls="photo-page")
        facts = fig.find("dl", cls="photo-facts")
        shown[fig.find("h1").text] = f'{facts.find("dt").text} {facts.find("dd").text}'
    for caption, credit in CREDITS.items():
        assert shown.get(caption) == credit, caption
    assert len(shown) == sum(1 for p in (REPO / "photos").rglob("*.jpg"))     # every photo has its page
