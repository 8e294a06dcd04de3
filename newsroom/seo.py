"""What search engines and link previews read: JSON-LD objects and absolute links in feeds.

Pure functions: the templates pass in the objects and a function that gives absolute URLs
(from base_url); without base_url the URL fields are simply left out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date
from typing import Any
from urllib.parse import urljoin

from markupsafe import Markup

from .model import Article, Credit, Photo

# JSON inside <script> ends at the first "</script"; escaping <, > and & as \uXXXX (valid
# JSON) means no title or caption can close the element or open a comment.
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_UNSAFE = re.compile("[<>&\u2028\u2029]")
# One encoder for every page's JSON-LD (json.dumps with these options made one per call).
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def json_ld(data: dict[str, Any]) -> Markup:
    """A <script type="application/ld+json"> element that is safe whatever the strings hold."""
    text = _ENCODE(data)
    if _UNSAFE.search(text):
        text = _UNSAFE.sub(lambda m: _SCRIPT_UNSAFE[m.group()], text)
    return Markup(f'<script type="application/ld+json">{text}</script>')


def person(name: str, role: str = "", url: str = "") -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "Person", "name": name}
    if role:
        data["jobTitle"] = role
    if url:
        data["url"] = url
    return data


def publisher(name: str, url: str = "") -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "NewsMediaOrganization", "name": name}
    if url:
        data["url"] = url
    return data


def news_article(article: Article, *, url: str, images: Sequence[str],
                 authors: Sequence[dict[str, Any]], publisher_data: dict[str, Any],
                 sections: Sequence[str] = (), printed: dict[str, str] | None = None) -> dict[str, Any]:
    """schema.org NewsArticle: headline, dates, authors with their role, images, publisher;
    `printed`: printEdition, printPage and printSection where it ran in print."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.summary,
        "datePublished": article.date.isoformat(),
    }
    if article.modified:
        data["dateModified"] = article.modified.isoformat()
    if article.corrections:
        # schema.org's way to say what was corrected, and when.
        data["correction"] = [{"@type": "CorrectionComment", "text": c.text, "datePublished": c.date.isoformat()}
                              for c in article.corrections]
    if url:
        data["url"] = url
        data["mainEntityOfPage"] = {"@type": "WebPage", "@id": url}
    if images:
        data["image"] = list(images)
    data["author"] = list(authors) or [publisher_data]
    data["publisher"] = publisher_data
    if sections:
        data["articleSection"] = list(sections)
    if printed:
        data.update(printed)
    return data


def print_fields(paper: str, day: date, issue: int | None, page: int, section: str) -> dict[str, str]:
    """schema.org's print properties of a NewsArticle, for the first page it ran on."""
    edition = f"{paper} {day.year}年{day.month}月{day.day}日" + (f" 第{issue}期" if issue is not None else "")
    fields = {"printEdition": edition, "printPage": str(page)}
    if section:
        fields["printSection"] = section
    return fields


def image_object(photo: Photo, *, url: str, content_url: str, size: tuple[int, int],
                 creator: dict[str, Any] | None, publisher_data: dict[str, Any]) -> dict[str, Any]:
    """schema.org ImageObject: the caption, who made it and the credit line as printed."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ImageObject",
        "name": photo.title,
        "caption": photo.caption,
        "width": size[0],           # of the file at contentUrl
        "height": size[1],
    }
    if url:
        data["url"] = url
    if content_url:
        data["contentUrl"] = content_url
    if photo.date:
        data["dateCreated"] = photo.date.date().isoformat()
    if creator:
        data["creator"] = creator
    if photo.credit:
        data["creditText"] = photo.credit.text
    data["copyrightHolder"] = publisher_data
    return data


def creator_of(credit: Credit | None, url: str = "") -> dict[str, Any] | None:
    """A registered photographer is a Person; a courtesy line (龙城街道供图) an Organization."""
    if credit is None:
        return None
    if credit.name:
        return person(credit.name, credit.role, url)
    return {"@type": "Organization", "name": credit.text}


_LINK_ATTR = re.compile(r'\b(href|src|poster)="([^"]*)"')
_SRCSET_ATTR = re.compile(r'\bsrcset="([^"]*)"')


def absolute_links(html: str, page_url: str, story_url: str = "") -> str:
    """Every relative href/src/srcset in `html` resolved against `page_url` (for feeds), and
    a link within the page (#fn:1, a footnote) against `story_url`, the story's own address.

    Feed readers show entries away from the site, so a link relative to the page it was
    rendered for would point nowhere.
    """
    def one(link: str) -> str:
        link = link.strip()
        if link.startswith("#") and story_url:
            return story_url.split("#")[0] + link
        if not link or link.startswith(("#", "mailto:", "tel:", "data:")) or re.match(r"^[a-z][a-z0-9+.-]*:", link, re.I):
            return link
        return urljoin(page_url, link)

    def srcset(m: re.Match) -> str:
        parts = []
        for candidate in m.group(1).split(","):
            bits = candidate.strip().split(None, 1)
            if bits:
                parts.append(" ".join([one(bits[0]), *bits[1:]]))
        return f'srcset="{", ".join(parts)}"'

    html = _LINK_ATTR.sub(lambda m: f'{m.group(1)}="{one(m.group(2))}"', html)
    return _SRCSET_ATTR.sub(srcset, html)
