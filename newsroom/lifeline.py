"""What every worker process a build forks does first: die with the build, leave Ctrl-C to it.

A forked worker inherits the build's open files, its lock among them (lock.py). Were the
build killed (SIGKILL, the OOM killer), a worker waiting for its next task would live on,
holding the lock, and the next build would wait for it forever. On Linux the kernel kills
the worker when its parent dies (prctl PR_SET_PDEATHSIG); elsewhere a thread watches the
parent and exits when it is gone.

Ctrl-C reaches the whole process group: the workers ignore it, so the build alone decides
what to do and prints one line rather than one traceback per worker.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from . import interrupts

PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int, then: Callable[..., Any] | None = None, args: tuple = ()) -> None:
    """A ProcessPoolExecutor initializer (see initializer()); `then(*args)` runs after."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})   # held back by pool() until now
    if not _pdeathsig():
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    if os.getppid() != parent:   # the parent died before the signal was asked for
        os._exit(1)
    if then is not None:
        then(*args)


def _pdeathsig() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def initializer(then: Callable[..., Any] | None = None, args: tuple = ()) -> tuple[Callable[..., None], tuple]:
    """(initializer, initargs) for a ProcessPoolExecutor started by this process; `then` is
    the pool's own initializer, if it has one."""
    return die_with_parent, (os.getpid(), then, args)


def pool(workers: int, mp_context: Any = None, then: Callable[..., Any] | None = None,
         args: tuple = ()) -> ProcessPoolExecutor:
    """A ProcessPoolExecutor whose workers die with this process and leave Ctrl-C to it;
    `then(*args)` is run by each worker as it starts."""
    start, initargs = initializer(then, args)
    executor = _Pool(workers, mp_context=mp_context, initializer=start, initargs=initargs)
    # Ctrl-C held back while the workers are forked: one that got it before ignoring it would
    # print a traceback. A first task starts them now (all at once, when forking).
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        executor.submit(int)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
    return executor


class _Pool(ProcessPoolExecutor):
    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        # A Ctrl-C inside ProcessPoolExecutor.submit, between recording the task and queueing
        # it, leaves a task no worker ever gets, and shutdown (the pool's `with` block ending
        # on that Ctrl-C) then waits for it forever: the build hung. So it comes after.
        with interrupts.held():
            return super().submit(fn, *args, **kwargs)
