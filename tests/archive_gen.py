"""A larger generated archive for tests that need a build to take a moment (kill, determinism)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STREETS = ["坂田街道", "横岗街道", "园山街道", "龙城街道", "宝龙街道"]
REPORTERS = ["张鹏", "陈涛", "王丰", "何小娟", "刘文玲"]


def make_archive(root: Path, articles: int, edition: str = "", photos: bool = True) -> Path:
    """An archive of `articles` generated articles (plus the sample photos); `edition` changes every page."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("site.yaml", "streets.yaml", "reporters.yaml"):
        shutil.copy(REPO / name, root / name)
    if photos and not (root / "photos").exists():
        shutil.copytree(REPO / "photos", root / "photos")
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


def copy_sample(root: Path) -> Path:
    """A private copy of the sample archive in ROOT (conftest.copy_sample: with its renditions)."""
    root.mkdir(parents=True)
    for name in ("content", "photos", "templates"):
        shutil.copytree(REPO / name, root / name)
    for name in ("site.yaml", "streets.yaml", "reporters.yaml", "editions.yaml"):
        shutil.copy(REPO / name, root / name)
    return root


def tree(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file under `folder` and its bytes' digest (but those under the top-level names in
    `skip`): two sites compared whole."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.relative_to(folder).parts[0] not in skip}
