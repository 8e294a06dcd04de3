"""Captions and credits embedded in image files (IPTC, XMP, EXIF), for photos without a sidecar."""

from __future__ import annotations

import re

from PIL import Image

_XMP_DESCRIPTION = re.compile(r"<dc:description>.*?<rdf:li[^>]*>(.*?)</rdf:li>", re.S)
_XMP_CREATOR = re.compile(r"<dc:creator>.*?<rdf:li[^>]*>(.*?)</rdf:li>", re.S)


def caption_and_credit(img: Image.Image) -> dict[str, str]:
    """{'caption': …, 'credit': …} from the first source that has them: IPTC, XMP, EXIF."""
    found: dict[str, str] = {}
    for source in (_iptc, _xmp, _exif):
        try:
            for key, value in source(img).items():
                if value and key not in found:
                    found[key] = value.strip()
        except Exception:  # noqa: BLE001 - metadata is optional; a broken block must not stop a build
            continue
    return found


def _decode(raw: bytes | str) -> str:
    if isinstance(raw, str):
        return raw
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _iptc(img: Image.Image) -> dict[str, str]:
    from PIL import IptcImagePlugin

    info = IptcImagePlugin.getiptcinfo(img) or {}

    def first(key: tuple[int, int]) -> str:
        value = info.get(key)
        if isinstance(value, list):
            value = value[0] if value else b""
        return _decode(value) if value else ""

    return {"caption": first((2, 120)), "credit": first((2, 80))}


def _xmp(img: Image.Image) -> dict[str, str]:
    raw = img.info.get("xmp") or img.info.get("XML:com.adobe.xmp") or b""
    text = _decode(raw)
    result = {}
    if m := _XMP_DESCRIPTION.search(text):
        result["caption"] = _unescape(m.group(1))
    if m := _XMP_CREATOR.search(text):
        result["credit"] = _unescape(m.group(1))
    return result


def _exif(img: Image.Image) -> dict[str, str]:
    exif = img.getexif()
    return {"caption": _exif_text(exif.get(0x010E)), "credit": _exif_text(exif.get(0x013B))}


def _exif_text(value: object) -> str:
    if isinstance(value, bytes):
        return _decode(value)
    if isinstance(value, str):
        # Pillow decodes EXIF ASCII as latin-1; cameras and tools write UTF-8 there.
        try:
            return value.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return value
    return ""


def _unescape(text: str) -> str:
    import html

    return html.unescape(text).strip()
