"""Which pages a kind of change cannot reach: their contexts are the last build's, and the
decision takes them unhashed (rebuild.known_contexts).

Hashing the context of every page is most of an edit that plans again: at 10,000 articles
a new photo hashed 30,000 pages, of which 5,000 can differ, and a new story 18,400, of
which a few dozen can. Each rule here is checked page by page in tests/test_incremental.py:
after such edits the pages it names are hashed anyway and found as they were.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence, Set

from .index import Archive
from .pages import RELATED, Page

# Templates of pages whose context no photo reaches. Not: a photo's page, a list of photos,
# a term's first page (its photos), the sitemap (every page's address), the redirects (a photo's
# old address).
_PHOTO_FREE = frozenset({"article.html", "withdrawn.html", "archive.html", "year.html", "month.html",
                         "edition.html", "editions.html", "taxonomy.html", "corrections.html",
                         "corrections.xml", "feed.xml", "search.html", "404.html", "robots.txt"})

# Lists whose first page alone has photos in its context (pages.plan, pages.taxonomy_pages).
_FIRST_SHOWS_PHOTOS = frozenset({"home.html", "term.html"})

# The print editions' pages: their contexts hold the editions (a plan input) and the stories
# they name, so stories added elsewhere leave them as they were.
PRINT_TEMPLATES = frozenset({"editions.html", "edition.html", "print_page.html"})


def photo_free(page: Page) -> bool:
    """No photo reaches the page's context: after an edit that changes only photos, it is the
    last build's."""
    if page.template in _FIRST_SHOWS_PHOTOS:   # the newest photos, a term's photos
        return page.context["pager"].number > 0
    if page.template == "print_page.html":   # and its scan
        return not page.context["page"].scan
    return page.template in _PHOTO_FREE


def beyond_added(archive: Archive, added: Set[str]) -> Callable[[Page], bool]:
    """After stories were only added (`added`: their ids; nothing else edited, removed or
    hidden, the photos and the print editions as they were): whether a page is out of
    their reach. Out of reach are the print pages, the withdrawn notices, the feeds that
    show none of them, the page of every story but those `_near` them, the lists of a term,
    year or month holding none of them, and the full pages of the others older than all of
    them (`_kept`): of the 18,400 pages a new story hashed at 10,000 articles, 175 are left."""
    added = added & archive.rank.keys()   # a story withdrawn at once is in no list: only its page is new
    near = _near(archive, added)
    rank, count = archive.rank, len(archive.articles)
    # The home page's list is every story: each added one is in it, at its rank.
    lists: dict[int | None, tuple[int, int, int]] = {
        None: (count, len(added), count - 1 - max((rank[s] for s in added), default=-1))}
    for tax in archive.taxonomies:
        lists |= {id(term): _shape(term.articles, added, rank) for term in tax.terms}
    for year in archive.years:
        lists |= {id(month): _shape(month.articles, added, rank) for month in year.months}
        lists[id(year)] = _shape([i for month in year.months for i in month.articles], added, rank)
    listed = {"home.html": None, "term.html": "term", "month.html": "month", "year.html": "year"}

    def unreached(page: Page) -> bool:
        template, context = page.template, page.context
        if template == "article.html":
            return context["article"].id not in near
        if template in listed:
            name = listed[template]
            return _kept(context["pager"].number, len(context["articles"]),
                         *lists[id(context[name]) if name else None])
        if template == "feed.xml":
            return added.isdisjoint(a.id for a in context["articles"])
        return template == "withdrawn.html" or template in PRINT_TEMPLATES
    return unreached


def _shape(ids: Sequence[str], added: Set[str], rank: dict[str, int]) -> tuple[int, int, int]:
    """A list's length, how many of the added stories it holds, and how many of its items
    are older than all of those. Lists are newest first, as `rank` orders them: each added
    story is looked for where it would be (a pass over every list, 540,000 places at
    100,000 articles, was 0.15 s of a new story's build)."""
    places = [at for s, at in ((s, bisect.bisect_left(ids, rank[s], key=rank.__getitem__)) for s in added)
              if at < len(ids) and ids[at] == s]
    return len(ids), len(places), (len(ids) - 1 - max(places)) if places else len(ids)


def _kept(number: int, size: int, length: int, added: int, older: int) -> bool:
    """Whether page `number` of a list keeps its context (pages.paginate): a full page (any
    but the first, `size` items) of items older than every added story, whose pager is the
    same. Its pager changes when the list's newest full page is another and the page is
    within reach of it (pages.window shows 2 pages either side, and links the newest full
    page to the first)."""
    if added == 0 or number == 0:
        return added == 0
    last, before = max(0, length // size - 1), max(0, (length - added) // size - 1)
    return number * size <= older and (last == before or number + 2 < min(last, before))


def _near(archive: Archive, added: Set[str]) -> set[str]:
    """The stories whose page an added story may change: the one before and after it, whose
    newer and older links it takes, and those within RELATED places of where it falls in
    any term's list. A story's related ones are the nearest in time among its terms' lists
    (pages.related, each list within RELATED places of the story): an added story changes
    them only by falling inside that span of one of the lists, whether it joins the list
    (it may be nearer) or not (it moves the stories after it one place further in time)."""
    rank, articles = archive.rank, archive.articles
    near = set(added)
    for story in added:
        at = rank[story]
        near.update(a.id for a in articles[max(0, at - 1): at + 2])
        for tax in archive.taxonomies:
            for term in tax.terms:
                place = bisect.bisect_left(term.articles, at, key=rank.__getitem__)
                near.update(term.articles[max(0, place - RELATED - 1): place + RELATED + 1])
    return near
