"""Draw the basic fixture site's tiny photos (deterministic; Pillow only).

Usage:  python tests/sites/basic/make_photos.py

The photos are committed; this script documents how they were made. Each is a few
kilobytes. Two carry EXIF on purpose:
  * 2022/portrait.jpg is stored sideways (400x300 pixels) with EXIF Orientation=6 and a
    GPS block: shown upright it is a 300x400 portrait, red on top and blue below;
  * 2022/harbour.jpg has Artist/Make tags, which renditions must drop too.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent / "photos"
RED, BLUE, GREEN, GREY = (220, 30, 30), (30, 30, 220), (30, 160, 60), (128, 128, 128)


def halves(size: tuple[int, int], top: tuple, bottom: tuple) -> Image.Image:
    """An image whose top half is one colour and bottom half another (to see orientation)."""
    img = Image.new("RGB", size, top)
    img.paste(bottom, (0, size[1] // 2, size[0], size[1]))
    return img


def main() -> None:
    (HERE / "2022" / "03").mkdir(parents=True, exist_ok=True)
    (HERE / "misc").mkdir(parents=True, exist_ok=True)

    harbour = halves((600, 400), GREEN, GREY)
    exif = Image.Exif()
    exif[0x013B] = "Test Artist"      # Artist
    exif[0x010F] = "TestCam"          # Make
    harbour.save(HERE / "2022" / "harbour.jpg", quality=70, exif=exif.tobytes())

    # Shown upright: 300 wide, 400 high, red above blue. Stored rotated a quarter turn
    # counter-clockwise, so a viewer must turn it clockwise (Orientation 6) to show it.
    upright = halves((300, 400), RED, BLUE)
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6                  # Orientation: rotate 90° clockwise to display
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"                      # GPSLatitudeRef
    gps[2] = (22.0, 39.0, 0.0)        # GPSLatitude
    gps[3] = "E"                      # GPSLongitudeRef
    gps[4] = (114.0, 3.0, 0.0)        # GPSLongitude
    stored.save(HERE / "2022" / "portrait.jpg", quality=70, exif=exif.tobytes())

    halves((200, 150), BLUE, GREEN).save(HERE / "2022" / "03" / "no-sidecar.jpg", quality=70)
    halves((100, 80), GREY, RED).save(HERE / "misc" / "unused.jpg", quality=70)


if __name__ == "__main__":
    main()
