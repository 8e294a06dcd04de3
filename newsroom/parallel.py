"""Both cores for reading and rendering: forked worker processes, results in order.

Workers are forked, so they inherit the config, the archive and the Jinja environment
instead of having them pickled once per task; only small task descriptions go out and
(articles, page bytes) come back. At most a few chunks are in flight at once, so a
100,000-page site streams through memory instead of piling up in it. Where fork is not
available, or there is too little work to be worth a process, everything runs here.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from . import articles, cache, content, render
from .config import Config
from .lifeline import initializer as worker_setup
from .markup import Renderer
from .model import Article
from .pages import Page
from .problems import Problem

_STATE: dict[str, Any] = {}     # set before forking; read by the workers' task functions


def workers(jobs: int) -> int:
    return jobs or os.cpu_count() or 1


def _context():
    try:
        return multiprocessing.get_context("fork")
    except ValueError:
        return None


def ordered(task: Callable[[Any], Any], chunks: Sequence[Any], jobs: int, state: dict[str, Any],
            min_chunks: int = 2) -> Iterator[Any]:
    """task(chunk) for every chunk, in order, on up to `jobs` forked workers."""
    n = min(workers(jobs), len(chunks))
    ctx = _context()
    _STATE.clear()
    _STATE.update(state)
    try:
        if n <= 1 or len(chunks) < min_chunks or ctx is None:
            yield from map(task, chunks)
            return
        start, args = worker_setup()
        with ProcessPoolExecutor(n, mp_context=ctx, initializer=start, initargs=args) as pool:
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
        _STATE.clear()


def split(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


# Reading ---------------------------------------------------------------------------------

ArticleRead = tuple[str, tuple | None, str, Article | None, list[Problem]]   # source, stat, digest, article, problems


def read_articles(files: Sequence[tuple[str, str, tuple | None]], config: Config,
                  jobs: int) -> Iterator[ArticleRead]:
    """Read, hash and parse article files (file name, source path, stat), in the order given.

    The stat is the caller's, taken before reading: if the file changes meanwhile, the
    next build sees a different stat and reads it again.
    """
    for chunk in ordered(_read_chunk, split(list(files), 64), jobs, {"config": config}, min_chunks=3):
        yield from chunk


def _read_chunk(files: Sequence[tuple[str, str, tuple | None]]) -> list[ArticleRead]:
    config: Config = _STATE["config"]
    renderer = _STATE.get("renderer")
    if renderer is None:
        renderer = _STATE["renderer"] = Renderer(config.raw_html, config.embed_hosts)
    out = []
    for name, source, stat in files:   # strings, not Paths: pathlib was a tenth of reading
        try:
            with open(name, "rb") as f:
                raw = f.read()
        except OSError:
            # read_article words the message; it fails the same way again.
            article, problems = content.read_article(Path(name), config, renderer)
            out.append((source, None, "", article, problems))
            continue
        text, problem = content.decode(raw, source)
        if text is None:
            out.append((source, stat, cache.file_hash(raw), None, [problem]))
            continue
        article, problems = articles.parse(text, source, config, renderer)
        out.append((source, stat, cache.file_hash(raw), article, problems))
    return out


# Rendering -------------------------------------------------------------------------------

class RenderFailed(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def render_pages(env, pages: Sequence[Page], serve: bool, jobs: int,
                 on_error: Callable[[BaseException, Page], Problem], chunk: int = 64,
                 note: Callable[[Page], Any] | None = None) -> Iterator[tuple[str, bytes, Any]]:
    """(file, bytes, note(page) or None) of every page, in order; RenderFailed with a located
    Problem on a template bug. `note` runs in the worker beside the rendering."""
    state = {"env": env, "pages": pages, "serve": serve, "on_error": on_error, "note": note}
    ranges = [(i, min(i + chunk, len(pages))) for i in range(0, len(pages), chunk)]
    for done, problem in ordered(_render_range, ranges, jobs, state, min_chunks=4):
        if problem is not None:
            raise RenderFailed(problem)
        yield from done


def _render_range(bounds: tuple[int, int]) -> tuple[list[tuple[str, bytes, Any]], Problem | None]:
    env, pages, serve, note = _STATE["env"], _STATE["pages"], _STATE["serve"], _STATE["note"]
    out = []
    for page in pages[bounds[0]:bounds[1]]:
        try:
            out.append((page.file, render.render(env, page, serve), note(page) if note else None))
        except Exception as exc:  # noqa: BLE001 - any template bug becomes a located Problem
            return out, _STATE["on_error"](exc, page)
    return out, None
