"""What a build's cached results were made with besides its input files: the engine's own
code, the versions of the libraries whose output is cached, and the settings. Any of them
changed, the cache starts afresh (cache.State.settings, compared by the check stage)."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from . import cache
from .config import Config

PACKAGE = Path(__file__).resolve().parent


def code_hash() -> str:
    """The engine's own source: a new version of newsroom invalidates every cache entry."""
    h = hashlib.sha256(str(cache.VERSION).encode())
    for file in sorted(PACKAGE.glob("*.py")):
        h.update(file.name.encode())
        h.update(file.read_bytes())
    return h.hexdigest()


# The libraries whose output is cached: a parsed article's HTML and slugs, a page's markup.
LIBRARIES = ("jinja2", "markdown", "nh3", "pypinyin", "pyyaml")


def library_versions() -> str:
    """name=version of each of LIBRARIES, the first found on sys.path as importlib.metadata
    finds it."""
    return ",".join(f"{name}={library_version(name)}" for name in LIBRARIES)


def library_version(name: str) -> str:
    """The installed version of library `name` ("?" if it is not installed). Read from the
    name of its .dist-info folder (as pip installs), and only otherwise by importlib.metadata:
    importing that took 25 ms, a sixth of a rebuild with nothing to do."""
    return _dist_infos().get(_normal(name)) or _installed(name)


def _dist_infos() -> dict[str, str]:
    """Normalised name -> version of every .dist-info folder on sys.path, the first of each
    name (a few milliseconds; not kept, so a serve session sees a library upgraded under it)."""
    found: dict[str, str] = {}
    for folder in dict.fromkeys(sys.path):
        try:
            entries = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in entries:
            if entry.endswith(".dist-info"):
                name, _, version = entry[:-len(".dist-info")].partition("-")
                found.setdefault(_normal(name), version)
    return found


def _normal(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def _installed(name: str) -> str:
    import importlib.metadata  # only for an install with no .dist-info folder (an .egg-info)

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def settings_hash(config: Config) -> str:
    """Everything in the settings a parsed article or a page can depend on.

    Config's repr covers site.yaml and the registries' entries (dataclasses print every field).
    """
    return hashlib.sha256(f"{code_hash()}|{library_versions()}|{config!r}".encode()).hexdigest()
