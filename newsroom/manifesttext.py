"""The site's manifest edited as text: a few entries changed, added or removed without
encoding the whole of it again.

The manifest (output.MARKER) is one line of JSON, its entries in path order, rewritten at
every build: at 100,000 articles it is 317,000 entries, and encoding it took 0.3 s of an
edit that changes a few dozen. The entries edited are found in the old bytes in path order
(each search starts where the last ended, so all of them take one pass over it), and the
bytes between them are written as they are, never copied (30 MB at 100,000 articles).
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Mapping

_HEAD, _TAIL, _SEP = b'{"files": {', b"}}", b", "


def encoded(files: Mapping[str, str]) -> str:
    """The manifest of `files`, which are in path order."""
    # One line: json's C encoder is only used without `indent`.
    return json.dumps({"files": files})


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
    paths = list(old)   # (in the text's order)
    start, end = len(_HEAD), len(data) - len(_TAIL)
    runs: list[bytes | memoryview] = []   # runs of old entries, and new entries, between separators
    pos = start   # where the old entries not yet in a run begin
    for path in sorted(changed.keys() | gone):
        was = old.get(path)
        if was is not None:
            entry = _entry(path, was)
            at = data.find(entry, pos)
            after = at + len(entry)
        else:   # a new path: before the first old one after it, or at the end
            i = bisect.bisect_left(paths, path)
            at = end if i == len(paths) else data.find(_entry(paths[i], old[paths[i]]), pos)
            after = at
        if at < 0 or (at != start and data[at - len(_SEP):at] != _SEP and at != end):
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
