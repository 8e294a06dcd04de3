"""One build at a time per archive: a lock the kernel releases when the build dies.

Builds of one archive share its cache (parsed files, renditions, search bundles) and
usually its output folder, so a build holds `ROOT/.cache/lock` for its whole run. The lock
is flock(2) on that file: the kernel drops it when the holder exits or is killed, even by
SIGKILL, so a dead build never blocks the next one. (Forked workers would share the lock
too; they die with their parent, see lifeline.py.) Whoever takes the lock writes who it is
into the file, so a build that has to wait can say what it is waiting for; it says so again
every EVERY seconds, and gives up after --wait seconds (WAIT by default; serve: no limit).
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
from .i18n import ENGLISH, N_, Explained, tr

NAME = "lock"


class LockError(Explained):
    """The lock file cannot be made or waited for (an unwritable cache, a timeout)."""


WAIT = 3600.0   # seconds a command waits for the lock before it gives up (--wait)
EVERY = 30.0    # seconds between the lines that say it is still waiting


def hold_archive(cache_dir: Path, wait: float | None = None, lang: str = ENGLISH,
                 what: str = "build") -> AbstractContextManager[None]:
    """The archive's lock, `cache_dir`/lock, the cache folder made (or reported) first;
    waited for `wait` seconds at most (None: as long as it takes); `lang`: the language of
    the lines that say whom it waits for; `what`: who holds it (build, publish)."""
    try:
        folder = cachedir.prepare(cache_dir)
    except cachedir.CacheError as exc:
        raise LockError(exc.template, **exc.params) from exc
    return hold(folder / NAME, what, timeout=wait, lang=lang)


@contextmanager
def hold_folder(folder: Path, wait: float | None = None, lang: str = ENGLISH) -> Iterator[None]:
    """The lock of the folder an output is written into (flock on the folder itself: no file
    left there), for a whole build: two archives building into one output take turns, as
    each decides what to write from what the output holds when it starts (output.py). Waited
    for as the archive's is, saying so; LockError after `wait` seconds."""
    if fcntl is None:
        yield
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as exc:
        raise LockError("cannot make or open the folder {folder} to lock it: {reason}", folder=folder,
                        reason=exc.strerror) from exc
    try:
        _acquire(fd, folder, lambda message, **values: _say(tr(lang, message, **values)), wait, EVERY)
        yield
    finally:
        os.close(fd)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


@contextmanager
def hold(file: Path, what: str = "build", notify: Callable[[str], None] = _say,
         timeout: float | None = None, lang: str = ENGLISH, every: float = EVERY) -> Iterator[None]:
    """Hold the lock `file` for the duration; while another process does, wait, saying who
    it is and, every `every` seconds, that it is still waiting; LockError after `timeout`."""
    if fcntl is None:
        yield
        return
    try:
        fd = os.open(file, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise LockError("cannot make the lock file {file}: {reason}", file=file, reason=exc.strerror) from exc
    try:
        _acquire(fd, file, lambda message, **values: notify(tr(lang, message, **values)), timeout, every)
        _describe(fd, what)
        yield
    finally:
        os.close(fd)   # releases the lock


def _acquire(fd: int, file: Path, say: Callable[..., None], timeout: float | None, every: float) -> None:
    """Polled rather than blocking, so that the wait is never silent and can end."""
    if _try(fd):
        return
    say(N_("waiting for {holder} to finish (it holds {file})"), holder=holder(file), file=file)
    started = said = time.monotonic()
    while not _try(fd):
        now = time.monotonic()
        if timeout is not None and now - started >= timeout:
            raise LockError("gave up after {seconds} s waiting for {holder} (it holds {file}); "
                            "--wait SECONDS waits longer", seconds=round(timeout), holder=holder(file),
                            file=file) from None
        if now - said >= every:
            say(N_("still waiting for {holder}: {seconds} s so far (it holds {file})"), holder=holder(file),
                file=file, seconds=round(now - started))
            said = now
        time.sleep(0.05)


def _try(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _describe(fd: int, what: str) -> None:
    text = json.dumps({"pid": os.getpid(), "what": what, "since": time.strftime("%H:%M:%S"),
                       "command": " ".join(sys.argv[:6])})
    os.ftruncate(fd, 0)
    os.pwrite(fd, text.encode(), 0)


# Each kind of holder its own whole message, so that each is said in the editor's language.
_KINDS = {"build": N_("build {pid} ({command}, since {since})"),
          "publish": N_("publish {pid} ({command}, since {since})")}


def holder(file: Path) -> Explained:
    """Who holds the lock, as written by them: 'build 1234 (python build.py, since 10:02:03)'
    ('another build' for a folder's lock, which has no file to write it in)."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        kind = _KINDS.get(data["what"], "{what} {pid} ({command}, since {since})")
        return Explained(kind, what=data["what"], pid=data["pid"], command=data["command"] or "python",
                         since=data["since"])
    except (OSError, ValueError, KeyError, TypeError):
        return Explained("another build")
