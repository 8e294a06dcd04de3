"""The stages after the check (builder.py runs them): read, reuse, index, plan, images,
depends, render+write, record and save. Each is a function of the `Run`: it reads what the
earlier stages left there, adds its own record, and says whether the build goes on (a check
or an error stops early). docs/architecture.md describes the records and why the stages
are in this order.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable

from . import (
    cache,
    cachedir,
    cascades,
    cluster,
    content,
    depends,
    forked,
    front,
    images,
    index,
    interrupts,
    lazydict,
    memory,
    moved,
    output,
    pagecolumns,
    pages,
    parallel,
    patches,
    plancache,
    planviews,
    printing,
    publish,
    rebuild,
    redirects,
    render,
    renditions,
    reprinting,
    search,
    signatures,
    trial,
    urls,
)
from .config import template_dirs
from .confine import problems as confined
from .i18n import tr
from .links import site_problems
from .model import Article, Photo
from .problems import Problem, errors, failed
from .records import Run
from .slugs import Slugging, remembered_slugs
from .urls import article as article_url


def read(run: Run) -> bool:
    run.before = (run.state.articles, run.state.photos)
    run.articles, run.photos, found = content.read_all(run.config, run.state, run.options.jobs, run.scanned,
                                                       _slugging(run))
    run.result.problems += found
    run.result.problems += confined([(run.config.content_dir, "content"),
                                      *((d, "templates") for d in template_dirs(run.config))],
                                      run.config.root, run.links)
    memory.start_saving_parsed(run)
    return True


def _slugging(run: Run) -> Slugging:
    """Where names are slugged with pypinyin: the process loading it since the check stage
    (a first build), else a process forked for it (slugs.py)."""
    return run.slugging.elsewhere(parallel.apart) if run.slugging is not None else parallel.apart


def reuse(run: Run) -> bool:
    """An edit that leaves every article where it was: the last build's archive and page plan
    are this build's (plancache.py), with this build's parses and the new titles put in. So
    are they after a few stories or photos added, stories deleted or filed under other
    names, where patches.py finds the module that can patch them in."""
    if run.store is None or not run.options.write or run.state.recheck or run.scanned is None:
        return True
    state = run.state
    patch = patches.found(run)
    if patch is not None and patch.photos:
        _start_images(run)
    if patch is None or len(patch.retitled | state.plan_titles.keys()) > plancache.RETITLED:
        return True
    run.kept_key = patches.key(run, patch)
    if run.kept_key != state.plan_answers or run.now.timestamp() >= state.plan_valid_until:
        return True   # made from other inputs, or expired: not even read
    try:   # (the stories and photos gone are in it as they were last parsed)
        kept = plancache.load(run.store.folder, state.plan_token, state.articles,
                              [*run.photos, *patch.photos_gone], patch.gone)
    except plancache.Damaged as exc:
        kept = None
        run.result.problems.append(cachedir.damaged(exc.file, run.config.root))
    if kept is None:
        return True
    # The moves the build that made the plan recorded in moved.yaml were said by it; this
    # build says only its own (a story dated another day: retiming.py).
    kept.result["notes"] = []
    sources = patch.retitled | state.plan_titles.keys()
    # This build's parses (content.py): stories retitled, photos recaptioned.
    parsed = {s: e.value for s in sources if (e := state.articles.get(s) or state.photos.get(s)) is not None}
    plancache.retitle(kept.made, {s: v for s, v in parsed.items() if type(v) is Article}, sources, state.plan_titles)
    plancache.recaption(kept.made, [v for v in parsed.values() if type(v) is Photo])
    if not patches.apply(run, kept, patch):
        return True
    run.retitled = {} if patch else {s: v.title for s, v in parsed.items()}
    run.reprinted = patch.reprinted
    if patch.photos_then:   # what the plan answers to from now on (their captions are put in at each load)
        run.kept_key = memory.plan_inputs(run)
    for name, value in kept.made.items():
        setattr(run, name, value)
    for name, value in kept.result.items():
        setattr(run.result, name, value)
    run.result.problems += run.plan_problems
    if patch:   # a new plan: written for the next build as a plan made afresh is
        run.patched = True
    else:
        run.kept = run.result.plan_kept = True
    return True


def index_(run: Run) -> bool:
    if run.kept or run.patched:
        return True
    start = len(run.result.problems)
    run.archive, found = index.build(run.articles, run.photos, run.config, run.now,
                                     remembered_slugs(run.state, _slugging(run)))
    run.result.problems += found
    run.result.articles, run.result.photos = len(run.archive.articles), len(run.archive.photos)
    run.result.drafts, run.result.scheduled, due = index.left_out(run.articles, run.config, run.now)
    run.result.next_scheduled = f"{due.astimezone(run.config.tz):%Y-%m-%d %H:%M}" if due else ""
    files = reprinting.read(run.config, run.scanned)
    run.printed, run.editions_read = reprinting.printed(run.archive, run.articles, files, run.config)
    run.result.problems += run.editions_read.problems
    run.plan_problems = run.result.problems[start:]
    return True


def plan(run: Run) -> bool:
    if run.kept:
        return True
    if run.patched:   # (a new photo's renditions were begun in the reuse stage)
        if not errors(run.result.problems, run.options.strict):
            memory.start_writing_plan(run)
        return True
    _start_images(run)
    start = len(run.result.problems)
    picks, found = front.load(run.config.root)
    front_page, more = front.choose(run.archive, picks)
    run.result.problems += found + more
    run.planned = pages.plan(run.archive, run.config, run.printed, run.now.date(), front_page)
    # The print editions are compared one by one (printing.digests, rebuild.changes).
    run.plan_key = front.key(run.now.date(), picks)
    run.result.problems += pages.duplicate_paths(run.planned) + pages.warnings(run.config)
    record, found = moved.load(run.config.root)
    run.living = redirects.plan(record, run.archive, run.config, run.planned, set(run.state.articles),
                                remembered_slugs(run.state, _slugging(run)))
    run.planned += run.living.pages
    run.result.problems += found + list(run.living.problems)
    run.result.notes, run.result.redirects = list(run.living.notes), redirects.pairs(run.living.redirects)
    waiting = {article_url(a): a.source for a in run.articles}
    run.result.problems += site_problems(run.archive.articles, waiting, (page.path for page in run.planned))
    run.result.pages = len(run.planned)
    run.plan_problems += run.result.problems[start:]
    if not run.options.write:   # a check: report, keep the parsed files, write nothing
        # Nothing is written, but the templates are tried: check must fail where build would.
        env = render.environment(run.config, run.archive, redirects.first_paths(run.living.redirects))
        run.result.problems += trial.problems(env, run.planned,
                                              lambda exc, page: render.problem(exc, page, run.config))
        # And the photos no build has made renditions of are decoded: a truncated upload.
        jobs = images.plan(run.archive.photos, run.config.root, run.config.images)
        unreadable = renditions.unreadable(jobs, run.config.cache_dir / "media", run.options.jobs)
        run.result.problems = _told(run, run.result.problems + unreadable)
        memory.save_parsed(run)
        run.result.ok = not errors(run.result.problems, run.options.strict)
        if run.result.ok:   # (a build with errors writes no moved.yaml either)
            run.result.notes += moved.pending(record, run.living.record)
        return False
    if not errors(run.result.problems, run.options.strict):   # else the build stops at the images
        memory.start_writing_plan(run)
    return True


# A new photo or two (an editor's usual addition) are made in a process of their own from
# the start of the plan stage, which they outlast no longer: 0.2 s of a 1.5 s build at 10,000
# articles. More wait for the image stage's pool, which uses every core.
EARLY_PHOTOS = 2


def _start_images(run: Run) -> None:
    """(Once: the reuse stage starts them when it finds new photos, before the kept plan is read.)"""
    config, options = run.config, run.options
    if not options.write or options.executor or options.progress is not None or run.images_making is not None:
        return   # a cluster's, progress shown, or begun
    jobs = images.plan(run.photos, config.root, config.images)   # (all of them: the archive's, in another order)
    cache = config.cache_dir / "media"
    if 0 < len(renditions.missing(jobs, cache)) <= EARLY_PHOTOS:
        label = tr(options.lang, "photos")
        run.images_making = forked.Started(lambda: renditions.run(jobs, cache, 1, label=label), options.jobs)


def images_(run: Run) -> bool:
    """Photos are rendered even when something else is wrong, so one build lists every bad
    photo (and nothing is wasted: the renditions wait in the cache for the next build)."""
    options, result = run.options, run.result
    made = run.images_making.result() if run.images_making is not None else None
    if made is None:   # not begun early, or its process killed: what it made is in the cache
        made = _images_now(run)
        if made is None:
            return False
    result.problems = _told(run, result.problems + made.problems)
    result.renditions_made, result.renditions_reused = made.made, made.reused
    run.media = made.media
    if errors(result.problems, options.strict):
        memory.save_parsed(run)
        return False
    return True


def _told(run: Run, problems: list[Problem]) -> list[Problem]:
    """Every problem once, at its cause: a broken photo names the stories that use it, and
    what only follows from another mistake is left out (cascades.py)."""
    problems = renditions.attribute(problems, run.articles)
    return cascades.quiet(problems, lambda: cascades.failed_articles(run.state.articles))


def _images_now(run: Run) -> renditions.Outcome | None:
    """The image stage's own work: on a cluster with --executor, else on this machine's cores."""
    config, options = run.config, run.options
    jobs = images.plan(run.archive.photos, config.root, config.images)
    executor, close = None, None
    if options.executor and jobs:
        try:
            executor, close = cluster.connect(options.executor)
        except cluster.ClusterError as exc:
            run.result.problems.append(failed("--executor", 0, exc))
            return None
    try:
        return renditions.run(jobs, config.cache_dir / "media", options.jobs, executor=executor,
                              report=options.progress, label=tr(options.lang, "photos"))
    finally:
        if close is not None:
            close()


def decide(run: Run) -> bool:
    """What to render again (rebuild.py), from what each page read when it last rendered."""
    config, state = run.config, run.state
    run.result.problems += render.check_compiled(config)
    firsts = redirects.first_paths(run.living.redirects)   # (feed entries' ids)
    run.env = render.environment(config, run.archive, firsts)
    run.page_settings = f"{run.settings}|serve={run.options.serve}|{signatures.templates_hash(template_dirs(config))}"
    run.published = output.published(config.output) if run.store is not None else {}
    usable = state.pages_settings == memory.pages_key(run) and bool(run.published)
    # The last build's pages in this plan's order, if they are its pages (an edit in place):
    # then the pages by file are not unmarshalled (lazydict.py).
    columns = pagecolumns.read(state.columns, planviews.files(run.planned)) if usable else None
    remembered = (state.pages if columns else lazydict.loaded(state.pages)) if usable else {}
    # A kept plan holds the last build's editions, whose digests the state holds (a plan is
    # kept only from a build that saved both): an edit in place does not hash them again.
    kept = (run.kept or run.patched) and not run.reprinted
    run.edition_digests = state.editions if kept else printing.digests(run.printed)
    changed = rebuild.changes(state, run.before, run.archive, run.planned, remembered, run.plan_key,
                              run.edition_digests, columns, kept=run.kept)
    run.values = depends.Values(run.archive, firsts)
    contexts = None
    if changed.case == rebuild.RECHECK:
        same = state.inputs_but_photos == memory.plan_inputs(run, but_photos=True)
        contexts = rebuild.known_contexts(changed, run.planned, run.archive, same, run.printed.editions,
                                          config.page_size, config.feed_size)
        unknown = [i for i, digest in enumerate(contexts) if digest is None]
        digests = parallel.fingerprints([run.planned[i] for i in unknown], run.values.context, run.options.jobs)
        for i, digest in zip(unknown, digests, strict=True):
            contexts[i] = digest
    run.decision = rebuild.decide(changed, run.planned, run.values, contexts)
    run.result.rendered = len(run.decision.todo)
    return True


def render_and_write(run: Run) -> bool:
    config, decision, result = run.config, run.decision, run.result
    folder = (cache.state_folder(config) / "search-pages" if run.store is not None
              else config.cache_dir / "search" / f"pages-{os.getpid()}")
    indexer = search.Indexer(config, folder, run.state.search if decision.case != rebuild.EVERYTHING else {},
                             search.expected([run.planned[i] for i in decision.todo]) if run.options.reindex else None,
                             _moved(run))
    notes = decision.notes(run.planned)
    # What pages read is for the next build: one that keeps no state (`incremental` off) has
    # no use for it (a twentieth of a small archive's first build).
    note, gather = decision.note(run.env, run.values, run.planned) if run.store is not None else (None, None)
    try:
        written = publish.write(run.planned, decision.todo, run.env, run.media, config, run.published, indexer,
                                result.problems, run.options.jobs, run.options.serve,
                                (note, notes, gather), run.options.reindex,
                                same_pages=decision.case == rebuild.EDITED_IN_PLACE)
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
    if run.store is not None:
        indexer.published(config.output)
    # Parts of render+write: the searchable copies, made as pages render, and what the index
    # adds after the last page (Pagefind runs then: search.Indexer).
    result.timings["search copies"] = indexer.copying
    result.timings["search index"] = indexer.after
    run.state.search = indexer.known
    result.written, result.removed = len(written.written), len(written.removed)
    result.ok = True
    return True


def _moved(run: Run) -> dict[str, str]:
    """Old addresses of stories: page file -> the story's page file now (search.Indexer)."""
    redirects = run.living.redirects if run.living is not None else ()
    return {urls.output_file(r.old): urls.output_file(r.new) for r in redirects if type(r.target) is Article}


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
    ("read", read), ("reuse", reuse), ("index", index_), ("plan", plan), ("images", images_),
    ("depends", decide), ("render+write", render_and_write), ("record", record), ("save", save))
