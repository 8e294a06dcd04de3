"""An edit that leaves every article where it was reuses the last build's archive and plan
(newsroom/plancache.py), and the site it leaves is still the site a clean build makes."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from archive_gen import make_archive
from conftest import copy_sample

from newsroom import builder, config, depends, plancache, planfile, planviews, stages, sums

NOW = datetime(2024, 1, 1, 12, tzinfo=UTC)


def _archive(root: Path, articles: int) -> Path:
    """A generated archive without the search index: after an edit an incremental build's index
    is by design not a clean build's (a bundle of recent changes; tests/test_search_index.py)."""
    make_archive(root, articles, photos=False)
    with (root / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("\nsearch: false\n")
    return root


def _build(root: Path, output: Path, now: datetime = NOW, incremental: bool = True, jobs: int = 1) -> builder.BuildResult:
    cfg, problems = config.load(root, output)
    result = builder.build(cfg, problems, builder.Options(jobs=jobs, incremental=incremental), now=now)
    assert result.ok, [str(p) for p in result.problems]
    return result


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file but the search index's (and the manifest listing them): after an edit it
    holds a bundle of recent changes, not what a clean build makes (searchplan.py)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).parts[0] not in ("pagefind", ".newsroom-site.json")}


def _equals_clean(root: Path, now: datetime = NOW) -> None:
    shutil.rmtree(root / "clean", ignore_errors=True)
    _build(root, root / "clean", now, incremental=False)
    got, want = _tree(root / "site"), _tree(root / "clean")
    assert got.keys() == want.keys()
    assert [f for f in got if got[f] != want[f]] == []


def _story(root: Path, n: int) -> Path:
    return next((root / "content" / "articles").rglob(f"story-{n:04d}.md"))


def test_a_text_edit_keeps_the_plan_and_shows_the_new_text(tmp_path: Path) -> None:
    root = _archive(tmp_path / "archive", 12)
    first = _build(root, root / "site")
    assert not first.plan_kept
    story = _story(root, 3)
    story.write_text(story.read_text(encoding="utf-8") + "\n更正：第三段补充了新的内容。\n", encoding="utf-8")
    second = _build(root, root / "site")
    assert second.plan_kept and second.rendered >= 1
    assert "更正：第三段补充了新的内容。" in (root / "site").joinpath(*_page_of(root, second)).read_text(encoding="utf-8")
    _equals_clean(root)
    # And again: the kept plan stays usable (moved.yaml, written by the first build, is in its key).
    story.write_text(story.read_text(encoding="utf-8") + "\n再次更正。\n", encoding="utf-8")
    assert _build(root, root / "site").plan_kept
    _equals_clean(root)


def _page_of(root: Path, result: builder.BuildResult) -> tuple[str, ...]:
    found = [p for p in (root / "site").rglob("index.html") if "更正：第三段" in p.read_text(encoding="utf-8")]
    assert found, "the edited text is on no page"
    return found[0].relative_to(root / "site").parts


def _retitle(story: Path, old: str, new: str) -> None:
    text = story.read_text(encoding="utf-8")
    assert f"title: {old}\n" in text
    story.write_text(text.replace(f"title: {old}\n", f"title: {new}\n"), encoding="utf-8")


def _titles(root: Path, source: str) -> tuple[str, set[str]]:
    """The story's title in moved.yaml, and the <title>s of every page that redirects to it
    or is it."""
    entry = yaml.safe_load((root / "moved.yaml").read_text(encoding="utf-8"))[source]
    shown = {re.search(r"<title>(.*?) · ", (root / "site" / url.strip("/") / "index.html").read_text(
        encoding="utf-8"))[1] for url in entry["urls"]}
    return entry["title"], shown


def test_a_new_title_keeps_the_plan_and_is_shown_everywhere_it_was_copied(tmp_path: Path) -> None:
    # The story moved once (a new date), so it has a page at its old address too, which
    # names it: the planner copied its title there, into moved.yaml, and into its own page.
    root = _archive(tmp_path / "archive", 12)
    story, source = _story(root, 5), "content/articles/" + _story(root, 5).relative_to(
        root / "content" / "articles").as_posix()
    _build(root, root / "site")
    story.write_text(story.read_text(encoding="utf-8").replace("date: 2021-06-06", "date: 2021-07-09"),
                     encoding="utf-8")
    _build(root, root / "site")
    assert len(yaml.safe_load((root / "moved.yaml").read_text(encoding="utf-8"))[source]["urls"]) == 2
    for old, new in (("第5号报道", "第5号报道（修订）"), ("第5号报道（修订）", "第5号报道（二改）"),
                     ("第5号报道（二改）", "第5号报道")):   # back to the title the plan was made with
        _retitle(story, old, new)
        result = _build(root, root / "site")
        assert result.plan_kept and result.rendered >= 2
        assert _titles(root, source) == (new, {new})
        _equals_clean(root)
    # A later edit elsewhere keeps the plan, with the title put in again.
    _retitle(story, "第5号报道", "第5号报道（三改）")
    _build(root, root / "site")
    other = _story(root, 2)
    other.write_text(other.read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
    assert _build(root, root / "site").plan_kept
    assert _titles(root, source) == ("第5号报道（三改）", {"第5号报道（三改）"})
    _equals_clean(root)


def test_a_new_date_makes_the_plan_again(tmp_path: Path) -> None:
    root = _archive(tmp_path / "archive", 12)
    _build(root, root / "site")
    story = _story(root, 5)
    text = story.read_text(encoding="utf-8")
    story.write_text(text.replace("date: 2021-06-06", "date: 2021-07-09"), encoding="utf-8")
    assert "2021-07-09" in story.read_text(encoding="utf-8")
    assert not _build(root, root / "site").plan_kept
    _equals_clean(root)


def _problems(result: builder.BuildResult) -> list[str]:
    return sorted(str(p) for p in result.problems)


def _moved_down(story: Path) -> None:
    """A line added to the front matter and a paragraph to the body: every line below moves."""
    text = story.read_text(encoding="utf-8").replace("---\n", "---\n# 校对：已核\n", 1)
    story.write_text(text.replace("\n## 小标题\n", "\n补充的一段。\n\n## 小标题\n"), encoding="utf-8")


def test_lines_moved_in_a_story_keep_the_plan_unless_one_of_its_problems_names_a_line(tmp_path: Path) -> None:
    root = _archive(tmp_path / "archive", 12)
    linking, scheduled = _story(root, 3), root / "content" / "articles" / "2024" / "01" / "later.md"
    # A link to another story, below the paragraph the edit adds: the planner reads its line.
    linking.write_text(linking.read_text(encoding="utf-8") + "\n另见[第2号报道](../03/story-0002.md)。\n",
                       encoding="utf-8")
    scheduled.parent.mkdir(parents=True)
    scheduled.write_text(f"---\ntitle: 定时发布的报道\ndate: {NOW + timedelta(days=2):%Y-%m-%dT%H:%M:%S}+00:00\n"
                         "reporter: 张鹏\nstreet: 坂田街道\n---\n后天见报。\n", encoding="utf-8")
    first = _build(root, root / "site")
    assert "content/articles/2024/01/later.md:3: warning: dated in the future" in "\n".join(_problems(first))
    _moved_down(linking)
    second = _build(root, root / "site")
    assert second.plan_kept and second.rendered >= 1
    assert "补充的一段。" in (root / "site" / "2021" / "04" / "04" / "story-0003" / "index.html").read_text(
        encoding="utf-8")
    _equals_clean(root)
    # The scheduled story's warning names its date's line: moved, the plan is made afresh.
    _moved_down(scheduled)
    third = _build(root, root / "site")
    assert not third.plan_kept
    assert "content/articles/2024/01/later.md:4: warning: dated in the future" in "\n".join(_problems(third))
    _equals_clean(root)
    shutil.rmtree(root / ".cache")
    assert _problems(third) == _problems(_build(root, root / "site"))


def _pages_with(site: Path, text: str) -> set[str]:
    return {p.relative_to(site).parent.as_posix() for p in site.rglob("index.html")
            if text in p.read_text(encoding="utf-8")}


def test_a_new_caption_keeps_the_plan_and_is_shown_where_the_photo_has_none_of_its_own(tmp_path: Path) -> None:
    root = copy_sample(tmp_path)
    with (root / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("\nsearch: false\n")
    sidecar = root / "photos" / "2022" / "02" / "longcheng-support.yaml"
    _build(root, root / "site")
    old = "龙城街道党员干部支援坂田防疫。"   # party-volunteers.md gives it as its own caption too
    shown_before = _pages_with(root / "site", old)
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace(old, "龙城街道干部连夜支援坂田。"), encoding="utf-8")
    result = _build(root, root / "site")
    assert result.plan_kept
    shown = _pages_with(root / "site", "龙城街道干部连夜支援坂田。")
    assert "photos/2022-02-longcheng-support" in shown and "2022/02/21/longcheng-support" in shown
    assert "2022/02/21/party-volunteers" in _pages_with(root / "site", old) - shown, "its own caption stays"
    assert shown <= shown_before
    _equals_clean(root)
    # Put in again at the next build that keeps the plan (the plan's file has the old caption).
    other = root / "content" / "articles" / "2022" / "02" / "bantian-frontline.md"
    other.write_text(other.read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
    assert _build(root, root / "site").plan_kept
    assert _pages_with(root / "site", "龙城街道干部连夜支援坂田。") == shown
    _equals_clean(root)
    # Another credit files it anew (photofiling.py: the plan patched), and no caption is
    # warned of (planned afresh).
    for old, new, patched in (("credit: 龙城街道供图", "credit: 坂田街道供图", True),
                              ("caption: 龙城街道干部连夜支援坂田。\n", "", False)):
        sidecar.write_text(sidecar.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        result = _build(root, root / "site")
        assert not result.plan_kept and result.records["patched"] is patched
        _equals_clean(root)


def test_a_new_day_keeps_the_plan_and_makes_the_first_home_page_again(tmp_path: Path) -> None:
    """Only the first home page shows the day (历史上的今天): the next day's build keeps the
    plan, makes the home pages again, and fingerprints the first alone."""
    root = copy_sample(tmp_path)
    with (root / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("\nsearch: false\n")
    day, next_day = datetime(2023, 2, 20, 9, tzinfo=UTC), datetime(2023, 2, 21, 9, tzinfo=UTC)
    _build(root, root / "site", day)
    first = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert "横岗街道115名机关干部驰援坂田" in first   # ran on 2022-02-20
    result = _build(root, root / "site", next_day)
    assert result.records["patched"] and result.rendered == 1
    assert (root / "site" / "index.html").read_text(encoding="utf-8") != first
    _equals_clean(root, next_day)
    story = root / "content" / "articles" / "2022" / "02" / "party-volunteers.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n补记。\n", encoding="utf-8")
    assert _build(root, root / "site", next_day + timedelta(hours=1)).plan_kept
    _equals_clean(root, next_day)


def _state_folder(root: Path) -> Path:
    cfg, _ = config.load(root, root / "site")
    from newsroom import cache
    return cache.state_folder(cfg)


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in _state_folder(root).iterdir() if p.name.endswith(".tmp"))


def test_a_moved_story_s_plan_written_while_the_build_goes_on_is_kept_for_the_next_edit(tmp_path: Path) -> None:
    # A new date makes the plan again; it is written in a process of its own while the build
    # goes on (memory.start_writing_plan), kept once the build is saved, and the next edit in
    # place reads it: the site is a clean build's after each.
    root = _archive(tmp_path / "archive", 150)
    _build(root, root / "site", jobs=2)
    story = _story(root, 5)
    text = story.read_text(encoding="utf-8")
    story.write_text(text.replace("date: 2021-06-06", "date: 2021-07-09"), encoding="utf-8")
    moved = _build(root, root / "site", jobs=2)
    assert not moved.plan_kept and moved.records["decision"].case == "recheck"
    assert _leftovers(root) == []
    _equals_clean(root)
    story.write_text(story.read_text(encoding="utf-8") + "\n更正：第三段补充了新的内容。\n", encoding="utf-8")
    again = _build(root, root / "site", jobs=2)
    assert again.plan_kept
    _equals_clean(root)


@pytest.mark.parametrize("jobs", [2, 1], ids=["plan-written-apart", "plan-written-here"])
def test_a_build_that_fails_after_writing_its_plan_leaves_the_last_one(tmp_path: Path, monkeypatch, jobs: int) -> None:
    # The disk fills up while pages are written: the plan written early (in a process of its
    # own, from the end of the plan stage) is removed, the last build's plan and state stay, and the next build
    # after the disk is freed is a clean build's.
    root = _archive(tmp_path / "archive", 150)
    _build(root, root / "site", jobs=jobs)
    plan = _state_folder(root) / plancache.FILE
    kept = plan.read_bytes()
    story = _story(root, 5)
    story.write_text(story.read_text(encoding="utf-8").replace("date: 2021-06-06", "date: 2021-07-09"),
                     encoding="utf-8")

    def full(run) -> bool:
        raise OSError(28, "No space left on device", str(run.config.output))
    monkeypatch.setattr(stages, "STAGES", tuple((name, full if name == "render+write" else stage)
                                                 for name, stage in stages.STAGES))
    cfg, problems = config.load(root, root / "site")
    failed = builder.build(cfg, problems, builder.Options(jobs=jobs), now=NOW)
    assert not failed.ok and failed.records["plan_writing"] is not None   # being written, then removed
    assert failed.records["decision"].case == "recheck"
    assert _leftovers(root) == [] and plan.read_bytes() == kept
    monkeypatch.undo()
    assert not _build(root, root / "site", jobs=jobs).plan_kept
    _equals_clean(root)


def _due_in_two_hours_then_a_text_edit(tmp_path: Path) -> Path:
    """An archive built at NOW with a story scheduled two hours later, then one story's text
    edited (not built yet)."""
    root = _archive(tmp_path / "archive", 6)
    due = NOW + timedelta(hours=2)
    folder = root / "content" / "articles" / "2024" / "01"
    folder.mkdir(parents=True)
    (folder / "later.md").write_text(f"---\ntitle: 定时发布的报道\ndate: {due:%Y-%m-%dT%H:%M:%S}+00:00\n"
                                     "reporter: 张鹏\nstreet: 坂田街道\n---\n明天见报。\n", encoding="utf-8")
    _build(root, root / "site")
    story = _story(root, 1)
    story.write_text(story.read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
    return root


def test_a_build_that_keeps_the_plan_still_knows_when_the_next_scheduled_story_goes_live(tmp_path: Path) -> None:
    # (A build with the plan kept does not look for the next story due among the articles:
    # it takes the time the plan was made with. A build with nothing changed after that
    # time must still publish the story.)
    root = _due_in_two_hours_then_a_text_edit(tmp_path)
    assert _build(root, root / "site", NOW + timedelta(hours=1)).plan_kept
    assert not list((root / "site").rglob("later/index.html"))
    later = NOW + timedelta(hours=3)
    again = _build(root, root / "site", later)   # nothing changed but the time
    assert again.rendered > 0
    assert list((root / "site").rglob("later/index.html"))
    _equals_clean(root, later)


def test_a_scheduled_story_goes_live_though_only_text_changed(tmp_path: Path) -> None:
    root = _due_in_two_hours_then_a_text_edit(tmp_path)
    assert not list((root / "site").rglob("later/index.html"))
    later = NOW + timedelta(hours=3)
    result = _build(root, root / "site", later)
    assert not result.plan_kept        # the kept plan expired when the story fell due
    assert list((root / "site").rglob("later/index.html"))
    _equals_clean(root, later)


def test_a_plan_that_is_not_this_states_own_is_not_used(tmp_path: Path) -> None:
    root = _archive(tmp_path / "archive", 6)
    _build(root, root / "site")
    folder = next((root / ".cache" / "build").iterdir())
    articles: dict = {}   # nothing to resolve: a wrong token or a damaged file is refused before that
    assert plancache.load(folder, "not-the-token", articles, []) is None
    (folder / plancache.FILE).write_bytes(b"\x80\x05garbage")
    with pytest.raises(plancache.Damaged):
        plancache.load(folder, "any", articles, [])
    # A damaged plan is made again, with one warning: the build is right and keeps a good one.
    story = _story(root, 2)
    story.write_text(story.read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
    again = _build(root, root / "site")
    assert not again.plan_kept
    assert [p.message for p in again.problems if p.repaired] == [
        "damaged in the cache: not used, and made again by this build"]
    _equals_clean(root)
    story.write_text(story.read_text(encoding="utf-8") + "\n再补充。\n", encoding="utf-8")
    assert _build(root, root / "site").plan_kept


def test_a_kept_plan_reads_only_the_contexts_it_uses_and_they_are_as_made(tmp_path: Path, monkeypatch) -> None:
    # The contexts are pickled in chunks (planfile.py), here of 4 pages, and read when used.
    monkeypatch.setattr(planfile, "CHUNK", 4)
    root = copy_sample(tmp_path)   # with a print edition: its stories' pages show where they ran
    with (root / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("\nsearch: false\n")
    first = _build(root, root / "site")
    story = root / "content" / "articles" / "2022" / "02" / "party-volunteers.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n补记：活动持续到月底。\n", encoding="utf-8")
    second = _build(root, root / "site")
    assert second.plan_kept
    planned, archive = second.records["planned"], second.records["archive"]
    read = [page.path for page in planned if page.context.read]
    assert 1 <= len(read) == second.rendered < len(planned) // 4, read   # the pages rendered again
    # moved.yaml's record and the print placements are pickled apart, unread by the edit, and
    # then read as they were made.
    kept_apart = [second.records["living"].record, second.records["printed"].placements]
    assert [type(m) for m in kept_apart] == [planviews.Apart] * 2 and all(m._value is None for m in kept_apart)
    assert dict(kept_apart[0]) == first.records["living"].record and len(kept_apart[0]) >= 5
    assert dict(kept_apart[1]) == first.records["printed"].placements and kept_apart[1]
    # Every page is made from what it was made from (its fingerprint: path, template, context).
    before, now = depends.Values(first.records["archive"]), depends.Values(archive)
    assert [now.context(page) for page in planned] == [before.context(page) for page in first.records["planned"]]
    # And the objects the contexts share with the archive are the archive's, not copies.
    terms = {id(term) for tax in archive.taxonomies for term in tax.terms}
    on_pages = [page.context["term"] for page in planned if page.template == "term.html"]
    assert on_pages and all(id(term) in terms for term in on_pages)
    placements = {id(p) for found in second.records["printed"].placements.values() for p in found}
    printed = [p for page in planned if page.template == "article.html" for p in page.context["printed"]]
    assert printed and all(id(p) in placements for p in printed)


def test_pages_of_a_kept_plan_rendered_on_two_workers_are_a_clean_builds(tmp_path: Path, monkeypatch) -> None:
    # Every story's summary edited in place: its page and every list showing it are rendered
    # again, enough pages for the forked workers (parallel.render_pages: 4 chunks of 64), which
    # read the pages' contexts from the kept plan's chunks.
    monkeypatch.setattr(planfile, "CHUNK", 8)
    root = _archive(tmp_path / "archive", 180)
    _build(root, root / "site", jobs=2)
    for story in sorted((root / "content" / "articles").rglob("*.md")):
        head, rule, body = story.read_text(encoding="utf-8").partition("\n---\n")
        story.write_text(head + rule + "新的导语：" + body.lstrip(), encoding="utf-8")
    again = _build(root, root / "site", jobs=2)
    assert again.plan_kept and again.rendered >= 4 * 64
    _equals_clean(root)


def test_a_sealed_file_read_by_slices_is_what_was_written_and_damage_is_seen(tmp_path: Path) -> None:
    """sums.opened: the kept plan is read a slice at a time (an edit uses a few of its
    chunks), checked as the whole file was: a byte changed, a file cut short or another
    kind of file gives None; a file cut short after the check reads as Truncated."""
    file = tmp_path / "sealed"
    payload = bytes(range(256)) * 5000   # more than the 1 MB it is checked through
    sums.write_sealed(file, b"TEST", lambda out: out.write(payload))
    sealed = sums.opened(file, b"TEST")
    assert len(sealed) == len(payload) and sealed[:] == payload
    assert sealed[-8:] == payload[-8:] and sealed[1000:2000] == payload[1000:2000]
    assert sums.opened(file, b"PLAN") is None
    os.truncate(file, 100_000)   # after the check, as something outside the engine might
    assert sealed[:50_000] == payload[:50_000]
    with pytest.raises(sums.Truncated):
        sealed[50_000:200_000]
    assert not file.exists(), "a file found cut short is removed: it could only fail again"
    sums.write_sealed(file, b"TEST", lambda out: out.write(payload))
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 1
    file.write_bytes(bytes(data))
    assert sums.opened(file, b"TEST") is None
    file.write_bytes(bytes(data[:5]))
    assert sums.opened(file, b"TEST") is None
    sums.write_sealed(file, b"TEST", lambda out: None)
    assert sums.opened(file, b"TEST")[:] == b""


def test_a_kept_plan_cut_short_during_the_build_fails_it_with_one_error_not_a_crash(tmp_path: Path,
                                                                                    monkeypatch) -> None:
    # Mapped, the plan's file cut short under a running build killed it with SIGBUS (and
    # this test with it). Read by slices, the build fails with one error naming the file,
    # leaves the site as it was, and the next build is whole.
    root = _archive(tmp_path / "archive", 12)
    _build(root, root / "site")
    story = _story(root, 3)
    story.write_text(story.read_text(encoding="utf-8") + "\n更正：第三段补充了新的内容。\n", encoding="utf-8")
    before = _tree(root / "site")
    plan = next((root / ".cache" / "build").iterdir()) / plancache.FILE

    def reuse_then_cut(run):
        found = stages.reuse(run)
        os.truncate(plan, 8)   # the seal's head only: every chunk of contexts is gone
        return found
    monkeypatch.setattr(stages, "STAGES", tuple((name, reuse_then_cut if name == "reuse" else stage)
                                                 for name, stage in stages.STAGES))
    cfg, problems = config.load(root, root / "site")
    result = builder.build(cfg, problems, builder.Options(jobs=1), now=NOW)
    assert result.plan_kept and not result.ok
    assert [str(p) for p in result.problems] == [
        f"{plan.relative_to(root).as_posix()}: error: damaged in the cache while in use: removed, so the next "
        "build makes it again; build again"]
    assert _tree(root / "site") == before and not plan.exists()
    monkeypatch.undo()
    again = _build(root, root / "site")
    assert not again.plan_kept and not again.problems
    _equals_clean(root)


def _strings(value: object, where: str) -> list[tuple[str, str]]:
    """(where, string) for every string a context holds by value: the archive's own objects
    (articles, terms …) are held by reference, and their titles read when a page renders."""
    if isinstance(value, str):
        return [(where, value)]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _strings(item, f"{where}.{key}")]
    if isinstance(value, (list, tuple)):
        return [found for item in value for found in _strings(item, where)]
    if dataclasses.is_dataclass(value) and type(value) not in depends.ENTITY_TYPES:
        return [found for f in dataclasses.fields(value) for found in _strings(getattr(value, f.name), where)]
    return []


def test_the_planner_copies_titles_only_where_a_kept_plan_puts_new_ones(tmp_path: Path) -> None:
    # plancache.retitle puts a new title into these contexts and nowhere else: a planner that
    # copied a title anywhere more would leave the old one there after a title edit.
    root = copy_sample(tmp_path)
    with (root / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("\nsearch: false\n")
    _build(root, root / "site")
    folder = root / "content" / "articles" / "2022" / "02"
    moved = folder / "baolong-support.md"   # a page at its old address names it
    moved.write_text(moved.read_text(encoding="utf-8").replace("date: 2022-02-21", "date: 2022-02-20"), encoding="utf-8")
    gone = folder / "pingdi-support.md"
    gone.write_text(gone.read_text(encoding="utf-8").replace("title:", "withdrawn: {date: 2022-03-01, reason: 内容有误。}\ntitle:", 1),
                    encoding="utf-8")
    result = _build(root, root / "site")
    titles = {a.title for a in result.records["archive"].article_by_id.values()} | {
        a.title for a in result.records["archive"].withdrawn}
    copied = {(page.template, where) for page in result.records["planned"]
              for where, text in _strings(dict(page.context), "context") if text in titles}
    assert copied == {("article.html", "context.title"), ("withdrawn.html", "context.title"),
                      ("redirect.html", "context.title")}
