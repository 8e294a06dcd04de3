"""What every page read, kept between builds (the state's `readers`, `page_ids`): object
key -> the pages that read it, and each page's stable id.

Each of a key's codes is page id << 32 | the fields read (an array of 64-bit ints: it loads fast). Page
ids are stable from build to build (Index.ids), so pages added or removed move no code.
Each key's codes are kept in ascending order, so whether a page read the same fields of a
key as before is a binary search: searching the bytes for each code of each page rendered
again was 0.16 s of a moved story's 141 pages at 10,000 articles.
"""

from __future__ import annotations

import array
import bisect
import sys
from collections.abc import Iterable, MutableMapping

from .depends import WHOLE


class Index:
    """What every page read: object key -> codes, and each page's stable id."""

    def __init__(self, codes: MutableMapping[str, bytes] | None = None, ids: dict[str, int] | None = None) -> None:
        # The dicts the state was loaded with, copied when first changed (a part of the
        # state is never changed in place: cache.Store saves it only if it is another): an
        # edit at 100,000 articles changes none of their 200,000 entries, and copying them,
        # then comparing the copies with the loaded ones, took a tenth of a second.
        self.codes = codes if codes is not None else {}
        self.ids = ids if ids is not None else {}                 # output file -> page id
        self._own_codes, self._own_ids = codes is None, ids is None
        # Packed as they come: a cold build records ≈1,000,000 codes, 40 MB as a list's ints.
        self._pending: dict[str, array.array] = {}
        # Kept, not recomputed: max() over all ids for each new page made a cold build quadratic.
        self._next = -1

    def id(self, file: str) -> int:
        found = self.ids.get(file)
        if found is None:
            if not self._own_ids:
                self.ids, self._own_ids = self.ids.copy(), True
            if self._next < 0:
                self._next = max(self.ids.values(), default=-1) + 1
            found = self.ids[file] = self._next
            self._next += 1
        return found

    def add(self, file: str, deps: dict[str, int], page_id: int | None = None) -> None:
        """What the page at `file` read now. What it read before stays too: a page may be
        rendered once more than needed, never once less. `page_id`: its id, if known (the
        last build's pages in order: pagecolumns.py)."""
        _append(self._pending, (self.id(file) if page_id is None else page_id) << 32, deps)

    def add_codes(self, codes: dict[str, bytes]) -> None:
        """What pages read, gathered as codes by key on a render worker (Gathered.flush)."""
        pending = self._pending
        for key, data in codes.items():
            found = pending.get(key)
            if found is None:
                found = pending[key] = array.array("Q")
            found.frombytes(data)

    def readers(self, key: str, bits: int, exact: bool = False) -> set[int]:
        """Ids of the pages that read any of `bits` of `key` (exact: read just those)."""
        codes = array.array("Q")
        codes.frombytes(self.codes.get(key, b""))
        if exact:
            return {code >> 32 for code in codes if code & WHOLE == bits}
        return {code >> 32 for code in codes if code & bits}

    def masks(self) -> Iterable[tuple[str, int]]:
        """Every (key, fields) some page read."""
        # A code's fields are its low half (WHOLE): read as halves, in C, not masked one by one.
        low = slice(0, None, 2) if sys.byteorder == "little" else slice(1, None, 2)
        for key, data in self.codes.items():
            yield from ((key, bits) for bits in set(memoryview(data).cast("I")[low]))

    def saved(self) -> MutableMapping[str, bytes]:
        for key, new in self._pending.items():
            old = self.codes.get(key, b"")
            merged = _merged(old, new)
            if merged != old:
                if not self._own_codes:   # (a sharded part as loaded copies only the shards changed)
                    self.codes, self._own_codes = self.codes.copy(), True
                self.codes[key] = merged
        self._pending = {}
        return self.codes


def _append(codes: dict[str, array.array], page: int, deps: dict[str, int]) -> None:
    """The codes of what the page (its id, shifted) read, each appended to its key's."""
    for key, bits in deps.items():
        found = codes.get(key)
        if found is None:
            found = codes[key] = array.array("Q")
        found.append(page | bits)


def _merged(old: bytes, new: array.array) -> bytes:
    """`old` (packed codes, ascending) with the codes of `new` it does not hold, in order."""
    if not old:
        return array.array("Q", sorted(new)).tobytes()   # (in order already, in a cold build)
    # A code bisect does not find is inserted: were `old` out of order, one it holds would at
    # worst be held twice, never one it lacks taken as held.
    held = memoryview(old).cast("Q")
    places = sorted({(bisect.bisect_left(held, code), code) for code in new})
    places = [(at, code) for at, code in places if at == len(held) or held[at] != code]
    if not places:
        return old
    parts, start = [], 0
    for at, code in places:
        parts += [old[start * 8:at * 8], array.array("Q", (code,)).tobytes()]
        start = at
    parts.append(old[start * 8:])
    return b"".join(parts)


class Gathered:
    """What the pages a render worker renders read, as `Index` codes by key, sent back with
    each chunk of pages (`flush`): one dict per page, each sent and added one by one, was
    most of the build process's work while a first build rendered (800,000 reads at
    10,000 articles). `ids`: each page's id by its file, given before the workers fork."""

    def __init__(self, ids: dict[str, int]) -> None:
        self.ids = ids
        self.codes: dict[str, array.array] = {}

    def add(self, file: str, deps: dict[str, int]) -> None:
        _append(self.codes, self.ids[file] << 32, deps)

    def flush(self) -> dict[str, bytes]:
        flushed, self.codes = self.codes, {}
        return {key: codes.tobytes() for key, codes in flushed.items()}
