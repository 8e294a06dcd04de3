"""What a published file is: its kind (the order it is sent in), content type and caching.

Pure functions of the site-relative path, shared by every publishing target so that a
folder, an SSH host and an object store get the same answers (and the manifest records them).
"""

from __future__ import annotations

import mimetypes
import re

from . import urls

# The order files are sent in: what a page links to is up before the page, pages before the
# lists that link to them, the lists before the feeds, search entry files and sitemap that
# name them. A publish stopped at any point leaves no link to a file that is not there yet.
KINDS = ("media", "articles", "lists", "feeds", "search", "sitemap")

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"   # pages, feeds, search entry files and unhashed assets: 5 minutes

_ITEM_PAGE = re.compile(r"^(\d{4}/\d{2}/\d{2}/[^/]+|" + re.escape(urls.PHOTOS) + r"(?!page/)[^/]+)/index\.html$")
# Pagefind names its index chunks, fragments, filters and metadata by their content's hash.
_HASHED_SEARCH = re.compile(r"^pagefind/.*(/(fragment|index|filter)/[^/]+|\.pf_meta)$")
_SEARCH_ENTRIES = ("pagefind-entry.json", "shards.json")
# Files for the host itself (redirect tables of issue 18's redirects, robots.txt, the sitemap).
_HOST_FILES = (urls.SITEMAP, urls.ROBOTS, "_redirects", "_headers", "redirects.map")

_TYPES = {
    ".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".mjs": "text/javascript",
    ".json": "application/json", ".xml": "application/xml", ".txt": "text/plain", ".svg": "image/svg+xml",
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp",
    ".avif": "image/avif", ".gif": "image/gif", ".tif": "image/tiff", ".tiff": "image/tiff",
    ".heic": "image/heic", ".ico": "image/x-icon", ".wasm": "application/wasm", ".woff2": "font/woff2",
    ".map": "text/plain", ".pdf": "application/pdf",
}
_TEXT = ("text/", "application/json", "application/xml", "application/atom+xml", "image/svg+xml")


def kind(path: str, redirect: str = "") -> str:
    """One of KINDS. A redirect page at an old URL goes with the lists: it links to an article."""
    name = path.rpartition("/")[2]
    if path.startswith(urls.SEARCH_INDEX) and name in _SEARCH_ENTRIES:
        return "search"
    if path in _HOST_FILES:
        return "sitemap"
    if name.endswith(".xml"):
        return "feeds"
    if name.endswith(".html"):
        return "articles" if _ITEM_PAGE.match(path) and not redirect else "lists"
    return "media"


def content_type(path: str) -> str:
    """The Content-Type to serve `path` with; text types say they are UTF-8 (the build writes nothing else)."""
    name = path.rpartition("/")[2]
    ext = "." + name.rpartition(".")[2].lower() if "." in name else ""
    if name == urls.FEED:
        mime = "application/atom+xml"
    elif name.startswith("_") and not ext:   # _redirects, _headers
        mime = "text/plain"
    else:
        mime = _TYPES.get(ext) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"{mime}; charset=utf-8" if mime.startswith(_TEXT) else mime


def cache_control(path: str) -> str:
    """A year and `immutable` for files named by their content's hash; a short max-age for the rest."""
    if path.startswith(urls.MEDIA) or _HASHED_SEARCH.match(path):
        return IMMUTABLE
    return SHORT
