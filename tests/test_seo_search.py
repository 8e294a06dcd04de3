"""The search index: built by Pagefind with the pages, in the same atomic write.

Querying it needs a browser (tests/browser/test_browser.py searches for 核酸); here we
check what the build publishes and how it behaves without Pagefind.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import copy_sample
from seo_html import page

from newsroom import search
from newsroom.cli import main

pytestmark = pytest.mark.skipif(search.executable() is None, reason="pagefind is not installed")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_sample(tmp_path_factory.mktemp("search"))
    assert main(["--root", str(root), "-q"]) == 0
    return root


def test_index_covers_articles_and_photos_in_chinese(built: Path, capsys) -> None:
    root = built
    site = root / "site"
    assert json.loads((site / "pagefind" / "shards.json").read_text(encoding="utf-8")) == {"shards": ["2022"],
                                                                                         "superseded": []}
    entry = json.loads((site / "pagefind" / "2022" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert search.is_extended(search.executable()), "the extended build segments Chinese"
    assert list(entry["languages"]) == ["und"], "Chinese spelt in ASCII (searchwords.py): no segmentation"
    searchable = sum(search.MARKER in page.read_bytes() for page in site.rglob("*.html"))
    assert searchable > 0 and entry["languages"]["und"]["page_count"] == searchable   # stories and photos
    assert (site / "pagefind" / "2022" / "pagefind.js").is_file()
    manifest = json.loads((site / ".newsroom-site.json").read_text(encoding="utf-8"))["files"]
    assert "pagefind/2022/pagefind.js" in manifest, "the bundle is published with the pages, atomically"

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
    root = copy_sample(tmp_path)
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


def test_incremental_builds_keep_one_whole_index_per_year(tmp_path: Path, capsys) -> None:
    """A rebuild renders only changed pages, yet what the search page finds of each year
    (its year bundle, less the entries it hides, and the recent changes) is every story of
    that year, no more; an edit leaves the year bundles as they were."""
    root = copy_sample(tmp_path)
    bundle = root / "site" / "pagefind"
    urls: set[str] = set()

    def indexed() -> dict[str, int]:
        assert main(["--root", str(root), "-q", "-j", "1"]) == 0
        listing = json.loads((bundle / "shards.json").read_text(encoding="utf-8"))
        names = listing["shards"] + [listing[key] for key in ("recent",) if key in listing]
        assert sorted(p.name for p in bundle.iterdir() if p.is_dir()) == sorted(names)
        live: Counter[str] = Counter()
        urls.clear()
        for name in names:
            for fragment in (bundle / name / "fragment").iterdir():
                if fragment.stem not in listing["superseded"]:
                    data = json.loads(gzip.decompress(fragment.read_bytes())[len(b"pagefind_dcd"):])
                    live[data["filters"]["year"][0]] += 1
                    urls.add(data["url"])
        return dict(live)

    def mtimes(year: str) -> dict[Path, int]:
        return {p: p.stat().st_mtime_ns for p in (bundle / year).rglob("*")}

    first = indexed()
    assert list(first) == ["2022"] and first["2022"] > 0    # the sample: stories and photos of 2022
    year = first["2022"]
    added = root / "content/articles/2021/06/new-story.md"
    added.parent.mkdir(parents=True)
    added.write_text("---\ntitle: 新稿\ndate: 2021-06-25\nreporter: []\n---\n坂田街道的新稿件。\n", encoding="utf-8")
    assert indexed() == {"2022": year, "2021": 1}
    before = mtimes("2022")
    added.write_text("---\ntitle: 新稿\ndate: 2021-06-25\nreporter: []\n---\n坂田街道的新稿件，有更正。\n", encoding="utf-8")
    assert indexed() == {"2022": year, "2021": 1}
    assert mtimes("2022") == before, "another year's index is left as it was"
    added.write_text("---\ntitle: 新稿\ndate: 2020-06-25\nreporter: []\n---\n坂田街道的新稿件。\n", encoding="utf-8")
    assert indexed() == {"2022": year, "2020": 1}     # moved to its new year, gone from the old
    added.unlink()
    (root / "content/articles/2022/02/party-volunteers.md").unlink()
    edition = root / "content/editions/2022-02-22.yaml"     # the printed page lists it too
    edition.write_text(edition.read_text(encoding="utf-8").replace("      - 2022/02/party-volunteers.md\n", ""),
                       encoding="utf-8")
    assert indexed() == {"2022": year - 1}
    assert "/2022/02/21/party-volunteers/" not in urls   # the removed story is found no more
    # Deleting a published story's file is a warning (its address would answer 404); nothing else.
    assert all("its file is gone" in line or line.endswith(" warnings") for line in capsys.readouterr().err.splitlines())


def test_search_can_be_turned_off_in_site_yaml(tmp_path: Path, capsys) -> None:
    root = copy_sample(tmp_path)
    with (root / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("search: false\n")
    assert main(["--root", str(root), "-q", "-j", "1"]) == 0
    assert capsys.readouterr().err == ""
    assert not (root / "site" / "pagefind").exists()
    assert (root / "site" / "search" / "index.html").is_file()   # says search is unavailable
