"""Full-text search: a Pagefind index of the built pages, published with them.

The pages stream through `indexed()` on their way to output.write: every page marked
`data-pagefind-body` (articles and photos) is copied to a scratch folder, and when the
stream ends Pagefind's extended build (Chinese word segmentation) indexes that folder
and its bundle is yielded as more files under pagefind/. So the index is written in the
same atomic swap as the pages it describes, and an unchanged site gets a byte-identical
bundle (cached by a digest of the indexed pages), so a rebuild with no change writes nothing.

Without the `pagefind` package the site still builds, with a warning, and no search index.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator
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


def indexed(files: Iterable[tuple[str, bytes | Path]], config: Config,
            problems: list[Problem]) -> Iterator[tuple[str, bytes | Path]]:
    """Pass every file through, then add the search bundle for the pages among them."""
    binary = executable()
    if binary is None:
        problems.append(warning("site.yaml", 0, "search is disabled: install it with "
                                "pip install 'pagefind[extended]' (the search page will say it is unavailable)"))
        yield from files
        return
    if not is_extended(binary):
        problems.append(warning("site.yaml", 0, "Pagefind without the extended build cannot split Chinese "
                                "text into words: pip install 'pagefind[extended]'"))
    cache = config.cache_dir / "search"
    pages = cache / f"pages-{os.getpid()}"
    shutil.rmtree(pages, ignore_errors=True)
    pages.mkdir(parents=True)
    digest = hashlib.sha256(f"{PAGEFIND_VERSION_TAG}:{_version()}:{binary}:{config.file_urls}".encode())
    count = 0
    try:
        for path, content in files:
            if isinstance(content, bytes) and path.endswith(".html") and MARKER in content:
                count += 1
                target = pages / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
                digest.update(path.encode() + b"\0" + hashlib.sha256(content).digest())
            yield path, content
        if count == 0:   # nothing to search yet (an empty archive): no bundle, no warning
            return
        bundle, problem = _bundle(binary, pages, cache, digest.hexdigest(), config.file_urls)
    finally:
        shutil.rmtree(pages, ignore_errors=True)
    if problem:
        problems.append(problem)
    yield from bundle


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
    return [(BUNDLE + f.relative_to(done).as_posix(), f.read_bytes()) for f in files], None
