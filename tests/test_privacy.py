"""No published image carries EXIF, GPS, maker notes, XMP or comments; originals only on request."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image, PngImagePlugin

from newsroom.cli import main

REPO = Path(__file__).resolve().parent.parent
SECRET = b"Secret"          # every metadata value below contains it
XMP = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
       b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
       b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>SecretXmpCreator</dc:creator>'
       b'</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')


def tagged_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x013B] = "SecretMaker", "SecretModel", "SecretArtist"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (22.0, 36.0, 0.0), 3: "E", 4: (114.0, 3.0, 0.0)})
    exif.get_ifd(0x8769).update({0x927C: b"SecretMakerNote", 0x9286: b"ASCII\0\0\0SecretComment"})
    return exif


def leaky_photos() -> dict[str, bytes]:
    img = Image.new("RGB", (1200, 800), "#3a6")
    jpeg, png, webp = io.BytesIO(), io.BytesIO(), io.BytesIO()
    img.save(jpeg, "JPEG", exif=tagged_exif(), xmp=XMP, comment=b"SecretJpegComment")
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "SecretPngAuthor")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    img.save(png, "PNG", pnginfo=info, exif=tagged_exif())
    img.save(webp, "WEBP", exif=tagged_exif(), xmp=XMP)
    return {"gps.jpg": jpeg.getvalue(), "text.png": png.getvalue(), "meta.webp": webp.getvalue()}


def archive(root: Path, publish_originals: bool, formats: str = "webp, jpeg, avif") -> Path:
    shutil.copytree(REPO / "photos", root / "photos")
    for name, data in leaky_photos().items():
        assert SECRET in data
        (root / "photos" / name).write_bytes(data)
        (root / "photos" / name).with_suffix(".yaml").write_text("caption: 测试\ncredit: 张鹏\n", encoding="utf-8")
    for name in ("streets.yaml", "reporters.yaml"):
        shutil.copy(REPO / name, root / name)
    (root / "site.yaml").write_text(f"publish_originals: {str(publish_originals).lower()}\n"
                                    f"images: {{widths: [320], formats: [{formats}]}}\n", encoding="utf-8")
    return root


def images_in(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob("*")) if p.is_file()
            and p.suffix.lower() in {".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif", ".tif", ".tiff", ".heic"}]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = archive(tmp_path_factory.mktemp("privacy"), publish_originals=False)
    assert main(["--root", str(root), "-q"]) == 0
    return root / "site"


def test_no_image_carries_metadata(built: Path) -> None:
    found = images_in(built)
    assert len(found) == 11 * 3          # every photo in every format
    assert {p.suffix for p in found} == {".jpg", ".webp", ".avif"}
    for path in found:
        data = path.read_bytes()
        assert SECRET not in data, path
        assert b"Exif\0\0" not in data and b"http://ns.adobe.com/xap/1.0/" not in data, path
        assert b"<x:xmpmeta" not in data, path
        with Image.open(path) as img:
            img.load()
            assert len(img.getexif()) == 0, path
            assert not {"exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop"} & set(img.info), path


def test_sample_gps_photo_is_stripped(built: Path) -> None:
    """The sample's night-testing.jpg has GPS, Make, Model and Artist: none reach the site."""
    with Image.open(REPO / "photos/2022/02/night-testing.jpg") as original:
        assert original.getexif().get_ifd(0x8825)       # the test means something
    assert all(b"GPS" not in p.read_bytes() for p in images_in(built))


def test_originals_are_not_published_by_default(built: Path) -> None:
    assert not (built / "originals").exists()
    sizes = {len(d) for d in leaky_photos().values()} | {
        p.stat().st_size for p in (REPO / "photos").rglob("*.jpg")}
    assert not [p for p in images_in(built) if p.stat().st_size in sizes and p.parent.name != "media"]
    photo_page = BeautifulSoup((built / "photos/gps/index.html").read_text(encoding="utf-8"), "html.parser")
    assert "原图" not in photo_page.get_text()


def test_publish_originals_copies_them_and_links_them(tmp_path: Path) -> None:
    root = archive(tmp_path / "archive", publish_originals=True, formats="jpeg")
    assert main(["--root", str(root), "-q"]) == 0
    site = root / "site"
    assert (site / "originals/gps.jpg").read_bytes() == (root / "photos/gps.jpg").read_bytes()
    assert (site / "originals/2022-02-night-testing.jpg").read_bytes() == \
        (root / "photos/2022/02/night-testing.jpg").read_bytes()
    page = BeautifulSoup((site / "photos/gps/index.html").read_text(encoding="utf-8"), "html.parser")
    link = page.find("a", string="下载原图")
    assert (site / "photos/gps" / link["href"]).resolve() == (site / "originals/gps.jpg").resolve()
    # An edited original of the same size is republished (not mistaken for the old one).
    edited = bytearray((root / "photos/gps.jpg").read_bytes())
    edited[-3] ^= 0xFF
    (root / "photos/gps.jpg").write_bytes(bytes(edited))
    assert main(["--root", str(root), "-q"]) == 0
    assert (site / "originals/gps.jpg").read_bytes() == bytes(edited)
