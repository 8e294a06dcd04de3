"""The build state's files (cache.py): each a pickle or a marshal behind a seal (sums.seal:
its magic and CRC-32), written to a temporary name and put in place once whole, so a file
cut short or altered between builds is never unpickled, only reported as damaged.
"""

from __future__ import annotations

import marshal
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from . import cachedir, sums

MAGIC = b"NRC1"   # then the CRC-32 of the pickle (sums.seal): a damaged or altered file is never used
MARSHALLED = b"NRM1"   # the same, of a value marshalled (save_part)
DAMAGED = object()


def load(file: Path) -> Any:
    """The value pickled (or marshalled) in `file`; None if there is none or it is from another
    version of the engine or of Python; DAMAGED if its bytes are not what was written."""
    try:
        sealed = file.read_bytes()
    except OSError:
        return None
    marshalled = sealed[:4] == MARSHALLED
    data = sums.unseal(MARSHALLED if marshalled else MAGIC, sealed)
    if data is None:
        return DAMAGED
    try:
        return marshal.loads(data) if marshalled else pickle.loads(data)
    except (pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None  # written by another version: only a lost shortcut


def unsealed(file: Path, magic: bytes) -> Any:
    """What `file` holds behind its seal (sums.unseal); None if it cannot be read, DAMAGED if
    its bytes are not what was written."""
    try:
        sealed = file.read_bytes()
    except OSError:
        return None
    data = sums.unseal(magic, sealed)
    return DAMAGED if data is None else data


def save(file: Path, value: Any) -> None:
    sealed(file, MAGIC, lambda out: pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL))


def save_part(file: Path, value: Any) -> None:
    """A part of the state (PARTS), marshalled; pickled if it holds anything else."""
    try:
        data = marshal.dumps(value)
    except ValueError:
        save(file, value)
        return
    sealed(file, MARSHALLED, lambda out: out.write(data))


def sealed(file: Path, magic: bytes, write: Callable[[BinaryIO], object]) -> None:
    """`file` as `write` writes it, sealed (sums.write_sealed), put in place once whole; a
    write that fails (a full disk) takes its temporary file with it (one a killed build left
    is cachedir.LEFTOVER)."""
    cachedir.folder(file.parent)
    tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    try:
        sums.write_sealed(tmp, magic, write)
        os.replace(tmp, file)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
