"""Photos deleted, taken out of the kept plan (photoremovals.py) instead of a plan made
afresh: the plan, page by page, the site, file by file, and the problems are what a clean
build gives."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from test_additions import _generated, build
from test_removals import _same_as_clean


def test_photos_deleted_are_taken_out_of_the_kept_plan_as_a_clean_build_leaves_them(tmp_path: Path) -> None:
    root = _generated(tmp_path)
    archive = build(root).records["archive"]
    reporter, street = archive.taxonomy("reporter").terms[0].name, archive.taxonomy("street").terms[0].name
    folder = root / "photos" / "2024" / "12"
    folder.mkdir(parents=True, exist_ok=True)
    sidecars = {
        "a.jpg": f"caption: 新图一。\ncredit: {reporter}\n",
        "b.jpg": f"caption: 新图二。\ncredit: {reporter}\ndate: 2023-05-01\nstreet: [{street}]\n",
        "c.jpg": f"caption: 新图三。\ncredit: {reporter}\n",
        "d.jpg": f"caption: 新图四。\ncredit: {reporter}\ntags: [独家图片]\n",   # a tag only it has
    }
    for name, sidecar in sidecars.items():
        Image.new("RGB", (60, 40), "#c04030").save(folder / name, "JPEG")
        (folder / name).with_suffix(".yaml").write_text(sidecar, encoding="utf-8")
    build(root)
    steps = [(("a.jpg",), False), (("b.jpg",), False), (("c.jpg", "d.jpg"), True)]   # (deleted, afresh?)
    for names, afresh in steps:
        for name in names:
            (folder / name).unlink()
            (folder / name).with_suffix(".yaml").unlink()
        result = build(root)
        assert result.records["patched"] is not afresh, names
        _same_as_clean(root, result)
        assert not any((root / "site" / "photos").rglob(f"{Path(names[0]).stem}*")), names
