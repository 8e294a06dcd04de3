"""Old addresses that still answer: every URL the archive ever published leads somewhere.

They come from moved.yaml (what builds recorded), `aliases:` in an article's front matter,
and `old_names:`/`old_slugs:` in the registries. Each becomes an HTML page at the old path
(meta refresh, rel=canonical, a visible link, noindex; a feed's old address gets a copy of
the feed instead, which feed readers can use) and a 301 line in `_redirects` (Netlify,
Cloudflare Pages) and `redirects.map` (nginx). An old address that is also a live page, two
targets for one address, and chains or loops are errors naming both files.

Pure: the builder loads moved.yaml and saves the updated record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from . import moved, urls
from .config import Config
from .i18n import N_, Explained
from .index import Archive
from .model import Article
from .pages import Page
from .problems import Problem, error
from .slugs import slugify_all

HOST_FILES = ("_redirects", "redirects.map")


@dataclass(frozen=True)
class Redirect:
    old: str            # site paths
    new: str
    where: str          # the file that asks for it, and its line
    line: int
    target: Any         # what the page shows the way to: an Article, a Term, or a path
    title: str
    of: str = ""        # the article file it belongs to, for messages
    first: str = ""     # that article's first address (moved.yaml's last): its feed entries' id


@dataclass(frozen=True)
class Plan:
    pages: tuple[Page, ...]
    redirects: tuple[Redirect, ...]
    record: moved.Record
    changed: bool               # the record differs from moved.yaml: save it
    notes: tuple[str, ...]
    problems: tuple[Problem, ...]


def plan(record: moved.Record, archive: Archive, config: Config, planned: list[Page],
         files: set[str], make_slugs: Callable[[set[str]], dict[str, str]] = slugify_all) -> Plan:
    """The redirect pages and host files, and moved.yaml as it stands after this build.
    `files`: every article file (see moved.update); `make_slugs`: as for index.build."""
    # Each article's address as planned (made once: dates are slow to format, 10,000 times).
    live: dict[str, tuple[Article, str]] = {}
    for page in planned:   # an article's own page comes before any other page that shows it
        article = page.context.get("article")
        if article is not None:
            live.setdefault(article.source, (article, page.path))
    shown = {article.source for article in (*archive.articles, *archive.withdrawn)}
    updated = moved.update(record, {s: item for s, item in live.items() if not item[0].draft}, shown, files)
    found = [*article_redirects(updated.record, live), *_term_redirects(archive, config, planned, make_slugs)]
    kept, problems = check(found, planned)
    pages = redirect_pages(kept, planned)
    return Plan(tuple(pages), tuple(kept), updated.record, updated.record != record, updated.notes,
                (*updated.problems, *problems))


def first_paths(redirects: Iterable[Redirect]) -> dict[str, str]:
    """The first address of each story that moved (article file -> site path), from the
    redirects moved.yaml asks for: a feed entry's id, which must never change. (Not from the
    record itself, which an edit at 100,000 articles leaves unread.) Aliases written by hand
    are older addresses, but not ones this archive's feeds ever gave."""
    return {r.of: r.first for r in redirects if r.where == moved.RECORD and r.of}


def pairs(redirects: Iterable[Redirect], root_path: str = "/") -> list[tuple[str, str]]:
    """(old URL path, new URL path) of every redirect, sorted: what a host needs (an object
    store's redirect rules, `_redirects`). `root_path`: the site's path on its host."""
    return sorted({(root_path + r.old, root_path + r.new) for r in redirects})


def article_redirects(record: moved.Record, live: dict[str, tuple[Article, str]]) -> list[Redirect]:
    found = []
    for source, (article, new) in live.items():
        if article.draft:
            continue
        entry = record.get(source)
        for old in entry.urls if entry else ():
            if old != new:
                found.append(Redirect(old, new, moved.RECORD, entry.line, article, article.title, source,
                                      entry.urls[-1]))
        for old, line in article.aliases:
            if old != new:
                found.append(Redirect(old, new, source, line, article, article.title, source))
    return found


def _term_redirects(archive: Archive, config: Config, planned: list[Page],
                    make_slugs: Callable[[set[str]], dict[str, str]]) -> list[Redirect]:
    """A renamed street's or person's old pages (each page of its list) and feed lead to the new ones."""
    found = []
    pages: set[str] = set()   # every planned page's path, once a term has an old slug
    slugs = make_slugs({old for tax in archive.taxonomies if (registry := config.registries.get(tax.key))
                        for term in tax.terms if (entry := registry.lookup(term.name)) and not entry.slug
                        for old in entry.old_names})
    for tax in archive.taxonomies:
        registry = config.registries.get(tax.key)
        if registry is None:
            continue
        paths = {tax.key: tax.config.path}
        for term in tax.terms:
            entry = registry.lookup(term.name)
            new = urls.term(term, paths)
            for slug in entry.earlier_slugs(slugs.__getitem__) if entry else ():
                if slug == term.slug:
                    continue
                old = urls.term(replace(term, slug=slug), paths)
                found.append(Redirect(old, new, registry.path, entry.line, term, term.name))
                pages = pages or {page.path for page in planned}
                number = 1
                while urls.paged(new, number) in pages:   # old links and bookmarks to its later pages
                    found.append(Redirect(urls.paged(old, number), urls.paged(new, number), registry.path,
                                          entry.line, urls.paged(new, number), term.name))
                    number += 1
                if tax.config.feeds and config.base_url:
                    found.append(Redirect(urls.feed(old), urls.feed(new), registry.path, entry.line,
                                          urls.feed(new), term.name))
    return found


def check(found: list[Redirect], planned: list[Page]) -> tuple[list[Redirect], list[Problem]]:
    """The redirects to make (one per old address), and the mistakes among them."""
    live = {page.file: page for page in planned}
    problems: list[Problem] = []
    by_old: dict[str, Redirect] = {}
    olds = {r.old for r in found}
    for r in found:
        if urls.output_file(r.new) not in live and r.new not in olds:
            continue     # nothing there to lead to (a street's feed, when it has no stories)
        page = live.get(urls.output_file(r.old))
        if page is not None:
            problems.append(error(r.where, r.line, "old address /{old}{of} is also the address of {page}: remove "
                                  "one of them", old=r.old, of=_of(r), page=_maker(page)))
            continue
        first = by_old.setdefault(r.old, r)
        if first is not r and first.new != r.new:
            problems.append(error(r.where, r.line, "old address /{old}{of} leads to /{new}, but {where}:{at} "
                                  "leads it to /{other}", old=r.old, of=_of(r), new=r.new, where=first.where,
                                  at=first.line, other=first.new))
    for r in by_old.values():
        onward = by_old.get(r.new)
        if onward is not None:
            message = (N_("redirect loop: /{old} leads to /{new}, which {where}:{at} leads back to /{onward}")
                       if onward.new == r.old else
                       N_("redirect chain: /{old} leads to /{new}, which {where}:{at} leads on to /{onward}"))
            problems.append(error(r.where, r.line, message, old=r.old, new=r.new, where=onward.where,
                                  at=onward.line, onward=onward.new))
    return sorted(by_old.values(), key=lambda r: r.old), problems


def _of(r: Redirect) -> Explained | str:
    return Explained(" (of {source})", source=r.of) if r.of and r.of != r.where else ""


def _maker(page: Page) -> Explained | str:
    item = page.context.get("article") or page.context.get("photo")
    if item is not None:
        return item.source
    term = page.context.get("term")
    if term is not None:   # named by its taxonomy's title (街道), as readers see it, not its key
        taxonomy = page.context.get("taxonomy")
        title = taxonomy.config.title if taxonomy is not None else term.taxonomy
        return Explained("the page of {taxonomy} '{name}'", taxonomy=title, name=term.name)
    return Explained("a {template} page", template=page.template)


def redirect_pages(redirects: list[Redirect], planned: list[Page]) -> list[Page]:
    by_path = {page.path: page for page in planned}
    found = []
    for r in redirects:
        if r.old.endswith(("/", ".html", ".htm")):
            found.append(Page(r.old, "redirect.html", {"target": r.target, "title": r.title, "noindex": True}))
        elif r.new in by_path:
            # Not a web page (a feed): a copy of what is at the new address, naming it as its own.
            page = by_path[r.new]
            found.append(Page(r.old, page.template, page.context))
    hosts = tuple((r.old, r.new) for r in redirects)
    found += [Page(name, name, {"redirects": hosts}) for name in HOST_FILES]
    return found
