"""Captions and credits from the photo file itself (IPTC, XMP, EXIF), Chinese decoded correctly."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from test_images_support import archive, exif_with_gps, iptc_app13, quadrants, save, with_segment, xmp_packet

from newsroom import builder, config
from newsroom.photos import _image_info

CAPTION, CREDIT = "坂田街道志愿者连夜进行核酸检测。", "张鹏"


def meta(data: bytes) -> dict[str, str]:
    info, reason = _image_info(data, 10_000_000)
    assert info is not None, reason
    return info[2]


def jpeg(**options) -> bytes:
    return save(quadrants(), "JPEG", quality=85, **options)


def test_iptc_caption_abstract_and_by_line_in_utf8() -> None:
    data = with_segment(jpeg(), iptc_app13(CAPTION.encode("utf-8"), CREDIT.encode("utf-8")))
    assert meta(data) == {"caption": CAPTION, "credit": CREDIT}


def test_iptc_in_gbk_without_a_charset_is_decoded() -> None:
    # Older Chinese newsroom software writes GBK and does not say so.
    data = with_segment(jpeg(), iptc_app13(CAPTION.encode("gbk"), CREDIT.encode("gbk"), utf8=False))
    assert meta(data) == {"caption": CAPTION, "credit": CREDIT}


def test_xmp_dc_description_and_creator() -> None:
    data = jpeg(xmp=xmp_packet("市民在&lt;社区&gt;排队 &amp; 等候", "龙城街道供图"))
    assert meta(data) == {"caption": "市民在<社区>排队 & 等候", "credit": "龙城街道供图"}


def test_exif_image_description_and_artist_in_utf8_and_gbk() -> None:
    for encoding in ("utf-8", "gb18030"):
        exif = exif_with_gps(description=CAPTION.encode(encoding), artist=CREDIT.encode(encoding))
        assert meta(jpeg(exif=exif)) == {"caption": CAPTION, "credit": CREDIT}, encoding


def test_exif_windows_xp_fields() -> None:
    exif = Image.Exif()
    exif[0x9C9B] = CAPTION.encode("utf-16-le") + b"\0\0"   # XPTitle, as Windows Explorer writes it
    exif[0x9C9D] = CREDIT.encode("utf-16-le") + b"\0\0"    # XPAuthor
    assert meta(jpeg(exif=exif)) == {"caption": CAPTION, "credit": CREDIT}


def test_iptc_wins_over_xmp_over_exif_field_by_field() -> None:
    exif = exif_with_gps(description=b"exif caption", artist=b"exif credit")
    data = jpeg(exif=exif, xmp=xmp_packet("xmp caption", "xmp credit"))
    assert meta(data) == {"caption": "xmp caption", "credit": "xmp credit"}
    data = with_segment(data, iptc_app13(b"iptc caption", b""))
    assert meta(data) == {"caption": "iptc caption", "credit": "xmp credit"}


def test_png_and_webp_metadata_and_broken_blocks() -> None:
    webp = save(quadrants(), "WEBP", xmp=xmp_packet(CAPTION, CREDIT))
    assert meta(webp) == {"caption": CAPTION, "credit": CREDIT}
    exif = Image.Exif()
    exif[0x010E] = CAPTION.encode()
    assert meta(save(quadrants(), "PNG", exif=exif)) == {"caption": CAPTION}
    broken = with_segment(jpeg(), b"\xff\xe1\x00\x10Exif\x00\x00II*\x00\xff\xff\xff\xff")
    assert meta(broken) == {}       # garbage EXIF: no caption, but the photo is still usable


def test_a_photo_without_sidecar_shows_its_embedded_caption_and_credit(tmp_path: Path) -> None:
    data = with_segment(jpeg(), iptc_app13(CAPTION.encode(), CREDIT.encode()))
    root = archive(tmp_path / "a", {"2022/embedded.jpg": data})
    (root / "photos/2022/embedded.yaml").unlink()
    cfg, problems = config.load(root)
    result = builder.build(cfg, problems, builder.Options(jobs=1))
    assert result.ok, result.problems
    assert not [p for p in result.problems if "embedded" in p.path]    # no missing-caption warning
    page = (root / "site/photos/2022-embedded/index.html").read_text(encoding="utf-8")
    assert CAPTION in page and 'href="../../reporters/zhang-peng/"' in page


def test_an_unknown_embedded_credit_is_named_at_the_photo_not_a_missing_sidecar(tmp_path: Path) -> None:
    # A camera's Artist field: the mistake is in the photo file; there is no sidecar line to fix
    data = jpeg(exif=exif_with_gps(description=CAPTION.encode(), artist=b"Zhang Peng"))
    root = archive(tmp_path / "a", {"2022/IMG_0001.jpg": data})
    (root / "photos/2022/IMG_0001.yaml").unlink()
    cfg, problems = config.load(root)
    result = builder.build(cfg, problems, builder.Options(jobs=1, write=False))
    found = [str(p) for p in result.problems if "IMG_0001" in p.path]
    assert len(found) == 1 and found[0].startswith(
        "photos/2022/IMG_0001.jpg: error: unknown photographer 'Zhang Peng' not in reporters.yaml "
        "— did you mean '张鹏'? — used by content/articles/"), found
