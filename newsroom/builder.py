"""The pipeline, end to end: files -> content -> archive -> pages + renditions -> site/."""

from __future__ import annotations

import gc
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import jinja2

from . import cache, cluster, content, depends, images, index, output, pages, parallel, render
from .config import Config
from .problems import Problem, error, errors


@dataclass
class BuildResult:
    problems: list[Problem] = field(default_factory=list)
    ok: bool = False
    articles: int = 0
    photos: int = 0
    pages: int = 0
    renditions_made: int = 0
    renditions_reused: int = 0
    rendered: int = 0
    written: int = 0
    removed: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        return (f"{self.articles} articles, {self.photos} photos, {self.pages} pages, "
                f"{self.renditions_made + self.renditions_reused} renditions ({self.renditions_made} new), "
                f"{self.written} files written in {self.seconds:.2f} s")


# Up to this many changed pages (or a quarter of the site) are replaced in place
# (output.update); more, and a whole new tree is staged and swapped in (output.write).
# Staging links every unchanged file and deletes the old tree: on this machine's disk
# that costs about as much as writing a quarter of the files again.
SMALL_CHANGE = 200


@dataclass(frozen=True)
class Options:
    strict: bool = False
    jobs: int = 0                 # 0: one worker per core
    write: bool = True            # False: check only
    serve: bool = False
    progress: Callable[[int, int], None] | None = None
    incremental: bool = True      # remember parsed files and pages in ROOT/.cache/build
    executor: str | None = None   # a Dask scheduler (tcp://host:8786) for the image stage


def build(config: Config, config_problems: list[Problem], options: Options = Options(),
          now: datetime | None = None) -> BuildResult:
    # A build makes millions of long-lived, acyclic objects: the cyclic collector would walk
    # them all again and again (a third of an incremental build) and, after a fork, touch
    # every page the workers share with us.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(config, config_problems, options, now)
    finally:
        if enabled:
            gc.enable()


def _build(config: Config, config_problems: list[Problem], options: Options,
           now: datetime | None) -> BuildResult:
    result = BuildResult(problems=list(config_problems))
    started = time.perf_counter()
    now = now or datetime.now(config.tz)

    def stage(name: str, since: float) -> float:
        moment = time.perf_counter()
        result.timings[name] = moment - since
        return moment

    t = time.perf_counter()
    store = cache.Store(config.cache_dir / "build") if options.incremental else None
    settings = cache.settings_hash(config)
    inputs, scanned = "", None
    if store is not None and options.write:
        inputs, scanned = _inputs_signature(config, options, settings)
        head = store.load_head()
        if head.get("signature") == _site_signature(inputs, config) and now.timestamp() < head.get("valid_until", 0):
            # Nothing changed since the last good build: say what it said, write nothing.
            for key, value in head["summary"].items():
                setattr(result, key, value)
            result.written = result.removed = result.renditions_made = result.rendered = 0
            result.ok = True
            stage("check", t)
            return _finish(result, started)
    state = store.load() if store is not None else cache.State()
    if state.settings != settings:
        state = cache.State(settings=settings)
    t = stage("check", t)

    articles, photos, found = read_all(config, state, options, scanned)
    result.problems += found
    t = stage("read", t)
    archive, found = index.build(articles, photos, config, now)
    result.problems += found
    result.articles, result.photos = len(archive.articles), len(archive.photos)
    t = stage("index", t)
    planned = pages.plan(archive, config)
    result.problems += duplicate_paths(planned, archive)
    result.pages = len(planned)
    t = stage("plan", t)
    if errors(result.problems, options.strict) or not options.write:
        if store is not None:
            store.save(state)    # parsed files stay useful even if this build fails
        result.ok = not errors(result.problems, options.strict)
        return _finish(result, started)

    jobs = images.plan(archive.photos, config.root, config.images)
    executor, close = None, None
    if options.executor and jobs:
        try:
            executor, close = cluster.connect(options.executor)
        except cluster.ClusterError as exc:
            result.problems.append(error("--executor", 0, str(exc)))
            return _finish(result, started)
    try:
        media, found, made = renditions(jobs, config.cache_dir / "media", options, executor)
    finally:
        if close is not None:
            close()
    result.problems += found
    result.renditions_made, result.renditions_reused = made, len(jobs) - made
    t = stage("images", t)
    if errors(result.problems, options.strict):
        return _finish(result, started)

    env = render.environment(config, archive)
    uses = {name: depends.archive_uses(lambda n: _template_source(env, n), name)
            for name in {page.template for page in planned}}
    prints = depends.Fingerprints(archive, {source: entry.digest for source, entry in state.articles.items()}, uses)
    fingerprints = [prints.page(page) for page in planned]
    page_settings = f"{settings}|serve={options.serve}|{_templates_hash(config)}"
    published = output.manifest(config.output) if store is not None else {}
    known = state.pages if state.pages_settings == page_settings else {}
    files = [page.file for page in planned]
    todo = [i for i, file in enumerate(files) if known.get(file) != fingerprints[i] or file not in published]
    result.rendered = len(todo)
    t = stage("depends", t)
    try:
        written = _write(planned, todo, env, media, config, options, published, result)
    except output.OutputError as exc:
        result.problems.append(error(str(config.output), 0, str(exc)))
        return _finish(result, started)
    except parallel.RenderFailed as exc:
        result.problems.append(exc.problem)
        return _finish(result, started)
    t = stage("render+write", t)
    result.written, result.removed = len(written.written), len(written.removed)
    result.ok = True
    if store is not None:
        state.pages = dict(zip(files, fingerprints, strict=True))
        state.pages_settings = page_settings
        store.save(state)
        summary = {key: getattr(result, key) for key in ("articles", "photos", "pages", "renditions_reused")}
        summary["renditions_reused"] += result.renditions_made
        summary["problems"] = list(result.problems)
        store.save_head({"signature": _site_signature(inputs, config), "summary": summary,
                         "valid_until": _valid_until(articles, config, now)})
    stage("save", t)
    return _finish(result, started)


def read_all(config: Config, state: cache.State, options: Options,
             scanned: dict[str, tuple[int, int]] | None = None) -> tuple[list, list, list[Problem]]:
    """content.read_all, but from the cache where a file is unchanged, and on every core.

    `scanned`: (size, mtime) of the input files by path, when the caller has walked them.
    """
    problems: list[Problem] = []
    if scanned is None:
        paths = content.article_files(config)
        stats = {str(path): cache.stat_key(path) for path in paths}
    else:
        # Plain strings: pathlib costs more than the rest of a small rebuild at 10,000 files.
        names = cache.listed(scanned, config.content_dir, {".md", ".markdown"})
        paths = [Path(name) for name in names]
        stats = {name: scanned[name] for name in names}
    root = str(config.root) + os.sep
    sources = [str(path)[len(root):].replace(os.sep, "/") for path in paths]
    entries: dict[str, cache.Entry] = {}
    todo = []
    for path, source in zip(paths, sources, strict=True):
        entry = state.articles.get(source)
        if entry is not None and entry.stat is not None and entry.stat == stats[str(path)]:
            entries[source] = entry
        else:
            todo.append(path)
    for source, stat, digest, article, found in parallel.read_articles(todo, config, options.jobs):
        old = state.articles.get(source)
        if old is not None and digest and old.digest == digest:
            entries[source] = cache.Entry(stat, digest, old.value, old.problems)   # touched, not changed
        else:
            entries[source] = cache.Entry(stat, digest, article, found)
    state.articles = entries
    found_articles = []
    for source in sources:
        entry = entries[source]
        problems += entry.problems
        if entry.value is not None:
            found_articles.append(entry.value)

    found_photos = []
    photo_entries: dict[str, cache.Entry] = {}
    for path in content.photo_files(config):
        source = path.relative_to(config.root).as_posix()
        stat = (cache.stat_key(path), cache.stat_key(path.with_suffix(".yaml")), path.is_symlink())
        entry = state.photos.get(source)
        if entry is None or entry.stat != stat:
            photo, found = content.read_photo(path, config)
            entry = cache.Entry(stat, photo.digest if photo else "", photo, found)
        photo_entries[source] = entry
        problems += entry.problems
        if entry.value is not None:
            found_photos.append(entry.value)
    state.photos = photo_entries
    problems += content._orphan_sidecars(config)
    return found_articles, found_photos, problems


def _inputs_signature(config: Config, options: Options, settings: str) -> str:
    """Size and mtime of every input file, and every setting: equal means nothing to do."""
    files = [config.root / "site.yaml", *(config.root / t.registry for t in config.taxonomies if t.registry)]
    folders = [config.content_dir, config.photos_dir, *render.template_dirs(config)]
    return cache.tree_signature(folders, files, f"{settings}|{options.serve}|{options.strict}")


def _template_source(env: jinja2.Environment, name: str) -> str | None:
    try:
        return env.loader.get_source(env, name)[0] if env.loader else None
    except jinja2.TemplateNotFound:
        return None


def _templates_hash(config: Config) -> str:
    """Every template file's bytes: editing any template re-renders every page (simple, correct)."""
    h = hashlib.sha256()
    for folder in render.template_dirs(config):
        for file in sorted(folder.rglob("*")):
            if file.is_file() and "static" not in file.relative_to(folder).parts:
                h.update(f"{file.relative_to(folder)}\n".encode())
                h.update(file.read_bytes())
    return h.hexdigest()


def _site_signature(inputs: str, config: Config) -> str:
    """The inputs plus the published site's manifest: a site changed by hand is built again."""
    return f"{inputs}|{cache.stat_key(config.output / output.MARKER)}"


def _valid_until(articles: list, config: Config, now: datetime) -> float:
    """When the next scheduled (future-dated) article goes live and the site must change."""
    if config.future:
        return float("inf")
    waiting = [a.date.timestamp() for a in articles if a.date > now]
    return min(waiting, default=float("inf"))


def _write(planned: list[pages.Page], todo: list[int], env, media: dict[str, Path], config: Config,
           options: Options, published: dict[str, str], result: BuildResult) -> output.WriteResult:
    """Render the pages in `todo` and publish: a small change in place, else a whole new tree."""
    extra = [*static_files(config), *((f"media/{name}", file) for name, file in sorted(media.items()))]
    rendered = parallel.render_pages(env, [planned[i] for i in todo], options.serve, options.jobs,
                                     lambda exc, page: template_problem(exc, page, config))
    current = {page.file for page in planned} | {path for path, _ in extra}
    removed = set(published) - current
    if published and len(todo) + len(removed) <= max(SMALL_CHANGE, len(planned) // 4):
        changed: dict[str, bytes | Path] = dict(rendered)
        changed.update(extra)
        return output.update(changed, removed, config.output)
    todo_set = set(todo)

    def files() -> Iterator[tuple[str, bytes | Path | object]]:
        for i, page in enumerate(planned):
            yield next(rendered) if i in todo_set else (page.file, output.KEEP)
        yield from extra

    return output.write(files(), config.output)


def _finish(result: BuildResult, started: float) -> BuildResult:
    result.seconds = time.perf_counter() - started
    return result


def duplicate_paths(planned: list[pages.Page], archive: index.Archive) -> list[Problem]:
    """Two pages with one URL (an article slug named 'page', a photo folder clash …)."""
    seen: dict[str, pages.Page] = {}
    problems = []
    for page in planned:
        if page.file in seen:
            a, b = _source(seen[page.file]), _source(page)
            problems.append(error(b or a or page.file, 0, f"output URL /{page.path} is also made by "
                                  f"{a or 'a ' + seen[page.file].template + ' page'}"))
        else:
            seen[page.file] = page
    return problems


class RenderError(Exception):
    def __init__(self, page: pages.Page):
        super().__init__(page.path)
        self.page = page


def template_problem(exc: BaseException | None, page: pages.Page, config: Config) -> Problem:
    """A template mistake, located in the template file rather than as a traceback."""
    name = getattr(exc, "filename", None) or f"templates/{page.template}"
    line = getattr(exc, "lineno", 0) or 0
    if not isinstance(exc, jinja2.TemplateSyntaxError):
        # Runtime errors: find the template line in the traceback Jinja rewrote for us.
        tb = exc.__traceback__ if exc else None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename.endswith((".html", ".xml")):
                name, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
            tb = tb.tb_next
    try:
        name = Path(name).resolve().relative_to(config.root).as_posix()
    except ValueError:
        pass
    return error(name, line, f"template error while rendering /{page.path}: {exc}")


def _source(page: pages.Page) -> str:
    item = page.context.get("article") or page.context.get("photo")
    return item.source if item is not None else ""


def renditions(jobs: list[images.RenditionJob], cache: Path, options: Options,
               executor: Executor | None = None) -> tuple[dict[str, Path], list[Problem], int]:
    """Every rendition file, from the cache or made now; (name -> cached file, problems, jobs run)."""
    todo = [job for job in jobs if not all((cache / name).exists() for name in images.file_names(job))]
    problems: list[Problem] = []
    if todo:
        cache.mkdir(parents=True, exist_ok=True)
        for done, result in enumerate(_run(todo, options, executor), 1):
            if isinstance(result, Problem):
                problems.append(result)
            else:
                for name, data in result.files:
                    _store(cache / name, data)
            if options.progress:
                options.progress(done, len(todo))
    media = {name: cache / name for job in jobs for name in images.file_names(job)
             if (cache / name).exists()}
    return media, problems, len(todo)


def _run(todo: list[images.RenditionJob], options: Options, executor: Executor | None) -> Iterator:
    if executor is not None:
        # The executor may be a cluster with no view of our disk: jobs carry their bytes.
        yield from cluster.run(executor, todo)
        return
    workers = options.jobs or os.cpu_count() or 1
    if workers <= 1 or len(todo) == 1:
        yield from map(images.render, todo)
        return
    with ProcessPoolExecutor(min(workers, len(todo))) as pool:
        yield from pool.map(images.render, todo)


def _store(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def static_files(config: Config) -> list[tuple[str, bytes]]:
    """templates/static/** of the theme; an archive's own templates/ win over the defaults."""
    found: dict[str, bytes] = {}
    for folder in reversed(render.template_dirs(config)):
        static = folder / "static"
        if static.is_dir():
            for file in sorted(static.rglob("*")):
                if file.is_file() and not file.name.startswith("."):
                    found["static/" + file.relative_to(static).as_posix()] = file.read_bytes()
    return sorted(found.items())
