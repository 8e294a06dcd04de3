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

A page whose file is missing from the published site is always rendered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jinja2

from . import cache, depends, index, pages

EVERYTHING, EDITED_IN_PLACE, RECHECK = "everything", "edited in place", "recheck"


@dataclass(frozen=True)
class Changes:
    """What differs between this build's inputs and the last build's, as far as pages go."""

    remembered: dict[str, str]            # output file -> fingerprint, from the last build ({}: none usable)
    readers: dict[str, bytes]             # the last build's dependency index (depends.encode)
    same_pages: bool                      # the same page files, in the same order
    same_articles_shown: bool             # the same articles visible and scheduled
    same_files: bool                      # no article or photo file added, removed, or photo changed
    edited: dict[str, int]                # key of each article whose parse changed -> the fields that did
    edited_in_place: bool                 # each edited article appears where it did, linked the same way
    edits_known: bool = True              # False: a build since the last good one kept newer parses

    @property
    def case(self) -> str:
        if not self.remembered:
            return EVERYTHING
        if (self.edits_known and self.same_pages and self.same_articles_shown and self.same_files
                and self.edited_in_place):
            return EDITED_IN_PLACE
        return RECHECK


def changes(state: cache.State, before: tuple[dict, dict], archive: index.Archive, planned: list[pages.Page],
            remembered: dict[str, str]) -> Changes:
    """`before`: the last build's parsed articles and photos (cache entries by source);
    `state`: this build's, after reading."""
    old_articles, old_photos = before
    edited = {source: entry.value for source, entry in state.articles.items()
              if entry.value is not getattr(old_articles.get(source), "value", None)}
    olds = {source: getattr(old_articles.get(source), "value", None) for source in edited}
    return Changes(
        remembered=remembered,
        readers=state.readers,
        same_pages=list(remembered) == [page.file for page in planned],
        same_articles_shown=(state.visible == tuple(a.id for a in archive.articles)
                             and state.scheduled == archive.scheduled),
        same_files=(old_articles.keys() == state.articles.keys() and old_photos.keys() == state.photos.keys()
                    and all(state.photos.get(s) is e for s, e in old_photos.items())),
        edited={"a|" + source: depends.changed_bits(olds[source], new) for source, new in edited.items()},
        edited_in_place=all(depends.same_place(olds[source], new) for source, new in edited.items()),
        edits_known=not state.recheck,
    )


@dataclass
class Decision:
    """The pages to render (`todo`, indexes into the plan), each page's fingerprint, and what
    each page read (None where it is only in `readers`, the index kept from before)."""

    case: str
    fingerprints: list[str]
    deps: list[dict[str, int] | None]
    todo: list[int]
    readers: dict[str, bytes] = field(default_factory=dict)

    def note(self, env: jinja2.Environment, values: depends.Values) -> Callable[[pages.Page], Any]:
        """What the render workers work out beside each page: its fingerprint and what it read."""
        recorder = env.theme.recorder

        def note(page: pages.Page) -> tuple[str, dict[str, int]]:
            deps = depends.collect(recorder.reads, page)
            return values.fingerprint(page, deps), deps
        return note

    def rendered(self, notes: list[tuple[str, dict[str, int]]]) -> None:
        """The workers' notes, in the order of `todo`."""
        for i, (fingerprint, deps) in zip(self.todo, notes, strict=True):
            self.fingerprints[i], self.deps[i] = fingerprint, deps

    def remember(self, state: cache.State, planned: list[pages.Page], archive: index.Archive) -> None:
        state.pages = dict(zip((page.file for page in planned), self.fingerprints, strict=True))
        if all(deps is not None for deps in self.deps):
            state.readers = depends.encode(self.deps)
        else:   # the pages not rendered read what they read before
            state.readers = depends.add(self.readers, {i: self.deps[i] for i in self.todo})
        state.visible, state.scheduled = tuple(a.id for a in archive.articles), archive.scheduled
        state.recheck = False


def decide(changed: Changes, planned: list[pages.Page], values: depends.Values,
           published: dict[str, str]) -> Decision:
    """The decision for `changed`; `published`: the files now in the output folder."""
    known, case = changed.remembered, changed.case
    if case == EVERYTHING:
        return Decision(case, [""] * len(planned), [None] * len(planned), list(range(len(planned))))
    if case == EDITED_IN_PLACE:
        # Every page is where it was and shows what it showed, except what read an edited field.
        dirty = {i for key, bits in changed.edited.items() if bits for i in depends.readers(changed.readers, key, bits)}
        todo = [i for i, page in enumerate(planned) if i in dirty or page.file not in published]
        return Decision(case, [known[page.file] for page in planned], [None] * len(planned), todo,
                        changed.readers)
    before = dict(zip(known, depends.per_page(changed.readers, len(known)), strict=True))
    fingerprints, deps, todo = [], [], []
    for i, page in enumerate(planned):
        read = before.get(page.file)
        fingerprint = values.fingerprint(page, read) if read is not None else ""
        if not fingerprint or fingerprint != known.get(page.file) or page.file not in published:
            todo.append(i)
        fingerprints.append(fingerprint)
        deps.append(read)
    return Decision(case, fingerprints, deps, todo)
