"""The cache cannot corrupt the site: copies not links, damaged entries made again, broken folders repaired."""

from __future__ import annotations

import os
import shutil
import zlib
from pathlib import Path

import pytest
from archive_gen import make_archive
from archive_gen import tree as archive_tree
from PIL import Image

from newsroom import cache, statefiles
from newsroom import config as config_mod
from newsroom.cli import main


def build(root: Path, capsys, *args: str) -> tuple[int, str]:
    status = main(["--root", str(root), "-q", "-j", "1", *args])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return status, err


def tree(folder: Path) -> dict[str, str]:
    """Every file's digest, but the search index's (and the manifest listing them): after an
    edit it holds a bundle of recent changes, not what a clean build makes (searchplan.py)."""
    return archive_tree(folder, skip=("pagefind", ".newsroom-site.json"))


@pytest.fixture
def built(tmp_path: Path, capsys) -> Path:
    root = make_archive(tmp_path / "archive", 4, renditions=True)
    assert build(root, capsys)[0] == 0
    return root


def test_no_published_file_shares_its_bytes_with_the_cache(built: Path) -> None:
    cached = {(p.stat().st_dev, p.stat().st_ino) for p in (built / ".cache").rglob("*") if p.is_file()}
    published = [p for p in (built / "site").rglob("*") if p.is_file()]
    assert any(p.parts[-2] == "media" for p in published)
    assert [p for p in published if (p.stat().st_dev, p.stat().st_ino) in cached] == []


@pytest.mark.parametrize("damage", ["truncate", "random bytes"])
def test_a_damaged_rendition_is_made_again_with_a_warning_never_published(built: Path, tmp_path: Path, capsys,
                                                                            damage: str) -> None:
    media = built / ".cache" / "media"
    victim = sorted(p for p in media.iterdir() if p.suffix == ".jpg")[0]
    good = victim.read_bytes()
    with victim.open("r+b") as f:
        if damage == "truncate":
            f.truncate(len(good) // 3)
        else:
            f.write(os.urandom(len(good)))
    assert (built / "site" / "media" / victim.name).read_bytes() == good   # the site does not change with it
    status, err = build(built, capsys, "--output", str(tmp_path / "elsewhere"))
    assert status == 0
    assert f"its rendition {victim.name} in the cache was damaged: made again" in err
    fresh = tmp_path / "elsewhere" / "media" / victim.name
    assert fresh.read_bytes() == good and victim.read_bytes() == good
    with Image.open(fresh) as img:
        img.load()


def damage(file: Path, how: str) -> None:
    size = file.stat().st_size
    with file.open("r+b") as f:
        if how == "truncate":
            f.truncate(size // 3)
        else:
            f.seek(size // 2)
            f.write(os.urandom(size - size // 2))


def tamper(file: Path, text: str, or_middle: bool = False) -> bool:
    """One character of `text` in `file` replaced by 篡 (or the middle's, `or_middle`, when
    `text` is not there): whether it was."""
    data = bytearray(file.read_bytes())
    at = data.find(text.encode())
    at = len(data) // 2 if at < 0 and or_middle else at
    if at < 0:
        return False
    data[at:at + 3] = "篡".encode()
    file.write_bytes(bytes(data))
    return True


def edit_one(root: Path) -> None:
    (root / "content/articles/2021/01/story-0000.md").write_text(
        "---\ntitle: 改\ndate: 2021-01-01\nreporter: []\n---\n改。\n", encoding="utf-8")


def warnings_about(err: str, folder: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith(f".cache/{folder}/")]


def said_once_then_as_clean(built: Path, tmp_path: Path, capsys, victim: Path) -> None:
    """A --strict build succeeds, saying in one warning that `victim` (under .cache/build/)
    was damaged; the site is then a clean build's."""
    status, err = build(built, capsys, "--strict")
    assert status == 0, err
    assert warnings_about(err, "build") == [f"{victim.relative_to(built).as_posix()}: warning: damaged in the "
                                            "cache: not used, and made again by this build"]
    assert build(built, capsys, "--output", str(tmp_path / "clean"))[0] == 0
    assert tree(built / "site") == tree(tmp_path / "clean")


@pytest.mark.parametrize("how", ["truncate", "random bytes"])
def test_a_damaged_compiled_template_is_one_warning_then_compiled_again(built: Path, tmp_path: Path, capsys,
                                                                        how: str) -> None:
    compiled = sorted((built / ".cache" / "jinja").iterdir())
    assert compiled
    victim = compiled[len(compiled) // 2]
    damage(victim, how)
    edit_one(built)
    status, err = build(built, capsys, "--strict")   # a repaired cache fails no build, even --strict
    assert status == 0, err
    assert warnings_about(err, "jinja") == [f".cache/jinja/{victim.name}: warning: damaged in the cache: "
                                            "not used, and made again by this build"]
    assert build(built, capsys, "--output", str(tmp_path / "clean"))[0] == 0
    assert tree(built / "site") == tree(tmp_path / "clean")
    assert warnings_about(build(built, capsys)[1], "jinja") == []   # made again: said once


@pytest.mark.parametrize("how", ["truncate", "random bytes", "one character"])
def test_a_damaged_parse_cache_is_one_warning_and_never_published(built: Path, tmp_path: Path, capsys,
                                                                  how: str) -> None:
    shards = sorted((built / ".cache" / "build").rglob("parsed-*.pickle"), key=lambda p: -p.stat().st_size)
    victim = shards[0]
    if how == "one character":   # a story's text altered in its parsed copy
        tamper(victim, "第0号报道", or_middle=True)
    else:
        damage(victim, how)
    os.utime(built / "site.yaml")   # something changed: the build reads its cache
    said_once_then_as_clean(built, tmp_path, capsys, victim)
    os.utime(built / "site.yaml")
    assert warnings_about(build(built, capsys)[1], "build") == []


@pytest.mark.parametrize("how", ["truncate", "random bytes"])
@pytest.mark.parametrize("part", ["pages", "readers", "values"])
def test_a_damaged_part_of_the_build_state_is_one_warning_and_never_published(built: Path, tmp_path: Path,
                                                                             capsys, how: str, part: str) -> None:
    # The parts (pages' fingerprints, what each page read …) are marshalled, not pickled;
    # what pages read and its digests are in shards by key (keyshards.py).
    parts = sorted((built / ".cache" / "build").rglob("state-*"), key=lambda p: -p.stat().st_size)
    assert parts and all(p.read_bytes()[:4] == statefiles.MARSHALLED for p in parts)
    victim = [p for p in parts if p.name.startswith(f"state-{part}-")][0]
    damage(victim, how)
    os.utime(built / "site.yaml")   # something changed: the build reads its cache
    said_once_then_as_clean(built, tmp_path, capsys, victim)


def test_a_damaged_rendition_fails_no_strict_build_and_is_said_once(built: Path, capsys) -> None:
    victim = sorted(p for p in (built / ".cache" / "media").iterdir() if p.suffix == ".jpg")[0]
    damage(victim, "random bytes")
    edit_one(built)
    status, err = build(built, capsys, "--strict")
    assert status == 0, err
    assert f"its rendition {victim.name} in the cache was damaged: made again" in err
    edit_one(built)
    assert "damaged" not in build(built, capsys)[1]   # a build with nothing to do repeats nothing


@pytest.mark.parametrize("folder", ["build", "media", "jinja", "search"])
def test_a_cache_folder_replaced_by_a_file_is_repaired(built: Path, tmp_path: Path, capsys, folder: str) -> None:
    target = built / ".cache" / folder
    shutil.rmtree(target)
    target.write_text("not a folder")
    make_archive(built, 4, edition="（改）")
    status, err = build(built, capsys)
    assert status == 0, err
    assert "（改）" in (built / "site" / "index.html").read_text(encoding="utf-8")


def test_the_cache_folder_replaced_by_a_file_is_one_line(built: Path, capsys) -> None:
    shutil.rmtree(built / ".cache")
    (built / ".cache").write_text("not a folder")
    status, err = build(built, capsys)
    assert status == 1
    assert err.splitlines()[0] == (f".cache: error: {built / '.cache'} is not a folder: move it away so the build "
                                   "can keep its cache there")


@pytest.mark.parametrize("how", ["truncate", "random bytes"])
def test_damaged_rendition_records_are_one_warning_and_every_rendition_made_again(
        built: Path, tmp_path: Path, capsys, how: str) -> None:
    damage(built / ".cache" / "media-sums.json", how)
    # A rendition damaged too: without its record, only making it again can tell (a WebP or
    # JPEG with random bytes inside still decodes).
    victim = sorted(p for p in (built / ".cache" / "media").iterdir() if p.suffix == ".webp")[0]
    damage(victim, how)
    status, err = build(built, capsys, "--output", str(tmp_path / "elsewhere"))
    assert status == 0, err
    assert [line for line in err.splitlines() if "damaged" in line] == [
        ".cache/media-sums.json: warning: damaged in the cache: not used, and made again by this build"]
    assert tree(tmp_path / "elsewhere" / "media") == tree(built / "site" / "media")
    status, err = build(built, capsys, "--output", str(tmp_path / "again"))
    assert status == 0 and "damaged" not in err


@pytest.mark.parametrize("how", ["truncate", "one character"])
def test_a_damaged_kept_plan_is_one_warning_and_never_published(built: Path, tmp_path: Path, capsys,
                                                                how: str) -> None:
    story = built / "content/articles/2021/01/story-0000.md"
    story.write_text(story.read_text(encoding="utf-8").replace("走访", "回访"), encoding="utf-8")
    # --strict, as the build below: a plan made with other settings is not even read.
    assert build(built, capsys, "--strict")[0] == 0
    plan = next((built / ".cache" / "build").glob("*/plan.pickle"))
    if how == "truncate":
        damage(plan, how)
    else:   # a title altered in the kept plan: it would reach every list that shows it
        assert tamper(plan, "第1号报道")
    story.write_text(story.read_text(encoding="utf-8").replace("回访", "再访"), encoding="utf-8")
    said_once_then_as_clean(built, tmp_path, capsys, plan)


def bodies_files(root: Path) -> list[Path]:
    """The parse cache's files of articles' bodies, biggest first."""
    return sorted((root / ".cache" / "build").rglob("bodies-*.bin"), key=lambda p: -p.stat().st_size)


def test_the_parse_cache_keeps_bodies_apart_and_a_rebuild_shows_them(built: Path, tmp_path: Path, capsys) -> None:
    shards = b"".join(p.read_bytes() for p in (built / ".cache" / "build").rglob("parsed-*.pickle"))
    body = b'<a href="https://example.org/0">'   # in story 0's second paragraph, not its summary
    assert "第0号报道".encode() in shards and body not in shards
    assert any(body in p.read_bytes() for p in bodies_files(built))
    # Every page rendered again from the cache (a template added), so every body read from it:
    (built / "templates").mkdir()
    (built / "templates" / "unused.html").write_text("x", encoding="utf-8")
    assert build(built, capsys, "--strict") == (0, "")
    assert build(built, capsys, "--output", str(tmp_path / "clean"))[0] == 0
    assert tree(built / "site") == tree(tmp_path / "clean")
    page = next((built / "site").rglob("story-0003/index.html")).read_text(encoding="utf-8")
    assert "街道工作人员第3次走访社区" in page


@pytest.mark.parametrize("how", ["truncate", "remove"])
def test_bodies_cut_short_or_gone_from_the_cache_are_one_warning_and_never_published(built: Path, tmp_path: Path,
                                                                                    capsys, how: str) -> None:
    victim = bodies_files(built)[0]
    if how == "truncate":
        damage(victim, how)
    else:
        victim.unlink()
    os.utime(built / "site.yaml")   # something changed: the build reads its cache
    said_once_then_as_clean(built, tmp_path, capsys, victim)


def test_a_body_altered_in_the_cache_fails_the_build_naming_it_and_the_next_build_is_whole(
        built: Path, tmp_path: Path, capsys) -> None:
    victim = next(p for p in bodies_files(built) if "第1次走访".encode() in p.read_bytes())
    assert tamper(victim, "第1次走访")   # as long as before: only the story's own hash can tell
    before = tree(built / "site")
    (built / "templates").mkdir()        # every page rendered again, every body read
    (built / "templates" / "unused.html").write_text("x", encoding="utf-8")
    status, err = build(built, capsys)
    assert status == 1 and tree(built / "site") == before
    assert f"{victim.relative_to(built).as_posix()}: error: damaged in the cache while rendering /" in err
    said_once_then_as_clean(built, tmp_path, capsys, victim)
    assert "篡".encode() not in b"".join(p.read_bytes() for p in (built / "site").rglob("*.html"))


def test_a_body_altered_in_the_cache_beside_an_edit_is_one_warning_and_read_again(tmp_path: Path, capsys) -> None:
    # Saving the edited story's shard copies its other stories' bodies to a new file: one of
    # them altered in the cache cannot be copied, and its story is read again next time.
    root = make_archive(tmp_path / "archive", 70, photos=False)   # 70 stories in 64 shards: two share one
    assert build(root, capsys)[0] == 0
    shards: dict[int, list[Path]] = {}
    for story in sorted((root / "content").rglob("*.md")):
        shards.setdefault(zlib.crc32(story.relative_to(root).as_posix().encode()) % cache.SHARDS, []).append(story)
    edited, altered = next(stories for stories in shards.values() if len(stories) > 1)[:2]
    link = f'href="https://example.org/{int(altered.stem.split("-")[1])}"'   # in its body only
    victim = next(f for f in bodies_files(root) if link.encode() in f.read_bytes())
    assert tamper(victim, link)
    edited.write_text(edited.read_text(encoding="utf-8").replace("走访", "回访"), encoding="utf-8")
    status, err = build(root, capsys, "--strict")
    assert status == 0, err
    assert warnings_about(err, "build") == [f"{victim.relative_to(root).as_posix()}: warning: damaged in the "
                                            "cache: removed, and its stories read again by the next build"]
    os.utime(root / "site.yaml")   # something changed: the next build reads its cache
    assert build(root, capsys, "--strict") == (0, "")
    (root / "templates").mkdir()   # every page rendered again from the cache: every body read
    (root / "templates" / "unused.html").write_text("x", encoding="utf-8")
    assert build(root, capsys, "--strict") == (0, "")
    assert build(root, capsys, "--output", str(tmp_path / "clean"))[0] == 0
    assert tree(root / "site") == tree(tmp_path / "clean")


def _shard_bytes(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (root / ".cache" / "build").rglob("parsed-*.pickle")}


def test_an_edit_rewrites_its_own_shard_of_the_parse_cache_and_the_next_build_trusts_it(built: Path, capsys) -> None:
    # (Which shards to write is taken from what the read replaced when no file came or went,
    # else found by comparing every shard: both must leave the cache as a clean build's.)
    story = sorted((built / "content").rglob("*.md"))[1]
    before = _shard_bytes(built)
    story.write_text(story.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    assert build(built, capsys)[0] == 0
    after = _shard_bytes(built)
    assert after.keys() == before.keys()
    changed = [name for name in after if after[name] != before[name]]
    assert changed == [f"parsed-{cache._shard_of(story.relative_to(built).as_posix()):02d}.pickle"]
    added = story.with_name("added.md")
    added.write_text(story.read_text(encoding="utf-8").replace("title: ", "title: 新"), encoding="utf-8")
    story.write_text(story.read_text(encoding="utf-8") + "\n再补充。\n", encoding="utf-8")
    assert build(built, capsys)[0] == 0
    state = cache.Store(next((built / ".cache" / "build").iterdir())).load()
    assert state.articles[story.relative_to(built).as_posix()].value.body.html().count("补充") == 2
    assert added.relative_to(built).as_posix() in state.articles
    site = tree(built / "site")
    shutil.rmtree(built / ".cache")
    assert build(built, capsys)[0] == 0
    assert tree(built / "site") == site


def test_a_first_build_saves_its_parse_cache_while_it_plans_and_the_next_build_trusts_it(tmp_path: Path,
                                                                                           capsys) -> None:
    """A first build saves its parsed files in a process of its own from its read stage on
    (memory.start_saving_parsed), only where no build state is yet (any other is in use
    until the new one is saved whole): the state then names those very files, each body is
    read back from the file its shard names, and an edit reads one file again."""
    root = make_archive(tmp_path / "archive", 6)
    folder = cache.state_folder(config_mod.load(root)[0])
    assert cache.Store(folder).first()
    assert build(root, capsys, "-j", "2")[0] == 0
    assert not cache.Store(folder).first()
    state = cache.Store(folder).load()
    stories = sorted((root / "content").rglob("*.md"))
    assert sorted(state.articles) == [story.relative_to(root).as_posix() for story in stories]
    for source, entry in state.articles.items():
        assert Path(entry.value.body.file).is_file()   # (the file its shard names)
        assert entry.value.title in (root / source).read_text(encoding="utf-8")
        assert entry.value.body.html().strip()
    stories[2].write_text(stories[2].read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    assert build(root, capsys, "-j", "2")[0] == 0
    edited = next((root / "site").rglob("story-0002/index.html")).read_text(encoding="utf-8")
    assert "补充一句" in edited
    site = tree(root / "site")
    shutil.rmtree(root / ".cache")
    assert build(root, capsys, "-j", "2")[0] == 0
    assert tree(root / "site") == site
