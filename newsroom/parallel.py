"""Both cores for reading and rendering: forked worker processes, results in order.

Workers are forked, so they inherit the config, the archive and the Jinja environment
instead of having them pickled once per task; only small task descriptions go out and
(articles, page bytes) come back. At most a few chunks are in flight at once, so a
100,000-page site streams through memory instead of piling up in it. Where fork is not
available, or there is too little work to be worth a process, everything runs here.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from typing import Any

import jinja2

from . import render
from .forked import context, workers
from .lifeline import pool as worker_pool
from .pages import Page
from .problems import Problem

STATE: dict[str, Any] = {}     # set before forking; read by the workers' task functions


def ordered(task: Callable[[Any], Any], chunks: Sequence[Any], jobs: int, state: dict[str, Any],
            min_chunks: int = 2) -> Iterator[Any]:
    """task(chunk) for every chunk, in order, on up to `jobs` forked workers."""
    n = min(workers(jobs), len(chunks))
    ctx = context()
    STATE.clear()
    STATE.update(state)
    try:
        if n <= 1 or len(chunks) < min_chunks or ctx is None:
            yield from map(task, chunks)
            return
        with worker_pool(n, ctx) as pool:
            pending: deque[Future] = deque()
            todo = iter(chunks)
            for chunk in todo:
                pending.append(pool.submit(task, chunk))
                if len(pending) >= 2 * n:
                    break
            while pending:
                result = pending.popleft().result()
                for chunk in todo:
                    pending.append(pool.submit(task, chunk))
                    break
                yield result
    finally:
        STATE.clear()


def aside(task: Callable[[], Any], meanwhile: Callable[[], Any], jobs: int = 0) -> Any:
    """task() on a forked worker while meanwhile() runs in this process; task's result, which
    must be small (it is pickled back). One after the other where fork is not available or
    there is one core."""
    ctx = context()
    if ctx is None or workers(jobs) < 2:
        meanwhile()
        return task()
    return _forked(task, meanwhile, ctx)


def apart(task: Callable[[], Any]) -> Any:
    """task() in a forked process, for what it leaves behind: what it loads (a library's
    dictionaries) stays out of this process and of the workers it forks later. Its result
    must be small. Here where fork is not available."""
    ctx = context()
    return task() if ctx is None else _forked(task, lambda: None, ctx)


def _forked(task: Callable[[], Any], meanwhile: Callable[[], Any], ctx) -> Any:
    STATE.clear()
    STATE["aside"] = task
    try:
        with worker_pool(1, ctx) as pool:
            future = pool.submit(_aside)
            meanwhile()
            return future.result()
    finally:
        STATE.clear()


def _aside() -> Any:
    return STATE["aside"]()


def split(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


# Fingerprints ----------------------------------------------------------------------------

FINGERPRINTS = 2048   # pages to a task: hashing one is ≈25 µs, a task's result ≈150 KB


def fingerprints(pages: Sequence[Page], fingerprint: Callable[[Page], str], jobs: int) -> list[str]:
    """fingerprint(page) of every page, in order, on the workers. An edit that moves a story
    (a new date, street, photo …) fingerprints every page of a new plan (rebuild.RECHECK):
    at 10,000 articles 0.8 s on one core of a 2.7 s build (the plan for the next build is
    being written meanwhile, in a process of its own: memory.start_writing_plan)."""
    ranges = [(i, min(i + FINGERPRINTS, len(pages))) for i in range(0, len(pages), FINGERPRINTS)]
    state = {"pages": pages, "fingerprint": fingerprint}
    return [digest for part in ordered(_fingerprint_range, ranges, jobs, state, min_chunks=4)
            for digest in part]


def _fingerprint_range(bounds: tuple[int, int]) -> list[str]:
    return list(map(STATE["fingerprint"], STATE["pages"][bounds[0]:bounds[1]]))


# Rendering -------------------------------------------------------------------------------

class RenderFailed(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def render_pages(env: jinja2.Environment, pages: Sequence[Page], serve: bool, jobs: int,
                 on_error: Callable[[BaseException, Page], Problem], chunk: int = 64,
                 note: Callable[[Page, bytes], Any] | None = None,
                 store: Callable[[str, bytes], Any] | None = None, gather: Callable[[], Any] | None = None,
                 gathered: Callable[[Any], Any] | None = None) -> Iterator[tuple[str, Any, Any]]:
    """(file, bytes, note(page, bytes) or None) of every page, in order; RenderFailed with a
    located Problem on a template bug. `note` runs in the worker beside the rendering; so
    does `store(file, bytes)`, if given, whose result comes back instead of the bytes (a
    worker that writes the page itself spares sending it and the writer's time); and
    `gather()` after each chunk of pages, whose result is given to `gathered` here."""
    state = {"env": env, "pages": pages, "serve": serve, "on_error": on_error, "note": note, "store": store,
             "gather": gather}
    ranges = [(i, min(i + chunk, len(pages))) for i in range(0, len(pages), chunk)]
    for done, problem, extra in ordered(_render_range, ranges, jobs, state, min_chunks=4):
        if problem is not None:
            raise RenderFailed(problem)
        if gathered is not None:
            gathered(extra)
        yield from done


def _render_range(bounds: tuple[int, int]) -> tuple[list[tuple[str, Any, Any]], Problem | None, Any]:
    env, pages, serve, note, store = STATE["env"], STATE["pages"], STATE["serve"], STATE["note"], STATE["store"]
    out = []
    for page in pages[bounds[0]:bounds[1]]:
        try:
            data = render.render(env, page, serve)
            out.append((page.file, store(page.file, data) if store else data, note(page, data) if note else None))
        except Exception as exc:  # noqa: BLE001 - any template bug becomes a located Problem
            return out, STATE["on_error"](exc, page), None
    return out, None, STATE["gather"]() if STATE["gather"] else None
