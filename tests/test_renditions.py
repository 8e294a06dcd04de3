"""The resized images of tests/sites/basic, opened with Pillow: widths, orientation, no metadata.

site.yaml asks for widths 160, 320 and 640. Each photo's page names its rendition files;
the files themselves must be JPEG (plus any extra format), never wider than the source,
upright, and free of EXIF and GPS data.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SITES
from html_dom import load, resolve
from PIL import Image

SOURCE = SITES / "basic" / "photos"
# photo page -> (source file, width x height as displayed, widths expected in site/media/)
PHOTOS = {
    "2022-harbour": ("2022/harbour.jpg", (600, 400), [160, 320, 600]),
    "2022-portrait": ("2022/portrait.jpg", (300, 400), [160, 300]),
    "2022-03-no-sidecar": ("2022/03/no-sidecar.jpg", (200, 150), [160, 200]),
    "misc-unused": ("misc/unused.jpg", (100, 80), [100]),
}


def renditions(site: Path, slug: str) -> dict[str, Path]:
    """The files the photo's page uses, by name: KEY-WIDTH.EXT."""
    page = site / "photos" / slug / "index.html"
    img = load(page).find("figure", cls="photo-page").find("img")
    files = {resolve(site, page, c.split()[0]) for c in img.get("srcset").split(",")}
    files.add(resolve(site, page, img.get("src")))
    key = re.match(r"(.+)-\d+\.jpg$", next(iter(files)).name).group(1)
    # every format written for that key (webp too, by default)
    return {f.name: f for f in (site / "media").glob(f"{key}-*")} | {f.name: f for f in files}


@pytest.mark.parametrize("slug", sorted(PHOTOS))
def test_every_configured_width_is_written_and_none_is_upscaled(basic_site: Path, slug: str) -> None:
    _, (width, height), expected = PHOTOS[slug]
    files = renditions(basic_site, slug)
    jpegs = sorted((int(re.search(r"-(\d+)\.jpg$", n).group(1)), f) for n, f in files.items() if n.endswith(".jpg"))
    assert [w for w, _ in jpegs] == expected
    for w, file in jpegs:
        with Image.open(file) as img:
            assert img.format == "JPEG"
            assert img.width == w <= width
            assert abs(img.height - round(height * w / width)) <= 1   # aspect ratio kept
    for name, file in files.items():   # other formats: same widths, real images
        with Image.open(file) as img:
            assert img.width in expected, name


def test_exif_orientation_is_applied(basic_site: Path) -> None:
    with Image.open(SOURCE / "2022/portrait.jpg") as src:   # the fixture really is stored sideways
        assert src.size == (400, 300) and src.getexif().get(0x0112) == 6
    for name, file in renditions(basic_site, "2022-portrait").items():
        with Image.open(file) as img:
            rgb = img.convert("RGB")
            assert img.height > img.width, name               # a portrait stays a portrait
            top, bottom = rgb.getpixel((img.width // 2, 5)), rgb.getpixel((img.width // 2, img.height - 5))
            assert top[0] > 150 and top[2] < 100, (name, top)           # red above …
            assert bottom[2] > 150 and bottom[0] < 100, (name, bottom)  # … blue below


@pytest.mark.parametrize("slug", ["2022-portrait", "2022-harbour"])
def test_no_exif_or_gps_survives(basic_site: Path, slug: str) -> None:
    source, _, _ = PHOTOS[slug]
    with Image.open(SOURCE / source) as src:   # the sources do carry metadata to remove
        assert len(src.getexif()) > 0
    for name, file in renditions(basic_site, slug).items():
        with Image.open(file) as img:
            assert len(img.getexif()) == 0, name
            assert "exif" not in img.info, name
            assert not img.getexif().get_ifd(0x8825), name
        data = file.read_bytes()
        assert b"Exif\x00\x00" not in data and b"TestCam" not in data, name
