"""What each page is built from, as one hash: if it is unchanged, so is the page.

A page's fingerprint hashes its path, its template and its context. Articles and photos in
the context stand for everything a template shows about them, including what it reaches
through the helpers `figures`, `term_for`, `photo_by_id` and `body` (the article's photos,
the slugs and roles of its streets and reporters, the targets of its links); a term stands
for its name, slug, role and description, plus its counts on its own page and on its
taxonomy's index (the items a page lists are in its context). Templates and
settings are not in the fingerprint: any change to them re-renders every page (the caller
compares `settings_hash` first).

Pure: one `Fingerprints` object per build memoises the digest of each shared object (an
article appears on dozens of pages; a taxonomy on all of its terms' pages).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from . import links, urls
from .index import Archive, Month, Taxonomy, Term, Year
from .model import Article, Photo
from .pages import Page, Pager, Related

_PLAIN = (str, int, float, bool, type(None), datetime, date)
_PLAIN_TYPES = frozenset(_PLAIN)


class Fingerprints:
    def __init__(self, archive: Archive, sources: dict[str, str] | None = None,
                 uses: dict[str, tuple[str, ...]] | None = None) -> None:
        """`sources`: article id -> hash of its file, which stands for the whole parsed article
        (parsing is a pure function of the file and the settings). `uses`: template name ->
        the archive attributes it reads directly (see `archive_uses`)."""
        self.archive = archive
        self.sources = sources or {}
        self.uses = uses or {}
        self._memo: dict[int, str] = {}
        self._keep: list[Any] = []   # memo keys are id()s: keep the objects alive

    def page(self, page: Page) -> str:
        # One string, hashed once: this runs for every page of the site on every build.
        parts = [page.path, page.template]
        for name in self.uses.get(page.template, ()):
            # The template reads the archive itself (an editor's own template may: `archive.photos`).
            parts.append(f"archive.{name}={self.value(getattr(self.archive, name, None))}")
        context = page.context
        for key in sorted(context):
            value = context[key]
            if key == "taxonomy" and "term" in context and isinstance(value, Taxonomy):
                # A term's page shows its taxonomy's settings, not the other terms.
                parts.append(f"{key}={value.config!r}")
                continue
            parts.append(f"{key}={self.value(value)}")
            if key == "term" and isinstance(value, Term):
                parts.append(_counts(value))   # a term's own page shows its counts
        return hashlib.sha256("|".join(parts).encode()).hexdigest()

    def value(self, value: Any) -> str:
        if type(value) in _PLAIN_TYPES or isinstance(value, _PLAIN):
            return repr(value)
        key = id(value)
        found = self._memo.get(key)
        if found is None:
            found = self._digest(value)
            self._memo[key] = found
            self._keep.append(value)
        return found

    def _digest(self, value: Any) -> str:
        if isinstance(value, Article):
            text = self._article(value)
        elif isinstance(value, Photo):
            text = repr(value)
        elif isinstance(value, (tuple, list, Related)):
            text = "[" + ",".join(map(self.value, value)) + "]"
        elif isinstance(value, dict):
            text = "{" + ",".join(f"{k!r}:{self.value(v)}" for k, v in sorted(value.items(), key=repr)) + "}"
        elif isinstance(value, Taxonomy):
            # The taxonomy's index page: every term with its counts.
            text = f"{value.config!r}" + "".join(self.value(t) + _counts(t) for t in value.terms)
        elif isinstance(value, Term):
            # Elsewhere (bylines, a street's reporters) a term is a name and a link; the
            # articles and photos a page lists are in its context separately.
            text = f"{value.taxonomy}|{value.name}|{value.slug}|{value.description}|{value.role}"
        elif isinstance(value, (Year, Month, Pager)):
            text = repr(value)
        else:
            # Anything else a newer page type puts in a context: its repr must show its data.
            text = f"{type(value).__name__}:{value!r}"
        return hashlib.sha256(text.encode()).hexdigest()

    def _article(self, article: Article) -> str:
        archive = self.archive
        source = self.sources.get(article.id)
        # The file's hash and its path: parsing is a function of both (the slug comes from the
        # file name), so a file moved unchanged is a different article.
        parts = [f"file:{article.source}:{source}" if source else repr(article)]
        for figure in archive.figures.get(article.id, ()):
            parts.append(repr(figure))
            parts.append(repr(archive.photo_by_id.get(figure.photo)))
        for tax in archive.taxonomies:
            for name in article.names(tax.key):
                term = tax.term(name.name)
                parts.append(f"{tax.key}:{name.name}:{term.slug if term else ''}:{term.role if term else ''}")
        for href, _line in article.links:
            # A link to another article shows that article's URL.
            source = links.article_source(article.source, href) if links.kind(href) == links.ARTICLE else None
            linked = archive.article_by_id.get(archive.article_by_source.get(source or "", ""))
            parts.append(urls.article(linked) if linked else "#")
        return "\n".join(parts)


def _counts(term: Term) -> str:
    return f"|{len(term.articles)}|{len(term.photos)}"


_ARCHIVE_ATTR = re.compile(r"\barchive\.(\w+)")
_REFERENCE = re.compile(r"""{%-?\s*(?:extends|include|import|from)\s+["']([^"']+)["']""")
# The navigation reads archive.taxonomies only for their settings (titles, paths), which
# the settings hash already covers.
_SETTINGS_ONLY = {"taxonomies"}


def archive_uses(source_of: Callable[[str], str | None], template: str) -> tuple[str, ...]:
    """Archive attributes a template (with what it extends, includes and imports) reads
    directly, such as `archive.photos`: pages made from it depend on all of them."""
    seen: set[str] = set()
    found: set[str] = set()
    todo = [template]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        text = source_of(name) or ""
        found.update(_ARCHIVE_ATTR.findall(text))
        todo.extend(_REFERENCE.findall(text))
    return tuple(sorted(found - _SETTINGS_ONLY))


# Fields of an article that decide where it appears and how other pages link to it. While
# they stay the same, an edit changes only the pages that show the article itself.
PLACING = ("slug", "date", "updated", "draft", "terms", "photos", "links", "corrections", "withdrawn", "aliases",
           "prints", "featured")   # featured: the front page an article is (or is no longer) on
# Archive attributes a template may read without showing any article's title, summary or
# body (those are reached only through `articles` and `article_by_id`).
_NO_ARTICLE_TEXT = frozenset({"scheduled", "photos", "photo_by_id", "years", "figures", "photo_users",
                              "taxonomies"})


def same_place(old: Any, new: Any) -> bool:
    """Two parses of one article file that appear on the same pages, linked the same way."""
    return (isinstance(old, Article) and isinstance(new, Article)
            and all(getattr(old, name) == getattr(new, name) for name in PLACING))


def text_safe(uses: dict[str, tuple[str, ...]]) -> bool:
    """No template reads article text from the archive directly (only from page contexts)."""
    return all(name in _NO_ARTICLE_TEXT for names in uses.values() for name in names)


def article_pages(pages: list[Page]) -> dict[str, tuple[int, ...]]:
    """Article id -> the indexes of the pages whose context holds that article (as the page's
    article, a neighbour, or in a list): the pages whose fingerprint includes it."""
    return placements(map(articles_on, pages))


def articles_on(page: Page) -> tuple[str, ...]:
    """The ids of the articles a page's context holds."""
    return tuple(_articles_in(page.context.values()))


def placements(per_page: Iterable[Iterable[str]]) -> dict[str, tuple[int, ...]]:
    """article_pages from each page's `articles_on`, in page order."""
    found: dict[str, list[int]] = {}
    for i, ids in enumerate(per_page):
        for article_id in ids:
            found.setdefault(article_id, []).append(i)
    return {article_id: tuple(indexes) for article_id, indexes in found.items()}


def _articles_in(values: Any) -> set[str]:
    ids: set[str] = set()
    for value in values:
        if isinstance(value, Article):
            ids.add(value.id)
        elif isinstance(value, (tuple, list, Related)):
            ids |= _articles_in(value)
        elif isinstance(value, dict):
            ids |= _articles_in(value.values())
    return ids
