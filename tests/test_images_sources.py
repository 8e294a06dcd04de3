"""Any real photo becomes upright, sRGB, metadata-free renditions (asserted on the output files)."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageCms, features
from test_images_support import (
    BLUE,
    GREEN,
    RED,
    WHITE,
    cmyk_jpeg,
    colours,
    exif_with_gps,
    iptc_app13,
    job,
    near,
    png16_rgb,
    quadrants,
    rendered,
    rgb_profile,
    save,
    srgb_profile,
    with_segment,
    xmp_packet,
    ycck_jpeg,
)

from newsroom import images
from newsroom.photos import _image_info

# What a viewer applies to the stored pixels for each EXIF orientation; to store a photo
# that displays upright, store the inverse.
INVERSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_90, 7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_comes_out_upright(orientation: int) -> None:
    upright = quadrants((60, 40))
    stored = upright.transpose(INVERSE[orientation]) if orientation in INVERSE else upright
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = save(stored, "JPEG", quality=95, exif=exif)

    info, _ = _image_info(data, 10_000_000)
    assert info is not None and info[:2] == (60, 40)      # the size pages announce: as displayed
    for name, img in rendered(data, widths=(48,)).items():
        assert img.size == (48, 32), name
        top_left, top_right, bottom_left, bottom_right = colours(img)
        assert near(top_left, RED) and near(top_right, GREEN), (name, colours(img))
        assert near(bottom_left, BLUE) and near(bottom_right, WHITE), (name, colours(img))
        assert "exif" not in img.info and img.getexif().get(0x0112) is None


@pytest.mark.parametrize("orientation", [6, 8])
def test_orientation_with_libjpeg_scaling(orientation: int) -> None:
    # 800×600 shown, stored 600×800: for 100 px libjpeg decodes at 1/8, sized by the *shown* width.
    upright = quadrants((800, 600))
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = save(upright.transpose(INVERSE[orientation]), "JPEG", quality=95, exif=exif)
    for name, img in rendered(data, widths=(100, 50)).items():
        assert img.size in ((100, 75), (50, 38)), name
        assert near(colours(img)[0], RED) and near(colours(img)[1], GREEN) and near(colours(img)[2], BLUE), name


def test_every_width_in_every_format_from_one_decode() -> None:
    # 400 px wide: the 1/4 scale (100 px) would not cover 150 px, so libjpeg decodes at 1/2.
    data = save(quadrants((400, 300)), "JPEG", quality=90)
    out = rendered(data, widths=(50, 150), formats=("webp", "jpeg"))
    assert {name: (img.format, img.size) for name, img in out.items()} == {
        "k-150.jpg": ("JPEG", (150, 112)), "k-150.webp": ("WEBP", (150, 112)),
        "k-50.jpg": ("JPEG", (50, 38)), "k-50.webp": ("WEBP", (50, 38)),
    }
    assert near(colours(out["k-50.jpg"])[0], RED) and near(colours(out["k-150.webp"])[3], WHITE)
    assert images.output_widths(400, (50, 150, 1000)) == (50, 150, 400)   # never upscaled


def test_published_renditions_carry_no_exif_gps_maker_notes_xmp_or_iptc() -> None:
    exif = exif_with_gps(description="a caption", artist="someone")
    data = save(quadrants((80, 60)), "JPEG", quality=90, exif=exif, xmp=xmp_packet("秘密说明", "某人"),
                comment=b"camera comment")
    data = with_segment(data, iptc_app13("图片说明".encode(), "张鹏".encode()))
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(0x8825) and b"SECRET-MAKERNOTE" in data and "photoshop" in source.info

    result = images.render(job(data, widths=(40, 80)))
    assert isinstance(result, images.Rendition)
    for name, blob in result.files:
        img = Image.open(io.BytesIO(blob))
        assert not img.getexif() and not img.getexif().get_ifd(0x8825), name
        for key in ("exif", "xmp", "photoshop", "comment", "XML:com.adobe.xmp"):
            assert key not in img.info, (name, key)
        for marker in (b"Exif\0\0", b"SECRET-MAKERNOTE", b"xmpmeta", b"Photoshop 3.0", b"8BIM",
                       b"camera comment", "图片说明".encode(), b"EXIF", b"XMP "):
            assert marker not in blob, (name, marker)


def test_icc_profiles_are_converted_to_srgb_and_the_output_tagged() -> None:
    # In this profile "red" means green: only a real conversion turns the red pixels green.
    data = save(Image.new("RGB", (40, 30), RED), "JPEG", quality=95,
                icc_profile=rgb_profile("Swapped test RGB", swap_red_green=True))
    for name, img in rendered(data, widths=(20,)).items():
        assert near(img.convert("RGB").getpixel((10, 10)), GREEN), (name, img.getpixel((10, 10)))
        profile = ImageCms.ImageCmsProfile(io.BytesIO(img.info["icc_profile"]))
        assert "sRGB" in ImageCms.getProfileDescription(profile), name


def test_srgb_sources_are_not_converted_and_untagged_sources_stay_untagged() -> None:
    tagged = save(Image.new("RGB", (40, 30), (200, 120, 40)), "PNG", icc_profile=srgb_profile())
    for img in rendered(tagged, widths=(20,), formats=("webp",)).values():
        assert img.convert("RGB").getpixel((10, 10)) == pytest.approx((200, 120, 40), abs=4)
        assert "icc_profile" in img.info
    plain = save(Image.new("RGB", (40, 30), (200, 120, 40)), "PNG")
    for img in rendered(plain, widths=(20,), formats=("jpeg",)).values():
        assert "icc_profile" not in img.info


def test_a_profile_that_is_garbage_is_ignored() -> None:
    data = save(Image.new("RGB", (40, 30), RED), "JPEG", quality=95, icc_profile=b"not a profile" * 20)
    for img in rendered(data, widths=(20,)).values():
        assert near(img.convert("RGB").getpixel((10, 10)), RED)


@pytest.mark.parametrize("make", [cmyk_jpeg, ycck_jpeg], ids=["cmyk", "ycck"])
def test_cmyk_and_ycck_jpegs(make) -> None:
    data = make((0, 255, 255, 0))          # no cyan, full magenta and yellow: red
    if make is ycck_jpeg:
        assert Image.open(io.BytesIO(data)).mode == "CMYK"
    for name, img in rendered(data, widths=(20,)).items():
        assert img.mode == "RGB" and near(img.getpixel((10, 10)), RED, 50), (name, img.getpixel((10, 10)))


def test_16_bit_pngs_are_scaled_not_clipped() -> None:
    grey = save(Image.new("I;16", (40, 30), 40000), "PNG")
    assert Image.open(io.BytesIO(grey)).mode.startswith("I")
    for img in rendered(grey, widths=(20,), formats=("jpeg",)).values():
        assert img.convert("L").getpixel((10, 10)) == pytest.approx(40000 / 257, abs=3)
    for img in rendered(png16_rgb((40, 30), (65535, 32768, 0)), widths=(20,), formats=("jpeg",)).values():
        assert near(img.getpixel((10, 10)), (255, 128, 0), 8)


def test_transparency_is_flattened_onto_the_background() -> None:
    background = "#336699"
    rgba = Image.new("RGBA", (40, 30), (0, 0, 0, 0))
    rgba.paste((255, 0, 0, 255), (0, 0, 20, 30))
    palette = Image.new("P", (40, 30), 0)          # index 0 transparent, index 1 red
    palette.putpalette([0, 0, 0, 255, 0, 0])
    palette.paste(1, (0, 0, 20, 30))
    transparent = 0
    for name, data in (("rgba", save(rgba, "PNG")), ("palette", save(palette, "PNG", transparency=transparent)),
                       ("gif", save(palette, "GIF", transparency=transparent))):
        for out, img in rendered(data, widths=(40,), background=background).items():
            rgb = img.convert("RGB")
            assert near(rgb.getpixel((5, 15)), RED), (name, out)
            assert near(rgb.getpixel((35, 15)), (0x33, 0x66, 0x99), 12), (name, out, rgb.getpixel((35, 15)))


def test_animated_gif_shows_its_first_frame() -> None:
    frames = [Image.new("RGB", (40, 30), c).convert("P") for c in (RED, BLUE, GREEN)]
    data = save(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert Image.open(io.BytesIO(data)).n_frames == 3
    for img in rendered(data, widths=(20,)).values():
        assert near(img.convert("RGB").getpixel((10, 10)), RED)


@pytest.mark.parametrize("fmt,options", [
    ("JPEG", {"progressive": True, "quality": 90}),
    ("TIFF", {"compression": "tiff_lzw"}),
    ("WEBP", {"quality": 95}),
    ("PNG", {}),
    ("BMP", {}),
])
def test_other_source_formats(fmt: str, options: dict) -> None:
    data = save(quadrants((120, 80)), fmt, **options)
    for name, img in rendered(data, widths=(60,)).items():
        assert img.size == (60, 40)
        assert near(colours(img)[0], RED) and near(colours(img)[3], WHITE), name


def test_a_png_named_jpg_is_accepted() -> None:
    # Only the bytes matter: a PNG saved as .jpg by a careless tool is still a photo.
    data = save(quadrants((120, 80)), "PNG")
    info, reason = _image_info(data, 10_000_000)
    assert info is not None, reason
    assert all(img.size == (60, 40) for img in rendered(data, widths=(60,)).values())


def test_heic_via_pillow_heif() -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    data = save(quadrants((120, 80)), "HEIF", quality=90)
    assert data[4:12] == b"ftypheic"
    info, reason = _image_info(data, 10_000_000)
    assert info is not None and info[:2] == (120, 80), reason
    for name, img in rendered(data, widths=(60,)).items():
        assert img.size == (60, 40) and near(colours(img)[0], RED), name


def test_heic_opener_is_registered_on_demand(tmp_path: Path) -> None:
    # In a fresh interpreter nothing has registered pillow-heif: the first HEIC photo does it.
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    (tmp_path / "a.heic").write_bytes(save(quadrants((120, 80)), "HEIF", quality=90))
    script = textwrap.dedent(f"""
        import sys
        from newsroom import images
        from newsroom.photos import _image_info
        data = open({str(tmp_path / "a.heic")!r}, "rb").read()
        assert "pillow_heif" not in sys.modules
        print(_image_info(data, 10**8)[0][:2], type(images.render(images.RenditionJob(
            "p", "", "k", (60,), ("jpeg",), (("jpeg", 80),), "#fff", 10**8, data))).__name__)
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent, timeout=60)
    assert run.stdout.strip() == "(120, 80) Rendition", run.stderr


@pytest.mark.skipif(not features.check("avif"), reason="this Pillow has no AVIF")
def test_avif_sources_and_outputs() -> None:
    data = save(quadrants((120, 80)), "AVIF", quality=90)
    out = rendered(data, widths=(60,), formats=("avif", "webp", "jpeg"))
    assert sorted(out) == ["k-60.avif", "k-60.jpg", "k-60.webp"]
    assert out["k-60.avif"].format == "AVIF" and out["k-60.avif"].size == (60, 40)
    assert near(colours(out["k-60.avif"])[0], RED)


def test_quality_is_per_format() -> None:
    data = save(quadrants((400, 300)), "PNG")
    base = job(data, widths=(200,))
    a = dict(images.render(replace(base, quality=(("jpeg", 20), ("webp", 95)))).files)
    b = dict(images.render(replace(base, quality=(("jpeg", 95), ("webp", 20)))).files)
    assert len(a["k-200.jpg"]) < len(b["k-200.jpg"]) and len(a["k-200.webp"]) > len(b["k-200.webp"])


@pytest.mark.parametrize("width,decoded", [(200, (200, 150)), (201, (400, 300)), (800, (800, 600)),
                                           (801, (1600, 1200)), (3000, (1600, 1200))])
def test_jpegs_are_decoded_at_the_smallest_dct_scale_covering_the_largest_width(
        width: int, decoded: tuple[int, int], monkeypatch) -> None:
    from PIL import JpegImagePlugin

    seen = []
    draft = JpegImagePlugin.JpegImageFile.draft

    def recording(self, mode, size):   # calls through: only notes the size libjpeg will decode at
        result = draft(self, mode, size)
        seen.append(self.size)
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", recording)
    img, full = images.decode(save(quadrants((1600, 1200)), "JPEG"), width, 10**8, "#fff")
    assert (seen[-1] if seen else (1600, 1200)) == decoded
    assert full == (1600, 1200) and img.width == min(width, 1600)
