"""New stories or photos put into the last build's plan, instead of indexing and planning every page again.

An editor's usual change is a story or two added to an archive of thousands, a
photographer's a photo or two. The kept plan (plancache.py) is the last build's archive
and pages; a new story that shows no photo, names only streets, people and tags the archive
has and links nowhere changes a few of them: the lists it joins (the home page's, its
terms', its year's and month's, with their feeds), the pages of the stories beside it, the
sitemap, and its own page, new; if it ran in print, the pages of its edition too
(reprinting.py makes the print index again after any story put in or taken out, with
the calendar when an edition or a page is new or gone). A new photo no story shows yet,
credited to and filed under names the archive has, changes the photo archive, the first
pages of its terms and of the home page (the newest photos), and the sitemap. Those are
made again here by the planner's own functions (pages.py) from the kept archive with the
story or photo put in, and the rest of the plan is kept as it was: at 10,000 articles this
replaces about a second of indexing and planning on a slow machine.

The kept archive's objects are this build's own (just unpickled), and the pages kept refer
to them, so they are changed in place: a term, a month and the archive itself get their new
lists, and every kept page that holds them sees them. Anything this does not cover is
refused (`refusal`, `photo_refusal` say why), and the build plans afresh;
tests/test_additions.py checks that a plan made here is the one a build planning afresh
makes, page by page.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from . import corrections, front, moved, pages, plancache, shown, sitemaps, stories_in, urls
from .config import Config
from .index import Archive
from .model import Article, Photo
from .problems import Problem

LIMIT = 8   # more new stories at once are planned afresh


def refusal(made: dict[str, Any], added: Sequence[Article], articles: Iterable[Article], config: Config,
            now: datetime, sources: set[str], photos: Sequence[Photo] = ()) -> str | None:
    """Why `added` cannot be put into the kept plan `made` (None: they can). `articles`:
    every article parsed now; `sources`: every article file there is; `photos`: the new
    photos put in with them (they may show them)."""
    if not added or len(added) > LIMIT:
        return "none or too many"
    archive, living = made["archive"], made["living"]
    if shown.refusal(added, {**archive.photo_by_id, **{p.id: p for p in photos}}, config):
        return "its photos have errors"
    slugs = Counter(a.slug for a in articles)
    taken = {page.path for page in made["planned"]}
    for story in added:
        found = unlike(story, now) or _misplaced(story, archive, config, slugs, taken)
        if found:
            return found
        entry = living.record.get(story.source)   # a story deleted and put back: moved.yaml warned of it
        if entry is not None and entry.urls != (urls.article(story),):
            return "recorded before at other addresses"   # they would redirect to it
        # (moved.yaml's warnings are made again: plancache.rewarn)
        if named_by_problem(made, story.slug, story.source, but=plancache.record_warnings(made["plan_problems"])):
            return "named by a problem"   # a link to it, an edition naming it …
    found = [(story, urls.article(story)) for story in added]
    if any(moved.found_again(entry, found) for source, entry in living.record.items() if source not in sources):
        return "a recorded story moved"   # its file gone, and a new one with its title or address
    return None


def named_by_problem(made: dict[str, Any], slug: str, file: str, but_its_own: bool = False,
                     but: Collection[Problem] = ()) -> bool:
    """Whether a problem of the kept plan names the story or photo (by slug or file name): it
    may go away now that it is there, as a plan made afresh would find. `but_its_own`: not
    counting the problems found in the file itself (a story deleted: they go with it); `but`:
    nor these."""
    names = (slug, posixpath.basename(file))
    return any(name in str(problem) for problem in made["plan_problems"] for name in names
               if not (but_its_own and problem.path == file) and problem not in but)


def unlike(story: Article, now: datetime) -> str | None:
    """What the story has that a planner's pass over every story would have to place."""
    if story.draft or story.date > now:
        return "not published now"
    if story.withdrawn or story.corrections or story.featured:
        return "withdrawn, corrected or featured"
    if story.links or story.aliases:
        return "links or aliases"   # (in print: the print index is made again, reprinting.py)
    return None


def _misplaced(story: Article, archive: Archive, config: Config, slugs: Counter, taken: set[str]) -> str | None:
    """Where the story would go that the kept archive has no place for, as it is."""
    if story.id in archive.article_by_id or slugs[story.slug] > 1 or urls.article(story) in taken:
        return "its id, slug or address is taken"
    return misnamed(story, archive, config)


def misnamed(story: Article, archive: Archive, config: Config) -> str | None:
    """A name of the story's that the kept archive has no term for as it is."""
    for tax in archive.taxonomies:
        registry = config.registries.get(tax.key)
        for name in story.names(tax.key):
            term = tax.term(name.name)
            if term is None:
                return "a new name"
            if name.role and name.role != term.role:
                return "another role"
            entry = registry.lookup(name.name) if registry else None
            if entry is not None and (entry.old_names or entry.old_slugs):
                return "a renamed term"   # its old pages redirect, one for each page of its list
    return None


def photo_refusal(made: dict[str, Any], added: Sequence[Photo], photos: Iterable[Photo]) -> str | None:
    """Why the new photos `added` cannot be put into the kept plan `made` (None: they can).
    `photos`: every photo read now."""
    if not added or len(added) > LIMIT:
        return "none or too many"
    archive = made["archive"]
    slugs = Counter(p.slug for p in photos)
    taken = {page.path for page in made["planned"]}
    for photo in added:
        if photo.id in archive.photo_by_id or slugs[photo.slug] > 1 or urls.photo(photo) in taken:
            return "its file, slug or address is taken"
        if any(tax.term(name) is None for tax, name in photo_names(archive, photo)):
            return "a new name"
        if named_by_problem(made, photo.slug, photo.file):   # a story or an edition may show it
            return "named by a problem"
    return None


def put_photos_in(made: dict[str, Any], counted: dict[str, Any], added: Sequence[Photo], config: Config,
                  today: date, picks: front.Picks) -> None:
    """Put `added` (which `photo_refusal` accepts) into the kept plan `made` and its counts."""
    archive = made["archive"]
    key = shown.photo_order(archive, config)
    terms = set()
    for photo in added:
        at = stories_in.position(key(photo), map(key, archive.photos))
        object.__setattr__(archive, "photos", (*archive.photos[:at], photo, *archive.photos[at:]))
        archive.photo_by_id[photo.id] = photo
        photo_by_id = archive.photo_by_id
        for tax, name in photo_names(archive, photo):
            term = tax.term(name)
            ids = list(term.photos)
            ids.insert(stories_in.position(key(photo), (key(photo_by_id[i]) for i in ids)), photo.id)
            object.__setattr__(term, "photos", tuple(ids))
            terms.add(id(term))
    remade = Remade(archive, config, made["printed"], today, front.choose(archive, picks)[0], set())
    replan(made, counted, remade, archive.articles, set(), terms, photos=True)
    counted["photos"] += len(added)


def photo_names(archive: Archive, photo: Photo) -> list[tuple[Any, str]]:
    """(taxonomy, name) of each term a photo no story shows is in (index._photo_terms)."""
    found = []
    for tax in archive.taxonomies:
        if tax.config.credits:
            names = [photo.credit.name] if photo.credit and photo.credit.name else []
        else:
            names = [n.name for n in photo.names(tax.key)]
        found += [(tax, name) for name in dict.fromkeys(names)]
    return found


def put_in(made: dict[str, Any], counted: dict[str, Any], added: Sequence[Article], config: Config,
           today: date, picks: front.Picks) -> None:
    """Put `added` (which `refusal` accepts) into the kept plan `made` and its counts `counted`.
    `picks`: front.yaml's (front.load)."""
    archive, living = made["archive"], made["living"]
    before = archive.articles
    stories_in.archive_with(archive, added)
    photos = any(story.photos for story in added)
    years = {id(stories_in.year_of(archive, story.date)) for story in added}
    terms = {id(tax.term(name.name)) for story in added for tax in archive.taxonomies
             for name in story.names(tax.key)}
    terms |= shown.show(archive, added, config, made["plan_problems"]) if photos else set()
    front_page = front.choose(archive, picks)[0]   # (its lead: the newest story with a photo)
    remade = Remade(archive, config, made["printed"], today, front_page, {s.id for s in added})
    replan(made, counted, remade, before, years, terms, photos)
    record = {**living.record, **{s.source: moved.Entry(s.source, s.title, (urls.article(s),)) for s in added}}
    made["living"] = replace(living, record=record, changed=True)
    counted["articles"] += len(added)


def replan(made: dict[str, Any], counted: dict[str, Any], remade: Remade, before: tuple[Article, ...],
            years: set[int], terms: set[int], photos: bool = False) -> None:
    """The kept plan's pages as `remade` makes them again, before its redirects (kept: what
    `refusal` accepts leads no old address anywhere new)."""
    planned, redirects = made["planned"], len(made["living"].pages)
    main = planned[:len(planned) - redirects]
    made["planned"] = [*remade.pages(main, before, years, terms, photos), *planned[len(planned) - redirects:]]
    counted["pages"] = len(made["planned"])


SITEMAPS = ("sitemap.xml", "sitemap-index.xml", "robots.txt")
_CORRECTIONS = ("corrections.html", "corrections.xml")   # corrections.plan


class Remade:
    """The kept plan's pages with the lists the new stories joined made again, their own pages
    put in, and the sitemap updated; the others as they were (their contexts not even read)."""

    def __init__(self, archive: Archive, config: Config, printed: Any, today: date,
                 front_page: dict[str, Any], added: set[str], removed: Sequence[Article] = (),
                 corrected: Sequence[Article] = (), home: bool = True) -> None:
        self.archive, self.config, self.printed = archive, config, printed
        self.today, self.front_page, self.added = today, front_page, added
        self.removed = {story.id for story in removed}   # stories taken out (removals.py)
        # Stories corrected (correcting.py): their dates in the sitemap, as sitemaps.entries gives them.
        self.redated = {urls.article(s): s.modified or s.date for s in corrected}
        self.home = home   # the home pages made again (not for corrections: their lists are as they were)
        self.changed = bool(added or removed)            # the lists of every story
        self.made: list[pages.Page] = []    # pages made here
        # Paths of the kept pages they replace (a story taken out: its page, gone).
        self.replaced: set[str] = {urls.article(story) for story in removed}

    def pages(self, main: list[pages.Page], before: tuple[Article, ...], years: set[int],
              terms: set[int], photos: bool = False) -> list[pages.Page]:
        """`photos`: the photo archive made again (a photo was added)."""
        archive, config = self.archive, self.config
        people = pages.CoTerms(archive, config.byline)
        lists = {urls.term(term, {tax.key: tax.config.path}): (tax, term)   # each term's first page
                 for tax in archive.taxonomies for term in tax.terms if id(term) in terms}
        out: list[pages.Page] = []
        maps: dict[str, pages.Page] = {}   # the kept sitemaps, by path
        at = 0
        while at < len(main):
            page = main[at]
            end = at + 1
            if page.template == "home.html" and self.home:
                end = _run(main, at, lambda p: p.template == "home.html")
                out += self._made(main[at:end], pages.home_pages(archive, config, self.today, self.front_page))
            elif page.template == "article.html":
                end = _run(main, at, lambda p: p.template == "article.html")
                out += self._stories(main[at:end], before) if self.changed else main[at:end]
            elif page.template == "photos.html" and photos:
                end = _run(main, at, lambda p: p.template in ("photos.html", "photo.html"))
                out += self._made(main[at:end], pages.photo_pages(archive, config))
            elif page.template == "archive.html" and self.changed:   # then every year's list and its months'
                end = _run(main, at, lambda p: p.template in ("year.html", "month.html"))
                out += self._made([page], [pages.archive_page(archive)]) + self._years(main[at + 1:end], years)
            elif page.path in lists and page.template == "term.html":
                base = page.path
                end = _run(main, at, lambda p, base=base: p.path.startswith(base) and p.template != "article.html")
                out += self._made(main[at:end], pages.term_pages(archive, *lists[base], config, people))
            elif page.template == "feed.xml" and page.path == urls.feed() and self.changed:
                out += self._made([page], [pages.home_feed(archive, config)])
            elif page.template in _CORRECTIONS and self.redated:
                end = _run(main, at, lambda p: p.template in _CORRECTIONS)
                out += self._made(main[at:end], corrections.plan(archive, config))
            elif page.template in SITEMAPS:
                maps[page.path] = page
            else:
                out.append(page)
            at = end
        if maps:
            out += sitemaps_again(maps, self.replaced, self.made, self.redated)
        return out

    def _made(self, old: list[pages.Page], new: list[pages.Page]) -> list[pages.Page]:
        self.replaced.update(page.path for page in old)
        self.made += new
        return new

    def _years(self, old: list[pages.Page], years: set[int]) -> list[pages.Page]:
        """The years' lists, newest first: those of `years` made again, the others kept
        (a year no story is in now: gone)."""
        out = []
        for year in self.archive.years:
            base = urls.year(year)
            mine = [page for page in old if page.path.startswith(base)]
            if id(year) in years:
                out += self._made(mine, pages.year_pages(self.archive, year, self.config))
            else:
                out += mine
        kept = {id(page) for page in out}
        self.replaced.update(page.path for page in old if id(page) not in kept)
        return out

    def _stories(self, old: list[pages.Page], before: tuple[Article, ...]) -> list[pages.Page]:
        """The stories' pages, in the archive's order: the new ones made, those taken out
        left out, those whose neighbours changed given their new ones (上一篇/下一篇), the
        others as they were."""
        stories, added, removed = self.archive.articles, self.added, self.removed
        out, kept = [], iter(enumerate(zip(before, old, strict=True)))
        for i, story in enumerate(stories):
            if story.id in added:
                page = pages.article_page(self.archive, i, self.printed)
                self.made.append(page)
            else:
                j, (was, page) = next(kept)
                while was.id in removed:
                    j, (was, page) = next(kept)
                assert was is story, "the kept pages are in the kept archive's order"
                newer, older = stories[i - 1] if i else None, stories[i + 1] if i + 1 < len(stories) else None
                if newer is not (before[j - 1] if j else None) \
                        or older is not (before[j + 1] if j + 1 < len(before) else None):
                    page = with_changes(page, newer=newer, older=older)
            out.append(page)
        return out


def _run(main: list[pages.Page], at: int, within: Any) -> int:
    """The end of the run of pages from `at` that are `within` it."""
    end = at + 1
    while end < len(main) and within(main[end]):
        end += 1
    return end


def with_changes(page: pages.Page, **changes: Any) -> pages.Page:
    """The page with these values of its context changed (a kept context is read when used)."""
    if isinstance(page.context, dict):
        return pages.Page(page.path, page.template, {**page.context, **changes})
    page.context.patch(**changes)
    return page


def sitemaps_again(maps: dict[str, pages.Page], replaced: Collection[str], made: list[pages.Page],
                   redated: dict[str, Any] | None = None) -> list[pages.Page]:
    """The sitemaps (and robots.txt) made again from the kept ones (`maps`, by path): their
    entries but for the pages at `replaced` (their dates `redated` where given), with those
    of the pages `made`; a kept sitemap where it is the same (sitemaps.updated)."""
    found = sitemaps.updated(maps.values(), replaced, sitemaps.entries(made), redated or {})
    return [kept_if_same(maps.get(page.path), page) for page in found]


def kept_if_same(old: pages.Page | None, new: pages.Page) -> pages.Page:
    """The kept page where the new one is the same: its context, kept as it was, tells the
    decision it has not changed (reach.beyond_changed) without hashing it again."""
    if old is new:
        return old
    if old is not None and old.template == new.template and dict(old.context) == new.context:
        return old
    return new
