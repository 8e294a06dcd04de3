"""bench/images.py runs end to end (on small photos here) and returns its figures."""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

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
        f = figures[name]
        assert f["photos_per_second"] == pytest.approx(2 / f["seconds"])
    jobs1 = figures["jobs1"]
    # The stage's best read and best render come from rounds of their own: each is at most the whole.
    assert jobs1["read"] <= jobs1["seconds"] and jobs1["render"] <= jobs1["seconds"]
    assert figures["ratio_jobs1_to_bare"] == pytest.approx(jobs1["seconds"] / figures["bare"]["seconds"])
    assert figures["speedup_jobs2"] == pytest.approx(jobs1["seconds"] / figures["jobs2"]["seconds"])
    text = bench.report(figures)
    assert f"{figures['ratio_jobs1_to_bare']:.2f}x" in text
    assert f"{figures['jobs1']['photos_per_second']:5.2f} photos/s" in text


def test_bench_photos_are_camera_like_and_reproducible() -> None:
    """Noise and edges, as a camera's: a flat synthetic image would flatter every encoder."""
    sys.path.insert(0, str(BENCH.parent.parent))
    from bench import photo

    first = photo.camera_jpeg(7, (400, 300), gps=True)
    assert first == photo.camera_jpeg(7, (400, 300), gps=True)
    assert first != photo.camera_jpeg(8, (400, 300), gps=True)
    with Image.open(io.BytesIO(first)) as im:
        assert im.size == (400, 300) and im.getexif().get_ifd(0x8825)[1] == "N"
        # Sensor noise: neighbouring pixels differ, unlike a flat synthetic fill.
        spread = ImageStat.Stat(ImageChops.difference(im, im.transform(im.size, Image.Transform.AFFINE,
                                                                       (1, 0, 1, 0, 1, 0)))).stddev
        assert min(spread) > 3
