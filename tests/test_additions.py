"""A new story put into the kept plan (additions.py) instead of a plan made afresh: the plan,
page by page, and the site, file by file, are what a clean build makes; what it does not
cover is planned afresh."""

from __future__ import annotations

import posixpath
import shutil
from datetime import datetime, timedelta
from pathlib import Path

from archive_gen import site_files as files
from PIL import Image

from newsroom import builder, config, depends, reach, urls


def _generated(tmp_path: Path) -> Path:
    """A generated archive of 150 stories (bench/corpus.py), without the search index."""
    from bench import corpus

    root = tmp_path / "archive"
    corpus.make(root, articles=150, photos=0, seed=5)
    with (root / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("search: false\n")
    return root


def build(root: Path, output: Path | None = None, **options) -> builder.BuildResult:
    cfg, problems = config.load(root, output)
    result = builder.build(cfg, problems, builder.Options(jobs=1, **options))
    assert result.ok, [str(p) for p in result.problems]
    return result


def story(root: Path, name: str, like, when: datetime, extra: str = "", tags: str = "") -> None:
    """A new story NAME.md under its month's folder, filed under the streets, reporters (with
    no role) and tags (else `tags`) of the story `like`, dated `when`."""
    names = {key: ", ".join(n.name for n in like.names(key)) for key in ("street", "reporter", "tags")}
    names["tags"] = tags or names["tags"]
    folder = root / "content" / "articles" / f"{when:%Y}" / f"{when:%m}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.md").write_text(
        f"---\ntitle: 新稿{name}\ndate: {when.isoformat()}\nreporter: [{names['reporter']}]\n"
        f"street: [{names['street']}]\ntags: [{names['tags']}]\n{extra}---\n新的报道{name}，坂田街道。\n",
        encoding="utf-8")


def story_showing_photos(root: Path, like) -> Path:
    """A new story "shows", ten minutes after `like` and filed as it is, showing two new
    photos: one dated, one undated (the story dates it) credited to `like`'s first reporter
    (filed under that photographer); the story's file."""
    folder = root / "photos" / "2024" / "12"
    folder.mkdir(parents=True, exist_ok=True)
    credit = like.names("reporter")[0].name
    for name, sidecar in (("dated.jpg", "caption: 有日期。\ndate: 2020-05-01\ncredit: 龙城街道供图\n"),
                          ("undated.jpg", f"caption: 无日期。\ncredit: {credit}\n")):
        Image.new("RGB", (60, 40), "#3060c0").save(folder / name, "JPEG")
        (folder / name).with_suffix(".yaml").write_text(sidecar, encoding="utf-8")
    when = like.date + timedelta(minutes=10)
    story(root, "shows", like, when, "photos: [2024/12/undated.jpg, 2024/12/dated.jpg]\n")
    return root / f"content/articles/{when:%Y}/{when:%m}/shows.md"


def planned(result: builder.BuildResult) -> list[tuple[str, str, str]]:
    values = depends.Values(result.records["archive"])
    return [(page.path, page.template, values.context(page)) for page in result.records["planned"]]


def test_new_stories_put_into_the_kept_plan_give_a_clean_builds_plan_and_site(tmp_path: Path) -> None:
    root = _generated(tmp_path)
    first = build(root)
    stories = first.records["archive"].articles
    newest = stories[0].date
    steps = [  # (what, put in?)
        (lambda: story(root, "newest", stories[3], newest + timedelta(hours=1)), True),
        (lambda: story(root, "between", stories[40], stories[40].date + timedelta(minutes=1)), True),
        (lambda: (story(root, "two-a", stories[5], newest + timedelta(days=1)),
                  story(root, "two-b", stories[9], newest + timedelta(days=1, hours=2))), True),
        (lambda: story(root, "next-month", stories[7], newest.replace(day=1) + timedelta(days=40)), True),
        (lambda: story(root, "next-year", stories[8], newest.replace(month=1, day=1) + timedelta(days=400)), True),
        (lambda: story(root, "oldest", stories[-1], stories[-1].date - timedelta(days=1)), True),
        # Not covered: planned afresh.
        (lambda: story(root, "new-tag", stories[2], newest + timedelta(days=500), tags="新的标签"), False),
        (lambda: story(root, "withdrawn", stories[2], newest + timedelta(days=501),
                       f"withdrawn: {{date: {newest + timedelta(days=502):%Y-%m-%d}, reason: 内容有误。}}\n"), False),
    ]
    last = first
    for make, put_in in steps:
        make()
        result = build(root)
        assert result.records["patched"] is put_in, steps.index((make, put_in))
        assert not result.plan_kept
        # The pages out of the new stories' reach are found by their addresses as by their contexts.
        archive = result.records["archive"]
        added = archive.article_by_id.keys() - last.records["archive"].article_by_id.keys()
        cfg = result.records["config"]
        by_path = reach.beyond_changed(archive, added, (), reach.SAME_PRINT, cfg.page_size, cfg.feed_size)
        by_context = reach.beyond_changed(archive, added)
        assert [by_path(page) for page in result.records["planned"]] == \
            [by_context(page) for page in result.records["planned"]]
        last = result
        clean = build(root, root / "clean", incremental=False)
        assert planned(result) == planned(clean)
        assert files(root / "site") == files(root / "clean")
        shutil.rmtree(root / "clean")
    # The plan with them in is kept for the next edit in place.
    edited = root / stories[0].source
    edited.write_text(edited.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    again = build(root)
    assert again.plan_kept
    build(root, root / "clean", incremental=False)
    assert files(root / "site") == files(root / "clean")


def test_a_story_with_a_photo_or_a_link_is_planned_afresh(tmp_path: Path) -> None:
    root = _generated(tmp_path)
    first = build(root)
    stories = first.records["archive"].articles
    when = stories[0].date + timedelta(hours=1)
    story(root, "linked", stories[1], when)
    file = root / f"content/articles/{when:%Y}/{when:%m}/linked.md"
    link = posixpath.relpath(stories[1].source, file.parent.relative_to(root).as_posix())
    file.write_text(file.read_text(encoding="utf-8") + f"\n见[旧闻]({link})。\n", encoding="utf-8")
    result = build(root)
    assert result.records["patched"] is False
    build(root, root / "clean", incremental=False)
    assert files(root / "site") == files(root / "clean")


def test_new_photos_put_into_the_kept_plan_give_a_clean_builds_plan_and_site(tmp_path: Path) -> None:
    root = _generated(tmp_path)
    first = build(root)
    archive = first.records["archive"]
    reporter, street = archive.taxonomy("reporter").terms[0].name, archive.taxonomy("street").terms[0].name
    folder = root / "photos" / "2024" / "12"
    folder.mkdir(parents=True, exist_ok=True)
    steps = [  # (file, its sidecar, put in?)
        ("a.jpg", f"caption: 新图一。\ncredit: {reporter}\n", True),
        ("b.jpg", f"caption: 新图二。\ncredit: {reporter}\ndate: 2023-05-01\nstreet: [{street}]\n", True),
        ("c.jpg", "caption: 新图三。\ncredit: 通讯员供图\n", True),
        # With a new story, which does not show it, nor names its photographer (whose list shows it).
        ("d.jpg", f"caption: 新图四。\ncredit: {reporter}\n", True),
    ]
    for name, sidecar, put_in in steps:
        Image.new("RGB", (60, 40), "#c04030").save(folder / name, "JPEG")
        (folder / name).with_suffix(".yaml").write_text(sidecar, encoding="utf-8")
        if name == "d.jpg":
            other = next(a for a in archive.articles if reporter not in {n.name for n in a.names("reporter")})
            story(root, "beside-photo", other, archive.articles[0].date + timedelta(hours=1))
        result = build(root)
        assert result.records["patched"] is put_in, name
        # Pages no photo reaches are found by their addresses as by their contexts.
        by_path = reach.photo_free_by_path(result.records["archive"], result.records["printed"].editions)
        assert [by_path(page) for page in result.records["planned"]] == \
            [reach.photo_free(page) for page in result.records["planned"]]
        clean = build(root, root / "clean", incremental=False)
        assert planned(result) == planned(clean)
        assert files(root / "site") == files(root / "clean")
        shutil.rmtree(root / "clean")


def test_a_scans_new_caption_renders_its_printed_page_again(sample_root: Path) -> None:
    """After a photo edit, which the decision judges by the pages' addresses
    (reach.photo_free_by_path), the printed page showing the photo as its scan shows its new
    caption, and the site is a clean build's."""
    edition = sample_root / "content" / "editions" / "2022-02-22.yaml"
    edition.write_text(edition.read_text(encoding="utf-8").replace(
        "    banner:", "    scan: 2022/02/command-post-rain.jpg\n    banner:"), encoding="utf-8")
    build(sample_root)
    sidecar = sample_root / "photos" / "2022" / "02" / "command-post-rain.yaml"
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace("caption: ", "caption: 版面："), encoding="utf-8")
    build(sample_root)
    assert "版面：" in (sample_root / "site/editions/2022/02/22/03/index.html").read_text(encoding="utf-8")
    build(sample_root, sample_root / "clean", incremental=False)
    assert files(sample_root / "site") == files(sample_root / "clean")


def test_sitemaps_a_new_story_leaves_are_kept_and_not_hashed_again(tmp_path: Path, monkeypatch) -> None:
    """A big site's sitemap is in parts (a year's stories, each taxonomy …): after a new story
    the parts it is not in keep the kept plan's context, which tells the decision they are as
    they were; the site is still a clean build's."""
    from newsroom import planviews, sitemaps

    monkeypatch.setattr(sitemaps, "SITEMAP_SPLIT", 50)
    monkeypatch.setattr(sitemaps, "SITEMAP_LEAST", 5)
    root = _generated(tmp_path)
    stories = build(root).records["archive"].articles
    like = stories[len(stories) // 2]
    story(root, "mid", like, like.date + timedelta(minutes=1))
    result = build(root)
    assert result.records["patched"]
    maps = {page.path: page for page in result.records["planned"] if page.template == "sitemap.xml"}
    kept = {path for path, page in maps.items() if type(page.context) is planviews.Later and page.context.kept}
    year = urls.sitemap_part(f"{like.date:%Y}")   # where the new story's address is listed
    assert len(maps) > 5 and year in maps and year not in kept and len(kept) >= len(maps) - 3, sorted(maps)
    build(root, root / "clean", incremental=False)
    assert files(root / "site") == files(root / "clean")


def test_new_stories_showing_photos_are_put_into_the_kept_plan(tmp_path: Path) -> None:
    """A new story may show photos: one with a date of its own, one its stories date (the new
    story, older, moves it in the photo archive), one added in the same build; the photos are
    filed under its names. Plan and site are a clean build's; a photo not found is planned
    afresh (and fails as a clean build does)."""
    root = _generated(tmp_path)
    first = build(root)
    stories = first.records["archive"].articles
    folder = root / "photos" / "2024" / "12"
    folder.mkdir(parents=True, exist_ok=True)
    for name, sidecar in (("dated.jpg", "caption: 有日期。\ndate: 2020-05-01\n"),
                          ("undated.jpg", "caption: 无日期。\n")):
        Image.new("RGB", (60, 40), "#3060c0").save(folder / name, "JPEG")
        (folder / name).with_suffix(".yaml").write_text(sidecar, encoding="utf-8")
    story(root, "first-user", stories[5], stories[5].date + timedelta(minutes=1), "photos: [2024/12/undated.jpg]\n")
    build(root)

    def new_photo() -> None:
        Image.new("RGB", (60, 40), "#30c060").save(folder / "fresh.jpg", "JPEG")
        (folder / "fresh.yaml").write_text("caption: 新拍的。\n", encoding="utf-8")

    steps = [  # (what, put in?)
        (lambda: story(root, "shows-dated", stories[9], stories[9].date + timedelta(minutes=1),
                       "photos: [2024/12/dated.jpg]\n"), True),
        (lambda: story(root, "shows-undated", stories[60], stories[60].date + timedelta(minutes=1),
                       "photos: [{file: 2024/12/undated.jpg, caption: 另一说明}, 2024/12/dated.jpg]\n"), True),
        (lambda: (new_photo(), story(root, "shows-fresh", stories[1], stories[0].date + timedelta(hours=3),
                                     "photos: [2024/12/fresh.jpg]\n")), True),
    ]
    for make, put_in in steps:
        make()
        result = build(root)
        assert result.records["patched"] is put_in, steps.index((make, put_in))
        clean = build(root, root / "clean", incremental=False)
        assert planned(result) == planned(clean)
        assert files(root / "site") == files(root / "clean")
        shutil.rmtree(root / "clean")
    story(root, "shows-missing", stories[2], stories[0].date + timedelta(hours=4), "photos: [2024/12/nowhere.jpg]\n")
    cfg, problems = config.load(root)
    failed = builder.build(cfg, problems, builder.Options(jobs=1))
    assert not failed.ok and failed.records["patched"] is False
