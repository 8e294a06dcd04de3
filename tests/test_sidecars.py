"""Photo sidecars: NAME.yaml or NAME.yml beside the photo give its caption and credit."""

from __future__ import annotations

from pathlib import Path

from conftest import copy_site
from html_dom import load

from newsroom.cli import main


def test_a_yml_sidecar_is_read_too(tmp_path: Path, capsys) -> None:
    root = copy_site("basic", tmp_path)
    (root / "photos/misc/unused.yaml").rename(root / "photos/misc/unused.yml")
    assert main(["--root", str(root), "-q"]) == 0
    assert "misc/unused" not in capsys.readouterr().err          # no "no caption" warning
    doc = load(root / "site/photos/misc-unused/index.html")
    assert doc.find("h1").text == "没有文章用到的一张图片。"


def test_sidecar_mistakes_name_the_sidecar_file(tmp_path: Path, capsys) -> None:
    root = copy_site("basic", tmp_path)
    (root / "photos/misc/unused.yaml").unlink()
    (root / "photos/misc/unused.yml").write_text("caption: 说明\ncredit: 王峰\n", encoding="utf-8")
    assert main(["--root", str(root)]) == 1
    assert ("photos/misc/unused.yml:2: error: unknown photographer '王峰' not in reporters.yaml"
            " — did you mean '王丰'?") in capsys.readouterr().err
