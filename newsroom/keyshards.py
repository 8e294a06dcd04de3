"""A part of the build state kept in shards by key, read a shard at a time: what pages read
(`readers`) and the digests of what they read (`values`).

At 100,000 articles these hold 200,000 keys each (106 MB), and unmarshalling them was a
third of a second of every edit, which looks up the few keys it changed. So each is kept
in SHARDS files by a hash of the key. Loading the state reads and checks every file
(cache.Store: a damaged one is found before the build starts, as for any part), but a
shard's entries are made only when one of its keys is first used. A change is made to
the mapping's own copy of that shard (`Sharded.copy` shares the others), and a save
writes only the shards changed since they were loaded.
"""

from __future__ import annotations

import marshal
import zlib
from collections.abc import ItemsView, Iterator, Mapping, MutableMapping
from typing import Any

SHARDS = 64


def shard_of(key: str) -> int:
    return zlib.crc32(key.encode()) % SHARDS


class _Source:
    """The shards as loaded: each one's marshalled bytes until it is first used, then its
    dict, shared by every copy of the mapping (none of them changes it)."""

    def __init__(self, raw: list[bytes | memoryview] | None = None,
                 dicts: list[dict[str, Any]] | None = None) -> None:
        self.raw: list[bytes | memoryview | None] = list(raw) if raw is not None else [None] * SHARDS
        self.dicts: list[dict[str, Any] | None] = list(dicts) if dicts is not None else [None] * SHARDS

    def shard(self, n: int) -> dict[str, Any]:
        found = self.dicts[n]
        if found is None:
            found = self.dicts[n] = marshal.loads(self.raw[n])
            self.raw[n] = None   # (its bytes are not needed again)
        return found


class Sharded(MutableMapping):
    """A dict by key, in SHARDS shards read when used. `files`: the file each shard was
    loaded from ("" if it must be written)."""

    def __init__(self, source: _Source, files: list[str], mine: dict[int, dict[str, Any]] | None = None) -> None:
        self._source, self.files = source, files
        self._mine = mine if mine is not None else {}   # shards changed here: this mapping's own

    @classmethod
    def loaded(cls, raw: list[bytes | memoryview], files: list[str]) -> Sharded:
        """From the shards' marshalled bytes, as read from `files`."""
        return cls(_Source(raw=raw), list(files))

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Sharded:
        """A mapping with the items of `values`, every shard still to be written."""
        if isinstance(values, Sharded):
            return values
        dicts: list[dict[str, Any]] = [{} for _ in range(SHARDS)]
        for key, value in values.items():
            dicts[shard_of(key)][key] = value
        return cls(_Source(dicts=dicts), [""] * SHARDS)

    def _shard(self, n: int) -> dict[str, Any]:
        found = self._mine.get(n)
        return found if found is not None else self._source.shard(n)

    def __getitem__(self, key: str) -> Any:
        return self._shard(shard_of(key))[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._shard(shard_of(key)).get(key, default)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._shard(shard_of(key))

    def __setitem__(self, key: str, value: Any) -> None:
        self._own(shard_of(key))[key] = value

    def __delitem__(self, key: str) -> None:
        del self._own(shard_of(key))[key]

    def _own(self, n: int) -> dict[str, Any]:
        found = self._mine.get(n)
        if found is None:
            found = self._mine[n] = dict(self._source.shard(n))
        return found

    def __iter__(self) -> Iterator[str]:
        for n in range(SHARDS):
            yield from self._shard(n)

    def items(self) -> ItemsView[str, Any]:
        return _Items(self)

    def __len__(self) -> int:
        return sum(len(self._shard(n)) for n in range(SHARDS))

    def copy(self) -> Sharded:
        """Another mapping with the same items; a change to either leaves the other as it is."""
        return Sharded(self._source, self.files, {n: dict(d) for n, d in self._mine.items()})

    def to_write(self, also: frozenset[int] = frozenset()) -> dict[int, dict[str, Any]]:
        """Shard number -> its entries, for the shards changed since loaded, never saved, or
        in `also` (their files gone)."""
        return {n: self._shard(n) for n in range(SHARDS) if n in self._mine or not self.files[n] or n in also}

    def saved(self, written: dict[int, str]) -> None:
        """The shards in `written` are now in those files, as this mapping holds them: it
        shares them, unchanged, with its copies from now on."""
        self.files = [written.get(n, file) for n, file in enumerate(self.files)]
        mine = {n: self._mine.pop(n) for n in written if n in self._mine}
        if mine:   # a source of its own: the one it was loaded with stays as loaded
            source = _Source(self._source.raw, self._source.dicts)
            for n, shard in mine.items():
                source.dicts[n], source.raw[n] = shard, None
            self._source = source


class _Items(ItemsView):
    """A shard's items at a time: not a lookup by key for each (a rebuild that is not an edit
    in place passes over all 200,000 at 100,000 articles)."""

    _mapping: Sharded

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        for n in range(SHARDS):
            yield from self._mapping._shard(n).items()
