"""The archive: every index the pages need, computed once from the parsed content.

Pure: articles, photos and settings in; an `Archive` and cross-file problems out.
Taxonomies (streets, reporters, tags …) are all one mechanism, driven by site.yaml.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from . import moved, references
from .config import Config, TaxonomyConfig
from .i18n import N_
from .model import Article, Figure, Photo
from .problems import Problem, error, intended
from .slugs import slugify_all


@dataclass(frozen=True)
class Term:
    taxonomy: str
    name: str
    slug: str
    description: str = ""
    role: str = ""
    articles: tuple[str, ...] = ()   # article ids, newest first
    photos: tuple[str, ...] = ()     # photo ids, newest first


@dataclass(frozen=True)
class Taxonomy:
    config: TaxonomyConfig
    terms: tuple[Term, ...]

    @property
    def key(self) -> str:
        return self.config.key

    def term(self, name: str) -> Term | None:
        return self._by_name.get(name)

    @cached_property
    def _by_name(self) -> dict[str, Term]:
        # Looked up for every article on every page (bylines, related lists): a dict, not a scan.
        return {t.name: t for t in reversed(self.terms)}


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    articles: tuple[str, ...]


@dataclass(frozen=True)
class Year:
    year: int
    months: tuple[Month, ...]

    @property
    def count(self) -> int:
        return sum(len(m.articles) for m in self.months)


# A binary search of `Archive.articles` costs about as much as this many entries of its `rank`.
_SEARCH_COST = 64


@dataclass(frozen=True)
class Archive:
    articles: tuple[Article, ...]                 # newest first
    photos: tuple[Photo, ...]                     # newest first
    taxonomies: tuple[Taxonomy, ...]
    years: tuple[Year, ...]                       # newest first
    figures: dict[str, tuple[Figure, ...]] = field(default_factory=dict)
    photo_users: dict[str, tuple[str, ...]] = field(default_factory=dict)
    article_by_id: dict[str, Article] = field(default_factory=dict)
    photo_by_id: dict[str, Photo] = field(default_factory=dict)
    article_by_source: dict[str, str] = field(default_factory=dict)   # .md path -> article id
    scheduled: frozenset[str] = frozenset()       # ids of included articles dated after the build
    # Taken down (`withdrawn:`): each keeps its page, with a notice, and is in no list.
    withdrawn: tuple[Article, ...] = ()

    @cached_property
    def rank(self) -> dict[str, int]:
        """Article id -> its place in `articles` (newest first): the order of related stories."""
        return {article.id: i for i, article in enumerate(self.articles)}

    def place(self, article_id: str) -> int:
        """`rank[article_id]`, found by a binary search of `articles` until searching has cost
        about what making `rank` does: an edit renders one story's page, whose related stories
        need a hundred places, not the 100,000 of `rank` (0.1 s); a cold build needs them all."""
        rank = self.__dict__.get("rank")
        if rank is None:
            searched = self.__dict__.get("_searched", 0)
            if searched * _SEARCH_COST < len(self.articles):
                self.__dict__["_searched"] = searched + 1
                return self._search(article_id)
            rank = self.rank
        return rank[article_id]

    def placer(self) -> Callable[[str], int]:
        """`place`, or once `rank` is made, its own lookup (in C: related() asks a hundred places
        a story page)."""
        rank = self.__dict__.get("rank")
        return self.place if rank is None else rank.__getitem__

    def _search(self, article_id: str) -> int:
        article = self.article_by_id.get(article_id)
        if article is None:
            raise KeyError(article_id)
        articles, key = self.articles, (article.date, article.slug)
        low, high = 0, len(articles)
        while low < high:   # (newest first: the first place whose story is not newer)
            middle = (low + high) // 2
            other = articles[middle]
            if (other.date, other.slug) > key:
                low = middle + 1
            else:
                high = middle
        for at in range(low, len(articles)):   # (past stories of the same date and slug, if any)
            if articles[at] is article:
                return at
            if (articles[at].date, articles[at].slug) != key:
                break
        raise KeyError(article_id)   # not listed (withdrawn)

    def taxonomy(self, key: str) -> Taxonomy | None:
        return next((t for t in self.taxonomies if t.key == key), None)

    def term(self, key: str, name: str) -> Term | None:
        tax = self.taxonomy(key)
        return tax.term(name) if tax else None


def is_published(article: Article, config: Config, now: datetime) -> bool:
    if article.draft and not config.drafts:
        return False
    return config.future or article.date <= now


def left_out(articles: list[Article], config: Config, now: datetime) -> tuple[int, int, datetime | None]:
    """The drafts and the scheduled articles a build leaves out, and when the next of those is due."""
    drafts = sum(a.draft and not config.drafts for a in articles)
    due = [a.date for a in articles if not config.future and a.date > now and not (a.draft and not config.drafts)]
    return drafts, len(due), min(due, default=None)


def build(articles: list[Article], photos: list[Photo], config: Config, now: datetime,
          make_slugs: Callable[[set[str]], dict[str, str]] = slugify_all) -> tuple[Archive, list[Problem]]:
    """The archive's indexes. `make_slugs` makes the slugs of the terms their registries give
    none, all at once (the builder's remembers them from the last build and makes the others
    in another process: slugs.py)."""
    problems: list[Problem] = [*_duplicates(articles, photos), *_scheduled(articles, config, now)]
    shown = sorted((a for a in articles if is_published(a, config, now)),
                   key=lambda a: (a.date, a.slug), reverse=True)
    published = [a for a in shown if a.withdrawn is None]
    withdrawn = tuple(a for a in shown if a.withdrawn is not None)
    photo_by_id = {p.id: p for p in photos}
    all_sources = {a.source for a in articles}

    published_ids = {a.id for a in published}
    published_sources = {a.source for a in shown}   # a withdrawn story's address still answers
    now_at = moved.finder(config.root, articles)   # (a link's hint: read only if one is broken)
    figures: dict[str, tuple[Figure, ...]] = {}
    users: dict[str, list[str]] = defaultdict(list)
    for article in articles:
        figures[article.id] = references.figures(article, photo_by_id, config, problems)
        if article.id in published_ids:
            for figure in figures[article.id]:
                users[figure.photo].append(article.id)
        problems.extend(references.link_problems(article, all_sources, published_sources, article.id in published_ids,
                                                 now_at))
    by_article = {a.id: a for a in published}
    photo_terms = {photo.id: _photo_terms(photo, users, by_article, config) for photo in photos}

    def photo_date(p: Photo) -> datetime | None:
        if p.date:
            return p.date
        dates = [by_article[u].date for u in users.get(p.id, [])]
        return min(dates) if dates else None

    epoch = datetime.min.replace(tzinfo=config.tz)
    sorted_photos = sorted(photos, key=lambda p: (photo_date(p) or epoch, p.file), reverse=True)

    named = [_named(tax, published, sorted_photos, photo_terms) for tax in config.taxonomies]
    registries = [config.registries.get(tax.key) for tax in config.taxonomies]
    slugs = make_slugs({name for registry, found in zip(registries, named, strict=True)
                        for name in _pinyin_wanted(registry, found[0].keys() | found[2].keys())}
                       | {entry.name for registry in registries if registry for entry in registry.entries
                          if not entry.slug})
    problems += [clash for registry in registries if registry for clash in _slug_clashes(registry, slugs)]
    taxonomies = tuple(_taxonomy(tax, found, config, slugs)
                       for tax, found in zip(config.taxonomies, named, strict=True))
    archive = Archive(
        articles=tuple(published),
        photos=tuple(sorted_photos),
        taxonomies=taxonomies,
        years=_years(published),
        figures=figures,
        photo_users={k: tuple(v) for k, v in users.items()},
        article_by_id={a.id: a for a in shown},
        photo_by_id=photo_by_id,
        article_by_source={a.source: a.id for a in shown},
        scheduled=frozenset(a.id for a in published if a.date > now),
        withdrawn=withdrawn,
    )
    return archive, problems


def _photo_terms(photo: Photo, users: dict[str, list[str]], by_article: dict[str, Article],
                 config: Config) -> dict[str, list[str]]:
    """A photo's terms: its credit (for the taxonomy of photographers), its sidecar's, and
    those of the published articles that use it (a photo collects their streets)."""
    terms: dict[str, list[str]] = {}
    for tax in config.taxonomies:
        if tax.credits:
            names = [photo.credit.name] if photo.credit and photo.credit.name else []
        else:
            names = [n.name for n in photo.names(tax.key)]
            for user in users.get(photo.id, []):
                names += [n.name for n in by_article[user].names(tax.key)]
        terms[tax.key] = list(dict.fromkeys(names))
    return terms


_Named = tuple[dict[str, list[str]], dict[str, list[str]], dict[str, list[str]]]


def _scheduled(articles: list[Article], config: Config, now: datetime) -> list[Problem]:
    """A warning for each story dated in the future (not a draft): when it goes live."""
    due = [a for a in articles if a.date > now and not a.draft]
    # Two whole messages, not one built from pieces: each is translated as it is (i18n.py).
    if config.future:
        return [intended(a.source, a.date_line, "dated in the future: scheduled for {when}",
                         when=f"{a.date:%Y-%m-%d %H:%M}") for a in due]
    return [intended(a.source, a.date_line, "dated in the future: scheduled for {when} (left out until then; "
                     "--future includes it)", when=f"{a.date:%Y-%m-%d %H:%M}") for a in due]


def _named(tax: TaxonomyConfig, articles: list[Article], photos: list[Photo],
           photo_terms: dict[str, dict[str, list[str]]]) -> _Named:
    """A taxonomy's names: (name -> its articles, name -> the roles given with it, name -> its photos)."""
    by_name: dict[str, list[str]] = defaultdict(list)
    roles: dict[str, list[str]] = defaultdict(list)
    for article in articles:
        for name in article.names(tax.key):
            by_name[name.name].append(article.id)
            if name.role:
                roles[name.name].append(name.role)
    photos_by_name: dict[str, list[str]] = defaultdict(list)
    for photo in photos:
        for name in photo_terms[photo.id][tax.key]:
            photos_by_name[name].append(photo.id)
    return by_name, roles, photos_by_name


def _pinyin_wanted(registry, names: Iterable[str]) -> set[str]:
    """The names whose slug is their pinyin: not in the registry, or in it with no slug."""
    entries = {name: registry.lookup(name) if registry else None for name in names}
    return {entry.name if entry else name for name, entry in entries.items() if not (entry and entry.slug)}


def _slug_clashes(registry, slugs: dict[str, str]) -> list[Problem]:
    """Two entries of a registry with one slug, where one is a name's pinyin (two slugs given
    are compared when the registry is read): give one of them a 'slug:'."""
    seen: dict[str, Any] = {}
    found = []
    for entry in registry.entries:
        slug = entry.slug or slugs[entry.name]
        first = seen.setdefault(slug, entry)
        if first is not entry and not (first.slug and entry.slug):
            found.append(error(registry.path, entry.line, "duplicate {label} '{value}' (first on line {first})",
                               label="slug", value=slug, first=first.line))
    return found


def _slug(entry, name: str, slugs: dict[str, str]) -> str:
    if entry is None:
        return slugs[name]
    return entry.slug or slugs[entry.name]


def _taxonomy(tax: TaxonomyConfig, named: _Named, config: Config, slugs: dict[str, str]) -> Taxonomy:
    registry = config.registries.get(tax.key)
    by_name, roles, photos_by_name = named
    # Every registered name has its pages, with or without a story: a page once published keeps
    # answering when its last story is withdrawn or refiled (README: "an address, once published,
    # keeps answering"), and a new reporter's page is there before their first story.
    names = set(by_name) | set(photos_by_name) | {entry.name for entry in (registry.entries if registry else ())}
    entries = {name: registry.lookup(name) if registry else None for name in names}
    terms = []
    used_slugs: set[str] = set()
    for name in sorted(names, key=lambda n: (_slug(entries[n], n, slugs), n)):
        entry = entries[name]
        slug = _slug(entry, name, slugs)
        base, n = slug, 2
        while slug in used_slugs:  # homophones share a pinyin slug; keep both pages
            slug, n = f"{base}-{n}", n + 1
        used_slugs.add(slug)
        role = (entry.role if entry else "") or usual_role(roles[name])
        terms.append(Term(
            taxonomy=tax.key, name=name, slug=slug,
            description=entry.description if entry else "", role=role,
            articles=tuple(by_name.get(name, ())), photos=tuple(photos_by_name.get(name, ())),
        ))
    return Taxonomy(tax, tuple(terms))


def usual_role(roles: list[str]) -> str:
    """The role most of a person's stories give them (`roles`: one per story, newest first);
    of two as common, the newer story's. (The first of a set's was the process's string
    hashing's pick: two builds of one archive could give a person either.)"""
    return max(dict.fromkeys(roles), key=roles.count) if roles else ""


def _years(articles: list[Article]) -> tuple[Year, ...]:
    months: dict[tuple[int, int], list[str]] = defaultdict(list)
    for article in articles:
        months[(article.date.year, article.date.month)].append(article.id)
    years: dict[int, list[Month]] = defaultdict(list)
    for (year, month), ids in sorted(months.items(), reverse=True):
        years[year].append(Month(year, month, tuple(ids)))
    return tuple(Year(y, tuple(ms)) for y, ms in sorted(years.items(), reverse=True))


# Whole sentences (a translation says each its own way): (first of the group, a later one).
_SAME_SLUG = {
    "article": (N_("article slug '{slug}' is also used by {others} (set a different 'slug:')"),
                N_("article slug '{slug}' is already used by {others} (set a different 'slug:')")),
    "photo": (N_("photo slug '{slug}' is also used by {others} (rename one of them)"),
              N_("photo slug '{slug}' is already used by {others} (rename one of them)")),
}


def _duplicates(articles: list[Article], photos: list[Photo]) -> list[Problem]:
    problems = []
    for items, what in ((articles, "article"), (photos, "photo")):
        by_slug: dict[str, list] = {}
        for item in sorted(items, key=lambda i: i.source):
            by_slug.setdefault(item.slug, []).append(item)
        for slug, group in by_slug.items():
            # Each file on its own line: the editor may need to change either of them.
            for n, item in enumerate(group if len(group) > 1 else ()):
                others = ", ".join(other.source for other in group if other is not item)
                # An article points at its 'slug:' line; a photo file has no lines.
                line = getattr(item, "slug_line", 0)
                problems.append(error(item.source, line, _SAME_SLUG[what][n > 0], slug=slug, others=others))
    return problems
