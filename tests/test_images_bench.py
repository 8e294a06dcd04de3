"""bench/images.py runs end to end (on small photos here) and returns its figures."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from PIL import Image

BENCH = Path(__file__).resolve().parent.parent / "bench" / "images.py"


def test_bench_measures_the_stage_and_the_bare_loop(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NEWSROOM_BENCH_CACHE", str(tmp_path / "cache"))
    spec = importlib.util.spec_from_file_location("bench_images", BENCH)
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_images", bench)   # its pool pickles bare_loop by name
    spec.loader.exec_module(bench)
    figures = bench.measure(2, rounds=1, folder=tmp_path, size=(400, 300))
    photos = sorted((tmp_path / "cache" / "images-400x300").glob("*.jpg"))
    assert len(photos) == 2 and Image.open(photos[0]).size == (400, 300)
    for name in ("bare", "bare_same", "bare_2", "jobs1", "jobs2"):
        assert figures[name]["seconds"] > 0 and figures[name]["photos_per_second"] > 0
    assert figures["ratio_jobs1_to_bare"] > 0 and figures["speedup_jobs2"] > 0
    assert "photos/s" in bench.report(figures)
