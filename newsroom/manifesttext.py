"""The site's manifest read and edited as text: a few entries looked up, changed, added or
removed without decoding or encoding the whole of it.

The manifest (output.MARKER) is one line of JSON, its entries in path order, rewritten at
every build: at 100,000 articles it is 317,000 entries, and encoding it took 0.3 s of an
edit that changes a few dozen. The entries edited are found in the old bytes in path order
(each search starts where the last ended, so all of them take one pass over it), and the
bytes between them are written as they are, never copied (30 MB at 100,000 articles).
Entries are looked up by a binary search of the text (`Read`): decoding it whole took 0.26 s.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterable, Iterator, Mapping

_HEAD, _TAIL, _SEP = b'{"files": {', b"}}", b", "
_BETWEEN = b'", "'   # the end of one entry and the start of the next
SEARCH_BYTES = 4096   # (Read: a search 25 us at 100,000 articles, decoding 31 MB 0.26 s)


def encoded(files: Mapping[str, str]) -> str:
    """The manifest of `files`, which are in path order."""
    # One line: json's C encoder is only used without `indent`.
    return json.dumps({"files": files})


class Read(Mapping):
    """A site's manifest as read (`data`: its bytes): path -> digest. While the text is
    plain (_plain: laid out as `encoded` lays it out, no escapes), an entry is found by a
    binary search of the text; the whole is decoded (json) when iterated, when the text is
    not plain, or after more searches than decoding it costs."""

    identity = ""   # of the file it was read from (output.identity)

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._start, self._end = len(_HEAD), len(data) - len(_TAIL)
        self._files: dict[str, str] | None = None if _plain(data) else _decoded(data)
        # A search costs about what decoding SEARCH_BYTES of the text does: so many, and the
        # whole is decoded (a build that looks up every page, rebuild.decide).
        self._searches = len(data) // SEARCH_BYTES

    @property
    def files(self) -> dict[str, str]:
        if self._files is None:
            self._files = _decoded(self.data)
        return self._files

    def __getitem__(self, path: str) -> str:
        if self._files is not None or self._searches <= 0:
            return self.files[path]
        at, found = self.find(path)
        if not found:
            raise KeyError(path)
        return self.data[self._value_at(at, path):self._end_at(at, path) - 1].decode()

    def __contains__(self, path: object) -> bool:
        if self._files is not None or self._searches <= 0:
            return path in self.files
        return isinstance(path, str) and self.find(path)[1]

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)

    def __len__(self) -> int:
        if self._files is not None:
            return len(self._files)
        return self.data.count(_BETWEEN, self._start, self._end) + 1 if self else 0

    def __bool__(self) -> bool:
        return bool(self._files) if self._files is not None else self._end > self._start

    def find(self, path: str) -> tuple[int, bool]:
        """Where the entry of `path` begins in the text, or where it would go (the entry after
        it, or the end); and whether it is there. Only while the whole is not decoded."""
        self._searches -= 1
        try:
            key = path.encode("ascii")
        except UnicodeEncodeError:   # (the text has none)
            key = b"\xff"
        lo, hi = self._start, self._end
        while hi - lo > 1:   # both ends an entry's start (or the end), the place in [lo, hi]
            mid = self._entry_from((lo + hi) // 2)
            if mid >= hi:
                break   # [lo, hi) holds an entry or two: looked at one by one below
            if self._key(mid) < key:
                lo = mid
            else:
                hi = mid
        at = lo
        while at < self._end and self._key(at) < key:
            at = self._entry_from(at + 1)
        return at, at < self._end and self._key(at) == key

    @property
    def searched(self) -> bool:
        """Whether entries are found by a search of the text (not decoded whole yet)."""
        return self._files is None

    def place(self, path: str, pos: int = 0) -> tuple[int, int]:
        """Where `path`'s entry begins and ends in the text; for a path not in it, where it
        would go, twice (patched). `pos`: unused (as for _scan's)."""
        at, found = self.find(path)
        return at, self._end_at(at, path) if found else at

    def under(self, prefix: str, but: Iterable[str] = ()) -> dict[str, str]:
        """The entries whose paths start with `prefix` (ASCII) but with none of `but`,
        decoded alone: a few runs of the text."""
        skipped = tuple(but)
        if self._files is not None:
            return {path: digest for path, digest in self._files.items()
                    if path.startswith(prefix) and not path.startswith(skipped)}
        found: dict[str, str] = {}
        start, end = self.find(prefix)[0], self._past(prefix)
        for skip in sorted(skipped):
            found.update(self._run(start, min(self.find(skip)[0], end)))
            start = max(start, self._past(skip))
        found.update(self._run(start, end))
        return found

    def _past(self, prefix: str) -> int:
        """Where the entries whose paths start with `prefix` end."""
        return self.find(prefix[:-1] + chr(ord(prefix[-1]) + 1))[0] if prefix else self._end

    def _run(self, start: int, end: int) -> dict[str, str]:
        """The entries from `start` to `end` (entries' starts, or the end)."""
        return json.loads(b"{" + self.data[start:end].rstrip(b", ") + b"}") if start < end else {}

    def _entry_from(self, pos: int) -> int:
        """The start of the first entry at or after `pos` (the end if none)."""
        if pos <= self._start:
            return self._start
        at = self.data.find(_BETWEEN, pos - 3, self._end)
        return self._end if at < 0 else at + 3

    @staticmethod
    def _value_at(at: int, path: str) -> int:
        """Where the digest of `path`'s entry, which begins at `at`, begins (past '"path": "')."""
        return at + len(_entry(path, "")) - 1

    def _end_at(self, at: int, path: str) -> int:
        """Where `path`'s entry, which begins at `at`, ends (past its digest's closing quote)."""
        return self.data.index(b'"', self._value_at(at, path)) + 1

    def _key(self, at: int) -> bytes:
        return self.data[at + 1:self.data.index(b'"', at + 1)]


def _plain(data: bytes) -> bool:
    """Whether `data` is laid out as `encoded` lays it out and '", "' is found only between
    two entries: no escape (no quote, no non-ASCII name: byte order is then path order), and
    no path or digest that is ', ' itself (which puts '", "' inside an entry)."""
    return (data.startswith(_HEAD) and data.endswith(_TAIL) and b"\\" not in data
            and b'", ", "' not in data and not data.startswith(_HEAD + _BETWEEN) and not data.endswith(_BETWEEN + _TAIL))


def _decoded(data: bytes) -> dict[str, str]:
    try:
        files = json.loads(data).get("files")
    except (ValueError, AttributeError):
        return {}
    return files if isinstance(files, dict) else {}


def _scan(data: bytes, old: Mapping[str, str]) -> Callable[[str, int], tuple[int, int]]:
    """Read.place for a text whose entries are not found by search (escapes): each entry
    found from `pos` on, where the last one was."""
    paths: list[str] = []   # (in the text's order, made when first needed)
    end = len(data) - len(_TAIL)

    def place(path: str, pos: int) -> tuple[int, int]:
        was = old.get(path)
        if was is not None:
            entry = _entry(path, was)
            at = data.find(entry, pos)
            return at, at + len(entry)
        # A new path: before the first old one after it, or at the end.
        if not paths:
            paths.extend(old)
        i = bisect.bisect_left(paths, path)
        at = end if i == len(paths) else data.find(_entry(paths[i], old[paths[i]]), pos)
        return at, at
    return place


def _entry(path: str, digest: str) -> bytes:
    return f"{json.dumps(path)}: {json.dumps(digest)}".encode()   # (ASCII: json escapes the rest)


def patched(data: bytes, old: Mapping[str, str], changed: Mapping[str, str],
            gone: set[str]) -> list[bytes | memoryview] | None:
    """`encoded` of `old` (whose UTF-8 `data` is, in the same order) with the entries
    `changed` set and those `gone` removed, in pieces to be written one after another; None
    if `data` is not laid out as `encoded` lays it out."""
    if not old or not data.startswith(_HEAD) or not data.endswith(_TAIL):
        return None
    text = memoryview(data)
    start, end = len(_HEAD), len(data) - len(_TAIL)
    place = old.place if isinstance(old, Read) and old.data is data and old.searched else _scan(data, old)
    runs: list[bytes | memoryview] = []   # runs of old entries, and new entries, between separators
    pos = start   # where the old entries not yet in a run begin
    for path in sorted(changed.keys() | gone):
        at, after = place(path, pos)
        if at < pos or (at != start and data[at - len(_SEP):at] != _SEP and at != end):
            return None
        if at > pos:
            runs.append(text[pos:at - len(_SEP)] if at != end else text[pos:at])
        if path in changed:
            runs.append(_entry(path, changed[path]))
        if after > at:   # an old entry replaced or removed: the old ones go on after it
            pos = after + len(_SEP) if data.startswith(_SEP, after) else after
        else:
            pos = at
    if pos < end:
        runs.append(text[pos:end])
    pieces: list[bytes | memoryview] = [_HEAD]
    for i, run in enumerate(runs):
        pieces += [_SEP, run] if i else [run]
    return [*pieces, _TAIL]
