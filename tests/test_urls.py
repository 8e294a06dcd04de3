"""URLs: every object's path, and links relative to the page that holds them."""

from __future__ import annotations

import posixpath
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from newsroom import urls
from newsroom.bodies import Body
from newsroom.config import TaxonomyConfig
from newsroom.index import Month, Taxonomy, Term, Year
from newsroom.model import Article, Photo

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("page, target, link", [
    ("", "", "./"),
    ("", "streets/", "streets/"),
    ("", "static/style.css", "static/style.css"),
    ("", "2022/02/21/a/#fn:1", "2022/02/21/a/#fn:1"),
    ("404.html", "", "./"),
    ("404.html", "photos/", "photos/"),
    ("page/2/", "", "../../"),
    ("page/2/", "page/3/", "../3/"),
    ("streets/", "streets/bantian/", "bantian/"),
    ("streets/bantian/", "streets/", "../"),
    ("streets/bantian/", "streets/bantian/", "./"),
    ("streets/bantian/page/2/", "streets/bantian/", "../../"),
    ("2022/02/21/a/", "2022/02/20/b/", "../../20/b/"),
    ("2022/02/21/a/", "static/style.css", "../../../../static/style.css"),
    ("2022/02/21/a/", "media/k-480.jpg", "../../../../media/k-480.jpg"),
    ("2022/02/21/a/", "", "../../../../"),
    ("2022/02/21/a/", "2022/02/21/a/#top", "./#top"),
    ("feed.xml", "2022/", "2022/"),
    ("streets/bantian/feed.xml", "streets/bantian/", "./"),
])
def test_relative(page: str, target: str, link: str) -> None:
    assert urls.relative(page, target) == link


@pytest.mark.parametrize("page", ["", "404.html", "page/2/", "streets/bantian/", "2022/02/21/a/",
                                  "streets/bantian/page/12/", "a/b/c/d/e/f/"])
@pytest.mark.parametrize("target", ["", "streets/", "2022/02/21/a/", "static/style.css", "photos/x/"])
def test_relative_links_resolve_back_to_the_target(page: str, target: str) -> None:
    link = urls.relative(page, target)
    assert not link.startswith("/") and "://" not in link
    folder = posixpath.dirname(urls.output_file(page))
    resolved = posixpath.normpath(posixpath.join(folder, link))
    assert resolved == (posixpath.normpath(target) if target else ".")


@pytest.mark.parametrize("page, target, link", [
    ("", "", "index.html"),
    ("", "streets/", "streets/index.html"),
    ("2022/02/21/a/", "", "../../../../index.html"),
    ("2022/02/21/a/", "2022/02/21/a/", "index.html"),
    ("streets/bantian/page/2/", "streets/bantian/", "../../index.html"),
    ("streets/", "static/style.css", "../static/style.css"),
    ("page/2/", "2022/02/21/a/#fn:1", "../../2022/02/21/a/index.html#fn:1"),
])
def test_file_urls_name_index_html(page: str, target: str, link: str) -> None:
    assert urls.relative(page, target, file_urls=True) == link


@pytest.mark.parametrize("file_urls", [False, True])
def test_links_made_all_at_once_are_the_links_made_one_by_one(file_urls: bool) -> None:
    """urls.relative_all (a fragment's links, on every page showing it) takes a shorter road
    for most links; it must end where relative() does, for every kind of page and target."""
    pages = ["", "404.html", "feed.xml", "page/2/", "streets/", "streets/bantian/", "streets/bantian/feed.xml",
             "2022/02/21/a/", "2022/", "a:b/", "photos/x/"]
    targets = ["", "streets/", "streets/bantian/", "2022/02/20/b/", "2022/02/21/a/#top", "static/style.css",
               "a:b/c/", "photos//x/", "./photos/", "feed.xml", "page/3/", "2022/", "media/k-480.jpg#x"]
    for page in pages:
        assert urls.relative_all(page, targets, file_urls) == [urls.relative(page, t, file_urls) for t in targets], page


def test_output_files() -> None:
    assert urls.output_file("") == "index.html"
    assert urls.output_file("streets/bantian/") == "streets/bantian/index.html"
    assert urls.output_file("feed.xml") == "feed.xml"
    assert urls.paged("tags/x/", 0) == "tags/x/" and urls.paged("tags/x/", 1) == "tags/x/page/1/"
    assert urls.paged("", 3) == "page/3/"


def test_object_paths() -> None:
    article = Article(source="content/articles/a.md", slug="volunteers", title="t",
                      date=datetime(2022, 2, 1, 9, tzinfo=TZ), body=Body(b""), summary="")
    photo = Photo(file="2022/02/x.jpg", source="photos/2022/02/x.jpg", slug="2022-02-x", caption="",
                  credit=None, width=1, height=1, digest="d")
    tax = Taxonomy(TaxonomyConfig(key="street", title="街道", path="streets"), ())
    term = Term("street", "坂田街道", "bantian")
    linker = urls.Linker({"street": "streets"})
    assert linker.path(article) == "2022/02/01/volunteers/"
    assert linker.path(photo) == "photos/2022-02-x/"
    assert linker.path(tax) == "streets/"
    assert linker.path(term) == "streets/bantian/"
    assert linker.path(Year(2022, ())) == "2022/"
    assert linker.path(Month(2022, 2, ())) == "2022/02/"
    assert linker.path("search/") == "search/"
    assert urls.media("abc", 480, "jpg") == "media/abc-480.jpg"
    with pytest.raises(TypeError):
        linker.path(42)
