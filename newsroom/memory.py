"""What a build leaves for the next one: the build state (parsed files, what each page read,
the values it read), the archive and plan (plancache.py), and the head the quick check reads
first. The save stage calls `remember`; earlier stages ask for the keys the plan and the
pages were made under (`plan_inputs`, `pages_key`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path

from . import cachedir, forked, moved, output, parallel, plancache, rebuild, searchbundle, signatures
from .config import Config
from .records import Run


def remember(run: Run) -> None:
    """Save this build's state, plan and head (the save stage, Ctrl-C held)."""
    _adopt_parsed(run)
    result = run.result
    run.state.plan_key = run.plan_key
    if run.decision is not None:   # the editions the pages' contexts were made with
        run.state.editions = run.edition_digests
    # A plan kept as it was holds the same stories at the same dates, and has not expired:
    # the next to go live is the one it was made with (not looked for among 100,000).
    goes_live = run.state.plan_valid_until if run.kept else _goes_live(run.articles, run.config, run.now)
    valid_until = _valid_until(goes_live, run.now)
    run.state.plan_titles = run.retitled
    run.state.pages_settings = pages_key(run)
    run.state.inputs_but_photos = plan_inputs(run, but_photos=True)
    _save_with_plan(run, valid_until)
    summary = {key: getattr(result, key) for key in ("articles", "photos", "pages", "renditions_reused",
                                                     "drafts", "scheduled", "next_scheduled")}
    summary["renditions_reused"] += result.renditions_made
    summary["problems"] = [p for p in result.problems if not p.repaired]   # said once, when repaired
    # moved.yaml as this build left it (it may just have written it): an editor's change to it
    # is seen, the build's own is not taken for one.
    # A search index not made (a full disk): no signature, so that the next build makes it.
    retry = any(p.template == searchbundle.NOT_BUILT for p in result.problems)
    run.store.save_head({"signature": "" if retry else signatures.site_signature(run.inputs, run.config),
                         "summary": summary,
                         "output": str(run.config.output),   # for `python build.py cache --prune`
                         "moved": signatures.stat_key(run.config.root / moved.RECORD),
                         "valid_until": valid_until})


# What the index and plan stages leave in the Run and in its result, for plancache.
_PLANNED = ("archive", "printed", "editions_read", "planned", "living", "plan_key", "plan_problems")
_COUNTED = ("articles", "photos", "drafts", "scheduled", "next_scheduled", "notes", "redirects", "pages")


def _save_with_plan(run: Run, valid_until: float) -> None:
    """Save the build state, with this build's archive and plan for the next: the token it is
    saved under, the inputs it answers to (plancache.key) and until when. A plan not written
    yet is written on a worker while this process makes and saves the state (both were a
    cold build's last 0.5 s at 10,000 articles); the state may name it before it is in
    place, as a plan under another token is not used."""
    state = run.state

    def made_and_saved() -> None:
        _remember(run)
        _save_state(run)
    if run.kept:
        # moved.yaml is in the key: rewritten with new titles, the plan answers to its new stat.
        state.plan_answers = plan_inputs(run) if run.living.changed else run.kept_key
        made_and_saved()
        return
    # A new day changes only the first home page (历史上的今天), which a kept plan makes again
    # (patches.apply); a scheduled story going live changes every list.
    state.plan_answers, state.plan_valid_until = plan_inputs(run), _goes_live(run.articles, run.config, run.now)
    if run.plan_writing is not None:
        # Being written since the plan stage: the state is made and saved meanwhile, naming it.
        state.plan_token = run.plan_writing_token
        made_and_saved()
        run.plan_written, run.plan_writing = run.plan_writing.result(), None
    elif run.plan_written is None:
        state.plan_token = token = plancache.new_token()
        run.plan_written = parallel.aside(lambda: _written(run, token), made_and_saved, run.options.jobs)
    else:
        state.plan_token = run.plan_written.token
        made_and_saved()
    if run.plan_written is not None:   # (None: its process was killed; the next build plans again)
        plancache.keep(run.plan_written)
        run.plan_written = None


def _remember(run: Run) -> None:
    """What the pages read and the values they read, in the state. A first build digests
    every value its pages read, half of them on a worker (0.5 s of one core at 10,000
    articles, the save's longest part)."""
    decision = run.decision
    if decision.case != rebuild.EVERYTHING or len(decision.todo) < 2_000:   # (a small site: not worth a fork)
        decision.remember(run.state, run.planned, run.archive, run.values)
        return
    decision.remember_pages(run.state, run.planned)
    masks = decision.value_masks()
    at = _key_boundary(masks, len(masks) // 2)
    here: list = []
    there = parallel.aside(lambda: rebuild.digested(run.archive, run.values, masks[at:]),
                           lambda: here.extend(rebuild.digested(run.archive, run.values, masks[:at])),
                           run.options.jobs)
    decision.remember_values(run.state, run.archive, run.values, here + there)


def _key_boundary(masks: list[tuple[str, int]], at: int) -> int:
    """The first place from `at` on where a key's masks begin (`masks` are grouped by key)."""
    while 0 < at < len(masks) and masks[at][0] == masks[at - 1][0]:
        at += 1
    return at


def start_saving_parsed(run: Run) -> None:
    """A first build saves its parsed files from now on, in a process of its own: the index
    and plan stages keep one core, and the save stage was the last second of the build, with
    the other core idle for half of it. Not after another build, whose state is in use until
    this one's is saved whole (cache.Store.first)."""
    if run.store is not None and run.options.write and run.store.first():
        store, state = run.store, run.state
        run.parsed_saving = forked.Started(lambda: store.saved_early(state), run.options.jobs, nice=10)


def _adopt_parsed(run: Run) -> None:
    """The parsed files saved since the read stage, taken as saved here (before any save)."""
    saving, run.parsed_saving = run.parsed_saving, None
    if saving is not None:
        run.store.adopt(run.state, saving.result())


def start_writing_plan(run: Run) -> None:
    """Write the plan in a forked process from now on, while the build goes on: after an edit
    that moves a story or adds a photo, the stages that follow the plan each leave a core
    idle for a while (one photo's renditions, the decision, rendering a few pages, the
    save). In a first build too, whose render keeps both cores busy, at the lowest priority:
    it is written as the last pages are rendered and the state is made and saved (after the
    pages, it was the save's longest part)."""
    if run.store is not None and run.options.write and not run.kept:
        first = not (run.state.columns or run.state.pages)
        run.plan_writing_token = token = plancache.new_token()
        run.plan_writing = forked.Started(lambda: _written(run, token), run.options.jobs, nice=19 if first else 0)


def _written(run: Run, token: str | None = None) -> plancache.Written:
    made = {name: getattr(run, name) for name in _PLANNED}
    if run.living.changed and not run.options.serve:   # the record stage saves moved.yaml
        made["living"] = dataclasses.replace(run.living, changed=False)
    kept = plancache.Kept(made, {name: getattr(run.result, name) for name in _COUNTED})
    return plancache.write(run.store.folder, kept, run.articles, run.photos, token)


def discard_plan(run: Run) -> None:
    """The plan written (or being written) by a build that then failed or was stopped: the
    last build's stays in place."""
    writing, run.plan_writing = run.plan_writing, None
    if writing is not None:
        pid = writing.pid
        writing.cancel()
        try:
            written = writing.result()   # written already (here, with one core)
        except OSError:   # it failed (a full disk): what it left is named by its process, below
            written = None
        plancache.discard(written)
        if pid is not None:   # or being written by its process, stopped now
            plancache.discard(plancache.Written("", plancache.being_written(run.store.folder, pid)))
    plancache.discard(run.plan_written)


def plan_inputs(run: Run, but_photos: bool = False, leaving: frozenset[str] = frozenset(),
                leaving_photos: frozenset[str] = frozenset(), gone: frozenset[str] = frozenset(),
                photos_then: Mapping[str, tuple] | None = None) -> str:
    """plancache.key of this build. `but_photos`: without the photos' files; while it is
    the last build's and every article parsed as it was, only photos changed. `leaving`,
    `leaving_photos`: without these article files, these photos' (new ones: was the last
    plan made from the others?); `gone`: with these article files (deleted since);
    `photos_then`: these photos' files at the stats they had (edited.edited_photos)."""
    root = run.config.root
    sources = (run.state.articles.keys() - leaving) | gone if leaving or gone else run.state.articles
    skipped = frozenset(path for source in leaving_photos for path in _photo_files(root, source))
    scanned = run.scanned
    if photos_then:
        scanned = dict(scanned)   # (a file put back in: plancache.key hashes them in the paths' order)
        for source, stats in photos_then.items():
            for path, stat in zip(_photo_files(root, source), stats[:3], strict=True):
                if stat is None:
                    scanned.pop(path, None)
                else:
                    scanned[path] = tuple(stat)
    return plancache.key(f"{run.settings}|{run.options.serve}|{run.options.strict}", scanned,
                         sources, run.config.content_dir,
                         (root / "editions.yaml", root / moved.RECORD),   # front.yaml: patches.apply
                         run.config.photos_dir if but_photos else None, skipped)


def _photo_files(root: Path, source: str) -> tuple[str, str, str]:
    """A photo's file and its sidecars (content.py reads FILE.yaml or FILE.yml beside it)."""
    path = root / source
    return str(path), str(path.with_suffix(".yaml")), str(path.with_suffix(".yml"))


def pages_key(run: Run) -> str:
    """The settings the pages were made with, and the publication they went into: pages
    remembered are only what is published if no other build (one killed after publishing,
    say) changed the site since."""
    return f"{run.page_settings}|site={output.identity(run.config.output)}"


def save_parsed(run: Run) -> None:
    """Keep the parsed files of a build that wrote no pages (a `check`, a build with errors):
    they stay useful next time. But a file the remembered pages were rendered from keeps the
    entry they were rendered from, even if it was parsed anew (or deleted) since: the next
    build finds it changed and renders the pages that show it. Kept as parsed now, it would
    be taken as the pages' own, and a story edited, checked, then built left its pages as
    they were. The remembered pages are older than the files new since, so the next decision
    must not compare the two: it fingerprints every page."""
    if run.store is not None:
        _adopt_parsed(run)
        state, (articles, photos) = run.state, run.before
        state.articles, state.photos = {**state.articles, **articles}, {**state.photos, **photos}
        state.recheck = True
        _save_state(run)


def _save_state(run: Run) -> None:
    """Save what this build parsed and rendered, saying if a story's body in the cache was
    found damaged meanwhile (it is read again next time)."""
    run.store.save(run.state)
    if run.store.lost is not None:
        run.result.problems.append(cachedir.damaged_body(run.store.lost, run.config.root))


def _valid_until(goes_live: float, now: datetime) -> float:
    """When the site must change though no file did: the next scheduled (future-dated) article
    goes live (`goes_live`), or a new day begins (the home page's 历史上的今天)."""
    tomorrow = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), now.tzinfo).timestamp()
    return min(tomorrow, goes_live)


def _goes_live(articles: list, config: Config, now: datetime) -> float:
    """When the next scheduled (future-dated) article goes live (never, with --future)."""
    if config.future:
        return float("inf")
    return min([float("inf"), *(a.date.timestamp() for a in articles if a.date > now)])
