"""A small archive for the living-record tests (moved stories, corrections, withdrawals),
built through the command line as an editor would, and read back as a reader would."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from bs4 import BeautifulSoup

from newsroom.cli import main

SITE_YAML = """title: 活档案
base_url: https://example.test/news/
taxonomies:
  - {key: street, title: 街道, path: streets, registry: streets.yaml}
  - {key: reporter, title: 记者, path: reporters, registry: reporters.yaml}
"""
STREETS = "- {name: 坂田街道, slug: bantian}\n- name: 南湾街道\n"
REPORTERS = "- {name: 张鹏, slug: zhang-peng}\n"
STORIES = {
    "2022/02/checkpoint.md": ("夜间卡口守护出行", "2022-02-21 21:30", "南湾街道", "卡口灯火通明，志愿者通宵值守。"),
    "2022/02/testing.md": ("核酸检测通宵进行", "2022-02-20", "坂田街道", "检测点通宵运转，居民有序排队。"),
    "2022/03/market.md": ("菜市场恢复营业", "2022-03-02", "坂田街道", "菜市场恢复营业，摊主陆续回来。"),
}


def make(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    (root / "streets.yaml").write_text(STREETS, encoding="utf-8")
    (root / "reporters.yaml").write_text(REPORTERS, encoding="utf-8")
    for name, (title, date, street, body) in STORIES.items():
        write(root, name, f"title: {title}\ndate: {date}\nstreet: {street}\nreporter: 张鹏\n", body)
    return root


def write(root: Path, name: str, front: str, body: str = "正文。") -> Path:
    file = root / "content/articles" / name
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(f"---\n{front}---\n{body}\n", encoding="utf-8")
    return file


def edit(root: Path, name: str, old: str, new: str) -> None:
    file = root / "content/articles" / name
    text = file.read_text(encoding="utf-8")
    assert old in text, (old, text)
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def build(root: Path, *args: str) -> int:
    return main(["--root", str(root), "-j", "1", *args])


def page(site: Path, path: str) -> BeautifulSoup | None:
    file = site / (path + "index.html" if path.endswith("/") or not path else path)
    return BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser") if file.is_file() else None


def refresh_target(soup: BeautifulSoup, path: str) -> str | None:
    """Where a redirect page sends the reader, as a site path (None: not a redirect page)."""
    meta = soup.find("meta", attrs={"http-equiv": "refresh"})
    if meta is None:
        return None
    link = re.fullmatch(r"0; url=(.+)", meta["content"]).group(1)
    folder = path if path.endswith("/") else posixpath.dirname(path) + "/"
    target = posixpath.normpath(posixpath.join(folder, link))
    return "" if target == "." else target + ("/" if link.endswith("/") else "")


def article_paths(site: Path) -> set[str]:
    """Every article address the site answers (dated folders), live or not."""
    return {p.parent.relative_to(site).as_posix() + "/" for p in site.glob("[0-9]*/[0-9]*/[0-9]*/*/index.html")}
