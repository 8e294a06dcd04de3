"""An article's references to other files: the photos it shows (as figures, with this
article's caption and credit) and the article files it links to, each resolved and checked,
with a did-you-mean for a name that is close to a known one.

Pure: the article and what the archive holds in; figures and problems out.
"""

from __future__ import annotations

import difflib
import posixpath
from collections import defaultdict
from collections.abc import Callable, Iterable

from . import links
from .config import Config
from .model import Article, Figure, Photo, PhotoRef
from .photos import resolve_credit
from .problems import Problem, error, warning


def figures(article: Article, photo_by_id: dict[str, Photo], config: Config,
             problems: list[Problem]) -> tuple[Figure, ...]:
    """The photos an article shows, each once, with this article's caption and credit."""
    found = []
    listed: set[str] = set()
    for ref in article.photos:
        photo = photo_by_id.get(ref.file)
        if photo is None:
            hint = closest(ref.file, photo_by_id)
            if hint:
                problems.append(error(article.source, ref.line, "photo '{file}' not found in photos/ — did you "
                                      "mean '{hint}'?", file=ref.file, hint=hint))
            else:
                problems.append(error(article.source, ref.line, "photo '{file}' not found in photos/",
                                      file=ref.file))
            continue
        if ref.file in listed:
            # Shown once: a second listing would repeat the figure and the photo page's 刊登于 entry.
            problems.append(warning(article.source, ref.line, "photo '{file}' is listed twice (shown once)", file=ref.file))
            continue
        listed.add(ref.file)
        credit = photo.credit
        if ref.credit:
            credit = resolve_credit(ref.credit, config,
                                    lambda m, a=article, r=ref, **kw: problems.append(error(a.source, r.line, m, **kw)))
        found.append(Figure(photo.id, ref.caption or photo.caption, credit))
        problems.extend(unlabelled(article, ref, found[-1]))
    return tuple(found)


def link_problems(article: Article, all_sources: set[str], published_sources: set[str],
                   published: bool, now_at: Callable[[str], str | None] = lambda path: None) -> list[Problem]:
    """Links to article files that do not exist (or are not published), and links that are not
    URLs. `now_at`: where the story once in a file is now (moved.finder), for a hint."""
    problems = []
    for href, line in article.links:
        found = links.kind(href)
        if found == links.INVALID:
            problems.append(error(article.source, line, "link '{href}' is not a valid address "
                                  "(check its brackets and spaces)", href=href))
        if found != links.ARTICLE:
            continue
        resolved = links.article_source(article.source, href)
        if resolved is None:
            problems.append(error(article.source, line, "link to '{href}' leads outside the archive folder "
                                  "(link to a file under content/)", href=href))
        elif resolved not in all_sources:
            hint = now_at(resolved) or closest(resolved, all_sources)
            if hint:
                problems.append(error(article.source, line, "link to '{href}': no such article file — did you "
                                      "mean '{hint}'?", href=href,
                                      hint=posixpath.relpath(hint, posixpath.dirname(article.source))))
            else:
                problems.append(error(article.source, line, "link to '{href}': no such article file", href=href))
        elif resolved not in published_sources and published:
            problems.append(warning(article.source, line, "link to '{href}': that article is a draft or "
                                    "scheduled, so the link goes nowhere until it is published", href=href))
    return problems


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known file most like a missing one: another case, a typo in its name, another folder."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for k in known:
        if k.lower() == name.lower():
            return k
        by_name[posixpath.basename(k).lower()].append(k)
    close = difflib.get_close_matches(posixpath.basename(name).lower(), list(by_name), n=1, cutoff=0.75)
    if not close:
        return None
    # Of the files with that name, the one in the nearest folder.
    return max(by_name[close[0]], key=lambda k: (len(posixpath.commonpath([k, name])) if "/" in name else 0, k))


def unlabelled(article: Article, ref: PhotoRef, figure: Figure) -> list[Problem]:
    """A photo shown in an article without a caption or a credit (readers see a bare picture)."""
    sidecar = posixpath.splitext(f"photos/{ref.file}")[0] + ".yaml"
    found = []
    if not figure.caption:
        found.append(warning(article.source, ref.line, "photo '{file}' has no caption "
                             "(add 'caption:' here or to {sidecar})", file=ref.file, sidecar=sidecar))
    if figure.credit is None and not ref.credit:   # a bad credit here is already an error
        found.append(warning(article.source, ref.line, "photo '{file}' has no credit "
                             "(add 'credit:' here or to {sidecar})", file=ref.file, sidecar=sidecar))
    return found
