"""The records a build passes from stage to stage (builder.py, stages.py), and what it returns.

`Options` is what the caller asks for, `Run` is filled in stage by stage, `BuildResult` is
what the caller gets back: counts, problems, timings. docs/architecture.md describes them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import cache
from .config import Config
from .i18n import ENGLISH, Explained, ntr, tr
from .problems import Problem

if TYPE_CHECKING:   # the engine's heavy half (Jinja, Markdown, Pillow): not loaded by a build that stops at its check
    import jinja2

    from . import depends, index, pages, plancache, rebuild, redirects
    from .forked import Started
    from .model import Article, Photo
    from .printing import Editions
    from .slugs import Warm


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
    drafts: int = 0               # drafts left out of this build
    scheduled: int = 0            # articles dated in the future, left out until then
    next_scheduled: str = ""      # when the first of those is due (site timezone), or ""
    notes: list[Explained] = field(default_factory=list)  # "moved: /old/ -> /new/" lines
    redirects: list[tuple[str, str]] = field(default_factory=list)   # old -> new URL paths (redirects.pairs)
    plan_kept: bool = False       # the archive and page plan were the last build's (plancache.py)
    site_changed: bool = False    # a failed build that had put its new site in place (its save failed)
    # The build's records (archive, plan, state …), kept as long as the result: freeing their
    # millions of objects one by one took a third of a second after every build, and the
    # command line exits without (cli.entry).
    records: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def summary(self, lang: str = ENGLISH) -> str:
        return tr(lang, "{articles} articles, {photos} photos, {pages} pages, {renditions} renditions ({new} new), "
                  "{written} files written in {seconds} s", articles=self.articles, photos=self.photos,
                  pages=self.pages, renditions=self.renditions_made + self.renditions_reused,
                  new=self.renditions_made, written=self.written, seconds=f"{self.seconds:.2f}") + self.left_out(lang)

    def left_out(self, lang: str = ENGLISH) -> str:
        """'; left out: 1 draft, 2 scheduled (the next due 2026-12-01 08:00: build again then)', or ''."""
        if not self.drafts and not self.scheduled:
            return ""
        parts = [ntr(lang, "{n} draft", "{n} drafts", self.drafts)] if self.drafts else []
        if self.scheduled:
            parts.append(tr(lang, "{n} scheduled (the next due {when}: build again then)",
                            n=self.scheduled, when=self.next_scheduled))
        return tr(lang, "; left out: {parts}", parts=tr(lang, ", ").join(parts))


@dataclass(frozen=True)
class Options:
    strict: bool = False
    jobs: int = 0                 # 0: one worker per core
    write: bool = True            # False: check only
    serve: bool = False
    progress: Callable[[int, int], None] | None = None
    incremental: bool = True      # remember parsed files and pages in ROOT/.cache/build
    executor: str | None = None   # a Dask scheduler (tcp://host:8786) for the image stage
    reindex: bool = True          # False: leave the search index as published (serve's rebuilds)
    wait: float | None = None     # seconds to wait for another build of the archive (None: no limit)
    lang: str = ENGLISH           # what the build says while it runs (waiting for another build)
    locked: bool = False          # the caller holds the archive's lock (publish: its check and its sending)


@dataclass
class Run:
    """One build's records, filled in stage by stage."""

    config: Config
    options: Options
    now: datetime
    result: BuildResult
    store: cache.Store | None = None                  # None: not incremental
    state: cache.State = field(default_factory=cache.State)
    settings: str = ""                                # versions.settings_hash
    inputs: str = ""                                  # every input file's size and mtime
    scanned: dict[str, tuple[int, int]] | None = None
    links: list[str] | None = None                    # the symbolic links among the files scanned
    before: tuple[dict, dict] = ({}, {})              # the last build's parsed articles and photos
    articles: list[Article] = field(default_factory=list)
    photos: list[Photo] = field(default_factory=list)
    archive: index.Archive | None = None
    planned: list[pages.Page] = field(default_factory=list)
    media: dict[str, Path] = field(default_factory=dict)   # rendition file name -> cached file
    env: jinja2.Environment | None = None
    page_settings: str = ""                           # settings and templates the pages are made with
    published: dict[str, str] = field(default_factory=dict)   # the output folder's manifest
    values: depends.Values | None = None
    decision: rebuild.Decision | None = None
    printed: Editions | None = None                   # the printed paper (printing.py), from the index stage on
    editions_read: Any = None                         # the edition files it was made from (reprinting.Read)
    reprinted: bool = False                           # the kept plan's print index made again (reprinting.py)
    plan_key: str = ""                                # what else the plan was made from: the day, the front page
    edition_digests: dict = field(default_factory=dict)   # printing.digests of `printed`, for the next build
    living: redirects.Plan | None = None              # old addresses, and moved.yaml after this build
    kept: bool = False                                # the archive and plan are the last build's (plancache)
    kept_key: str = ""                                # the key they were found under (plancache.key)
    patched: bool = False                             # the last build's, with new stories put in (additions.py)
    retitled: dict[str, str] = field(default_factory=dict)   # stories retitled in them -> the titles put in
    plan_written: plancache.Written | None = None     # this build's plan, written early
    plan_writing: Started | None = None               # the plan being written, in a process of its own
    plan_writing_token: str = ""                      # the token it is written under
    images_making: Started | None = None              # a new photo or two, made beside the plan (stages.py)
    parsed_saving: Started | None = None              # a first build's parsed files, saved beside the index and plan
    slugging: Warm | None = None                      # pypinyin loading since the check stage (a first build)
    plan_problems: list[Problem] = field(default_factory=list)   # what the index and plan stages found
