"""Chinese text as search words that match exactly what a reader types.

Pagefind's extended build splits Chinese into words with one dictionary (jieba) when it
indexes and with another (the browser's Intl.Segmenter) when it reads a query, and the two
disagree: 坂田 becomes 坂 + 田 in some sentences, so a search for 坂田 missed stories with
坂田 in the title. Names the archive knows are rarely in either dictionary.

So no dictionary is used. Every run of Han characters c1 c2 … cn is indexed as the words
c1c2, c2c3, …, c(n-1)cn, cn — each pair of neighbours, and the last character alone — each
spelt in ASCII (`z` and four hex digits per UTF-16 unit), which neither segmenter splits.
templates/static/search.js spells a query the same way and asks Pagefind for the pairs as
one exact phrase, i.e. consecutive: a page matches exactly when its text contains what was
typed, whatever the word. A single character is a prefix of the words starting with it.
The page's text is read back from the index by undoing the spelling (search.js).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

# CJK ideographs: Extension A, the unified block, compatibility ideographs, Extensions B–H.
# The same ranges are in templates/static/search.js (HAN).
HAN = re.compile("([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+)")


def spell(text: str) -> str:
    """Han text in ASCII: four hex digits per UTF-16 unit (as JavaScript sees the string)."""
    return text.encode("utf-16-be").hex()


_SEPARATOR = "\x01"           # between runs spelt together: not Han, so never in one
_AT_SEPARATOR = re.compile("0001 z0001[0-9a-f]{4}")   # a run's last pair into the next run


def _pairs(runs: list[str]) -> list[str]:
    """Each run as " zc1c2 zc2c3 … zcn ": all runs spelt at once, from two hex strings of
    the same UTF-16 bytes offset by one unit, whose pairs interleave (one call per run was
    most of the time a copy took)."""
    data = _SEPARATOR.join(runs).encode("utf-16-be")
    spelt: list[str | None] = [None] * (len(data) // 2)
    spelt[0::2] = data.hex(" ", -4).split(" ")       # c1c2, c3c4, …
    if len(spelt) > 1:
        spelt[1::2] = data[2:].hex(" ", -4).split(" ")   # c2c3, c4c5, …
    joined = _AT_SEPARATOR.sub(" " + _SEPARATOR, " z" + " z".join(spelt) + " ")
    return joined.split(_SEPARATOR)


def words(text: str) -> str:
    """`text` as index words: Han runs spelt as pairs; anything else as it was."""
    parts = HAN.split(text)   # text, run, text, run, …, text
    if len(parts) > 1:
        parts[1::2] = _pairs(parts[1::2])
    return "".join(parts)


def names_text(names: Iterable[str]) -> str:
    """The words for names a page is filed under (street, aliases, reporters, tags)."""
    return " ， ".join(words(name) for name in dict.fromkeys(names))


# What a page looks like to Pagefind: the tags of our own templates (well-formed, sanitised).
_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.S)
_NAME = re.compile(r"</?([a-zA-Z][\w-]*)")
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
# Elements whose text Pagefind does not index, or reads as a value (kept as written).
_KEEP = re.compile(r"data-pagefind-(?:ignore|filter|meta|sort)|^<(?:script|style|template)\b")
_ALT = re.compile(r'(\balt=")([^"]*)(")')
_FILED = re.compile(r'data-pagefind-filter="(?:street|reporter|tag)">([^<]*)<')
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)
# The names a page is filed under follow this word (search.js shows the text before it), and
# weigh less than its text: a story that mentions 坂田 ranks above a photo only filed there.
FILED = "zzzz"
FILED_WEIGHT = 0.1


def page_for_index(html: str, aliases: dict[str, tuple[str, ...]]) -> str:
    """The copy of a rendered page that Pagefind indexes: the searchable text spelt as pairs
    (see `words`), the page's title kept as written for the results, and the names the page
    is filed under (with their registry aliases) added, so that a search for a street,
    reporter or tag finds what is filed under it. The rest of the page is left out (`_frame`)."""
    at = html.find("data-pagefind-body")
    if at < 0:
        return html
    start = html.rfind("<", 0, at)
    title = _H1.search(html)
    filed = [name for value in _FILED.findall(html) for name in (value, *aliases.get(value, ()))]
    out: list[str] = []
    stack: list[bool] = []   # for each open element: is its text kept as written?
    pos = start
    while (match := _TAG.search(html, pos)) is not None:
        text = html[pos:match.start()]
        out.append(text if text.isascii() or (stack and stack[-1]) else words(text))
        tag, pos = match.group(0), match.end()
        name = _NAME.match(tag)
        if name is None:        # a comment or doctype
            out.append(tag)
        elif tag.startswith("</"):
            if stack:
                stack.pop()
            if not stack:       # the end of the searchable element
                out.append(f'<p data-pagefind-weight="{FILED_WEIGHT}">{FILED} {names_text(filed)}</p>{tag}')
                break
            out.append(tag)
        else:
            keep = bool(stack and stack[-1]) or bool(_KEEP.search(tag))
            out.append(tag if keep or 'alt="' not in tag else _ALT.sub(lambda m: m[1] + words(m[2]) + m[3], tag))
            if not stack and title:   # just inside the searchable element
                out.append(f'<div hidden data-pagefind-ignore><span data-pagefind-meta="title">'
                           f"{title.group(1)}</span></div>")
            if name.group(1).lower() in _VOID or tag.endswith("/>"):
                continue
            end = _end_of(html, name.group(1), pos) if keep and stack and not stack[-1] else None
            if end is not None:   # kept as written, all of it: its tags need not be walked
                out.append(html[pos:end])
                pos = end
                continue
            stack.append(keep)
    head, tail = _frame(html, start, pos)
    return "".join([head, *out, tail])


@functools.cache
def _same_name(name: str) -> re.Pattern[str]:
    return re.compile(rf"<(/?){re.escape(name)}(?=[\s/>])[^>]*?(/?)>", re.I)   # (not <p-x> for <p>)


def _end_of(html: str, name: str, pos: int) -> int | None:
    """Where the element `name` whose opening tag ends at `pos` ends (after its closing
    tag), by its nested namesakes; None if it is not closed."""
    depth = 1
    for match in _same_name(name).finditer(html, pos):
        if match.group(1):
            depth -= 1
            if not depth:
                return match.end()
        elif not match.group(2):
            depth += 1
    return None


_HTML = re.compile(r"<html\b[^>]*>", re.I)
_TITLE = re.compile(r"<title\b[^>]*>.*?</title>", re.S | re.I)


def _frame(html: str, start: int, end: int) -> tuple[str, str]:
    """What the copy keeps of the page before and after its searchable element
    html[start:end]: only the <html> tag (its lang chooses Pagefind's language) and the
    <title>, unless the page marks something there for Pagefind (a theme's meta or filter),
    when all of it is kept. Pagefind indexes nothing else there, but parses all it is given:
    the header, navigation and lists of other stories were a tenth of its time."""
    head, tail = html[:start], html[end:]
    if "data-pagefind-" in head or "data-pagefind-" in tail:
        return head, tail
    opening, title = _HTML.search(head), _TITLE.search(head)
    return (f"<!DOCTYPE html>{opening[0] if opening else '<html>'}<head><meta charset=utf-8>"
            f"{title[0] if title else ''}</head><body>", "</body></html>")


def indexed_part(copy: str) -> str:
    """What Pagefind reads of a copy made by `page_for_index`: its searchable element, the
    names after it included (the rest of the page, links to other stories and all, is not
    indexed: a page whose searchable part is unchanged need not be indexed again)."""
    at = copy.find("data-pagefind-body")
    filed = copy.find(f'<p data-pagefind-weight="{FILED_WEIGHT}">{FILED} ', at)
    if at < 0 or filed < 0:
        return copy
    end = copy.find(">", copy.find("</p>", filed) + 4)
    return copy[copy.rfind("<", 0, at):end + 1]

