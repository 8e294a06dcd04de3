"""The search index: built by Pagefind with the pages, in the same atomic write.

Querying it needs a browser (tests/browser/test_browser.py searches for 核酸); here we
check what the build publishes and how it behaves without Pagefind.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from seo_html import page

from newsroom import search
from newsroom.cli import main

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(search.executable() is None, reason="pagefind is not installed")


def _sample(root: Path) -> Path:
    root.mkdir(parents=True)
    for name in ("content", "photos", "templates"):
        shutil.copytree(REPO / name, root / name)
    for name in ("site.yaml", "streets.yaml", "reporters.yaml"):
        shutil.copy(REPO / name, root / name)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _sample(tmp_path_factory.mktemp("search") / "archive")
    assert main(["--root", str(root), "-q"]) == 0
    return root


def test_index_covers_articles_and_photos_in_chinese(built: Path, capsys) -> None:
    root = built
    site = root / "site"
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert search.is_extended(search.executable()), "the extended build segments Chinese"
    assert list(entry["languages"]) == ["zh-cn"]
    assert entry["languages"]["zh-cn"]["page_count"] == 7 + 8
    assert (site / "pagefind" / "pagefind.js").is_file()
    manifest = json.loads((site / ".newsroom-site.json").read_text(encoding="utf-8"))["files"]
    assert "pagefind/pagefind.js" in manifest, "the bundle is published with the pages, atomically"

    # A rebuild with no change gives the same bundle and writes nothing.
    assert main(["--root", str(root)]) == 0
    assert "0 files written" in capsys.readouterr().out


def test_pages_carry_search_fields(built: Path) -> None:
    root = built
    doc = page(root / "site", "2022/02/21/party-volunteers/")
    body = doc.find(data_pagefind_body=True)
    assert body is not None and body.tag == "article"
    filters = {(e.get("data-pagefind-filter"), e.text) for e in body.find_all(data_pagefind_filter=True)}
    assert {("street", "坂田街道"), ("reporter", "张鹏"), ("year", "2022"), ("type", "文章")} <= filters
    metas = {e.get("data-pagefind-meta"): e.text for e in body.find_all(data_pagefind_meta=True)}
    assert metas["date"] == "2022年2月21日" and metas["street"].startswith("坂田街道")
    photo = page(root / "site", "photos/2022-02-night-testing/")
    assert photo.find(data_pagefind_body=True).tag == "figure"
    home = page(root / "site", "")
    assert home.find(data_pagefind_body=True) is None, "lists are not indexed, so results are stories"
    search_page = page(root / "site", "search/")
    assert "搜索需要启用 JavaScript" in search_page.find("noscript").text


def test_build_works_without_pagefind(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "executable", lambda: None)   # as if the package were not installed
    root = _sample(tmp_path / "archive")
    assert main(["--root", str(root)]) == 0
    err = capsys.readouterr().err
    assert "search is disabled" in err and "pagefind[extended]" in err
    assert (root / "site" / "search" / "index.html").is_file()
    assert not (root / "site" / "pagefind").exists()


def test_an_empty_archive_has_no_index_and_no_warning(tmp_path: Path, capsys) -> None:
    (tmp_path / "site.yaml").write_text("title: 空档案\nbase_url: https://example.org/\n", encoding="utf-8")
    assert main(["--root", str(tmp_path)]) == 0
    assert "search" not in capsys.readouterr().err
    assert (tmp_path / "site" / "search" / "index.html").is_file()
    assert not (tmp_path / "site" / "pagefind").exists()


def test_incremental_builds_keep_the_whole_index(tmp_path: Path, capsys) -> None:
    """A rebuild renders only changed pages, yet the index covers every story, no more."""
    root = _sample(tmp_path / "archive")
    entry = root / "site" / "pagefind" / "pagefind-entry.json"

    def indexed() -> int:
        assert main(["--root", str(root), "-q", "-j", "1"]) == 0
        return json.loads(entry.read_text(encoding="utf-8"))["languages"]["zh-cn"]["page_count"]

    assert indexed() == 7 + 8
    added = root / "content/articles/2022/02/new-story.md"
    added.write_text("---\ntitle: 新稿\ndate: 2022-02-25\n---\n坂田街道的新稿件。\n", encoding="utf-8")
    assert indexed() == 7 + 8 + 1
    added.unlink()
    (root / "content/articles/2022/02/party-volunteers.md").unlink()
    assert indexed() == 6 + 8
    fragments = root / "site" / "pagefind" / "fragment"
    assert len(list(fragments.iterdir())) == 6 + 8    # one per page: no fragment of a removed story left
    assert capsys.readouterr().err == ""
