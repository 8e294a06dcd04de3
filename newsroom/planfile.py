"""How a kept plan (plancache.py) is pickled: a head, and the pages' contexts in chunks read when used.

An edit renders a page or two of the plan's 200,000 at 100,000 articles, yet unpickling
every page's context was most of the second it took to load the plan, and half a
gigabyte. So the contexts are pickled apart, CHUNK pages to a pickle, and a page's context
is unpickled with its chunk the first time the build uses it (`Later`).

Two mappings of the head that an edit in place never reads, the moved.yaml record and the
print placements (100,000 entries each at 100,000 articles, 0.3 s of reading the head), are
pickled apart after it and read when first used (`Apart`).

The pages themselves are kept as columns (paths, templates, context numbers, files), and a
page is made when first used (`KeptPages`): an edit at 100,000 articles made 200,000 pages
(0.6 s) to render two, where comparing the pages' files is all most of them are used for.

The file, after its seal (sums.write_sealed): the chunks, the head, a trailer giving where
each is, and the trailer's length in the last 8 bytes. The head holds the pages' columns and
the value given to `write` (the archive, the print editions …), in which a page of the plan
stands for its place in it. The objects the contexts share with the
archive and the print editions (SHARED: a term, an edition …) are pickled once, in the
head, and the chunks refer to them, so a context read later holds the very objects of
the archive, as it did when the plan was made. Articles and photos are kept by reference
(their source and file), resolved to the build's own parses.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from .cache import Entry
from .config import TaxonomyConfig
from .index import Archive, Month, Taxonomy, Term, Year
from .model import Article, Photo
from .pages import Page
from .planviews import Apart, KeptPages, Later
from .printing import Edition, Placement, PrintPage
from .sums import Sealed

CHUNK = 256
SHARED = frozenset({Archive, Taxonomy, TaxonomyConfig, Term, Year, Month, Edition, PrintPage, Placement})
_PROTOCOL = pickle.HIGHEST_PROTOCOL


class Refs:
    """This build's articles and photos, by source and by file. To read a plan, `articles`
    may give the parse cache's entries instead (cache.Entries: their values are the
    articles; a mapping made of 100,000 of them was 0.08 s of an edit), and `gone` the
    articles deleted since the plan was made, which it still holds."""

    def __init__(self, articles: Mapping[str, Article | Entry], photos: Mapping[str, Photo],
                 gone: Mapping[str, Article] | None = None) -> None:
        self.articles, self.photos, self.gone = articles, photos, gone or {}


def write(out: BinaryIO, value: Any, pages: Sequence[Page], refs: Refs) -> None:
    """Pickle `value` and `pages` into `out`, the pages' contexts in chunks, the pages in
    columns (a page `value` holds stands for its place in `pages`).
    Offsets are `out.tell()`s: `out` starts where the data `read` is given starts. Pages
    that kept a context of the plan they were read from, unread or as read, keep it as it
    was pickled: that plan's chunks are copied as they are, and only the other contexts
    pickled (a plan with a new story put in: additions.py)."""
    old = next((page.context._chunks for page in pages if type(page.context) is Later), None)
    if old is not None and 2 * sum(type(p.context) is Later and not p.context._changes for p in pages) \
            < len(old.spans) * CHUNK:
        old = None   # most of its contexts are no page's now: all pickled afresh, the file no bigger
    tabled: list[Any] = list(old.tabled) if old is not None else []
    shared = {id(obj): i for i, obj in enumerate(tabled)}   # (the old chunks name them by place)
    spans = []
    for begin, end in old.spans if old is not None else ():
        start = out.tell()
        out.write(old.data[begin:end])
        spans.append((start, out.tell()))
    first = len(spans) * CHUNK   # the number of the first context pickled here
    contexts: dict[int, int] = {}   # a context (by id) -> its number (pages may share one)
    fresh: list[Any] = []
    for page in pages:
        context = page.context
        if id(context) in contexts:
            continue
        if type(context) is Later and context._chunks is old and not context._changes:
            contexts[id(context)] = context._number
        else:
            contexts[id(context)] = first + len(fresh)
            fresh.append(context)
    for start in range(0, len(fresh), CHUNK):
        begin = out.tell()
        _Pickler(out, refs, shared=(shared, tabled)).dump(fresh[start:start + CHUNK])
        spans.append((begin, out.tell()))
    aparts: list[bytes] = []

    def apart(mapping: Apart) -> int:
        if mapping._value is None and mapping._chunks is old:   # as read: its bytes name the same table
            begin, end = old.apart_spans[mapping._span]
            aparts.append(old.data[begin:end])
        else:
            buffer = io.BytesIO()
            _Pickler(buffer, refs, shared=(shared, tabled)).dump(mapping._get())
            aparts.append(buffer.getvalue())
        return len(aparts) - 1
    begin = out.tell()
    columns = _Columns([p.path for p in pages], [p.template for p in pages],
                       [contexts[id(p.context)] for p in pages], [p.file for p in pages])
    places = {id(page): i for i, page in enumerate(pages)}
    _Pickler(out, refs, contexts=contexts, places=places, apart=apart).dump((columns, value, tabled))
    head = (begin, out.tell())
    apart_spans = []
    for data in aparts:
        begin = out.tell()
        out.write(data)
        apart_spans.append((begin, out.tell()))
    trailer = pickle.dumps((head, spans, apart_spans), protocol=_PROTOCOL)
    out.write(trailer)
    out.write(len(trailer).to_bytes(8, "big"))


def read(data: Sealed, refs: Refs) -> tuple[Any, KeptPages]:
    """The value and the pages `write` was given, each page made and its context read
    when first used. Raises what pickle raises on bytes that are not such a file."""
    size = int.from_bytes(data[-8:], "big")
    (begin, end), spans, apart_spans = pickle.loads(data[len(data) - 8 - size:-8])
    chunks = _Chunks(data, spans, refs)
    chunks.apart_spans = apart_spans
    pages, value, chunks.tabled = _Unpickler(data[begin:end], refs, chunks).load()
    return value, pages


class _Chunks:
    def __init__(self, data: Sealed, spans: list[tuple[int, int]], refs: Refs) -> None:
        self.data, self.spans, self.refs = data, spans, refs
        self.tabled: list[Any] = []
        self._read: dict[int, list[dict[str, Any]]] = {}
        self._later: dict[int, Later] = {}
        self.planned: KeptPages | None = None
        self.apart_spans: list[tuple[int, int]] = []

    def context(self, number: int) -> dict[str, Any]:
        chunk = self._read.get(number // CHUNK)
        if chunk is None:
            begin, end = self.spans[number // CHUNK]
            # A chunk copied as it was may hold contexts no page has now, of stories or photos
            # since deleted (removals.py, photoremovals.py): those stand for them there (no
            # page's context holds one).
            chunk = self._read[number // CHUNK] = _Unpickler(self.data[begin:end], self.refs, self,
                                                             Gone).load()
        return chunk[number % CHUNK]

    def page(self, path: str, template: str, number: int, file: str) -> Page:
        # Pages that shared a context (an article's page and its old address's) share it still.
        later = self._later.get(number)
        if later is None:
            later = self._later[number] = Later(self, number)
        page = Page(path, template, later)
        page.__dict__["file"] = file   # as Page.file would make it (cached_property): a third of a second
        return page

    def apart(self, span: int) -> Any:
        begin, end = self.apart_spans[span]
        return _Unpickler(self.data[begin:end], self.refs, self, Gone).load()

    def pages(self, paths: list[str], templates: list[str], numbers: list[int], files: list[str]) -> KeptPages:
        self.planned = KeptPages(self, paths, templates, numbers, files)
        return self.planned


# Stand-ins in the pickle, resolved by _Unpickler: an article or a photo, an object of the head, a page.

def _ref(kind: str, name: str) -> Any:
    raise RuntimeError("resolved by planfile._Unpickler")


def _shared(index: int) -> Any:
    raise RuntimeError("resolved by planfile._Unpickler")


def _page(path: str, template: str, number: int, file: str) -> Any:
    raise RuntimeError("resolved by planfile._Unpickler")


def _pages(paths: list[str], templates: list[str], numbers: list[int], files: list[str]) -> Any:
    raise RuntimeError("resolved by planfile._Unpickler")


def _placed(place: int) -> Any:
    raise RuntimeError("resolved by planfile._Unpickler")


def _apart(span: int) -> Any:
    raise RuntimeError("resolved by planfile._Unpickler")


@dataclass(frozen=True)
class _Columns:
    """The plan's pages, as pickled."""

    paths: list[str]
    templates: list[str]
    numbers: list[int]
    files: list[str]


class _Pickler(pickle.Pickler):
    def __init__(self, file: BinaryIO, refs: Refs, shared: tuple[dict[int, int], list[Any]] | None = None,
                 contexts: dict[int, int] | None = None, places: dict[int, int] | None = None,
                 apart: Callable[[Apart], int] | None = None) -> None:
        super().__init__(file, protocol=_PROTOCOL)
        self.refs, self.shared, self.contexts, self.places = refs, shared, contexts, places or {}
        self.apart = apart

    def reducer_override(self, obj: Any) -> Any:
        # Only this build's own objects go by reference: a copy made by the index (if any)
        # is kept whole, since the next build's parse would not be it.
        kind = type(obj)
        if kind is Article and self.refs.articles.get(obj.source) is obj:
            return _ref, ("a", obj.source)
        if kind is Photo and self.refs.photos.get(obj.file) is obj:
            return _ref, ("p", obj.file)
        if self.shared is not None and kind in SHARED:
            index, tabled = self.shared
            found = index.get(id(obj))
            if found is None:   # first met: pickled with the head (kept alive, so its id stays its own)
                found = index[id(obj)] = len(tabled)
                tabled.append(obj)
            return _shared, (found,)
        if kind is Page and id(obj) in self.places:
            return _placed, (self.places[id(obj)],)
        if self.contexts is not None and kind is Page and id(obj.context) in self.contexts:
            return _page, (obj.path, obj.template, self.contexts[id(obj.context)], obj.file)
        if kind is Apart:
            return (_apart, (self.apart(obj),)) if self.apart is not None else obj.__reduce__()
        if kind is _Columns:
            return _pages, (obj.paths, obj.templates, obj.numbers, obj.files)
        return NotImplemented


@dataclass(frozen=True)
class Gone:
    """An article or photo not among this build's, in a context no page has."""

    source: str


class _Unpickler(pickle.Unpickler):
    def __init__(self, data: bytes, refs: Refs, chunks: _Chunks, gone: Callable[[str], Any] | None = None) -> None:
        super().__init__(io.BytesIO(data))
        self.refs, self.chunks, self.gone = refs, chunks, gone

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__:
            if name == "_ref":
                return self._ref
            if name == "_shared":
                return lambda index: self.chunks.tabled[index]
            if name == "_page":
                return self.chunks.page
            if name == "_pages":
                return self.chunks.pages
            if name == "_placed":
                return lambda place: self.chunks.planned[place]
            if name == "_apart":
                return lambda span: Apart(None, self.chunks, span)
        return super().find_class(module, name)

    def _ref(self, kind: str, key: str) -> Any:
        found = (self.refs.articles if kind == "a" else self.refs.photos).get(key)
        if type(found) is Entry:
            found = found.value
        if found is None:
            found = self.refs.gone.get(key)
        if found is None:
            if self.gone is None:
                raise KeyError(key)
            return self.gone(key)
        return found
