"""Photo renditions: plan the work (pure), then render each job (a pure function of bytes).

A rendition's key hashes the source bytes, the settings and PIPELINE_VERSION, and its file
names carry that key, so a published image can be cached forever and an unchanged photo
is never decoded twice. `render` runs on any concurrent.futures Executor (or a cluster):
a job carries everything it needs and the result carries the encoded files back.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageOps

from .config import ImageConfig
from .model import Photo
from .problems import Problem, error

PIPELINE_VERSION = 2   # 2: renditions no longer keep a JPEG comment
EXTENSIONS = {"jpeg": "jpg", "webp": "webp", "avif": "avif"}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@dataclass(frozen=True)
class RenditionJob:
    photo: str                   # photo id, for messages
    source: str                  # where to read the bytes when `data` is not sent along
    key: str
    widths: tuple[int, ...]      # output widths, never above the source's
    formats: tuple[str, ...]
    quality: tuple[tuple[str, int], ...]
    background: str
    max_pixels: int
    data: bytes | None = None    # the source bytes, for workers without the archive's disk


@dataclass(frozen=True)
class Rendition:
    key: str
    files: tuple[tuple[str, bytes], ...]   # (file name, encoded bytes)


@dataclass(frozen=True)
class Srcset:
    """What a page needs to show one photo: every width in every format, best first."""

    key: str
    width: int
    height: int
    widths: tuple[int, ...]
    formats: tuple[str, ...]

    @property
    def fallback(self) -> int:
        """The width for a plain <img src>: the largest up to 960 px (else the smallest)."""
        fitting = [w for w in self.widths if w <= 960]
        return fitting[-1] if fitting else self.widths[0]

    def file(self, width: int, fmt: str) -> str:
        return f"{self.key}-{width}.{EXTENSIONS[fmt]}"


def output_widths(source_width: int, widths: tuple[int, ...]) -> tuple[int, ...]:
    """The configured widths, never upscaled: wider ones collapse to the source's width."""
    return tuple(sorted({min(w, source_width) for w in widths}))


def rendition_key(digest: str, settings: ImageConfig) -> str:
    recipe = f"{digest}|{settings.widths}|{settings.formats}|{settings.quality}|{settings.background}|v{PIPELINE_VERSION}"
    return hashlib.sha256(recipe.encode()).hexdigest()[:20]


def srcset(photo: Photo, settings: ImageConfig) -> Srcset:
    return Srcset(rendition_key(photo.digest, settings), photo.width, photo.height,
                  output_widths(photo.width, settings.widths), settings.formats)


def plan(photos: list[Photo] | tuple[Photo, ...], root: Path, settings: ImageConfig) -> list[RenditionJob]:
    return [
        RenditionJob(
            photo=p.source, source=str(root / p.source), key=s.key, widths=s.widths,
            formats=s.formats, quality=settings.quality, background=settings.background,
            max_pixels=settings.max_pixels,
        )
        for p in photos
        for s in [srcset(p, settings)]
    ]


def file_names(job: RenditionJob) -> list[str]:
    return [f"{job.key}-{w}.{EXTENSIONS[f]}" for w in job.widths for f in job.formats]


def render(job: RenditionJob) -> Rendition | Problem:
    """Decode once (scaled down by libjpeg where it can), resize largest to smallest, encode."""
    try:
        data = job.data if job.data is not None else Path(job.source).read_bytes()
        img = _load(data, job)
        quality = dict(job.quality)
        files: list[tuple[str, bytes]] = []
        current = img
        for width in sorted(job.widths, reverse=True):
            height = max(1, round(current.height * width / current.width))
            if width != current.width:
                current = current.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
            for fmt in job.formats:
                files.append((f"{job.key}-{width}.{EXTENSIONS[fmt]}", _encode(current, fmt, quality.get(fmt, 80))))
        return Rendition(job.key, tuple(sorted(files)))
    except MemoryError:
        return error(job.photo, 0, "the photo is too large to process in memory")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, ImageCms.PyCMSError) as exc:
        return error(job.photo, 0, f"cannot process the photo: {exc}")


def _load(data: bytes, job: RenditionJob) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    if img.width * img.height > job.max_pixels:
        raise ValueError(f"{img.width}×{img.height} pixels is over the limit of {job.max_pixels:,}")
    if img.format == "JPEG":
        # libjpeg decodes at 1/2, 1/4 or 1/8 scale almost for free: ask for just enough pixels.
        target = max(job.widths)
        rotated = img.getexif().get(0x0112, 1) in (5, 6, 7, 8)
        stored_w = img.height if rotated else img.width
        scale = target / stored_w
        img.draft(img.mode if img.mode in ("RGB", "L") else None,
                  (max(1, round(img.width * scale)), max(1, round(img.height * scale))))
    img = ImageOps.exif_transpose(img)
    img = _to_srgb(img, job.background)
    img.info = {}   # privacy: Pillow re-saves some of it (a JPEG comment); publish pixels only
    return img


def _to_srgb(img: Image.Image, background: str) -> Image.Image:
    icc = img.info.get("icc_profile")
    if img.mode in ("P", "PA"):
        img = img.convert("RGBA")
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        img = img.point(lambda v: v / 256).convert("L")
    if img.mode in ("RGBA", "LA", "La", "RGBa"):
        base = Image.new("RGB", img.size, background)
        base.paste(img.convert("RGBA"), mask=img.convert("RGBA").getchannel("A"))
        img = base
    if icc:
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            img = ImageCms.profileToProfile(img, profile, _SRGB, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError):
            pass  # a broken embedded profile: fall back to the plain conversion below
    if img.mode != "RGB":
        img = img.convert("RGB")
    return img


def _encode(img: Image.Image, fmt: str, quality: int) -> bytes:
    out = io.BytesIO()
    if fmt == "jpeg":
        img.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    elif fmt == "webp":
        img.save(out, "WEBP", quality=quality, method=4)
    else:
        img.save(out, "AVIF", quality=quality)
    return out.getvalue()
