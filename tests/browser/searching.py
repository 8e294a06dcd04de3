"""What the search page must find, worked out from the built pages themselves, and the
search page driven in Chromium to see what it does find.

A page "contains" a word when the text a reader sees in its searchable part does (the part
marked data-pagefind-body, less what is marked data-pagefind-ignore); it is "filed under" a
word when one of its streets, reporters or tags, or one of their registry aliases, contains it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from bs4 import BeautifulSoup


@dataclass(frozen=True)
class Searchable:
    path: str          # the page's address under the site root: 2022/02/21/slug/
    text: str          # what a reader sees of it
    names: tuple[str, ...]   # what it is filed under, with aliases


def aliases(root: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for registry in ("streets.yaml", "reporters.yaml"):
        for entry in yaml.safe_load((root / registry).read_text(encoding="utf-8")):
            found[entry["name"]] = [*(entry.get("aliases") or []), *(entry.get("old_names") or [])]
    return found


def registry_names(root: Path) -> list[str]:
    """Every street, alias and reporter in the registries."""
    return [n for name, more in aliases(root).items() for n in (name, *more)]


def archive_tags(root: Path) -> list[str]:
    """Every tag the archive's stories use."""
    found: dict[str, None] = {}
    for file in sorted((root / "content").rglob("*.md")):
        front = yaml.safe_load(file.read_text(encoding="utf-8").split("---", 2)[1]) or {}
        tags = front.get("tags") or []
        found.update(dict.fromkeys([tags] if isinstance(tags, str) else tags))
    return list(found)


def searchable_pages(site: Path, root: Path) -> list[Searchable]:
    known = aliases(root)
    pages = []
    for file in sorted(site.rglob("*.html")):
        html = file.read_text(encoding="utf-8")
        if "data-pagefind-body" not in html:
            continue
        body = BeautifulSoup(html, "html.parser").find(attrs={"data-pagefind-body": True})
        filed = [e.get_text() for e in body.find_all(attrs={"data-pagefind-filter": ["street", "reporter", "tag"]})]
        for ignored in body.find_all(attrs={"data-pagefind-ignore": True}):
            ignored.decompose()
        path = file.relative_to(site).as_posix().removesuffix("index.html")
        pages.append(Searchable(path, body.get_text(""), tuple(n for f in filed for n in (f, *known.get(f, ())))))
    return pages


def expected(pages: list[Searchable], word: str) -> tuple[set[str], set[str]]:
    """(pages whose text contains `word`, pages only filed under it)."""
    text = {p.path for p in pages if word in p.text}
    filed = {p.path for p in pages if p.path not in text and any(word in n for n in p.names)}
    return text, filed


# Show every result ("显示更多结果" until it goes), then list their addresses in order.
ALL_RESULTS = """async () => {
  const count = () => document.querySelectorAll('.search-result').length;
  const status = document.getElementById('search-status').textContent;
  const total = status.startsWith('找到') ? Number(/\\d+/.exec(status)[0]) : 0;
  const more = document.getElementById('search-more');
  const until = Date.now() + 20000;   // then the test fails on what is shown
  while (count() < total && Date.now() < until) {
    const before = count();
    if (!more.hidden) more.click();
    while (count() === before && Date.now() < until) await new Promise(r => setTimeout(r, 10));
  }
  return [...document.querySelectorAll('.search-result .result-title a')].map(a => a.href);
}"""

DONE = ("() => { const s = document.querySelector('#search-status').textContent;"
        " return s.startsWith('找到') || s.startsWith('没有'); }")


def search(page, base: str, query: str, extra: str = "") -> list[str]:
    """The addresses (under `base`) of every result of `query`, in the order shown."""
    page.goto(f"{base}search/?q={query}{extra}")
    page.wait_for_function(DONE)
    return [href.removeprefix(base) for href in page.evaluate(ALL_RESULTS)]
