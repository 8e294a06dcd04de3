"""Fixtures (loaded with `pytest_plugins = ["sample_plugin"]`): the sample archive, renditions made once."""

from __future__ import annotations

from pathlib import Path

import pytest
from archive_gen import copy_sample


@pytest.fixture(scope="session")
def rendition_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's renditions, made once per test session (they take most of a build's time)."""
    from newsroom.cli import main

    root = copy_sample(tmp_path_factory.mktemp("cache") / "archive")
    assert main(["check", "--root", str(root), "-q"]) == 0
    assert main(["--root", str(root), "-q", "--output", str(root.parent / "site")]) == 0
    return root / ".cache"


@pytest.fixture
def sample(tmp_path: Path, rendition_cache: Path) -> Path:
    """Like conftest's sample_root, with the renditions already in its cache."""
    return copy_sample(tmp_path / "archive", rendition_cache)
