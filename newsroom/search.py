"""Full-text search: a Pagefind index of the built pages, published with them.

Every rendered page passes an `Indexer` on its way to output: each page marked
`data-pagefind-body` (articles and photos) is kept, spelt for the index (searchwords.py),
in a folder beside the build's cache, one sub-folder per year. Pagefind indexes each year
into its own bundle (searchbundle.py), and the pages changed since their year's bundle was
made into one small bundle of recent changes (searchplan.py says which); the bundles are
published under pagefind/ in the same write as the pages they describe, and the search
page merges them. A bundle is cached by a digest of its pages, so a rebuild with no
searchable page changed runs no Pagefind and writes nothing.

Without the `pagefind` package the site still builds, with a warning, and no search index.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import cachedir, output, searchbundle, searchsite, searchwords, urls, versions
from .config import Config
from .pages import Page
from .problems import Problem, warning
from .searchplan import plan, shard, shard_of, shards, split, starts_of
from .searchtool import executable, index_language, is_extended
from .searchwords import indexed_part, page_for_index

BUNDLE = urls.SEARCH_INDEX
MARKER = b"data-pagefind-body"
PAGEFIND_VERSION_TAG = "3"   # bump to invalidate cached bundles


# The year a story is filed under and its date (templates/_macros.html writes them for the
# year filter and the sort by date).
YEAR = re.compile(rb'data-pagefind-filter="year">\s*(\d{4})\s*<')
MONTH = re.compile(rb'data-pagefind-sort="date">\s*\d{4}-(\d{2})')
RECENT = "recent"    # the bundle of pages changed since their year's bundle (searchplan.py)


def expected(pages: list[Page]) -> Counter[str]:
    """How many searchable pages of each month ("YYYY-MM") are among `pages` (articles and
    photos by their date, as their templates file them): a cold build splits big years by
    them (searchplan.split)."""
    months: Counter[str] = Counter()
    for page in pages:
        item = page.context.get("article") if page.template == "article.html" else (
            page.context.get("photo") if page.template == "photo.html" else None)
        if item is not None:
            date = getattr(item, "date", None)
            months[f"{date.year}-{date.month:02d}" if date else "all"] += 1
    return months


class Indexer:
    """The searchable pages (those marked `data-pagefind-body`: articles and photos) kept as
    files in `folder`, one sub-folder per year, and the Pagefind bundles made from them.

    An incremental build renders only the pages that changed, so the folder keeps the rest
    from earlier builds; `known` (page file -> "year:hash of what Pagefind reads of it") says
    what it holds.
    Pagefind runs once the last page has passed, two years at a time (bundle()): run while
    pages still rendered, it slowed the rendering more than it gained (bench/README.md,
    stop 52).
    """

    def __init__(self, config: Config, folder: Path, known: dict[str, str] | None = None,
                 expected: Counter[str] | None = None, moved: dict[str, str] | None = None) -> None:
        self.config = config
        self.folder = folder
        self.moved = moved or {}   # page file -> the page file it redirects to (searchplan.plan)
        self.known = dict(known or {})
        self.cold = not self.known
        self.copying = 0.0   # seconds spent on the pages' copies, while pages render
        self.after = 0.0     # seconds the index adds after the last page (Pagefind's wait)
        # A page filed under a street or reporter is found by its registry aliases too, and by
        # its old names (a renamed reporter's old bylines are still searched for by that name).
        self.aliases = {entry.name: (*entry.aliases, *entry.old_names)
                        for reg in config.registries.values() for entry in reg.entries}
        months = (expected or Counter()) if self.cold and config.search else Counter()
        # Big years split into parts by months: decided by a cold build, kept by the edits after it.
        self.starts = split(months) if self.cold else starts_of(self.known)
        self.fresh: set[str] = set()   # pages whose copy this build wrote
        self.made: dict[str, searchbundle.Bundle] = {}   # the bundles bundle() gave, by name
        self.shown: dict[str, list] | None = None   # the record of the bundles the site held (searchsite)
        self.kept_whole: list[str] = []   # the bundles bundle() gave as output.KEEP: their site folders
        self.binary = executable() if config.search else None
        self.pool: ThreadPoolExecutor | None = None
        self.listed_as_made = False   # the copies' file system lists a folder in the order it was made
        if self.cold:   # start afresh: nothing from an older build may linger
            shutil.rmtree(folder, ignore_errors=True)
        if config.search:
            cachedir.folder(folder)   # (a file in its way, below .cache, is removed)
            # Made (or repaired) here, before any Pagefind thread: two threads repairing the same
            # parent at once raced (one removed the file in the way under the other).
            searchbundle.sweep(cachedir.folder(config.cache_dir / "search"))
            for name in os.listdir(folder):   # links for Pagefind (_linked) a killed build left,
                if cachedir.left_by_dead(name) or name == RECENT:   # or where earlier versions made them
                    shutil.rmtree(folder / name, ignore_errors=True)
            self.listed_as_made = listed_as_made(folder)

    def prepare(self, path: str, content: bytes) -> str | None:
        """The page's entry ("year:hash") if it is searchable, its copy for the index written
        when it changed; None if not searchable. It leaves this indexer's records alone, so
        the render workers run it beside each page (spelling and writing the copies was most
        of the build process's time in a cold build); page() records what it gave."""
        if not self.config.search or not path.endswith(".html") or MARKER not in content:
            return None
        year, month = YEAR.search(content), MONTH.search(content)
        copy = page_for_index(content.decode(), self.aliases)
        digest = hashlib.sha256(indexed_part(copy).encode()).hexdigest()
        where = shard_of(year.group(1).decode(), int(month.group(1)) if month else 1, self.starts) if year else "all"
        entry = f"{where}:{digest}"
        if self.known.get(path) != entry:   # what the build began with: each page comes once
            target = self.folder / shard(entry) / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(copy, encoding="utf-8")
        return entry

    def page(self, path: str, entry: str | None) -> None:
        """Note a rendered page (searchable or not: a page may stop being searchable) by what
        prepare() gave for it."""
        if not self.config.search:
            return
        started = time.perf_counter()
        try:
            self._page(path, entry)
        finally:
            self.copying += time.perf_counter() - started

    def _page(self, path: str, entry: str | None) -> None:
        """Record the page's entry (its copy is written)."""
        old = self.known.get(path)
        if entry is None:
            if old is not None:
                self._forget(path)
            return
        if old != entry:
            self.fresh.add(path)
            if old is not None and shard(old) != shard(entry):
                (self.folder / shard(old) / path).unlink(missing_ok=True)   # filed under another year now
        self.known[path] = entry

    def _forget(self, path: str) -> None:
        old = self.known.pop(path, None)
        if old is not None:
            (self.folder / shard(old) / path).unlink(missing_ok=True)

    def _pool(self) -> ThreadPoolExecutor:
        # Two Pagefind runs at once: one keeps ~1.3 cores busy, two fill both (a cold build).
        # Big years are split into parts (searchplan.split), so each run's memory stays bounded.
        if self.pool is None:
            self.pool = ThreadPoolExecutor(2, thread_name_prefix="pagefind")
        return self.pool

    def close(self) -> None:
        """Wait for the bundles begun (a failed build ends here too: none is left running)."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    @functools.cached_property
    def settings(self) -> str:
        """What every bundle depends on besides its pages: a change makes every bundle anew."""
        version = versions.library_version("pagefind")
        return hashlib.sha256(f"{PAGEFIND_VERSION_TAG}:{version}:{self.binary}:{self.config.file_urls}:"
                              f"{_spelling()}:{self.language}".encode()).hexdigest()

    @functools.cached_property
    def language(self) -> str | None:
        return index_language(self.config.language)

    def _year(self, name: str, pages: dict[str, str]) -> tuple[searchbundle.Bundle | None, list[Problem]]:
        """Bundle `name` (a year, or RECENT) of `pages` (page file -> entry)."""
        digest = hashlib.sha256(self.settings.encode())
        for path, entry in sorted(pages.items()):
            digest.update(f"{path}\0{entry}\n".encode())
        binary = self.binary
        assert binary is not None
        # The recent changes' copies are in their years' folders; a year's copies are read in
        # place where the order they were made in does not show (_linked).
        linked = name == RECENT or self.listed_as_made
        source = self.folder / (f".{name}.{os.getpid()}.tmp" if linked else name)   # (cachedir.LEFTOVER)

        def check() -> list[Problem]:   # just before Pagefind runs (not for a bundle in the cache)
            found = self._verified(pages)
            if linked:
                _linked(source, self.folder, pages)
            return found
        try:
            return searchbundle.make(binary, source, self.config.cache_dir / "search" / name, self.settings,
                                     digest.hexdigest(), pages, self.config.file_urls, check, self.language)
        finally:
            if linked:
                shutil.rmtree(source, ignore_errors=True)

    def _verified(self, pages: dict[str, str]) -> list[Problem]:
        """The copies of `pages` kept from earlier builds, checked before Pagefind reads them:
        one whose searchable part is not what was indexed is a warning, and is spelt again
        from the published page (unchanged since: it was not rendered now). The copy is
        rewritten in place, so the bundle of recent changes, which links it, sees it too."""
        found: list[Problem] = []
        for path, entry in pages.items():
            copy = self.folder / shard(entry) / path
            if path in self.fresh or _indexed_digest(copy) == entry.partition(":")[2]:
                continue
            found.append(cachedir.damaged(copy, self.config.root))
            try:
                html = (self.config.output / path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue   # no published page to spell it from: Pagefind does without it
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(page_for_index(html, self.aliases), encoding="utf-8")
        return found

    def bundle(self, pages: set[str], problems: list[Problem], published: dict[str, str] | None = None,
               listed: bool = True) -> list[tuple[str, bytes | Path | object]]:
        """Every bundle, and the list of them, for the searchable pages among `pages` (the
        whole site's pages). A bundle whose files are published as they are (`published`:
        the site's manifest) is given as output.KEEP for each: an edit leaves nine years of
        the index alone, and passing their ≈10,000 files to be compared was a quarter second;
        or not given at all if not `listed`, when the caller keeps their folders (`kept_whole`)
        as they are without looking (100,000 files at 100,000 articles)."""
        started = time.perf_counter()
        try:
            return self._bundle(pages, problems, published or {}, listed)
        finally:
            self.close()
            self.after += time.perf_counter() - started

    def _bundle(self, pages: set[str], problems: list[Problem], published: dict[str, str],
                listed: bool) -> list[tuple[str, bytes | Path | object]]:
        for path in [p for p in self.known if p not in pages]:
            self._forget(path)
        if not self.known or not self.config.search:   # nothing to search yet, or search off
            return []
        binary = self.binary
        if binary is None:
            problems.append(warning("site.yaml", 0, "search is disabled: install it with "
                                    "pip install 'pagefind[extended]' (the search page will say it is unavailable)"))
            return []
        if not is_extended(binary):
            problems.append(warning("site.yaml", 0, "Pagefind without the extended build cannot split Chinese "
                                    "text into words: pip install 'pagefind[extended]'"))
        cache = self.config.cache_dir / "search"
        kept = {} if self.cold else {year: searchbundle.recorded(cache / year, self.settings)
                                     for year in shards(self.known.values())}
        # A bundle published as it is copies nothing from the cache: only the others' files
        # are checked (at 100,000 articles an edit checked 90,000 files, 0.4 s, to copy none).
        shown = searchsite.Published(None if self.cold else self.folder / searchsite.RECORD,
                                     self.config.output, published)
        self.shown = shown.recorded
        live = {year: paths for year, b in kept.items() if b is not None and (paths := shown.live(year, b)) is not None}
        kept = {year: b if b is not None and (year in live or searchbundle.whole(b, problems)) else None
                for year, b in kept.items()}
        chosen = plan(self.known, {year: b.pages if b else None for year, b in kept.items()}, self.cold,
                      moved=self.moved)
        made: dict[str, searchbundle.Bundle] = {y: b for y, b in kept.items() if b and y not in chosen.remake}
        # The biggest first: two at a time, the last to finish is then one of the smallest.
        remake = sorted(chosen.remake, key=lambda year: (-len(chosen.years[year]), year))
        jobs = {year: self._pool().submit(self._year, year, chosen.years[year]) for year in remake}
        if chosen.recent:
            jobs[RECENT] = self._pool().submit(self._year, RECENT, chosen.recent)
        for name, job in sorted(jobs.items()):
            bundle, found = job.result()
            problems.extend(found)
            if bundle is None:
                return []
            made[name] = bundle
        self.made = made
        live = {year: files for year, files in live.items() if year not in chosen.remake}
        for name in made.keys() - live.keys():
            if (paths := shown.live(name, made[name])) is not None:
                live[name] = paths
        self.kept_whole = [urls.search_file(name, "") for name in sorted(live)]
        return _published(made, chosen.superseded, live if listed else dict.fromkeys(live, ()))

    def published(self, site: Path) -> None:
        """Note, once the site is written, which bundles it holds as they are: the next
        edit takes them as published without looking (searchsite.py)."""
        if self.config.search and self.made:
            searchsite.record(self.folder / searchsite.RECORD, site, self.made, self.shown)


def listed_as_made(folder: Path) -> bool:
    """Whether the file system of `folder` lists a folder's entries in the order they were
    made (tmpfs, btrfs), not by a hash of their names (ext4): tried on sixteen empty files."""
    probe = folder / f".order.{os.getpid()}.tmp"   # (cachedir.LEFTOVER, if killed)
    names = [f"{i * 7 % 16:02d}" for i in range(16)]   # made out of the names' order
    shutil.rmtree(probe, ignore_errors=True)
    try:
        probe.mkdir()
        for name in names:
            (probe / name).touch()
        listed = os.listdir(probe)
    except OSError:
        return True   # links do no harm
    finally:
        shutil.rmtree(probe, ignore_errors=True)
    return listed in (names, names[::-1])


def _linked(folder: Path, copies: Path, pages: dict[str, str]) -> None:
    """`folder`: links to the copies of `pages`, made in the order of their paths. Pagefind
    numbers pages in the order it finds them, which on tmpfs or btrfs is the order a folder's
    entries were made: from the copies themselves, written as pages finished rendering, two
    clean builds' indexes differed. On ext4, which lists a folder by a hash of its names,
    the links are not needed, and they cost 0.5 ms a page on this machine's disk (a year's
    folders made and removed): a year's copies are read in place there (`listed_as_made`)."""
    shutil.rmtree(folder, ignore_errors=True)
    for path, entry in sorted(pages.items()):
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(copies / shard(entry) / path, target)


def _indexed_digest(copy: Path) -> str | None:
    """The digest of what Pagefind reads of a kept copy (None: unreadable)."""
    try:
        return hashlib.sha256(indexed_part(copy.read_text(encoding="utf-8")).encode()).hexdigest()
    except (OSError, UnicodeDecodeError):
        return None


def _published(made: dict[str, searchbundle.Bundle], superseded: dict[str, tuple[str, ...]],
               live: dict[str, Iterable[str]]) -> list[tuple[str, bytes | Path | object]]:
    """The bundles' files under pagefind/, and shards.json: the year bundles newest first,
    the bundle of recent changes, and the Pagefind ids of the year bundles' entries that
    the search page hides (pages changed or gone since their year's bundle was made).
    The files of a bundle published as it is (`live`: name -> its files' paths) are output.KEEP."""
    # Newest first, as the search page's 最新 asks them one after another: the bundle of pages
    # without a date ('all': undated photos) last, not before every year's.
    years = sorted((name for name in made if name != RECENT), key=lambda name: (name[:1].isdigit(), name),
                   reverse=True)
    # A page whose change Pagefind does not see (its address in a copy built for another
    # base_url: not indexed) has the same id in the recent bundle: hiding it would hide both.
    same = set(made[RECENT].ids.values()) if RECENT in made else set()
    hidden = sorted({made[year].ids[path] for year, paths in superseded.items() for path in paths
                     if path in made[year].ids} - same)
    listing = {"shards": years, **({"recent": RECENT} if RECENT in made else {}), "superseded": hidden}
    files: list[tuple[str, bytes | Path | object]] = [(urls.SEARCH_SHARDS, json.dumps(listing).encode())]
    for name in sorted(made):
        if name in live:
            files += [(path, output.KEEP) for path in sorted(live[name])]
            continue
        # Files named by their content's hash are passed as files to copy (never read here:
        # there is one per page); the few others (pagefind.js, the entry) as bytes.
        files += [(urls.search_file(name, rel), file if "/" in rel else file.read_bytes())
                  for rel, file in made[name].files()]
    return files


@functools.cache
def _spelling() -> str:
    """How pages are turned into what Pagefind indexes: a new spelling makes every bundle anew."""
    return hashlib.sha256(Path(searchwords.__file__).read_bytes()).hexdigest()
