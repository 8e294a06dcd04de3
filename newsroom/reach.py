"""Which pages a kind of change cannot reach: their contexts are the last build's, and the
decision takes them unhashed (rebuild.known_contexts).

Hashing the context of every page is most of an edit that plans again: at 10,000 articles
a new photo hashed 30,000 pages, of which 5,000 can differ, and a new story 18,400, of
which a few dozen can. Each rule here is checked page by page in tests/test_incremental.py:
after such edits the pages it names are hashed anyway and found as they were.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from datetime import date
from operator import attrgetter

from . import urls
from .index import Archive
from .model import Article
from .pages import RELATED, Page
from .printing import Edition

_ID = attrgetter("id")

# Templates of pages whose context no photo reaches. Not: a photo's page, a list of photos,
# a term's first page (its photos), the sitemap (every page's address), the redirects (a photo's
# old address).
_PHOTO_FREE = frozenset({"article.html", "withdrawn.html", "archive.html", "year.html", "month.html",
                         "edition.html", "editions.html", "taxonomy.html", "corrections.html",
                         "corrections.xml", "feed.xml", "search.html", "404.html", "robots.txt"})

# Lists whose first page alone has photos in its context (pages.plan, pages.taxonomy_pages).
_FIRST_SHOWS_PHOTOS = frozenset({"home.html", "term.html"})

# The print editions' pages: their contexts hold the editions and the stories they name, so
# stories changed elsewhere leave them as they were, and so do the editions not changed
# (Printed) but for their neighbours.
PRINT_TEMPLATES = frozenset({"editions.html", "edition.html", "print_page.html"})
_EDITION_TEMPLATES = frozenset({"edition.html", "print_page.html"})   # one edition's (context["edition"])



def photo_free(page: Page) -> bool:
    """No photo reaches the page's context: after an edit that changes only photos, it is the
    last build's."""
    if page.template in _FIRST_SHOWS_PHOTOS:   # the newest photos, a term's photos
        return page.context["pager"].number > 0
    if page.template == "print_page.html":   # and its scan
        return not page.context["page"].scan
    return page.template in _PHOTO_FREE


def photo_free_by_path(archive: Archive, editions: Sequence[Edition]) -> Callable[[Page], bool]:
    """photo_free, telling a list's first page and a printed page with a scan by their
    addresses, not their contexts, which a kept plan reads only when used (planfile.py)."""
    lists = _ByPath(archive, set())
    scanned = {urls.print_page(page) for edition in editions for page in edition.pages if page.scan}

    def unreached(page: Page) -> bool:
        if page.template in _FIRST_SHOWS_PHOTOS:
            found = lists.list_page(page.path)
            return found[1] > 0 if found is not None else photo_free(page)
        if page.template == "print_page.html":
            return page.path not in scanned
        return page.template in _PHOTO_FREE
    return unreached


@dataclass(frozen=True)
class Printed:
    """The print editions after an edit: today's (oldest first), the days (ISO) of those added,
    removed or changed, and the stories those held at the last build."""

    editions: Sequence[Edition] = ()
    changed: Set[str] = frozenset()
    held: Set[str] = frozenset()

    def reached(self) -> set[date]:
        """The days whose edition's pages may differ: each changed one, and those before and
        after it (their 上一期/下一期 links show it), or around where it was."""
        days = [edition.date for edition in self.editions]
        found: set[date] = set()
        for iso in self.changed:
            at = bisect.bisect_left(days, date.fromisoformat(iso))
            found.update(days[max(0, at - 1): at + 2])
        return found

    def running(self, stories: Set[str]) -> set[date]:
        """The days of the editions whose pages hold any of these stories."""
        if not stories:
            return set()
        return {edition.date for edition in self.editions
                if any(not stories.isdisjoint(page.stories) for page in edition.pages)}

    def holding(self) -> set[str]:
        """The stories the changed editions hold now."""
        changed = {date.fromisoformat(iso) for iso in self.changed}
        return {story for edition in self.editions if edition.date in changed
                for page in edition.pages for story in page.stories}


SAME_PRINT = Printed()


def beyond_changed(archive: Archive, added: Set[str], removed: Sequence[Article] = (),
                   printed: Printed = SAME_PRINT, page_size: int = 0, feed_size: int = 0,
                   listed_before: Set[str] | None = None) -> Callable[[Page], bool]:
    """After only stories were added, removed or edited (`added`: the ids of the new and the
    edited ones; `removed`: the last build's parses of those removed or edited, for an
    edited story is taken from where it was and put where it is; the photos, the other
    stories and the print editions as they were, nothing hidden): whether a page is out of
    their reach. Out of reach are the print pages, the withdrawn notices, the feeds that
    show none of them (after a removal, none is: the story after the last one comes in),
    the page of every story but those `_near` them, the lists of a term, year or month that
    hold or held none of them, and the full pages of the others older than all of them
    (`_kept`): of the 18,400 pages a new story hashed at 10,000 articles, 175 are left. A
    removed story is gone from where its names and date listed it if the last build listed
    it (`listed_before`, if known: one hidden then made a list that grew look unchanged).
    `printed`: the editions changed, whose pages, neighbours' pages, calendar and stories (刊于)
    are in reach too. `page_size`, `feed_size`: place pages by address, not context (unread)."""
    added = added & archive.rank.keys()   # a story withdrawn at once is in no list: only its page is new
    rank = archive.rank
    gone = _gone_from(archive, [story for story in removed if listed_before is None or story.id in listed_before])
    near = _near(archive, added, gone[None])
    lists = _lists(archive, added, gone, rank)
    listed = {"home.html": None, "term.html": "term", "month.html": "month", "year.html": "year"}
    # A photo a new or removed story shows may be dated by it (index.build), and move in the
    # list of every term it is in, shown on the term's first page.
    photos = any(archive.figures.get(s) for s in added) or any(story.photos for story in removed)
    days = printed.reached() | printed.running({story.id for story in removed if _flipped(story, archive)})
    # The stories that ran (now) or had run (at the last build) in a changed edition: their 刊于 lines.
    printed_near = printed.held | printed.holding()
    by_path = _ByPath(archive, near | printed_near, feed_size) if page_size else None

    def unreached(page: Page) -> bool:
        template, context = page.template, page.context
        if by_path is not None:
            if template == "article.html":
                return page.path not in by_path.stories
            found = by_path.list_page(page.path) if template in listed else None
            if found is not None:
                key, number = found
                if number == 0 and photos and template in _FIRST_SHOWS_PHOTOS:
                    return False
                return _kept(number, page_size, *lists[key])
            if template in _EDITION_TEMPLATES and not days:
                return True
            shown = by_path.feeds.get(page.path) if template == "feed.xml" else None
            if shown is not None:
                return not removed and added.isdisjoint(shown)
        if template == "article.html":
            story = context["article"].id
            return story not in near and story not in printed_near
        if template in listed:
            number, name = context["pager"].number, listed[template]
            if number == 0 and photos and template in _FIRST_SHOWS_PHOTOS:
                return False
            return _kept(number, len(context["articles"]), *lists[id(context[name]) if name else None])
        if template == "feed.xml":
            return not removed and added.isdisjoint(a.id for a in context["articles"])
        if template in _EDITION_TEMPLATES:
            return context["edition"].date not in days
        return template == "withdrawn.html" or (template == "editions.html" and not printed.changed)
    return unreached


def _flipped(before: Article, archive: Archive) -> bool:
    """Withdrawn then and not now, or now and not then: the story leaves or rejoins its print
    page's list, though its edition (and the edition's digest) names it either way
    (edition_pages._articles)."""
    now = archive.article_by_id.get(before.id)
    return now is not None and (now.withdrawn is None) != (before.withdrawn is None)


def _lists(archive: Archive, added: Set[str], gone: dict[int | None, list[int]],
           rank: dict[str, int]) -> dict[int | None, tuple[int, int, int, bool]]:
    """Each list's shape after the change (`_shape`), by the id of its term, year or month
    (None: the archive's own list)."""
    lists = {None: _shape(tuple(map(_ID, archive.articles)), added, gone[None], rank)}
    for tax in archive.taxonomies:
        lists |= {id(term): _shape(term.articles, added, gone.get(id(term), ()), rank) for term in tax.terms}
    for year in archive.years:
        lists |= {id(month): _shape(month.articles, added, gone.get(id(month), ()), rank) for month in year.months}
        lists[id(year)] = _shape([i for month in year.months for i in month.articles], added,
                                 gone.get(id(year), ()), rank)
    return lists


class _ByPath:
    """Pages placed by their address: the stories' pages in reach, and each list's pages."""

    PAGED = re.compile(r"(.*)page/(\d+)/")   # pages.paginate's (urls.paged)

    def __init__(self, archive: Archive, reached: Set[str], feed_size: int = 0) -> None:
        by_id = archive.article_by_id
        self.stories = {urls.article(by_id[i]) for i in reached if i in by_id}
        self.lists: dict[str, int | None] = {urls.HOME: None}
        # Each feed's stories (the first of its list's: pages.home_feed, pages.term_pages), if sized.
        self.feeds: dict[str, set[str]] = {urls.feed(): {a.id for a in archive.articles[:feed_size]}} \
            if feed_size else {}
        for tax in archive.taxonomies:
            paths = {tax.key: tax.config.path}
            self.lists |= {urls.term(term, paths): id(term) for term in tax.terms}
            if feed_size:
                self.feeds |= {urls.feed(urls.term(term, paths)): set(term.articles[:feed_size]) for term in tax.terms}
        for year in archive.years:
            self.lists[urls.year(year)] = id(year)
            self.lists |= {urls.month(month): id(month) for month in year.months}

    def list_page(self, path: str) -> tuple[int | None, int] | None:
        """(the list's key in `beyond_changed`, the page's number), or None if it is none of theirs."""
        if path in self.lists:
            return self.lists[path], 0
        paged = self.PAGED.fullmatch(path)
        if paged is not None and paged[1] in self.lists:
            return self.lists[paged[1]], int(paged[2])
        return None


def _gone_from(archive: Archive, removed: Sequence[Article]) -> dict[int | None, list[int]]:
    """For each list a removed story was in (by id; None: the home page's, every story's),
    where it falls among today's stories: the rank of the first one older than it."""
    gone: dict[int | None, list[int]] = {None: []}
    articles = archive.articles
    for story in removed:
        key = (story.date, story.slug)
        place = bisect.bisect_left(range(len(articles)), True, key=lambda i: (articles[i].date, articles[i].slug) < key)
        lists: list[object] = [None]
        for tax in archive.taxonomies:
            lists += [term for name in story.names(tax.key) if (term := tax.term(name.name)) is not None]
        for year in archive.years:
            if year.year == story.date.year:
                lists += [year, *(m for m in year.months if m.month == story.date.month)]
        for listed in lists:
            gone.setdefault(None if listed is None else id(listed), []).append(place)
    return gone


def _shape(ids: Sequence[str], added: Set[str], gone: Sequence[int], rank: dict[str, int]) -> tuple[int, int, int, bool]:
    """A list's length now and at the last build, how many of its items are older than
    every story added to it or removed from it (`gone`: where each removed one falls), and
    whether there is any. Lists are newest first, as `rank` orders them: each added story
    is looked for where it would be (a pass over every list, 540,000 places at 100,000
    articles, was 0.15 s of a new story's build)."""
    found = [at for s, at in ((s, bisect.bisect_left(ids, rank[s], key=rank.__getitem__)) for s in added)
             if at < len(ids) and ids[at] == s]
    starts = [at + 1 for at in found] + [bisect.bisect_left(ids, place, key=rank.__getitem__) for place in gone]
    return len(ids), len(ids) - len(found) + len(gone), len(ids) - max(starts, default=0), bool(starts)


def _kept(number: int, size: int, length: int, before: int, older: int, touched: bool) -> bool:
    """Whether page `number` of a list keeps its context (pages.paginate): a full page (any
    but the first, `size` items) of items older than every added or removed story, whose
    pager is the same. Its pager changes when the list's newest full page is another and
    the page is within reach of it (pages.window shows 2 pages either side, and links the
    newest full page to the first)."""
    if not touched or number == 0:
        return not touched
    last, last_before = max(0, length // size - 1), max(0, before // size - 1)
    return number * size <= older and (last == last_before or number + 2 < min(last, last_before))


def _near(archive: Archive, added: Set[str], places: Sequence[int] = ()) -> set[str]:
    """The stories whose page an added or removed story may change (`places`: where each
    removed one falls): the one before and after it, whose newer and older links it takes
    or gives back, and those within RELATED places of where it falls in any term's list. A
    story's related ones are the nearest in time among its terms' lists (pages.related,
    each list within RELATED places of the story): an added story changes them only by
    falling inside that span of one of the lists, whether it joins the list (it may be
    nearer) or not (it moves the stories after it one place further in time); a removed
    one, the other way round."""
    rank, articles = archive.rank, archive.articles
    near = set(added)
    for at in [rank[story] for story in added] + list(places):
        near.update(a.id for a in articles[max(0, at - 1): at + 2])
        for tax in archive.taxonomies:
            for term in tax.terms:
                place = bisect.bisect_left(term.articles, at, key=rank.__getitem__)
                near.update(term.articles[max(0, place - RELATED - 1): place + RELATED + 1])
    return near
