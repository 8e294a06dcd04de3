"""What a build remembers between runs, under ROOT/.cache/build/ (never published).

- parsed articles and photos, by path, with the size and mtime they were read at and the
  hash of their bytes: an unchanged file is neither read nor parsed again, and a touched
  but identical file is read and hashed again but keeps its cached result;
- each page's fingerprint (a hash of everything it shows), so only pages whose inputs
  changed are rendered again;
- a signature of every input file's size and mtime, so a build with nothing changed stops
  before reading anything.

Every entry is only a shortcut: a missing or unreadable cache gives a full, correct build.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Config

VERSION = 1
PACKAGE = Path(__file__).resolve().parent


def code_hash() -> str:
    """The engine's own source: a new version of newsroom invalidates every cache entry."""
    h = hashlib.sha256(str(VERSION).encode())
    for file in sorted(PACKAGE.glob("*.py")):
        h.update(file.name.encode())
        h.update(file.read_bytes())
    return h.hexdigest()


def settings_hash(config: Config) -> str:
    """Everything in the settings a parsed article or a page can depend on.

    Config's repr covers site.yaml and the registries' entries (dataclasses print every field).
    """
    return hashlib.sha256(f"{code_hash()}|{config!r}".encode()).hexdigest()


def stat_key(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def tree_signature(folders: Iterable[Path], files: Iterable[Path], extra: str) -> str:
    """A hash of the size and mtime of every file under `folders` plus `files`, and `extra`.

    Walks with os.scandir, whose entries carry their stat on Linux for free: 10,000 files
    take a few tens of milliseconds.
    """
    h = hashlib.sha256(extra.encode())
    for file in files:
        h.update(f"{file}|{stat_key(file)}\n".encode())
    for folder in folders:
        for path, size, mtime in _scan(folder):
            h.update(f"{path}|{size}|{mtime}\n".encode())
    return h.hexdigest()


def _scan(folder: Path) -> Iterable[tuple[str, int, int]]:
    stack = [str(folder)]
    found = []
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    else:
                        try:
                            st = entry.stat()
                        except OSError:
                            continue
                        found.append((entry.path, st.st_size, st.st_mtime_ns))
        except OSError:
            continue
    return sorted(found)


@dataclass
class Entry:
    """One parsed file: the stat it was read at, its bytes' hash, and what parsing gave."""

    stat: tuple
    digest: str
    value: Any
    problems: list


@dataclass
class State:
    """Everything remembered from the last build."""

    settings: str = ""
    articles: dict[str, Entry] = field(default_factory=dict)     # source -> entry
    photos: dict[str, Entry] = field(default_factory=dict)       # source -> entry
    pages: dict[str, str] = field(default_factory=dict)          # output file -> fingerprint
    pages_settings: str = ""                                     # settings the pages were made with


class Store:
    """`State` in one pickle file; the last good build's signature in a small one beside it.

    The signature is separate so that a build with nothing to do reads a few bytes, not
    every parsed article.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.file = folder / "state.pickle"
        self.head = folder / "head.pickle"

    def load(self) -> State:
        state = _load(self.file)
        return state if isinstance(state, State) else State()

    def save(self, state: State) -> None:
        _save(self.file, state)

    def load_head(self) -> dict[str, Any]:
        head = _load(self.head)
        return head if isinstance(head, dict) else {}

    def save_head(self, head: dict[str, Any]) -> None:
        _save(self.head, head)

    def forget_head(self) -> None:
        try:
            self.head.unlink()
        except OSError:
            pass


def _load(file: Path) -> Any:
    try:
        with file.open("rb") as f:
            return pickle.load(f)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None  # an old or damaged cache is only a lost shortcut


def _save(file: Path, value: Any) -> None:
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as f:
        pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, file)


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
