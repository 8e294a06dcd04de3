"""The pipeline, end to end: files -> content -> archive -> pages + renditions -> site/."""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from . import (
    cache,
    cluster,
    content,
    depends,
    images,
    index,
    output,
    pages,
    parallel,
    render,
    renditions,
    search,
    trial,
)
from .config import Config
from .links import site_problems
from .model import Article, Name
from .problems import Problem, error, errors
from .slugs import slugify
from .urls import article as article_url


@dataclass
class BuildResult:
    problems: list[Problem] = field(default_factory=list)
    ok: bool = False
    articles: int = 0
    photos: int = 0
    pages: int = 0
    renditions_made: int = 0      # rendition files (one per photo, width and format) made now
    renditions_reused: int = 0
    rendered: int = 0             # pages rendered now (the others were unchanged)
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

    if options.write:
        refused = output.check_output(config.output, config.root)
        if refused:  # before anything (even the image cache) is written
            result.problems.append(error(str(config.output), 0, refused))
            return _finish(result, started)

    t = time.perf_counter()
    store = cache.Store(_state_folder(config)) if options.incremental else None
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

    before = (state.articles, state.photos)
    articles, photos, found = read_all(config, state, options, scanned)
    result.problems += found
    t = stage("read", t)
    archive, found = index.build(articles, photos, config, now, _remembered(slugify, state.slugs))
    result.problems += found
    result.articles, result.photos = len(archive.articles), len(archive.photos)
    t = stage("index", t)
    planned = pages.plan(archive, config)
    result.problems += duplicate_paths(planned, archive) + pages.warnings(config)
    waiting = {article_url(a): a.source for a in articles}
    result.problems += site_problems(archive.articles, waiting, (page.path for page in planned))
    result.pages = len(planned)
    t = stage("plan", t)
    if not options.write:
        # Nothing is written, but the templates are tried: check must fail where build would.
        env = render.environment(config, archive)
        result.problems += trial.problems(env, planned, lambda exc, page: template_problem(exc, page, config))
        if store is not None:
            _save_parsed(store, state)
        result.ok = not errors(result.problems, options.strict)
        return _finish(result, started)

    # Photos are rendered even when something else is wrong, so one build lists every bad
    # photo (and nothing is wasted: the renditions wait in the cache for the next build).
    jobs = images.plan(archive.photos, config.root, config.images)
    executor, close = None, None
    if options.executor and jobs:
        try:
            executor, close = cluster.connect(options.executor)
        except cluster.ClusterError as exc:
            result.problems.append(error("--executor", 0, str(exc)))
            return _finish(result, started)
    try:
        made = renditions.run(jobs, config.cache_dir / "media", options.jobs, executor=executor,
                              report=options.progress)
    finally:
        if close is not None:
            close()
    result.problems = renditions.attribute(result.problems + made.problems, articles)
    result.renditions_made, result.renditions_reused = made.made, made.reused
    media = made.media
    t = stage("images", t)
    if errors(result.problems, options.strict):
        if store is not None:
            _save_parsed(store, state)
        return _finish(result, started)

    env = render.environment(config, archive)
    uses = {name: depends.archive_uses(lambda n: _template_source(env, n), name)
            for name in {page.template for page in planned}}
    page_settings = f"{settings}|serve={options.serve}|{_templates_hash(config)}"
    published = output.manifest(config.output) if store is not None else {}
    known = state.pages if state.pages_settings == page_settings else {}
    if not published:
        known = {}
    prints = depends.Fingerprints(archive, {source: entry.digest for source, entry in state.articles.items()}, uses)
    if known:
        fingerprints, placed = _fingerprints(planned, prints, archive, state, before, known, uses)
    else:
        # Every page is rendered: the workers fingerprint the pages as they render them, and
        # the parent does not spend half a second (at 10,000 articles) on it with a core idle.
        fingerprints, placed = [""] * len(planned), {}
    indexer = search.Indexer(config, _state_folder(config) / "search-pages" if store is not None
                             else config.cache_dir / "search" / f"pages-{os.getpid()}", state.search if known else {})
    files = [page.file for page in planned]
    todo = [i for i, file in enumerate(files) if known.get(file) != fingerprints[i] or file not in published]
    result.rendered = len(todo)
    t = stage("depends", t)
    try:
        notes: list[tuple[str, tuple[str, ...]]] = []
        written = _write(planned, todo, env, media, config, options, published, indexer, result.problems,
                         None if known else (lambda page: (prints.page(page), depends.articles_on(page)), notes))
        if not known:
            fingerprints = [fingerprint for fingerprint, _ in notes]
            placed = depends.placements(ids for _, ids in notes)
    except output.OutputError as exc:
        result.problems.append(error(str(config.output), 0, str(exc)))
        return _finish(result, started)
    except parallel.RenderFailed as exc:
        result.problems.append(exc.problem)
        return _finish(result, started)
    finally:
        if store is None:
            shutil.rmtree(indexer.folder, ignore_errors=True)
    t = stage("render+write", t)
    result.written, result.removed = len(written.written), len(written.removed)
    result.ok = True
    if store is not None:
        state.pages = dict(zip(files, fingerprints, strict=True))
        state.pages_settings = page_settings
        state.placed, state.visible, state.scheduled = placed, tuple(a.id for a in archive.articles), archive.scheduled
        state.search = indexer.known
        store.save(state)
        summary = {key: getattr(result, key) for key in ("articles", "photos", "pages", "renditions_reused")}
        summary["renditions_reused"] += result.renditions_made
        summary["problems"] = list(result.problems)
        store.save_head({"signature": _site_signature(inputs, config), "summary": summary,
                         "valid_until": _valid_until(articles, config, now)})
    stage("save", t)
    return _finish(result, started)


def _save_parsed(store: cache.Store, state: cache.State) -> None:
    """Keep the parsed files of a build that wrote no pages: they stay useful next time. The
    pages remembered are now older than the parsed files, so _fingerprints must not compare
    the two: it computes every fingerprint next time."""
    state.placed = {}
    store.save(state)


def _fingerprints(planned: list[pages.Page], prints: depends.Fingerprints, archive: index.Archive,
                  state: cache.State, before: tuple[dict, dict], known: dict[str, str],
                  uses: dict[str, tuple[str, ...]]) -> tuple[list[str], dict[str, tuple[int, ...]]]:
    """Every page's fingerprint, and where each article appears (depends.article_pages).

    Fingerprinting 18,000 pages takes a third of a second. When the only change since the
    last build is the text of some articles (the usual edit: a typo, a new paragraph), every
    page is where it was and shows what it showed, except the pages that hold those
    articles: only theirs are computed again, the others are the last build's.
    """
    old_articles, old_photos = before
    changed = [source for source, entry in state.articles.items()
               if entry.value is not getattr(old_articles.get(source), "value", None)]
    if (known and state.placed and list(known) == [page.file for page in planned]
            and state.visible == tuple(a.id for a in archive.articles) and state.scheduled == archive.scheduled
            and old_articles.keys() == state.articles.keys() and depends.text_safe(uses)
            and all(state.photos.get(s) is e for s, e in old_photos.items()) and old_photos.keys() == state.photos.keys()
            and all(depends.same_place(old_articles[s].value, state.articles[s].value) for s in changed)):
        again = {i for source in changed for i in state.placed.get(state.articles[source].value.id, ())}
        found = [prints.page(page) if i in again or page.file not in known else known[page.file]
                 for i, page in enumerate(planned)]
        return found, state.placed
    return [prints.page(page) for page in planned], depends.article_pages(planned)


def _remembered(make: Callable[[str], str], memo: dict[str, str]) -> Callable[[str], str]:
    """`make`, remembering its results in `memo` (kept in the build state: pypinyin takes
    0.16 s to load, and the names of streets, reporters and tags seldom change)."""
    def remembered(text: str) -> str:
        found = memo.get(text)
        if found is None:
            found = memo[text] = make(text)
        return found
    return remembered


def read_all(config: Config, state: cache.State, options: Options,
             scanned: dict[str, tuple[int, int]] | None = None) -> tuple[list, list, list[Problem]]:
    """content.read_all, but from the cache where a file is unchanged, and on every core.

    `scanned`: (size, mtime) of the input files by path, when the caller has walked them.
    """
    problems: list[Problem] = []
    # Plain strings: pathlib costs more than the rest of a small rebuild at 10,000 files.
    if scanned is None:
        names = [str(path) for path in content.article_files(config)]
        stats = {name: cache.stat_key(Path(name)) for name in names}
    else:
        names = cache.listed(scanned, config.content_dir, {".md", ".markdown"})
        stats = {name: scanned[name] for name in names}
    root = str(config.root) + os.sep
    sources = [name[len(root):].replace(os.sep, "/") for name in names]
    entries: dict[str, cache.Entry] = {}
    todo = []
    for name, source in zip(names, sources, strict=True):
        entry = state.articles.get(source)
        if entry is not None and entry.stat is not None and entry.stat == stats[name]:
            entries[source] = entry
        else:
            todo.append((name, source, stats[name]))
    shared: dict[Name, Name] = {}
    for source, stat, digest, article, found in parallel.read_articles(todo, config, options.jobs):
        article = _shared_names(article, shared)
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
        stat = (cache.stat_key(path), cache.stat_key(path.with_suffix(".yaml")),
                cache.stat_key(path.with_suffix(".yml")), path.is_symlink())
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


def _shared_names(article: Article | None, shared: dict[Name, Name]) -> Article | None:
    """The article with one object for each name (张鹏, 首席记者) it shares with others: the
    cache then stores each name once per shard, and loading it is a third faster."""
    if article is None:
        return None
    terms = {key: tuple(shared.setdefault(name, name) for name in names) for key, names in article.terms.items()}
    return dataclasses.replace(article, terms=terms)


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
           options: Options, published: dict[str, str], indexer: search.Indexer,
           problems: list[Problem], noting: tuple[Callable, list] | None = None) -> output.WriteResult:
    """Render the pages in `todo` and publish: a small change in place, else a whole new tree.

    `noting`: (note, notes): note(page) is worked out beside each page's rendering and
    appended to notes, in order."""
    note, notes = noting or (None, [])
    rendered = _noted(parallel.render_pages(env, [planned[i] for i in todo], options.serve, options.jobs,
                                            lambda exc, page: template_problem(exc, page, config), note=note),
                      indexer, notes)
    every_page = {page.file for page in planned}

    def extra() -> list[tuple[str, bytes | Path]]:
        # After the pages: the search bundle needs every rendered page seen first.
        return [*static_files(config), *((f"media/{name}", file) for name, file in sorted(media.items())),
                *originals(planned, config), *indexer.bundle(every_page, problems)]

    if published and len(todo) <= max(SMALL_CHANGE, len(planned) // 4):
        changed: dict[str, bytes | Path] = dict(rendered)
        rest = extra()
        changed.update(rest)
        removed = set(published) - every_page - {path for path, _ in rest}
        return output.update(changed, removed, config.output)
    todo_set = set(todo)

    def files() -> Iterator[tuple[str, bytes | Path | object]]:
        for i, page in enumerate(planned):
            yield next(rendered) if i in todo_set else (page.file, output.KEEP)
        yield from extra()

    return output.write(files(), config.output)


def _noted(rendered: Iterator[tuple[str, bytes, Any]], indexer: search.Indexer,
           notes: list) -> Iterator[tuple[str, bytes]]:
    for path, data, note in rendered:
        indexer.page(path, data)
        if note is not None:
            notes.append(note)
        yield path, data


def originals(planned: list[pages.Page], config: Config) -> list[tuple[str, bytes]]:
    """Opt-in only (publish_originals): originals keep their EXIF (camera, GPS …). Bytes, not
    links, so an edited original of the same size is still republished."""
    if not config.publish_originals:
        return []
    return [(page.context["original"], (config.photos_dir / page.context["photo"].file).read_bytes())
            for page in planned if page.context.get("original")]


def _state_folder(config: Config) -> Path:
    """What a build remembers, per output folder (pages there are compared with it)."""
    key = hashlib.sha256(os.fsencode(config.output.resolve())).hexdigest()[:16]
    return config.cache_dir / "build" / key


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
            if a and b and a.startswith("photos/") == b.startswith("photos/"):
                continue   # two articles (or photos) with one slug: reported as a duplicate slug
            # Pages that come from no file (lists, taxonomies) have their URLs from site.yaml.
            problems.append(error(b or a or "site.yaml", 0, f"output URL /{page.path} is also made by "
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
