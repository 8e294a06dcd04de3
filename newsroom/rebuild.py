"""What a build renders again: the one decision, made from what changed since the last build.

Each page's dependencies are what it read while it last rendered (depends.py): the last
build keeps them as an index, object -> the pages that read it and which of its fields.
`decide` names the case, as Zola's `PageChangesNeeded` does:

- EVERYTHING: no trustworthy memory (first build, other settings or templates, no site):
  every page is rendered, and the workers fingerprint each as they render it.
- EDITED_IN_PLACE: only some articles' files changed, and each still appears where it did
  (depends.PLACING): only the pages that read a field that changed are rendered.
- RECHECK: anything else (an article or photo added, moved or removed …): every page is
  fingerprinted again from what it read last time, and those that differ are rendered.

A page the published site's manifest does not hold is always rendered: pages are remembered
only with the manifest the build that rendered them wrote (memory.pages_key).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from dataclasses import dataclass, field
from itertools import compress
from operator import attrgetter
from typing import Any

import jinja2

from . import cache, depends, index, pages, placed, planviews, printing, reach, readers, urls
from .edited import others, same_files
from .lazydict import loaded
from .pagecolumns import Columns, made, with_contexts
from .planviews import Later

EVERYTHING, EDITED_IN_PLACE, RECHECK = "everything", "edited in place", "recheck"
# Lists of every page or article are made with map() over these: an edit of a 100,000-article
# archive looks at 200,000 pages a few times, and each Python-level loop over them was 0.05 s.
_SOURCE = attrgetter("source")
_FIGURES = "l|figures|"   # depends.Values.lookup


@dataclass(frozen=True)
class Changes:
    """What differs between this build's inputs and the last build's, as far as pages go."""

    remembered: dict[str, str]            # output file -> its context's digest, from the last build ({}: none usable)
    index: readers.Index                  # what each page read when it last rendered
    values: MutableMapping[str, dict[int, str]]    # object key -> fields read -> their digest, at the last build
    same_pages: bool                      # the same page files, in the same order
    same_articles_shown: bool             # the same articles visible and scheduled
    same_files: bool                      # no article or photo file added, removed, or photo changed
    edited: dict[str, int]                # key of each article whose parse changed -> the fields that did
    edited_in_place: bool                 # each edited article appears where it did, linked the same way
    edits_known: bool = True              # False: a build since the last good one kept newer parses
    shown: frozenset[str] | set[str] = frozenset()   # sources of the articles shown before and now
    same_plan_inputs: bool = True         # the plan's other inputs (print editions, the day) are the same
    same_but_editions: bool = True        # the same but for the print editions
    editions_changed: frozenset[str] = frozenset()   # the days (ISO) of the editions added, removed or changed
    printed_before: frozenset[str] = frozenset()     # the stories those held at the last build
    stories_only: bool = False            # stories added, removed or edited; every photo and other story as it was
    new_photos: bool = False              # as stories_only, but photos were added too (none removed or changed)
    before_edits: tuple = ()              # the last build's parses of the stories removed or edited
    listed_before: set[str] | None = None  # the stories the last build listed (state.visible), if known
    same_figures: frozenset[str] | set[str] = frozenset()   # of those, the ones showing no photo changed
    columns: Columns | None = None        # `remembered` and the pages' ids in the plan's order, if the same pages

    def unchanged(self, key: str) -> bool:
        """`key` is an article's, parsed the same and shown before and now, or the figures
        found for one that shows no photo changed (index.Archive.figures: from its parse and
        the photos it shows)."""
        if key.startswith("a|"):
            source = key[2:]
        elif key.startswith(_FIGURES):
            source = key[len(_FIGURES):]
            if source not in self.same_figures:
                return False
        else:
            return False
        return source in self.shown and "a|" + source not in self.edited

    @property
    def case(self) -> str:
        if self.columns is None and not self.remembered:
            return EVERYTHING
        if (self.edits_known and self.same_pages and self.same_articles_shown and self.same_files
                and self.edited_in_place and self.same_plan_inputs):
            return EDITED_IN_PLACE
        return RECHECK


def changes(state: cache.State, before: tuple[dict, dict], archive: index.Archive, planned: list[pages.Page],
            remembered: dict[str, str], plan_key: str = "", editions: dict | None = None,
            columns: Columns | None = None, kept: bool = False) -> Changes:
    """`before`: the last build's parsed articles and photos (cache entries by source);
    `state`: this build's, after reading; `plan_key`: a hash of the plan's other inputs but the
    print editions; `editions`: theirs by day (printing.digests), compared with the last build's;
    `columns`: `remembered` in the plan's order (pagecolumns.read), if its pages are the plan's;
    `kept`: `archive` is the kept plan's as it was (plancache.py), whose articles the state
    shows, as a plan is kept only from a build that saved both (not compared: 100,000 at
    100,000 articles)."""
    old_articles, old_photos = before
    now = state.articles
    edited = {source: now[source].value for source in others(old_articles, now)
              if (old := old_articles.get(source)) is None or now[source].value is not old.value}
    olds = {source: getattr(old_articles.get(source), "value", None) for source in edited}
    sources = None if kept else tuple(map(_SOURCE, archive.articles))   # (each an article's id)
    kept_photos = all(state.photos.get(s) is e for s, e in old_photos.items())
    same_photos = old_photos.keys() == state.photos.keys() and kept_photos
    editions, old_editions = editions or {}, state.editions
    days = set() if editions == old_editions else {
        day for day in editions.keys() | old_editions.keys() if editions.get(day, ("",))[0] != old_editions.get(day, ("",))[0]}
    changed = Changes(
        remembered=remembered,
        index=readers.Index(state.readers, state.page_ids if columns else loaded(state.page_ids)),
        values=state.values,
        same_pages=columns is not None or list(remembered) == planviews.files(planned),
        same_articles_shown=((kept or state.visible == sources)
                             and state.scheduled == archive.scheduled),
        same_files=same_files(old_articles, state.articles) and same_photos,
        edited={"a|" + source: depends.changed_bits(olds[source], new) for source, new in edited.items()},
        edited_in_place=all(placed.same_place(olds[source], new) for source, new in edited.items()),
        edits_known=not state.recheck,
        same_plan_inputs=state.plan_key == plan_key and not days,
        same_but_editions=state.plan_key == plan_key,
        editions_changed=frozenset(days),
        printed_before=frozenset(story for day in days for story in old_editions.get(day, ("", ()))[1]),
        columns=columns,
    )
    if changed.case != RECHECK:
        return changed   # (what follows is for a recheck: four more passes over 100,000 articles)
    if sources is None:
        sources = tuple(map(_SOURCE, archive.articles))
    return _for_recheck(changed, state, before, archive, sources, (olds, edited), kept_photos)


def _for_recheck(changed: Changes, state: cache.State, before: tuple[dict, dict], archive: index.Archive,
                 sources: tuple[str, ...], edits: tuple[dict, dict], kept_photos: bool) -> Changes:
    """`changed` with what a recheck also needs: the articles shown before and now, which of
    them show no photo changed, whether only stories (and new photos) changed, the stories
    as they were. `edits`: the edited stories as they were and as they are, by source."""
    (old_articles, old_photos), (olds, edited) = before, edits
    same_photos = old_photos.keys() == state.photos.keys() and kept_photos
    # (each of these sets is 100,000 entries at 100,000 articles: made once)
    visible = set(state.visible)
    shown = visible & archive.article_by_id.keys()
    photos = set() if same_photos else _photos_changed(old_photos, state.photos)
    gone = old_articles.keys() - state.articles.keys()
    # An edited story is taken from where it was and put where it is (reach.beyond_changed).
    before_edits = [story for story in [old_articles[source].value for source in sorted(gone)]
                    + [olds[source] for source in sorted(olds)] if story is not None]
    stories = (not state.recheck and visible - shown <= gone
               and set(sources) - shown <= edited.keys())
    return dataclasses.replace(
        changed,
        shown=shown,
        same_figures=shown if same_photos else {s for s in shown if photos.isdisjoint(
            ref.file for ref in state.articles[s].value.photos)},
        # Nothing hidden but removed files, nothing shown now that was not but edited files (not a
        # scheduled story gone live: a print page may name it already).
        stories_only=stories and same_photos,
        new_photos=stories and kept_photos and not same_photos,
        before_edits=tuple(before_edits),
        listed_before=visible,
    )


def _photos_changed(old: dict[str, cache.Entry], new: dict[str, cache.Entry]) -> set[str]:
    """The ids of the photos added, removed or changed since the last build (as parsed)."""
    return {entry.value.id for photos in (old, new) for source, entry in photos.items()
            if old.get(source) is not new.get(source) and entry.value is not None}


def _not_first_home(page: pages.Page) -> bool:
    return page.path != urls.HOME or page.template != "home.html"


def _both(one: Callable[[pages.Page], bool], other: Callable[[pages.Page], bool]) -> Callable[[pages.Page], bool]:
    return lambda page: one(page) and other(page)


@dataclass
class Decision:
    """The pages to render (`todo`, indexes into the plan); each page's context digest; what
    the pages read (`index`) and the values they read (`values`: kept for the next build)."""

    case: str
    contexts: list[str]
    todo: list[int]
    index: readers.Index
    values: MutableMapping[str, dict[int, str]]
    stale: set[str] = field(default_factory=set)            # keys whose values changed since `values`
    columns: Columns | None = None                          # the last build's, if its pages are these (ids)

    def note(self, env: jinja2.Environment, values: depends.Values, planned: list[pages.Page],
             ) -> tuple[Callable[[pages.Page], Any], Callable[[], dict[str, bytes]] | None]:
        """What the render workers work out beside each page: its context's digest, what it
        read, and the values of what it read that this worker has not sent yet (the workers
        compute them, in parallel, rather than the build process after them); and what
        gathers on a worker the next chunk of pages sends back, if anything. Not when every
        page is rendered: each worker would digest most of the archive's objects, so the build
        process digests each once when it saves (`remember`); what the pages read is gathered
        by key, a chunk at a time (readers.Gathered)."""
        recorder = env.theme.recorder
        if self.case == EVERYTHING:
            files = planviews.files(planned)
            gathered = readers.Gathered({files[i]: self.columns.ids[i] if self.columns else self.index.id(files[i])
                                         for i in self.todo})

            def noted(page: pages.Page) -> tuple[str, None, dict]:
                gathered.add(page.file, depends.collect(recorder.reads, page))
                return values.context(page), None, {}
            return noted, gathered.flush
        sent: set[tuple[str, int]] = set()   # each forked worker has its own copy

        def note(page: pages.Page) -> tuple[str, dict[str, int], dict[tuple[str, int], str]]:
            deps = depends.collect(recorder.reads, page)
            fresh = {read: values.digest(*read) for read in deps.items() if read not in sent}
            sent.update(fresh)
            return values.context(page), deps, fresh
        return note, None

    def notes(self, planned: list[pages.Page]) -> _Notes:
        """Where the workers' notes go, in the order of `todo`, as they arrive."""
        return _Notes(self, planned)

    def remember(self, state: cache.State, planned: list[pages.Page], archive: index.Archive,
                 values: depends.Values) -> None:
        self.remember_pages(state, planned)
        self.remember_values(state, archive, values, digested(archive, values, self.value_masks()))

    def remember_pages(self, state: cache.State, planned: list[pages.Page]) -> None:
        """What each page read and its context (the first half of `remember`)."""
        self._remember_pages(state, planviews.files(planned))

    def value_masks(self) -> list[tuple[str, int]]:
        """The values a cold build digests as it saves (after `remember_pages`): every
        (key, fields) a page read, grouped by key, for `digested` (on two cores: memory.py)."""
        return list(self.index.masks()) if self.case == EVERYTHING else []

    def remember_values(self, state: cache.State, archive: index.Archive, values: depends.Values,
                        digests: Iterable[tuple[str, int, str]]) -> None:
        """The values the pages read, with `digests` of `value_masks` (the second half)."""
        for key, bits, digest in digests:
            self.values.setdefault(key, {})[bits] = digest
        for key in self.stale:
            before = self.values.get(key, {})
            digests = {bits: values.digest(key, bits) for bits in before}
            if digests != before:   # (a shard of the state is saved only if it changed)
                self.values[key] = digests
        state.values = self.values
        if self.case != EDITED_IN_PLACE:   # (which has the same articles shown: Changes.case)
            visible = tuple(map(_SOURCE, archive.articles))   # (their ids)
            state.visible = state.visible if visible == state.visible else visible   # (the part's file kept)
        state.scheduled = archive.scheduled
        state.recheck = False

    def _remember_pages(self, state: cache.State, files: list[str]) -> None:
        """Each page's context digest and id, by file and as columns (pagecolumns.py). The
        columns are made anew only by a first build and by an edit in place without them
        (the pages changed since they were made): a recheck of other pages leaves none, so
        that a new story, say, does not pay for the next edit's columns (0.1-0.3 s at
        100,000 articles) where the next edit may add a story too."""
        columns = self.columns
        if self.case == EDITED_IN_PLACE:
            # The last build's pages (the decision was made from state.pages): only a page
            # rendered may have another context (a new title), and 200,000 entries stay put.
            if columns:
                before = columns.contexts
            else:   # (only the rendered pages' are looked up, not 200,000)
                pages_before = loaded(state.pages)
                before = {i: pages_before[files[i]] for i in self.todo}
            if any(before[i] != self.contexts[i] for i in self.todo):
                state.pages = {**loaded(state.pages), **{files[i]: self.contexts[i] for i in self.todo}}
        else:
            state.pages = dict(zip(files, self.contexts, strict=True))
        state.readers, state.page_ids = self.index.saved(), self.index.ids
        if columns is not None:   # the same pages: the same ids
            state.columns = with_contexts(state.columns, self.contexts)
        elif self.case == RECHECK:
            state.columns = ()
        else:
            state.columns = made(files, self.contexts, loaded(self.index.ids))


def digested(archive: index.Archive, values: depends.Values,
             masks: Sequence[tuple[str, int]]) -> list[tuple[str, int, str]]:
    """(key, fields, digest) of each of `masks` (`Decision.value_masks`), each value digested
    once, not memoised by `values`: kept, the texts would hold much of the archive again."""
    return list(depends.Values(archive, values.firsts).each(masks))


class _Notes:
    def __init__(self, decision: Decision, planned: list[pages.Page]) -> None:
        self.decision, self.planned, self.todo = decision, planned, iter(decision.todo)

    def gathered(self, codes: dict[str, bytes]) -> None:
        self.decision.index.add_codes(codes)

    def append(self, note: tuple[str, dict[str, int] | None, dict[tuple[str, int], str]]) -> None:
        i = next(self.todo)
        context, deps, fresh = note
        self.decision.contexts[i] = context
        if deps is not None:   # (else gathered by key: `gathered`)
            columns = self.decision.columns
            self.decision.index.add(self.planned[i].file, deps, columns.ids[i] if columns else None)
        values = self.decision.values
        for (key, bits), digest in fresh.items():
            before = values.get(key, {})
            if before.get(bits) != digest:   # a shard of the state is saved only if it changed
                values[key] = {**before, bits: digest}   # a new dict: the one loaded stays as its file holds it


def known_contexts(changed: Changes, planned: list[pages.Page], archive: index.Archive,
                   other_inputs_same: bool, editions: Sequence[printing.Edition] = (),
                   page_size: int = 0, feed_size: int = 0) -> list[str | None]:
    """Each page's context digest where it is known without hashing the page, else None: the
    last build's, for the pages the change cannot reach (reach.py). When nothing but photos
    changed (`other_inputs_same`: every other input file as it was; every article parsed,
    shown and scheduled as before; the plan's other inputs the same), the pages no photo
    reaches. When only stories and print editions (`editions`: today's) were added, removed
    or edited, the pages out of their reach (`page_size`, `feed_size`: the lists' and the
    feeds', reach.beyond_changed); and with photos added too, out of theirs as well. The
    day and the editor's picks for the front page (front.key) reach the first home page alone."""
    unreached: Callable[[pages.Page], bool] | None = None
    if changed.edits_known:
        if changed.same_plan_inputs and other_inputs_same and not changed.edited and changed.same_articles_shown:
            unreached = reach.photo_free_by_path(archive, editions) if page_size else reach.photo_free
        elif changed.stories_only or changed.new_photos:
            unreached = reach.beyond_changed(archive, {key[2:] for key in changed.edited}, changed.before_edits,
                                             reach.Printed(editions, changed.editions_changed,
                                                           changed.printed_before), page_size, feed_size,
                                             changed.listed_before)
            if changed.new_photos:   # and out of the new photos' reach
                unreached = _both(unreached, reach.photo_free_by_path(archive, editions) if page_size
                                  else reach.photo_free)
    if unreached is None:
        return [None] * len(planned)
    if not changed.same_but_editions:   # the day or the front page's picks (front.key): the first home page
        unreached = _both(unreached, _not_first_home)
    if changed.columns is not None:
        return [digest if _kept(page) or unreached(page) else None
                for page, digest in zip(planned, changed.columns.contexts, strict=True)]
    known = changed.remembered
    return [known.get(page.file) if _kept(page) or unreached(page) else None for page in planned]


def _kept(page: pages.Page) -> bool:
    """A context of the kept plan as the last build had it (planviews.Later: none patched in):
    its digest is the last build's (what the page read is compared in `decide`). Not a
    story's: its related stories are found from the archive when first used (pages.Related)."""
    return type(page.context) is Later and page.context.kept and page.template != "article.html"


def decide(changed: Changes, planned: list[pages.Page], values: depends.Values,
           contexts: list[str] | None = None) -> Decision:
    """The decision for `changed`; `contexts`: every page's context digest (values.context),
    if worked out already. A page remembered is published: pages are remembered only while
    the site's manifest is the one the last build wrote (memory.pages_key), which holds
    every page of that build's plan (looking each page up in the manifest was 0.05 s of an
    edit that moves a story at 10,000 articles, 0.45 s at 100,000)."""
    known, case, index_, columns = changed.remembered, changed.case, changed.index, changed.columns
    if case == EVERYTHING:
        return Decision(case, [""] * len(planned), list(range(len(planned))), readers.Index(), {})
    if case == EDITED_IN_PLACE:
        # Every page is where it was and shows what it showed, except what read an edited field.
        dirty = {i for key, bits in changed.edited.items() if bits for i in index_.readers(key, bits)}
        files = planviews.files(planned)
        # Every page of the plan is published: pages are remembered only while the site's
        # manifest is the one the last build wrote (memory.pages_key), which holds every page
        # of that build's plan, this one (the same pages: `same_pages`).
        ids = columns.ids if columns else map(loaded(index_.ids).get, files)
        todo = compress(range(len(files)), map(dirty.__contains__, ids))
        contexts = list(columns.contexts) if columns else list(map(loaded(known).__getitem__, files))
        return Decision(case, contexts, list(todo), index_, changed.values.copy(),
                        stale=set(changed.edited), columns=columns)
    # Every value a page read, now; an article parsed the same and shown before and now is the same.
    # (A copy, changed where a value changed: a sharded part rewrites only those shards.)
    now = changed.values.copy()
    dirty: set[int] = set()
    for key, before in changed.values.items():
        if changed.unchanged(key):
            continue
        digests = {bits: values.digest(key, bits) for bits in before}
        if digests != before:
            now[key] = digests
        for bits, digest in before.items():
            if digests[bits] != digest:
                dirty |= index_.readers(key, bits, exact=True)
    if contexts is None:
        contexts = [values.context(page) for page in planned]
    if columns is not None:   # (the same pages: each has its context and id there)
        todo = [i for i in range(len(planned)) if contexts[i] != columns.contexts[i] or columns.ids[i] in dirty]
        return Decision(case, contexts, todo, index_, now, columns=columns)
    known, ids = loaded(known), loaded(index_.ids)
    todo = [i for i, file in enumerate(planviews.files(planned))
            if contexts[i] != known.get(file) or file not in ids or ids[file] in dirty]
    return Decision(case, contexts, todo, index_, now)
