"""Markdown bodies to HTML: rendering, sanitising raw HTML, summaries, article links."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from urllib.parse import quote, urlsplit

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import InlineProcessor, Treeprocessor

from . import i18n, interrupts, links
from .config import EMBED_HOSTS
from .i18n import tr

# Links to another article's .md file, and site paths (/2022/…/), become this placeholder,
# made relative to each page (render.py).
ARTICLE_LINK = "newsroom-article:"


def _extensions(language: str) -> list[Extension]:
    """tables, fenced_code, footnotes, sane_lists: given by name, Markdown looks each up among
    the installed packages' entry points, importing importlib.metadata and reading every
    package's metadata (≈30 ms of each process that parses, an edit's included). Imported
    here, as Markdown would: a build that parses nothing does not load them (nor Pygments)."""
    from markdown.extensions.fenced_code import FencedCodeExtension
    from markdown.extensions.footnotes import FootnoteExtension
    from markdown.extensions.sane_lists import SaneListExtension
    from markdown.extensions.tables import TableExtension

    # The footnote's way back is titled in the site's language, as the rest of its page is.
    lang = i18n.choose(language, language)
    back = FootnoteExtension(BACKLINK_TITLE=tr(lang, "Jump back to footnote {} in the text"))
    return [TableExtension(), FencedCodeExtension(), back, SaneListExtension()]


_ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"figure", "figcaption", "section", "sup", "sub", "mark", "iframe"}
_ALLOWED_ATTRIBUTES = {
    "iframe": {"src", "width", "height", "title", "allow", "allowfullscreen", "loading", "referrerpolicy"},
    "*": {"id", "class", "title", "lang"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    # Table alignment: Markdown writes style="text-align: …" (align="…" is obsolete HTML);
    # of styles only text-align is kept (filter_style_properties below).
    "th": {"style", "colspan", "rowspan"},
    "td": {"style", "colspan", "rowspan"},
    "ol": {"start"},
}


def _valid_url(url: str) -> str:
    """A link as written, with what HTML forbids in URLs (spaces, quotes, <>) percent-encoded."""
    return quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%~") if _URL_UNSAFE.search(url.strip()) else url.strip()


_URL_UNSAFE = re.compile(r'[\s"<>\\^`{|}]')


class _LinkCollector(Treeprocessor):
    """Marks links to .md files so they can be resolved to article URLs, and collects the links to check."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.links: list[str] = []

    def run(self, root: ET.Element) -> None:
        for img in root.iter("img"):
            src = img.get("src", "")
            if links.kind(src) == links.SITE:   # made relative per page (render.py), as a link is
                path, fragment = links.split(src)
                img.set("src", f"{ARTICLE_LINK}{path}{fragment}")
            elif src:
                img.set("src", _valid_url(src))
        for a in root.iter("a"):
            href = a.get("href", "")
            found = links.kind(href)
            if found in (links.ARTICLE, links.SITE):     # resolved per page (render.py)
                path, fragment = links.split(href)
                a.set("href", f"{ARTICLE_LINK}{path}{fragment}")
            else:
                # Not a URL at all (http://[x): an error (index.py), and no link in the page meanwhile.
                a.set("href", "#" if found == links.INVALID else _valid_url(href))
            if found != links.OTHER:
                self.links.append(href)     # as written: checked, with its line, by index.py and stages.py


# Every inline pattern of the extensions above needs one of these in the text to match:
# ` and \ (code, escapes), [ (links, images, footnotes), < (autolinks, inline HTML),
# & (entities), * and _ (emphasis), two spaces before a line break (<br>).
_INLINE_PATTERNS = {"backtick", "escape", "reference", "link", "image_link", "image_reference",
                    "short_reference", "short_image_ref", "autolink", "automail", "linebreak",
                    "html", "entity", "em_strong", "footnote"}
_INLINE_MARK = re.compile(r"[`\\\[<&*_]|  \n")


class _PlainTextFirst(InlineProcessor):
    """Python-Markdown's inline stage, minus its work on plain text.

    It tries each of its 15 inline patterns on every run of text, a regex search each;
    most paragraphs of a news story contain none of the characters those patterns need,
    and those searches were 40% of reading an article. Text without any is returned as
    it is, which is what the patterns would have done.
    """

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        if not _INLINE_MARK.search(data):
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)


# A line of plain prose: it starts with a letter, digit or non-ASCII character (not space,
# not a Markdown marker, not "1." of a list), ends without space, and holds none of the
# characters that inline markup, HTML, tables or fences need, nor ones HTML escapes.
_PROSE = r"(?!\d+\.)[^\s!-/:-@\[-`{-~\x00-\x1f\x7f\x85\xa0][^\n`\\\[\]<>&*_|~#\x00-\x1f\x7f\x85\xa0]*(?<!\s)"
_PLAIN_BLOCK = re.compile(
    rf"(?P<h>#{{1,6}}) (?P<title>{_PROSE})"       # an ATX heading
    rf"|(?P<ul>- {_PROSE}(?:\n- {_PROSE})*)"       # a list of one-line items
    rf"|{_PROSE}(?:\n{_PROSE})*")                  # a paragraph


def plain_html(text: str) -> str | None:
    """The HTML of a body made only of paragraphs, `#` headings and `- ` lists of plain
    prose, or None for anything else.

    Most news stories are just that, and Python-Markdown spends ~0.3 ms on each (a third
    of a cold build's reading); the HTML here is the same bytes it and the sanitiser make
    (tests/test_parsing.py compares them on thousands of generated bodies).
    """
    parts = []
    after_list = False
    for block in re.split(r"\n\n+", text.strip("\n")):
        m = _PLAIN_BLOCK.fullmatch(block)
        if m is None or (after_list and m["ul"]):   # two lists in a row make one loose list
            return None
        if m["h"]:
            level = len(m["h"])
            parts.append(f"<h{level}>{m['title']}</h{level}>")
        elif m["ul"]:
            items = "".join(f"<li>{line[2:]}</li>\n" for line in block.split("\n"))
            parts.append(f"<ul>\n{items}</ul>")
        else:
            parts.append(f"<p>{block}</p>")
        after_list = bool(m["ul"])
    return "\n".join(parts)


_IFRAME_WITHOUT_SRC = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>.*?</iframe>", re.S)


def embed_allowed(src: str, hosts: tuple[str, ...] | frozenset[str]) -> bool:
    """An https:// URL on one of `hosts` (or a sub-domain of one)."""
    try:
        parts = urlsplit(src.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    return parts.scheme == "https" and any(host == h or host.endswith("." + h) for h in hosts)


class Renderer:
    """One reusable Markdown converter (building one is slow; resetting is cheap)."""

    def __init__(self, raw_html: str = "sanitize", embed_hosts: tuple[str, ...] = EMBED_HOSTS,
                 language: str = "en") -> None:
        self._md = markdown.Markdown(extensions=_extensions(language), output_format="html")
        self._links = _LinkCollector(self._md)
        self._md.treeprocessors.register(self._links, "newsroom-links", 1)
        patterns = self._md.inlinePatterns
        if len(patterns) == sum(name in patterns for name in _INLINE_PATTERNS):   # no other patterns
            self._md.treeprocessors.register(_PlainTextFirst(self._md), "inline", 20)
        self._sanitize = raw_html != "allow"
        self._hosts = frozenset(h.lower().strip(".") for h in embed_hosts)

    def _attribute(self, tag: str, attr: str, value: str) -> str | None:
        if tag == "iframe" and attr == "src" and not embed_allowed(value, self._hosts):
            return None  # the iframe, left without a source, is removed below
        return value

    def render(self, text: str) -> tuple[str, list[str]]:
        """HTML for a Markdown body, and its links that need checking (links.kind: ARTICLE, SITE
        or INVALID), as written."""
        plain = plain_html(text)
        if plain is not None:
            return plain, []
        self._md.reset()
        self._links.links = []
        body = self._md.convert(text)
        if self._sanitize:
            # Ctrl-C held back: raised in _attribute, nh3 would print it as ignored and drop
            # the attribute, and the damaged body would be cached.
            with interrupts.held():
                body = nh3.clean(
                    body,
                    tags=_ALLOWED_TAGS,
                    attributes=_ALLOWED_ATTRIBUTES,
                    url_schemes={"http", "https", "mailto", "tel", ARTICLE_LINK.rstrip(":")},
                    link_rel=None,
                    attribute_filter=self._attribute,
                    filter_style_properties={"text-align"},
                )
            body = _IFRAME_WITHOUT_SRC.sub("", body)
        return body, list(self._links.links)


# An image by a path from the page (no scheme, not from the site's root): nothing is published
# beside a story's page, so it would show broken (a photo under photos/ is not published as such).
_RELATIVE_IMAGE = re.compile(r'<img\b[^>]*?\ssrc="(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)([^"]+)"')


def relative_images(body_html: str) -> list[str]:
    """The sources of the body's images given by a path from the page, in document order."""
    return [html.unescape(src) for src in _RELATIVE_IMAGE.findall(body_html)]


_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(?:p|li|h\d|td|th|tr|blockquote|pre|div)>|<br\s*/?>", re.I)
_FOOTNOTES = re.compile(r'<div class="footnote">.*?</div>', re.S)


def plain_text(body_html: str) -> str:
    """Readable text of an HTML body, for summaries and search."""
    # Inline tags vanish without a trace: Chinese text has no spaces to keep apart.
    text = _TAG.sub("", _BLOCK_END.sub(" ", _FOOTNOTES.sub("", body_html)))
    return " ".join(html.unescape(text).split())


def summarize(body_html: str, length: int) -> str:
    """The first paragraph's text, cut by characters (Chinese has no spaces to cut at)."""
    m = re.search(r"<p>(.*?)</p>", body_html, re.S)
    text = plain_text(m.group(1) if m else body_html)
    if len(text) <= length:
        return text
    return text[:length].rstrip("，,、；;：: ") + "…"
