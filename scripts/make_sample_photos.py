"""Draw the sample archive's stand-in photos (deterministic, Pillow only).

Usage:  python scripts/make_sample_photos.py

Writes photos/2022/02/<name>.jpg (relative to the repository root, found from
this file) and a sidecar photos/2022/02/<name>.yaml with caption, credit, date
and street.  Every run produces byte-identical files.

Two files carry EXIF on purpose, to exercise the engine:
  * student-greets-teacher.jpg is stored sideways (pixels rotated 90 degrees
    counter-clockwise) with EXIF Orientation=6, so a correct reader must rotate
    it back to a 1500x2000 portrait;
  * night-testing.jpg has a GPS IFD (latitude/longitude) plus Artist, Make and
    Model tags, which the engine must strip from its renditions.
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "photos" / "2022" / "02"
SEED = 20220217
QUALITY = 80

# name, size as displayed (w, h), palette, caption, credit, date, street
PHOTOS: list[dict] = [
    {
        "name": "night-testing",
        "size": (2000, 1500),
        "sky": ((12, 18, 48), (48, 40, 90)),
        "caption": "连夜进行核酸检测。",
        "credit": "张鹏",
        "date": "2022-02-18",
        "street": "坂田街道",
        "exif": "gps",
    },
    {
        "name": "love-hotline",
        "size": (2000, 1500),
        "sky": ((200, 214, 228), (240, 236, 226)),
        "caption": "工作人员接听封控区“爱心热线”。",
        "credit": "王丰",
        "date": "2022-02-19",
        "street": "坂田街道",
    },
    {
        "name": "community-rest",
        "size": (1500, 2000),
        "sky": ((120, 130, 145), (190, 196, 204)),
        "caption": "社区防疫人员作短暂休整。",
        "credit": "王丰",
        "date": "2022-02-19",
        "street": "坂田街道",
    },
    {
        "name": "longcheng-support",
        "size": (2000, 1500),
        "sky": ((110, 124, 140), (176, 186, 196)),
        "caption": "龙城街道党员干部支援坂田防疫。",
        "credit": "龙城街道供图",
        "date": "2022-02-19",
        "street": "坂田街道",
    },
    {
        "name": "command-post-rain",
        "size": (2000, 1500),
        "sky": ((88, 98, 112), (150, 158, 168)),
        "caption": "社区工作人员冒雨运送工具加紧搭建防疫现场指挥部。",
        "credit": "王丰",
        "date": "2022-02-18",
        "street": "坂田街道",
        "rain": True,
    },
    {
        "name": "student-greets-teacher",
        "size": (1500, 2000),
        "sky": ((150, 170, 190), (214, 222, 230)),
        "caption": "在核酸检测现场，一名学生和支援抗疫的老师打招呼。",
        "credit": "王丰",
        "date": "2022-02-20",
        "street": "坂田街道",
        "exif": "orientation",
    },
    {
        "name": "warm-soup",
        "size": (1500, 2000),
        "sky": ((96, 110, 128), (170, 176, 186)),
        "caption": "社区一线防疫人员喝上了“最美房东”林萍君送来的暖心汤。",
        "credit": "张鹏",
        "date": "2022-02-20",
        "street": "坂田街道",
    },
    # Not used by any article: the photo archive shows it anyway.
    {
        "name": "henggang-muster",
        "size": (2000, 1500),
        "sky": ((70, 90, 120), (200, 180, 150)),
        "caption": "横岗街道集结支援队伍，准备出发前往坂田。",
        "credit": "横岗街道供图",
        "date": "2022-02-19",
        "street": "横岗街道",
    },
]

# EXIF tag numbers
ORIENTATION = 0x0112
MAKE = 0x010F
MODEL = 0x0110
ARTIST = 0x013B
GPS_IFD = 0x8825


def lerp(
    a: tuple[int, int, int], b: tuple[int, int, int], t: float
) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def draw_label(img: Image.Image, text: str, xy: tuple[int, int], scale: int) -> None:
    """Draw ASCII text with the built-in bitmap font, enlarged by `scale`."""
    font = ImageFont.load_default_imagefont()
    _, _, right, bottom = font.getbbox(text)
    small = Image.new("L", (right + 4, bottom + 4), 0)
    ImageDraw.Draw(small).text((2, 2), text, fill=255, font=font)
    big = small.resize(
        (small.width * scale, small.height * scale), Image.Resampling.NEAREST
    )
    x, y = xy
    box = Image.new("RGB", big.size, (20, 20, 20))
    img.paste(box, (x + scale, y + scale), big)  # shadow
    img.paste(Image.new("RGB", big.size, (250, 250, 245)), (x, y), big)


def draw_photo(spec: dict, rng: random.Random) -> Image.Image:
    w, h = spec["size"]
    top, bottom = spec["sky"]
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    horizon = int(h * rng.uniform(0.55, 0.7))
    for y in range(horizon):
        d.line([(0, y), (w, y)], fill=lerp(top, bottom, y / max(horizon - 1, 1)))
    ground_top = lerp(bottom, (60, 60, 62), 0.6)
    for y in range(horizon, h):
        d.line(
            [(0, y), (w, y)],
            fill=lerp(ground_top, (40, 40, 44), (y - horizon) / max(h - horizon, 1)),
        )

    # buildings on the horizon
    x = 0
    while x < w:
        bw = rng.randint(w // 14, w // 6)
        bh = rng.randint(h // 8, h // 2)
        shade = rng.randint(50, 110)
        d.rectangle(
            [x, horizon - bh, x + bw, horizon], fill=(shade, shade + 4, shade + 10)
        )
        for wy in range(horizon - bh + 20, horizon - 20, 60):
            for wx in range(x + 16, x + bw - 24, 48):
                if rng.random() < 0.45:
                    d.rectangle([wx, wy, wx + 20, wy + 28], fill=(230, 210, 140))
        x += bw + rng.randint(0, w // 40)

    # a tent (testing point) and a few figures
    tx = rng.randint(w // 10, w // 2)
    tw = w // 3
    ty = horizon + (h - horizon) // 5
    d.polygon(
        [(tx, ty), (tx + tw // 2, ty - h // 10), (tx + tw, ty)], fill=(30, 90, 170)
    )
    d.rectangle([tx + 10, ty, tx + tw - 10, ty + h // 8], fill=(235, 235, 240))
    for _ in range(rng.randint(4, 8)):
        px = rng.randint(0, w - 60)
        py = rng.randint(ty, h - h // 6)
        size = rng.randint(h // 30, h // 18)
        coat = rng.choice(
            [(240, 240, 245), (200, 40, 40), (40, 110, 190), (230, 160, 40)]
        )
        d.ellipse([px, py, px + size, py + size], fill=(230, 200, 170))
        d.rectangle(
            [px - size // 3, py + size, px + size + size // 3, py + size * 4], fill=coat
        )

    if spec.get("rain"):
        for _ in range(450):
            rx, ry = rng.randint(0, w), rng.randint(0, h)
            d.line([(rx, ry), (rx - 8, ry + 40)], fill=(200, 205, 215), width=2)

    label = spec["name"] + ".jpg"
    draw_label(img, label, (w // 20, h // 20), scale=max(4, w // 250))
    draw_label(
        img,
        f"{spec['date']}  {w}x{h}",
        (w // 20, h // 20 + 20 * max(4, w // 250)),
        scale=max(3, w // 400),
    )
    return img


def exif_for(spec: dict) -> Image.Exif | None:
    kind = spec.get("exif")
    if kind is None:
        return None
    exif = Image.Exif()
    if kind == "orientation":
        exif[ORIENTATION] = 6
    elif kind == "gps":
        exif[ARTIST] = "Zhang Peng"
        exif[MAKE] = "ExampleCam"
        exif[MODEL] = "EC-2022 Night"
        # 22°38'24"N 114°03'36"E -- roughly Bantian, Longgang
        exif[GPS_IFD] = {
            0: b"\x02\x02\x00\x00",  # GPSVersionID
            1: "N",
            2: (22.0, 38.0, 24.0),
            3: "E",
            4: (114.0, 3.0, 36.0),
        }
    return exif


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for spec in PHOTOS:
        rng = random.Random(f"{SEED}:{spec['name']}")
        img = draw_photo(spec, rng)
        if spec.get("exif") == "orientation":
            # Orientation 6 = "rotate 90 degrees clockwise to display":
            # store the pixels turned 90 degrees counter-clockwise.
            img = img.transpose(Image.Transpose.ROTATE_90)
        path = OUT / f"{spec['name']}.jpg"
        kwargs: dict = {"quality": QUALITY, "optimize": True}
        exif = exif_for(spec)
        if exif is not None:
            kwargs["exif"] = exif
        img.save(path, "JPEG", **kwargs)

        sidecar = OUT / f"{spec['name']}.yaml"
        sidecar.write_text(
            f"caption: {spec['caption']}\n"
            f"credit: {spec['credit']}\n"
            f"date: {spec['date']}\n"
            f"street: {spec['street']}\n",
            encoding="utf-8",
        )
        print(
            f"{path.relative_to(ROOT)}  {img.width}x{img.height}  {path.stat().st_size // 1024} KB"
        )


if __name__ == "__main__":
    main()
