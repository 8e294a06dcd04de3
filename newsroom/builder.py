"""The pipeline, end to end: files -> content -> archive -> pages + renditions -> site/.

`build` runs STAGES in order. Each stage is a function of the `Run`: it reads what the
earlier stages left there, adds its own record, and says whether the build goes on
(a build with nothing to do, a check, or an error stops early). docs/architecture.md
describes the records and why the stages are in this order.
"""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from . import (
    cache,
    cachedir,
    cluster,
    content,
    depends,
    front,
    images,
    index,
    interrupts,
    memory,
    moved,
    output,
    pages,
    parallel,
    plancache,
    publish,
    rebuild,
    redirects,
    render,
    renditions,
    search,
    sums,
    trial,
)
from .config import Config
from .confine import problems as confined
from .editions import read_editions
from .i18n import tr
from .interrupts import InterruptedAfterWriting
from .links import site_problems
from .lock import LockError, hold_archive
from .printing import build as build_editions
from .problems import Problem, error, errors, failed
from .records import BuildResult, Options, Run
from .slugs import remembered_slugs
from .urls import article as article_url

_DEFAULTS = Options()   # frozen: one instance serves every call


def build(config: Config, config_problems: list[Problem], options: Options = _DEFAULTS,
          now: datetime | None = None) -> BuildResult:
    # A build makes millions of long-lived, acyclic objects: the cyclic collector would walk
    # them all again and again (a third of an incremental build) and, after a fork, touch
    # every page the workers share with us.
    enabled = gc.isenabled()
    gc.disable()
    published = run = None
    try:
        run = Run(config, options, now or datetime.now(config.tz), BuildResult(problems=list(config_problems)))
        started = time.perf_counter()
        try:
            with _turn(config, options) as published:
                for name, stage in STAGES:
                    moment = time.perf_counter()
                    go_on = stage(run)
                    run.result.timings[name] = time.perf_counter() - moment
                    interrupts.check()   # a Ctrl-C Python dropped during the stage
                    if not go_on:
                        break
        except LockError as exc:
            run.result.ok = False
            run.result.problems.append(failed(".cache", 0, exc))
        except sums.Truncated as exc:   # the kept plan, cut short while this build used it
            run.result.ok = False
            run.result.problems.append(cachedir.cut_short(exc.file, config.root))
        except OSError as exc:   # a full disk or a read-only folder, met while writing the cache
            run.result.ok = False
            run.result.problems.append(error(str(exc.filename or config.cache_dir), 0,
                                             "cannot write here: {reason}", reason=exc.strerror or exc))
        run.result.seconds = time.perf_counter() - started
        run.result.records = {name: value for name, value in vars(run).items() if name != "result"}
        return run.result
    except KeyboardInterrupt as exc:
        changed = published is not None and published != _published(config)
        if changed and not isinstance(exc, InterruptedAfterWriting):
            raise InterruptedAfterWriting from None   # the new site is in place: say so
        raise
    finally:
        if run is not None:   # a plan written early by a build that then failed (or was stopped)
            plancache.discard(run.plan_written)
        if enabled:
            gc.enable()


@contextmanager
def _turn(config: Config, options: Options) -> Iterator[str | None]:
    """One build of an archive at a time, for the whole run: builds share its cache (and
    usually its output). Then what a build that died left beside the output is undone,
    before anything is decided. Not for an output the check stage refuses: nothing may be
    written there. Yields which publication the output holds then (see _published)."""
    if options.write and output.check_output(config.output, config.root):
        yield None
        return
    with hold_archive(config.cache_dir, options.wait, options.lang):
        if options.write:
            output.tidy(config.output)
        yield _published(config)


def _published(config: Config) -> str | None:
    """Which publication the output folder holds: compared before and after a Ctrl-C, it says
    whether this build changed the site (no other build can meanwhile: it holds the lock)."""
    return output.identity(config.output)


def check(run: Run) -> bool:
    """Refuse a dangerous output folder; stop here when no input changed since the last good
    build (say what it said, write nothing); else load what the last build remembered."""
    config, options, result = run.config, run.options, run.result
    if options.write:
        refused = output.check_output(config.output, config.root)
        if refused:  # before anything (even the image cache) is written
            result.problems.append(failed(str(config.output), 0, refused))
            return False
    run.store = cache.Store(cache.state_folder(config)) if options.incremental else None
    run.settings = cache.settings_hash(config)
    if run.store is not None and options.write:
        run.inputs, run.scanned = cache.inputs_signature(config, render.template_dirs(config),
                                                         f"{run.settings}|{options.serve}|{options.strict}")
        head = run.store.load_head()
        if (head.get("signature") == cache.site_signature(run.inputs, config)
                and head.get("moved") == cache.stat_key(config.root / moved.RECORD)
                and run.now.timestamp() < head.get("valid_until", 0)):
            for key, value in head["summary"].items():
                setattr(result, key, value)
            result.written = result.removed = result.renditions_made = result.rendered = 0
            result.ok = True
            return False
    state = run.store.load() if run.store is not None else cache.State()
    run.state = state if state.settings == run.settings else cache.State(settings=run.settings)
    if run.state is not state and run.store is not None:
        run.store.forget()
    if run.store is not None and run.store.damaged:
        result.problems.append(cachedir.damaged(run.store.damaged, config.root))
    return True


def read(run: Run) -> bool:
    run.before = (run.state.articles, run.state.photos)
    run.articles, run.photos, found = content.read_all(run.config, run.state, run.options.jobs, run.scanned)
    run.result.problems += found
    run.result.problems += confined([(run.config.content_dir, "content"),
                                      *((d, "templates") for d in render.template_dirs(run.config))],
                                      run.config.root)
    return True


def reuse(run: Run) -> bool:
    """An edit that leaves every article where it was: the last build's archive and page plan
    are this build's (plancache.py), with this build's parses and the new titles put in."""
    if run.store is None or not run.options.write or run.state.recheck or run.scanned is None:
        return True
    state = run.state
    retitled = plancache.retitled(run.before, (state.articles, state.photos))
    if retitled is None or len(retitled | state.plan_titles.keys()) > plancache.RETITLED:
        return True
    run.kept_key = memory.plan_inputs(run)
    if run.kept_key != state.plan_answers or run.now.timestamp() >= state.plan_valid_until:
        return True   # made from other inputs, or expired: not even read
    try:
        kept = plancache.load(run.store.folder, state.plan_token, run.articles, run.photos)
    except plancache.Damaged as exc:
        kept = None
        run.result.problems.append(cachedir.damaged(exc.file, run.config.root))
    if kept is None:
        return True
    sources = retitled | state.plan_titles.keys()
    by_source = {s: state.articles[s].value for s in sources}   # this build's parses (content.py)
    plancache.retitle(kept.made, by_source, sources, state.plan_titles)
    run.retitled = {s: by_source[s].title for s in sources if s in by_source}
    for name, value in kept.made.items():
        setattr(run, name, value)
    for name, value in kept.result.items():
        setattr(run.result, name, value)
    run.result.problems += run.plan_problems
    run.kept = run.result.plan_kept = True
    return True


def index_(run: Run) -> bool:
    if run.kept:
        return True
    start = len(run.result.problems)
    run.archive, found = index.build(run.articles, run.photos, run.config, run.now,
                                     remembered_slugs(run.state.slugs, parallel.apart))
    run.result.problems += found
    run.result.articles, run.result.photos = len(run.archive.articles), len(run.archive.photos)
    run.result.drafts, run.result.scheduled, due = index.left_out(run.articles, run.config, run.now)
    run.result.next_scheduled = f"{due.astimezone(run.config.tz):%Y-%m-%d %H:%M}" if due else ""
    files, found = read_editions(run.config.root, run.config.content_dir)
    run.printed, more = build_editions(run.archive, run.articles, files, run.config.paper)
    run.result.problems += found + more
    run.plan_problems = run.result.problems[start:]
    return True


def plan(run: Run) -> bool:
    if run.kept:
        return True
    start = len(run.result.problems)
    picks, found = front.load(run.config.root)
    front_page, more = front.choose(run.archive, picks)
    run.result.problems += found + more
    run.planned = pages.plan(run.archive, run.config, run.printed, run.now.date(), front_page)
    run.plan_key = hashlib.sha256(f"{run.now.date()}|{run.printed.editions!r}|{picks!r}".encode()).hexdigest()
    run.result.problems += pages.duplicate_paths(run.planned) + pages.warnings(run.config)
    record, found = moved.load(run.config.root)
    run.living = redirects.plan(record, run.archive, run.config, run.planned, set(run.state.articles),
                                remembered_slugs(run.state.slugs, parallel.apart))
    run.planned += run.living.pages
    run.result.problems += found + list(run.living.problems)
    run.result.notes, run.result.redirects = list(run.living.notes), redirects.pairs(run.living.redirects)
    waiting = {article_url(a): a.source for a in run.articles}
    run.result.problems += site_problems(run.archive.articles, waiting, (page.path for page in run.planned))
    run.result.pages = len(run.planned)
    run.plan_problems += run.result.problems[start:]
    if not run.options.write:   # a check: report, keep the parsed files, write nothing
        # Nothing is written, but the templates are tried: check must fail where build would.
        env = render.environment(run.config, run.archive)
        run.result.problems += trial.problems(env, run.planned,
                                              lambda exc, page: render.problem(exc, page, run.config))
        memory.save_parsed(run)
        run.result.notes += moved.pending(record, run.living.record)
        run.result.ok = not errors(run.result.problems, run.options.strict)
        return False
    return True


def images_(run: Run) -> bool:
    """Photos are rendered even when something else is wrong, so one build lists every bad
    photo (and nothing is wasted: the renditions wait in the cache for the next build)."""
    config, options, result = run.config, run.options, run.result
    jobs = images.plan(run.archive.photos, config.root, config.images)
    executor, close = None, None
    if options.executor and jobs:
        try:
            executor, close = cluster.connect(options.executor)
        except cluster.ClusterError as exc:
            result.problems.append(failed("--executor", 0, exc))
            return False
    try:
        made = renditions.run(jobs, config.cache_dir / "media", options.jobs, executor=executor,
                              report=options.progress, label=tr(options.lang, "photos"))
    finally:
        if close is not None:
            close()
    result.problems = renditions.attribute(result.problems + made.problems, run.articles)
    result.renditions_made, result.renditions_reused = made.made, made.reused
    run.media = made.media
    if errors(result.problems, options.strict):
        memory.save_parsed(run)
        return False
    return True


def decide(run: Run) -> bool:
    """What to render again (rebuild.py), from what each page read when it last rendered."""
    config, state = run.config, run.state
    run.result.problems += render.check_compiled(config)
    run.env = render.environment(config, run.archive)
    run.page_settings = f"{run.settings}|serve={run.options.serve}|{cache.templates_hash(render.template_dirs(config))}"
    run.published = output.published(config.output) if run.store is not None else {}
    remembered = state.pages if state.pages_settings == memory.pages_key(run) and run.published else {}
    changed = rebuild.changes(state, run.before, run.archive, run.planned, remembered, run.plan_key)
    run.values = depends.Values(run.archive)
    contexts = (parallel.fingerprints(run.planned, run.values.context, run.options.jobs, lambda: memory.write_plan(run))
                if changed.case == rebuild.RECHECK else None)
    run.decision = rebuild.decide(changed, run.planned, run.values, run.published, contexts)
    run.result.rendered = len(run.decision.todo)
    return True


def render_and_write(run: Run) -> bool:
    config, decision, result = run.config, run.decision, run.result
    folder = (cache.state_folder(config) / "search-pages" if run.store is not None
              else config.cache_dir / "search" / f"pages-{os.getpid()}")
    indexer = search.Indexer(config, folder, run.state.search if decision.case != rebuild.EVERYTHING else {},
                             search.expected([run.planned[i] for i in decision.todo]) if run.options.reindex else None)
    notes = decision.notes(run.planned)
    try:
        written = publish.write(run.planned, decision.todo, run.env, run.media, config, run.published, indexer,
                                result.problems, run.options.jobs, run.options.serve,
                                (decision.note(run.env, run.values), notes), run.options.reindex)
    except output.OutputError as exc:
        result.problems.append(failed(str(config.output), 0, exc))
        return False
    except parallel.RenderFailed as exc:
        result.problems.append(exc.problem)
        return False
    finally:
        indexer.close()
        if run.store is None:
            shutil.rmtree(indexer.folder, ignore_errors=True)
    # Parts of render+write: the searchable copies, made as pages render (years are indexed
    # as soon as their pages are all in), and what the index adds after the last page.
    result.timings["search copies"] = indexer.copying
    result.timings["search index"] = indexer.after
    run.state.search = indexer.known
    result.written, result.removed = len(written.written), len(written.removed)
    result.ok = True
    return True


def record(run: Run) -> bool:
    """Keep moved.yaml: every address each article has been published at (not from a
    preview, which shows drafts and publishes nothing)."""
    if run.living.changed and not run.options.serve:
        with interrupts.held():   # the site is in place: its record is not cut short
            moved.save(run.config.root, run.living.record)
    return True


def save(run: Run) -> bool:
    """Remember this build for the next one: parsed files, pages, and the inputs' signature."""
    if run.store is None:
        return True
    with interrupts.held():   # the site is in place: what the next build starts from, whole
        memory.remember(run)
    return True


STAGES: tuple[tuple[str, Callable[[Run], bool]], ...] = (
    ("check", check), ("read", read), ("reuse", reuse), ("index", index_), ("plan", plan), ("images", images_),
    ("depends", decide), ("render+write", render_and_write), ("record", record), ("save", save))
