"""Ctrl-C held back where acting on it at once would make the build lie or print a traceback.

Python raises KeyboardInterrupt in the main thread between any two of its steps, whichever
thread the kernel handed the signal to: blocking SIGINT in the main thread (pthread_sigmask)
does not hold it back while another thread (a thread pool's, Pagefind's) can take it. So a
held section swaps in a handler that only notes the signal, and hands it on to the handler it
replaced once the section is over: a KeyboardInterrupt then, or serve's "stop once this build
is done".

What the message says afterwards is decided by what happened to the site (builder.build):
a Ctrl-C that comes once the new site is in place raises InterruptedAfterWriting.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


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
