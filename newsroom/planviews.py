"""What a kept plan's reader (planfile.py) hands out in place of what it holds, each read
when first used: a page's context (`Later`), the pages (`KeptPages`), a mapping pickled
apart from the head (`Apart`). An edit at 100,000 articles uses a few of each of 200,000."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .pages import Page

if TYPE_CHECKING:
    from .planfile import _Chunks


def files(pages: Sequence[Page]) -> list[str]:
    """Every page's file, in order: a kept plan's without making its pages. Not to be changed."""
    return pages.files if type(pages) is KeptPages else [page.file for page in pages]


def heads(pages: Sequence[Page]) -> Iterator[tuple[str, str]]:
    """Every page's path and template, in order: a kept plan's without making its pages."""
    if type(pages) is KeptPages:
        return zip(pages.paths, pages.templates, strict=True)
    return ((page.path, page.template) for page in pages)


class Apart(Mapping):
    """A mapping pickled apart from the plan's head (plancache.write says which), unpickled
    when first used. Pickled elsewhere, it is the dict it holds."""

    __slots__ = ("_chunks", "_span", "_value")

    def __init__(self, value: Mapping | None = None, chunks: _Chunks | None = None, span: int = -1) -> None:
        self._value, self._chunks, self._span = value, chunks, span

    def _get(self) -> Mapping:
        if self._value is None:
            self._value = self._chunks.apart(self._span)
        return self._value

    def __getitem__(self, key: Any) -> Any:
        return self._get()[key]

    def __iter__(self) -> Iterator:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __contains__(self, key: object) -> bool:
        return key in self._get()

    def get(self, key: Any, default: Any = None) -> Any:
        return self._get().get(key, default)

    def __repr__(self) -> str:
        return repr(self._get())

    def __reduce__(self) -> tuple:
        return dict, (dict(self._get()),)


def apart(mapping: Mapping) -> Apart:
    """`mapping`, to be pickled apart from the plan's head (`write`)."""
    return mapping if type(mapping) is Apart else Apart(mapping)


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
