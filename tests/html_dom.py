"""A tiny DOM for tests, built with the standard library's html.parser.

Enough to ask built pages what a reader would see: find elements by tag, class and
attributes, read their text and attributes, and list every URL a page refers to.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Elements whose end tag may be left out: a new one of these closes the open one.
IMPLIED_END = {"p", "li", "dt", "dd", "option", "tr", "td", "th"}


class Element:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Element | None) -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Element | str] = []

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    @property
    def text(self) -> str:
        """The visible text, with runs of white space made one space."""
        parts: list[str] = []

        def walk(node: Element) -> None:
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                else:
                    walk(child)

        walk(self)
        return " ".join("".join(parts).split())

    def iter(self) -> Iterator[Element]:
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str | bool) -> list[Element]:
        """Descendants matching a tag, a class, and attributes (True: present at all)."""
        found = []
        for el in self.iter():
            if tag and el.tag != tag:
                continue
            if cls and cls not in el.classes:
                continue
            ok = True
            for name, want in attrs.items():
                name = name.rstrip("_").replace("_", "-")
                have = el.attrs.get(name)
                if (want is True and have is None) or (want is not True and have != want):
                    ok = False
                    break
            if ok:
                found.append(el)
        return found

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str | bool) -> Element:
        """The first match; a failing assertion (not None) when there is none."""
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag or '*'}{' .' + cls if cls else ''} {attrs}> in {self!r}"
        return found[0]

    def links(self, tag: str = "a") -> list[tuple[str, str]]:
        """(text, href) of every link below."""
        return [(a.text, a.get("href") or "") for a in self.find_all(tag) if a.get("href") is not None]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in IMPLIED_END and self.current.tag == tag:
            self.current = self.current.parent or self.root
        el = Element(tag, {k: v if v is not None else "" for k, v in attrs}, self.current)
        self.current.children.append(el)
        if tag not in VOID:
            self.current = el

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Element(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(html: str) -> Element:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def load(path: Path) -> Element:
    return parse(path.read_text(encoding="utf-8"))


def urls(doc: Element) -> list[tuple[str, str]]:
    """Every (attribute, URL) the page refers to: href, src, every srcset entry, form actions."""
    found = []
    for el in doc.iter():
        if el.tag == "base":
            continue   # not a link: what the page's relative links start from (see origin())
        for name in ("href", "src", "action"):
            if el.get(name) is not None:
                found.append((f"{el.tag}[{name}]", el.get(name) or ""))
        if el.get("srcset"):
            for candidate in (el.get("srcset") or "").split(","):
                url = candidate.strip().split()[0] if candidate.strip() else ""
                found.append((f"{el.tag}[srcset]", url))
    return found


def origin(site: Path, page: Path, doc: Element) -> Path:
    """Where `page`'s relative URLs start: the page itself, or the site's root where the page
    has a <base> (404.html, which hosts serve at any depth, points its links at the root)."""
    bases = doc.find_all("base")
    if not bases:
        return page
    assert [b.get("href") for b in bases] == ["/"], f"{page}: <base> must point at the site root"
    return site / "index.html"


def resolve(site: Path, page: Path, url: str) -> Path:
    """The file in `site` a relative URL on `page` leads to (a folder means its index.html).

    Fails (AssertionError) for absolute or root-relative URLs and for URLs leading out of
    the site, which would break the archive under a sub-path or on another host.
    """
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    assert not parts.scheme and not parts.netloc, f"{page}: absolute URL {url!r}"
    assert not parts.path.startswith("/"), f"{page}: root-relative URL {url!r}"
    target = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
    assert target.is_relative_to(site.resolve()), f"{page}: {url!r} leads out of the site"
    if parts.path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target
