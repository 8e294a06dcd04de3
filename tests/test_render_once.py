"""once(): an article in a list is rendered once per build and reused on every page that
lists it. The site must be byte for byte what rendering each list in full makes."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import copy_sample

from newsroom import theme
from newsroom.cli import main

ONCE = "{{ once(article_item, a, level) }}"


def pages(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*")
            if p.suffix in (".html", ".xml") and "pagefind" not in p.parts}


@pytest.mark.parametrize("file_urls", [False, True], ids=["folders", "file-urls"])
def test_lists_are_what_rendering_each_item_in_place_makes(tmp_path: Path, file_urls: bool) -> None:
    for name in ("reused", "direct"):
        (tmp_path / name).mkdir()
    reused, direct = copy_sample(tmp_path / "reused"), copy_sample(tmp_path / "direct")
    macros = direct / "templates" / "_macros.html"
    text = macros.read_text(encoding="utf-8")
    assert ONCE in text
    macros.write_text(text.replace(ONCE, "{{ article_item(a, level) }}"), encoding="utf-8")
    flags = ["-q"] + (["--file-urls"] if file_urls else [])
    for root in (reused, direct):
        assert main(["--root", str(root), *flags]) == 0
    ours, theirs = pages(reused / "site"), pages(direct / "site")
    assert ours.keys() == theirs.keys()
    assert [p for p in ours if ours[p] != theirs[p]] == []
    lists = [p for p in ours if b'class="article-item' in ours[p]]
    assert len(lists) > 20 and any(p.startswith("streets/") for p in lists)
    assert not any(b"\x1a" in page for page in ours.values())


def test_a_control_character_in_a_story_does_not_confuse_the_links(tmp_path: Path) -> None:
    root = copy_sample(tmp_path)
    story = root / "content/articles/2022/02/odd.md"
    # Dated an hour ago: the newest story, whatever else the archive holds.
    hour_ago = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0)
    story.write_text(f"---\ntitle: 奇怪的字符\ndate: {hour_ago.isoformat()}\nstreet: 坂田街道\n"
                     "photos:\n  - {file: 2022/02/night-testing.jpg}\n---\n"
                     "正文里有一个\x1a控制字符。\n", encoding="utf-8")
    assert main(["--root", str(root), "-q"]) == 0
    street = (root / "site" / "streets" / "bantian" / "index.html").read_text(encoding="utf-8")
    # Its item in its street's list, the first (the home page has it on the front, not in its list).
    item = street[street.index('class="article-list"'):]
    item = item[: item.index("</li>")]
    assert "奇怪的字符" in item
    # the title's link, and after the summary the thumbnail's link and image sources
    local = hour_ago.astimezone(ZoneInfo("Asia/Shanghai"))             # site.yaml's timezone
    assert item.count(f'href="../../{local:%Y/%m/%d}/odd/"') == 2
    assert 'src="../../media/' in item and "\x1a控制字符" in item


def _items_made(monkeypatch) -> Counter:
    """How often each story's list item is rendered (not reused) in the build that follows,
    with `-j 1`: the counting is in this process."""
    made: Counter = Counter()
    original = theme.Theme.once

    def counted(self, macro, *args):
        if macro.name != "article_item":
            return original(self, macro, *args)

        def rendered(*items):   # called by once() only when it does not reuse a fragment
            made[items[0].source] += 1
            return macro(*items)
        rendered.name = macro.name
        return original(self, rendered, *args)
    monkeypatch.setattr(theme.Theme, "once", counted)
    return made


def test_each_story_s_list_item_is_rendered_once_for_every_list(tmp_path: Path, monkeypatch) -> None:
    root = copy_sample(tmp_path)
    made = _items_made(monkeypatch)
    assert main(["--root", str(root), "-q", "-j", "1"]) == 0
    site = root / "site"
    year = next(p for p in site.glob("20[0-9][0-9]/index.html"))
    assert b'class="article-item' in year.read_bytes()   # the year's list shows them too
    assert made and set(made.values()) == {1}, made


def test_a_full_store_of_items_keeps_the_first_and_the_site_is_the_same(tmp_path: Path, monkeypatch) -> None:
    for name in ("small", "ample"):
        (tmp_path / name).mkdir()
    small, ample = copy_sample(tmp_path / "small"), copy_sample(tmp_path / "ample")
    assert main(["--root", str(ample), "-q", "-j", "1"]) == 0
    monkeypatch.setattr(theme, "FRAGMENTS", 3)
    made = _items_made(monkeypatch)
    assert main(["--root", str(small), "-q", "-j", "1"]) == 0
    ours, theirs = pages(small / "site"), pages(ample / "site")
    assert ours.keys() == theirs.keys()
    assert [p for p in ours if ours[p] != theirs[p]] == []
    # The first kept (the store holds the masthead and footer too) and reused on every list;
    # the others made again on each page showing them.
    assert min(made.values()) == 1 and max(made.values()) > 1


def test_a_fragment_that_shows_the_page_s_own_path_is_rendered_for_each_page(tmp_path: Path) -> None:
    """A theme's masthead (rendered once and reused) that calls current_path() showed the
    first page's path on every page, and an edit's build another page's than a clean build."""
    root = copy_sample(tmp_path)   # (its templates/ a copy of the default theme's)
    chrome = root / "templates/_chrome.html"
    text = chrome.read_text(encoding="utf-8")
    brand = "<a class=\"brand\" href=\"{{ url('') }}\">{{ site.title }}</a>"
    assert brand in text
    chrome.write_text(text.replace(brand, brand + '<span class="here">[{{ current_path() }}]</span>'),
                      encoding="utf-8")
    assert main(["--root", str(root), "-q"]) == 0
    for page in ("2022/02/21/party-volunteers/", "streets/bantian/", "photos/2022-02-night-testing/"):
        html = (root / "site" / page / "index.html").read_text(encoding="utf-8")
        assert f'<span class="here">[{page}]</span>' in html, page
