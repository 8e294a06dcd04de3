"""The image stage: every rendition from the cache, or made now on an Executor.

Renditions live in ROOT/.cache/media under their content-addressed names and are copied
into site/ by output.write once sums.py has checked them, so a rebuild decodes only photos
whose bytes or rendition settings changed, and a rendition no longer used simply is not
copied into the new site.
Jobs run in-process (--jobs 1), on a local process pool (the default: one worker per
core) or on any concurrent.futures Executor given (a cluster's, say).
"""

from __future__ import annotations

import json
import os
import posixpath
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import cachedir, forked, images, progress, sums
from .lifeline import pool as worker_pool
from .model import Article
from .problems import ERROR, Problem, error, repaired, used_by

Progress = Callable[[int, int], None]


@dataclass
class Outcome:
    media: dict[str, Path] = field(default_factory=dict)   # rendition file name -> cached file
    problems: list[Problem] = field(default_factory=list)
    made: int = 0       # rendition files encoded now
    reused: int = 0     # rendition files found in the cache
    decoded: int = 0    # photos decoded now (0 on a rebuild with no photo changed)


def run(jobs: list[images.RenditionJob], cache: Path, workers: int = 0,
        executor: Executor | None = None, report: Progress | None = None, label: str = "photos") -> Outcome:
    """Make what the cache lacks; (name -> cached file, problems, counts)."""
    present = set(os.listdir(cache)) if cache.is_dir() else set()
    for name in [name for name in present if cachedir.left_by_dead(name)]:   # a killed build's
        (cache / name).unlink(missing_ok=True)
    recorded = _load_sums(cache)
    warnings = []
    if recorded is None:   # the records damaged: no rendition can be trusted, all are made again
        warnings.append(cachedir.damaged(_sums_file(cache), cache.parent.parent))
        present, recorded = set(), {}
    before = dict(recorded)
    warnings += _drop_damaged(jobs, cache, present, recorded)
    todo = [job for job in jobs if not all(name in present for name in images.file_names(job))]
    outcome = Outcome(decoded=len(todo), problems=warnings)
    bar = None
    if report is None:
        report = bar = progress.Bar(len(todo), label)
    try:
        if todo:
            cachedir.folder(cache)
        for done, (_job, result) in enumerate(results(todo, workers, executor), 1):
            if isinstance(result, Problem):
                outcome.problems.append(result)
            else:
                for name, data in result.files:
                    store(cache / name, data)
                    present.add(name)
                    recorded[name] = sums.of(cache / name)
                outcome.made += len(result.files)
            report(done, len(todo))
    finally:
        if bar is not None:
            bar.close()
        if todo or warnings or recorded != before:
            _save_sums(cache, recorded)
    made_now = outcome.made
    for job in jobs:
        names = images.file_names(job)
        if all(name in present for name in names):
            outcome.media.update((name, cache / name) for name in names)
    outcome.reused = len(outcome.media) - made_now
    return outcome


def missing(jobs: list[images.RenditionJob], cache: Path) -> list[images.RenditionJob]:
    """The jobs with a rendition not in the cache (by name only: `run` checks the others)."""
    present = set(os.listdir(cache)) if cache.is_dir() else set()
    return [job for job in jobs if not all(name in present for name in images.file_names(job))]


def _sums_file(cache: Path) -> Path:
    """What each rendition held when made (sums.py): beside the folder, which holds only renditions."""
    return cache.with_name(cache.name + "-sums.json")


def _load_sums(cache: Path) -> sums.Sums | None:
    """The records; None if the file is there but damaged. (Missing, from a cache older than
    the records, the renditions are recorded as they are.)"""
    try:
        text = _sums_file(cache).read_bytes()
    except OSError:
        return {}
    try:
        return {name: tuple(value) for name, value in json.loads(text).items()}
    except (ValueError, AttributeError, TypeError):
        return None


def _save_sums(cache: Path, recorded: sums.Sums) -> None:
    store(_sums_file(cache), json.dumps(recorded, sort_keys=True).encode())


def forget(cache: Path, names: set[str]) -> None:
    """The records of renditions removed from the cache (`python build.py cache --prune`)."""
    recorded = _load_sums(cache) or {}
    if names & recorded.keys():
        _save_sums(cache, {name: value for name, value in recorded.items() if name not in names})


def _drop_damaged(jobs: list[images.RenditionJob], cache: Path, present: set[str],
                  recorded: sums.Sums) -> list[Problem]:
    """Renditions in the cache that are not what was made (truncated, overwritten) are
    deleted, to be made again, with a warning: never copied into a site."""
    owner = {name: job for job in jobs for name in images.file_names(job) if name in present}
    found = []
    for name in sums.damaged([(name, cache / name) for name in sorted(owner)], recorded):
        (cache / name).unlink(missing_ok=True)
        present.discard(name)
        recorded.pop(name, None)
        found.append(repaired(owner[name].photo, "its rendition {name} in the cache was damaged: made again",
                              name=name))
    return found


def unreadable(jobs: list[images.RenditionJob], cache: Path, workers: int = 0) -> list[Problem]:
    """What the image stage would find wrong with the photos the cache has no renditions of
    (a photo that made them decoded then), found by decoding them only: for check."""
    todo = missing(jobs, cache)
    return [found for _, found in results(todo, workers, task=images.verify) if found is not None]


def results(todo: list[images.RenditionJob], workers: int = 0, executor: Executor | None = None,
            task: Callable[[images.RenditionJob], Any] = images.render
            ) -> Iterator[tuple[images.RenditionJob, images.Rendition | Problem]]:
    """(job, task(job)) in completion order: its rendition or its problem."""
    if executor is not None:
        for job, result in _on(executor, todo, max(2 * forked.workers(workers), 4), task):
            if isinstance(result, BrokenProcessPool):
                result = error(job.photo, 0, "the executor's worker failed on this photo: {reason}", reason=result)
            yield job, result
        return
    workers = min(forked.workers(workers), len(todo))
    if workers <= 1:
        # In-process: no pool to start, no bytes to pickle back. The bench's "jobs 1" figure.
        for job in todo:
            yield job, task(job)
        return
    crashed: list[images.RenditionJob] = []
    with _pool(workers, todo) as pool:
        for job, result in _on(pool, todo, 2 * workers, task):
            if isinstance(result, BrokenProcessPool):
                crashed.append(job)
            else:
                yield job, result
    # A worker died (a codec crash, the kernel's OOM killer) and took every job in flight with
    # it. Retry those one at a time, each in a fresh worker, so only the culprit is reported.
    for job in crashed:
        with _pool(1, [job]) as pool:
            result = next(_on(pool, [job], 1, task))[1]
        if isinstance(result, BrokenProcessPool):
            result = error(job.photo, 0, "the process decoding this photo crashed "
                           "(a damaged file, or not enough memory)")
        yield job, result


def _pool(workers: int, todo: list[images.RenditionJob]) -> ProcessPoolExecutor:
    # Pillow's pixel limit is a per-process setting: each worker sets it once, as it starts.
    # And each dies with the build (lifeline.py).
    return worker_pool(workers, None, images.use_pixel_limit, (todo[0].max_pixels,))


def _on(executor: Executor, todo: Iterable[images.RenditionJob], window: int, task: Callable
        ) -> Iterator[tuple[images.RenditionJob, images.Rendition | Problem | BrokenProcessPool]]:
    # A bounded number of jobs in flight: results (encoded bytes) never pile up in memory
    # faster than they are stored, whatever the number of photos.
    waiting = iter(todo)
    running: dict[Future, images.RenditionJob] = {}
    broken = False

    def submit() -> None:
        nonlocal broken
        for job in waiting:
            if broken:
                running[_failed(BrokenProcessPool())] = job
            else:
                try:
                    running[executor.submit(task, job)] = job
                except BrokenProcessPool as exc:
                    broken = True
                    running[_failed(exc)] = job
            if len(running) >= window:
                return

    submit()
    while running:
        finished, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in finished:
            job = running.pop(future)
            try:
                yield job, future.result()
            except BrokenProcessPool as exc:
                broken = True
                yield job, exc
            except Exception as exc:  # noqa: BLE001 - an executor's failure is this photo's problem
                yield job, error(job.photo, 0, "cannot process the photo: {reason}", reason=exc)
        submit()


def _failed(exc: BaseException) -> Future:
    future: Future = Future()
    future.set_exception(exc)
    return future


def store(path: Path, data: bytes) -> None:
    """Write atomically: a build killed mid-write never leaves a half file under a final name."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def users(articles: Iterable[Article]) -> dict[str, list[str]]:
    """'photos/FILE' -> ['content/articles/a.md:7', …]: where each photo is used."""
    found: dict[str, list[str]] = {}
    for article in articles:
        for ref in article.photos:
            where = f"{article.source}:{ref.line}" if ref.line else article.source
            found.setdefault(f"photos/{ref.file}", []).append(where)
    return {photo: sorted(set(places)) for photo, places in found.items()}


def attribute(problems: list[Problem], articles: Iterable[Article]) -> list[Problem]:
    """Photo errors name the articles that use the photo.

    An article that uses an unreadable photo, or one whose sidecar has a mistake, would
    otherwise only hear "photo not found" from the index, which is wrong (it is there, but
    broken); that message is dropped in favour of the photo's own (or its sidecar's), which
    now points back at the article's line.
    """
    if not any(p.severity == ERROR and p.path.startswith("photos/") for p in problems):
        return problems   # no photo to name the users of: not worth a pass over every article
    used = users(articles)
    by_stem: dict[str, list[str]] = {}
    for photo in used:
        by_stem.setdefault(posixpath.splitext(photo)[0], []).append(photo)
    # a broken file (the photo or its sidecar) -> the photos it breaks
    broken = {p.path: _broken_by(p.path, used, by_stem) for p in problems if p.severity == ERROR}
    broken = {path: photos for path, photos in broken.items() if photos}
    # (article, the start of the index's message for that photo; a hint may follow it)
    hidden = {(place.rsplit(":", 1)[0], f"photo '{photo.removeprefix('photos/')}' not found in photos/")
              for photos in broken.values() for photo in photos for place in used[photo]}
    result = []
    for p in problems:
        if any(p.path == path and p.message.startswith(start) for path, start in hidden):
            continue
        if p.path in broken and p.severity == ERROR and not p.users:
            p = used_by(p, sorted({place for photo in broken[p.path] for place in used[photo]}))
        result.append(p)
    return result


def _broken_by(path: str, used: dict[str, list[str]], by_stem: dict[str, list[str]]) -> list[str]:
    """The used photos an error in `path` leaves out: the photo itself, or those its sidecar
    (NAME.yaml or NAME.yml beside NAME.jpg) describes."""
    if path in used:
        return [path]
    stem, suffix = posixpath.splitext(path)
    return by_stem.get(stem, []) if suffix in (".yaml", ".yml") else []
