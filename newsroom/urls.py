"""Every output path and every link, in one place.

Paths are site-relative ('2022/02/21/volunteers/'); a folder path stands for its
index.html. Links are always relative to the page that holds them, so the built site
works at any host and under any sub-path, and (with file_urls) straight from disk.
"""

from __future__ import annotations

import functools
import posixpath
from datetime import date
from typing import Any

from .i18n import Explained
from .index import Month, Taxonomy, Term, Year
from .model import Article, Photo
from .printing import Edition, Placement, PrintPage

HOME = ""
ARCHIVE = "archive/"
PHOTOS = "photos/"
SEARCH = "search/"
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
NOT_FOUND = "404.html"
CORRECTIONS = "corrections/"
MEDIA = "media/"
STATIC = "static/"
ORIGINALS = "originals/"
EDITIONS = "editions/"
SEARCH_INDEX = "pagefind/"                 # the Pagefind bundles (search.py)
SEARCH_SHARDS = f"{SEARCH_INDEX}shards.json"   # the list of them the search page reads


class NoUrl(Explained, TypeError):
    """A theme asked for the address of something that has no page (url(42))."""


def paged(path: str, number: int) -> str:
    """The path of page `number` of the list at `path`: 0 is the list's own page (its newest
    items), 1 the oldest (pages.Pager)."""
    return path if number <= 0 else f"{path}page/{number}/"


def _day(when: date) -> str:
    """YYYY/MM/DD, as strftime's %Y/%m/%d gives it, in a quarter of its time (0.4 µs against
    1.6 µs): every link to an article or a print page is made with it."""
    return f"{when.year}/{when.month:02d}/{when.day:02d}"


def article(item: Article) -> str:
    return f"{_day(item.date)}/{item.slug}/"


def photo(item: Photo) -> str:
    return f"{PHOTOS}{item.slug}/"


def taxonomy(item: Taxonomy) -> str:
    return f"{item.config.path}/"


def term(item: Term, paths: dict[str, str]) -> str:
    """A term's page; `paths`: taxonomy key -> its folder (site.yaml)."""
    return f"{paths[item.taxonomy]}/{item.slug}/"


def feed(folder: str = HOME) -> str:
    """The Atom feed of the list whose first page is `folder` (the home page: the site's)."""
    return f"{folder}{FEED}"


def sitemap_part(name: str) -> str:
    """One of the sitemaps sitemap.xml lists on a big site (sitemaps.pages)."""
    return f"sitemap-{name}.xml"


def original(item: Photo) -> str:
    """Where `publish_originals: true` puts a photo's source file: ASCII, like every URL."""
    return f"{ORIGINALS}{item.slug}{posixpath.splitext(item.file)[1].lower()}"


def media_file(name: str) -> str:
    """A rendition (content-addressed: `media(key, width, ext)` names it) in the site."""
    return f"{MEDIA}{name}"


def search_file(bundle: str, name: str) -> str:
    """A file of one Pagefind bundle (a year's, or the recent changes') in the site."""
    return f"{SEARCH_INDEX}{bundle}/{name}"


def static_file(name: str) -> str:
    """A file of the theme's static/ folder ('style.css', 'js/search.js')."""
    return f"{STATIC}{name}"


def year(item: Year | int) -> str:
    return f"{item if isinstance(item, int) else item.year:04d}/"


def month(item: Month) -> str:
    return f"{item.year:04d}/{item.month:02d}/"


def edition(item: Edition) -> str:
    return f"{EDITIONS}{_day(item.date)}/"


def print_page(item: PrintPage | Placement) -> str:
    number = item.number if isinstance(item, PrintPage) else item.page
    return f"{EDITIONS}{_day(item.date)}/{number:02d}/"


def editions_year(year: int) -> str:
    return f"{EDITIONS}{year:04d}/"


def media(key: str, width: int, ext: str) -> str:
    return f"{MEDIA}{key}-{width}.{ext}"


def output_file(path: str) -> str:
    """The file a path is written to: folders get index.html."""
    return f"{path}index.html" if path == "" or path.endswith("/") else path


class Linker:
    """Paths for archive objects (taxonomy paths come from site.yaml)."""

    def __init__(self, taxonomy_paths: dict[str, str]) -> None:
        self.taxonomy_paths = taxonomy_paths
        self._by_type = {Article: article, Photo: photo, Taxonomy: taxonomy, Year: year, Month: month,
                         Term: lambda item: term(item, taxonomy_paths), Edition: edition,
                         PrintPage: print_page, Placement: print_page}

    def path(self, target: Any) -> str:
        """The site path of `target`; NoUrl for a value that has no page."""
        if isinstance(target, str):
            return target
        make = self._by_type.get(type(target))
        if make is None:   # a subclass
            make = next((f for kind, f in self._by_type.items() if isinstance(target, kind)), None)
            if make is None:
                raise NoUrl("url() of {what}: no page has its address (give it a story, a photo, a term, a "
                            "year, a month, an edition, a page of one, or a path)", what=repr(target)[:60])
        return make(target)


def relative(from_path: str, to_path: str, file_urls: bool = False) -> str:
    """A link from the page at `from_path` to `to_path` (both site-relative)."""
    fragment = ""
    if "#" in to_path:
        to_path, _, fragment = to_path.partition("#")
    folder = to_path == "" or to_path[-1] == "/"
    if file_urls and folder:
        to_path += "index.html"
        folder = False
    start = _folder(from_path)
    head = to_path.partition("/")[0]
    if start and head and head != start[0] and "//" not in to_path and "./" not in to_path:
        # No folder in common (most links): up to the root, then down.
        link = "../" * len(start) + to_path
    else:
        # posixpath.relpath, without its abspath/getcwd calls: links are made about a
        # million times in a 10,000-article build.
        to = [p for p in to_path.split("/") if p and p != "."]
        common, most = 0, min(len(to), len(start))
        while common < most and to[common] == start[common]:
            common += 1
        link = "/".join([".."] * (len(start) - common) + to[common:]) or "."
        if folder:
            link = "./" if link == "." else link + "/"
    if ":" in link.partition("/")[0]:
        link = "./" + link   # 'a:b/' would read as a URL scheme
    if fragment:
        link += "#" + fragment
    return link


def relative_all(from_path: str, to_paths: list[str], file_urls: bool = False) -> list[str]:
    """relative() of each of `to_paths` from one page. A fragment's links (theme.once) are
    made relative to each page that shows it, about fifty a page: most have no folder in
    common with the page, and are the way up to the root and then the path."""
    start = _folder(from_path)
    if not start or file_urls:
        return [relative(from_path, path, file_urls) for path in to_paths]
    up, first = "../" * len(start), start[0]
    return [up + path if (head := path.partition("/")[0]) and head != first and "#" not in path
            and "//" not in path and "./" not in path else relative(from_path, path) for path in to_paths]


@functools.lru_cache(maxsize=256)
def _folder(page_path: str) -> tuple[str, ...]:
    """The folder holding a page's file, as parts ('2022/02/21/a/' -> 2022, 02, 21, a).
    A page makes dozens of links: its folder is split once."""
    return tuple(p for p in posixpath.dirname(output_file(page_path)).split("/") if p and p != ".")


def absolute(base_url: str, path: str) -> str:
    """An absolute URL for feeds, sitemaps and canonical links ('' without base_url)."""
    return base_url + path if base_url else ""
