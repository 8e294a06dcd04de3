"""The image stage next to a bare Pillow loop, on the same camera-sized JPEGs, in one run.

    python bench/images.py [--photos 12] [--rounds 2] [--formats webp,jpeg] [--study]

Makes N camera-like 4000×3000 JPEGs once (kept in $NEWSROOM_BENCH_CACHE or
~/.cache/newsroom-bench, outside git), then times, interleaved round by round so a busy
shared machine hurts all of them alike, keeping each one's best round:

  bare    a bare Pillow loop on one core: open, draft(), resize largest to smallest with
          LANCZOS, save every width in every format with Pillow's default encoder settings
          (and again with the stage's encoder arguments, to isolate the stage's overhead);
  jobs 1  our whole photo path in-process: content.read_all (read, hash, header, caption)
          + images.plan + renditions.run into an empty cache;
  jobs 2  the same on a pool of two worker processes.

and prints photos per second and the ratios. `--study` also times the encoder settings
considered in newsroom/images.py (JPEG optimize/progressive, WebP method) on the same
pixels, with the bytes they produce. bench/run.py calls `measure()`.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image, ImageCms

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import photo  # noqa: E402
from newsroom import colour, config, content, images, renditions  # noqa: E402

WIDTHS = (480, 960, 1600)
FORMATS = ("webp", "jpeg")
QUALITY = {"jpeg": 82, "webp": 80}
SIZE = (4000, 3000)


def cache_dir() -> Path:
    return Path(os.environ.get("NEWSROOM_BENCH_CACHE") or Path.home() / ".cache" / "newsroom-bench")


def corpus(count: int, size: tuple[int, int] = SIZE) -> list[Path]:
    """`count` distinct camera-like JPEGs, made once (a few seconds each) and then reused."""
    folder = cache_dir() / f"images-{size[0]}x{size[1]}"
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{i:04d}.jpg" for i in range(count)]
    for i, path in enumerate(paths):
        if not path.exists():
            print(f"making photo {i + 1}/{count} (once) …", file=sys.stderr)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(camera_jpeg(i, size))
            os.replace(tmp, path)
    return paths


def camera_jpeg(seed: int, size: tuple[int, int] = SIZE) -> bytes:
    """Like a camera's (bench/photo.py), with GPS in the EXIF; every other one carries an sRGB
    ICC profile, as many phones and editors write."""
    return photo.camera_jpeg(seed, size, gps=True, icc=colour.SRGB_ICC if seed % 2 else None)


def bare_loop(paths: list[Path], out: Path, ours: bool = False,
              formats: tuple[str, ...] = FORMATS) -> dict[str, float]:
    """Seconds for the plainest fast Pillow loop doing the same resizes and saves.

    With Pillow's default encoder settings, or (`ours`) with the image stage's, which leaves
    only the stage's own overhead (hashing, metadata, orientation, colour checks, the cache)
    as the difference.
    """
    options = {"jpeg": {"optimize": True}, "webp": {"method": images.WEBP_METHOD}} if ours else {}
    out.mkdir(parents=True, exist_ok=True)
    cpu, started = time.process_time(), time.perf_counter()
    for path in paths:
        with Image.open(path) as im:
            w0, h0 = im.size
            largest = max(WIDTHS)
            im.draft("RGB", (largest, math.ceil(largest * h0 / w0)))
            img = im
            for width in sorted(WIDTHS, reverse=True):
                img = img.resize((width, round(h0 * width / w0)), Image.Resampling.LANCZOS)
                for fmt in formats:
                    img.save(out / f"{path.stem}-{width}.{images.EXTENSIONS[fmt]}", fmt.upper(),
                             quality=QUALITY[fmt], **options.get(fmt, {}))
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu}


def archive(paths: list[Path], root: Path, formats: tuple[str, ...] = FORMATS) -> Path:
    """A photo-only archive of `paths` (hard links where possible), with the bench's settings."""
    photos = root / "photos"
    photos.mkdir(parents=True, exist_ok=True)
    for path in paths:
        try:
            os.link(path, photos / path.name)
        except OSError:
            shutil.copyfile(path, photos / path.name)
    quality = ", ".join(f"{k}: {v}" for k, v in QUALITY.items())
    (root / "site.yaml").write_text(
        f"images:\n  widths: [{', '.join(map(str, WIDTHS))}]\n  formats: [{', '.join(formats)}]\n"
        f"  quality: {{{quality}}}\n", encoding="utf-8")
    return root


def stage(root: Path, jobs: int) -> dict[str, float]:
    """Seconds for our photo path into an empty cache: reading photos, then rendering them."""
    cache = root / ".cache" / "media"
    shutil.rmtree(cache, ignore_errors=True)
    cpu, started = time.process_time(), time.perf_counter()
    cfg, problems = config.load(root)
    _, photos, found = content.read_all(cfg)
    read = time.perf_counter()
    planned = images.plan(photos, cfg.root, cfg.images)
    outcome = renditions.run(planned, cache, workers=jobs, report=lambda *_: None)
    done = time.perf_counter()
    errors = [p for p in problems + found + outcome.problems if p.severity == "error"]
    if errors or outcome.decoded != len(photos):
        raise RuntimeError(f"the bench archive did not render: {errors}")
    # CPU time of this process: the in-process (--jobs 1) figure that other programs on a
    # shared machine hardly disturb; meaningless for --jobs 2, whose work is in the workers.
    return {"read": read - started, "render": done - read, "seconds": done - started,
            "cpu": time.process_time() - cpu}


def bare_loop_2(paths: list[Path], out: Path, formats: tuple[str, ...] = FORMATS) -> dict[str, float]:
    """The bare loop (our encoder args) split over two processes: what two cores give right now.

    On a shared machine the --jobs 2 speed-up means little alone; next to this one it does.
    """
    started = time.perf_counter()
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(bare_loop, [paths[0::2], paths[1::2]], [out, out], [True, True], [formats, formats]))
    return {"seconds": time.perf_counter() - started}


def measure(count: int = 12, rounds: int = 2, folder: Path | None = None,
            size: tuple[int, int] = SIZE, formats: tuple[str, ...] = FORMATS) -> dict:
    """The figures: seconds (best round), photos per second, and the ratios, as a dict."""
    paths = corpus(count, size)
    with tempfile.TemporaryDirectory(prefix="newsroom-bench-images-", dir=folder) as tmp:
        root = archive(paths, Path(tmp) / "archive", formats)
        best: dict[str, dict[str, float]] = {}
        for _ in range(rounds):
            runs = {"bare": bare_loop(paths, Path(tmp) / "bare", formats=formats),
                    "bare_same": bare_loop(paths, Path(tmp) / "bare", ours=True, formats=formats),
                    "bare_2": bare_loop_2(paths, Path(tmp) / "bare", formats),
                    "jobs1": stage(root, 1), "jobs2": stage(root, 2)}
            for name, figures in runs.items():
                old = best.setdefault(name, figures)
                for key, value in figures.items():   # each figure's best round, separately
                    old[key] = min(old[key], value)
    for figures in best.values():
        figures["photos_per_second"] = count / figures["seconds"]
    return {
        "photos": count, "size": size, "widths": WIDTHS, "formats": formats, "rounds": rounds, **best,
        "ratio_jobs1_to_bare": best["jobs1"]["seconds"] / best["bare"]["seconds"],
        "ratio_jobs1_to_bare_same": best["jobs1"]["seconds"] / best["bare_same"]["seconds"],
        "cpu_ratio_jobs1_to_bare": best["jobs1"]["cpu"] / best["bare"]["cpu"],
        "cpu_ratio_jobs1_to_bare_same": best["jobs1"]["cpu"] / best["bare_same"]["cpu"],
        "speedup_jobs2": best["jobs1"]["seconds"] / best["jobs2"]["seconds"],
        "speedup_bare_2": best["bare_same"]["seconds"] / best["bare_2"]["seconds"],
    }


def study(paths: list[Path]) -> list[tuple[str, float, int]]:
    """(setting, seconds, bytes) for each encoder setting, on the same resized pixels."""
    resized: list[Image.Image] = []
    for path in paths:
        with Image.open(path) as im:
            w0, h0 = im.size
            im.draft("RGB", (max(WIDTHS), math.ceil(max(WIDTHS) * h0 / w0)))
            img = im.convert("RGB")
            for width in sorted(WIDTHS, reverse=True):
                img = img.resize((width, round(h0 * width / w0)), Image.Resampling.LANCZOS)
                resized.append(img)
    settings: list[tuple[str, str, dict]] = [
        ("jpeg baseline", "JPEG", {}), ("jpeg optimize", "JPEG", {"optimize": True}),
        ("jpeg progressive", "JPEG", {"progressive": True}),
        *[(f"webp method {m}", "WEBP", {"method": m}) for m in range(7)],
    ]
    icc = ImageCms.ImageCmsProfile(io.BytesIO(colour.SRGB_ICC))
    results = []
    for name, fmt, options in settings:
        started, size = time.process_time(), 0   # CPU time: steadier than wall on a shared machine
        for img in resized:
            out = io.BytesIO()
            img.save(out, fmt, quality=QUALITY[fmt.lower()], **options)
            size += out.tell()
        results.append((name, time.process_time() - started, size))
    started = time.process_time()
    for img in resized[::3]:   # the largest width: what an ICC conversion would cost per photo
        ImageCms.profileToProfile(img, icc, icc)
    results.append(("sRGB->sRGB ICC transform (skipped)", time.process_time() - started, 0))
    return results


def report(figures: dict) -> str:
    lines = [f"{figures['photos']} photos {figures['size'][0]}×{figures['size'][1]} -> widths "
             f"{', '.join(map(str, figures['widths']))} × {', '.join(figures['formats'])} "
             f"(best of {figures['rounds']} interleaved rounds)"]
    for name, label in (("bare", "bare loop, Pillow defaults"), ("bare_same", "bare loop, our encoder args"),
                        ("bare_2", "the same on 2 processes"), ("jobs1", "image stage --jobs 1"),
                        ("jobs2", "image stage --jobs 2")):
        f = figures[name]
        cpu = f"  cpu {f['cpu']:6.2f} s" if "cpu" in f and name != "jobs2" else ""
        detail = f"  (read {f['read']:.2f} s + render {f['render']:.2f} s)" if "read" in f else ""
        lines.append(f"  {label:<28} {f['seconds']:6.2f} s  {f['photos_per_second']:5.2f} photos/s{cpu}{detail}")
    lines.append(f"  stage --jobs 1 / bare loop, wall: {figures['ratio_jobs1_to_bare']:.2f}x, "
                 f"cpu: {figures['cpu_ratio_jobs1_to_bare']:.2f}x (target ≤ 1.25x)")
    lines.append(f"  stage --jobs 1 / bare loop with our encoder args, wall: {figures['ratio_jobs1_to_bare_same']:.2f}x, "
                 f"cpu: {figures['cpu_ratio_jobs1_to_bare_same']:.2f}x (the stage's own overhead)")
    lines.append(f"  --jobs 2 speed-up over --jobs 1: {figures['speedup_jobs2']:.2f}x "
                 f"(the bare loop on 2 processes, now, on this machine: {figures['speedup_bare_2']:.2f}x)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python bench/images.py", description=__doc__.split("\n")[0])
    p.add_argument("--photos", type=int, default=12, help="how many 4000×3000 JPEGs (default 12)")
    p.add_argument("--rounds", type=int, default=2, help="interleaved rounds; the best is kept (default 2)")
    p.add_argument("--formats", default=",".join(FORMATS), help="output formats (default webp,jpeg)")
    p.add_argument("--study", action="store_true", help="also time the encoder settings considered")
    args = p.parse_args(argv)
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    figures = measure(args.photos, args.rounds, formats=formats)
    print(report(figures))
    if args.study:
        print("encoder settings on the same pixels (all widths of every photo), CPU seconds:")
        for name, seconds, size in study(corpus(args.photos)):
            print(f"  {name:<36} {seconds:6.2f} s  {size / 1e6:6.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
