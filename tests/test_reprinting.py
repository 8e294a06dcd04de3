"""Edition files edited in the kept plan (reprinting.py) instead of a plan made afresh: the
plan, page by page, the site, file by file, and the problems are what a clean build gives."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

from test_additions import _generated, build, story
from test_removals import _same_as_clean

from newsroom import builder, config, index, printing, reprinting, urls
from newsroom.model import PrintRef


def _edition_file(root: Path, day, pages: list[str]) -> Path:
    file = root / "content" / "editions" / f"{day.isoformat()}.yaml"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text("pages:\n" + "".join(pages), encoding="utf-8")
    return file


def _morning_edition(made: dict):
    """An edition whose first story ran before 20:00, that story, and half an hour after it
    (a story dated then runs the same day)."""
    by_id = made["archive"].article_by_id
    edition = next(e for e in made["printed"].editions[10:] if by_id[e.pages[0].stories[0]].date.hour < 20)
    like = by_id[edition.pages[0].stories[0]]
    return edition, like, like.date + timedelta(minutes=30)


class _JsonLd(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inside, self.found = False, []

    def handle_starttag(self, tag, attrs) -> None:
        self.inside = tag == "script" and ("type", "application/ld+json") in attrs

    def handle_data(self, data) -> None:
        if self.inside:
            self.found.append(json.loads(data))
            self.inside = False


def _print_section(root: Path, story) -> list[str]:
    parser = _JsonLd()
    parser.feed((root / "site" / urls.article(story) / "index.html").read_text(encoding="utf-8"))
    return [item["printSection"] for item in parser.found if "printSection" in item]


def test_edition_files_edited_are_put_into_the_kept_plan_as_a_clean_build_plans_them(tmp_path: Path) -> None:
    root = _generated(tmp_path)
    made = build(root).records
    editions = made["printed"].editions
    edition, page = editions[5], editions[5].pages[0]
    by_id = made["archive"].article_by_id
    own, other = (by_id[e.pages[0].stories[0]].source.removeprefix("content/articles/") for e in editions[5:7])
    head = f"  - page: {page.number}\n"
    steps = [   # (the file's pages, planned afresh?)
        ([head, "    banner: 防控疫情 龙岗行动\n    headline: 因为有你们\n"], False),
        ([head, "    banner: 防控疫情 龙岗行动\n    headline: 因为有你们 抗疫路上更无畏!\n"], False),
        ([head, "    name: 专题\n"], False),   # the stories' 刊于 line and JSON-LD name it
        ([head, "    stories:\n", f"      - {own}\n      - {other}\n"], False),   # another day's too
        ([head, "    stories:\n", f"      - {other}\n      - {own}\n"], False),   # in another order
        ([head, "    stories:\n      - 2019/01/no-such-story.md\n"], False),   # a warning
        ([head, "    banner: 回望\n"], False),   # the warning gone
        ([head, "  - page: 9\n    banner: 增刊\n"], False),   # a page added: the sitemap, the calendar's …
    ]
    for n, (pages, afresh) in enumerate(steps):
        file = _edition_file(root, edition.date, pages)
        result = build(root)
        assert result.records["patched"] is not afresh and result.records["reprinted"] is not afresh, n
        _same_as_clean(root, result)
        if n == 2:
            assert _print_section(root, by_id[page.stories[0]]) == ["专题"]
        if n == 5:
            assert any("no-such-story.md" in str(p) and p.path == f"content/editions/{file.name}"
                       for p in result.problems)
    file.unlink()   # (the page added goes too: planned afresh)
    _same_as_clean(root, build(root))


def test_an_edition_file_edited_beside_a_new_title_is_patched_and_an_error_fails_the_build(tmp_path: Path) -> None:
    root = _generated(tmp_path)
    made = build(root).records
    edition = made["printed"].editions[3]
    number = edition.pages[0].number
    file = _edition_file(root, edition.date, [f"  - page: {number}\n    headline: 头版\n"])
    build(root)
    story = root / made["archive"].article_by_id[edition.pages[0].stories[0]].source
    story.write_text(story.read_text(encoding="utf-8").replace("\ntitle: ", "\ntitle: （新）", 1), encoding="utf-8")
    _edition_file(root, edition.date, [f"  - page: {number}\n    headline: 头版头条\n"])
    result = build(root)
    assert result.records["patched"] and result.records["reprinted"]
    _same_as_clean(root, result)
    _edition_file(root, edition.date, [f"  - page: {number}\n    name: 要问\n"])   # a misspelt page name
    cfg, problems = config.load(root)
    failed = builder.build(cfg, problems, builder.Options(jobs=1))
    assert not failed.ok
    assert any(p.path == f"content/editions/{file.name}" and p.line == 3 and "要闻" in str(p)
               for p in failed.problems), [str(p) for p in failed.problems]
    _edition_file(root, edition.date, [f"  - page: {number}\n    name: 要闻\n"])
    _same_as_clean(root, build(root))   # (after a failed build, planned afresh)


def test_stories_added_and_deleted_in_print_patch_the_kept_plan_as_a_clean_build_plans_them(tmp_path: Path) -> None:
    root = _generated(tmp_path)
    made = build(root).records
    edition, like, when = _morning_edition(made)
    listed = made["printed"].editions[20]
    steps = [   # (what is done, planned afresh?)
        (lambda: story(root, "in-print", like, when, f"print: {{page: {edition.pages[0].number}}}\n"), False),
        (lambda: story(root, "in-print-2", like, when + timedelta(minutes=1),
                       f"print: {{page: {edition.pages[0].number}, position: 1}}\n"), False),
        (lambda: story(root, "listed-only", like, when + timedelta(minutes=2)), False),   # no print: of its own
        (lambda: _edition_file(root, listed.date, [f"  - page: {listed.pages[0].number}\n", "    stories:\n",
                                                   "      - in-print-2\n",
                                                   f"      - {when:%Y/%m}/listed-only.md\n"]), False),   # that day too
        (lambda: _article(root, when, "in-print").unlink(), False),
        (lambda: story(root, "new-page", like, when, "print: {page: 8}\n"), False),   # a page the day had not
        (lambda: _article(root, when, "new-page").unlink(), False),   # (a page gone)
        (lambda: _article(root, when, "listed-only").unlink(), False),   # the edition file lists it
        (lambda: _article(root, when, "in-print-2").unlink(), False),   # the edition file warns of it
    ]
    for n, (step, afresh) in enumerate(steps):
        step()
        result = build(root)
        assert result.records["patched"] is not afresh, n
        _same_as_clean(root, result)
    assert any("no article has this slug" in str(p) for p in result.problems)
    assert any("listed-only.md': no such article file" in str(p) for p in result.problems)


def _article(root: Path, when, name: str) -> Path:
    return root / "content" / "articles" / f"{when:%Y}" / f"{when:%m}" / f"{name}.md"


def test_an_edition_file_edited_beside_a_story_added_or_corrected_is_patched(tmp_path: Path) -> None:
    root = _generated(tmp_path)
    made = build(root).records
    by_id = made["archive"].article_by_id
    edition, like, when = _morning_edition(made)
    number = edition.pages[0].number
    corrected = root / by_id[made["printed"].editions[40].pages[0].stories[0]].source
    steps = [   # the day's stories and its edition file, in one build each
        lambda: (story(root, "today", like, when, f"print: {{page: {number}}}\n"),
                 _edition_file(root, edition.date, [f"  - page: {number}\n    banner: 今日头条\n", "    stories:\n",
                                                    f"      - {when:%Y/%m}/today.md\n",
                                                    f"      - {like.source.removeprefix('content/articles/')}\n"])),
        lambda: (corrected.write_text(corrected.read_text(encoding="utf-8").replace(
                     "\n---\n", "\ncorrections:\n  - {date: 2026-01-05T10:00:00+08:00, text: 数字有误。}\n---\n", 1),
                     encoding="utf-8"),
                 _edition_file(root, edition.date, [f"  - page: {number}\n    banner: 今日要闻\n"])),
        lambda: (_article(root, when, "today").unlink(),
                 _edition_file(root, edition.date, [f"  - page: {number}\n    headline: 又一天\n"])),
    ]
    for n, step in enumerate(steps):
        step()
        result = build(root)
        assert result.records["patched"] and result.records["reprinted"], n
        _same_as_clean(root, result)


def test_a_new_days_edition_a_new_page_and_their_removal_are_patched_as_a_clean_build_plans_them(
        tmp_path: Path) -> None:
    root = _generated(tmp_path)
    made = build(root).records
    editions, by_id = made["printed"].editions, made["archive"].article_by_id
    like = by_id[editions[-1].pages[0].stories[0]]
    day = (like.date + timedelta(days=3)).replace(hour=9)
    gap = next(e for e, after in zip(editions[20:-1], editions[21:], strict=True) if after.date - e.date > timedelta(days=1))
    between = like.date.replace(year=gap.date.year, month=gap.date.month, day=gap.date.day, hour=10) + timedelta(days=1)
    next_year = like.date.replace(year=like.date.year + 1, month=1, day=4, hour=10)
    steps = [   # what is done: each patched, not planned afresh
        lambda: story(root, "new-day", like, day, "print: {page: 1}\n"),   # the newest edition
        lambda: story(root, "new-day-2", like, day + timedelta(minutes=5), "print: {page: 3}\n"),   # a new page
        lambda: _edition_file(root, day.date(), ["  - page: 5\n    banner: 增刊\n"]),   # a page of no stories
        lambda: story(root, "between", like, between, "print: {page: 2}\n"),   # the later issues numbered anew
        lambda: story(root, "next-year", like, next_year, "print: {page: 1}\n"),   # a year of the calendar
        lambda: _article(root, next_year, "next-year").unlink(),
        lambda: _article(root, between, "between").unlink(),
        lambda: (root / "content" / "editions" / f"{day.date().isoformat()}.yaml").unlink(),
        lambda: [_article(root, day, name).unlink() for name in ("new-day", "new-day-2")],   # the edition gone
    ]
    for n, step in enumerate(steps):
        step()
        result = build(root)
        assert result.records["patched"] and result.records["reprinted"], n
        _same_as_clean(root, result)
        calendar = (root / "site" / "editions" / f"{day:%Y}" / "index.html").read_text(encoding="utf-8")
        assert (f'href="{day:%m/%d}/"' in calendar) is (n < 8), n   # a link to that day
        if n == 4:
            assert (root / "site" / "editions" / f"{next_year:%Y}" / "index.html").is_file()


def test_a_print_index_rebuilt_for_some_days_is_the_one_build_makes(tmp_path: Path) -> None:
    """printing.rebuilt, for stories put in, taken out and moved in print: the index and the
    problems build() gives, with the editions of the days out of reach kept as they were."""
    root = _generated(tmp_path)
    made = build(root).records
    cfg, articles, photos, now, was = (made[k] for k in ("config", "articles", "photos", "now", "printed"))
    files = [file for _, file, _ in made["editions_read"].files.values() if file is not None]
    stories = sorted(made["archive"].articles, key=lambda a: a.date)
    first, middle = stories[0], stories[len(stories) // 2]
    (ref,) = middle.prints
    last_day = was.editions[-1].date
    changes = [   # (the stories as they were, as they are)
        ([middle], [dataclasses.replace(middle, prints=(dataclasses.replace(ref, page="7"),))]),
        ([middle], [dataclasses.replace(middle, prints=(dataclasses.replace(ref, position=1),))]),
        ([middle], [dataclasses.replace(middle, prints=(PrintRef(first.prints[0].date, "1", 1),))]),
        ([middle], [dataclasses.replace(middle, prints=(PrintRef(last_day + timedelta(days=3), "2"),))]),
        ([middle], []),   # taken out
        ([], [dataclasses.replace(middle, source="content/articles/new.md", slug="new",
                                  prints=(PrintRef(last_day, "1"),))]),   # a new story
    ]
    for old, new in changes:
        kept = [a for a in articles if a not in old] + new
        archive, _ = index.build(kept, photos, cfg, now)
        days = reprinting._days({}, {}, (), [*old, *new])
        got, problems = printing.rebuilt(was, archive, kept, files, cfg.paper, days)
        assert (got, problems) == printing.build(archive, kept, files, cfg.paper)
        # (an edition gone or new numbers the later ones anew: those are new objects)
        by_day = {e.date: e for e in got.editions}
        same = [e for e in was.editions if e.date not in days and by_day.get(e.date) == e]
        assert same and all(by_day[e.date] is e for e in same)


def test_a_problem_in_the_days_rebuilt_is_reported_as_build_reports_it(tmp_path: Path) -> None:
    root = _generated(tmp_path)
    made = build(root).records
    cfg, articles, photos, now, was = (made[k] for k in ("config", "articles", "photos", "now", "printed"))
    story = made["archive"].articles[3]
    bad = dataclasses.replace(story, prints=(dataclasses.replace(story.prints[0], page="没有这一版"),))
    kept = [a for a in articles if a is not story] + [bad]
    archive, _ = index.build(kept, photos, cfg, now)
    got = printing.rebuilt(was, archive, kept, [], cfg.paper, reprinting._days({}, {}, (), [story, bad]))
    assert got == printing.build(archive, kept, [], cfg.paper) and got[1]


def test_a_new_story_that_an_edition_files_missing_story_is_now_closest_to_gives_its_hint(tmp_path: Path) -> None:
    """An edition file names a story that is not there. A story added (or taken out) that is
    not in print may still be the nearest name the warning suggests, or its slug: an edit
    build says what a clean build says, not what the kept plan said."""
    root = _generated(tmp_path)
    edition, like, when = _morning_edition(build(root).records)
    number = edition.pages[0].number
    _edition_file(root, edition.date, [f"  - page: {number}\n", "    stories:\n",
                                       f"      - {when:%Y/%m}/night-watch-a.md\n", "      - night-watch-b\n"])
    build(root)
    steps = [   # (what is done, put into the kept plan?)
        (lambda: story(root, "night-watch-c", like, when), True),   # both warnings now suggest it
        (lambda: story(root, "night-watch-d", like, when + timedelta(minutes=1)), True),   # the nearest now
        (lambda: _article(root, when, "night-watch-d").unlink(), False),   # a warning names it: planned afresh
        (lambda: _article(root, when, "night-watch-c").unlink(), False),
    ]
    for n, (step, patched) in enumerate(steps):
        step()
        result = build(root)
        assert result.records["patched"] is patched, n
        _same_as_clean(root, result)
    hinted = [str(p) for p in result.problems if p.path.startswith("content/editions/")]
    assert len(hinted) == 2 and not any("did you mean" in p for p in hinted), hinted
