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

import hashlib
import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

from .config import Config
from .problems import Problem, warning

BUNDLE = "pagefind/"
MARKER = b"data-pagefind-body"
PAGEFIND_VERSION_TAG = "1"   # bump to invalidate cached bundles


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


class Indexer:
    """The searchable pages (those marked `data-pagefind-body`: articles and photos) kept as
    files in `folder`, and the Pagefind bundle made from them.

    An incremental build renders only the pages that changed, so the folder keeps the rest
    from earlier builds: `known` (page file -> hash of its bytes) says what it holds. Pagefind
    has no incremental mode; it runs again only when a searchable page changed.
    """

    def __init__(self, config: Config, folder: Path, known: dict[str, str] | None = None) -> None:
        self.config = config
        self.folder = folder
        self.known = dict(known or {})
        if not self.known:   # start afresh: nothing from an older build may linger
            shutil.rmtree(folder, ignore_errors=True)

    def page(self, path: str, content: bytes) -> None:
        """Note a rendered page (searchable or not: a page may stop being searchable)."""
        if path.endswith(".html") and MARKER in content:
            digest = hashlib.sha256(content).hexdigest()
            if self.known.get(path) != digest:
                target = self.folder / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
                self.known[path] = digest
        elif self.known.pop(path, None) is not None:
            (self.folder / path).unlink(missing_ok=True)

    def bundle(self, pages: set[str], problems: list[Problem]) -> list[tuple[str, bytes | Path]]:
        """The bundle's files for the searchable pages among `pages` (the whole site's pages)."""
        for path in [p for p in self.known if p not in pages]:
            del self.known[path]
            (self.folder / path).unlink(missing_ok=True)
        if not self.known:   # nothing to search yet (an empty archive): no bundle, no warning
            return []
        binary = executable()
        if binary is None:
            problems.append(warning("site.yaml", 0, "search is disabled: install it with "
                                    "pip install 'pagefind[extended]' (the search page will say it is unavailable)"))
            return []
        if not is_extended(binary):
            problems.append(warning("site.yaml", 0, "Pagefind without the extended build cannot split Chinese "
                                    "text into words: pip install 'pagefind[extended]'"))
        digest = hashlib.sha256(f"{PAGEFIND_VERSION_TAG}:{_version()}:{binary}:{self.config.file_urls}".encode())
        for path, page_digest in sorted(self.known.items()):
            digest.update(f"{path}\0{page_digest}\n".encode())
        files, problem = _bundle(binary, self.folder, self.config.cache_dir / "search", digest.hexdigest(),
                                 self.config.file_urls)
        if problem:
            problems.append(problem)
        return files


def _version() -> str:
    try:
        return importlib.metadata.version("pagefind")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _bundle(binary: Path, pages: Path, cache: Path, digest: str,
            keep_index_url: bool) -> tuple[list[tuple[str, bytes]], Problem | None]:
    """The bundle's files: from the cache when the indexed pages are unchanged, else made now."""
    done = cache / "bundle"
    stamp = cache / "bundle.digest"
    if not (stamp.exists() and stamp.read_text() == digest and done.is_dir()):
        fresh = cache / f"bundle-{os.getpid()}"
        shutil.rmtree(fresh, ignore_errors=True)
        command = [str(binary), "--site", str(pages), "--output-path", str(fresh), "--silent"]
        if keep_index_url:
            command.append("--keep-index-url")
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=3600)
        except (OSError, subprocess.SubprocessError) as exc:
            return [], warning("site.yaml", 0, f"search index not built: {exc}")
        if run.returncode != 0:
            shutil.rmtree(fresh, ignore_errors=True)
            detail = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["no output"]
            return [], warning("site.yaml", 0, f"search index not built: pagefind failed: {detail[0]}")
        shutil.rmtree(done, ignore_errors=True)
        stamp.unlink(missing_ok=True)
        os.replace(fresh, done)
        stamp.write_text(digest)
    files = sorted(f for f in done.rglob("*") if f.is_file())
    # Files named by their content's hash are passed as files to link (never read here: there
    # is one per page); the few others (pagefind.js, the entry) as bytes.
    return [(BUNDLE + f.relative_to(done).as_posix(), f if f.parent != done else f.read_bytes())
            for f in files], None
