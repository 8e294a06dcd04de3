"""The search index after an edit: only the recent changes are indexed again, the year
bundles' stale entries are listed for the search page to hide, a damaged bundle in the cache
is made again and never published, and what killed builds left in .cache/search goes.

(What a reader finds is tested in Chromium: tests/browser/test_search.py.)
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import cbor2
import pytest
from archive_gen import make_archive

from newsroom import builder, config, search, searchplan, searchwords
from newsroom.cli import main

pytestmark = pytest.mark.skipif(search.executable() is None, reason="pagefind is not installed")

STORY = "content/articles/2021/01/story-0000.md"


def build(root: Path, *more: str) -> None:
    assert main(["--root", str(root), "-q", *more]) == 0


def listing(root: Path) -> dict:
    return json.loads((root / "site" / "pagefind" / "shards.json").read_text(encoding="utf-8"))


def ids(root: Path, year: str) -> dict[str, str]:
    """Page file -> Pagefind id in the year's bundle, read from its fragments."""
    found = {}
    for fragment in (root / "site" / "pagefind" / year / "fragment").iterdir():
        url = json.loads(gzip.decompress(fragment.read_bytes())[len(b"pagefind_dcd"):])["url"]
        found[url.strip("/") + "/index.html"] = fragment.name.removesuffix(".pf_fragment")
    return found


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def edit(root: Path, rel: str, old: str, new: str) -> None:
    file = root / rel
    file.write_text(file.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """Stories in 2021, the sample's photos in 2022: two year bundles."""
    root = make_archive(tmp_path / "archive", 40, renditions=True)
    build(root)
    assert listing(root)["shards"] == ["2022", "2021"] and "recent" not in listing(root)
    return root


def test_an_edit_indexes_only_the_recent_changes(archive: Path) -> None:
    root = archive
    before = {year: files(root / "site" / "pagefind" / year) for year in ("2021", "2022")}
    old = ids(root, "2021")
    edit(root, STORY, "走访社区", "慰问独居老人")
    build(root)
    after = listing(root)
    assert after["recent"] == "recent"
    assert {year: files(root / "site" / "pagefind" / year) for year in ("2021", "2022")} == before, \
        "the year bundles are published as they were"
    assert after["superseded"] == [old["2021/01/01/story-0000/index.html"]], "only the edited story's old entry is hidden"
    recent = ids(root, "recent")
    assert list(recent) == ["2021/01/01/story-0000/index.html"]
    assert recent["2021/01/01/story-0000/index.html"] != old["2021/01/01/story-0000/index.html"]


def test_deleted_withdrawn_and_draft_pages_leave_the_index_files_at_once(archive: Path) -> None:
    """Not only hidden: their text must not stay published in the year's bundle."""
    root = archive
    (root / "content/articles/2021/02/story-0001.md").unlink()
    edit(root, "content/articles/2021/03/story-0002.md", "\n---\n", "\ndraft: true\n---\n")
    edit(root, "content/articles/2021/04/story-0003.md", "\n---\n",
         "\nwithdrawn: {date: 2021-06-01, reason: 报道有误。}\n---\n")
    build(root)
    gone = {f"2021/{m:02d}/{d:02d}/story-000{i}/index.html" for i, m, d in ((1, 2, 2), (2, 3, 3), (3, 4, 4))}
    assert not gone & set(ids(root, "2021")) and "recent" not in listing(root)
    assert "2021/05/05/story-0004/index.html" in ids(root, "2021")
    published = {page for year in ("2021", "2022") for page in ids(root, year)}
    assert not gone & published, "no fragment of theirs is left in the site"


def test_a_story_withdrawn_alone_leaves_the_index_at_once(archive: Path) -> None:
    """Withdrawn alone, the kept plan is patched (withdrawals.py): its page is the notice, and
    its text leaves the year's files as when the site is planned afresh."""
    root = archive
    edit(root, "content/articles/2021/04/story-0003.md", "\n---\n",
         "\nwithdrawn: {date: 2021-06-01, reason: 报道有误。}\n---\n")
    cfg, problems = config.load(root)
    assert builder.build(cfg, problems, builder.Options(jobs=1)).records["patched"]
    published = {page for year in ("2021", "2022") for page in ids(root, year)}
    assert "2021/04/04/story-0003/index.html" not in published and "2021/05/05/story-0004/index.html" in published


def test_a_story_moved_to_another_day_is_indexed_as_an_edited_one(archive: Path) -> None:
    """Its text is still published (at its new address): its old entry is hidden, and the
    year is not indexed again; moved and withdrawn at once, its text leaves the year's files."""
    root = archive
    before, old = files(root / "site" / "pagefind" / "2021"), ids(root, "2021")
    edit(root, STORY, "date: 2021-01-01", "date: 2021-01-02")
    build(root)
    assert files(root / "site" / "pagefind" / "2021") == before, "the year's bundle is published as it was"
    assert list(ids(root, "recent")) == ["2021/01/02/story-0000/index.html"]
    assert listing(root)["superseded"] == [old["2021/01/01/story-0000/index.html"]]
    edit(root, "content/articles/2021/02/story-0001.md", "date: 2021-02-02",
         "withdrawn: {date: 2021-06-01, reason: 报道有误。}\ndate: 2021-02-03")
    build(root)
    assert not {"2021/02/02/story-0001/index.html", "2021/02/03/story-0001/index.html"} & set(ids(root, "2021"))
    assert "2021/01/02/story-0000/index.html" in ids(root, "2021"), "made anew, with the story moved before"


def test_a_cold_build_makes_every_year_anew(archive: Path) -> None:
    root = archive
    edit(root, STORY, "走访社区", "慰问独居老人")
    build(root)
    assert "recent" in listing(root)
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "robots.txt").write_text("User-agent: *\n", encoding="utf-8")   # every page renders again
    build(root)
    assert "recent" not in listing(root) and listing(root)["superseded"] == []
    assert "2021/01/01/story-0000/index.html" in ids(root, "2021")


def test_past_the_limit_the_year_is_made_anew() -> None:
    known = {f"p{i}": f"2021:{i}" for i in range(10)} | {"q": "2022:q"}
    made = {"2021": {f"p{i}": f"2021:{i}" for i in range(10)}, "2022": {"q": "2022:q"}}
    edited = known | {"p1": "2021:new", "p2": "2021:new", "q": "2022:new"}
    small = searchplan.plan(edited, made, cold=False, limit=3)
    assert small.remake == () and set(small.recent) == {"p1", "p2", "q"}
    assert small.superseded == {"2021": ("p1", "p2"), "2022": ("q",)}
    over = searchplan.plan(edited, made, cold=False, limit=2)
    assert over.remake == ("2021",) and set(over.recent) == {"q"} and over.superseded == {"2022": ("q",)}
    assert searchplan.plan(edited, made, cold=True).remake == ("2022", "2021")
    moved = searchplan.plan(known | {"p1": "2022:p1"}, made, cold=False)
    assert moved.recent == {"p1": "2022:p1"} and moved.superseded == {"2021": ("p1",)}
    gone = searchplan.plan({k: v for k, v in edited.items() if k != "p3"}, made, cold=False, limit=3)
    assert gone.remake == ("2021",) and gone.recent == {"q": "2022:new"}, "a page gone: its year anew"
    renamed = {k: v for k, v in edited.items() if k != "p3"} | {"p3b": "2021:3"}
    assert searchplan.plan(renamed, made, cold=False, limit=5, moved={"p3": "p3b"}).superseded == {
        "2021": ("p1", "p2", "p3"), "2022": ("q",)}, "a page moved: its old entry hidden, its year kept"
    assert searchplan.plan(renamed, made, cold=False, limit=5, moved={"p3": "p99"}).remake == ("2021",)


def test_the_parts_of_a_big_year_are_the_fewest_that_fit() -> None:
    even = Counter({f"2021-{m:02d}": 300 for m in range(1, 13)} | {"2020-05": 900, "all": 5000})
    assert searchplan.split(even, big=2000) == {"2021": (1, 7)}                   # 1,800 a half
    assert searchplan.split(even, big=1000) == {"2021": (1, 4, 7, 10)}            # 900 a quarter
    assert searchplan.split(Counter({"2021-03": 50}), big=10) == {"2021": tuple(range(1, 13))}   # months at most
    starts = {"2021": (4, 10)}   # the parts an edit finds in use (some months had no page)
    assert [searchplan.shard_of("2021", m, starts) for m in (2, 4, 9, 10, 12)] == \
        ["2021-04", "2021-04", "2021-04", "2021-10", "2021-10"]
    assert searchplan.shard_of("2020", 5, starts) == "2020"
    assert searchplan.starts_of({"a": "2021-10:x", "b": "2021-04:y", "c": "2020:z"}) == starts


def test_a_big_year_is_split_into_parts_by_months(tmp_path: Path, monkeypatch) -> None:
    """A year of more pages than one Pagefind run should hold (searchplan.BIG) is indexed in
    parts by months, newest first in shards.json; an edit keeps the parts."""
    monkeypatch.setattr(searchplan, "BIG", 10)
    root = make_archive(tmp_path / "archive", 40)
    build(root)
    parts = [name for name in listing(root)["shards"] if name.startswith("2021")]
    assert len(parts) > 1 and parts == sorted(parts, reverse=True)
    firsts = [int(name.partition("-")[2]) for name in reversed(parts)]
    found: list[str] = []
    for name in parts:
        pages = list(ids(root, name))
        first = int(name.partition("-")[2])
        later = min((m for m in firsts if m > first), default=13)
        assert 0 < len(pages) <= 10 and all(first <= int(page.split("/")[1]) < later for page in pages), (name, pages)
        found += pages
    stories = {f"{p.parent.parent.name}/{p.parent.name}" for p in (root / "content" / "articles").rglob("*.md")}
    assert len(found) == len(set(found)) == 40 and {"/".join(page.split("/")[:2]) for page in found} <= stories
    edit(root, STORY, "走访社区", "看望老人")
    build(root)
    assert [name for name in listing(root)["shards"] if name.startswith("2021")] == parts
    assert "recent" in listing(root) and len(listing(root)["superseded"]) == 1
    assert listing(root)["superseded"][0] == ids(root, parts[-1])["2021/01/01/story-0000/index.html"]


def test_an_edit_leaves_the_other_years_index_files_as_published(archive: Path) -> None:
    """An edit in 2021 is indexed in the bundle of recent changes: the year bundles' files
    stay the very files published before (same inode: not written again); one removed from
    the site by hand since is published again."""
    site = archive / "site" / "pagefind"
    inodes = {name: (site / name).stat().st_ino for name in files(site) if name.startswith(("2021/", "2022/"))}
    edit(archive, STORY, "走访社区", "看望老人")
    build(archive)
    assert "recent" in listing(archive)
    assert {name: (site / name).stat().st_ino for name in inodes} == inodes
    lost = sorted(name for name in inodes if name.startswith("2022/fragment/"))[0]
    (site / lost).unlink()
    edit(archive, STORY, "看望老人", "慰问老人")
    build(archive)
    assert (site / lost).is_file()
    assert files(site / "2022") == files(archive / ".cache" / "search" / "2022" / "bundle")


def test_the_build_records_which_bundles_the_site_holds_and_the_record_is_checked(archive: Path) -> None:
    """What an edit takes as published without looking (searchsite.py): each bundle the
    last build wrote, while the site's manifest is the one it wrote and no bundle folder
    changed; a file removed by hand, or a manifest written since, sends it back to looking
    at the site, which gives the same answer."""
    import json
    import os

    from newsroom import output, searchbundle, searchsite

    site = archive / "site"
    record = next((archive / ".cache" / "build").glob("*/search-pages/" + searchsite.RECORD))
    cached = archive / ".cache" / "search" / "2022"
    bundle = searchbundle.recorded(cached, searchbundle.record_of(cached)["settings"])
    assert bundle is not None
    in_site = {f"pagefind/2022/{name}" for name in files(site / "pagefind" / "2022")}
    shown = searchsite.Published(record, site, output.published(site))
    assert shown.recorded is not None and set(shown.live("2022", bundle)) == in_site
    other = searchbundle.Bundle(bundle.folder, "another digest", sums=bundle.sums)
    assert shown.live("2022", other) is None   # the site holds another bundle under that name
    os.utime(site / output.MARKER)              # a manifest written since: the record is not used
    shown = searchsite.Published(record, site, output.published(site))
    assert shown.recorded is None and set(shown.live("2022", bundle)) == in_site
    searchsite.record(record, site, {"2022": bundle})   # as a build writing the site now does
    made = json.loads(record.read_text(encoding="utf-8"))
    searchsite.record(record, site, {"2022": bundle}, made["bundles"])   # the folders as the record lists them
    assert json.loads(record.read_text(encoding="utf-8")) == made and len(made["bundles"]["2022"][1]) > 1
    lost = sorted(in_site)[0]
    (site / lost).unlink()                               # then removed by hand
    shown = searchsite.Published(record, site, output.published(site))
    assert shown.recorded is not None and shown.live("2022", bundle) is None


def test_a_record_edited_by_hand_is_a_lost_shortcut_not_a_failure(archive: Path) -> None:
    """The record of the published bundles is only a shortcut: entries not of the shape
    written make the build look at the site, and the build goes on."""
    from newsroom import searchsite

    record = next((archive / ".cache" / "build").glob("*/search-pages/" + searchsite.RECORD))
    written = json.loads(record.read_text(encoding="utf-8"))
    written["bundles"] = {name: [entry[0]] for name, entry in written["bundles"].items()}
    record.write_text(json.dumps(written), encoding="utf-8")
    site = archive / "site" / "pagefind"
    before = files(site / "2022")
    edit(archive, STORY, "走访社区", "看望老人")
    build(archive)
    assert "recent" in listing(archive) and files(site / "2022") == before


def test_a_damaged_bundle_in_the_cache_is_made_again_when_used_never_published(archive: Path, capsys) -> None:
    root = archive
    cached = root / ".cache" / "search" / "2021" / "bundle"
    fragment = sorted((cached / "fragment").iterdir())[0]
    good = fragment.read_bytes()
    fragment.write_bytes(good[: len(good) // 2])              # truncated
    (cached / "filter" / "zh-cn_0000000.pf_filter").write_bytes(b"junk")   # a stray file
    edit(root, STORY, "走访社区", "慰问独居老人")
    capsys.readouterr()
    # The site has the year's bundle as it is: nothing is copied from the cache, nor checked.
    assert main(["--root", str(root)]) == 0
    assert "damaged" not in capsys.readouterr().err
    published = root / "site" / "pagefind" / "2021"
    assert (published / "fragment" / fragment.name).read_bytes() == good
    # A site that needs the year's files from the cache: checked, made again, never published.
    assert main(["--root", str(root), "--output", str(root / "elsewhere")]) == 0
    err = capsys.readouterr().err
    damaged = [line for line in err.splitlines() if "damaged" in line]
    assert len(damaged) == 1 and ".cache/search/2021/bundle" in damaged[0], err
    for site in (root / "site", root / "elsewhere"):
        published = site / "pagefind" / "2021"
        assert (published / "fragment" / fragment.name).read_bytes() == good
        assert not (published / "filter" / "zh-cn_0000000.pf_filter").exists()
    assert files(root / "elsewhere" / "pagefind" / "2021") == files(cached)   # as made again


def test_a_damaged_record_of_a_bundle_has_the_year_made_again(archive: Path) -> None:
    """A year's record with a byte changed, or cut short, is not unmarshalled (its CRC-32 no
    longer matches): the year's bundle is made anew from its pages."""
    from newsroom import searchbundle

    record = archive / ".cache" / "search" / "2021" / searchbundle.RECORD
    settings = searchbundle.record_of(record.parent)["settings"]
    assert searchbundle.recorded(record.parent, settings) is not None
    data = bytearray(record.read_bytes())
    data[len(data) // 2] ^= 0xFF
    record.write_bytes(bytes(data))
    assert searchbundle.recorded(record.parent, settings) is None
    legacy = record.with_name("bundle.json")   # as versions before wrote the record
    legacy.write_text("{}", encoding="utf-8")
    edit(archive, STORY, "走访社区", "慰问独居老人")
    build(archive)
    assert "recent" not in listing(archive)   # 2021 made anew, the edit in it
    assert not legacy.exists()
    assert searchbundle.recorded(record.parent, settings) is not None
    record.write_bytes(record.read_bytes()[:100])
    assert searchbundle.recorded(record.parent, settings) is None


def test_a_record_written_before_its_ids_and_sums_were_kept_apart_is_read_as_it_was(archive: Path) -> None:
    """Records are written with the ids and the files' sums marshalled apart inside them
    (read when used); one written whole, as before, is read alike: no year made again."""
    import marshal

    from newsroom import searchbundle, sums

    record = archive / ".cache" / "search" / "2021" / searchbundle.RECORD
    now = searchbundle.record_of(record.parent)
    settings = now["settings"]
    whole = {**now, "ids": dict(now["ids"]), "sums": dict(now["sums"])}
    assert whole["ids"] and whole["sums"]
    bundle = searchbundle.recorded(record.parent, settings)
    record.write_bytes(sums.seal(b"NRS1", marshal.dumps(whole)))
    before = searchbundle.recorded(record.parent, settings)
    assert (dict(before.ids), dict(before.sums), before.pages) == (dict(bundle.ids), dict(bundle.sums), bundle.pages)
    assert searchbundle.whole(before, []) and searchbundle.whole(bundle, [])
    assert record.read_bytes()[:4] == b"NRS2"   # written again as now, once read
    again = searchbundle.recorded(record.parent, settings)
    assert (dict(again.ids), dict(again.sums), again.pages) == (dict(bundle.ids), dict(bundle.sums), bundle.pages)
    edit(archive, STORY, "走访社区", "慰问独居老人")
    build(archive)
    assert listing(archive)["recent"]   # the year kept, the edit in the bundle of recent changes


def test_a_damaged_search_copy_is_spelt_again_not_indexed(archive: Path, capsys) -> None:
    """The copies Pagefind reads are kept in the cache between builds: one changed there is
    a warning when its year is indexed again, and is made again from the published page."""
    root = archive
    copy = next((root / ".cache" / "build").glob("*/search-pages/2021/2021/04/04/story-0003/index.html"))
    copy.write_text(copy.read_text(encoding="utf-8").replace("data-pagefind-body>", "data-pagefind-body><p>篡改的文字</p>", 1),
                    encoding="utf-8")
    (root / "content/articles/2021/02/story-0001.md").unlink()   # its year is indexed again at once
    capsys.readouterr()
    assert main(["--root", str(root)]) == 0
    damaged = [line for line in capsys.readouterr().err.splitlines() if "damaged" in line]
    assert len(damaged) == 1 and "search-pages/2021/2021/04/04/story-0003" in damaged[0], damaged
    fragments = [gzip.decompress(f.read_bytes()).decode("utf-8", "replace")
                 for f in (root / "site" / "pagefind" / "2021" / "fragment").iterdir()]
    assert not any("篡改" in text for text in fragments), "the damaged copy reached the index"
    assert any("/2021/04/04/story-0003/" in text for text in fragments), "the page is still found"


def test_killed_builds_leftovers_in_the_search_cache_are_removed(archive: Path) -> None:
    root = archive
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    pid = int(dead.stdout)
    left = [root / ".cache" / "search" / "2021" / f"bundle-{pid}", root / ".cache" / "search" / f"pages-{pid}"]
    for folder in left:
        (folder / "fragment").mkdir(parents=True)
        (folder / "fragment" / "x.pf_fragment").write_bytes(b"x" * 1000)
    edit(root, STORY, "走访社区", "慰问独居老人")   # 2021's bundle is kept: only the recent one is made
    build(root)
    assert [folder for folder in left if folder.exists()] == []


def test_the_stage_line_says_what_the_index_adds_after_the_pages(archive: Path, capsys) -> None:
    edit(archive, STORY, "走访社区", "慰问独居老人")
    capsys.readouterr()
    assert main(["--root", str(archive), "-v"]) == 0
    stages = dict(line.split()[0:2] if not line.strip().startswith("search") else
                  (" ".join(line.split()[:2]), line.split()[2]) for line in capsys.readouterr().out.splitlines()
                  if line.startswith("  ") and line.rstrip().endswith(" s"))
    assert {"search copies", "search index", "render+write"} <= set(stages), stages
    assert float(stages["search index"]) <= float(stages["render+write"])


def pagefind_reading(copies: dict[str, str], folder: Path, *options: str) -> tuple[list[str], dict[str, dict]]:
    """What the real Pagefind makes of `copies` (file -> copy): the languages of its index
    and each page's fragment (its text, title, filters, sort keys and anchors) by URL."""
    for rel, copy in copies.items():
        (folder / "pages" / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / "pages" / rel).write_text(copy, encoding="utf-8")
    subprocess.run([str(search.executable()), "--site", str(folder / "pages"), "--output-path",
                    str(folder / "index"), "--silent", *options], check=True, timeout=300)
    languages = sorted(meta.name.split("_")[0] for meta in (folder / "index").glob("*.pf_meta"))
    fragments = {}
    for fragment in (folder / "index" / "fragment").iterdir():
        read = json.loads(gzip.decompress(fragment.read_bytes())[len(b"pagefind_dcd"):])
        fragments[read["url"]] = read
    return languages, fragments


def pagefind_words(folder: Path) -> dict[str, list[int]]:
    """The words of an index made by `pagefind_reading`, each with the pages that hold it
    (Pagefind's numbers, as it writes them: each the difference from the one before)."""
    words = {}
    for chunk in (folder / "index" / "index").iterdir():
        for word, pages, *_ in cbor2.loads(gzip.decompress(chunk.read_bytes())[len(b"pagefind_dcd"):])[0]:
            words[word] = [page[0] for page in pages]
    return words


SEARCHABLE = ("2021/04/04/story-0003/index.html", "photos/2022-02-command-post-rain/index.html")


def test_pagefind_reads_a_bare_copy_of_the_searchable_part_with_the_pages_marks(archive: Path, tmp_path: Path,
                                                                                monkeypatch) -> None:
    """The header, navigation and other stories' links are left out of what Pagefind parses,
    and it finds in the copy all it found in the whole page: language, text, title, filters."""
    pages = {rel: (archive / "site" / rel).read_text(encoding="utf-8") for rel in SEARCHABLE}
    bare = {rel: searchwords.page_for_index(html, {}) for rel, html in pages.items()}
    for rel, html in pages.items():
        assert 'class="masthead"' in html and 'class="masthead"' not in bare[rel], f"{rel}: the site's header is indexed"
        assert bare[rel].startswith('<!DOCTYPE html><html lang="zh-CN">') and "<title>" in bare[rel]
    monkeypatch.setattr(searchwords, "_frame", lambda html, start, end: (html[:start], html[end:]))
    whole = {rel: searchwords.page_for_index(html, {}) for rel, html in pages.items()}
    assert all(len(bare[rel]) < len(whole[rel]) * 0.8 for rel in pages)
    read_bare = pagefind_reading(bare, tmp_path / "bare")
    assert read_bare == pagefind_reading(whole, tmp_path / "whole")
    languages, fragments = read_bare
    assert languages == ["pagefind.zh-cn"] and len(fragments) == 2
    story = fragments["/2021/04/04/story-0003/"]
    assert story["filters"]["year"] == ["2021"] and story["meta"]["title"] and story["word_count"] > 20


def test_a_page_marking_something_outside_its_searchable_part_is_indexed_whole(archive: Path, tmp_path: Path) -> None:
    """A theme may give Pagefind a meta or a filter in the page's head: then the page is kept."""
    rel = SEARCHABLE[0]
    html = (archive / "site" / rel).read_text(encoding="utf-8").replace(
        "</head>", '<meta data-pagefind-meta="image[content]" content="/media/cover.jpg"></head>', 1)
    copy = searchwords.page_for_index(html, {})
    assert copy.startswith(html[:html.index("<article")]), "the head and header were dropped"
    _, fragments = pagefind_reading({rel: copy}, tmp_path)
    assert fragments["/2021/04/04/story-0003/"]["meta"]["image"] == "/media/cover.jpg"


def test_a_chinese_sites_index_is_made_as_of_no_language_with_the_same_words(archive: Path, tmp_path: Path) -> None:
    """Its Han text reaches Pagefind spelt in ASCII, which Pagefind's Chinese segmentation
    only passes over: told the pages are of no language, it indexes the same words on the
    same pages, with the same texts, titles and filters (in a sixth less time), and the search
    page loads that index (tests/browser/test_search.py searches it). What differs: Chinese
    segmentation counts punctuation as words and puts zero-width spaces in the text, which
    search.js drops."""
    assert search.index_language("zh-CN") == "und" and search.index_language("en") is None
    for year in ("2021", "2022"):
        metas = [meta.name.split("_")[0] for meta in (archive / "site" / "pagefind" / year).glob("*.pf_meta")]
        assert metas == ["pagefind.und"], metas
    copies = {rel: searchwords.page_for_index((archive / "site" / rel).read_text(encoding="utf-8"), {})
              for rel in [*SEARCHABLE, "2021/02/02/story-0001/index.html", "2021/03/03/story-0002/index.html"]}
    as_chinese = pagefind_reading(copies, tmp_path / "zh")
    as_none = pagefind_reading(copies, tmp_path / "und", "--force-language", "und")
    assert as_chinese[0] == ["pagefind.zh-cn"] and as_none[0] == ["pagefind.und"]

    def read(fragment: dict) -> dict:
        return {**fragment, "content": fragment["content"].replace("\u200b", ""), "word_count": None}
    assert {url: read(f) for url, f in as_none[1].items()} == {url: read(f) for url, f in as_chinese[1].items()}
    assert len(as_none[1]) == 4 and all(as_none[1][url]["word_count"] > 20 for url in as_none[1])
    words = pagefind_words(tmp_path / "und")
    assert words == pagefind_words(tmp_path / "zh") and len(words) > 50
