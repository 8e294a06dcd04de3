"""Writing the site: atomically, only what changed, and never over something else.

The new tree is assembled in a staging folder beside the output, `.NAME.staging-PID`
(unchanged files are hard-linked from the current site, so their modification times
stay), and swapped in with one atomic rename only once complete. A build that fails or
is killed leaves the published site as it was; the next build removes what it left.

Why beside and not inside: the swap must replace the output folder itself in one step
(renameat2 RENAME_EXCHANGE, or rename), which needs both folders on one file system and
neither inside the other. The staging folder is the only thing a build writes outside
the output folder, it carries the marker from its first moment, and only folders with
that name and marker (or still empty) are ever removed by `recover`.

A build writes only while it holds the lock of the output's parent folder (lock.hold_folder,
taken by builder._turn for its whole run): another build's staging folder is never taken
for a leftover, and no build patches a site another archive's build changed since it looked.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import interrupts, journal, manifesttext, placing
from .sitecheck import MARKER, OutputError, check_output, check_target  # noqa: F401 - output's API


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


# In write()'s files: "this file is as in the current site" (an incremental build that did
# not render the page again); it is linked from the site without being read.
KEEP = _Keep()


@dataclass(frozen=True)
class WriteResult:
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)


class Manifest(dict):
    """A site's manifest as read, with the `identity` of the file it was read from and its
    bytes (update() edits them: manifesttext.py)."""

    identity = ""
    data = b""


def manifest(site_dir: Path) -> Manifest:
    found = Manifest()
    try:
        data = (site_dir / MARKER).read_bytes()
        files = json.loads(data).get("files")
    except (OSError, ValueError, AttributeError):
        return found
    if isinstance(files, dict):
        found.update(files)
        found.data = data
    return found


def published(site_dir: Path) -> manifesttext.Read:
    """The manifest of `site_dir`, kept with its identity: update() reads it again only if
    the file changed since. Its entries are looked up in its text, not decoded (at 100,000
    articles it is 317,000 files, 0.26 s to decode)."""
    ident = identity(site_dir)
    try:
        found = manifesttext.Read((site_dir / MARKER).read_bytes())
    except OSError:
        found = manifesttext.Read(b"")
    found.identity = ident
    return found


def _cannot_write(exc: OSError) -> OutputError:
    """Disk full, permissions, a file where a folder must go …, naming the file when known: the
    site's file a rename failed to replace (filename2), not the patch folder's numbered copy."""
    name = exc.filename2 or exc.filename
    where = f" ({name})" if name else ""
    return OutputError("cannot write the site: {reason}{where}", reason=exc.strerror or exc, where=where)


def write(files: Iterable[tuple[str, bytes | Path | _Keep | Placed]], site_dir: Path) -> WriteResult:
    """Publish `files` (site-relative path, bytes or a file to link) as the whole of `site_dir`."""
    with staged(site_dir) as stage:
        for path, content in files:
            stage.add(path, content)
    return stage.result


@dataclass(frozen=True)
class Placed:
    """In write()'s files: put in the staging folder already, by Stage.put in a worker."""
    digest: str
    written: bool


@contextmanager
def staged(site_dir: Path) -> Iterator[Stage]:
    """A new tree for `site_dir`, assembled in a staging folder and swapped in whole when the
    block ends without an exception (removed if it does not). Forked workers may put files
    in it (Stage.put) while the block runs; they must have finished before it ends."""
    site_dir = site_dir.resolve()
    try:
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        recover(site_dir)
        check_target(site_dir)
        stage = Stage(site_dir)
        try:
            stage.begin()
            yield stage
            stage.finish()
        except BaseException:
            placing.discard(stage.folder)
            raise
    except OSError as exc:   # disk full, permissions, a file where a folder must go …
        interrupt = interrupts.behind(exc)
        if interrupt is not None:
            raise interrupt from None   # the site is as it was: say so, as for any Ctrl-C
        raise _cannot_write(exc) from exc


class Stage:
    """The staging folder of one write, and the manifest of what is in it so far."""

    def __init__(self, site_dir: Path):
        self.site_dir = site_dir
        self.old = manifest(site_dir)
        self.folder = site_dir.parent / f".{site_dir.name}.staging-{os.getpid()}"
        self.new: dict[str, str] = {}
        self.written: list[str] = []
        self.result = WriteResult((), 0, ())
        self._root = str(self.folder) + os.sep
        self._folders = {""}   # made so far (_make_folders)

    def begin(self) -> None:
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir()
        # Marked at once: recover() then knows this folder is ours even if we are killed now.
        (self.folder / MARKER).write_text(json.dumps({"staging": True}), encoding="utf-8")

    def add(self, path: str, content: bytes | Path | _Keep | Placed) -> None:
        # A second file at a path overwrites the first in the staging folder, which placed()
        # then refuses: the folder is removed.
        self.placed(path, content if isinstance(content, Placed) else self.put(path, content))

    def placed(self, path: str, placed: Placed) -> None:
        """Record a file put in the staging folder (here, or by a worker)."""
        if path in self.new:
            raise OutputError("two files would be written to {path}", path=path)
        self.new[path] = placed.digest
        if placed.written:
            self.written.append(path)

    def put(self, path: str, content: bytes | Path | _Keep) -> Placed:
        """Put one file in the staging folder: linked from the site if it is unchanged. Safe
        in forked workers (it records nothing here: the writer records what it returns)."""
        _check_path(path)
        target = self._root + path   # a string: joining Paths for each of 30,000 files was a tenth of writing
        self._make_folders(path)
        if content is KEEP:
            return Placed(self._keep(path, target), False)
        digest = _digest(content)
        if self.old.get(path) == digest and _same_size(self.site_dir / path, content) \
                and placing.link(self.site_dir / path, target):
            return Placed(digest, False)
        if isinstance(content, Path):
            placing.copy(content, target)
        else:
            _write(target, content)
        return Placed(digest, True)

    def _make_folders(self, path: str) -> None:
        """The folders `path` is in. Most files are the only one in theirs, and asking the file
        system about each one's parents (os.makedirs) was a tenth of the writing."""
        folder, missing = path.rpartition("/")[0], []
        while folder not in self._folders:
            missing.append(folder)
            folder = folder.rpartition("/")[0]
        for folder in reversed(missing):
            try:
                os.mkdir(self._root + folder)
            except FileExistsError:
                pass   # made by another worker (a file in its place fails when written into)
            self._folders.add(folder)

    def _keep(self, path: str, target: str) -> str:
        if path not in self.old:
            raise OutputError("{path} was to be kept but is not in {folder}", path=path, folder=self.site_dir)
        if not placing.link(self.site_dir / path, target):
            try:
                shutil.copyfile(self.site_dir / path, target)
            except OSError as exc:
                raise OutputError("{path} is missing from the published site", path=self.site_dir / path) from exc
        return self.old[path]

    def finish(self) -> None:
        removed = tuple(sorted(set(self.old) - set(self.new)))
        self.result = WriteResult(tuple(sorted(self.written)), len(self.new) - len(self.written), removed)
        if not self.written and not removed and self.site_dir.is_dir():
            placing.remove(self.folder)
            return
        (self.folder / MARKER).write_text(manifesttext.encoded(dict(sorted(self.new.items()))), encoding="utf-8")
        with interrupts.held():   # Ctrl-C now would leave the site half-swapped
            placing.swap(self.folder, self.site_dir)


def _write(file: str, content: bytes) -> None:
    """A new file in the staging folder, by the system calls themselves: a Python file object
    for each of a cold build's 30,000 pages was a third of writing one (13 µs against 22)."""
    fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _same_size(published: Path, content: bytes | Path) -> bool:
    """A cheap guard against a published file edited by hand since (the manifest cannot tell)."""
    try:
        size = published.stat().st_size
    except OSError:
        return False
    return size == (content.stat().st_size if isinstance(content, Path) else len(content))


def recover(site_dir: Path) -> None:
    """Undo what a build killed mid-swap left: restore the old site, drop stale staging."""
    parent = site_dir.parent
    if not parent.is_dir():
        return
    for patch in sorted(parent.glob(f".{site_dir.name}.patch-*")):
        if patch.is_dir() and not patch.is_symlink():
            with interrupts.held():   # an undo cut short would leave the site mixed
                journal.undo(patch, site_dir, MARKER)   # a "….done" one has nothing left to undo
    for leftover in sorted(parent.glob(f".{site_dir.name}.staging-*")):
        if not leftover.is_dir() or leftover.is_symlink():
            continue
        made_by_build = (leftover / MARKER).is_file() or not any(leftover.iterdir())
        if not made_by_build:
            continue   # not ours after all: leave it alone
        if not site_dir.exists() and leftover.name.endswith(".old"):
            leftover.rename(site_dir)   # killed between the two renames of placing.swap's fallback
        else:
            placing.remove(leftover)   # a stale copy: removing it may stop anywhere (the marker goes last)


def tidy(site_dir: Path) -> None:
    """What a build that died or failed left beside `site_dir`, undone or removed: the first
    thing a build does (under the archive's and the output folder's locks), so nothing it
    decides rests on it."""
    site_dir = site_dir.resolve()
    if site_dir.parent.is_dir():
        recover(site_dir)


def published_name(path: Path, site_dir: Path) -> Path:
    """Where a file being written into the staging folder (Stage) will be once it is swapped in:
    what a message names (an editor has never seen .NAME.staging-PID)."""
    path, site_dir = path.resolve(), site_dir.resolve()
    staging = f".{site_dir.name}.staging-"
    if path.parent != site_dir.parent and path.is_relative_to(site_dir.parent):
        first, *rest = path.relative_to(site_dir.parent).parts
        if first.startswith(staging):
            return site_dir.joinpath(*rest)
    return path


def identity(site_dir: Path) -> str:
    """Which publication `site_dir` holds: its manifest file's inode, size and mtime."""
    try:
        st = (site_dir / MARKER).stat()
    except OSError:
        return ""
    return f"{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"


def linked_digest(name: str, size: int) -> str:
    """What the manifest records of a file passed by path (see _digest)."""
    return f"file:{name}:{size}"


def _digest(content: bytes | Path) -> str:
    if isinstance(content, Path):
        # Linked files are content-addressed renditions (immutable): name and size identify them.
        return linked_digest(content.name, content.stat().st_size)
    return hashlib.sha256(content).hexdigest()


def _check_path(path: str) -> None:
    # By string, not PurePosixPath: it ran for each of the 30,000 files of a cold build.
    parts = path.split("/")
    if path.startswith("/") or ".." in parts or path == MARKER or set(parts) <= {"", "."}:
        raise OutputError("refusing to write outside the site: {path}", path=repr(path))


def update(changed: dict[str, bytes | Path], removed: Iterable[str], site_dir: Path,
           known: dict[str, str] | None = None) -> WriteResult:
    """Replace a few files of a built site in place (see _update), one build at a time.
    `known`: its manifest as read before (published()), used if the file is still that one."""
    site_dir = site_dir.resolve()
    try:
        return _update(changed, removed, site_dir, known)
    except OSError as exc:
        raise _cannot_write(exc) from exc


def _update(changed: dict[str, bytes | Path], removed: Iterable[str], site_dir: Path,
            known: dict[str, str] | None = None) -> WriteResult:
    """Replace a few files of a built site in place, and remove others, crash-safely.

    For small incremental builds: staging a whole copy of a 20,000-file site costs seconds,
    this costs milliseconds. The new files are first written beside the site with a journal;
    once the journal is complete the changes are applied (each file by an atomic rename)
    and the manifest is rewritten (journal.py). A build that dies or fails while applying
    them has them undone, by itself or by the next build's recover(); one killed before
    leaves the site untouched. Files whose bytes equal the published ones are not touched
    (their mtimes stay).
    """
    recover(site_dir)
    check_target(site_dir)
    same = isinstance(known, (Manifest, manifesttext.Read)) and known.identity and known.identity == identity(site_dir)
    old = known if same else manifest(site_dir)
    if not old or not (site_dir / MARKER).is_file():
        raise OutputError("{folder} has no manifest to update; a full write is needed", folder=site_dir)
    gone = sorted(p for p in set(removed) if p in old)
    renames: list[tuple[str, str]] = []
    digests: dict[str, str] = {}
    patch = site_dir.parent / f".{site_dir.name}.patch-{os.getpid()}"
    if patch.exists():
        shutil.rmtree(patch)
    try:
        for path, content in sorted(changed.items()):
            _check_path(path)
            digest = digests[path] = _digest(content)
            if old.get(path) == digest and (site_dir / path).is_file():
                continue
            patch.mkdir(exist_ok=True)
            name = str(len(renames))
            if isinstance(content, Path):
                placing.copy(content, patch / name)
            else:
                (patch / name).write_bytes(content)
            renames.append((name, path))
        out = set(gone)
        files = len(old) - len(gone) + sum(path not in old or path in out for path in digests)
        if not renames and not gone:
            shutil.rmtree(patch, ignore_errors=True)
            return WriteResult((), files, ())
        patch.mkdir(exist_ok=True)
        pieces = manifesttext.patched(old.data, old, digests, set(gone))
        with (patch / journal.MANIFEST).open("wb") as f:
            f.writelines(pieces or [manifesttext.encoded(_edited(old, digests, gone)).encode()])
        journal.commit(patch, renames, gone)
    except BaseException:
        shutil.rmtree(patch, ignore_errors=True)
        raise
    with interrupts.held():   # Ctrl-C now would leave the site half-patched
        journal.apply(patch, site_dir, MARKER)
    return WriteResult(tuple(path for _, path in sorted(renames, key=lambda r: r[1])), files - len(renames),
                       tuple(gone))


def _edited(old: Mapping[str, str], changed: dict[str, str], gone: list[str]) -> dict[str, str]:
    """The manifest `old` with `changed` set and `gone` removed, in path order."""
    new = dict(old)
    for path in gone:
        del new[path]
    new.update(changed)
    return dict(sorted(new.items()))
