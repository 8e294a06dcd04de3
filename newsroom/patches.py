"""Which of the ways to patch the kept plan fits this build's changes, and patching it.

An edit that leaves every story where it was keeps the last build's plan as it is (with
new titles put in: plancache.retitle). A few stories or photos added (additions.py; both
at once, the photos first), stories deleted (removals.py), filed under other names
(refiling.py), corrected (correcting.py), given another time, that day or another
(retiming.py), or withdrawn (withdrawals.py), photos filed anew (photofiling.py) or
deleted (photoremovals.py), and edition files edited (reprinting.py) patch it; each kind
alone (titles changed and edition files edited may come beside it: a desk adds the day's
stories and edits its edition file). The reuse stage (stages.py) finds the patch, loads
the kept plan and applies it; where a module refuses, the build plans afresh.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import (
    additions,
    correcting,
    edited,
    front,
    memory,
    photofiling,
    photoremovals,
    plancache,
    refiling,
    removals,
    reprinting,
    retiming,
    urls,
    withdrawals,
)
from .model import Article, Photo
from .pages import Page
from .records import Run


@dataclass
class Patch:
    retitled: set[str]                                   # article files whose title changed
    stories: list[Article] = field(default_factory=list)   # new
    photos: list[Photo] = field(default_factory=list)      # new
    gone: list[Article] = field(default_factory=list)      # deleted, as last parsed
    refiled: list[tuple[Article, Article]] = field(default_factory=list)   # (as last parsed, now)
    corrected: list[Article] = field(default_factory=list)   # given other corrections or `updated:`
    retimed: list[tuple[Article, Article]] = field(default_factory=list)   # another time or day (as last parsed, now)
    withdrawn: list[tuple[Article, Article]] = field(default_factory=list)   # taken down (as last parsed, now)
    photos_refiled: list[tuple[Photo, Photo]] = field(default_factory=list)   # (as last parsed, now)
    photos_gone: list[Photo] = field(default_factory=list)   # deleted, as last parsed
    featured: bool = False                               # a story's `featured:` changed
    front: bool = False                                  # the front page's stories chosen anew (apply)
    relined: set[str] = field(default_factory=set)       # article files whose planned values moved lines
    photos_then: dict[str, tuple] = field(default_factory=dict)   # photo files parsed again -> their last stats
    reprinted: bool = False                              # the print index made again (apply)

    def __bool__(self) -> bool:
        """Whether it changes the plan beyond titles (then the plan is written again)."""
        return bool(self.stories or self.photos or self.gone or self.refiled or self.corrected or self.front
                    or self.photos_refiled or self.reprinted or self.retimed or self.photos_gone or self.withdrawn)


def found(run: Run) -> Patch | None:
    """The patch that makes the kept plan this build's, if one may (None: plan afresh)."""
    patch = _found(run)
    if patch is not None:
        reparsed = edited.reparsed(run.before[0], run.state.articles)
        patch.relined, patch.featured = edited.relined(reparsed), edited.refeatured(reparsed)
        patch.photos_then = edited.edited_photos(run.before[1], run.state.photos)
        # The photos deleted: the kept plan's key has their files at the stats they were read at.
        patch.photos_then |= {photo.source: run.before[1][photo.source].stat for photo in patch.photos_gone}
    return patch


def _found(run: Run) -> Patch | None:
    before, now = run.before, (run.state.articles, run.state.photos)
    retitled = edited.retitled(before, now)
    if retitled is not None:
        return Patch(retitled)
    added = edited.added(before, now)
    if added is not None:
        stories = [now[0][s].value for s in sorted(added[0])]
        photos = [now[1][s].value for s in sorted(added[1])]
        if all(type(s) is Article and not additions.unlike(s, run.now) for s in stories) \
                and all(type(p) is Photo for p in photos):
            return Patch(added[2], stories=stories, photos=photos)
        return None
    removed = edited.removed(before, now)
    if removed is not None:
        gone = [before[0][s].value for s in sorted(removed[0])]
        return Patch(removed[1], gone=gone) if all(type(s) is Article for s in gone) else None
    removed = edited.removed(before, now, edited.PHOTOS)
    if removed is not None:
        gone_photos = [before[1][s].value for s in sorted(removed[0])]
        return Patch(removed[1], photos_gone=gone_photos) if all(type(p) is Photo for p in gone_photos) else None
    refiled = edited.refiled(before, now)
    if refiled is not None:
        return Patch(refiled[1], refiled=[(before[0][s].value, now[0][s].value) for s in sorted(refiled[0])])
    corrected = edited.corrected(before, now)
    if corrected is not None:
        return Patch(corrected[1], corrected=[now[0][s].value for s in sorted(corrected[0])])
    retimed = edited.retimed(before, now)
    if retimed is not None:
        return Patch(retimed[1], retimed=[(before[0][s].value, now[0][s].value) for s in sorted(retimed[0])])
    withdrawn = edited.withdrawn(before, now)
    if withdrawn is not None:
        return Patch(withdrawn[1], withdrawn=[(before[0][s].value, now[0][s].value) for s in sorted(withdrawn[0])])
    refiled = edited.photos_refiled(before, now)
    if refiled is not None:
        return Patch(refiled[1], photos_refiled=[(before[1][s].value, now[1][s].value) for s in sorted(refiled[0])])
    return None


def apply(run: Run, kept: plancache.Kept, patch: Patch) -> bool:
    """Patch the kept plan, if the module for the kind can (else the build plans afresh);
    and make moved.yaml's warnings again where there are any (the file may have been
    written since: their lines)."""
    made, config = kept.made, run.config
    if _refused(run, made, patch):
        return False
    printed = made["printed"]   # (made again below if the edition files or the stories in print changed)
    edited = reprinting.edited(made["editions_read"], run.scanned, config)
    if edited and not patch and not reprinting.reprint(made, kept.result, edited, run.articles, config, run.scanned):
        return False   # (with another kind of change: after it, below)
    warned = patch.gone or plancache.record_warnings(made["living"].problems)
    picks, found = front.load(config.root)   # (not in the plan's key: read at every build)
    found = found or front.unknown(made["archive"], picks)
    if found:   # a pick may name a new story, or the one gone: a plan made afresh says which
        return False   # (and says front.yaml's warnings, a story listed twice, as a clean build does)
    picked, made["plan_key"] = made["plan_key"], front.key(run.now.date(), picks)
    # A new day (历史上的今天), front.yaml edited, or a story's `featured:`: the home pages.
    home = picked != made["plan_key"] or patch.featured
    if patch:
        _patch(made, kept.result, patch, run, picks, home)
        if picks and front.unknown(made["archive"], picks):
            return False   # a pick named the story taken out: a plan made afresh says so, as a clean build
        # Edition files edited beside it; or a story added, taken out or retimed that ran in print
        # (its `print:`, an edition file's list).
        moving = [*patch.stories, *patch.gone, *(story for pair in (*patch.retimed, *patch.withdrawn) for story in pair)]
        if (edited or reprinting.touches(made["editions_read"], moving)) \
                and not reprinting.reprint(made, kept.result, edited, run.articles, config, run.scanned, moving):
            return False
    elif (chosen := _front_changed(made, picks, picked != made["plan_key"], patch.featured)) is not None:
        patch.front = True
        remade = additions.Remade(made["archive"], config, made["printed"], run.now.date(), chosen, set())
        additions.replan(made, kept.result, remade, made["archive"].articles, set(), set())
    patch.reprinted = made["printed"] is not printed   # (after the front page's: `patch` is true from here)
    return not warned or plancache.rewarn(made, config.root, set(run.state.articles), not run.options.serve)


def _front_changed(made: dict, picks: front.Picks, new_key: bool, refeatured: bool) -> dict | None:
    """The front page's stories if the home pages must be made again: a new day or other
    picks (`new_key`), or a story's `featured:` changed and moved them; else None. Chosen
    only then: choosing passes over every story (0.1 s at 100,000)."""
    if not new_key and not refeatured:
        return None
    chosen = front.choose(made["archive"], picks)[0]
    return chosen if new_key or _front_moved(made["planned"], chosen) else None


def _front_moved(planned: list[Page], chosen: dict) -> bool:
    """Whether the front page's lead or secondary stories are not those of the kept plan's
    first home page (its street blocks follow the lists, which a patch makes again)."""
    first = next((page for page in planned if page.path == urls.HOME and page.template == "home.html"), None)
    return first is not None and (first.context["lead"], first.context["secondary"]) != (
        chosen["lead"], chosen["secondary"])


def _refused(run: Run, made: dict, patch: Patch) -> bool:
    config = run.config
    if patch.relined and any(problem.path in patch.relined for problem in made["plan_problems"]):
        return True   # its lines moved (a problem of the plan's may name a line of another field, too)
    if patch.stories and additions.refusal(made, patch.stories, run.articles, config, run.now,
                                           set(run.state.articles), patch.photos):
        return True
    if patch.photos and additions.photo_refusal(made, patch.photos, run.photos):
        return True
    if patch.gone and removals.refusal(made, patch.gone, run.articles, config):
        return True
    if patch.corrected and correcting.refusal(made, patch.corrected):
        return True
    if patch.photos_refiled and photofiling.refusal(made, patch.photos_refiled, config):
        return True
    if patch.retimed and retiming.refusal(made, patch.retimed, run.now, config):
        return True
    if patch.photos_gone and photoremovals.refusal(made, patch.photos_gone):
        return True
    if patch.withdrawn and withdrawals.refusal(made, patch.withdrawn, config, run.now):
        return True
    return bool(patch.refiled and refiling.refusal(made, patch.refiled, config))


def _patch(made: dict, counted: dict, patch: Patch, run: Run, picks: front.Picks, home: bool) -> None:
    """`home`: the front page may have changed (the other kinds make the home pages again anyway)."""
    config, today = run.config, run.now.date()
    if patch.photos:   # (first: the new stories may show them)
        additions.put_photos_in(made, counted, patch.photos, config, today, picks)
    if patch.stories:
        additions.put_in(made, counted, patch.stories, config, today, picks)
    elif patch.gone:
        removals.take_out(made, counted, patch.gone, config, today, picks)
    elif patch.refiled:
        refiling.refile(made, counted, patch.refiled, config, today, picks)
    elif patch.corrected:
        correcting.correct(made, counted, patch.corrected, config, today, picks, home)
    elif patch.photos_refiled:
        photofiling.refile(made, counted, patch.photos_refiled, config, today, picks)
    elif patch.retimed:
        retiming.retime(made, counted, patch.retimed, config, today, picks)
    elif patch.photos_gone:
        photoremovals.take_out(made, counted, patch.photos_gone, config, today, picks)
    elif patch.withdrawn:
        withdrawals.withdraw(made, counted, patch.withdrawn, config, today, picks)


def key(run: Run, patch: Patch) -> str:
    """The plan key the kept plan must have been made under: without the new files, with the
    files gone."""
    return memory.plan_inputs(run, leaving=frozenset(s.source for s in patch.stories),
                              leaving_photos=frozenset(p.source for p in patch.photos),
                              gone=frozenset(s.source for s in patch.gone), photos_then=patch.photos_then)
