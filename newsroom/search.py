"""Full-text search: a Pagefind index of the built pages, published with them.

Every rendered page passes an `Indexer` on its way to output: each page marked
`data-pagefind-body` (articles and photos) is kept in a folder beside the build's cache,
and Pagefind's extended build (Chinese word segmentation) indexes that folder; its bundle
is published as more files under pagefind/, in the same write as the pages it describes.
The bundle is cached by a digest of the indexed pages, so a rebuild with no searchable
page changed runs no Pagefind and writes nothing.

Without the `pagefind` package the site still builds, with a warning, and no search index.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cbor2

from . import cachedir, searchfiles, searchwords
from .config import Config
from .problems import Problem, warning
from .searchwords import page_for_index

BUNDLE = "pagefind/"
MARKER = b"data-pagefind-body"
PAGEFIND_VERSION_TAG = "3"   # bump to invalidate cached bundles


def executable() -> Path | None:
    """The Pagefind binary shipped by `pip install 'pagefind[extended]'` (None if missing)."""
    if importlib.util.find_spec("pagefind") is None:
        return None
    from pagefind.service import get_executable  # the package's own lookup

    found = get_executable()
    return found if found and found.exists() else None


def is_extended(binary: Path) -> bool:
    """Only the extended build segments Chinese text into words."""
    return "extended" in binary.name


# The year a story is filed under (templates/_macros.html writes it for the year filter).
YEAR = re.compile(rb'data-pagefind-filter="year">\s*(\d{4})\s*<')
SHARDS = "shards.json"
BIG_SHARD = 2000   # searchable pages in one year's index


class Indexer:
    """The searchable pages (those marked `data-pagefind-body`: articles and photos) kept as
    files in `folder`, one sub-folder per year, and a Pagefind bundle made from each.

    Pagefind has no incremental mode and costs ~2 ms a page (and memory in proportion), so
    one index of a large archive would be made anew, whole, after every edit. One index per
    year is: an edit re-indexes its year only; the search page merges the years' indexes
    in the browser (pagefind.mergeIndex), newest first. An incremental build renders only
    the pages that changed, so the folder keeps the rest from earlier builds; `known`
    (page file -> "year:hash of its bytes") says what it holds.
    """

    def __init__(self, config: Config, folder: Path, known: dict[str, str] | None = None) -> None:
        self.config = config
        self.folder = folder
        self.known = dict(known or {})
        self.seconds = 0.0   # spent on the index (copies and Pagefind): the build reports it
        # A page filed under a street or reporter is found by its registry aliases too.
        self.aliases = {entry.name: entry.aliases for reg in config.registries.values() for entry in reg.entries}
        if not self.known:   # start afresh: nothing from an older build may linger
            shutil.rmtree(folder, ignore_errors=True)
        if config.search:
            cachedir.folder(folder)   # (a file in its way, below .cache, is removed)

    def page(self, path: str, content: bytes) -> None:
        """Note a rendered page (searchable or not: a page may stop being searchable)."""
        if not self.config.search:
            return
        started = time.perf_counter()
        try:
            self._page(path, content)
        finally:
            self.seconds += time.perf_counter() - started

    def _page(self, path: str, content: bytes) -> None:
        old = self.known.get(path)
        if path.endswith(".html") and MARKER in content:
            year = YEAR.search(content)
            entry = f"{year.group(1).decode() if year else 'all'}:{hashlib.sha256(content).hexdigest()}"
            if old == entry:
                return
            self._forget(path)
            target = self.folder / _shard(entry) / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page_for_index(content.decode(), self.aliases), encoding="utf-8")
            self.known[path] = entry
        elif old is not None:
            self._forget(path)

    def _forget(self, path: str) -> None:
        old = self.known.pop(path, None)
        if old is not None:
            (self.folder / _shard(old) / path).unlink(missing_ok=True)

    def bundle(self, pages: set[str], problems: list[Problem]) -> list[tuple[str, bytes | Path]]:
        """Every year's bundle, and the list of years, for the searchable pages among `pages`
        (the whole site's pages)."""
        started = time.perf_counter()
        try:
            return self._bundle(pages, problems)
        finally:
            self.seconds += time.perf_counter() - started

    def _bundle(self, pages: set[str], problems: list[Problem]) -> list[tuple[str, bytes | Path]]:
        for path in [p for p in self.known if p not in pages]:
            self._forget(path)
        if not self.known or not self.config.search:   # nothing to search yet, or search off
            return []
        binary = executable()
        if binary is None:
            problems.append(warning("site.yaml", 0, "search is disabled: install it with "
                                    "pip install 'pagefind[extended]' (the search page will say it is unavailable)"))
            return []
        if not is_extended(binary):
            problems.append(warning("site.yaml", 0, "Pagefind without the extended build cannot split Chinese "
                                    "text into words: pip install 'pagefind[extended]'"))
        shards: dict[str, list[tuple[str, str]]] = {}
        for path, entry in sorted(self.known.items()):
            shards.setdefault(_shard(entry), []).append((path, entry))
        names = sorted(shards, reverse=True)   # newest first: the first is the page's primary index
        files: list[tuple[str, bytes | Path]] = [(BUNDLE + SHARDS, json.dumps({"shards": names}).encode())]
        def one(name: str) -> tuple[list[tuple[str, bytes | Path]], Problem | None]:
            digest = hashlib.sha256(f"{PAGEFIND_VERSION_TAG}:{_version()}:{binary}:{self.config.file_urls}:"
                                    f"{_spelling()}".encode())
            for path, entry in shards[name]:
                digest.update(f"{path}\0{entry}\n".encode())
            return _bundle(binary, self.folder / name, self.config.cache_dir / "search" / name,
                           digest.hexdigest(), self.config.file_urls)

        # Two Pagefind runs at once: one keeps ~1.4 cores busy, two fill both (a cold build);
        # but one at a time for big years, as Pagefind's memory grows with its pages (~0.2 MB each).
        together = 2 if max(len(pages) for pages in shards.values()) <= BIG_SHARD else 1
        with ThreadPoolExecutor(together) as pool:
            for name, (made, problem) in zip(names, pool.map(one, names), strict=True):
                if problem:
                    problems.append(problem)
                    return []
                files += [(f"{BUNDLE}{name}/{path}", data) for path, data in made]
        return files


@functools.cache
def _spelling() -> str:
    """How pages are turned into what Pagefind indexes: a new spelling makes every bundle anew."""
    return hashlib.sha256(Path(searchwords.__file__).read_bytes()).hexdigest()


def _shard(entry: str) -> str:
    return entry.split(":", 1)[0]


def _version() -> str:
    try:
        return importlib.metadata.version("pagefind")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _bundle(binary: Path, pages: Path, cache: Path, digest: str,
            keep_index_url: bool) -> tuple[list[tuple[str, bytes]], Problem | None]:
    """The bundle's files: from the cache when the indexed pages are unchanged, else made now."""
    cachedir.folder(cache)
    done = cache / "bundle"
    stamp = cache / "bundle.digest"
    if not (stamp.exists() and stamp.read_text() == digest and done.is_dir()):
        for stale in cache.glob("bundle-*"):   # killed builds' (builds take turns: none is running)
            shutil.rmtree(stale, ignore_errors=True)
        fresh = cache / f"bundle-{os.getpid()}"
        command = [str(binary), "--site", str(pages), "--output-path", str(fresh), "--silent"]
        if keep_index_url:
            command.append("--keep-index-url")
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=3600)
        except (OSError, subprocess.SubprocessError) as exc:
            return [], warning("site.yaml", 0, "search index not built: {reason}", reason=exc)
        if run.returncode != 0:
            shutil.rmtree(fresh, ignore_errors=True)
            detail = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["no output"]
            return [], warning("site.yaml", 0, "search index not built: pagefind failed: {reason}", reason=detail[0])
        try:
            searchfiles.canonical(fresh)   # the same pages, the same bytes
        except (OSError, EOFError, ValueError, LookupError, TypeError, cbor2.CBORError) as exc:
            shutil.rmtree(fresh, ignore_errors=True)
            return [], warning("site.yaml", 0, "search index not built: {reason}", reason=exc)
        shutil.rmtree(done, ignore_errors=True)
        stamp.unlink(missing_ok=True)
        os.replace(fresh, done)
        stamp.write_text(digest)
    files = sorted(f for f in done.rglob("*") if f.is_file())
    # Files named by their content's hash are passed as files to link (never read here: there
    # is one per page); the few others (pagefind.js, the entry) as bytes.
    return [(f.relative_to(done).as_posix(), f if f.parent != done else f.read_bytes())
            for f in files], None
