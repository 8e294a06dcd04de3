"""The last build's pages in the plan's order: each page's context digest and its id in
what pages read (readers.Index), beside the same by file (the state's `pages`, `page_ids`).

An edit in place (rebuild.EDITED_IN_PLACE) leaves every page where it was and needs the
digest and id of every page in that order. At 100,000 articles the two dicts by file hold
208,000 entries each: unmarshalling them was 0.2 s of every edit, and looking every page
up in them 0.1 s more. These columns are a list and an array, read in a few hundredths of
a second, and are used only for the very files they were made for (`key`).
"""

from __future__ import annotations

import array
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Columns:
    contexts: list[str]     # each page's context digest, in the plan's order
    ids: array.array        # each page's id in readers.Index, the same order


def key(files: Sequence[str]) -> str:
    """The page files, in order, that columns are made for."""
    return hashlib.sha1("\n".join(files).encode(), usedforsecurity=False).hexdigest()


def made(files: Sequence[str], contexts: Sequence[str], ids: Mapping[str, int]) -> tuple:
    """The state's part (marshalled) for `files`' `contexts` and ids."""
    return key(files), list(contexts), array.array("q", map(ids.__getitem__, files)).tobytes()


def with_contexts(part: tuple, contexts: Sequence[str]) -> tuple:
    """The same part for the same files with other context digests."""
    return part[0], list(contexts), part[2]


def read(part: tuple, files: Sequence[str]) -> Columns | None:
    """The columns in `part` (the state's, as saved), if made for `files`; else None."""
    if len(part) != 3 or part[0] != key(files) or len(part[1]) != len(files):
        return None
    ids = array.array("q")
    ids.frombytes(part[2])
    return Columns(part[1], ids) if len(ids) == len(files) else None
