"""The image stage inside a build: <picture> markup, the content-addressed cache, pruning,
AVIF opt-in, bad photos reported with the articles that use them, progress, process pools.
"""

from __future__ import annotations

import io
import os
from concurrent.futures import ProcessPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image, ImageFile, features
from test_images_support import SITE_YAML, archive, exif_with_gps, quadrants, save

from newsroom import builder, cli, config, images, progress, renditions


def build(root: Path, jobs: int = 1) -> builder.BuildResult:
    cfg, problems = config.load(root)
    return builder.build(cfg, problems, builder.Options(jobs=jobs))


class Pictures(HTMLParser):
    """Every <picture>: its <source> types and srcsets in order, and its <img>."""

    def __init__(self) -> None:
        super().__init__()
        self.pictures: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "picture":
            self.pictures.append({"sources": [], "img": None})
        elif tag == "source" and self.pictures:
            self.pictures[-1]["sources"].append(a)
        elif tag == "img" and self.pictures and self.pictures[-1]["img"] is None:
            self.pictures[-1]["img"] = a


def pictures(page: Path) -> list[dict]:
    parser = Pictures()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.pictures


def srcset_files(page: Path, srcset: str) -> list[tuple[Path, int]]:
    """(file the URL points at, the width it claims) for each srcset entry."""
    found = []
    for entry in srcset.split(","):
        url, width = entry.split()
        found.append(((page.parent / url).resolve(), int(width.rstrip("w"))))
    return found


@pytest.fixture
def photos() -> dict[str, bytes]:
    turned = Image.Exif()
    turned[0x0112] = 6
    return {
        "2022/wide.jpg": save(quadrants((160, 120)), "JPEG", quality=90, exif=exif_with_gps()),
        "2022/turned.jpg": save(quadrants((120, 90)).transpose(Image.Transpose.ROTATE_90), "JPEG", exif=turned),
        "2022/small.png": save(quadrants((48, 30)), "PNG"),
    }


def test_picture_offers_webp_first_then_jpeg_and_every_file_exists(tmp_path: Path, photos) -> None:
    root = archive(tmp_path / "a", photos)
    result = build(root)
    assert result.ok, result.problems
    page = root / "site/2022/02/01/story/index.html"
    found = pictures(page)
    assert len(found) == 3
    for picture in found:
        assert [s["type"] for s in picture["sources"]] == ["image/webp"]
        img = picture["img"]
        assert img["src"].endswith(".jpg")
        for srcset, fmt in ((picture["sources"][0]["srcset"], "WEBP"), (img["srcset"], "JPEG")):
            for file, width in srcset_files(page, srcset):
                with Image.open(file) as rendition:
                    assert rendition.format == fmt and rendition.width == width
                    # the page's width/height attributes give the displayed aspect ratio
                    assert abs(rendition.height / rendition.width - int(img["height"]) / int(img["width"])) < 0.03
    widths = sorted(int(p["img"]["width"]) for p in found)
    assert widths == [48, 120, 160]       # the turned photo, stored 90×120, is announced upright
    small = next(p for p in found if p["img"]["width"] == "48")
    assert [w for _, w in srcset_files(page, small["img"]["srcset"])] == [32, 48]   # 64 collapses to 48


def test_rebuild_decodes_nothing_and_settings_changes_re_render(tmp_path: Path, photos, monkeypatch) -> None:
    root = archive(tmp_path / "a", photos)
    first = build(root)
    assert first.ok and first.renditions_made == 3 * 2 * 2 and first.renditions_reused == 0
    before = {p.name: p.stat().st_mtime_ns for p in (root / "site/media").iterdir()}

    decoded = []
    load = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self) or load(self))
    second = build(root)
    assert second.ok and second.renditions_made == 0 and second.renditions_reused == 12
    assert decoded == []              # not one photo decoded: not even to read its size
    assert second.written == 0
    assert {p.name: p.stat().st_mtime_ns for p in (root / "site/media").iterdir()} == before

    (root / "site.yaml").write_text(SITE_YAML.replace("[32, 64]", "[40]"), encoding="utf-8")
    third = build(root)
    assert third.ok and third.renditions_made == 3 * 2
    assert len({id(img) for img in decoded}) == 3     # each photo decoded once (decoded keeps them alive)
    media = sorted(p.name for p in (root / "site/media").iterdir())
    assert len(media) == 6 and not set(media) & set(before)            # old widths pruned from site/
    assert {Image.open(root / "site/media" / m).width for m in media} == {40}

    (root / "site.yaml").write_text(SITE_YAML.replace("[32, 64]", "[40]").replace("jpeg: 80", "jpeg: 50"),
                                    encoding="utf-8")
    fourth = build(root)
    assert fourth.ok and fourth.renditions_made == 6
    assert not {p.name for p in (root / "site/media").iterdir()} & set(media)


def test_a_changed_photo_is_rendered_again_under_a_new_name(tmp_path: Path, photos) -> None:
    root = archive(tmp_path / "a", photos)
    assert build(root).ok
    old = {p.name for p in (root / "site/media").iterdir()}
    (root / "photos/2022/wide.jpg").write_bytes(save(quadrants((200, 100)), "JPEG"))
    again = build(root)
    assert again.ok and again.renditions_made == 4 and again.renditions_reused == 8
    new = {p.name for p in (root / "site/media").iterdir()}
    assert len(new - old) == 4 and len(old - new) == 4


@pytest.mark.skipif(not features.check("avif"), reason="this Pillow has no AVIF")
def test_avif_is_opt_in_and_offered_first(tmp_path: Path, photos) -> None:
    root = archive(tmp_path / "a", photos)
    assert build(root).ok
    assert not list((root / "site/media").glob("*.avif"))
    (root / "site.yaml").write_text(SITE_YAML + "  formats: [avif, webp, jpeg]\n", encoding="utf-8")
    result = build(root)
    assert result.ok, result.problems
    page = root / "site/2022/02/01/story/index.html"
    for picture in pictures(page):
        assert [s["type"] for s in picture["sources"]] == ["image/avif", "image/webp"]
        for file, width in srcset_files(page, picture["sources"][0]["srcset"]):
            with Image.open(file) as img:
                assert img.format == "AVIF" and img.width == width


def test_bad_photos_are_each_reported_with_the_articles_using_them(tmp_path: Path, capsys) -> None:
    good = save(quadrants((160, 120)), "JPEG", quality=90)
    huffman = good.find(b"\xff\xc4") + 5          # a Huffman table's code counts: made nonsense
    bad_tables = good[:huffman] + b"\xff" * 16 + good[huffman + 16:]
    photos = {
        "2022/good.jpg": good,
        "2022/empty.jpg": b"",
        "2022/truncated.jpg": good[: len(good) // 2],
        "2022/corrupt.jpg": good[:2] + bytes(range(256)) * 8,
        "2022/bad-tables.jpg": bad_tables,          # the header reads fine; decoding fails
        "2022/notes.jpg": "这不是照片，是一段文字。".encode(),
        "2022/png-named.jpg": save(quadrants((80, 60)), "PNG"),
        "2022/huge.png": save(Image.new("RGB", (400, 400)), "PNG"),
    }
    articles = {"story": list(photos), "other": ["2022/truncated.jpg", "2022/good.jpg"]}
    root = archive(tmp_path / "a", photos, SITE_YAML + "  max_pixels: 100000\n", articles)

    assert cli.main(["--root", str(root), "--jobs", "2"]) == 1
    err = capsys.readouterr().err
    lines = {line.split(": error: ")[0]: line for line in err.splitlines() if ": error: " in line}
    assert set(lines) == {f"photos/2022/{n}" for n in ("empty.jpg", "truncated.jpg", "corrupt.jpg",
                                                        "bad-tables.jpg", "notes.jpg", "huge.png")}, err
    assert "empty (0 bytes)" in lines["photos/2022/empty.jpg"]
    assert "400×400 pixels, over the limit of 100,000" in lines["photos/2022/huge.png"]
    assert "not an image" in lines["photos/2022/notes.jpg"]
    assert "truncated" in lines["photos/2022/truncated.jpg"]
    assert "cannot decode" in lines["photos/2022/bad-tables.jpg"]
    for line in lines.values():
        assert "content/articles/2022/02/story.md:" in line, line     # the article, with its line
    assert "content/articles/2022/02/other.md:7" in lines["photos/2022/truncated.jpg"]
    assert "not found" not in err                                  # the files exist; they are broken
    assert "Traceback" not in err and "6 errors" in err
    assert not (root / "site").exists()                            # the build failed: nothing published
    cached = {p.name.rsplit("-", 1)[0] for p in (root / ".cache/media").iterdir()}
    assert len(cached) == 2                                        # good.jpg and png-named.jpg still done


def test_new_photos_made_beside_the_plan_are_published_and_a_bad_one_is_reported(tmp_path: Path, photos,
                                                                                 monkeypatch) -> None:
    """A new photo or two are made in a process of their own while the pages are planned
    (stages.EARLY_PHOTOS), not again by the image stage: the new one's renditions are
    published as any photo's, and a broken one fails the build, reported with the article
    that shows it."""
    root = archive(tmp_path / "a", photos)
    assert build(root, jobs=2).ok
    new = {**photos, "2022/new.jpg": save(quadrants((100, 80)), "JPEG", quality=85)}
    archive(root, new, articles={"story": list(photos), "zz-later": ["2022/new.jpg"]})
    here, run = [], renditions.run   # calls in this process (the other's are its own)
    monkeypatch.setattr(renditions, "run", lambda *args, **kwargs: here.append(1) or run(*args, **kwargs))
    added = build(root, jobs=2)
    making = added.records["images_making"]
    assert making is not None and making.pid not in (None, os.getpid()), "not made beside the plan"
    assert here == [], "the image stage made them again"
    assert added.ok and added.renditions_made == 2 * 2 and added.renditions_reused == 12
    page = root / "site/2022/02/02/zz-later/index.html"
    [picture] = [p for p in pictures(page) if p["img"]["width"] == "100"]   # (the others: related stories)
    for srcset, fmt in ((picture["sources"][0]["srcset"], "WEBP"), (picture["img"]["srcset"], "JPEG")):
        assert [w for _, w in srcset_files(page, srcset)] == [32, 64]
        for file, width in srcset_files(page, srcset):
            with Image.open(file) as rendition:
                assert (rendition.format, rendition.size) == (fmt, (width, round(width * 0.8)))

    good = save(quadrants((160, 120)), "JPEG", quality=90)
    huffman = good.find(b"\xff\xc4") + 5     # its header reads (the story is planned); decoding fails
    archive(root, {**new, "2022/broken.jpg": good[:huffman] + b"\xff" * 16 + good[huffman + 16:]},
            articles={"story": list(photos), "zz-later": ["2022/new.jpg", "2022/broken.jpg"]})
    failed = build(root, jobs=2)
    assert failed.records["images_making"] is not None and not failed.ok, failed.problems
    [bad] = [p for p in failed.problems if p.severity == "error"]
    assert bad.path == "photos/2022/broken.jpg" and "content/articles/2022/02/zz-later.md" in bad.message, bad
    assert (root / "site/2022/02/02/zz-later/index.html").read_bytes() == page.read_bytes(), "the site was changed"


def test_progress_bar_only_on_a_terminal_and_only_for_more_than_a_handful(tmp_path: Path, monkeypatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    photos = {f"2022/p{i:02d}.jpg": save(quadrants((40 + i, 30)), "JPEG") for i in range(progress.HANDFUL + 2)}
    root = archive(tmp_path / "a", photos)
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert build(root).ok
    shown = terminal.getvalue()
    assert shown.endswith("\n") and f"{len(photos)}/{len(photos)} photos" in shown and "[####" in shown

    piped = io.StringIO()                     # a log file or CI: no bar
    monkeypatch.setattr("sys.stderr", piped)
    (root / "site.yaml").write_text(SITE_YAML.replace("[32, 64]", "[30]"), encoding="utf-8")
    assert build(root).ok and piped.getvalue() == ""

    few = archive(tmp_path / "b", dict(list(photos.items())[:3]))
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert build(few).ok and terminal.getvalue() == ""

    assert progress.line(5, 10, 2.0) == "[###############...............]  5/10 photos  2.5/s  0:02 left"


def test_summary_says_renditions_made_and_reused(tmp_path: Path, photos, capsys) -> None:
    root = archive(tmp_path / "a", photos)
    assert cli.main(["--root", str(root)]) == 0
    assert "12 renditions (12 new)" in capsys.readouterr().out
    assert cli.main(["--root", str(root)]) == 0
    assert "12 renditions (0 new)" in capsys.readouterr().out


def test_render_through_a_process_pool_equals_in_process(tmp_path: Path, photos) -> None:
    root = archive(tmp_path / "a", photos)
    cfg, _ = config.load(root)
    from newsroom import content
    _, found, problems = content.read_all(cfg)
    jobs = images.plan(found, root, cfg.images)
    assert len(jobs) == 3
    local = [images.render(job) for job in jobs]
    with ProcessPoolExecutor(2) as pool:
        remote = list(pool.map(images.render, jobs))
        # and the stage itself, on the given executor, with source bytes sent along (no shared disk)
        shipped = [images.RenditionJob(**{**job.__dict__, "source": "/nonexistent",
                                          "data": (root / job.photo).read_bytes()}) for job in jobs]
        outcome = renditions.run(shipped, tmp_path / "cache", executor=pool, report=lambda *_: None)
    assert remote == local and all(isinstance(r, images.Rendition) for r in remote)
    assert not outcome.problems and outcome.made == 12
    assert {name: path.read_bytes() for name, path in outcome.media.items()} == \
        {name: data for r in local for name, data in r.files}


def test_jobs_2_and_jobs_1_give_identical_sites(tmp_path: Path, photos) -> None:
    one = archive(tmp_path / "one", photos)
    two = archive(tmp_path / "two", photos)
    assert build(one, jobs=1).ok and build(two, jobs=2).ok
    files = sorted(p.relative_to(one / "site") for p in (one / "site/media").iterdir())
    assert files == sorted(p.relative_to(two / "site") for p in (two / "site/media").iterdir())
    assert all((one / "site" / f).read_bytes() == (two / "site" / f).read_bytes() for f in files)


def test_avif_requested_without_pillow_support_is_a_located_error(tmp_path: Path, photos, monkeypatch) -> None:
    root = archive(tmp_path / "a", photos, SITE_YAML + "  formats: [avif, webp]\n")
    monkeypatch.setattr(config, "_avif_supported", lambda: False)   # as on a Pillow built without libavif
    cfg, problems = config.load(root)
    assert [str(p) for p in problems] == [
        "site.yaml:6: error: this Pillow cannot write AVIF (features.check('avif') is false); "
        "remove avif from 'images.formats' or install a Pillow with AVIF"]
    assert cfg.images.formats == ("webp", "jpeg")
