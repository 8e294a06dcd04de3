"""Colour: any decoded photo to 8-bit sRGB RGB, as every rendition is published.

Embedded profiles are applied (a cached ImageCms transform per profile and mode);
transparency is flattened onto the site's background colour.
"""

from __future__ import annotations

import functools
import io

from PIL import Image, ImageCms

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
SRGB_ICC = _SRGB.tobytes()


def eight_bit(img: Image.Image) -> Image.Image:
    """Any mode -> 8-bit L, RGB, RGBA or CMYK (what resizing, profiles and encoders take)."""
    if img.mode.startswith("I;16") or img.mode == "I":
        # 16-bit grey: scale to 8 bits (a plain convert('L') would clip everything above 255).
        wide = img.convert("I")
        if img.mode == "I" and wide.getextrema()[1] <= 255:
            img = wide.convert("L")
        else:
            img = wide.point(lambda v: v * (1 / 256)).convert("L")
    elif img.mode == "F":
        img = img.convert("L")
    if img.mode in ("P", "PA", "1") or "transparency" in img.info:
        img = img.convert("RGBA" if _has_alpha(img) else "RGB")
    if img.mode in ("LA", "La", "RGBa"):
        img = img.convert("RGBA")
    if img.mode not in ("L", "RGB", "RGBA", "CMYK"):
        img = img.convert("RGB")   # YCbCr, LAB, HSV …: Pillow knows the way to RGB
    return img


def to_srgb(img: Image.Image, icc: bytes | None, background: str) -> Image.Image:
    """An eight_bit() image and its profile -> RGB in sRGB, transparency flattened onto `background`."""
    if icc:
        img = _apply_profile(img, icc)
    if img.mode == "RGBA":
        base = Image.new("RGB", img.size, background)
        base.paste(img, mask=img.getchannel("A"))
        img = base
    if img.mode != "RGB":
        img = img.convert("RGB")
    return img


def _has_alpha(img: Image.Image) -> bool:
    return "transparency" in img.info or img.mode in ("PA", "RGBA", "LA")


def _apply_profile(img: Image.Image, icc: bytes) -> Image.Image:
    alpha = img.getchannel("A") if img.mode == "RGBA" else None
    base = img.convert("RGB") if alpha is not None else img
    transform = _transform(icc, base.mode)
    if transform is None:
        return img
    try:
        out = ImageCms.applyTransform(base, transform)
    except (ImageCms.PyCMSError, ValueError, OSError):
        return img  # a profile that does not fit the pixels: show them as they are
    if out is None:
        return img
    if alpha is not None:
        out.putalpha(alpha)
    return out


@functools.lru_cache(maxsize=32)
def _transform(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    """A cached transform to sRGB, or None when none is needed (or possible).

    Most camera photos already are sRGB: converting them would cost ~10 % of the stage for
    pixels that do not change, so sRGB profiles are recognised and left alone.
    """
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if _is_srgb(profile):
            return None
        space = profile.profile.xcolor_space.strip()
        wanted = {"RGB": "RGB", "CMYK": "CMYK", "GRAY": "L"}.get(space)
        if wanted != mode:
            return None  # a profile for another colour model than the pixels: ignore it
        return ImageCms.buildTransform(profile, _SRGB, mode, "RGB",
                                       renderingIntent=ImageCms.Intent.PERCEPTUAL)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None  # a broken embedded profile: fall back to the plain conversion


def _is_srgb(profile: ImageCms.ImageCmsProfile) -> bool:
    description = (profile.profile.profile_description or "").lower()
    return "srgb" in description or "iec61966-2" in description
