"""sitemap.xml and robots.txt, planned from the site's other pages (pages.plan adds them)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from . import urls

if TYPE_CHECKING:
    from .pages import Page

SITEMAP_LIMIT = 50_000   # URLs per sitemap file (the sitemaps.org limit)
SITEMAP_SPLIT = 2_000    # past this many URLs, one sitemap per part of the site
SITEMAP_LEAST = 100      # a part with fewer URLs goes into the sitemap of small parts
SMALL_PARTS = "other"


def pages(planned: list[Page]) -> list[Page]:
    """sitemap.xml and robots.txt. Past SITEMAP_SPLIT URLs, sitemap.xml is an index of one
    sitemap per part of the site (`_part`: a year's stories, the photos, the streets …), so
    that a new story renders its year's sitemap again, not one of every page."""
    return from_entries(entries(planned))


def updated(kept: Iterable[Page], replaced: Collection[str], added: Iterable[tuple[str, Any]],
            redated: Mapping[str, Any]) -> list[Page]:
    """What `from_entries` makes of the entries of the kept sitemaps `kept` but those at
    `replaced` (their dates `redated` where given), with `added`. On a big site only the
    parts these are in are made again (with the small parts'), the others kept as they are:
    a story added reads one sitemap of its year's, not every part's 30,000 entries, which,
    sorted and parted, were a tenth of an edit."""
    from .pages import Page  # (pages.plan calls this module)
    parts = {_name(page.path): page for page in kept if page.template == "sitemap.xml"}
    added = list(added)
    changed = {*replaced, *redated, *(path for path, _ in added)}
    if urls.SITEMAP in (page.path for page in parts.values()):   # one sitemap: no parts
        parts, touched = {}, list(parts.values())
    else:
        names = {_part(path) for path in changed} | {SMALL_PARTS}
        bases = {_base(name) for name in parts if name in names or _base(name) in names}
        touched = [parts.pop(name) for name in list(parts) if _base(name) in bases]
    entries = [(path, redated.get(path, modified)) for page in touched for path, modified in page.context["entries"]
               if path not in replaced]
    found = tuple(sorted([*entries, *added], key=itemgetter(0)))
    total = len(found)
    for page in parts.values():   # (read only until past the split)
        if total > SITEMAP_SPLIT:
            break
        total += len(page.context["entries"])
    if total <= SITEMAP_SPLIT:
        return from_entries(tuple(sorted([*found, *(e for page in parts.values() for e in page.context["entries"])],
                                         key=itemgetter(0))))
    made = {name: Page(urls.sitemap_part(name), "sitemap.xml", {"entries": chunk}) for name, chunk in _parts(found)}
    return _listed([page for _, page in sorted({**parts, **made}.items())])


def _name(path: str) -> str:
    """A part's name from its sitemap's address (urls.sitemap_part)."""
    return path.removeprefix("sitemap-").removesuffix(".xml")


def _base(name: str) -> str:
    """The part a sitemap is of: NAME of NAME-2, a part cut in two (`_parts`), else the name."""
    head, _, number = name.rpartition("-")
    return head if head and number.isdigit() else name


def from_entries(found: tuple[tuple[str, Any], ...]) -> list[Page]:
    """The sitemaps of these (path, last modified) entries, sorted by path (`entries`)."""
    from .pages import Page  # (pages.plan calls this module)
    if len(found) <= SITEMAP_SPLIT:
        return [Page(urls.SITEMAP, "sitemap.xml", {"entries": found}), _robots()]
    return _listed([Page(urls.sitemap_part(name), "sitemap.xml", {"entries": chunk}) for name, chunk in _parts(found)])


def _listed(parts: list[Page]) -> list[Page]:
    """The sitemaps of the parts, in their names' order, the index listing them, robots.txt."""
    from .pages import Page
    return [*parts, Page(urls.SITEMAP, "sitemap-index.xml", {"paths": tuple(p.path for p in parts)}), _robots()]


def _robots() -> Page:
    from .pages import Page
    return Page(urls.ROBOTS, "robots.txt", {"sitemap_path": urls.SITEMAP})


def _parts(entries: tuple[tuple[str, Any], ...]) -> list[tuple[str, tuple[tuple[str, Any], ...]]]:
    """(name, entries) of each sitemap: the parts of the site, those under SITEMAP_LEAST URLs
    (or with a name that is not ASCII) together as SMALL_PARTS, and one past SITEMAP_LIMIT
    cut into NAME-1, NAME-2 …"""
    parts: dict[str, list[tuple[str, Any]]] = {}
    for entry in entries:
        parts.setdefault(_part(entry[0]), []).append(entry)
    for name in [name for name, found in parts.items() if len(found) < SITEMAP_LEAST or not name.isascii()]:
        if name != SMALL_PARTS:
            parts.setdefault(SMALL_PARTS, []).extend(parts.pop(name))
    made = []
    for name, found in sorted(parts.items()):
        found.sort(key=itemgetter(0))   # (the small parts, put together)
        if len(found) <= SITEMAP_LIMIT:
            made.append((name, tuple(found)))
        else:
            made += [(f"{name}-{n}", tuple(found[at:at + SITEMAP_LIMIT]))
                     for n, at in enumerate(range(0, len(found), SITEMAP_LIMIT), 1)]
    return made


def _part(path: str) -> str:
    """The part of the site a page is in: its first folder (a year of stories, "photos",
    "streets" …), with the year below it where there is one ("editions-2024")."""
    first, _, rest = path.partition("/")
    if not first.isdigit() and rest[:4].isdigit() and rest[4:5] in ("/", ""):
        return f"{first}-{rest[:4]}"
    return first or SMALL_PARTS


def entries(planned: list[Page]) -> tuple[tuple[str, Any], ...]:
    """(path, last modified or None) of every public HTML page, sorted (not those marked noindex:
    withdrawn stories, redirects)."""
    found = []
    for page in planned:
        if not page.template.endswith(".html") or page.template == "404.html" or page.context.get("noindex"):
            continue
        article = page.context.get("article")
        found.append((page.path, (article.modified or article.date) if article else None))
    return tuple(sorted(found, key=itemgetter(0)))
