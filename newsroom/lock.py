"""One build at a time per archive: a lock the kernel releases when the build dies.

Builds of one archive share its cache (parsed files, renditions, search bundles) and
usually its output folder, so a build holds `ROOT/.cache/lock` for its whole run. The lock
is flock(2) on that file: the kernel drops it when the holder exits or is killed, even by
SIGKILL, so a dead build never blocks the next one. (Forked workers would share the lock
too; they die with their parent, see lifeline.py.) Whoever takes the lock writes who it is
into the file, so a build that has to wait can say what it is waiting for.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: builds are not serialised
    fcntl = None  # type: ignore[assignment]

from . import cachedir
from .i18n import ENGLISH, Explained, tr

NAME = "lock"


class LockError(Explained):
    """The lock file cannot be made or waited for (an unwritable cache, a timeout)."""


def hold_archive(cache_dir: Path, lang: str = ENGLISH) -> AbstractContextManager[None]:
    """The archive's lock, `cache_dir`/lock, the cache folder made (or reported) first; `lang`:
    the language of the line that says whom it waits for."""
    try:
        folder = cachedir.prepare(cache_dir)
    except cachedir.CacheError as exc:
        raise LockError(exc.template, **exc.params) from exc
    return hold(folder / NAME, lang=lang)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


@contextmanager
def hold(file: Path, what: str = "build", notify: Callable[[str], None] = _say,
         timeout: float | None = None, lang: str = ENGLISH) -> Iterator[None]:
    """Hold the lock `file` for the duration; wait (saying who holds it) while another process does."""
    if fcntl is None:
        yield
        return
    try:
        fd = os.open(file, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise LockError("cannot make the lock file {file}: {reason}", file=file, reason=exc.strerror) from exc
    try:
        _acquire(fd, file, notify, timeout, lang)
        _describe(fd, what)
        yield
    finally:
        os.close(fd)   # releases the lock


def _acquire(fd: int, file: Path, notify: Callable[[str], None], timeout: float | None, lang: str) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    notify(tr(lang, "waiting for {holder} to finish (it holds {file})", holder=holder(file), file=file))
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        if deadline is None:
            fcntl.flock(fd, fcntl.LOCK_EX)
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise LockError("gave up after {seconds} s waiting for {holder} (it holds {file})",
                                seconds=f"{timeout:.0f}", holder=holder(file), file=file) from None
            time.sleep(0.05)


def _describe(fd: int, what: str) -> None:
    text = json.dumps({"pid": os.getpid(), "what": what, "since": time.strftime("%H:%M:%S"),
                       "command": " ".join(sys.argv[:6])})
    os.ftruncate(fd, 0)
    os.pwrite(fd, text.encode(), 0)


def holder(file: Path) -> Explained:
    """Who holds the lock, as written by them: 'build 1234 (python build.py, since 10:02:03)'."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        return Explained("{what} {pid} ({command}, since {since})", what=data["what"], pid=data["pid"],
                         command=data["command"] or "python", since=data["since"])
    except (OSError, ValueError, KeyError, TypeError):
        return Explained("another build")
