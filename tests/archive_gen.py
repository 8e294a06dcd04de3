"""A larger generated archive for tests that need a build to take a moment (kill, determinism)."""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STREETS = ["坂田街道", "横岗街道", "园山街道", "龙城街道", "宝龙街道"]
REPORTERS = ["张鹏", "陈涛", "王丰", "何小娟", "刘文玲"]


def make_archive(root: Path, articles: int, edition: str = "", photos: bool = True,
                 renditions: bool = False) -> Path:
    """An archive of `articles` generated articles (plus the sample photos); `edition` changes
    every page; `renditions`: the photos' renditions already in its cache (with_renditions)."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("site.yaml", "streets.yaml", "reporters.yaml"):
        shutil.copy(REPO / name, root / name)
    if photos and not (root / "photos").exists():
        shutil.copytree(REPO / "photos", root / "photos")
        if renditions:
            with_renditions(root)
    for i in range(articles):
        month, day = 1 + i % 12, 1 + i % 28
        folder = root / "content" / "articles" / "2021" / f"{month:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"story-{i:04d}.md").write_text(
            f"---\ntitle: 第{i}号报道{edition}\ndate: 2021-{month:02d}-{day:02d}T{i % 24:02d}:00:00\n"
            f"reporter: {REPORTERS[i % len(REPORTERS)]}\nstreet: {STREETS[i % len(STREETS)]}\n"
            f"tags: [标签{i % 7}]\n---\n"
            f"街道工作人员第{i}次走访社区{edition}。\n\n## 小标题\n\n正文第二段，包含**重点**和[链接](https://example.org/{i})。\n",
            encoding="utf-8")
    return root


def copy_sample(root: Path, renditions: bool = True) -> Path:
    """A private copy of the sample archive in ROOT; `renditions`: with_renditions."""
    root.mkdir(parents=True)
    for name in ("content", "photos", "templates"):
        shutil.copytree(REPO / name, root / name)
    for name in ("site.yaml", "streets.yaml", "reporters.yaml", "editions.yaml"):
        shutil.copy(REPO / name, root / name)
    return with_renditions(root) if renditions else root


def with_renditions(root: Path) -> Path:
    """ROOT (with the sample's photos and settings) with the photos' renditions in its cache,
    as any archive has after its first build: made by a real build, once per test process
    (they were two thirds of the CPU of a first build of the sample)."""
    made = _sample_renditions()
    # Copied, not linked: tests damage renditions in place (tests/test_cache_safety.py).
    shutil.copytree(made / "media", root / ".cache" / "media")
    shutil.copy2(made / "media-sums.json", root / ".cache" / "media-sums.json")
    return root


@cache
def _sample_renditions() -> Path:
    """The cache folder of a build of the sample archive, made on first use in this process."""
    from newsroom.cli import main

    root = copy_sample(Path(tempfile.mkdtemp(prefix="sample-renditions-")) / "archive", renditions=False)
    atexit.register(shutil.rmtree, root.parent, ignore_errors=True)
    assert main(["--root", str(root), "-q"]) == 0
    return root / ".cache"


def tree(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file under `folder` and its bytes' digest (but those under the top-level names in
    `skip`): two sites compared whole."""
    return {name: hashlib.sha256(data).hexdigest() for name, data in _contents(folder, skip)}


def site_files(site: Path) -> dict[str, bytes]:
    """The site's files but the search index (after edits it holds a bundle of recent changes)
    and the hidden ones (the manifest of what was published)."""
    return {name: data for name, data in _contents(site, ("pagefind",)) if not name.rpartition("/")[2].startswith(".")}


def _contents(folder: Path, skip: tuple[str, ...]) -> Iterator[tuple[str, bytes]]:
    """(path under `folder`, bytes) of every file, in order of path, but those under the
    top-level names in `skip`. (os.walk: Path.rglob took twice as long, in tests that compare
    whole sites after every step.)"""
    top, found = str(folder), []
    for here, folders, names in os.walk(top):
        if here == top:
            folders[:] = [f for f in folders if f not in skip]
            names = [n for n in names if n not in skip]
        found += (os.path.join(here, name) for name in names)
    for path in sorted(found):
        with open(path, "rb") as f:
            yield path[len(top) + 1:].replace(os.sep, "/"), f.read()
