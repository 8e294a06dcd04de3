"""What each page depends on: what it read while it rendered (as Lektor's record_dependency).

While a page renders, every read of one of the archive's objects (an article, a photo, a
term, a taxonomy, the archive itself) is recorded: each attribute a template reads (Jinja's
getattr and getitem, whatever the variable is called), and what the theme's functions
read for it (url(), figures(), body(), term_for() … in theme.py). `collect` turns the reads
into the page's dependencies: object key -> a mask of the fields read. Nothing here knows
what any template says.

A page's fingerprint hashes its path, its template, its context (the archive's objects in
it by their key, everything else by value) and the current value of every field it read.
Templates and settings are not in it: any change to them renders every page (rebuild.py).

The planner (index.build, pages.plan) is Python, not a template: the fields of an article it
reads are PLACING (where the article appears, how it is linked) and COPIED (put into its
page's context). tests/test_depends.py records what the planner reads and proves both lists.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from functools import reduce
from itertools import groupby, repeat
from operator import itemgetter, or_
from typing import Any

from . import urls
from .bodies import Body
from .index import Archive, Month, Taxonomy, Term, Year
from .model import Article, Name, Photo
from .pages import Page

# Years and months are known by key too: a year's later list pages hold it, and a story added
# to it changed the context of every one of them (depends on what a page reads of it, not on it).
ENTITY_TYPES = frozenset({Archive, Article, Photo, Term, Taxonomy, Year, Month})
FIELDS: dict[type, tuple[str, ...]] = {cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in ENTITY_TYPES}
WHOLE = (1 << 32) - 1   # every field (an attribute not known to read only some)
LOOKUP = 1              # the one value of a lookup (see `Values.lookup`)

# Properties and methods of the archive's objects, and the fields each reads.
DERIVED: dict[type, dict[str, tuple[str, ...]]] = {
    Article: {"id": ("source",), "body_html": ("body",), "names": ("terms",), "modified": ("updated", "corrections")},
    Photo: {"id": ("file",), "title": ("caption", "file"), "names": ("terms",)},
    Taxonomy: {"key": ("config",), "term": ("terms",), "_by_name": ("terms",)},
    Term: {},
    Year: {"count": ("months",)},
    Month: {},
    # archive.term()/taxonomy() also read each taxonomy's terms: Recorder records those.
    Archive: {"taxonomy": ("taxonomies",), "term": ("taxonomies",)},
}
# What url() reads of each kind of object (urls.Linker).
URL_FIELDS: dict[type, tuple[str, ...]] = {Article: ("date", "slug"), Photo: ("slug",), Term: ("taxonomy", "slug"),
                                           Taxonomy: ("config",), Year: ("year",), Month: ("year", "month")}
# Fields of an article the planner reads to decide where it appears and how it is linked
# (index.build, pages.plan); while they stay the same, every page's context does too.
PLACING = ("source", "slug", "date", "updated", "draft", "terms", "photos", "links", "date_line", "slug_line",
           "corrections", "withdrawn", "aliases", "prints", "featured")   # featured: the front page it is on
# Fields the planner copies into the context of a page that holds the article (its title).
COPIED = ("title",)


def _bits(cls: type, names: Iterable[str]) -> int:
    fields = FIELDS[cls]
    return sum(1 << fields.index(name) for name in set(names))


_FIELD_BITS = {cls: {name: 1 << i for i, name in enumerate(names)} for cls, names in FIELDS.items()}
_DERIVED_BITS = {cls: {name: _bits(cls, fields) for name, fields in derived.items()} for cls, derived in DERIVED.items()}
_URL_BITS = {cls: _bits(cls, names) for cls, names in URL_FIELDS.items()}
COPIED_BITS = _bits(Article, COPIED)


def key_of(obj: Any) -> str:
    """The key an archive object is known by from one build to the next."""
    kind = type(obj)
    if kind is Article:
        return "a|" + obj.source
    if kind is Photo:
        return "p|" + obj.file
    if kind is Term:
        return f"t|{obj.taxonomy}|{obj.name}"
    if kind is Taxonomy:
        return "x|" + obj.config.key
    if kind is Year:
        return f"y|{obj.year}"
    if kind is Month:
        return f"m|{obj.year}|{obj.month}"
    return "archive"


def bits_of(obj: Any, attribute: str) -> int:
    """The fields of `obj` that reading `attribute` reads (all of them if not known)."""
    kind = type(obj)
    return _FIELD_BITS[kind].get(attribute) or _DERIVED_BITS[kind].get(attribute) or WHOLE


class Recorder:
    """The reads of the page being rendered: (archive object, attribute), (lookup key, LOOKUP)
    or (reads already collected: key -> mask, None)."""

    def __init__(self) -> None:
        self.reads: list[tuple[Any, Any]] = []

    def attribute(self, obj: Any, attribute: str) -> None:
        self.reads.append((obj, attribute))
        kind = type(obj)
        if kind is Archive and attribute in ("term", "taxonomy"):
            self.reads.extend((tax, "terms") for tax in obj.taxonomies)
        elif kind is Year and attribute == "count":   # its months are values of their own (by key)
            self.reads.extend((month, "articles") for month in obj.months)

    def whole(self, obj: Any) -> None:
        self.reads.append((obj, WHOLE))

    def url(self, obj: Any) -> None:
        if type(obj) in URL_FIELDS:
            self.reads.append((obj, _URL_BITS[type(obj)]))

    def lookup(self, key: str) -> None:
        self.reads.append((key, LOOKUP))


def collect(reads: Iterable[tuple[Any, Any]], page: Page | None = None) -> dict[str, int]:
    """Object key -> mask of the fields read. With `page`: the articles its context holds
    count as read for the fields the planner copied into that context."""
    found: dict[str, int] = {}
    for obj, what in reads:
        kind = type(obj)
        if kind is str:
            key, bits = obj, LOOKUP
        elif kind is dict:   # reads collected before (theme.once)
            for key, bits in obj.items():
                found[key] = found.get(key, 0) | bits
            continue
        else:
            key, bits = key_of(obj), (what if type(what) is int else bits_of(obj, what))
        found[key] = found.get(key, 0) | bits
    if page is not None:
        for source in _articles_in(page.context.values()):
            key = "a|" + source
            found[key] = found.get(key, 0) | COPIED_BITS
    return found


def changed_bits(old: Any, new: Any) -> int:
    """The fields in which two parses of one article differ."""
    if type(old) is not Article or type(new) is not Article:
        return WHOLE
    return sum(1 << i for i, name in enumerate(FIELDS[Article]) if getattr(old, name) != getattr(new, name))


class Values:
    """The current value of what pages read, as digests, memoised for one build."""

    def __init__(self, archive: Archive, firsts: Mapping[str, str] | None = None) -> None:
        self.archive = archive
        self.firsts = firsts if firsts is not None else {}   # redirects.first_paths
        self._digests: dict[tuple[str, int], str] = {}
        self._plain: dict[int, str] = {}
        self._keep: list[Any] = []   # memo keys are id()s: keep the objects alive

    def context(self, page: Page) -> str:
        """One hash of the page's path, template and context (the archive's objects in it by
        key): with the values of what it read (`digest`), all a page is made from."""
        context = page.context
        parts = [page.path, page.template, *(f"{key}={self.plain(context[key])}" for key in sorted(context))]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    def digest(self, key: str, bits: int) -> str:
        found = self._digests.get((key, bits))
        if found is None:
            if key.startswith("l|"):
                text = self.lookup(key)
            else:
                obj = self.entity(key)
                text = "-" if obj is None else "\x1f".join([self.plain(getattr(obj, name))
                                                            for name in _named(type(obj), bits)])
            found = self._digests[(key, bits)] = hashlib.sha1(text.encode()).hexdigest()
        return found

    def each(self, masks: Iterable[tuple[str, int]]) -> Iterator[tuple[str, int, str]]:
        """(key, fields, digest) of each of `masks`, grouped by key: what it memoises is kept
        only while on one key. A cold build digests each value its pages read once, and
        keeping the text of every field of every object would hold much of the archive again."""
        for key, group in groupby(masks, key=itemgetter(0)):
            self._digests, self._plain, self._keep = {}, {}, []
            obj = None if key.startswith("l|") else self.entity(key)
            bits_each = [bits for _, bits in group]
            if obj is None:
                for bits in bits_each:
                    yield key, bits, self.digest(key, bits)
                continue
            # Each field any of the key's masks reads, as text once (an article's masks share
            # most of them); scalars as plain() makes them, without the call (50,000 values at
            # 10,000 articles).
            kind, plain = type(obj), self.plain
            names = _named(kind, reduce(or_, bits_each))
            texts = dict(zip(names, [repr(value) if type(value) in _SCALARS else plain(value)
                                     for value in map(getattr, repeat(obj), names)], strict=True))
            for bits in bits_each:   # as digest() makes it
                text = "\x1f".join(_picked(kind, bits)(texts))
                yield key, bits, hashlib.sha1(text.encode()).hexdigest()

    def entity(self, key: str) -> Any:
        archive = self.archive
        kind, _, rest = key.partition("|")
        if kind == "a":
            return archive.article_by_id.get(rest)
        if kind == "p":
            return archive.photo_by_id.get(rest)
        if kind == "t":
            taxonomy, _, name = rest.partition("|")
            return archive.term(taxonomy, name)
        if kind == "x":
            return archive.taxonomy(rest)
        if kind in ("y", "m"):
            year, _, month = rest.partition("|")
            found = next((y for y in archive.years if str(y.year) == year), None)
            if kind == "m" and found is not None:
                found = next((m for m in found.months if str(m.month) == month), None)
            return found
        return archive if key == "archive" else None

    def lookup(self, key: str) -> str:
        """What a theme function found: l|term|KEY|NAME (term_for), l|photo|ID (photo_by_id),
        l|figures|ARTICLE (figures), l|link|SOURCE (an article file a body links to),
        l|first|ARTICLE (entry_id: its first address)."""
        archive = self.archive
        _, kind, rest = key.split("|", 2)
        if kind == "first":
            story = archive.article_by_id.get(rest)
            return first_address(self.firsts, story) if story is not None else "-"
        if kind == "term":
            taxonomy, _, name = rest.partition("|")
            term = archive.term(taxonomy, name)
            return key_of(term) if term else "-"
        if kind == "photo":
            return "p|" + rest if rest in archive.photo_by_id else "-"
        if kind == "figures":
            return repr(archive.figures.get(rest, ()))
        target = archive.article_by_id.get(archive.article_by_source.get(rest, ""))
        return urls.article(target) if target else "#"

    def plain(self, value: Any) -> str:
        """A value as text: the archive's objects by key, everything else by value. A long
        text stands for itself by its hash: a year's or an edition's is in the context of
        each of its pages, and hashing it whole for each was a third of fingerprinting."""
        kind = type(value)
        if kind in _SCALARS:
            return repr(value)
        if kind in ENTITY_TYPES:
            return key_of(value)
        if kind is Name:   # few, and on every story: their text made once a build
            return _name_text(value)
        if kind is tuple and len(value) < 4 and all(type(item) in _SCALARS for item in value):
            # A sitemap's (address, date) pairs: printed at once, not remembered by id (a
            # fifth of fingerprinting a big sitemap).
            return "[" + ",".join(map(repr, value)) + "]"
        if kind is tuple and type(value[0]) is Name and set(map(type, value)) == _NAMES:
            # A story's reporters, streets or tags: as _text makes them, without the memo.
            return _long("[" + ",".join(map(_name_text, value)) + "]")
        found = self._plain.get(id(value))
        if found is None:
            found = self._plain[id(value)] = _long(self._text(value))
            self._keep.append(value)
        return found

    def _text(self, value: Any) -> str:
        kind = type(value)
        if kind is tuple or kind is list:
            return "[" + ",".join(map(self.plain, value)) + "]"
        names = _dataclass_fields(kind)
        if names is not None:
            return kind.__name__ + "(" + ",".join(self.plain(getattr(value, name)) for name in names) + ")"
        if kind is Body:   # its hash: the bytes may be in the cache, unread
            return value.digest
        if isinstance(value, bytes):
            return hashlib.sha1(value).hexdigest()
        if isinstance(value, dict):
            # Ordered by the keys alone: ordered by the items' repr, every value (an article's
            # names) was printed twice, once to sort it.
            items = sorted(((repr(k), v) for k, v in value.items()), key=itemgetter(0))
            return "{" + ",".join(f"{k}:{self.plain(v)}" for k, v in items) + "}"
        if isinstance(value, (set, frozenset)):
            return "{" + ",".join(sorted(map(self.plain, value))) + "}"
        if isinstance(value, (tuple, list)) or (hasattr(value, "__len__") and hasattr(value, "__getitem__")):
            return "[" + ",".join(map(self.plain, value)) + "]"
        # Anything else a newer page type puts in a context: its repr must show its data.
        return f"{kind.__name__}:{value!r}"


# Values whose repr is all they hold: dates too, as each sitemap entry and each story has one
# (a date took the long way below, through every check for a container).
_SCALARS = frozenset({str, int, float, bool, type(None), datetime, date})
_LONG = 256   # longer texts are hashed once (sha1: 40 characters)
_NAMES = {Name}


def first_address(firsts: Mapping[str, str], article: Article) -> str:
    """The site path a feed gives as the story's id: the first it was published at, if it
    moved (`firsts`: redirects.first_paths), else its own."""
    return firsts.get(article.source) or urls.article(article)


@functools.lru_cache(maxsize=4096)
def _name_text(name: Name) -> str:
    """A Name as Values.plain makes a dataclass's text."""
    return _long(f"Name({name.name!r},{name.role!r})")


def _long(text: str) -> str:
    """A long text stands for itself by its hash (Values.plain)."""
    return "#" + hashlib.sha1(text.encode()).hexdigest() if len(text) > _LONG else text


@functools.lru_cache(maxsize=1024)
def _picked(kind: type, bits: int) -> Callable[[Mapping[str, str]], tuple[str, ...]]:
    """The texts of the fields of `kind` in `bits`, in order, from a mapping of more."""
    names = _named(kind, bits)
    if len(names) == 1:
        return lambda texts: (texts[names[0]],)
    return itemgetter(*names) if names else lambda texts: ()


@functools.lru_cache(maxsize=1024)
def _named(kind: type, bits: int) -> tuple[str, ...]:
    """The fields of `kind` in `bits`, in order: a digest looked at each of an article's 25."""
    return tuple(name for i, name in enumerate(FIELDS[kind]) if bits >> i & 1)


@functools.cache
def _dataclass_fields(kind: type) -> tuple[str, ...] | None:
    return tuple(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else None


def _articles_in(values: Iterable[Any]) -> set[str]:
    """The sources of the articles in a page's context (as the page's article, a neighbour,
    or in a list)."""
    found: set[str] = set()
    for value in values:
        if type(value) is Article:
            found.add(value.source)
        elif isinstance(value, (tuple, list)) or (type(value).__name__ == "Related"):
            found |= _articles_in(value)
        elif isinstance(value, dict):
            found |= _articles_in(value.values())
    return found
