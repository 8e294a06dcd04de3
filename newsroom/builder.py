"""The pipeline, end to end: files -> content -> archive -> pages + renditions -> site/.

`build` takes the archive's turn, runs the check stage (here: a build with nothing to do
stops there), then stages.STAGES in order. Each stage is a function of the `Run`: it reads
what the earlier stages left there, adds its own record, and says whether the build goes on.
docs/architecture.md describes the records and why the stages are in this order.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from . import cache, cachedir, inputscan, interrupts, output, slugs, sums, versions
from .config import Config
from .interrupts import InterruptedAfterWriting
from .lock import LockError, hold_archive, hold_folder
from .problems import Problem, error, failed
from .records import BuildResult, Options, Run

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
                if _stage(run, "check", check):
                    # The rest of the engine (Jinja, Markdown, Pillow: 0.1 s to import, half
                    # of a build with nothing to do) is loaded only when there is work.
                    from .stages import STAGES
                    for name, stage in STAGES:
                        if not _stage(run, name, stage):
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
            # (met while saving what the next build starts from, after the new site was put in place)
            run.result.site_changed = published is not None and published != _published(config)
        run.result.seconds = time.perf_counter() - started
        run.result.records = {name: value for name, value in vars(run).items() if name != "result"}
        return run.result
    except (KeyboardInterrupt, RuntimeError) as caught:
        exc = interrupts.unwrapped(caught)
        if exc is None:
            raise
        changed = published is not None and published != _published(config)
        if changed and not isinstance(exc, InterruptedAfterWriting):
            raise InterruptedAfterWriting from None   # the new site is in place: say so
        raise exc from None
    finally:
        if run is not None and run.images_making is not None:   # the build stopped before its image stage
            run.images_making.cancel()
        if run is not None and run.slugging is not None:
            run.slugging.close()
        if run is not None and run.parsed_saving is not None:   # the build stopped before its save
            run.parsed_saving.cancel()
        if run is not None and (run.plan_written is not None or run.plan_writing is not None):   # the build failed
            from .memory import discard_plan
            discard_plan(run)
        if enabled:
            gc.enable()


def _stage(run: Run, name: str, stage: Callable[[Run], bool]) -> bool:
    """Run one stage, timed; whether the build goes on."""
    moment = time.perf_counter()
    go_on = stage(run)
    run.result.timings[name] = time.perf_counter() - moment
    interrupts.check()   # a Ctrl-C Python dropped during the stage
    return go_on


@contextmanager
def _turn(config: Config, options: Options) -> Iterator[str | None]:
    """One build of an archive at a time, for the whole run: builds share its cache (and
    usually its output). Then what a build that died left beside the output is undone,
    before anything is decided. Not for an output the check stage refuses: nothing may be
    written there. Yields which publication the output holds then (see _published)."""
    if options.write and output.check_output(config.output, config.root):
        yield None
        return
    if options.locked:
        yield _published(config)
        return
    with hold_archive(config.cache_dir, options.wait, options.lang):
        if not options.write:
            yield _published(config)
            return
        # And one build into the output at a time, whichever archive it is of (after the
        # archive's lock: two builds of one archive never hold this one in turn).
        with hold_folder(config.output.resolve().parent, options.wait, options.lang):
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
    run.settings = versions.settings_hash(config)
    state = None
    if run.store is not None and options.write:
        head = run.store.load_head()
        scan, state = inputscan.scan_and_load(run, head)
        run.inputs, run.scanned, run.links = scan.inputs, scan.stats, scan.links
        if scan.unchanged:
            for key, value in head["summary"].items():
                setattr(result, key, value)
            result.written = result.removed = result.renditions_made = result.rendered = 0
            result.ok = True
            return False
    if state is None:
        state = run.store.load() if run.store is not None else cache.State()
    run.state = state if state.settings == run.settings else cache.State(settings=run.settings)
    if run.state is not state and run.store is not None:
        run.store.forget()
    if run.store is not None and run.store.damaged:
        result.problems.append(cachedir.damaged(run.store.damaged, config.root))
    if options.write and not run.state.slugs and (run.store is None or run.store.first()) \
            and "pypinyin" not in sys.modules:
        # A first build: its names are slugged with pypinyin, loaded meanwhile (0.15 s). (Not
        # every build of an archive whose names need none: it remembers no slug.)
        run.slugging = slugs.Warm(options.jobs)
    return True
