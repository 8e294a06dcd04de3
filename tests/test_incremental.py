"""Incremental builds: nothing changed writes nothing; one edit rewrites exactly what shows it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from archive_gen import site_files

from newsroom import builder, cache, config, depends, keyshards, pages, publish, reach, sitemaps

ARTICLE = "content/articles/2022/02/party-volunteers.md"
OTHER = "content/articles/2022/02/baolong-support.md"


def build(root: Path, now: datetime | None = None, **options) -> builder.BuildResult:
    cfg, problems = config.load(root)
    result = builder.build(cfg, problems, builder.Options(**{"jobs": 1, **options}), now=now)
    assert result.ok, [str(p) for p in result.problems]
    return result


def snapshot(site: Path) -> dict[str, tuple[int, int]]:
    """Every published file with its inode and mtime: a rewritten file changes both."""
    return {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in site.rglob("*") if p.is_file() and not p.name.startswith(".")}


def recorded(root: Path) -> dict[str, str]:
    """What the last build recorded each page was built from (output file -> fingerprint)."""
    cfg, _ = config.load(root)
    return cache.Store(cache.state_folder(cfg)).load().pages


def changed(before: dict, after: dict) -> set[str]:
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def containing(site: Path, text: str) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*")
            if p.is_file() and p.suffix in (".html", ".xml", ".json") and text in p.read_text(encoding="utf-8")}


def retitle(root: Path, new: str) -> str:
    path = root / ARTICLE
    lines = path.read_text(encoding="utf-8").split("\n")
    i = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    old = lines[i].removeprefix("title:").strip()
    lines[i] = f"title: {new}"
    path.write_text("\n".join(lines), encoding="utf-8")
    return old


def test_second_build_writes_nothing(sample_root: Path) -> None:
    first = build(sample_root)
    assert first.written > 0 and first.rendered == first.pages
    before = snapshot(sample_root / "site")
    second = build(sample_root)
    assert second.written == 0 and second.rendered == 0
    assert second.articles == first.articles and second.pages == first.pages
    assert snapshot(sample_root / "site") == before


def test_touched_but_unchanged_files_write_nothing(sample_root: Path) -> None:
    """A new mtime (git checkout, rsync) defeats the quick check but renders no page."""
    build(sample_root)
    before = snapshot(sample_root / "site")
    for path in [sample_root / ARTICLE, *sorted((sample_root / "photos").rglob("*.jpg"))[:2]]:
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    result = build(sample_root)
    assert result.rendered == 0 and result.written == 0
    assert snapshot(sample_root / "site") == before


def test_warnings_are_reported_again_when_nothing_changed(sample_root: Path) -> None:
    (sample_root / "content/articles/2022/02/extra.md").write_text(
        "---\ntitle: 附加\ndate: 2022-02-01\nmood: 好\n---\n正文。\n", encoding="utf-8")
    first = build(sample_root)
    second = build(sample_root)
    assert second.written == 0
    assert [str(p) for p in second.problems] == [str(p) for p in first.problems]
    assert any("unknown field 'mood'" in str(p) for p in second.problems)


def test_in_a_big_archive_the_inputs_are_looked_at_in_another_process_while_the_state_loads(
        sample_root: Path, monkeypatch) -> None:
    """inputscan.py, as for an archive of SCAN_APART files or more: the stat of every input
    runs in a process of its own; nothing changed still stops the build, an edit is still
    seen and published, and a scan killed on its way (the OOM killer) is made here instead."""
    from newsroom import inputscan, signatures

    monkeypatch.setattr(inputscan, "SCAN_APART", 0)
    here = os.getpid()
    scans: list[int] = []       # seen here only if made here: a forked process's list is its own
    real_scan = signatures.inputs_signature

    def inputs_signature(*args):
        if kill and os.getpid() != here:
            os.kill(os.getpid(), 9)
        scans.append(os.getpid())
        return real_scan(*args)
    monkeypatch.setattr(signatures, "inputs_signature", inputs_signature)
    kill = False
    first = build(sample_root, jobs=2)
    assert build(sample_root, jobs=2).rendered == 0 and scans == []
    (sample_root / ARTICLE).write_text((sample_root / ARTICLE).read_text(encoding="utf-8")
                                       + "\n另一个进程看见了这次修改。\n", encoding="utf-8")
    edited = build(sample_root, jobs=2)
    assert 0 < edited.rendered < first.pages and scans == []
    assert containing(sample_root / "site", "另一个进程看见了这次修改") >= {"2022/02/21/party-volunteers/index.html"}

    kill = True
    (sample_root / ARTICLE).write_text((sample_root / ARTICLE).read_text(encoding="utf-8")
                                       + "\n它被杀掉了，这里再看一遍。\n", encoding="utf-8")
    again = build(sample_root, jobs=2)
    assert 0 < again.rendered < first.pages and scans == [here]
    assert containing(sample_root / "site", "它被杀掉了") >= {"2022/02/21/party-volunteers/index.html"}


HEAVY = ("jinja2", "markdown", "PIL", "newsroom.stages")


def _loaded_by_a_build(root: Path, modules: tuple[str, ...] = HEAVY) -> list[str]:
    """Which of `modules` `python build.py` loads in a new interpreter (the exit code first)."""
    script = ("import sys; from newsroom.cli import main; "
              f"code = main(['--root', {str(root)!r}, '-q', '-j', '1']); "
              f"print(code, *[m for m in {modules!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_a_build_with_nothing_to_do_loads_neither_jinja_nor_markdown_nor_pillow(sample_root: Path) -> None:
    """Importing them was half of such a build (0.1 s of 0.2 s): the quick check needs none."""
    assert _loaded_by_a_build(sample_root) == ["0", *HEAVY]
    assert _loaded_by_a_build(sample_root) == ["0"]
    (sample_root / ARTICLE).write_text((sample_root / ARTICLE).read_text(encoding="utf-8") + "\n补充。\n",
                                       encoding="utf-8")
    assert _loaded_by_a_build(sample_root) == ["0", *HEAVY]


def test_an_edit_does_not_read_every_installed_package_metadata(sample_root: Path) -> None:
    """Markdown given its extensions by name looks each up among every installed package's
    entry points (importlib.metadata: ≈30 ms of an edit); they are given as objects."""
    _loaded_by_a_build(sample_root)
    (sample_root / ARTICLE).write_text((sample_root / ARTICLE).read_text(encoding="utf-8") + "\n补充。\n",
                                       encoding="utf-8")
    assert _loaded_by_a_build(sample_root, ("markdown", "importlib.metadata")) == ["0", "markdown"]


@pytest.mark.parametrize("small_change", [200, 0], ids=["in-place", "staged"])
def test_one_edit_rewrites_exactly_the_pages_that_show_it(sample_root: Path, monkeypatch, small_change) -> None:
    monkeypatch.setattr(publish, "SMALL_CHANGE", small_change)
    build(sample_root)
    site = sample_root / "site"
    before = snapshot(site)
    old = retitle(sample_root, "党员干部下沉一线（更正标题）")
    expected = containing(site, old)
    # its page, its neighbours, the home page, street/reporter/tag pages, archives, feeds, photos
    assert "2022/02/21/party-volunteers/index.html" in expected and "feed.xml" in expected
    assert any(p.startswith("streets/") for p in expected) and any(p.startswith("2022/02/") for p in expected)
    result = build(sample_root)
    after = snapshot(site)
    touched = changed(before, after)
    search = {path for path in touched if path.startswith("pagefind/")}
    assert touched - search == expected
    # The new title is in the search index of recent changes; the year's is left as it was.
    assert "pagefind/recent/pagefind-entry.json" in search and "pagefind/shards.json" in search
    assert not any(path.startswith("pagefind/2022/") for path in search)
    assert result.written == len(expected) + len(search & after.keys())
    assert result.rendered < result.pages
    assert containing(site, old) == set()


def test_template_change_renders_every_page(sample_root: Path) -> None:
    first = build(sample_root)
    base = sample_root / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("跳到正文", "跳到主要内容"), encoding="utf-8")
    result = build(sample_root)
    assert result.rendered == first.pages
    assert "跳到主要内容" in (sample_root / "site" / "index.html").read_text(encoding="utf-8")


def test_settings_change_renders_every_page(sample_root: Path) -> None:
    first = build(sample_root)
    site_yaml = sample_root / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace("龙岗新闻档案", "龙岗新闻"), encoding="utf-8")
    result = build(sample_root)
    assert result.rendered == first.pages
    assert "龙岗新闻档案" not in (sample_root / "site" / "index.html").read_text(encoding="utf-8")


def test_scheduled_article_appears_when_its_time_comes(sample_root: Path) -> None:
    when = datetime(2030, 1, 1, 9, 0)
    (sample_root / "content/articles/2022/02/later.md").write_text(
        f"---\ntitle: 定时发布的稿件\ndate: {when:%Y-%m-%dT%H:%M:%S}+08:00\n---\n正文。\n", encoding="utf-8")
    cfg, _ = config.load(sample_root)
    due = when.replace(tzinfo=cfg.tz)
    build(sample_root, now=due - timedelta(days=1))
    assert not (sample_root / "site/2030").exists()
    assert build(sample_root, now=due - timedelta(hours=1)).written == 0
    result = build(sample_root, now=due + timedelta(minutes=1))
    assert result.written > 0
    assert (sample_root / "site/2030/01/01/later/index.html").is_file()


def test_deleted_output_is_built_again(sample_root: Path) -> None:
    import shutil

    first = build(sample_root)
    shutil.rmtree(sample_root / "site")
    result = build(sample_root)
    assert result.written == first.written
    assert (sample_root / "site" / "index.html").is_file()


def test_a_page_taken_out_of_the_manifest_by_hand_is_published_again_at_an_edit(sample_root: Path) -> None:
    """An edit in place renders only what read the edited text, trusting the site to hold
    every other page: it does while the manifest is the one the last build wrote. One
    edited by hand (a page's file and entry removed) is another: the page comes back."""
    import json

    from newsroom import output

    build(sample_root)
    site = sample_root / "site"
    manifest = json.loads((site / output.MARKER).read_text(encoding="utf-8"))
    lost = "tags/index.html"
    assert lost in manifest["files"]
    del manifest["files"][lost]
    (site / lost).unlink()
    (site / output.MARKER).write_text(json.dumps(manifest), encoding="utf-8")
    file = sample_root / ARTICLE
    file.write_text(file.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    build(sample_root)
    assert (site / lost).is_file() and lost in output.manifest(site)


def test_template_error_in_an_incremental_build_leaves_the_site(sample_root: Path) -> None:
    build(sample_root)
    before = snapshot(sample_root / "site")
    retitle(sample_root, "新标题")
    article = sample_root / "templates" / "article.html"
    article.write_text(article.read_text(encoding="utf-8").replace("{{ article.title }}", "{{ article.titel }}"),
                       encoding="utf-8")
    cfg, problems = config.load(sample_root)
    result = builder.build(cfg, problems, builder.Options(jobs=1))
    assert not result.ok
    assert any(p.path == "templates/article.html" and p.line > 0 for p in result.problems)
    assert snapshot(sample_root / "site") == before


def test_new_photo_reaches_every_page_that_shows_it(sample_root: Path) -> None:
    """The first home page shows the newest photos; the later home pages do not, and stay."""
    import shutil

    settings = sample_root / "site.yaml"
    settings.write_text(re.sub(r"(?m)^page_size: \d+", "page_size: 2", settings.read_text(encoding="utf-8")),
                        encoding="utf-8")
    first = build(sample_root)
    fingerprints = recorded(sample_root)
    site = sample_root / "site"
    before = snapshot(site)
    source = sorted((sample_root / "photos").rglob("*.jpg"))[0]
    shutil.copy(source, source.with_name("brand-new.jpg"))
    source.with_name("brand-new.yaml").write_text("caption: 全新的一张图片\ncredit: 张鹏\ndate: 2022-03-01\n",
                                                  encoding="utf-8")
    result = build(sample_root)
    assert "全新的一张图片" in (site / "index.html").read_text(encoding="utf-8")
    rewritten = changed(before, snapshot(site))
    assert rewritten >= containing(site, "全新的一张图片") | {"index.html"}
    # Later home pages do not show photos: what they were built from is unchanged.
    assert fingerprints["page/2/index.html"] == recorded(sample_root)["page/2/index.html"]
    assert result.rendered < first.pages


def test_after_photo_edits_every_page_no_photo_reaches_keeps_its_context(sample_root: Path) -> None:
    """A new photo, a new caption, a photo removed: the decision takes the context of every
    page reach.photo_free names from the last build, unhashed (rebuild.known_contexts). Here
    each is hashed anyway, and is what it was; and the site is a clean build's. Two stories
    to a page: the lists have later pages."""
    settings = sample_root / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("page_size: 10", "page_size: 2"), encoding="utf-8")
    build(sample_root)
    photo = sample_root / "photos" / "2022" / "02" / "new-photo.jpg"
    shutil.copy(sorted((sample_root / "photos").rglob("*.jpg"))[0], photo)
    sidecar = photo.with_suffix(".yaml")
    edits = [lambda: sidecar.write_text("caption: 新增图片。\ncredit: 张鹏\n", encoding="utf-8"),
             lambda: sidecar.write_text("caption: 改过的图注。\ncredit: 陈涛\n", encoding="utf-8"),
             lambda: (photo.unlink(), sidecar.unlink())]
    for edit in edits:
        before = recorded(sample_root)
        edit()
        result = build(sample_root)
        assert result.records["decision"].case == "recheck"
        planned, values = result.records["planned"], depends.Values(result.records["archive"])
        free = [page for page in planned if reach.photo_free(page) and page.file in before]
        assert len(free) > len(planned) / 2
        assert [page.file for page in free if values.context(page) != before[page.file]] == []
        assert [page.file for page in planned if not reach.photo_free(page)
                and values.context(page) != before.get(page.file)], "no page a photo reaches changed"
        shutil.rmtree(sample_root / "clean", ignore_errors=True)
        cfg, problems = config.load(sample_root, sample_root / "clean")
        assert builder.build(cfg, problems, builder.Options(jobs=1, incremental=False)).ok
        assert site_files(sample_root / "site") == site_files(sample_root / "clean")


def test_after_stories_are_added_the_print_pages_keep_their_context(sample_root: Path, monkeypatch) -> None:
    """Stories added in no print edition: the decision takes the context of every print page
    (reach.PRINT_TEMPLATES) from the last build, unhashed. Here each is hashed anyway, and is
    what it was; a story added to a print page is not such an edit; the site is a clean build's."""
    build(sample_root)
    other = (sample_root / OTHER).read_text(encoding="utf-8")
    story = sample_root / "content" / "articles" / "2022" / "03" / "added.md"
    story.parent.mkdir(exist_ok=True)
    edits = [lambda: story.write_text(other.replace("date: 2022-02-21T11:00:00+08:00", "date: 2022-03-01T09:00:00+08:00")
                                      .replace("title: ", "title: 新增："), encoding="utf-8"),
             lambda: story.with_name("printed.md").write_text(
                 other.replace("date: 2022-02-21T11:00:00+08:00", "date: 2022-02-22T09:00:00+08:00\nprint: {page: 3}")
                 .replace("title: ", "title: 见报："), encoding="utf-8")]
    from newsroom import parallel

    hashed: list[str] = []
    fingerprints = parallel.fingerprints
    monkeypatch.setattr(parallel, "fingerprints", lambda todo, *rest: (
        hashed.extend(page.template for page in todo), fingerprints(todo, *rest))[1])
    for printed, edit in enumerate(edits):
        before = recorded(sample_root)
        edit()
        hashed.clear()
        result = build(sample_root)
        assert bool(set(hashed) & reach.PRINT_TEMPLATES) == bool(printed), hashed
        decision, planned = result.records["decision"], result.records["planned"]
        values = depends.Values(result.records["archive"])
        prints = [page for page in planned if page.template in reach.PRINT_TEMPLATES]
        assert decision.case == "recheck" and len(prints) >= 3
        stale = [page.file for page in prints if values.context(page) != before.get(page.file)]
        if printed:
            assert stale, "a story added to page 3 changes it"
        else:
            assert stale == []
            assert all(decision.contexts[i] == before[page.file] for i, page in enumerate(planned)
                       if page.template in reach.PRINT_TEMPLATES)
        shutil.rmtree(sample_root / "clean", ignore_errors=True)
        cfg, problems = config.load(sample_root, sample_root / "clean")
        assert builder.build(cfg, problems, builder.Options(jobs=1, incremental=False)).ok
        assert site_files(sample_root / "site") == site_files(sample_root / "clean")


def test_a_new_story_is_related_to_the_stories_nearest_it_not_to_every_story_of_its_street(tmp_path: Path) -> None:
    """Related stories are the nearest in time sharing a street, reporter or tag: a new story
    renders again the pages of the few stories just before it in each of its lists (not of
    every story of its street and reporters), and the oldest story's are the oldest."""
    root, made = _generated(tmp_path, "search: false\n")
    _add_newest_story(root, build(root))
    added = build(root)
    archive, planned = added.records["archive"], added.records["planned"]
    story = archive.articles[0]
    assert story.title == "新来的报道"
    terms = sum(len(story.names(tax.key)) for tax in archive.taxonomies)
    stories = {planned[i].path for i in added.records["decision"].todo if planned[i].template == "article.html"}
    assert 1 < len(stories) <= 1 + 5 * terms < len(made.articles) // 3
    oldest = archive.articles[-1]
    sharing = [a for a in archive.articles[:-1]
               if any({n.name for n in a.names(tax.key)} & {n.name for n in oldest.names(tax.key)}
                      for tax in archive.taxonomies)]
    assert list(pages.related(archive, oldest, 5)) == sharing[-5:]


def test_a_new_story_renders_the_first_page_of_each_list_not_every_page(tmp_path: Path) -> None:
    """List pages are counted from the oldest (pages.Pager): a story newer than every other
    changes the first page of each list it joins and the pagers of the few newest full pages;
    every other page of those lists keeps its file byte for byte (a list of 150 stories was
    rendered again whole, each of its pages moved by one story)."""
    root, _ = _generated(tmp_path, "search: false\npage_size: 4\n")
    first = build(root)
    site = root / "site"
    lists = {"home.html", "term.html", "year.html", "month.html"}
    later = {page.file: (site / page.file).read_bytes() for page in first.records["planned"]
             if page.template in lists and page.context["pager"].number > 0}
    _add_newest_story(root, first)
    added = build(root)
    planned = added.records["planned"]
    rendered = [planned[i] for i in added.records["decision"].todo if planned[i].template in lists]
    home = [page.path for page in rendered if page.template == "home.html"]
    assert "" in home and len(home) <= 4, home
    assert all(page.context["pager"].number == 0 or page.context["pager"].number >= max(
        p.context["pager"].number for p in planned if p.context.get("pager") and p.context["pager"].base
        == page.context["pager"].base) - 2 for page in rendered), "a page far from the newest was rendered"
    same = [file for file, data in later.items() if (site / file).is_file() and (site / file).read_bytes() == data]
    assert len(later) > 60 and len(same) >= len(later) - 4 * len({p.context["pager"].base for p in rendered})
    assert "新来的报道" in (site / "index.html").read_text(encoding="utf-8")
    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("site", ".cache"))
    build(clean)
    assert site_files(site) == site_files(clean / "site")


def _generated(tmp_path: Path, settings: str):
    """A generated archive of 150 stories (bench/corpus.py), with `settings` added to its site.yaml."""
    from bench import corpus

    root = tmp_path / "archive"
    made = corpus.make(root, articles=150, photos=0, seed=5)
    file = root / "site.yaml"
    given = {line.split(":", 1)[0] for line in settings.splitlines()}
    kept = [line for line in file.read_text(encoding="utf-8").splitlines(keepends=True)
            if line.split(":", 1)[0] not in given]   # a key given twice is an error
    file.write_text("".join(kept) + settings, encoding="utf-8")
    return root, made


def _add_newest_story(root: Path, built: builder.BuildResult) -> None:
    """A copy of the newest story of the last build, a day newer, titled 新来的报道 (in no print edition)."""
    newest = built.records["archive"].articles[0]
    _copy_story(root, newest, "new-story", newest.date + timedelta(days=1), "新来的报道")


def _copy_story(root: Path, story, name: str, date: datetime, title: str, extra: str = "") -> str:
    """A copy of `story` as content/…/NAME.md beside it, dated `date`, titled `title`, in no
    print edition, with the front matter lines `extra`; its id."""
    text = (root / story.source).read_text(encoding="utf-8")
    text = re.sub(r"^(slug|print):.*\n", "", text, flags=re.M).replace(f"title: {story.title}", f"{extra}title: {title}")
    path = (root / story.source).with_name(f"{name}.md")
    path.write_text(text.replace(f"date: {story.date.isoformat()}", f"date: {date.isoformat()}"), encoding="utf-8")
    return path.relative_to(root).as_posix()


def test_after_stories_are_added_removed_or_moved_every_page_out_of_their_reach_keeps_its_context(
        tmp_path: Path, monkeypatch) -> None:
    """Only stories added, removed or edited: the decision takes the context of every page
    reach.beyond_changed names from the last build, unhashed. Here each is hashed anyway, and
    is what it was, after a new story, one dated between two others, two new ones (making the
    home page's full pages one more), a new one with an old one, one withdrawn at once (in no
    list), then each of those removed, one of them as another is added, then stories moved
    (redated, in another street, retagged with a new tag; one redated as another is added);
    and the site is a clean build's, its sitemap split into parts as a big site's is."""
    monkeypatch.setattr(sitemaps, "SITEMAP_SPLIT", 100)
    monkeypatch.setattr(sitemaps, "SITEMAP_LEAST", 20)
    used, rule = [], reach.beyond_changed
    monkeypatch.setattr(reach, "beyond_changed", lambda *args: used.append(args) or rule(*args))
    root, _ = _generated(tmp_path, "search: false\n")
    settings = root / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("page_size: 10", "page_size: 7"), encoding="utf-8")
    built = build(root)
    stories = built.records["archive"].articles
    between = stories[75].date + (stories[74].date - stories[75].date) / 2

    def edited(name: str, pattern: str, replacement: str) -> list[str]:
        """The story NAME.md (or the one whose slug is NAME) with one front matter line changed."""
        file = next(root.glob(f"content/**/{name}.md"), None) or next(
            f for f in root.glob("content/**/*.md") if f"slug: {name}\n" in f.read_text(encoding="utf-8"))
        text = file.read_text(encoding="utf-8")
        file.write_text(re.sub(pattern, replacement, text, count=1), encoding="utf-8")
        assert file.read_text(encoding="utf-8") != text
        return [file.relative_to(root).as_posix()]

    def gone(*names: str) -> list[str]:
        files = [next(root.glob(f"content/**/{name}.md")) for name in names]
        for file in files:
            file.unlink()
        return [file.relative_to(root).as_posix() for file in files]
    edits = [lambda: ([_copy_story(root, stories[0], "newest", stories[0].date + timedelta(days=1), "最新")], []),
             lambda: ([_copy_story(root, stories[75], "between", between, "补记")], []),
             lambda: ([_copy_story(root, stories[0], "newer", stories[0].date + timedelta(days=2), "更新"),
                       _copy_story(root, stories[1], "newer-still", stories[0].date + timedelta(days=3), "又更新")], []),
             lambda: ([_copy_story(root, stories[0], "latest", stories[0].date + timedelta(days=4), "再更新"),
                       _copy_story(root, stories[120], "older", stories[120].date - timedelta(minutes=1), "旧闻")], []),
             lambda: ([_copy_story(root, stories[2], "taken-down", stories[0].date + timedelta(days=5), "撤回",
                                   "withdrawn: {date: 2025-01-02, reason: 内容有误。}\n")], []),
             lambda: ([], gone("between")),
             lambda: ([], gone("latest", "newer-still")),
             lambda: ([_copy_story(root, stories[30], "again", stories[30].date + timedelta(minutes=1), "再补记")],
                      gone("older")),
             lambda: ([], gone("taken-down", "newest")),
             lambda: (edited("again", r"date: \S+", f"date: {(stories[100].date + timedelta(minutes=1)).isoformat()}"), []),
             lambda: (edited("newer", r"street: \[[^]\n]*\]", "street: [南澳街道]"), []),
             lambda: (edited(stories[40].slug, r"tags: \[[^]\n]*\]", "tags: [新的标签, 旧改]"), []),
             lambda: (edited("again", r"date: \S+", f"date: {(stories[0].date + timedelta(days=9)).isoformat()}")
                      + [_copy_story(root, stories[60], "one-more", stories[60].date + timedelta(minutes=2), "又一篇")],
                      [])]
    last = built
    for edit in edits:
        before = recorded(root)
        added, removed = edit()
        old = {a.id: a for a in last.records["archive"].articles + last.records["archive"].withdrawn}
        result = build(root)
        planned, archive = result.records["planned"], result.records["archive"]
        assert result.records["decision"].case == "recheck" and set(added) <= archive.article_by_id.keys()
        edits = [s for s in added if s in old]   # a story edited is taken from where it was and put where it is
        assert [call[1:3] for call in used] == [(set(added), tuple(old[s] for s in sorted(removed) + sorted(edits)))]
        assert not used[0][3].changed   # no story here is in print
        used.clear()
        values, unreached = depends.Values(archive), rule(archive, set(added), [old[s] for s in removed + edits])
        kept = [page for page in planned if unreached(page) and page.file in before]
        assert len(kept) > len(planned) / 2
        assert [page.file for page in kept if values.context(page) != before[page.file]] == []
        assert [page.file for page in planned if (not unreached(page) or page.file not in before)
                and values.context(page) != before.get(page.file)], "no page hashed changed"
        shutil.rmtree(root / "clean", ignore_errors=True)
        cfg, problems = config.load(root, root / "clean")
        assert builder.build(cfg, problems, builder.Options(jobs=1, incremental=False)).ok
        assert site_files(root / "site") == site_files(root / "clean")
        last = result
    assert len(list((root / "site").glob("sitemap-*.xml"))) > 2


def test_after_print_editions_change_every_page_out_of_their_reach_keeps_its_context(tmp_path: Path,
                                                                                      monkeypatch) -> None:
    """An edition file added, edited and removed, a story moved to another page of its day's
    paper, one redated within its day, one redated to another day (which renumbers the later
    issues), an edition edited as a story is added, that story put in it by the file alone and
    taken out again: the decision takes the context of every
    page reach.beyond_changed names from the last build, unhashed: not the changed editions'
    pages, their neighbours', the calendar's or their stories' (before and after). Here each
    is hashed anyway, and is what it was; and the site is a clean build's."""
    used, rule = [], reach.beyond_changed
    monkeypatch.setattr(reach, "beyond_changed", lambda *args: used.append(args) or rule(*args))
    root, _ = _generated(tmp_path, "search: false\n")
    built = build(root)
    stories = built.records["archive"].articles
    editions = built.records["printed"].editions
    middle = editions[len(editions) // 2]
    day, number = middle.date.isoformat(), middle.pages[0].number
    edition_file = root / "content" / "editions" / f"{day}.yaml"
    printed = [s for s in stories[40:] if re.search(r"^print: \{page: \d+\}$", (root / s.source).read_text(
        encoding="utf-8"), re.M)]

    def edited(story, pattern: str, replacement: str) -> list[str]:
        file = root / story.source
        text = file.read_text(encoding="utf-8")
        file.write_text(re.sub(pattern, replacement, text, count=1, flags=re.M), encoding="utf-8")
        assert file.read_text(encoding="utf-8") != text
        return [story.source]

    def edition(headline: str, *named: str) -> list[str]:
        """The edition file of `day`: its first page's headline, and the stories it names (with
        no `print:` of their own: only the file places them)."""
        edition_file.parent.mkdir(exist_ok=True)
        stories = "".join(f"      - {source.removeprefix('content/articles/')}\n" for source in named)
        edition_file.write_text(f"pages:\n  - page: {number}\n    headline: {headline}\n"
                                + (f"    stories:\n{stories}" if named else ""), encoding="utf-8")
        return []
    # (edit, whether it changes a few pages only, whether it changes the editions)
    edits = [(lambda: edition("头版新闻"), True, True),
             (lambda: edition("改过的标题"), True, True),
             (lambda: edited(printed[0], r"^print: \{page: (\d+)\}$", "print: {page: 1}"), True, True),
             (lambda: edited(printed[1], r"^date: (\S+?)T(\d\d)", r"date: \1T23"), True, False),   # alone on its page
             (lambda: edited(printed[2], r"^date: \S+", f"date: {(printed[2].date - timedelta(days=400)).isoformat()}"),
              False, True),
             (lambda: edition("又改了") + [_copy_story(root, stories[0], "newest", stories[0].date + timedelta(days=1),
                                                    "最新")], True, True),
             (lambda: edition("印上新稿", "content/articles/2024/12/newest.md"), True, True),
             (lambda: edition("撤下新稿"), True, True),
             (lambda: edition_file.unlink() or [], True, True)]
    last = built
    for edit, small, reprinted in edits:
        before = recorded(root)
        added = edit()
        old = {a.id: a for a in last.records["archive"].articles}
        result = build(root)
        planned, archive = result.records["planned"], result.records["archive"]
        assert result.records["decision"].case == "recheck"
        assert len(used) == 1 and used[0][1] == set(added) and bool(used[0][3].changed) == reprinted, used
        args = used.pop()
        assert args[2] == tuple(old[s] for s in added if s in old)
        values, unreached = depends.Values(archive), rule(*args)
        kept = [page for page in planned if unreached(page) and page.file in before]
        assert len(kept) > (len(planned) / 2 if small else 0)
        assert [page.file for page in kept if values.context(page) != before[page.file]] == []
        assert any(page.template in reach.PRINT_TEMPLATES and not unreached(page) for page in planned) == reprinted
        shutil.rmtree(root / "clean", ignore_errors=True)
        cfg, problems = config.load(root, root / "clean")
        assert builder.build(cfg, problems, builder.Options(jobs=1, incremental=False)).ok
        assert site_files(root / "site") == site_files(root / "clean")
        last = result


def test_an_edit_in_place_keeps_the_editions_digests_without_hashing_them(sample_root: Path, monkeypatch) -> None:
    """An edit that keeps the last build's plan keeps its print editions too: their digests
    (printing.digests, a few hundred milliseconds at 100,000 articles) are the state's, not
    made again; a story moved to another page makes them again, and only that edition differs."""
    from newsroom import printing

    first = build(sample_root)
    made: list[int] = []
    digests = printing.digests
    monkeypatch.setattr(printing, "digests", lambda editions: made.append(1) or digests(editions))
    _edit_body(sample_root)
    kept = build(sample_root)
    assert kept.plan_kept
    assert made == [] and kept.records["edition_digests"] == first.records["edition_digests"] != {}
    story = sample_root / ARTICLE
    story.write_text(story.read_text(encoding="utf-8").replace("date: 2022-02-21T09:30:00+08:00",
                                                               "date: 2022-02-21T09:30:00+08:00\nprint: {page: 1}"),
                     encoding="utf-8")
    moved = build(sample_root)
    assert made == [1]
    assert {day for day, (digest, _) in moved.records["edition_digests"].items()
            if first.records["edition_digests"].get(day, ("",))[0] != digest} == {"2022-02-21"}


def test_a_new_story_that_dates_an_undated_photo_moves_it_in_every_list_of_its_photos(sample_root: Path) -> None:
    """A photo with no date of its own is dated by the earliest story showing it (index.build):
    an older story added with it moves it to the end of the photos of a street the new story
    is not in, shown on the street's first page, which reach.beyond_changed does not take
    unhashed, and is rendered again (a clean build's)."""
    photos = sample_root / "photos" / "2022" / "02"
    shutil.copy(photos / "warm-soup.jpg", photos / "undated.jpg")
    (photos / "undated.yaml").write_text("caption: 没有日期的图片。\n", encoding="utf-8")
    story = sample_root / ARTICLE
    story.write_text(story.read_text(encoding="utf-8").replace(
        "photos:\n", "photos:\n  - {file: 2022/02/undated.jpg}\n", 1), encoding="utf-8")
    first = build(sample_root)
    assert first.records["archive"].photo_by_id["2022/02/undated.jpg"].date is None
    street = (sample_root / "site" / "streets" / "bantian" / "index.html").read_text(encoding="utf-8")
    assert "没有日期的图片" in street
    (story.parent / "older.md").write_text(
        "---\ntitle: 一年前的报道\ndate: 2021-02-21T09:00:00+08:00\nstreet: [龙城街道]\n"
        "photos:\n  - {file: 2022/02/undated.jpg}\n---\n龙城街道一年前的报道。\n", encoding="utf-8")
    before = recorded(sample_root)
    again = build(sample_root)
    archive = again.records["archive"]
    unreached, values = reach.beyond_changed(archive, {"content/articles/2022/02/older.md"}), depends.Values(archive)
    assert [page.file for page in again.records["planned"] if unreached(page) and page.file in before
            and values.context(page) != before[page.file]] == []
    cfg, problems = config.load(sample_root, sample_root / "clean")
    assert builder.build(cfg, problems, builder.Options(jobs=1, incremental=False)).ok
    assert site_files(sample_root / "site") == site_files(sample_root / "clean")
    assert (sample_root / "site" / "streets" / "bantian" / "index.html").read_text(encoding="utf-8") != street


def test_an_edit_needs_no_pinyin_for_names_already_slugged(sample_root: Path) -> None:
    """Tag slugs are pinyin (pypinyin takes 0.16 s to load): a rebuild after an edit
    remembers them from the last build, and its pages link to the same tag pages."""
    import subprocess
    import sys

    build(sample_root)
    tags = sorted(p.name for p in (sample_root / "site" / "tags").iterdir() if p.is_dir())
    path = sample_root / ARTICLE
    path.write_text(path.read_text(encoding="utf-8") + "\n更正：时间有误。\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", "import sys\nfrom newsroom.cli import main\n"
                          f"assert main(['--root', {str(sample_root)!r}, '-q']) == 0\n"
                          "print('pypinyin' in sys.modules)"],
                         capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"
    assert sorted(p.name for p in (sample_root / "site" / "tags").iterdir() if p.is_dir()) == tags
    assert "更正：时间有误" in (sample_root / "site" / "2022" / "02" / "21" / "party-volunteers" / "index.html"
                             ).read_text(encoding="utf-8")


def _edit_body(root: Path) -> None:
    path = root / ARTICLE
    path.write_text(path.read_text(encoding="utf-8") + "\n更正：人数有误。\n", encoding="utf-8")


def _redate(root: Path) -> None:
    path = root / ARTICLE
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^date: 2022-02-21", "date: 2022-01-05", text, count=1), encoding="utf-8")


def _retag(root: Path) -> None:
    path = root / ARTICLE
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^(tags:.*)\]", r"\1, 新标签]", text, count=1), encoding="utf-8")


@pytest.mark.parametrize("edit, only_its_pages", [(_edit_body, True), (lambda root: retitle(root, "新标题"), True),
                                                  (_redate, None), (_retag, False)],
                         ids=["body", "title", "date", "tags"])
def test_pages_an_edit_cannot_reach_keep_their_fingerprints(sample_root: Path, edit, only_its_pages: bool | None,
                                                            monkeypatch) -> None:
    """After an edit to an article's text only its pages are fingerprinted again (the rest
    are the last build's): what is recorded must equal fingerprinting every page afresh."""
    import shutil

    from newsroom import depends

    build(sample_root)
    before = (sample_root / ARTICLE).read_text(encoding="utf-8")
    edit(sample_root)
    assert (sample_root / ARTICLE).read_text(encoding="utf-8") != before
    made = []
    page = depends.Values.context
    monkeypatch.setattr(depends.Values, "context", lambda self, p: made.append(p.path) or page(self, p))
    result = build(sample_root)
    fast = recorded(sample_root)
    if only_its_pages:   # only the pages that read what changed are rendered (and their context hashed)
        assert 0 < len(made) < result.pages / 2
    elif only_its_pages is None:   # it moved (date), in the kept plan (retiming.py): the pages it can reach
        assert 0 < len(made) < result.pages
    else:   # it joined another list (tag): planned afresh, every page's context is hashed
        assert len(made) >= result.pages
    cfg, _ = config.load(sample_root)
    shutil.rmtree(cache.state_folder(cfg))
    build(sample_root)
    assert recorded(sample_root) == fast


def test_a_failed_build_between_two_edits_does_not_hide_the_first(sample_root: Path) -> None:
    """The parsed files of a failed build are kept, but the pages remembered are older: the
    next build must see everything that changed since the last good one."""
    build(sample_root)
    site = sample_root / "site"
    # 志愿服务 keeps two other stories, and none of its pages shows the article fixed below.
    tag = next(site / p for p in containing(site, "超2000人次")
               if p.startswith("tags/") and "<h1>志愿服务" in (site / p).read_text(encoding="utf-8"))
    path = sample_root / ARTICLE
    path.write_text(path.read_text(encoding="utf-8").replace("tags: [疫情防控, 党员干部, 志愿服务, 物资保障]",
                                                             "tags: [疫情防控, 党员干部, 物资保障]"), encoding="utf-8")
    other = sample_root / OTHER
    good = other.read_text(encoding="utf-8")
    other.write_text(re.sub(r"(?m)^title:.*$", "title: ''", good, count=1), encoding="utf-8")
    cfg, problems = config.load(sample_root)
    assert not builder.build(cfg, problems, builder.Options(jobs=1)).ok   # no title
    other.write_text(good, encoding="utf-8")               # fixed: a change of text only
    build(sample_root)
    assert "超2000人次" not in tag.read_text(encoding="utf-8")


@pytest.mark.parametrize("change", ["text", "street", "photo"])
def test_the_state_saved_is_the_state_the_build_ended_with(sample_root: Path, change: str) -> None:
    # Each part of the state is written only when it changed (cache.PARTS): after an edit in
    # place, one that moves a story, and a new photo, what the next build loads from disk is
    # what this build remembered, part by part, and only the parts in use are on disk.
    build(sample_root)
    path = sample_root / ARTICLE
    text = path.read_text(encoding="utf-8")
    if change == "text":
        path.write_text(text + "\n又及：活动将持续到月底。\n", encoding="utf-8")
    elif change == "street":
        street = re.search(r"^street: *(.+)$", text, re.M).group(1)
        path.write_text(text.replace(f"street: {street}", "street: 坂田街道", 1), encoding="utf-8")
    else:
        photo = next((sample_root / "photos").rglob("*.jpg"))
        import shutil
        shutil.copy(photo, photo.with_name("extra-" + photo.name))
    result = build(sample_root)
    cfg, _ = config.load(sample_root)
    folder = cache.state_folder(cfg)
    loaded = cache.Store(folder).load()
    remembered = result.records["state"]
    for name in sorted(cache.PARTS):
        assert getattr(loaded, name) == getattr(remembered, name), name
    shards = len(cache.SHARDED) * keyshards.SHARDS   # what pages read, in shards by key
    assert len(list(folder.glob(cache.PART_FILES))) == len(cache.PARTS - cache.SHARDED) + shards
    # The parsed files too (each shard saved only when an entry of it changed): every file
    # as this build read it, none lost, none left over.
    for kind in ("articles", "photos"):
        entries = {s: (e.stat, e.digest) for s, e in getattr(remembered, kind).items()}
        assert {s: (e.stat, e.digest) for s, e in getattr(loaded, kind).items()} == entries, kind


def test_an_edit_in_place_takes_the_pages_in_the_plans_order_and_leaves_them_by_file_unread(
        sample_root: Path, monkeypatch) -> None:
    """The last build's pages by file (context digests, ids) are not unmarshalled by a text
    edit or a retitling: their columns in the plan's order are (pagecolumns.py). What is
    saved then is what a build that reads them would save, by file and in columns alike."""
    from newsroom import lazydict, pagecolumns, planviews

    build(sample_root)
    used: list[int] = []

    class Counted(lazydict.LazyDict):   # the state's parts kept marshalled (cache.LAZY) only
        @property
        def value(self) -> dict:
            used.append(1)
            return lazydict.LazyDict.value.fget(self)
    monkeypatch.setattr(cache, "LazyDict", Counted)
    site = sample_root / "site"
    _edit_body(sample_root)
    edited = build(sample_root)
    assert edited.plan_kept and used == [] and edited.rendered > 0
    assert containing(site, "更正：人数有误")
    retitle(sample_root, "党员志愿者坚守一线（更新）")
    retitled = build(sample_root)
    assert retitled.plan_kept
    assert containing(site, "党员志愿者坚守一线（更新）")
    monkeypatch.undo()
    cfg, _ = config.load(sample_root)
    state = cache.Store(cache.state_folder(cfg)).load()
    files = planviews.files(retitled.records["planned"])
    columns = pagecolumns.read(state.columns, files)
    assert columns is not None
    assert columns.contexts == [state.pages[file] for file in files]
    assert list(columns.ids) == [state.page_ids[file] for file in files]
    assert state.pages == retitled.records["state"].pages
    assert pagecolumns.read(state.columns, files[1:]) is None   # other pages: by file, as before


def test_after_a_new_story_the_next_edit_in_place_makes_the_pages_columns_again(sample_root: Path) -> None:
    """A recheck that changes which pages there are leaves no columns (making them is left to
    the next edit in place, which may never come before another story); that edit makes them
    from the pages by file, and the one after it uses them."""
    from newsroom import lazydict, pagecolumns, planviews

    def columns(result: builder.BuildResult) -> pagecolumns.Columns | None:
        cfg, _ = config.load(sample_root)
        state = cache.Store(cache.state_folder(cfg)).load()
        return pagecolumns.read(state.columns, planviews.files(result.records["planned"]))

    first = build(sample_root)
    assert columns(first) is not None
    _add_newest_story(sample_root, first)
    added = build(sample_root)
    assert columns(added) is None and len(added.records["planned"]) > len(first.records["planned"])
    _edit_body(sample_root)
    edited = build(sample_root)
    made = columns(edited)
    assert made is not None and edited.plan_kept
    assert made.contexts == [lazydict.loaded(edited.records["state"].pages)[page.file]
                             for page in edited.records["planned"]]
    assert "更正：人数有误" in "".join(p.read_text(encoding="utf-8") for p in (sample_root / "site").rglob("*.html"))
