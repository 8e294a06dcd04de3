"""Links written in an article's body: what each form names, resolved in one place.

An editor may write a link to another article's file in any of the ways a file can be
named — relative to the article (`../02/a.md`), from the archive (`content/articles/…/a.md`,
`/content/articles/…/a.md`), with Windows separators (`..\\02\\a.md`), %-escaped, with a
`#fragment` or `?query` — and a link to a page of the site by its path (`/2022/02/21/a/`).
Parsing (markup.py), the checks (index.py, stages.py), the page fingerprints (depends.py)
and rendering (render.py) all resolve them here, so they can never disagree.
"""

from __future__ import annotations

import difflib
import posixpath
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from .model import Article
from .problems import Problem, error, warning

ARTICLE = "article"    # a link to an article's .md file
SITE = "site"          # a site-absolute path: /2022/02/21/slug/
OTHER = "other"        # anything else: another site, mailto:, #fragment, a relative page link
INVALID = "invalid"    # not a URL at all (http://[x)


def kind(href: str) -> str:
    """What a link as written in Markdown leads to."""
    try:
        parts = urlsplit(href.strip().replace("\\", "/"))
    except ValueError:
        return INVALID
    if parts.scheme or parts.netloc:
        return OTHER
    path = unquote(parts.path)
    if path.lower().endswith((".md", ".markdown")):
        return ARTICLE
    if path.startswith("/") and not path.startswith("//"):
        return SITE
    return OTHER


def split(href: str) -> tuple[str, str]:
    """(the path, %-decoded and with '/' separators; '#fragment' or '') of a link that is not INVALID."""
    parts = urlsplit(href.strip().replace("\\", "/"))
    return unquote(parts.path), f"#{parts.fragment}" if parts.fragment else ""


def article_source(source: str, href: str) -> str | None:
    """The archive path (content/articles/…/a.md) of the file a link in `source` names, or
    None when it leads outside the archive folder."""
    path, _ = split(href)
    if path.startswith("/"):
        path = path.lstrip("/")                                    # from the archive folder
    elif not path.startswith("content/"):
        path = posixpath.join(posixpath.dirname(source), path)     # from the article's folder
    path = posixpath.normpath(path)
    return None if path == ".." or path.startswith("../") else path


def site_path(href: str) -> str:
    """The output path a site-absolute link names, as pages.Page.path spells it ('2022/02/21/a/')."""
    path, _ = split(href)
    return posixpath.normpath(path).lstrip("/") + ("/" if path.endswith("/") and path != "/" else "")


def site_problems(published: Iterable[Article], waiting: dict[str, str], planned: Iterable[str]) -> list[Problem]:
    """Links to a site path (/2022/02/21/a/) that no page of this build has.

    Only page-like paths are checked (a folder, .html, no extension): files such as
    /static/… and /media/… are made by other stages. A path in `waiting` (page path -> file
    of an article not published in this build: a draft, a scheduled story) is a warning, as
    is a link to its file.
    """
    pages = set(planned)
    problems = []
    for article in published:
        for href, line in article.links:
            if kind(href) != SITE:
                continue
            path = site_path(href)
            if path in pages or not _page_like(path):
                continue
            if path in waiting:
                problems.append(warning(article.source, line, "link to '{href}': that article ({file}) is a draft "
                                        "or scheduled, so the link goes nowhere until it is published",
                                        href=href, file=waiting[path]))
                continue
            close = difflib.get_close_matches(path, sorted(pages), n=1, cutoff=0.8)
            if close:
                problems.append(error(article.source, line, "link to '{href}': this site has no page there "
                                      "— did you mean '/{hint}'?", href=href, hint=close[0]))
            else:
                problems.append(error(article.source, line, "link to '{href}': this site has no page there "
                                      "(to link to an article, give its file: ../02/slug.md)", href=href))
    return problems


def _page_like(path: str) -> bool:
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return path.endswith("/") or path == "" or name.endswith(".html") or "." not in name
