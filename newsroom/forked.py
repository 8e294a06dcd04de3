"""Work in a forked process beside the build: how many processes a stage may use, and one
task started now whose result is collected later (`Started`). Apart from parallel.py, which
renders, so that the check stage can fork without loading Jinja (builder.check).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable
from typing import Any

from .lifeline import die_with_parent


def workers(jobs: int = 0) -> int:
    """The one rule for how many worker processes a stage uses: `jobs` (-j), else one per
    core this process may run on (its affinity, not the machine's count)."""
    if jobs:
        return jobs
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:   # not on Linux
        return os.cpu_count() or 1


def context() -> Any:
    """The fork start method's context; None where there is no fork (Windows)."""
    try:
        return multiprocessing.get_context("fork")
    except ValueError:
        return None


def process(ctx: Any, target: Callable[..., Any], args: tuple) -> Any:
    """target(*args) in a forked daemon process, started now. Ctrl-C is held back while
    forking, as for a pool (lifeline.py): the process ignores it (the target begins with
    lifeline.die_with_parent)."""
    started = ctx.Process(target=target, args=args, daemon=True)
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        started.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
    return started


class Started:
    """task() in a forked process, started now, while this process goes on with other stages;
    `result()` waits for its result (small: pickled back) or raises what it raised, and is
    None if the process was killed. Here, at once, where fork is not available or there is
    one core (`jobs`, as for parallel.aside). `nice`: its niceness, raised by so much (work that
    should take an idle core, not the workers' time)."""

    def __init__(self, task: Callable[[], Any], jobs: int = 0, nice: int = 0) -> None:
        ctx = context()
        self._process = self._reader = None
        if ctx is None or workers(jobs) < 2:
            self._outcome: tuple[bool, Any] | None = (True, task())
            return
        self._outcome = None
        self._reader, writer = ctx.Pipe(duplex=False)
        self._process = process(ctx, _started, (task, writer, os.getpid(), nice))
        writer.close()

    def result(self) -> Any:
        if self._outcome is None:
            try:
                self._outcome = self._reader.recv()
            except EOFError:   # killed (the OOM killer): what it made is simply not there
                self._outcome = (True, None)
            self._close()
        done, value = self._outcome
        if not done:
            raise value
        return value

    def ready(self) -> bool:
        """Whether result() would return at once: the task is done (or ran here)."""
        return self._outcome is not None or self._reader.poll()

    @property
    def pid(self) -> int | None:
        """The process's id (None: it ran here), for what it names by its process."""
        return self._process.pid if self._process is not None else None

    def cancel(self) -> None:
        """Stop it (the build failed or was stopped), at once."""
        if self._process is not None and self._outcome is None:
            self._process.kill()
            self._outcome = (True, None)
            self._close()

    def _close(self) -> None:
        if self._process is not None:
            self._process.join()
            self._reader.close()


def _started(task: Callable[[], Any], writer: Any, parent: int, nice: int) -> None:
    die_with_parent(parent)
    if nice:
        os.nice(nice)
    try:
        outcome = (True, task())
    except BaseException as exc:  # noqa: BLE001 - raised again in the build process, by result()
        outcome = (False, exc)
    writer.send(outcome)
    writer.close()
