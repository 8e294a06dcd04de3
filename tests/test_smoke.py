"""The sample archive builds, and every kind of page is there."""

from pathlib import Path

from newsroom.cli import main


def test_sample_archive_builds(sample_root: Path, capsys) -> None:
    assert main(["--root", str(sample_root)]) == 0
    site = sample_root / "site"
    for page in ("index.html", "streets/index.html", "streets/bantian/index.html",
                 "reporters/zhang-peng/index.html", "photos/index.html", "archive/index.html",
                 "2022/index.html", "2022/02/index.html", "404.html", "feed.xml", "sitemap.xml",
                 "2022/02/21/party-volunteers/index.html"):
        assert (site / page).is_file(), page
    assert "7 articles, 8 photos" in capsys.readouterr().out
