"""The Pagefind program: where it is installed, whether it segments Chinese, and what
language it is told a site's pages are written in."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path


def executable() -> Path | None:
    """The Pagefind binary: PAGEFIND_BINARY_PATH if set, else the extended build that
    `pip install 'pagefind[extended]'` ships, else the pagefind package's own lookup (None if
    none is found). The extended build is asked for first and directly: the package's lookup
    imports its asyncio service, 20 ms of every build."""
    named = os.environ.get("PAGEFIND_BINARY_PATH")
    if named:
        found: Path | None = Path(named)
    else:
        try:
            from pagefind_bin_extended import get_executable
            found = get_executable()
        except (ImportError, FileNotFoundError):
            found = _packaged()
    return found if found and found.exists() else None


def _packaged() -> Path | None:
    if importlib.util.find_spec("pagefind") is None:
        return None
    from pagefind.service import get_executable  # the package's own lookup

    return get_executable()


def index_language(site_language: str) -> str | None:
    """What Pagefind is told a site's pages are written in (None: what each page says). A
    Chinese site's Han text reaches Pagefind spelt in ASCII (searchwords.py), which its
    Chinese word segmentation only passes over: told the pages are of no language ("und"),
    it indexes the same words in a sixth less time. The search page still finds the index:
    with none in the page's own language, Pagefind loads the one there is."""
    return "und" if site_language.lower().startswith("zh") else None


def is_extended(binary: Path) -> bool:
    """Only the extended build segments Chinese text into words."""
    return "extended" in binary.name
