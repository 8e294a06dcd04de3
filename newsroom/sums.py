"""What a cache file held when it was made, to tell a damaged one before it is used.

Renditions and search bundles are copied from the cache into the site. Each file's size,
mtime and SHA-256 are recorded when it is made; before it is used again its size and
mtime are compared (one stat), and only a file that changed since is hashed: the same
bytes (a `touch`) are fine, other bytes are damage (a truncated file, random bytes, an
editor's mistake) and the entry is made again.

The cache's own records (the parse cache, compiled templates) carry their checksum inside
instead: `seal` puts a kind of file and the CRC-32 of the rest in front, `unseal` checks them.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

Sums = dict[str, tuple[int, int, str]]   # file name -> (size, mtime_ns, sha256)


def of(path: Path | str) -> tuple[int, int, str]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns, _sha256(path)


def record(files: Iterable[tuple[str, Path]]) -> Sums:
    """(name, file) pairs: what each holds now."""
    return {name: of(path) for name, path in files}


def damaged(files: Iterable[tuple[str, Path | str]], recorded: Sums) -> list[str]:
    """The names among `files` that are missing or hold other bytes than recorded. A file
    only touched since has its record brought up to date; one never recorded (a cache from
    before records were kept) is recorded as it is."""
    bad = []
    for name, path in files:
        known = recorded.get(name)
        try:
            st = os.stat(path)
        except OSError:
            bad.append(name)
            continue
        if known is None:
            recorded[name] = of(path)
        elif (st.st_size, st.st_mtime_ns) != known[:2]:
            if st.st_size == known[0] and _sha256(path) == known[2]:
                recorded[name] = (st.st_size, st.st_mtime_ns, known[2])
            else:
                bad.append(name)
    return bad


def _sha256(path: Path | str) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def seal(magic: bytes, data: bytes) -> bytes:
    """`data` behind `magic` (4 bytes: what kind of file) and its CRC-32."""
    return magic + zlib.crc32(data).to_bytes(4, "big") + data


def write_sealed(file: Path, magic: bytes, write: Callable[[BinaryIO], None]) -> None:
    """What `write` writes to the stream it is given, sealed as `seal` does, into `file`,
    as it is written: the build state is hundreds of megabytes at 100,000 articles, and
    pickled whole, then sealed, it was held twice more at the end of every build."""
    with open(file, "wb") as out:
        out.write(magic + bytes(4))
        stream = _Summing(out)
        write(stream)
        out.seek(len(magic))
        out.write(stream.crc.to_bytes(4, "big"))


class _Summing:
    """A stream that writes to another and keeps the CRC-32 and the length of what went through
    (`tell`: where a writer is in what it wrote)."""

    def __init__(self, out: BinaryIO) -> None:
        self.out, self.crc, self.written = out, 0, 0

    def write(self, data: bytes) -> int:
        self.crc = zlib.crc32(data, self.crc)
        self.written += len(data)
        return self.out.write(data)

    def tell(self) -> int:
        return self.written


def unseal(magic: bytes, sealed: bytes) -> memoryview | None:
    """What `seal` was given, or None if `sealed` is not such a file or was damaged since.
    A view, not a copy: the build state is hundreds of megabytes at 100,000 articles."""
    data = memoryview(sealed)[8:]
    if sealed[:4] != magic or sealed[4:8] != zlib.crc32(data).to_bytes(4, "big"):
        return None
    return data


class Truncated(Exception):
    """A sealed file read shorter than it was when checked: something cut it short since
    (the engine never does: it replaces files), or the disk failed to read it."""

    def __init__(self, file: Path) -> None:
        super().__init__(str(file))
        self.file = file


class Sealed:
    """What `seal` was given in a file, as `unseal` gives it, read a slice at a time when
    used: for the kept plan (140 MB at 100,000 articles, of which an edit reads a few chunks).
    Read whole, it stayed in memory through the build; mapped, a file cut short while in use
    killed the build with SIGBUS. Here that reads short, and raises Truncated."""

    def __init__(self, file: Path, stream: BinaryIO, start: int, size: int) -> None:
        self.file, self._stream, self._start, self._size = file, stream, start, size

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, where: slice) -> bytes:
        begin, end, _ = where.indices(self._size)
        want = max(0, end - begin)
        try:
            data = os.pread(self._stream.fileno(), want, self._start + begin)
        except OSError:
            data = b""
        if len(data) != want:   # it can only fail again: removed, the next build makes it anew
            self.file.unlink(missing_ok=True)
            raise Truncated(self.file)
        return data


def opened(file: Path, magic: bytes) -> Sealed | None:
    """`file`'s sealed data (None: not what was written), checked whole through a small
    buffer, then read by slices (`Sealed`) from the same open file: files are replaced
    (os.replace), never rewritten, so what was checked is what is read."""
    f = open(file, "rb")   # kept open by the Sealed, closed with it
    try:
        head = f.read(8)
        crc, buffer = 0, bytearray(1 << 20)
        while size := f.readinto(buffer):
            crc = zlib.crc32(memoryview(buffer)[:size], crc)
    except OSError:
        f.close()
        raise
    if len(head) < 8 or head[:4] != magic or head[4:] != crc.to_bytes(4, "big"):
        f.close()
        return None
    return Sealed(file, f, len(head), f.tell() - len(head))
