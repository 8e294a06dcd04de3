"""How a kept plan (plancache.py) is pickled: a head, and the pages' contexts in chunks read when used.

An edit renders a page or two of the plan's 200,000 at 100,000 articles, yet unpickling
every page's context was most of the second it took to load the plan, and half a
gigabyte. So the contexts are pickled apart, CHUNK pages to a pickle, and a page's context
is unpickled with its chunk the first time the build uses it (`Later`).

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
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from .config import TaxonomyConfig
from .index import Archive, Month, Taxonomy, Term, Year
from .model import Article, Photo
from .pages import Page
from .printing import Edition, Placement, PrintPage
from .sums import Sealed

CHUNK = 256
SHARED = frozenset({Archive, Taxonomy, TaxonomyConfig, Term, Year, Month, Edition, PrintPage, Placement})
_PROTOCOL = pickle.HIGHEST_PROTOCOL


class Refs:
    """This build's articles and photos, by source and by file."""

    def __init__(self, articles: Mapping[str, Article], photos: Mapping[str, Photo]) -> None:
        self.articles, self.photos = articles, photos


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
    begin = out.tell()
    columns = _Columns([p.path for p in pages], [p.template for p in pages],
                       [contexts[id(p.context)] for p in pages], [p.file for p in pages])
    places = {id(page): i for i, page in enumerate(pages)}
    _Pickler(out, refs, contexts=contexts, places=places).dump((columns, value, tabled))
    trailer = pickle.dumps(((begin, out.tell()), spans), protocol=_PROTOCOL)
    out.write(trailer)
    out.write(len(trailer).to_bytes(8, "big"))


def read(data: Sealed, refs: Refs) -> tuple[Any, KeptPages]:
    """The value and the pages `write` was given, each page made and its context read
    when first used. Raises what pickle raises on bytes that are not such a file."""
    size = int.from_bytes(data[-8:], "big")
    (begin, end), spans = pickle.loads(data[len(data) - 8 - size:-8])
    chunks = _Chunks(data, spans, refs)
    pages, value, chunks.tabled = _Unpickler(data[begin:end], refs, chunks).load()
    return value, pages


def files(pages: Sequence[Page]) -> list[str]:
    """Every page's file, in order: a kept plan's without making its pages. Not to be changed."""
    return pages.files if type(pages) is KeptPages else [page.file for page in pages]


def heads(pages: Sequence[Page]) -> Iterator[tuple[str, str]]:
    """Every page's path and template, in order: a kept plan's without making its pages."""
    if type(pages) is KeptPages:
        return zip(pages.paths, pages.templates, strict=True)
    return ((page.path, page.template) for page in pages)


class KeptPages(Sequence):
    """A kept plan's pages, each made when first used, and then kept (the same object)."""

    def __init__(self, chunks: _Chunks, paths: list[str], templates: list[str], numbers: list[int],
                 files: list[str]) -> None:
        self.paths, self.templates, self.numbers, self.files = paths, templates, numbers, files
        self._chunks, self._made, self._unmade = chunks, [None] * len(paths), len(paths)

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, i: Any) -> Any:
        if type(i) is slice:
            return [self[j] for j in range(*i.indices(len(self.paths)))]
        page = self._made[i]
        if page is None:
            page = self._made[i] = self._chunks.page(self.paths[i], self.templates[i], self.numbers[i],
                                                     self.files[i])
            self._unmade -= 1
        return page

    def __iter__(self) -> Iterator[Page]:
        if self._unmade:
            for i in range(len(self.paths)):
                yield self[i]
        else:
            yield from self._made

    def __reduce__(self) -> tuple:
        return list, (list(self),)


class Later(Mapping):
    """A page's context, unpickled with its chunk when first used (and then kept)."""

    __slots__ = ("_chunks", "_number", "_context", "_changes")

    def __init__(self, chunks: _Chunks, number: int) -> None:
        self._chunks, self._number, self._context, self._changes = chunks, number, None, {}

    @property
    def read(self) -> bool:
        """Whether the context has been unpickled."""
        return self._context is not None

    @property
    def kept(self) -> bool:
        """Whether the context is the one the plan it was read from has (none patched in)."""
        return not self._changes

    def patch(self, **changes: Any) -> None:
        """Change values of the context (a story's new title, plancache.retitle) without
        reading it now: they are applied when it is first used."""
        self._changes = {**self._changes, **changes}
        if self._context is not None:
            self._context = {**self._context, **changes}

    def _get(self) -> dict[str, Any]:
        if self._context is None:
            context = self._chunks.context(self._number)
            self._context = {**context, **self._changes} if self._changes else context
        return self._context

    def __getitem__(self, key: str) -> Any:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def get(self, key: str, default: Any = None) -> Any:
        return self._get().get(key, default)

    def __repr__(self) -> str:
        return repr(self._get())

    def __reduce__(self) -> tuple:
        return dict, (self._get(),)   # to a worker: the context itself


class _Chunks:
    def __init__(self, data: Sealed, spans: list[tuple[int, int]], refs: Refs) -> None:
        self.data, self.spans, self.refs = data, spans, refs
        self.tabled: list[Any] = []
        self._read: dict[int, list[dict[str, Any]]] = {}
        self._later: dict[int, Later] = {}
        self.planned: KeptPages | None = None

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


@dataclass(frozen=True)
class _Columns:
    """The plan's pages, as pickled."""

    paths: list[str]
    templates: list[str]
    numbers: list[int]
    files: list[str]


class _Pickler(pickle.Pickler):
    def __init__(self, file: BinaryIO, refs: Refs, shared: tuple[dict[int, int], list[Any]] | None = None,
                 contexts: dict[int, int] | None = None, places: dict[int, int] | None = None) -> None:
        super().__init__(file, protocol=_PROTOCOL)
        self.refs, self.shared, self.contexts, self.places = refs, shared, contexts, places or {}

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
        return super().find_class(module, name)

    def _ref(self, kind: str, key: str) -> Any:
        found = (self.refs.articles if kind == "a" else self.refs.photos).get(key)
        if found is None:
            if self.gone is None:
                raise KeyError(key)
            return self.gone(key)
        return found
