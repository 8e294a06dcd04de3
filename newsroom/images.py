"""Photo renditions: plan the work (pure), then render each job (a pure function of bytes).

A rendition's key hashes the source bytes, the settings and PIPELINE_VERSION, and its file
names carry that key, so a published image can be cached forever and an unchanged photo
is never decoded twice. `render` runs on any concurrent.futures Executor (or a cluster):
a job carries everything it needs and the result carries the encoded files back.

Every choice below that costs time was measured with bench/images.py (figures in
bench/README-images.md); the comments say what each one buys.
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from . import interrupts
from .colour import SRGB_ICC, eight_bit, to_srgb
from .config import ImageConfig
from .i18n import N_, Explained
from .model import Photo
from .problems import Problem, error, failed

# Bump whenever the pixels or bytes a job produces change (decoder, filters, encoder settings):
# every key changes with it, so old renditions are never served for the new recipe.
PIPELINE_VERSION = 3   # 3: draft to the covering scale, sRGB, no metadata (not even a JPEG comment), tuned encoders
EXTENSIONS = {"jpeg": "jpg", "webp": "webp", "avif": "avif"}
# What a newsroom's photos really come as. Naming them stops Pillow from trying its other
# plugins on a bad file (some, like EPS, would start external programs).
# (Multi-picture MPO JPEGs from some cameras open through the JPEG plugin.)
SOURCE_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP", "AVIF", "HEIF")
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# 588 bytes: embedded in renditions of colour-managed sources so they say what they are.
UNREADABLE = N_("not an image Pillow can read (is the file corrupt, or not a photo despite its name?)")
# WebP effort (0–6). Measured on 4000×3000 camera JPEGs at 480/960/1600 px (bench/images.py
# --study): method 4 (libwebp's default) spends ~55 % of the whole stage in WebP; method 2
# halves that (the stage ~1.35x faster) for files ~5 % larger at the same PSNR (±0.1 dB);
# method 0/1 are faster still but ~15–20 % larger, method 6 twice as slow for ~5 % smaller.
WEBP_METHOD = 2


class TooLarge(Explained, ValueError):
    """An image over images.max_pixels (a decompression bomb, or just too big to process)."""


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


@functools.lru_cache(maxsize=1 << 16)
def rendition_key(digest: str, settings: ImageConfig) -> str:
    # Cached: templates ask for the same photo's srcset on many pages. Only the settings that
    # change the output bytes are in the recipe (not max_pixels, not unused formats' quality).
    quality = [(fmt, settings.quality_for(fmt)) for fmt in settings.formats]
    recipe = f"{digest}|{settings.widths}|{settings.formats}|{quality}|{settings.background}|v{PIPELINE_VERSION}"
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


# ---------------------------------------------------------------- reading any photo


def open_image(data: bytes, max_pixels: int) -> Image.Image:
    """The image's header (pixels are decoded later, on demand); TooLarge over `max_pixels`.

    HEIC/HEIF needs pillow-heif, registered only when such a file turns up, so builds
    without iPhone photos never import it.
    """
    if not data:
        raise UnidentifiedImageError("the photo file is empty (0 bytes)")
    use_pixel_limit(max_pixels)
    if data[:5] == b"%PDF-":
        img = _pdf_page(data)
        if img.width * img.height > max_pixels:
            raise _too_large(img.width, img.height, max_pixels)
        return img
    try:
        img = _open(data, max_pixels)
    except UnidentifiedImageError:
        if data[4:8] != b"ftyp" or not _register_heif():
            raise
        img = _open(data, max_pixels)
    if img.width * img.height > max_pixels:
        raise _too_large(img.width, img.height, max_pixels)
    return img


PDF_WIDTH = 2400   # a PDF (the scan of a printed page) is drawn this many pixels wide


def _pdf_page(data: bytes) -> Image.Image:
    """The first page of a PDF, drawn PDF_WIDTH pixels wide: a printed page's scan is often a
    PDF from the press. pypdfium2 is imported only when such a file turns up."""
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise UnidentifiedImageError(f"cannot read the PDF: {exc}") from exc
    try:
        if len(pdf) == 0:
            raise UnidentifiedImageError("the PDF has no pages")
        page = pdf[0]
        width, _ = page.get_size()
        return page.render(scale=PDF_WIDTH / max(width, 1)).to_pil().convert("RGB")
    finally:
        pdf.close()


def use_pixel_limit(max_pixels: int) -> None:
    """Pillow's own bomb limit (a warning above it, an error above twice it) is one setting
    for the whole process: it is set to images.max_pixels by the first photo a process (a
    worker) opens and never changed back and forth per photo, so threads sharing a process
    cannot see each other's value. A build has one limit, so in practice it is set once."""
    if Image.MAX_IMAGE_PIXELS != max_pixels:
        Image.MAX_IMAGE_PIXELS = max_pixels


def _open(data: bytes, max_pixels: int) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Pillow's warnings (bomb size, corrupt EXIF …) would reach the terminal naming no
            # photo; what matters is reported as a Problem instead.
            warnings.simplefilter("ignore")
            Image.init()
            known = [f for f in SOURCE_FORMATS if f in Image.OPEN]   # HEIF once pillow-heif is in
            return Image.open(io.BytesIO(data), formats=known)
    except Image.DecompressionBombError as exc:
        raise TooLarge("the photo is over the limit of {max} pixels (images.max_pixels in site.yaml)",
                       max=f"{max_pixels:,}") from exc


def _too_large(width: int, height: int, max_pixels: int) -> TooLarge:
    return TooLarge("the photo is {width}×{height} pixels, over the limit of {max} (images.max_pixels in site.yaml)",
                    width=width, height=height, max=f"{max_pixels:,}")


@functools.lru_cache(maxsize=1)
def _register_heif() -> bool:
    try:
        import pillow_heif
    except ImportError:
        return False
    pillow_heif.register_heif_opener()
    return True


def exif_of(img: Image.Image) -> Image.Exif:
    """The EXIF block, without decoding pixels.

    Pillow finds a PNG eXIf chunk that follows the image data only by decoding the whole
    image; such PNGs are treated as having no EXIF so that reading a photo stays cheap.
    """
    if img.format == "PNG" and "exif" not in img.info:
        return Image.Exif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # Pillow warns about corrupt EXIF; it just has no EXIF
            return img.getexif()
    except Exception as exc:  # noqa: BLE001 - a broken EXIF block must not make the photo unusable
        if interrupts.unwrapped(exc):   # Ctrl-C as Pillow loaded a module (its enums)
            raise
        return Image.Exif()


def orientation(img: Image.Image) -> int:
    """EXIF orientation 1–8 (1 when missing or nonsense)."""
    value = exif_of(img).get(0x0112, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def displayed_size(img: Image.Image) -> tuple[int, int]:
    """Width and height as a viewer shows the photo (EXIF orientation applied)."""
    return (img.height, img.width) if orientation(img) >= 5 else img.size


# ---------------------------------------------------------------- rendering


def render(job: RenditionJob) -> Rendition | Problem:
    """Decode once (scaled down by libjpeg where it can), resize largest to smallest, encode.

    Never raises: whatever a file does to Pillow is that photo's Problem, not the build's.
    """
    return _guarded(job, _render)


def verify(job: RenditionJob) -> Problem | None:
    """The Problem render(job) would give decoding the photo, found by decoding it at the
    smallest scale that covers its narrowest rendition (None: it decodes). For check, which
    makes no rendition but must fail where a build would: a truncated upload, say."""
    return _guarded(job, lambda job: _decoded(job, min(job.widths)) and None)


def _decoded(job: RenditionJob, width: int) -> tuple[Image.Image, tuple[int, int]]:
    data = job.data if job.data is not None else Path(job.source).read_bytes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return decode(data, width, job.max_pixels, job.background)


def _render(job: RenditionJob) -> Rendition:
    img, (width0, height0) = _decoded(job, max(job.widths))
    tagged = img.info.pop("icc_profile", None) is not None
    img.info = {}  # nothing of the source's metadata (EXIF, GPS, XMP …) may reach an encoder
    quality = dict(job.quality)
    files: list[tuple[str, bytes]] = []
    current = img
    for width in sorted(job.widths, reverse=True):
        # Heights from the full photo's aspect, so cascaded rounding never drifts.
        height = max(1, round(height0 * width / width0))
        if (width, height) != current.size:
            # Each width from the next larger one (fewer source pixels to filter than
            # going back to the draft each time); LANCZOS keeps every step sharp.
            current = current.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        for fmt in job.formats:
            encoded = encode(current, fmt, quality.get(fmt, 80), SRGB_ICC if tagged else None)
            files.append((f"{job.key}-{width}.{EXTENSIONS[fmt]}", encoded))
    return Rendition(job.key, tuple(sorted(files)))


def _guarded(job: RenditionJob, work: Callable[[RenditionJob], Any]) -> Any:
    try:
        return work(job)
    except MemoryError:
        return error(job.photo, 0, "the photo is too large to process in memory")
    except TooLarge as exc:
        return failed(job.photo, 0, exc)
    except UnidentifiedImageError as exc:
        reason = str(exc) if "empty" in str(exc) else UNREADABLE
        return error(job.photo, 0, reason)
    except FileNotFoundError:
        return error(job.photo, 0, "the photo file disappeared during the build")
    except Exception as exc:  # noqa: BLE001 - truncated, corrupt, or a codec bug: report, go on
        return error(job.photo, 0, "cannot decode the photo (truncated or corrupt?): {reason}", reason=exc)


def decode(data: bytes, width: int, max_pixels: int, background: str) -> tuple[Image.Image, tuple[int, int]]:
    """Upright 8-bit RGB sRGB pixels, `width` wide (never wider than the photo), and the
    photo's full upright size (for the aspect ratio of every smaller width).

    `info['icc_profile']` is set when the source was colour-managed (now converted to sRGB).
    """
    img = open_image(data, max_pixels)
    turn = orientation(img)
    icc = img.info.get("icc_profile") or None
    full_width, full_height = (img.height, img.width) if turn >= 5 else img.size
    width = min(width, full_width)
    height = max(1, round(full_height * width / full_width))
    if img.format in ("JPEG", "MPO") and width < full_width:
        # libjpeg decodes at 1/2, 1/4 or 1/8 scale in the DCT itself (1/2: ~1.6x faster than a
        # full decode, more at 1/4 and 1/8): the smallest scale still covering the widest rendition.
        scale = width / full_width
        img.draft("RGB" if img.mode == "RGB" else None,
                  (math.ceil(img.width * scale), math.ceil(img.height * scale)))
    img.load()  # raises here for truncated or corrupt data (Pillow refuses truncated files)
    if turn in _TRANSPOSE:
        img = img.transpose(_TRANSPOSE[turn])
    img = eight_bit(img)
    if img.size != (width, height):
        img = img.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    # Colour conversion after the first resize: on a 4000×3000 photo that is a 1600 px image
    # instead of the 2000 px draft, a third fewer pixels through the ICC transform.
    img = to_srgb(img, icc, background)
    if icc:
        img.info["icc_profile"] = SRGB_ICC
    return img, (full_width, full_height)


def encode(img: Image.Image, fmt: str, quality: int, icc: bytes | None = None) -> bytes:
    """One rendition's bytes, carrying no metadata except (optionally) the sRGB profile."""
    out = io.BytesIO()
    extra = {"icc_profile": icc} if icc else {}
    if fmt == "jpeg":
        # The JPEG is the fallback for browsers without WebP, so speed beats the last
        # percent: optimize=True (Huffman tables fitted to the image) saves ~7 % for ~2 %
        # more stage time; progressive=True saves ~1 % more at twice optimize's cost.
        img.save(out, "JPEG", quality=quality, optimize=True, progressive=False,
                 subsampling="4:2:0", **extra)
    elif fmt == "webp":
        # WEBP_METHOD: the speed/size balance, measured in bench/README-images.md.
        img.save(out, "WEBP", quality=quality, method=WEBP_METHOD, **extra)
    else:
        # AVIF is opt-in and slow (several times WebP); speed 8 of 0–10 keeps it usable.
        img.save(out, "AVIF", quality=quality, speed=8, **extra)
    return out.getvalue()
