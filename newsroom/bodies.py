"""An article's body, its HTML in UTF-8, known by its hash and read from the build cache when
a page shows it.

A rebuild loads every parsed article (the archive is made of them all) but shows one or two
bodies: at 100,000 articles the bodies were 350 MB of the 1.6 GB an edit held. So the parse
cache keeps them apart, each shard's bodies in a file of their own (cache.py, `write`), and
a body loaded from there holds only where its bytes are. Bodies are compared by hash, which
is also the value a page's fingerprint records for them (depends.Values): neither needs the
bytes.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


class Damaged(Exception):
    """A body's bytes are not in its file as they were written (the cache was changed or cut
    short since). The file is removed: the next build finds its shard's bodies missing and
    reads those articles again, rather than failing the same way."""

    def __init__(self, file: str) -> None:
        super().__init__(file)
        self.file = file


class Body:
    """The bytes of one article's HTML: in memory (just parsed), or at (file, offset, length)."""

    __slots__ = ("digest", "_data", "_where")

    def __init__(self, data: bytes, digest: str = "") -> None:
        self._data: bytes | None = data
        self.digest = digest or hashlib.sha1(data).hexdigest()
        self._where: tuple[str, int, int] | None = None

    @property
    def data(self) -> bytes:
        """The bytes; read again each time for a body in the cache (a full re-render reads
        every body once, and keeping them would hold them all)."""
        if self._data is not None:
            return self._data
        file, offset, length = self._where
        try:
            with open(file, "rb") as stream:
                stream.seek(offset)
                data = stream.read(length)
        except OSError:
            data = b""
        if hashlib.sha1(data).hexdigest() != self.digest:
            Path(file).unlink(missing_ok=True)
            raise Damaged(file)
        return data

    def html(self) -> str:
        return self.data.decode("utf-8")

    @property
    def file(self) -> str | None:
        """The file its bytes are read from; None while they are only in memory."""
        return self._where[0] if self._where is not None else None

    @property
    def where(self) -> tuple[str, int, int] | None:
        """(file, offset, length) of its bytes in a file; None while they are only in memory."""
        return self._where

    def stored_at(self, file: str, offset: int, length: int) -> None:
        """Its bytes are also at `file`: from now on it is pickled as where they are."""
        self._where = (file, offset, length)

    def __eq__(self, other: object) -> bool:
        return type(other) is Body and other.digest == self.digest

    def __hash__(self) -> int:
        return hash(self.digest)

    def __repr__(self) -> str:
        return f"Body({self.digest[:12]})"

    def __reduce__(self) -> tuple:
        if self._where is None:
            return Body, (self._data, self.digest)
        return _stored, (self.digest, *self._where)


def _stored(digest: str, file: str, offset: int, length: int) -> Body:
    body = Body.__new__(Body)
    body.digest, body._data, body._where = digest, None, (file, offset, length)
    return body


def write(file: Path, bodies: list[Body]) -> int:
    """Write `bodies` one after the other into `file` (replaced whole: a file of bodies is
    never changed in place) and note in each where it now is. Its size. A body whose bytes
    are damaged where they were read from is left out, still naming that file (`Body.file`)."""
    temporary = file.with_name(f".{file.name}.{os.getpid()}.tmp")   # cachedir.LEFTOVER, if killed now
    placed, offset = [], 0
    with open(temporary, "wb") as out:
        for body in bodies:
            try:
                data = body.data
            except Damaged:
                continue
            out.write(data)
            placed.append((body, offset, len(data)))
            offset += len(data)
    os.replace(temporary, file)
    name = str(file)   # one string for them all: pickled once
    for body, at, length in placed:
        body.stored_at(name, at, length)
    return offset
