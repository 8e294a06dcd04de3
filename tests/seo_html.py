"""A small HTML tree for tests (the standard library's parser; no third-party dependency)."""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def get(self, name: str, default: str = "") -> str:
        return self.attrs.get(name, default) or default

    @property
    def classes(self) -> set[str]:
        return set(self.get("class").split())

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Element):
                yield from c.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str | bool) -> list[Element]:
        """Elements by tag, class and attributes (True: present; a string: equal)."""
        found = []
        for e in self.iter():
            if tag and e.tag != tag:
                continue
            if cls and cls not in e.classes:
                continue
            ok = True
            for name, want in attrs.items():
                name = name.rstrip("_").replace("_", "-")
                if want is True:
                    ok = ok and name in e.attrs
                else:
                    ok = ok and e.attrs.get(name) == want
            if ok:
                found.append(e)
        return found

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str | bool) -> Element | None:
        items = self.find_all(tag, cls, **attrs)
        return items[0] if items else None


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v if v is not None else "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str | bytes) -> Element:
    builder = _Builder()
    builder.feed(html.decode("utf-8") if isinstance(html, bytes) else html)
    builder.close()
    return builder.root


def page(site: Path, path: str) -> Element:
    file = site / path
    if path == "" or path.endswith("/"):
        file = file / "index.html"
    return parse(file.read_bytes())


def meta(doc: Element, key: str) -> str | None:
    """<meta name=…> or <meta property=…> content."""
    for m in doc.find_all("meta"):
        if m.get("name") == key or m.get("property") == key:
            return m.get("content")
    return None


def json_ld(doc: Element, kind: str) -> dict:
    for script in doc.find_all("script", type="application/ld+json"):
        data = json.loads(script.text)
        if data.get("@type") == kind:
            return data
    raise AssertionError(f"no JSON-LD {kind}")


def resolve(site: Path, page_path: str, link: str) -> Path:
    """The file a relative link on the page at `page_path` points to."""
    target = urlsplit(link).path
    base = posixpath.dirname(page_path if not page_path.endswith("/") else page_path + "index.html")
    joined = posixpath.normpath(posixpath.join(base, unquote(target)))
    file = site / joined
    return file / "index.html" if target.endswith("/") or file.is_dir() else file


def local_file(site: Path, base_url: str, url: str) -> Path:
    """The built file an absolute URL under base_url stands for."""
    assert url.startswith(base_url), f"{url} is not under {base_url}"
    rest = unquote(url[len(base_url):].split("#")[0])
    file = site / rest
    return file / "index.html" if rest == "" or rest.endswith("/") else file
