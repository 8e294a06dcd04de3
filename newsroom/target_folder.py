"""Publishing to a folder: a mounted web root, a network share, a local test copy.

Each file is written beside its place and renamed over it, so a reader (or the web server)
sees the old file or the new one, never half of one. Headers are the web server's to set;
the manifest records them (README: the publisher's guide has an nginx example).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from . import cachedir
from .deploy import MANIFEST, Entry, PublishError, Sent
from .sitecheck import unsafe_place

_WRITING = re.compile(r"^\.(.+)\.publishing-(\d+)$")   # a file being written: .NAME.publishing-PID


class FolderTarget:
    def __init__(self, folder: Path, site: Path, root: Path | None = None) -> None:
        """`root`: the archive, whose sources and cache a copy must not land in (photos/www
        was published into, and the next build took its renditions for photos)."""
        folder, site = folder.resolve(), site.resolve()
        if folder == site or folder.is_relative_to(site) or site.is_relative_to(folder):
            raise PublishError("cannot publish into {folder}: it is, holds or is inside the built site {site}",
                               folder=folder, site=site)
        why = unsafe_place(folder, root) if root is not None else None
        if why:
            raise PublishError("cannot publish into {folder}: {why}", folder=folder, why=why)
        if folder.exists() and not folder.is_dir():
            raise PublishError("cannot publish into {folder}: it is a file, not a folder", folder=folder)
        self.folder = folder

    def __str__(self) -> str:
        return str(self.folder)

    def read_manifest(self) -> bytes | None:
        try:
            return (self.folder / MANIFEST).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise PublishError("cannot read {file}: {reason}", file=self.folder / MANIFEST, reason=exc.strerror) from exc

    def send(self, site: Path, files: list[tuple[str, Entry]], sent: Sent) -> None:
        for path, entry in files:
            target = self.folder / path
            with self._errors(target):   # (a full disk: named by the file it was writing, not the site's)
                if _holds(target, entry):   # sent by a publish that was stopped: not again
                    continue
                self._copy(site / path, target)
            sent(path, entry.size)

    def write_manifest(self, data: bytes) -> None:
        with self._errors():
            self.folder.mkdir(parents=True, exist_ok=True)
            self._replace(self.folder / MANIFEST, lambda tmp: tmp.write_bytes(data))

    def delete(self, paths: list[str]) -> None:
        with self._errors():
            for path in paths:
                (self.folder / path).unlink(missing_ok=True)

    def prune(self, folders: list[str]) -> None:
        for folder in folders:   # deepest first
            try:
                (self.folder / folder).rmdir()
            except OSError:
                pass   # not empty (something not ours is in it) or already gone

    def tidy(self, paths: Iterable[str]) -> None:
        """Remove what a publish killed while writing `paths` left beside them: a temporary
        copy (_replace) in the web root, served to anyone who asks, and never removed."""
        for folder in {(self.folder / path).parent for path in paths}:
            try:
                names = os.listdir(folder)
            except OSError:
                continue
            for name in names:
                match = _WRITING.match(name)
                if match and cachedir.dead(int(match.group(2))):
                    (folder / name).unlink(missing_ok=True)

    def _copy(self, source: Path, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        self._replace(target, lambda tmp: shutil.copy2(source, tmp))   # mtime kept: Last-Modified

    @staticmethod
    def _replace(target: Path, write) -> None:   # (its temporary copy: _WRITING)
        tmp = target.with_name(f".{target.name}.publishing-{os.getpid()}")
        try:
            write(tmp)
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    @contextmanager
    def _errors(self, file: Path | None = None) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            where = f" ({file or exc.filename})" if file or exc.filename else ""
            raise PublishError("cannot write to {folder}: {reason}{where}", folder=self.folder,
                               reason=exc.strerror or exc, where=where) from exc


def _holds(file: Path, entry: Entry) -> bool:
    try:
        if file.stat().st_size != entry.size:
            return False
        with open(file, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest() == entry.sha256
    except FileNotFoundError:
        return False
