"""Camera-like JPEGs for the benchmarks, made with Pillow alone (no numpy to install).

Noise and edges matter: flat synthetic images decode and encode far faster than photos, so
a benchmark on them would flatter every image pipeline alike.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageChops, ImageDraw, ImageFilter

NOISE = 15   # ± this much per channel: uniform noise of about the spread (σ ≈ 9) of a phone's sensor


def camera_jpeg(seed: int, size: tuple[int, int], gps: bool = False, icc: bytes | None = None) -> bytes:
    """Smooth light, shapes with edges, sensor noise, EXIF (with GPS if asked), quality 92, 4:2:0.

    The same seed gives the same bytes: benchmark corpora are comparable run to run."""
    rng = random.Random(seed)
    w, h = size
    small = Image.frombytes("RGB", (max(w // 100, 1), max(h // 100, 1)),
                            bytes(rng.randrange(40, 220) for _ in range(max(w // 100, 1) * max(h // 100, 1) * 3)))
    img = small.resize(size, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(img)
    for _ in range(40):
        x, y, r = rng.randrange(w), rng.randrange(h), rng.randrange(50, 600)
        colour = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x - r, y - r // 2, x + r, y + r // 2), fill=colour)
    img = img.filter(ImageFilter.GaussianBlur(2))
    img = ImageChops.add(img, _noise(rng, size), offset=-NOISE)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "BenchCam", "Model 1", 1   # Make, Model, Orientation
    if gps:
        exif.get_ifd(0x8825).update({1: "N", 2: (22.0, 43.0, 12.0), 3: "E", 4: (114.0, 14.0, 51.0)})
    extra = {"icc_profile": icc} if icc else {}
    out = io.BytesIO()
    img.save(out, "JPEG", quality=92, subsampling="4:2:0", exif=exif, **extra)
    return out.getvalue()


def _noise(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """Values 0..2·NOISE per channel; added with an offset of -NOISE, it is noise around zero."""
    raw = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    return raw.point(lambda v: v * (2 * NOISE + 1) // 256)
