"""The taxonomy index: one mechanism gives streets, reporters and tags their terms, counts,
articles (newest first) and photos (by street through the articles using them, by photographer)."""

from __future__ import annotations

from datetime import datetime

import pytest
from conftest import SITES

from newsroom import config as config_mod
from newsroom import index
from newsroom.articles import parse
from newsroom.markup import Renderer
from newsroom.model import Credit, Name, Photo

CFG, _ = config_mod.load(SITES / "basic")
NOW = datetime(2023, 1, 1, tzinfo=CFG.tz)


def art(name: str, front: str, cfg=CFG):
    article, problems = parse(f"---\n{front}\n---\n正文。\n", f"content/articles/{name}.md", cfg, Renderer())
    assert article is not None, problems
    return article


def photo(file: str, credit: Credit | None = None, street: str = "", date: str = "") -> Photo:
    return Photo(file=file, source=f"photos/{file}", slug=file.replace("/", "-").rsplit(".", 1)[0],
                 caption=f"说明 {file}", credit=credit, width=100, height=80, digest=file,
                 date=datetime.fromisoformat(date).replace(tzinfo=CFG.tz) if date else None,
                 terms={"street": (Name(street),)} if street else {})


ARTICLES = [
    art("a", "title: A\ndate: 2022-02-01\nreporter: 张鹏\nstreet: 坂田街道\ntags: [甲]\nphotos: [p1.jpg]"),
    art("b", "title: B\ndate: 2022-02-03\nreporter: [{name: 陈涛, role: 实习生}, 张鹏]\n"
             "street: [横岗街道, 坂田街道]\ntags: [甲, 乙]\nphotos: [p2.jpg]"),
    art("c", "title: C\ndate: 2022-03-05\nreporter: 陈涛\nstreet: 南湾街道"),
    art("d", "title: D\ndate: 2022-03-06\nreporter: 王丰\nstreet: 南湾街道\ndraft: true\nphotos: [p3.jpg]"),
    art("e", "title: E\ndate: 2024-01-01\nreporter: 王丰\nstreet: 南湾街道"),   # in the future
]
PHOTOS = [
    photo("p1.jpg", Credit("张鹏", "张鹏")),
    photo("p2.jpg", Credit("横岗街道供图")),
    photo("p3.jpg", Credit("王丰", "王丰"), street="南湾街道", date="2022-01-01"),
    photo("p4.jpg"),
]


def build(cfg=CFG):
    archive, problems = index.build(ARTICLES, PHOTOS, cfg, NOW)
    return archive, problems


def term(archive, key: str, name: str) -> index.Term:
    found = archive.term(key, name)
    assert found is not None, (key, name)
    return found


def test_published_articles_are_newest_first_without_drafts_or_future() -> None:
    archive, problems = build()
    assert [a.title for a in archive.articles] == ["C", "B", "A"]
    assert [str(p) for p in problems] == ["content/articles/e.md:3: warning: dated in the future: scheduled for "
                                          "2024-01-01 00:00 (left out until then; --future includes it)"]
    with_all, _ = build(CFG.with_options(drafts=True, future=True))
    assert [a.title for a in with_all.articles] == ["E", "D", "C", "B", "A"]


def test_every_taxonomy_has_its_terms_with_counts_and_slugs() -> None:
    archive, _ = build()
    assert [t.key for t in archive.taxonomies] == ["street", "reporter", "tags"]
    streets = {t.name: (t.slug, len(t.articles)) for t in archive.taxonomy("street").terms}
    assert streets == {"坂田街道": ("bantian", 2), "横岗街道": ("henggang", 1), "南湾街道": ("nan-wan-jie-dao", 1)}
    reporters = {t.name: (t.slug, len(t.articles)) for t in archive.taxonomy("reporter").terms}
    # 王丰 wrote only a draft and a future article, but took a photo: the term exists for it.
    assert reporters == {"张鹏": ("zhang-peng", 2), "陈涛": ("chen-tao", 2), "王丰": ("wang-feng", 0)}
    tags = {t.name: (t.slug, len(t.articles)) for t in archive.taxonomy("tags").terms}
    assert tags == {"甲": ("jia", 2), "乙": ("yi", 1)}


def test_term_articles_are_newest_first() -> None:
    archive, _ = build()
    by_id = archive.article_by_id
    assert [by_id[i].title for i in term(archive, "street", "坂田街道").articles] == ["B", "A"]
    assert [by_id[i].title for i in term(archive, "reporter", "陈涛").articles] == ["C", "B"]


def test_role_comes_from_the_registry_else_the_articles() -> None:
    archive, _ = build()
    assert term(archive, "reporter", "张鹏").role == "首席记者"     # reporters.yaml
    assert term(archive, "reporter", "陈涛").role == "通讯员"       # registry wins over one article's role
    assert term(archive, "street", "坂田街道").description == "测试用的街道。"


def test_photos_are_collected_by_street_through_articles_and_sidecars() -> None:
    archive, _ = build()
    # p1 is used by A (坂田); p2 by B (横岗, 坂田); p3 names 南湾 in its sidecar (its article is a draft).
    assert sorted(term(archive, "street", "坂田街道").photos) == ["p1.jpg", "p2.jpg"]
    assert term(archive, "street", "横岗街道").photos == ("p2.jpg",)
    assert term(archive, "street", "南湾街道").photos == ("p3.jpg",)


def test_photos_are_collected_by_photographer() -> None:
    archive, _ = build()
    assert term(archive, "reporter", "张鹏").photos == ("p1.jpg",)
    assert term(archive, "reporter", "王丰").photos == ("p3.jpg",)
    assert term(archive, "reporter", "陈涛").photos == ()       # a courtesy credit names nobody


def test_photo_archive_holds_every_photo_and_knows_its_users() -> None:
    archive, _ = build()
    assert sorted(p.file for p in archive.photos) == ["p1.jpg", "p2.jpg", "p3.jpg", "p4.jpg"]
    assert archive.photos[0].file == "p2.jpg"         # dated by its article, 2022-02-03
    assert archive.photos[-1].file == "p4.jpg"        # unused and undated: last
    assert archive.photo_users == {"p1.jpg": ("content/articles/a.md",), "p2.jpg": ("content/articles/b.md",)}


def test_years_and_months() -> None:
    archive, _ = build()
    assert [(y.year, y.count, [(m.month, len(m.articles)) for m in y.months]) for y in archive.years] == [
        (2022, 3, [(3, 1), (2, 2)])]


def test_homophones_keep_separate_pages() -> None:
    cfg = CFG.with_options(registries={k: v for k, v in CFG.registries.items() if k != "street"})
    a = art("x", "title: X\ndate: 2022-02-01\nstreet: 李园", cfg)
    b = art("y", "title: Y\ndate: 2022-02-02\nstreet: 梨园", cfg)
    archive, _ = index.build([a, b], [], cfg, NOW)
    assert sorted(t.slug for t in archive.taxonomy("street").terms) == ["li-yuan", "li-yuan-2"]


def test_unknown_photo_and_duplicate_slug_are_errors() -> None:
    bad = art("z", "title: Z\ndate: 2022-02-01\nslug: a\nphotos: [missing.jpg]")
    _, problems = index.build([*ARTICLES[:1], bad], PHOTOS, CFG, NOW)
    assert sorted(str(p) for p in problems) == [
        "content/articles/a.md:1: error: article slug 'a' is also used by content/articles/z.md "
        "(set a different 'slug:')",
        "content/articles/z.md:4: error: article slug 'a' is already used by content/articles/a.md "
        "(set a different 'slug:')",
        "content/articles/z.md:5: error: photo 'missing.jpg' not found in photos/",
    ]


def test_a_photo_listed_twice_is_shown_once_with_a_warning() -> None:
    twice = art("t", "title: T\ndate: 2022-02-04\nphotos:\n  - p1.jpg\n  - {file: p1.jpg, caption: 又一次}")
    archive, problems = index.build([twice], PHOTOS, CFG, NOW)
    assert [str(p) for p in problems] == ["content/articles/t.md:6: warning: photo 'p1.jpg' is listed twice (shown once)"]
    assert [f.photo for f in archive.figures[twice.id]] == ["p1.jpg"]
    assert archive.photo_users["p1.jpg"] == (twice.id,)


def test_a_role_two_stories_give_as_often_is_the_newer_storys_in_every_process() -> None:
    """A person the registry gives no role takes the one most stories give; of two as common,
    the newer story's, whatever the process's string hashing (it was a set's first pick)."""
    import os
    import subprocess
    import sys

    script = (   # (a name not in reporters.yaml: put in by hand, as a registry-less site has it)
        "from dataclasses import replace\n"
        "from test_index import art, index, CFG, NOW, Name\n"
        "for newer, older in (('记者', '通讯员'), ('通讯员', '记者')):\n"
        "    found = [replace(art(n, f'title: {n}\\ndate: 2022-02-0{d}'), terms={'reporter': (Name('新人', r),)})\n"
        "             for n, d, r in (('x', 3, newer), ('y', 1, older))]\n"
        "    print(index.build(found, [], CFG, NOW)[0].term('reporter', '新人').role)\n")
    tests = os.path.dirname(__file__)
    seen = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tests,
                           env={**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONPATH": tests}).stdout
            for seed in range(8)}
    assert seen == {"记者\n通讯员\n"}


def test_a_storys_place_is_found_by_search_as_rank_gives_it_until_rank_is_cheaper() -> None:
    """Archive.place answers as `rank` does (stories of the same time included), by a binary
    search while few are asked for, then by `rank` itself; a story in no list has none."""
    same_time = [art(f"t{i}", f"title: T{i}\ndate: 2022-02-03 10:00\nreporter: 张鹏\nstreet: 坂田街道")
                 for i in range(5)]
    withdrawn = art("w", "title: W\ndate: 2022-02-04\nreporter: 张鹏\nstreet: 坂田街道\n"
                         "withdrawn: {date: 2022-03-01, reason: 有误}")
    archive, _ = index.build([*ARTICLES, *same_time, withdrawn], PHOTOS, CFG, NOW)
    def fresh() -> index.Archive:   # (its first answer is a search's)
        return index.Archive(**{f: getattr(archive, f) for f in index.Archive.__dataclass_fields__})

    assert [fresh().place(a.id) for a in archive.articles] == list(range(len(archive.articles)))
    for story in (withdrawn.id, "content/articles/none.md"):
        with pytest.raises(KeyError):
            fresh().place(story)
    again = fresh()
    assert again.place(archive.articles[0].id) == 0 and "rank" not in again.__dict__
    assert [again.place(a.id) for a in archive.articles] == list(range(len(archive.articles)))
    assert "rank" in again.__dict__   # (8 stories: one search costs about what the dict does)
