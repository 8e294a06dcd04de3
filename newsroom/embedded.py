"""Captions and credits embedded in image files (IPTC, XMP, EXIF), for photos without a sidecar.

Chinese newsroom software writes these in UTF-8 or in GBK/GB18030, usually without saying
which; every text is decoded as UTF-8 when it is valid UTF-8, else as GB18030.
Nothing here decodes pixels: it runs on every photo at every build.
"""

from __future__ import annotations

import html
import re

from PIL import Image

from . import interrupts
from .images import exif_of

_XMP_DESCRIPTION = re.compile(r"<dc:description\b[^>]*>.*?<rdf:li\b[^>]*>(.*?)</rdf:li>", re.S)
_XMP_CREATOR = re.compile(r"<dc:creator\b[^>]*>.*?<rdf:li\b[^>]*>(.*?)</rdf:li>", re.S)
_IPTC_UTF8 = b"\x1b%G"   # record 1:90 CodedCharacterSet: ISO 2022 escape for UTF-8

EXIF_DESCRIPTION, EXIF_ARTIST = 0x010E, 0x013B
XP_TITLE, XP_COMMENT, XP_AUTHOR = 0x9C9B, 0x9C9C, 0x9C9D   # Windows Explorer's UTF-16 fields


def caption_and_credit(img: Image.Image) -> dict[str, str]:
    """{'caption': …, 'credit': …} from the first source that has them: IPTC, XMP, EXIF."""
    found: dict[str, str] = {}
    for source in (_iptc, _xmp, _exif):
        try:
            for key, value in source(img).items():
                value = _clean(value)
                if value and key not in found:
                    found[key] = value
        except Exception as exc:  # noqa: BLE001 - metadata is optional; a broken block must not stop a build
            if interrupts.unwrapped(exc):   # Ctrl-C as Pillow loaded a module (its enums)
                raise
            continue
    return found


def _clean(text: str) -> str:
    return text.replace("\x00", "").strip()


def decode_text(raw: bytes | str, utf8: bool = False) -> str:
    """Text from bytes of an unknown encoding: UTF-8 if valid, else GB18030, else Latin-1."""
    if isinstance(raw, str):
        return raw
    for encoding in ("utf-8",) if utf8 else ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8" if utf8 else "latin-1", "replace")


def _iptc(img: Image.Image) -> dict[str, str]:
    from PIL import IptcImagePlugin

    info = IptcImagePlugin.getiptcinfo(img) or {}
    charset = info.get((1, 90)) or b""
    utf8 = isinstance(charset, bytes) and _IPTC_UTF8 in charset

    def first(key: tuple[int, int]) -> str:
        value = info.get(key)
        if isinstance(value, list):
            value = value[0] if value else b""
        return decode_text(value, utf8) if value else ""

    return {"caption": first((2, 120)), "credit": first((2, 80))}


def _xmp(img: Image.Image) -> dict[str, str]:
    raw = img.info.get("xmp") or img.info.get("XML:com.adobe.xmp") or b""
    if not raw and hasattr(img, "tag_v2"):
        raw = img.tag_v2.get(700) or b""   # TIFF XMLPacket
    text = decode_text(raw)
    result = {}
    if m := _XMP_DESCRIPTION.search(text):
        result["caption"] = html.unescape(m.group(1))
    if m := _XMP_CREATOR.search(text):
        result["credit"] = html.unescape(m.group(1))
    return result


def _exif(img: Image.Image) -> dict[str, str]:
    exif = exif_of(img)
    return {
        "caption": _exif_text(exif.get(EXIF_DESCRIPTION)) or _xp_text(exif.get(XP_TITLE))
        or _xp_text(exif.get(XP_COMMENT)),
        "credit": _exif_text(exif.get(EXIF_ARTIST)) or _xp_text(exif.get(XP_AUTHOR)),
    }


def _exif_text(value: object) -> str:
    if isinstance(value, bytes):
        return decode_text(value)
    if isinstance(value, str):
        # Pillow decodes EXIF ASCII as Latin-1; cameras and tools write UTF-8 (or GBK) there.
        try:
            return decode_text(value.encode("latin-1"))
        except UnicodeEncodeError:
            return value
    return ""


def _xp_text(value: object) -> str:
    if isinstance(value, tuple):
        value = bytes(value)
    if isinstance(value, bytes):
        return value.decode("utf-16-le", "replace")
    return ""
