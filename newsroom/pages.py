"""Every page of the site, planned from the archive: (path, template, context).

Pure: no templates are rendered here. Lists are paginated by one helper; every
taxonomy (streets, reporters, tags …) gets its pages from the same code.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import corrections, edition_pages, front, history, printing, sitemaps, urls
from .config import Config
from .index import Archive, Taxonomy, Term, Year
from .model import Article
from .problems import Problem, error, warning


class _File:
    """Page.file: functools.cached_property without its lock, which Python 3.11 takes for
    each page's first use (2 µs against 0.4 µs; every page's file is used in every build
    that plans). Made once, then found in the page's own __dict__ (planfile.py puts it there)."""

    def __get__(self, page: Page | None, owner: type | None = None) -> Any:
        if page is None:
            return self
        found = page.__dict__["file"] = urls.output_file(page.path)
        return found


@dataclass(frozen=True)
class Page:
    path: str                    # site-relative: '2022/02/21/volunteers/' or 'feed.xml'
    template: str
    context: dict[str, Any]

    file = _File()   # the file it is written to (urls.output_file)


@dataclass(frozen=True)
class Pager:
    """One page of a paginated list. Pages are counted from the oldest: page 1 holds the
    list's oldest `size` items, page 2 the next, and a page, once full, keeps its items and
    its number as stories are added; the list's first page (number 0, at `base`) holds the
    rest, the newest: `size` to 2 × `size` − 1 of them. A new story changes that first page
    and the pagers near it, not every page of every list it joins (1,000 pages at 10,000
    articles). What a page shows of the others is worked out here, so that its context, and
    so its fingerprint (depends.py), is that of what it shows."""

    number: int                  # 0: the first page (the newest items); n > 0: the n-th from the oldest
    base: str                    # the first page's path
    window: tuple[int | None, ...] = (0,)   # page numbers the pager shows, newest first; None: a gap
    newer: str | None = None     # the path of the page of newer items
    older: str | None = None
    total: int | None = None     # items in the whole list (on the first page only)

    def path(self, number: int) -> str:
        return urls.paged(self.base, number)

    @property
    def paged(self) -> bool:
        """The list has more than one page."""
        return len(self.window) > 1


def window(number: int, last: int, size: int = 2) -> tuple[int | None, ...]:
    """Page numbers a pager on page `number` shows, newest first: the first page (0), the
    oldest (1), and `size` either side of `number` (the first page's side: the newest full
    pages); None is a gap. `last`: the newest full page's number (0: there is none)."""
    if last == 0:
        return (0,)
    middle = last if number == 0 else number
    low, high = max(1, middle - size), min(last, middle + size)
    # The first page (in order: above the newest full page, last + 1), high … low, then 1.
    result: list[int | None] = [0, None] if last > high else [0]
    result += range(high, low - 1, -1)
    if low > 1:
        result += [None, 1] if low > 2 else [1]
    return tuple(result)


def paginate(items: tuple | list, size: int, base: str) -> list[tuple[Pager, tuple]]:
    """Split a list (newest first) into pages: [(pager, items on that page)], the first page
    (number 0) first, then the full pages from the newest (highest number) to page 1, each
    linked to the pages before and after it. An empty list still has its first page."""
    n = len(items)
    last = max(0, n // size - 1)   # full pages of their own: the first page keeps the rest
    numbers = [0, *range(last, 0, -1)]
    pages = []
    for at, number in enumerate(numbers):
        start = 0 if number == 0 else n - number * size
        end = n - last * size if number == 0 else start + size
        newer = urls.paged(base, numbers[at - 1]) if at else None
        older = urls.paged(base, numbers[at + 1]) if at + 1 < len(numbers) else None
        pager = Pager(number, base, window(number, last), newer, older, n if number == 0 else None)
        pages.append((pager, tuple(items[start:end])))
    return pages


HOME_PHOTOS = 8   # the newest photos on the first home page


def plan(archive: Archive, config: Config, editions: printing.Editions = printing.NONE,
         today: date | None = None, front_page: dict[str, Any] | None = None) -> list[Page]:
    """`editions`: the print index (printing.build); `today`: the build's day, for 历史上的今天;
    `front_page`: the stories the editor put on the front page (front.choose; default: none chosen)."""
    pages: list[Page] = home_pages(archive, config, today, front_page)
    articles = archive.articles
    pages += [article_page(archive, i, editions) for i in range(len(articles))]
    # A withdrawn story keeps its address, with a notice: in no list, feed, sitemap or index.
    pages += [withdrawn_page(a) for a in archive.withdrawn]
    for tax in archive.taxonomies:
        pages += taxonomy_pages(archive, tax, config)
    pages += corrections.plan(archive, config)
    pages.append(archive_page(archive))
    for year in archive.years:
        pages += year_pages(archive, year, config)
    pages += photo_pages(archive, config)
    pages += [Page(*spec) for spec in edition_pages.plan(editions, archive)]
    pages.append(Page(urls.SEARCH, "search.html", {"title": "搜索", "noindex": True}))   # (not in the sitemap)
    pages.append(Page(urls.NOT_FOUND, "404.html", {"title": "找不到页面"}))
    if config.base_url:  # feeds and sitemaps need absolute URLs: see warnings()
        pages.append(home_feed(archive, config))
        pages += sitemaps.pages(pages)
    return pages


def withdrawn_page(article: Article) -> Page:
    """A withdrawn story's address, with the notice in place of the story."""
    return Page(urls.article(article), "withdrawn.html", {"article": article, "title": article.title, "noindex": True})


def home_pages(archive: Archive, config: Config, today: date | None,
               front_page: dict[str, Any] | None) -> list[Page]:
    """The home page's list of every story."""
    # Only the first home page shows the newest photos and 历史上的今天; as they are in its
    # context (not read from the archive by the template), a new photo re-renders that page alone.
    # So does the front page's choice of stories (as plain tuples: depends.py finds the articles in them).
    articles = archive.articles
    first = {"latest_photos": archive.photos[:HOME_PHOTOS], "on_this_day": history.on_this_day(articles, today),
             **(front_page if front_page is not None else front.choose(archive, ())[0])}
    later = {"latest_photos": (), "on_this_day": (), "lead": None, "secondary": (), "street_blocks": ()}
    return _list_pages(articles, config.page_size, urls.HOME, "home.html", {"title": config.title}, first, later)


def article_page(archive: Archive, i: int, editions: printing.Editions) -> Page:
    """The page of the `i`-th story (newest first)."""
    articles = archive.articles
    article = articles[i]
    return Page(urls.article(article), "article.html", {
        "article": article,
        "title": article.title,
        "newer": articles[i - 1] if i > 0 else None,
        "older": articles[i + 1] if i + 1 < len(articles) else None,
        "related": Related(archive, article),
        "printed": editions.of(article.id),
    })


def archive_page(archive: Archive) -> Page:
    """往期: the years and their months."""
    return Page(urls.ARCHIVE, "archive.html", {"title": "往期", "years": archive.years})


def year_pages(archive: Archive, year: Year, config: Config) -> list[Page]:
    """A year's list, then each of its months'."""
    ids = [i for m in year.months for i in m.articles]
    items = tuple(map(archive.article_by_id.__getitem__, ids))
    pages = _list_pages(items, config.page_size, urls.year(year), "year.html", {"title": f"{year.year}年", "year": year})
    for month in year.months:
        items = tuple(map(archive.article_by_id.__getitem__, month.articles))
        pages += _list_pages(items, config.page_size, urls.month(month), "month.html",
                             {"title": f"{month.year}年{month.month}月", "year": year, "month": month})
    return pages


def home_feed(archive: Archive, config: Config) -> Page:
    return Page(urls.feed(), "feed.xml", {"title": config.title, "articles": archive.articles[: config.feed_size],
                                          "feed_path": urls.feed(), "home_path": urls.HOME})


def photo_pages(archive: Archive, config: Config) -> list[Page]:
    """The photo archive (paginated) and a page for each photo."""
    pages: list[Page] = []
    photos = archive.photos
    terms_of: dict[str, list[tuple[Taxonomy, list[Term]]]] = {}
    for tax in archive.taxonomies:
        by_photo: dict[str, list[Term]] = {}
        for term in tax.terms:
            for photo_id in term.photos:
                by_photo.setdefault(photo_id, []).append(term)
        for photo in photos:
            terms_of.setdefault(photo.id, []).append((tax, by_photo.get(photo.id, [])))
    for pager, items in paginate(photos, config.photo_page_size, urls.PHOTOS):
        pages.append(Page(pager.path(pager.number), "photos.html",
                          {"title": "图片", "pager": pager, "photos": items}))
    for i, photo in enumerate(photos):
        pages.append(Page(urls.photo(photo), "photo.html", {
            "photo": photo,
            "title": photo.title,
            "photo_terms": terms_of.get(photo.id, []),
            "articles": tuple(archive.article_by_id[a] for a in archive.photo_users.get(photo.id, ())),
            "newer": photos[i - 1] if i > 0 else None,
            "older": photos[i + 1] if i + 1 < len(photos) else None,
            "original": urls.original(photo) if config.publish_originals else None,
        }))
    return pages


def taxonomy_pages(archive: Archive, tax: Taxonomy, config: Config) -> list[Page]:
    pages = [Page(urls.taxonomy(tax), "taxonomy.html", {"title": tax.config.title, "taxonomy": tax})]
    people = CoTerms(archive, config.byline)
    for term in tax.terms:
        pages += term_pages(archive, tax, term, config, people)
    return pages


def term_pages(archive: Archive, tax: Taxonomy, term: Term, config: Config, people: CoTerms) -> list[Page]:
    """A term's list, and its feed."""
    base = urls.term(term, {tax.key: tax.config.path})
    items = tuple(map(archive.article_by_id.__getitem__, term.articles))
    photos = tuple(map(archive.photo_by_id.__getitem__, term.photos))
    # Its photos and the people sharing its stories change as stories are added: shown
    # on its first page only, they are in no other page's context.
    first = {"photos": photos, "people": people.of(term)}
    pages = _list_pages(items, config.page_size, base, "term.html",
                        {"title": term.name, "taxonomy": tax, "term": term}, first, {"photos": (), "people": ()})
    # Every term's feed, with or without an entry: a feed once subscribed to keeps answering
    # when its last story is withdrawn (term.html offers it only with entries).
    if tax.config.feeds and config.base_url:
        pages.append(Page(urls.feed(base), "feed.xml", {
            "title": f"{term.name} — {config.title}", "articles": items[: config.feed_size],
            "feed_path": urls.feed(base), "home_path": base}))
    return pages


RELATED = 5   # related stories shown on a story's page


class Related(Sequence):
    """An article's related stories (`related`), found when first used: a rebuild after an
    edit fingerprints and renders a dozen pages, and finding them for all 10,000 articles
    was 40% of planning. A sequence like the tuple it stands for (depends.py hashes it as one)."""

    def __init__(self, archive: Archive, article: Article, limit: int = RELATED) -> None:
        self._args = (archive, article, limit)

    @functools.cached_property
    def items(self) -> tuple[Article, ...]:
        return related(*self._args)

    def __getitem__(self, index):  # type: ignore[override]
        return self.items[index]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)

    def __repr__(self) -> str:
        return f"Related({self.items!r})"

    def __reduce__(self) -> tuple:
        # Kept in a plan (plancache.py) without the items found: a story added since may be one.
        return Related, self._args


def related(archive: Archive, article: Article, limit: int) -> tuple[Article, ...]:
    """The `limit` articles sharing a street, reporter or tag with `article` nearest to it in
    time, newest first. Nearest, not newest: a new story is then related to the few stories
    just before it in each of its lists, not to every story of its street and reporter, each
    of whose pages it changed (3,000 pages rendered and published again for one new story
    at 10,000 articles); and an old story's related ones are of its own time."""
    place = archive.placer()
    mine = place(article.id)
    near: set[int] = set()   # places in `archive.articles` (newest first)
    for tax in archive.taxonomies:
        for name in article.names(tax.key):
            term = tax.term(name.name)
            if term:
                # Each term lists articles newest first: the nearest `limit` of the union
                # are among the `limit` each side of it in each list.
                at = bisect.bisect_left(term.articles, mine, key=place)
                near.update(map(place, term.articles[max(0, at - limit): at + limit + 1]))
    near.discard(mine)
    places = sorted(near)
    # Widen a window around the article's place, one nearest story at a time (the newer on a tie).
    before = after = bisect.bisect_left(places, mine)
    while after - before < limit and (before > 0 or after < len(places)):
        if after == len(places) or (before > 0 and mine - places[before - 1] <= places[after] - mine):
            before -= 1
        else:
            after += 1
    return tuple(archive.articles[i] for i in places[before:after])


class CoTerms:
    """Terms of another taxonomy (the byline's) that share articles with a term (a street's reporters)."""

    def __init__(self, archive: Archive, key: str) -> None:
        self.key, self.tax = key, archive.taxonomy(key)
        self._sets: list[tuple[set[str], Term]] | None = None

    def of(self, term: Term) -> tuple[Term, ...]:
        if self.tax is None or term.taxonomy == self.key:
            return ()
        if self._sets is None:   # made when first needed: the byline's own pages need none
            self._sets = [(set(other.articles), other) for other in self.tax.terms]
        # Shared articles counted by intersecting sets (in C, over the smaller of the two):
        # walking every article of every street and tag for its reporters was a quarter of
        # planning the site, intersecting a set with each reporter's list a tenth.
        mine = set(term.articles)
        shared = [(len(mine & others), other) for others, other in self._sets]
        return tuple(other for count, other in sorted((e for e in shared if e[0]), key=lambda e: (-e[0], e[1].slug)))


def _list_pages(items: tuple, size: int, base: str, template: str, extra: dict[str, Any],
                first: dict[str, Any] | None = None, later: dict[str, Any] | None = None) -> list[Page]:
    """A list's pages; `first`: context of its first page only (`later`: the others' instead)."""
    return [Page(pager.path(pager.number), template,
                 {**extra, **((first or {}) if pager.number == 0 else (later or {})), "pager": pager, "articles": chunk})
            for pager, chunk in paginate(items, size, base)]


def duplicate_paths(planned: list[Page]) -> list[Problem]:
    """Two pages with one URL (an article slug named 'page', a photo folder clash …)."""
    seen: dict[str, Page] = {}
    problems = []
    for page in planned:
        if page.file in seen:
            a, b = _source(seen[page.file]), _source(page)
            if a and b and a.startswith("photos/") == b.startswith("photos/"):
                continue   # two articles (or photos) with one slug: reported as a duplicate slug
            # Pages that come from no file (lists, taxonomies) have their URLs from site.yaml.
            if a:
                problems.append(error(b or a, 0, "output URL /{path} is also made by {file}", path=page.path, file=a))
            else:
                problems.append(error(b or "site.yaml", 0, "output URL /{path} is also made by a {template} page",
                                      path=page.path, template=seen[page.file].template))
        else:
            seen[page.file] = page
    return problems


def _source(page: Page) -> str:
    item = page.context.get("article") or page.context.get("photo")
    return item.source if item is not None else ""


def warnings(config: Config) -> list[Problem]:
    """What the plan left out and why (feeds and sitemaps need absolute URLs)."""
    if config.base_url:
        return []
    return [warning("site.yaml", 0, "no base_url: feeds, sitemap.xml and robots.txt are not made "
                    "(they need absolute links); set base_url: https://… to make them")]

