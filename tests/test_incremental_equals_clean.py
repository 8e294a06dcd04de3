"""An incremental build can never go stale: after any sequence of edits to a small archive,
the site an incremental build leaves is, byte for byte, the site a clean build makes.

The edits are drawn at random (seeded: the same sequences every run): add, remove, retitle,
re-date an article, correct its text, move it to other streets or reporters, add or remove
one of its photos, change a caption or a credit, add or remove a photo no story uses, rename
a registry entry, change a setting; what a newsroom does after publication and for the
printed paper: place a story in print, edit an edition file (with a scan), rename a page of
the paper, withdraw a story or put it back, add a correction, make a story a draft, feature
it or choose the front page, give it another slug, file name or old address, tag it; and
time passing (a new day, a scheduled story due). Each runs with the default theme and with a
theme that reads what the default one does not: counts, the archive through a variable, and
macros imported with context. A sequence may pass through an archive with errors (a front
page naming a draft): then both builds must fail alike, and the next incremental build must
still equal a clean one.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from newsroom import builder, config

NOW = datetime(2024, 1, 1, tzinfo=UTC)
LATER = [NOW, datetime(2024, 1, 5, tzinfo=UTC), datetime(2024, 2, 2, tzinfo=UTC)]   # (tick)
DATES = ["2022-02-20T09:00:00", "2022-02-20T09:00:00", "2022-02-21T10:00:00", "2022-03-01T08:00:00",
         "2023-01-05T12:00:00", "2023-01-01T07:00:00",    # on NOW's day a year before: 历史上的今天
         "2024-02-01T08:00:00"]                           # after NOW: scheduled, not yet shown
DAYS = sorted({d[:10] for d in DATES})
STREETS = [("坂田街道", "bantian"), ("横岗街道", "henggang"), ("园山街道", "yuanshan")]
REPORTERS = [("张鹏", "zhang-peng", "记者"), ("陈涛", "chen-tao", "通讯员"), ("王丰", "wang-feng", "")]
COLOURS = ["#c04030", "#3050c0", "#30a050", "#d0b020"]

PROBE_THEME = {
    # The archive through a variable, counts, and a macro imported with the page's context.
    "article.html": """{% extends "base.html" %}
{% import "_probe.html" as probe with context %}
{% block main %}{% set a = archive %}
<h1>{{ article.title }}</h1><p>{{ a.articles|length }} stories, {{ a.photos|length }} photos</p>
{% for n in article.names('street') %}{% set t = term_for('street', n.name) %}<p>{{ t.slug }}: {{ t.articles|length }} / {{ t.photos|length }}</p>{% endfor %}
{{ probe.about() }}
{% endblock %}
""",
    "_probe.html": """{% macro about() %}<aside>{{ title }}: {% for tax in archive.taxonomies %}{{ tax.config.title }} {{ tax.terms|length }} {% for t in tax.terms %}{{ t.name }}={{ t.articles|length }} {% endfor %}{% endfor %}
{% set newest = archive.articles[0] %}{{ newest.title }} {{ newest.summary }}{% if older %} ← {{ older.summary }}{% endif %}</aside>{% endmacro %}
""",
    "term.html": """{% extends "base.html" %}
{% block main %}<h1>{{ term.name }}</h1>{% for t in people %}<p>{{ t.name }} {{ t.articles|length }} {{ t.role }}</p>{% endfor %}
{% for a in articles %}<p>{{ a.title }} {{ a.date.year }}</p>{% endfor %}{% endblock %}
""",
}


def _jpeg(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "JPEG")
    return out.getvalue()


def _start() -> dict:
    articles = {f"s{i}": {"title": f"报道{i}", "date": DATES[i], "street": [STREETS[i % 3][0]],
                          "reporter": [REPORTERS[i % 3][0]], "photos": [f"p{i}.jpg"] if i < 2 else [],
                          "body": f"第{i}篇的正文。\n\n第二段。"} for i in range(4)}
    return {"articles": articles, "captions": {f"p{i}.jpg": f"图{i}" for i in range(3)},
            "streets": [[name, slug, []] for name, slug in STREETS], "reporters": [list(r) for r in REPORTERS],
            "settings": {"title": "测试档案", "page_size": 2}, "next": 4, "editions": {}, "front": None,
            "now": NOW, "page_names": {1: "要闻", 2: "综合"}, "credits": {}}


def _files(model: dict, theme: bool) -> dict[str, bytes]:
    """The archive's files for the model."""
    files: dict[str, bytes] = {}
    site = {"title": model["settings"]["title"], "base_url": "https://example.org/", "search": False,
            "page_size": model["settings"]["page_size"], "images": {"widths": [32], "formats": ["jpeg"]}}
    files["site.yaml"] = yaml.safe_dump(site, allow_unicode=True).encode()
    files["streets.yaml"] = yaml.safe_dump([{"name": n, "slug": s, "aliases": a} for n, s, a in model["streets"]],
                                           allow_unicode=True).encode()
    files["reporters.yaml"] = yaml.safe_dump([{"name": n, "slug": s, "role": r} for n, s, r in model["reporters"]],
                                             allow_unicode=True).encode()
    files["editions.yaml"] = yaml.safe_dump({"paper": "测试报", "first_issue": {"date": "2022-02-20", "number": 100},
                                             "pages": [{"page": n, "name": name} for n, name in
                                                       sorted(model["page_names"].items())]},
                                            allow_unicode=True).encode()
    for slug, a in model["articles"].items():
        front = {"title": a["title"], "date": a["date"], "street": a["street"], "reporter": a["reporter"],
                 "photos": [p if isinstance(p, str) else dict(p) for p in a["photos"]]}
        front.update({key: a[key] for key in AFTERWARDS if a.get(key) not in (None, [], False)})
        files[f"content/articles/{slug}.md"] = f"---\n{yaml.safe_dump(front, allow_unicode=True)}---\n{a['body']}\n".encode()
    for day, pages in model["editions"].items():
        files[f"content/editions/{day}.yaml"] = yaml.safe_dump({"pages": pages}, allow_unicode=True).encode()
    if model["front"] is not None:
        files["front.yaml"] = yaml.safe_dump(model["front"], allow_unicode=True).encode()
    for name, caption in sorted(model["captions"].items()):
        files[f"photos/{name}"] = _jpeg(COLOURS[int(name[1]) % len(COLOURS)])
        if caption is not None:
            files[f"photos/{name[:-4]}.yaml"] = yaml.safe_dump({"caption": caption,
                                                                "credit": model["credits"].get(name, "张鹏")},
                                                               allow_unicode=True).encode()
    if theme:
        files.update({f"templates/{name}": text.encode() for name, text in PROBE_THEME.items()})
    return files


def _write(root: Path, files: dict[str, bytes]) -> None:
    """Write what changed; remove what is gone (as an editor's tools would)."""
    if "front.yaml" not in files:
        (root / "front.yaml").unlink(missing_ok=True)
    for folder in ("content", "photos", "templates"):
        for path in (root / folder).rglob("*") if (root / folder).exists() else ():
            if path.is_file() and path.relative_to(root).as_posix() not in files:
                path.unlink()
    for name, data in files.items():
        path = root / name
        if not path.exists() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


# The edits: each takes the model and a draw function and changes the model in place.

def _article(model, draw):
    return draw(st.sampled_from(sorted(model["articles"])))


def add(model, draw):
    slug = f"s{model['next']}"
    model["next"] += 1
    model["articles"][slug] = {"title": f"新报道{slug}", "date": draw(st.sampled_from(DATES)),
                               "street": [draw(st.sampled_from(STREETS))[0]],
                               "reporter": [draw(st.sampled_from(REPORTERS))[0]], "photos": [], "body": "新的正文。"}


def remove(model, draw):
    if len(model["articles"]) > 1:
        del model["articles"][_article(model, draw)]


def retitle(model, draw):
    model["articles"][_article(model, draw)]["title"] = draw(st.sampled_from(["改过的标题", "又一个标题", "报道0"]))


def redate(model, draw):
    model["articles"][_article(model, draw)]["date"] = draw(st.sampled_from(DATES))


def correct_text(model, draw):
    a = model["articles"][_article(model, draw)]
    a["body"] = draw(st.sampled_from(["更正后的正文。", a["body"] + "\n\n补充一段。", "另一段首句。\n\n第二段。"]))


def move_street(model, draw):
    names = [s[0] for s in model["streets"]]
    model["articles"][_article(model, draw)]["street"] = draw(st.lists(st.sampled_from(names), max_size=2, unique=True))


def move_reporter(model, draw):
    names = [r[0] for r in model["reporters"]]
    model["articles"][_article(model, draw)]["reporter"] = draw(st.lists(st.sampled_from(names), max_size=2,
                                                                         unique=True))


def add_photo(model, draw):
    a = model["articles"][_article(model, draw)]
    name = draw(st.sampled_from(sorted(model["captions"])))
    if name not in [p if isinstance(p, str) else p["file"] for p in a["photos"]]:
        a["photos"].append(name if draw(st.booleans()) else {"file": name, "caption": "本文的图注"})


def remove_photo(model, draw):
    a = model["articles"][_article(model, draw)]
    if a["photos"]:
        a["photos"].pop(draw(st.integers(0, len(a["photos"]) - 1)))


def caption(model, draw):
    name = draw(st.sampled_from(sorted(model["captions"])))
    model["captions"][name] = draw(st.sampled_from(["新图注", "图0", None]))


def new_photo(model, draw):
    """A photo no story uses (only its own page, the photo lists and its photographer's page show it)."""
    name = next((f"p{i}.jpg" for i in range(10) if f"p{i}.jpg" not in model["captions"]), None)
    if name is not None:
        model["captions"][name] = draw(st.sampled_from(["新照片", None]))


def drop_photo(model, draw):
    used = {p if isinstance(p, str) else p["file"] for a in model["articles"].values() for p in a["photos"]}
    unused = sorted(set(model["captions"]) - used)
    if unused:
        del model["captions"][draw(st.sampled_from(unused))]


def rename_entry(model, draw):
    """A registry entry gets another URL, or another name (the old one kept as an alias)."""
    entries = model[draw(st.sampled_from(["streets", "reporters"]))]
    entry = draw(st.sampled_from(entries))
    if draw(st.booleans()) or entries is model["reporters"]:
        entry[1] = draw(st.sampled_from(["renamed", "other-slug", entry[1] + "-x"]))
    else:
        entry[2] = [*entry[2], entry[0]]
        entry[0] += "新"


def setting(model, draw):
    key = draw(st.sampled_from(["title", "page_size"]))
    model["settings"][key] = draw(st.sampled_from(["另一个标题", "测试档案"] if key == "title" else [1, 2, 3]))


def place_in_print(model, draw):
    model["articles"][_article(model, draw)]["print"] = draw(st.sampled_from(
        [None, {"page": 1}, {"page": 2}, [{"page": 1}, {"page": 2}], {"page": "综合"}, {"date": "2022-02-21", "page": 1}]))


def edit_edition(model, draw):
    """A day's edition file: a page's banner, headline and stories in print order, or no file."""
    day = draw(st.sampled_from(DAYS))
    if draw(st.integers(0, 3)) == 0:
        model["editions"].pop(day, None)
        return
    stories = draw(st.lists(st.sampled_from(sorted(model["articles"])), max_size=3, unique=True))
    page = {"page": draw(st.sampled_from([1, 2])), "banner": draw(st.sampled_from(["防控疫情", "龙岗行动"])),
            "headline": draw(st.sampled_from(["因为有你们", "抗疫路上"])), "stories": [f"{s}.md" for s in stories]}
    scan = draw(st.sampled_from([None, *sorted(model["captions"])]))
    if scan is not None:   # the printed page's scan: a photo, shown resized
        page["scan"] = scan
    model["editions"][day] = [page]


def withdraw(model, draw):
    a = model["articles"][_article(model, draw)]
    a["withdrawn"] = None if a.get("withdrawn") else {"date": "2023-06-01", "reason": "报道所涉事实有误，本报已撤稿。"}


def correct(model, draw):
    a = model["articles"][_article(model, draw)]
    a["corrections"] = [*a.get("corrections", []), {"date": draw(st.sampled_from(["2023-06-01", "2023-07-01"])),
                                                    "text": "原文有误，特此更正。"}]


def make_draft(model, draw):
    a = model["articles"][_article(model, draw)]
    a["draft"] = not a.get("draft")


def feature(model, draw):
    model["articles"][_article(model, draw)]["featured"] = draw(st.sampled_from([None, 1, 2, True]))


def choose_front(model, draw):
    chosen = draw(st.lists(st.sampled_from(sorted(model["articles"])), max_size=3, unique=True))
    model["front"] = [f"{slug}.md" for slug in chosen] or None


def reslug(model, draw):
    model["articles"][_article(model, draw)]["slug"] = draw(st.sampled_from([None, "new-address", "another"]))


def rename_file(model, draw):
    """The story's file renamed (git mv): its address stays, its edition files name the old file."""
    old = _article(model, draw)
    new = f"{old}-moved" if not old.endswith("-moved") else old[: -len("-moved")]
    if new not in model["articles"]:
        model["articles"][new] = model["articles"].pop(old)


def rename_page(model, draw):
    """The paper's usual name for its second page (editions.yaml)."""
    model["page_names"][2] = draw(st.sampled_from(["综合", "街道"]))


def credit(model, draw):
    model["credits"][draw(st.sampled_from(sorted(model["captions"])))] = draw(st.sampled_from(["张鹏", "陈涛"]))


def alias(model, draw):
    model["articles"][_article(model, draw)]["aliases"] = draw(st.sampled_from([[], ["/old/address/"],
                                                                               ["/2021/12/30/old-slug/"]]))


def tick(model, draw):
    """Time passes: another day (历史上的今天), a scheduled story due."""
    model["now"] = draw(st.sampled_from([t for t in LATER if t >= model["now"]]))


def tag(model, draw):
    model["articles"][_article(model, draw)]["tags"] = draw(st.lists(st.sampled_from(["疫情防控", "志愿服务", "教育"]),
                                                                     max_size=2, unique=True))


AFTERWARDS = ["print", "withdrawn", "corrections", "draft", "featured", "slug", "tags", "aliases"]   # front matter, when set
EDITS = [add, remove, retitle, redate, correct_text, move_street, move_reporter, add_photo, remove_photo, caption,
         new_photo, drop_photo, rename_entry, setting, place_in_print, edit_edition, withdraw, correct, make_draft,
         feature, choose_front, reslug, rename_file, tag, alias, tick, rename_page, credit]


def _read(file: Path) -> bytes | None:
    return file.read_bytes() if file.exists() else None


def _put_back(file: Path, data: bytes | None, stat: os.stat_result | None = None) -> None:
    if data is None:
        file.unlink(missing_ok=True)
        return
    file.write_bytes(data)
    if stat is not None:
        os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _build(root: Path, output: Path, incremental: bool, now: datetime = NOW) -> builder.BuildResult:
    cfg, problems = config.load(root, output)
    return builder.build(cfg, problems, builder.Options(jobs=1, incremental=incremental), now=now)


def _problems(result: builder.BuildResult) -> list[str]:
    return sorted(str(p) for p in result.problems)


@pytest.mark.parametrize("theme", [False, True], ids=["default-theme", "probe-theme"])
@settings(max_examples=12, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.sampled_from(EDITS), min_size=1, max_size=5), data=st.data())
def test_every_incremental_build_equals_a_clean_build(theme: bool, edits, data) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "archive"
        model = _start()
        root.mkdir()
        _write(root, _files(model, theme))
        first = _build(root, root / "site", incremental=True)
        assert first.ok, _problems(first)
        for edit in edits:
            edit(model, data.draw)
            _write(root, _files(model, theme))
            # Both builds read moved.yaml as it was before them (each records this edit's moves
            # in it); then it is left as the incremental build left it, to the nanosecond.
            moved = root / "moved.yaml"
            record = _read(moved)
            built = _build(root, root / "site", incremental=True, now=model["now"])
            recorded, stat = _read(moved), moved.stat() if moved.exists() else None
            _put_back(moved, record)
            shutil.rmtree(root / "clean", ignore_errors=True)
            clean = _build(root, root / "clean", incremental=False, now=model["now"])
            assert _read(moved) == recorded, edit.__name__
            _put_back(moved, recorded, stat)
            assert _problems(built) == _problems(clean), edit.__name__
            if not clean.ok:
                continue   # the site as it was: the next edit may mend the archive
            got, want = _tree(root / "site"), _tree(root / "clean")
            assert sorted(got) == sorted(want), edit.__name__
            stale = [name for name in want if got[name] != want[name]]
            assert not stale, f"after {edit.__name__}: stale {stale}"


@pytest.mark.parametrize("hidden", ["date", "draft", "withdrawn"])
def test_a_story_hidden_at_the_last_build_and_shown_now_lengthens_its_lists(hidden: str) -> None:
    """Six stories, one hidden (scheduled, a draft, withdrawn): the home list has two pages of
    two and the first page. Shown, the story adds a page, and the older pages' pagers change."""
    model = _start()
    for slug in ("s4", "s5"):
        model["articles"][slug] = {**model["articles"]["s1"], "title": f"报道{slug}"}
    story = model["articles"]["s0"]
    story.update({"date": "2024-02-01T08:00:00"} if hidden == "date" else
                 {"draft": True} if hidden == "draft" else {"withdrawn": {"date": "2023-06-01", "reason": "撤稿。"}})
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "archive"
        root.mkdir()
        _write(root, _files(model, False))
        assert _build(root, root / "site", incremental=True).ok
        story.update({"date": "2023-01-05T12:00:00", "draft": False, "withdrawn": None})
        _write(root, _files(model, False))
        assert _build(root, root / "site", incremental=True).ok
        assert _build(root, root / "clean", incremental=False).ok
        got, want = _tree(root / "site"), _tree(root / "clean")
        assert "page/2/index.html" in want
        assert [name for name in want if got.get(name) != want[name]] == []


def test_a_drafts_new_title_is_not_recorded_in_moved_yaml_by_an_edit_as_by_a_clean_build() -> None:
    """moved.yaml records the titles of the stories published (a renamed file is found again by
    its title); an edit that only retitles a story made a draft since must leave its entry."""
    model = _start()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "archive"
        root.mkdir()
        _write(root, _files(model, False))
        assert _build(root, root / "site", incremental=True).ok
        model["articles"]["s2"]["draft"] = True
        _write(root, _files(model, False))
        assert _build(root, root / "site", incremental=True).ok
        record = (root / "moved.yaml").read_bytes()
        model["articles"]["s2"]["title"] = "改过的标题"
        _write(root, _files(model, False))
        assert _build(root, root / "site", incremental=True).ok
        assert (root / "moved.yaml").read_bytes() == record
        assert _build(root, root / "clean", incremental=False).ok
        assert (root / "moved.yaml").read_bytes() == record
