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
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from . import interrupts, journal
from .i18n import Explained

try:
    import fcntl
except ImportError:  # not POSIX: builds are not serialised
    fcntl = None  # type: ignore[assignment]

FICLONE = 0x40049409   # ioctl: make `dst` share `src`'s blocks (btrfs, XFS, …)
MARKER = ".newsroom-site.json"   # tells a folder made by a build: its manifest of file digests


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


# In write()'s files: "this file is as in the current site" (an incremental build that did
# not render the page again); it is linked from the site without being read.
KEEP = _Keep()


class OutputError(Explained):
    """The output folder cannot be used (not made by a build, or unwritable)."""


@dataclass(frozen=True)
class WriteResult:
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)


def manifest(site_dir: Path) -> dict[str, str]:
    try:
        data = json.loads((site_dir / MARKER).read_text(encoding="utf-8"))
        return data.get("files", {}) if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def check_target(site_dir: Path) -> None:
    """Refuse to replace a non-empty folder that no build made."""
    if site_dir.exists() and not site_dir.is_dir():
        raise OutputError("refusing to write the site here: it is a file, not a folder")
    if site_dir.is_dir() and any(site_dir.iterdir()) and not (site_dir / MARKER).is_file():
        raise OutputError("refusing to write the site here: the folder is not empty and was not made "
                          "by a build (it has no {marker}); choose an empty or new folder with --output",
                          marker=MARKER)


def check_output(site_dir: Path, root: Path, home: Path | None = None) -> OutputError | None:
    """Why the site must not be written to `site_dir` (None: it may); checked before anything is written.

    The output folder is replaced wholesale, so it must not be, or contain, anything an
    editor keeps: the archive, its sources, the home folder, the file system root.
    """
    out, root = site_dir.resolve(), root.resolve()
    try:
        home = (home or Path.home()).resolve()
    except (RuntimeError, KeyError):   # no home folder known: nothing to protect there
        home = Path(root.anchor) / ".no-home"
    why: Explained | None = None
    sources = {"content": root / "content", "photos": root / "photos", "templates": root / "templates",
               ".cache": root / ".cache"}
    if out == Path(out.anchor):
        why = Explained("it is the root of the file system")
    elif out == home:
        why = Explained("it is your home folder")
    elif out == root:
        why = Explained("it is the archive folder itself")
    elif root.is_relative_to(out):
        why = Explained("it contains the archive folder {root}", root=root)
    else:
        for name, folder in sources.items():
            if out.is_relative_to(folder):
                why = (Explained("it is the archive's {name}/ folder", name=name) if out == folder
                       else Explained("it is inside the archive's {name}/ folder", name=name))
                break
    if not why and home.is_relative_to(out):
        why = Explained("it contains your home folder")
    blocked = next((folder for folder in out.parents if folder.exists() and not folder.is_dir()), None)
    if not why and blocked is not None:
        why = Explained("{path} is a file, not a folder", path=blocked)
    if why:
        return OutputError("refusing to write the site here: {why}; choose an empty or new folder with --output",
                           why=why)
    try:
        check_target(out)
    except OutputError as exc:
        return exc
    return None


def _cannot_write(exc: OSError) -> OutputError:
    """Disk full, permissions, a file where a folder must go …, naming the file when known."""
    where = f" ({exc.filename})" if exc.filename else ""
    return OutputError("cannot write the site: {reason}{where}", reason=exc.strerror or exc, where=where)


def write(files: Iterable[tuple[str, bytes | Path | _Keep]], site_dir: Path) -> WriteResult:
    """Publish `files` (site-relative path, bytes or a file to link) as the whole of `site_dir`."""
    site_dir = site_dir.resolve()
    try:
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        with _locked(site_dir.parent):
            return _write(files, site_dir)
    except OSError as exc:   # disk full, permissions, a file where a folder must go …
        raise _cannot_write(exc) from exc


def _write(files: Iterable[tuple[str, bytes | Path]], site_dir: Path) -> WriteResult:
    recover(site_dir)
    check_target(site_dir)
    old = manifest(site_dir)
    staging = site_dir.parent / f".{site_dir.name}.staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    new: dict[str, str] = {}
    written: list[str] = []
    # Folders made so far: most files are the only one in theirs, and asking the file
    # system again for each one's parents was a tenth of the writing.
    folders = {""}
    try:
        # Marked at once: recover() then knows this folder is ours even if we are killed now.
        (staging / MARKER).write_text(json.dumps({"staging": True}), encoding="utf-8")
        for path, content in files:
            _check_path(path)
            if path in new:
                raise OutputError("two files would be written to {path}", path=path)
            target = staging / path
            folder = path.rpartition("/")[0]
            if folder not in folders:
                os.makedirs(target.parent, exist_ok=True)
                while folder not in folders:
                    folders.add(folder)
                    folder = folder.rpartition("/")[0]
            if content is KEEP:
                if path not in old:
                    raise OutputError("{path} was to be kept but is not in {folder}", path=path, folder=site_dir)
                new[path] = old[path]
                if not _link(site_dir / path, target):
                    try:
                        shutil.copyfile(site_dir / path, target)
                    except OSError as exc:
                        raise OutputError("{path} is missing from the published site", path=site_dir / path) from exc
                continue
            digest = _digest(content)
            new[path] = digest
            if old.get(path) == digest and _same_size(site_dir / path, content) and _link(site_dir / path, target):
                continue
            if isinstance(content, Path):
                copy(content, target)
            else:
                with open(target, "wb") as f:
                    f.write(content)
            written.append(path)
        removed = tuple(sorted(set(old) - set(new)))
        if not written and not removed and site_dir.is_dir():
            _remove(staging)
            return WriteResult((), len(new), ())
        (staging / MARKER).write_text(_manifest_text(new), encoding="utf-8")
        with interrupts.held():   # Ctrl-C now would leave the site half-swapped
            _swap(staging, site_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return WriteResult(tuple(sorted(written)), len(new) - len(written), removed)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One build at a time publishes into `folder`: a second waits (else it would remove the
    first one's staging folder as a leftover). The lock goes with the process, even on SIGKILL."""
    if fcntl is None:
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
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
            leftover.rename(site_dir)   # killed between the two renames of _swap's fallback
        else:
            _remove(leftover)   # a stale copy: removing it may stop anywhere (the marker goes last)


def tidy(site_dir: Path) -> None:
    """What a build that died or failed left beside `site_dir`, undone or removed: the first
    thing a build does (under the archive's lock), so nothing it decides rests on it."""
    site_dir = site_dir.resolve()
    if site_dir.parent.is_dir():
        with _locked(site_dir.parent):
            recover(site_dir)


def identity(site_dir: Path) -> str:
    """Which publication `site_dir` holds: its manifest file's inode, size and mtime."""
    try:
        st = (site_dir / MARKER).stat()
    except OSError:
        return ""
    return f"{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"


def copy(source: Path, target: Path) -> None:
    """A copy of a cache file, never a second name for it: the site must not change when the
    cache does. A reflink (shared blocks, copied on write) where the file system has them."""
    with open(source, "rb") as src, open(target, "wb") as dst:
        if fcntl is not None:
            try:
                fcntl.ioctl(dst.fileno(), FICLONE, src.fileno())
                return
            except OSError:
                pass
        shutil.copyfileobj(src, dst, 1 << 20)


def _swap(staging: Path, site_dir: Path) -> None:
    if not site_dir.exists():
        staging.rename(site_dir)
        return
    if _exchange(staging, site_dir):
        _remove(staging)   # now holds the previous site
        return
    # No atomic exchange here: two renames, and recover() undoes a kill between them.
    backup = staging.with_name(staging.name + ".old")
    site_dir.rename(backup)
    staging.rename(site_dir)
    _remove(backup)


def _remove(folder: Path) -> None:
    """A staging folder removed, its marker last: killed half-way, it is still known as ours."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name != MARKER:
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
    shutil.rmtree(folder)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _link(source: Path, target: Path) -> bool:
    try:
        os.link(source, target)
        return True
    except OSError:
        return False


def _digest(content: bytes | Path) -> str:
    if isinstance(content, Path):
        # Linked files are content-addressed renditions (immutable): name and size identify them.
        st = content.stat()
        return f"file:{content.name}:{st.st_size}"
    return hashlib.sha256(content).hexdigest()


def _manifest_text(files: dict[str, str]) -> str:
    # One line: json's C encoder is only used without `indent`, and the manifest has a line
    # per file of the site (18,000 at 10,000 articles), written on every build.
    return json.dumps({"files": dict(sorted(files.items()))})


def _check_path(path: str) -> None:
    parts = PurePosixPath(path).parts
    if not parts or path.startswith("/") or ".." in parts or path == MARKER:
        raise OutputError("refusing to write outside the site: {path}", path=repr(path))


def update(changed: dict[str, bytes | Path], removed: Iterable[str], site_dir: Path) -> WriteResult:
    """Replace a few files of a built site in place (see _update), one build at a time."""
    site_dir = site_dir.resolve()
    with _locked(site_dir.parent):
        try:
            return _update(changed, removed, site_dir)
        except OSError as exc:
            raise _cannot_write(exc) from exc


def _update(changed: dict[str, bytes | Path], removed: Iterable[str], site_dir: Path) -> WriteResult:
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
    old = manifest(site_dir)
    if not old or not (site_dir / MARKER).is_file():
        raise OutputError("{folder} has no manifest to update; a full write is needed", folder=site_dir)
    new = dict(old)
    gone = sorted(p for p in set(removed) if p in old)
    for path in gone:
        del new[path]
    renames: list[tuple[str, str]] = []
    patch = site_dir.parent / f".{site_dir.name}.patch-{os.getpid()}"
    if patch.exists():
        shutil.rmtree(patch)
    try:
        for path, content in sorted(changed.items()):
            _check_path(path)
            digest = _digest(content)
            new[path] = digest
            if old.get(path) == digest and (site_dir / path).is_file():
                continue
            patch.mkdir(exist_ok=True)
            name = str(len(renames))
            if isinstance(content, Path):
                copy(content, patch / name)
            else:
                (patch / name).write_bytes(content)
            renames.append((name, path))
        if not renames and not gone:
            shutil.rmtree(patch, ignore_errors=True)
            return WriteResult((), len(new), ())
        patch.mkdir(exist_ok=True)
        (patch / journal.MANIFEST).write_text(_manifest_text(new), encoding="utf-8")
        journal.commit(patch, renames, gone)
    except BaseException:
        shutil.rmtree(patch, ignore_errors=True)
        raise
    with interrupts.held():   # Ctrl-C now would leave the site half-patched
        journal.apply(patch, site_dir, MARKER)
    return WriteResult(tuple(path for _, path in sorted(renames, key=lambda r: r[1])), len(new) - len(renames),
                       tuple(gone))
