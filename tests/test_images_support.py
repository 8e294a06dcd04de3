"""Real image files made in the tests (no test functions here): JPEGs with EXIF, GPS and maker
notes, IPTC and XMP captions, ICC profiles, CMYK and YCCK, 16-bit PNGs, and a small archive.
"""

from __future__ import annotations

import io
import struct
import textwrap
import zlib
from pathlib import Path

from PIL import Image, ImageCms

from newsroom import images
from newsroom.config import ImageConfig

RED, GREEN, BLUE, WHITE = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)


def quadrants(size: tuple[int, int] = (60, 40)) -> Image.Image:
    """Upright test card: red top-left, green top-right, blue bottom-left, white bottom-right."""
    w, h = size
    img = Image.new("RGB", size, WHITE)
    img.paste(RED, (0, 0, w // 2, h // 2))
    img.paste(GREEN, (w // 2, 0, w, h // 2))
    img.paste(BLUE, (0, h // 2, w // 2, h))
    return img


def save(img: Image.Image, fmt: str = "JPEG", **options) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **options)
    return out.getvalue()


def job(data: bytes, widths: tuple[int, ...] = (48,), formats: tuple[str, ...] = ("webp", "jpeg"),
        background: str = "#ffffff", max_pixels: int = 10_000_000) -> images.RenditionJob:
    settings = ImageConfig(widths=widths, formats=formats, background=background)
    return images.RenditionJob(
        photo="photos/test.jpg", source="", key="k", widths=widths, formats=formats,
        quality=settings.quality, background=background, max_pixels=max_pixels, data=data)


def rendered(data: bytes, **kw) -> dict[str, Image.Image]:
    """Render through the real pipeline; every output file opened with Pillow."""
    result = images.render(job(data, **kw))
    assert isinstance(result, images.Rendition), result
    return {name: Image.open(io.BytesIO(blob)) for name, blob in result.files}


def near(a: tuple, b: tuple, tolerance: int = 40) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a[:3], b[:3], strict=True))


def colours(img: Image.Image) -> tuple[tuple, tuple, tuple, tuple]:
    """The colours at the middle of each quadrant: top-left, top-right, bottom-left, bottom-right."""
    rgb = img.convert("RGB")
    w, h = rgb.size
    return tuple(rgb.getpixel((x, y)) for y in (h // 4, 3 * h // 4) for x in (w // 4, 3 * w // 4))


# ---------------------------------------------------------------- metadata blocks

def exif_with_gps(description: bytes | str = b"", artist: bytes | str = b"", orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "TestCam"
    exif[0x0112] = orientation
    if description:
        exif[0x010E] = description
    if artist:
        exif[0x013B] = artist
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (22.0, 43.0, 12.5), 3: "E", 4: (114.0, 14.0, 51.0)})
    exif.get_ifd(0x8769)[0x927C] = b"SECRET-MAKERNOTE-SERIAL-12345"
    return exif


def iptc_app13(caption: bytes, byline: bytes, utf8: bool = True) -> bytes:
    """A Photoshop APP13 segment holding IPTC 2:120 Caption-Abstract and 2:80 By-line."""
    def dataset(record: int, number: int, value: bytes) -> bytes:
        return bytes([0x1C, record, number]) + struct.pack(">H", len(value)) + value

    iptc = (dataset(1, 90, b"\x1b%G") if utf8 else b"") + dataset(2, 120, caption) + dataset(2, 80, byline)
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iptc)) + iptc
    if len(iptc) % 2:
        resource += b"\x00"
    body = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + struct.pack(">H", len(body) + 2) + body


def with_segment(jpeg: bytes, segment: bytes) -> bytes:
    """Insert a marker segment right after SOI."""
    assert jpeg[:2] == b"\xff\xd8"
    return jpeg[:2] + segment + jpeg[2:]


def xmp_packet(description: str, creator: str) -> bytes:
    return textwrap.dedent(f"""\
        <?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
        <x:xmpmeta xmlns:x="adobe:ns:meta/">
         <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
          <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
           <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{description}</rdf:li></rdf:Alt></dc:description>
           <dc:creator><rdf:Seq><rdf:li>{creator}</rdf:li></rdf:Seq></dc:creator>
          </rdf:Description>
         </rdf:RDF>
        </x:xmpmeta>
        <?xpacket end="w"?>""").encode("utf-8")


# ---------------------------------------------------------------- colour

def rgb_profile(description: str, swap_red_green: bool = False) -> bytes:
    """A minimal ICC v2 RGB display profile (sRGB primaries, gamma 2.2).

    With `swap_red_green` its red channel means sRGB green and vice versa: converted
    correctly, a pure "red" pixel comes out green, which no accident can produce.
    """
    def s15(v: float) -> bytes:
        return struct.pack(">i", round(v * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ \0\0\0\0" + s15(x) + s15(y) + s15(z)

    red, green, blue = (0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141)
    if swap_red_green:
        red, green = green, red
    text = description.encode("ascii") + b"\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text + b"\0" * 8 + b"\0\0\0" + b"\0" * 67
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, 0x0233) + b"\0\0"
    tags = [(b"desc", desc), (b"wtpt", xyz(0.9642, 1.0, 0.8249)), (b"rXYZ", xyz(*red)),
            (b"gXYZ", xyz(*green)), (b"bXYZ", xyz(*blue)), (b"rTRC", curve), (b"gTRC", curve),
            (b"bTRC", curve), (b"cprt", b"text\0\0\0\0public domain\0")]
    offset = 128 + 4 + 12 * len(tags)
    table, blobs = b"", b""
    for signature, blob in tags:
        blob += b"\0" * (-len(blob) % 4)
        table += signature + struct.pack(">II", offset + len(blobs), len(blob))
        blobs += blob
    size = offset + len(blobs)
    header = (struct.pack(">I", size) + b"\0" * 4 + struct.pack(">I", 0x02100000) + b"mntrRGB XYZ "
              + b"\0" * 12 + b"acsp" + b"\0" * 24 + b"\0" * 4 + s15(0.9642) + s15(1.0) + s15(0.8249))
    header += b"\0" * (128 - len(header))
    return header + struct.pack(">I", len(tags)) + table + blobs


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def cmyk_jpeg(cmyk: tuple[int, int, int, int], size: tuple[int, int] = (40, 30)) -> bytes:
    return save(Image.new("CMYK", size, cmyk), "JPEG", quality=95)


def ycck_jpeg(cmyk: tuple[int, int, int, int], size: tuple[int, int] = (40, 30)) -> bytes:
    """A YCCK JPEG (Adobe APP14 transform 2), as Photoshop writes CMYK.

    Pillow cannot write YCCK, so write the YCbCr of (C, M, Y) and K as if they were CMYK
    channels and then flip the APP14 transform flag: libjpeg decodes it back to C, M, Y, K.
    Pillow stores CMYK inverted (Adobe's convention), hence the 255 - v below.
    """
    c, m, y, k = cmyk
    ycc = Image.new("RGB", (1, 1), (c, m, y)).convert("YCbCr").getpixel((0, 0))
    stored = Image.new("CMYK", size, (255 - ycc[0], 255 - ycc[1], 255 - ycc[2], k))
    data = bytearray(save(stored, "JPEG", quality=95))
    at = data.find(b"Adobe")
    assert at > 0 and data[at + 11] == 0
    data[at + 11] = 2
    return bytes(data)


def png16_rgb(size: tuple[int, int], rgb: tuple[int, int, int]) -> bytes:
    """A 16-bit-per-channel RGB PNG, written chunk by chunk (Pillow writes only 8-bit RGB)."""
    w, h = size
    raw = b"".join(b"\0" + struct.pack(">HHH", *rgb) * w for _ in range(h))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


# ---------------------------------------------------------------- a small archive

SITE_YAML = """\
title: 测试档案
base_url: https://example.org/
images:
  widths: [32, 64]
  quality: {jpeg: 80, webp: 75}
"""
REPORTERS = "- {name: 张鹏, slug: zhang-peng, role: 记者, aliases: []}\n"
STREETS = "- {name: 坂田街道, slug: bantian, aliases: []}\n"


def archive(root: Path, photos: dict[str, bytes], site_yaml: str = SITE_YAML,
            articles: dict[str, list[str]] | None = None) -> Path:
    """An archive with `photos` (file -> bytes, each with a sidecar) and articles using them.

    `articles`: slug -> photo files it shows; by default one article shows every photo.
    """
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(site_yaml, encoding="utf-8")
    (root / "reporters.yaml").write_text(REPORTERS, encoding="utf-8")
    (root / "streets.yaml").write_text(STREETS, encoding="utf-8")
    for file, data in photos.items():
        path = root / "photos" / file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.with_suffix(".yaml").write_text(f"caption: 照片 {file}\ncredit: 张鹏\n", encoding="utf-8")
    for day, (slug, used) in enumerate(sorted((articles or {"story": list(photos)}).items()), 1):
        refs = "".join(f"  - {{file: {f}}}\n" for f in used)
        text = (f"---\ntitle: 报道 {slug}\ndate: 2022-02-{day:02d}\nreporter: 张鹏\nstreet: 坂田街道\n"
                f"photos:\n{refs}---\n正文。\n")
        path = root / "content" / "articles" / "2022" / "02" / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
