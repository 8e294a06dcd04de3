"""What a build renders again: the one decision, made from what changed since the last build.

`decide` compares this build with what the last one remembered (cache.State) and names the
case, as Zola's `PageChangesNeeded` does:

- EVERYTHING: no trustworthy memory (first build, other settings or templates, no site):
  every page is rendered; the workers fingerprint them as they go.
- EDITED_IN_PLACE: only the text of some articles changed, and each still appears where it
  did: only the pages that showed those articles are fingerprinted again.
- RECHECK: anything else: every page is fingerprinted again.

In the last two, a page is rendered when its fingerprint differs from the remembered one or
its file is missing from the published site.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import cache, depends, index, pages

EVERYTHING, EDITED_IN_PLACE, RECHECK = "everything", "edited in place", "recheck"


@dataclass(frozen=True)
class Changes:
    """What differs between this build's inputs and the last build's, as far as pages go."""

    remembered: dict[str, str]            # output file -> fingerprint, from the last build ({}: none usable)
    same_pages: bool                      # the same page files, in the same order
    same_articles_shown: bool             # the same articles visible and scheduled
    same_files: bool                      # no article or photo file added, removed, or photo changed
    edited: tuple[str, ...]               # article sources whose parse changed
    edited_in_place: bool                 # each edited article appears where it did, linked the same way
    placed: dict[str, tuple[int, ...]] = field(default_factory=dict)   # last build's article id -> page indexes
    text_only_templates: bool = True      # no template reads article text from the archive directly
    same_plan_inputs: bool = True         # the plan's other inputs (print editions, the day) are the same

    @property
    def case(self) -> str:
        if not self.remembered:
            return EVERYTHING
        if (self.placed and self.same_pages and self.same_articles_shown and self.same_files
                and self.edited_in_place and self.text_only_templates and self.same_plan_inputs):
            return EDITED_IN_PLACE
        return RECHECK


def changes(state: cache.State, before: tuple[dict, dict], archive: index.Archive, planned: list[pages.Page],
            remembered: dict[str, str], uses: dict[str, tuple[str, ...]], plan_key: str = "") -> Changes:
    """`before`: the last build's parsed articles and photos (cache entries by source);
    `state`: this build's, after reading; `plan_key`: a hash of the plan's other inputs."""
    old_articles, old_photos = before
    edited = tuple(source for source, entry in state.articles.items()
                   if entry.value is not getattr(old_articles.get(source), "value", None))
    return Changes(
        remembered=remembered,
        same_pages=list(remembered) == [page.file for page in planned],
        same_articles_shown=(state.visible == tuple(a.id for a in archive.articles)
                             and state.scheduled == archive.scheduled),
        same_files=(old_articles.keys() == state.articles.keys() and old_photos.keys() == state.photos.keys()
                    and all(state.photos.get(s) is e for s, e in old_photos.items())),
        edited=edited,
        edited_in_place=all(depends.same_place(getattr(old_articles.get(s), "value", None), state.articles[s].value)
                            for s in edited),
        placed=state.placed,
        text_only_templates=depends.text_safe(uses),
        same_plan_inputs=state.plan_key == plan_key,
    )


@dataclass
class Decision:
    """The pages to render (`todo`, indexes into the plan) and each page's fingerprint."""

    case: str
    fingerprints: list[str]               # "" until the workers fingerprint a page they render (EVERYTHING)
    placed: dict[str, tuple[int, ...]]    # article id -> indexes of the pages that show it
    todo: list[int]

    def note(self, prints: depends.Fingerprints) -> Callable[[pages.Page], Any] | None:
        """What the render workers work out beside each page, when the parent has not."""
        if self.case != EVERYTHING:
            return None
        return lambda page: (prints.page(page), depends.articles_on(page))

    def rendered(self, notes: list[tuple[str, tuple[str, ...]]]) -> None:
        """The workers' notes, in the order of `todo` (every page, in the EVERYTHING case)."""
        if self.case == EVERYTHING:
            self.fingerprints = [fingerprint for fingerprint, _ in notes]
            self.placed = depends.placements(ids for _, ids in notes)

    def remember(self, state: cache.State, planned: list[pages.Page], archive: index.Archive) -> None:
        state.pages = dict(zip((page.file for page in planned), self.fingerprints, strict=True))
        state.placed = self.placed
        state.visible, state.scheduled = tuple(a.id for a in archive.articles), archive.scheduled


def decide(changed: Changes, planned: list[pages.Page], prints: depends.Fingerprints,
           published: dict[str, str]) -> Decision:
    """The decision for `changed`; `published`: the files now in the output folder."""
    known = changed.remembered
    case = changed.case
    if case == EVERYTHING:
        return Decision(case, [""] * len(planned), {}, list(range(len(planned))))
    if case == EDITED_IN_PLACE:
        # Fingerprinting 18,000 pages takes a third of a second; here only the pages that
        # held the edited articles can differ from the last build's.
        again = {i for source in changed.edited for i in changed.placed.get(source, ())}
        fingerprints = [prints.page(page) if i in again or page.file not in known else known[page.file]
                        for i, page in enumerate(planned)]
        placed = changed.placed
    else:
        fingerprints = [prints.page(page) for page in planned]
        placed = depends.article_pages(planned)
    todo = [i for i, page in enumerate(planned)
            if known.get(page.file) != fingerprints[i] or page.file not in published]
    return Decision(case, fingerprints, placed, todo)
