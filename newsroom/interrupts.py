"""Ctrl-C held back where acting on it at once would make the build lie or print a traceback.

Python raises KeyboardInterrupt in the main thread between any two of its steps, whichever
thread the kernel handed the signal to: blocking SIGINT in the main thread (pthread_sigmask)
does not hold it back while another thread (a thread pool's, Pagefind's) can take it. So a
held section swaps in a handler that only notes the signal, and hands it on to the handler it
replaced once the section is over: a KeyboardInterrupt then, or serve's "stop once this build
is done".

Python also drops a KeyboardInterrupt raised where it cannot propagate (a __del__, a weakref
callback such as importlib's module locks', a callback from native code such as nh3's), with
a traceback, and the build would go on. Under `noticed()` (the command line) such a Ctrl-C is
kept instead, and the build acts on it at its next `check()`, between two stages.

What the message says afterwards is decided by what happened to the site (builder.build):
a Ctrl-C that comes once the new site is in place raises InterruptedAfterWriting.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Ctrl-Cs Python could not raise (see noticed): process-wide, as signal handlers are.
_dropped: list[bool] = []


class InterruptedAfterWriting(KeyboardInterrupt):
    """Ctrl-C once the new site was in place: the build says so, not "the site was not changed"."""


@contextmanager
def held() -> Iterator[None]:
    """Ctrl-C noted, not acted on, until the end of the section (a change to the site, a
    cache record, a library call whose cleanup would swallow it with a traceback)."""
    if threading.current_thread() is not threading.main_thread():
        yield   # only the main thread gets KeyboardInterrupt, and may set handlers
        return
    noted: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: noted.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_DFL if previous is None else previous)
        if noted:
            signal.raise_signal(signal.SIGINT)   # now, to the handler that was replaced


@contextmanager
def noticed() -> Iterator[None]:
    """A Ctrl-C that Python would drop with a traceback ("Exception ignored in …") kept for check()."""
    default = sys.unraisablehook

    def hook(unraisable: sys.UnraisableHookArgs) -> None:
        if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
            _dropped.append(True)
        else:
            default(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = default
        _dropped.clear()


def unwrapped(exc: BaseException) -> KeyboardInterrupt | None:
    """The Ctrl-C that `exc` is, if any: itself, or the one Python 3.11 wrapped in a RuntimeError
    because it came while a class was being made (type.__new__ reports whatever a __set_name__
    raises that way, as dataclasses' fields have one; 3.12 no longer wraps). A Ctrl-C during a
    module imported mid-build then printed a traceback and exited 1."""
    if isinstance(exc, KeyboardInterrupt):
        return exc
    if isinstance(exc, RuntimeError) and isinstance(exc.__cause__, KeyboardInterrupt):
        return exc.__cause__
    return None


def behind(exc: BaseException) -> KeyboardInterrupt | None:
    """The Ctrl-C that `exc` was raised while handling, if any. An error in the unwinding after
    a Ctrl-C (a file or pipe closed under a step it stopped: "Bad file descriptor") is its
    consequence: reporting it instead said "cannot write the site" for a Ctrl-C."""
    seen: set[int] = set()
    found: BaseException | None = exc
    while found is not None and id(found) not in seen:
        if isinstance(found, KeyboardInterrupt):
            return found
        seen.add(id(found))
        found = found.__context__
    return None


def check() -> None:
    """Raise the Ctrl-C that Python dropped since the last check, if any (see noticed)."""
    if _dropped:
        _dropped.clear()
        raise KeyboardInterrupt
