"""Photos filed anew (another credit, street or date in the sidecar) in the kept plan
(photofiling.py) instead of a plan made afresh: the plan, page by page, and the site, file
by file, are what a clean build gives; what it does not cover is planned afresh."""

from __future__ import annotations

from pathlib import Path

from conftest import copy_sample
from test_additions import build
from test_removals import _same_as_clean

PHOTOS = Path("photos") / "2022" / "02"


def _sidecar(root: Path, name: str, old: str, new: str) -> None:
    file = root / PHOTOS / f"{name}.yaml"
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new), encoding="utf-8")


def test_photos_filed_anew_are_put_into_the_kept_plan_as_a_clean_build_makes_them(tmp_path: Path) -> None:
    root = copy_sample(tmp_path)
    with (root / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("\nsearch: false\n")
    with (root / "reporters.yaml").open("a", encoding="utf-8") as f:   # registered, in no byline or credit yet
        f.write("- {name: 林晓摄, slug: lin-xiaoshe, role: 摄影记者, aliases: []}\n")
    build(root)
    steps = [("command-post-rain", "credit: 王丰", "credit: 张鹏", True),        # another photographer
             ("longcheng-support", "street: 坂田街道", "street: 龙城街道", True),  # another street
             ("night-testing", "date: 2022-02-18", "date: 2022-02-16", True),     # another day: its place
             ("warm-soup", "credit: 张鹏", "credit: 林晓摄", True),     # registered: its page is there, empty
             ("warm-soup", "street: 坂田街道", "street: 坂田街道\ntags: 暖心汤", False)]   # a name with no page yet
    for name, old, new, patched in steps:
        _sidecar(root, name, old, new)
        result = build(root)
        assert result.records["patched"] is patched, name
        _same_as_clean(root, result)
    assert "林晓摄" in (root / "site" / "photos" / "2022-02-warm-soup" / "index.html").read_text(encoding="utf-8")
