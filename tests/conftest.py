"""Shared fixtures: the sample archive and small fixture sites, built into tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"


@pytest.fixture
def sample_root(tmp_path: Path) -> Path:
    """A private copy of the repository's sample archive (content, photos, registries)."""
    root = tmp_path / "archive"
    root.mkdir()
    for name in ("content", "photos", "templates"):
        shutil.copytree(REPO / name, root / name)
    for name in ("site.yaml", "streets.yaml", "reporters.yaml"):
        shutil.copy(REPO / name, root / name)
    return root
