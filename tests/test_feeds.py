"""Atom feeds (archive, each street, each reporter), sitemap.xml and robots.txt."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest
from conftest import copy_sample
from seo_html import local_file, page, parse, resolve

from newsroom import pages, seo, sitemaps
from newsroom.cli import main

BASE = "https://news.example.org/"
ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
EXTRA = 23   # older articles, so the feeds have more than 20 candidates


def _sample(dest: Path, base_url: str | None = BASE) -> Path:
    root = copy_sample(dest)
    text = (root / "site.yaml").read_text(encoding="utf-8")
    if base_url is None:
        text = "\n".join(line for line in text.splitlines() if not line.startswith("base_url"))
    (root / "site.yaml").write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _sample(tmp_path_factory.mktemp("feeds"))
    folder = root / "content" / "articles" / "2021" / "05"
    folder.mkdir(parents=True)
    for n in range(1, EXTRA + 1):
        (folder / f"extra-{n:02d}.md").write_text(
            f"---\ntitle: 旧闻第{n}篇\ndate: 2021-05-{n:02d}\nreporter: 张鹏\nstreet: 坂田街道\n---\n"
            f"详见[前线报道](../../2022/02/party-volunteers.md)。[^1]\n\n[^1]: 第{n}篇的注。\n", encoding="utf-8")
    assert main(["--root", str(root), "-q"]) == 0
    return root / "site"


def feed(site: Path, path: str) -> ET.Element:
    return ET.fromstring((site / path).read_bytes())


def rfc3339(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None, f"{text} has no time zone"
    return moment


def check_atom(root: ET.Element, self_url: str) -> list[ET.Element]:
    """The parts RFC 4287 requires, and what feed readers rely on."""
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title")
    assert root.findtext(f"{ATOM}id") == self_url
    rfc3339(root.findtext(f"{ATOM}updated"))
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links["self"] == self_url and links["alternate"].startswith(BASE)
    entries = root.findall(f"{ATOM}entry")
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(ids) == len(set(ids)), "entry ids are unique"
    dates = []
    for e in entries:
        assert e.findtext(f"{ATOM}title")
        assert e.findtext(f"{ATOM}id").startswith(BASE)
        assert e.find(f"{ATOM}link[@rel='alternate']").get("href") == e.findtext(f"{ATOM}id")
        dates.append(rfc3339(e.findtext(f"{ATOM}published")))
        rfc3339(e.findtext(f"{ATOM}updated"))
        content = e.find(f"{ATOM}content")
        assert content.get("type") == "html" and content.text
    assert dates == sorted(dates, reverse=True), "newest first"
    return entries


def check_authors(site: Path, entries: list[ET.Element]) -> None:
    """Each entry names its own article's reporters (the feed's root author, the organisation,
    is only the fallback a reader shows for an entry without one)."""
    for e in entries:
        article = page_ld(local_file(site, BASE, e.findtext(f"{ATOM}id")))
        wanted = [person["name"] for person in article.get("author", [])]
        named = [a.findtext(f"{ATOM}name") for a in e.findall(f"{ATOM}author")]
        assert named == wanted and named, f"{e.findtext(f'{ATOM}title')}: authors {named}, article says {wanted}"


def page_ld(file: Path) -> dict:
    doc = parse(file.read_bytes())
    return next(d for d in (json.loads(s.text) for s in doc.find_all("script", type="application/ld+json"))
                if d.get("@type") == "NewsArticle")


def all_links(html: str) -> list[str]:
    doc = parse(html)
    found = []
    for e in doc.iter():
        for attr in ("href", "src"):
            if attr in e.attrs:
                found.append(e.attrs[attr])
        for part in e.get("srcset").split(","):
            if part.strip():
                found.append(part.split()[0])
    return found


def test_archive_feed_is_valid_atom_with_the_latest_20(site: Path) -> None:
    entries = check_atom(feed(site, "feed.xml"), BASE + "feed.xml")
    assert len(entries) == 20
    check_authors(site, entries)
    # The newest 20 of every story page in the site, whatever the archive holds.
    stories = [page_ld(f) for f in site.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/*/index.html")]
    newest = sorted((rfc3339(s["datePublished"]) for s in stories), reverse=True)[:20]
    assert [rfc3339(e.findtext(f"{ATOM}published")) for e in entries] == newest
    by_title = {s["headline"]: rfc3339(s["datePublished"]) for s in stories}
    assert all(by_title[e.findtext(f"{ATOM}title")] == rfc3339(e.findtext(f"{ATOM}published")) for e in entries)


def test_feed_content_is_full_with_absolute_links_that_exist(site: Path) -> None:
    entries = {e.findtext(f"{ATOM}title"): e for e in feed(site, "feed.xml").findall(f"{ATOM}entry")}
    story = entries["超2000人次机关党员干部火速下沉抗疫一线"]
    html = story.find(f"{ATOM}content").text
    assert "一份倡议，20余个单位抽调骨干" in html, "the whole article, not just the summary"
    links = all_links(html)
    images = [u for u in links if "/media/" in u]
    assert len(images) == 4, "every photo of the article is in the entry"
    for url in links:
        assert url.startswith(BASE), f"relative link in feed content: {url}"
        assert local_file(site, BASE, url).is_file(), f"{url} points to nothing"
    old = entries["旧闻第23篇"].find(f"{ATOM}content").text
    assert f'href="{BASE}2022/02/21/party-volunteers/"' in old, "links between articles become absolute"
    # A footnote's links lead to the note and back on the story's page, not on the feed's
    assert f'href="{BASE}2021/05/23/extra-23/#fn:1"' in old and f'href="{BASE}2021/05/23/extra-23/#fnref:1"' in old
    assert 'href="#' not in old


@pytest.mark.parametrize("term", ["streets/bantian/", "reporters/zhang-peng/", "streets/nanwan/"])
def test_each_street_and_reporter_has_a_feed_linked_from_its_page(site: Path, term: str) -> None:
    entries = check_atom(feed(site, term + "feed.xml"), BASE + term + "feed.xml")
    assert 0 < len(entries) <= 20
    check_authors(site, entries)
    doc = page(site, term)
    alternates = [link.get("href") for link in doc.find_all("link", rel="alternate", type="application/atom+xml")]
    assert any(resolve(site, term, href) == site / term / "feed.xml" for href in alternates)
    name = doc.find("h1").text.split()[0]
    for e in entries:
        article = local_file(site, BASE, e.findtext(f"{ATOM}id"))
        assert name in article.read_text(encoding="utf-8"), f"{e.findtext(f'{ATOM}title')} is not about {name}"


def test_bantian_feed_stops_at_20(site: Path) -> None:
    assert len(feed(site, "streets/bantian/feed.xml").findall(f"{ATOM}entry")) == 20


def test_every_page_links_the_site_feed(site: Path) -> None:
    for path in ("", "2022/02/21/party-volunteers/", "photos/", "search/"):
        doc = page(site, path)
        hrefs = [link.get("href") for link in doc.find_all("link", rel="alternate")]
        assert any(resolve(site, path, h) == site / "feed.xml" for h in hrefs), path


def test_sitemap_lists_every_public_page(site: Path) -> None:
    root = ET.fromstring((site / "sitemap.xml").read_bytes())
    locs = [u.findtext(f"{SM}loc") for u in root.findall(f"{SM}url")]
    listed = {local_file(site, BASE, loc) for loc in locs}
    built = {f for f in site.rglob("index.html") if "pagefind" not in f.parts}
    # every page but those that ask not to be indexed (the search page: noindex)
    noindex = {f for f in built if '<meta name="robots" content="noindex">' in f.read_text(encoding="utf-8")}
    assert site / "search/index.html" in noindex
    assert built - noindex == listed
    assert (site / "404.html") not in listed
    lastmods = [u.findtext(f"{SM}lastmod") for u in root.findall(f"{SM}url") if "/2022/02/21/" in u.findtext(f"{SM}loc")]
    assert lastmods and all(rfc3339(m) for m in lastmods), "articles carry their last change"
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {BASE}sitemap.xml" in robots.splitlines()


def test_big_sitemaps_are_an_index_of_one_sitemap_per_part_of_the_site(monkeypatch) -> None:
    """A year's stories, the photos, a year of editions: each its own sitemap (a new story
    renders only its year's again); small parts together; a part past the limit cut."""
    monkeypatch.setattr(sitemaps, "SITEMAP_SPLIT", 10)
    monkeypatch.setattr(sitemaps, "SITEMAP_LEAST", 3)
    monkeypatch.setattr(sitemaps, "SITEMAP_LIMIT", 6)
    paths = ([f"2021/01/0{n}/s{n}/" for n in range(1, 9)] + [f"2022/03/01/a{n}/" for n in range(3)]
             + [f"photos/2022-02-x{n}/" for n in range(3)] + ["editions/2024/", "editions/2024/01/01/",
                                                             "editions/2024/01/01/01/"]
             + ["", "search/", "streets/bantian/", "专题/a/", "专题/b/", "专题/c/"])
    planned = [pages.Page(path, "article.html" if path[:2] == "20" else "term.html", {}) for path in paths]
    planned += [pages.Page("404.html", "404.html", {}), pages.Page("old/", "redirect.html", {"noindex": True})]
    made = {p.path: p for p in sitemaps.pages(planned)}
    parts = {"2021-1": paths[0:6], "2021-2": paths[6:8], "2022": paths[8:11], "editions-2024": paths[14:17],
             "other": ["", "search/", "streets/bantian/", "专题/a/", "专题/b/", "专题/c/"], "photos": paths[11:14]}
    assert set(made) == {f"sitemap-{name}.xml" for name in parts} | {"sitemap.xml", "robots.txt"}
    assert made["sitemap.xml"].template == "sitemap-index.xml"
    assert list(made["sitemap.xml"].context["paths"]) == [f"sitemap-{name}.xml" for name in sorted(parts)]
    assert {name: [e[0] for e in made[f"sitemap-{name}.xml"].context["entries"]] for name in parts} == parts
    monkeypatch.setattr(sitemaps, "SITEMAP_SPLIT", len(paths))
    assert [p.path for p in sitemaps.pages(planned)] == ["sitemap.xml", "robots.txt"], "small: one sitemap"


def test_a_big_site_lists_every_public_page_in_the_sitemaps_its_index_names(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sitemaps, "SITEMAP_SPLIT", 20)
    monkeypatch.setattr(sitemaps, "SITEMAP_LEAST", 5)
    root = _sample(tmp_path)
    assert main(["--root", str(root), "-q"]) == 0
    site = root / "site"
    index = ET.fromstring((site / "sitemap.xml").read_bytes())
    assert index.tag == f"{SM}sitemapindex"
    named = [local_file(site, BASE, s.findtext(f"{SM}loc")) for s in index.findall(f"{SM}sitemap")]
    assert len(named) >= 3 and all(file.name.startswith("sitemap-") for file in named)
    listed: list[Path] = []
    for file in named:
        part = ET.fromstring(file.read_bytes())
        assert part.tag == f"{SM}urlset" and len(part) >= 1, file.name
        listed += [local_file(site, BASE, u.findtext(f"{SM}loc")) for u in part.findall(f"{SM}url")]
    assert sorted(listed) == sorted(f for f in site.rglob("index.html")
                                    if "pagefind" not in f.parts and f != site / "search/index.html")
    assert len(listed) == len(set(listed)), "a page in two sitemaps"
    assert sorted(site.glob("sitemap*.xml")) == sorted([*named, site / "sitemap.xml"]), "a sitemap no index names"


def test_absolute_links_rewrites_relative_urls_only() -> None:
    html = ('<a href="../x/">x</a><a href="https://other.org/">o</a><a href="#f">f</a>'
            '<img src="../../media/k-480.jpg" srcset="../../media/k-480.jpg 480w, ../../media/k-960.jpg 960w">'
            '<a href="mailto:a@b.c">m</a>')
    out = seo.absolute_links(html, BASE + "streets/bantian/feed.xml")
    assert f'href="{BASE}streets/x/"' in out
    assert 'href="https://other.org/"' in out and 'href="#f"' in out and 'href="mailto:a@b.c"' in out
    assert f'src="{BASE}media/k-480.jpg"' in out
    assert f'srcset="{BASE}media/k-480.jpg 480w, {BASE}media/k-960.jpg 960w"' in out


def test_without_base_url_the_build_works_and_says_feeds_need_it(tmp_path: Path, capsys) -> None:
    root = _sample(tmp_path, base_url=None)
    assert main(["--root", str(root)]) == 0
    err = capsys.readouterr().err
    assert "base_url" in err and "feeds" in err and "sitemap" in err
    site = root / "site"
    assert (site / "index.html").is_file()
    for missing in ("feed.xml", "sitemap.xml", "robots.txt", "streets/bantian/feed.xml"):
        assert not (site / missing).exists(), missing
    for path in ("", "streets/bantian/", "reporters/zhang-peng/"):
        doc = page(site, path)
        assert not doc.find_all("link", rel="alternate"), f"/{path} links to a feed that is not there"
        assert not doc.find_all("link", rel="canonical")
        assert not [a for a in doc.find_all("a") if a.get("href").endswith("feed.xml")]


def test_sitemaps_updated_by_their_parts_are_those_made_from_every_entry(monkeypatch) -> None:
    """A patched plan (additions.py, reprinting.py) makes again only the parts an edit
    touches: the pages, their order and their entries are those of all of it made again,
    whichever parts grow past the limit, shrink into the small parts or go."""
    import random
    from datetime import datetime
    monkeypatch.setattr(sitemaps, "SITEMAP_SPLIT", 40)
    monkeypatch.setattr(sitemaps, "SITEMAP_LEAST", 5)
    monkeypatch.setattr(sitemaps, "SITEMAP_LIMIT", 12)
    rng = random.Random(7)
    folders = [*(f"{year}/05/" for year in range(2015, 2025)), "photos/", "streets/", "editions/2023/",
               "editions/2024/", "tags/", "", "专题/"]
    when = datetime(2024, 1, 1)
    entries = {f"{rng.choice(folders)}p{n}/": when for n in range(30)}
    kept = sitemaps.from_entries(tuple(sorted(entries.items())))
    untouched, shapes = 0, set()
    for step in range(300):
        gone = set(rng.sample(sorted(entries), min(len(entries) - 1, rng.randint(0, 3))))
        added = [(f"{rng.choice(folders)}q{step}-{n}/", None) for n in range(rng.randint(0, 3))]
        redated = {path: datetime(2025, 1, 1) for path in rng.sample(sorted(set(entries) - gone), 1)}
        entries = {**{path: redated.get(path, date) for path, date in entries.items() if path not in gone}, **dict(added)}
        made = sitemaps.updated(kept, gone, added, redated)
        whole = sitemaps.from_entries(tuple(sorted(entries.items())))
        assert [(p.path, p.template, p.context) for p in made] == [(p.path, p.template, p.context) for p in whole], step
        untouched += sum(any(p is k for k in kept) for p in made)
        shapes.add((made[-2].template, any(p.path.endswith("-2.xml") for p in made)))
        kept = made
    assert untouched > 30, "parts no change touched are kept as they were"
    assert {("sitemap.xml", False), ("sitemap-index.xml", True)} <= shapes   # one sitemap, and parts cut in two


def test_a_story_that_moves_keeps_its_entry_id_in_every_feed(tmp_path: Path) -> None:
    """Atom ids never change (RFC 4287): a reader shows an entry with a new id as a new story.
    The story's new slug moves its link, not its id (its first address, from moved.yaml), in
    an edit build as in a clean one, and its correction's id goes with it."""
    root = copy_sample(tmp_path / "a")
    story = root / "content/articles/2022/02/bantian-frontline.md"
    assert main(["--root", str(root), "-q"]) == 0

    def entries(feed: str) -> dict[str, tuple[str, str]]:
        tree = ET.parse(root / "site" / feed)
        return {e.findtext(f"{ATOM}title"): (e.findtext(f"{ATOM}id"), e.find(f"{ATOM}link").get("href"))
                for e in tree.getroot().iter(f"{ATOM}entry")}

    feeds = ("feed.xml", "streets/bantian/feed.xml", "reporters/zhang-peng/feed.xml")
    before = [entries(feed) for feed in feeds]
    old = BASE + "2022/02/21/bantian-frontline/"
    text = story.read_text(encoding="utf-8")
    story.write_text(text.replace("\n---\n", "\nslug: bantian-moved\ncorrections:\n  - {date: 2022-03-01, text: 更正。}\n---\n", 1),
                     encoding="utf-8")
    for build in ("edit", "clean"):
        if build == "clean":
            shutil.rmtree(root / ".cache")
            shutil.rmtree(root / "site")
        assert main(["--root", str(root), "-q"]) == 0
        for feed, was in zip(feeds, before, strict=True):
            now = entries(feed)
            moved = [title for title, (_, link) in now.items() if link == BASE + "2022/02/21/bantian-moved/"]
            assert len(moved) == 1, (build, feed)
            assert now[moved[0]][0] == was[moved[0]][0] == old, (build, feed)
        corrected = ET.parse(root / "site/corrections/feed.xml").getroot().find(f"{ATOM}entry")
        assert corrected.findtext(f"{ATOM}id") == old + "#correction-1", build


def test_a_story_moved_back_to_its_first_address_keeps_that_as_its_entry_id(tmp_path: Path) -> None:
    """A slug tried and taken back: the story is at its first address again, the other one
    leads there, and its feed entry keeps the id it always had (moved.yaml keeps the first
    address last: [/a/, /b/, /a/]), in an edit build as in a clean one, and after a third move."""
    root = copy_sample(tmp_path / "a")
    story = root / "content/articles/2022/02/bantian-frontline.md"
    text = story.read_text(encoding="utf-8")
    first, tried, third = (BASE + f"2022/02/21/{slug}/" for slug in ("bantian-frontline", "bantian-moved", "bantian-3"))
    assert main(["--root", str(root), "-q"]) == 0

    def entry_ids() -> dict[str, str]:
        tree = ET.parse(root / "site/feed.xml")
        return {e.find(f"{ATOM}link").get("href"): e.findtext(f"{ATOM}id") for e in tree.getroot().iter(f"{ATOM}entry")}

    for slug, link, urls in ((None, first, "[/2022/02/21/bantian-frontline/]"),
                             ("bantian-moved", tried, "[/2022/02/21/bantian-moved/, /2022/02/21/bantian-frontline/]"),
                             (None, first, "[/2022/02/21/bantian-frontline/, /2022/02/21/bantian-moved/, "
                                           "/2022/02/21/bantian-frontline/]"),
                             ("bantian-3", third, "[/2022/02/21/bantian-3/, /2022/02/21/bantian-moved/, "
                                                  "/2022/02/21/bantian-frontline/]")):
        story.write_text(text if slug is None else text.replace("\n---\n", f"\nslug: {slug}\n---\n", 1), encoding="utf-8")
        for build in ("edit", "clean"):
            if build == "clean":
                shutil.rmtree(root / ".cache")
                shutil.rmtree(root / "site")
            assert main(["--root", str(root), "-q"]) == 0
            assert entry_ids()[link] == first, (slug, build)
            record = (root / "moved.yaml").read_text(encoding="utf-8")
            assert f"  urls: {urls}\n" in record, (slug, build, record)
            if link == first and "bantian-moved" in urls:   # the address tried leads back to the story
                moved_page = (root / "site/2022/02/21/bantian-moved/index.html").read_text(encoding="utf-8")
                assert 'rel="canonical" href="https://news.example.org/2022/02/21/bantian-frontline/"' in moved_page
