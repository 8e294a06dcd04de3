"""Every output path and every link, in one place.

Paths are site-relative ('2022/02/21/volunteers/'); a folder path stands for its
index.html. Links are always relative to the page that holds them, so the built site
works at any host and under any sub-path, and (with file_urls) straight from disk.
"""

from __future__ import annotations

import posixpath
from typing import Any

from .index import Month, Taxonomy, Term, Year
from .model import Article, Photo

HOME = ""
ARCHIVE = "archive/"
PHOTOS = "photos/"
SEARCH = "search/"
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
NOT_FOUND = "404.html"
MEDIA = "media/"
STATIC = "static/"


def paged(path: str, number: int) -> str:
    return path if number <= 1 else f"{path}page/{number}/"


def article(item: Article) -> str:
    return f"{item.date:%Y/%m/%d}/{item.slug}/"


def photo(item: Photo) -> str:
    return f"{PHOTOS}{item.slug}/"


def taxonomy(item: Taxonomy) -> str:
    return f"{item.config.path}/"


def term(item: Term, paths: dict[str, str]) -> str:
    return f"{paths[item.taxonomy]}/{item.slug}/"


def year(item: Year | int) -> str:
    return f"{item if isinstance(item, int) else item.year:04d}/"


def month(item: Month) -> str:
    return f"{item.year:04d}/{item.month:02d}/"


def media(key: str, width: int, ext: str) -> str:
    return f"{MEDIA}{key}-{width}.{ext}"


def output_file(path: str) -> str:
    """The file a path is written to: folders get index.html."""
    return f"{path}index.html" if path == "" or path.endswith("/") else path


class Linker:
    """Paths for archive objects (taxonomy paths come from site.yaml)."""

    def __init__(self, taxonomy_paths: dict[str, str]) -> None:
        self.taxonomy_paths = taxonomy_paths

    def path(self, target: Any) -> str:
        if isinstance(target, str):
            return target
        if isinstance(target, Article):
            return article(target)
        if isinstance(target, Photo):
            return photo(target)
        if isinstance(target, Term):
            return term(target, self.taxonomy_paths)
        if isinstance(target, Taxonomy):
            return taxonomy(target)
        if isinstance(target, Year):
            return year(target)
        if isinstance(target, Month):
            return month(target)
        raise TypeError(f"no URL for {type(target).__name__}")


def relative(from_path: str, to_path: str, file_urls: bool = False) -> str:
    """A link from the page at `from_path` to `to_path` (both site-relative)."""
    to_path, _, fragment = to_path.partition("#")
    if file_urls and (to_path == "" or to_path.endswith("/")):
        to_path += "index.html"
    base = posixpath.dirname(output_file(from_path))
    target = to_path.rstrip("/") or "."
    link = _relpath(target, base)
    if to_path.endswith("/") or to_path == "":
        link = "./" if link == "." else link + "/"
    if ":" in link.split("/", 1)[0]:
        link = "./" + link   # 'a:b/' would read as a URL scheme
    if fragment:
        link += "#" + fragment
    return link


def absolute(base_url: str, path: str) -> str:
    """An absolute URL for feeds, sitemaps and canonical links ('' without base_url)."""
    return base_url + path if base_url else ""


def _relpath(target: str, base: str) -> str:
    """posixpath.relpath for two site-relative paths, without its abspath/getcwd calls.

    Links are made hundreds of thousands of times per build; relpath was a third of the
    rendering time.
    """
    to = [p for p in target.split("/") if p and p != "."]
    start = [p for p in base.split("/") if p and p != "."]
    common = 0
    for a, b in zip(to, start, strict=False):
        if a != b:
            break
        common += 1
    parts = [".."] * (len(start) - common) + to[common:]
    return "/".join(parts) or "."
