"""Parsing one article: front-matter forms, dates in the site's timezone, Markdown features."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from conftest import SITES

from newsroom import config as config_mod
from newsroom import dates
from newsroom.articles import parse, split_front_matter
from newsroom.markup import Renderer
from newsroom.model import Name, PhotoRef

CFG, CFG_PROBLEMS = config_mod.load(SITES / "basic")
RENDERER = Renderer()

# The extensions the engine gives Python-Markdown (markup._extensions), by name as stock
# Markdown takes them: what it makes with them is what bodies must come out as.
STOCK_EXTENSIONS = ["tables", "fenced_code", "footnotes", "sane_lists"]


def article(front: str, body: str = "正文。", source: str = "content/articles/2022/02/a.md", cfg=CFG):
    art, problems = parse(f"---\n{front}\n---\n{body}\n", source, cfg, RENDERER)
    errors = [str(p) for p in problems if p.severity == "error"]
    assert art is not None and not errors, errors
    return art


def test_fixture_config_loads_cleanly() -> None:
    assert CFG_PROBLEMS == []
    assert CFG.timezone == "Asia/Shanghai" and CFG.page_size == 2


# --- reporter and street: short and long forms ------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("张鹏", (Name("张鹏"),)),                                          # one name
    ("[张鹏, 陈涛]", (Name("张鹏"), Name("陈涛"))),                       # a list of names
    ("\n  - {name: 张鹏, role: 首席记者}\n  - {name: 陈涛, role: 通讯员}",  # a list of {name, role}
     (Name("张鹏", "首席记者"), Name("陈涛", "通讯员"))),
    ("{name: 王丰, role: 摄影记者}", (Name("王丰", "摄影记者"),)),          # one {name, role}
    ("小张", (Name("张鹏"),)),                                          # an alias: the canonical name
    ("'张\u3000鹏 '", (Name("张鹏"),)),                                   # full-width space, trailing space
    ("[张鹏, 小张]", (Name("张鹏"),)),                                    # named twice: once
])
def test_reporter_forms(value: str, expected: tuple) -> None:
    art = article(f"title: 标题\ndate: 2022-02-21\nreporter: {value}")
    assert art.names("reporter") == expected


@pytest.mark.parametrize("value, expected", [
    ("坂田街道", ("坂田街道",)),
    ("[坂田街道, 横岗]", ("坂田街道", "横岗街道")),
    ("\n  - 南湾街道\n  - 坂田", ("南湾街道", "坂田街道")),
])
def test_street_forms(value: str, expected: tuple) -> None:
    art = article(f"title: 标题\ndate: 2022-02-21\nstreet: {value}")
    assert tuple(n.name for n in art.names("street")) == expected


def test_every_field() -> None:
    art = article(
        "title: 全部字段\ndate: 2022-02-21T09:30:00+08:00\nreporter: 张鹏\nstreet: 坂田街道\n"
        "tags: [疫情防控, 志愿服务]\nphotos:\n  - 2022/harbour.jpg\n"
        "  - {file: 2022/portrait.jpg, caption: 说明, credit: 王丰}\n"
        "summary: 自己写的摘要\nslug: all-fields\ndraft: true",
        source="content/articles/2022/02/全部.md")
    assert art.title == "全部字段"
    assert art.slug == "all-fields"
    assert art.draft is True
    assert art.summary == "自己写的摘要"
    assert [n.name for n in art.names("tags")] == ["疫情防控", "志愿服务"]
    assert art.photos == (PhotoRef("2022/harbour.jpg", line=8),
                          PhotoRef("2022/portrait.jpg", "说明", "王丰", line=9))


def test_defaults_slug_from_file_name_summary_from_first_paragraph() -> None:
    art = article("title: 默认\ndate: 2022-02-21", body="第一段，**加粗**的文字。\n\n第二段。",
                  source="content/articles/2022/02/night-testing.md")
    assert art.slug == "night-testing"
    assert art.summary == "第一段，加粗的文字。"
    assert art.draft is False
    chinese = article("title: 默认\ndate: 2022-02-21", source="content/articles/2022/02/坂田新闻.md")
    assert chinese.slug == "ban-tian-xin-wen"


def test_summary_is_cut_by_characters() -> None:
    long = "坂" * 300
    art = article("title: 长\ndate: 2022-02-21", body=long)
    assert art.summary == "坂" * CFG.summary_length + "…"


def test_front_matter_split_reports_the_body_line() -> None:
    front, body, line = split_front_matter("---\ntitle: x\n---\n正文\n")
    assert (front, body, line) == ("title: x", "正文\n", 4)


def test_windows_line_endings_and_bom() -> None:
    art, problems = parse("\ufeff---\r\ntitle: 标题\r\ndate: 2022-02-21\r\n---\r\n正文\r\n",
                          "content/articles/a.md", CFG, RENDERER)
    assert art is not None and art.title == "标题"


# --- dates ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("2022-02-21", "2022-02-21T00:00:00+08:00"),             # a bare date: midnight in the site's zone
    ("2022-02-21 09:30", "2022-02-21T09:30:00+08:00"),       # a bare time too
    ("2022-02-21T09:30:00", "2022-02-21T09:30:00+08:00"),
    ("2022-02-21T09:30:00+08:00", "2022-02-21T09:30:00+08:00"),
    ("2022-02-21T01:30:00Z", "2022-02-21T09:30:00+08:00"),    # converted into the site's zone
    ("2021-12-31T20:00:00+00:00", "2022-01-01T04:00:00+08:00"),
    ("2022-2-1", "2022-02-01T00:00:00+08:00"),
])
def test_dates_are_in_the_site_timezone(value: str, expected: str) -> None:
    assert article(f"title: 日期\ndate: {value}").date.isoformat() == expected


def test_a_site_in_another_timezone() -> None:
    london = CFG.with_options(timezone="Europe/London")
    art = article("title: 伦敦\ndate: 2022-07-01", cfg=london)
    assert art.date.utcoffset() == timedelta(hours=1)          # summer time in London
    assert art.date.isoformat() == "2022-07-01T00:00:00+01:00"


@pytest.mark.parametrize("value, message", [
    ("2022-13-01", "date '2022-13-01' is not a valid date"),
    ("2022-02-29", "date '2022-02-29' is not a valid date"),
    ("2022-02-21T25:00", "date '2022-02-21T25:00' is not a valid date"),
    ("昨天", "date '昨天' is not a date"),
])
def test_bad_dates(value: str, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(")):
        dates.parse(value, CFG.tz)


def test_dates_parse_accepts_date_objects() -> None:
    assert dates.parse(datetime(2022, 2, 21, 9, 30), CFG.tz).isoformat() == "2022-02-21T09:30:00+08:00"


# --- Markdown --------------------------------------------------------------------------------------

def test_markdown_tables() -> None:
    html = article("title: 表\ndate: 2022-02-21", body="| 街道 | 人数 |\n| --- | ---: |\n| 横岗 | 115 |").body_html
    assert "<table>" in html and "<th>街道</th>" in html
    assert '<td style="text-align:right">115</td>' in html   # column alignment survives sanitising


def test_markdown_fenced_code_keeps_its_language_and_escapes() -> None:
    html = article("title: 码\ndate: 2022-02-21", body="```python\nif a < b:\n    print('<b>')\n```").body_html
    assert '<pre><code class="language-python">' in html
    assert "if a &lt; b:" in html and "&lt;b&gt;" in html


def test_markdown_footnotes() -> None:
    html = article("title: 注\ndate: 2022-02-21", body="正文[^1]。\n\n[^1]: 注释。").body_html
    assert '<sup id="fnref:1">' in html
    assert '<div class="footnote">' in html and "注释。" in html
    assert 'href="#fn:1"' in html


INLINE_SAMPLES = [
    "坂田街道的居民 **踊跃** 参加，*志愿者* 和 __社工__ 一起 _劳动_。",
    "代码 `a < b` 与转义 \\*星号\\* 和 \\_下划线\\_。",
    "链接 [龙岗](https://example.org/a_b) 与图片 ![图](x.jpg \"题\") 及 [引用][1]。\n\n[1]: https://example.org",
    "自动链接 <https://example.org/x> 和邮件 <news@example.org>，实体 &amp; &#20013; &copy;。",
    "第一行末尾两个空格  \n第二行，行内 <span class=\"x\">HTML</span>。",
    "注释[^n]和 ***粗斜体*** 与 **嵌套 *强调* 文字**。\n\n[^n]: 一条注释，带 `代码`。",
    "纯文本段落，没有任何标记。\n\n> 引用里的 *强调*\n\n- 列表 **一**\n- 列表二\n\n| 表 | *头* |\n| --- | --- |\n| `a` | b |",
    "星号在词中 a*b*c 和 2 * 3 * 4，下划线 snake_case_name。",
]


@pytest.mark.parametrize("text", INLINE_SAMPLES)
def test_markdown_output_is_python_markdowns(text: str) -> None:
    """Plain text skips the inline patterns (markup._PlainTextFirst): the HTML must still be
    exactly what Python-Markdown makes of it."""
    import markdown

    stock = markdown.Markdown(extensions=STOCK_EXTENSIONS, output_format="html").convert(text)
    assert Renderer(raw_html="allow").render(text)[0] == stock
    assert "<" in stock.replace("<p>", "", 1)   # the samples do use inline markup


# Prose, and the characters that could make a line mean something else in Markdown or HTML.
_PROSE_CHARS = "坂田街道居民志愿者记者张鹏摄，。、“”：；（）《》！？—…abcXYZ0123456789   "
_RISKY = [*"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\t\xa0\u3000\u2028\x85\x0b\x0c\r\x00\u200b😀",
          "  ", "1. ", "- ", "* ", "---", "==", "[^1]", "<b>", "&amp;", "```"]


def _generated_body(rng) -> str:
    risk = rng.choice([0, 0.02, 0.1, 0.5])

    def line() -> str:
        return "".join(rng.choice(_RISKY) if rng.random() < risk else rng.choice(_PROSE_CHARS)
                       for _ in range(rng.randint(1, 12)))

    def block() -> str:
        kind = rng.random()
        if kind < 0.2:
            return rng.choice(["#", "##", "######", "#######"]) + rng.choice([" ", "", "  "]) + line()
        if kind < 0.4:
            marks = ["- ", "- ", "* ", "+ ", "1. ", "-  ", "  - "]
            return "\n".join(rng.choice(marks) + line() for _ in range(rng.randint(1, 4)))
        return "\n".join(line() for _ in range(rng.randint(1, 3)))

    return rng.choice(["", "\n"]) + "".join(block() + rng.choice(["\n\n", "\n\n\n", "\n"])
                                             for _ in range(rng.randint(1, 6)))


def test_plain_bodies_skip_markdown_with_the_same_html() -> None:
    """markup.plain_html converts paragraphs, headings and lists of plain prose itself: on
    generated bodies, whatever it accepts must be byte for byte what Python-Markdown makes
    of it, and what the sanitiser leaves of that."""
    import random

    import markdown
    import nh3

    from newsroom.markup import plain_html

    rng = random.Random(6)
    stock = markdown.Markdown(extensions=STOCK_EXTENSIONS, output_format="html")
    accepted = 0
    for _ in range(8000):
        body = _generated_body(rng)
        html = plain_html(body)
        if html is None:
            continue
        accepted += 1
        expected = stock.reset().convert(body)
        assert html == expected, body
        assert nh3.clean(expected) == expected, body
    assert accepted > 500
    story = "区交通局主动对接。\n\n## 便民服务\n\n- 党员先锋队连夜组织。\n- 发放资料1506份。\n\n下一步（2022年）。"
    assert plain_html(story) == RENDERER.render(story)[0] == stock.reset().convert(story)
    assert plain_html("文字 **强调**") is None and "<strong>" in RENDERER.render("文字 **强调**")[0]


def test_raw_script_is_removed() -> None:
    html = article("title: 脚本\ndate: 2022-02-21", body="文字<script>alert(1)</script>").body_html
    assert "<script" not in html
