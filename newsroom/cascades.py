"""Problems that only follow from another: an article file that could not be read is
reported once, at itself; a site.yaml with a mistake is not also said to have no base_url;
and a scan with an error of its own (too big, unreadable) is not also said to be missing.

Everything else that names it would otherwise also report it missing: the edition file
that lists it ("no such article file", with a did-you-mean pointing at another story),
moved.yaml ("left out: that address answers 404") and every story that links to it. Those
would send an editor after the wrong file; its own error already fails the build.

Pure: the problems and the files that failed in; the problems worth reading out.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Collection, Mapping
from typing import Any

from . import links
from .problems import ERROR, Problem

# The start of each message that names a missing article file, and how to get that file
# from the problem (its path, its values).
_EDITION = "story '{story}': no such article file"
_LINK = "link to '{href}': no such article file"
_MOVED = "{source} was published at /{url} and is now left out"
_NO_BASE_URL = "no base_url:"
_SCAN = "scan '{file}' not found in photos/"


def _named(problem: Problem) -> str | None:
    """The article file a problem says is missing or left out, if it is one of those."""
    template, values = problem.template, dict(problem.params)
    if template.startswith(_EDITION):
        story = str(values.get("story", ""))
        return story if story.startswith("content/") else f"content/articles/{story.lstrip('/')}"
    if template.startswith(_LINK):
        return links.article_source(problem.path, str(values.get("href", "")))
    if template.startswith(_MOVED):
        return str(values.get("source", ""))
    return None


def quiet(problems: list[Problem], failed: Callable[[], Collection[str]]) -> list[Problem]:
    """`problems` without those that only say an article file in `failed()` (asked only when
    an article has an error) is missing, nor that site.yaml has no base_url when it has an error."""
    if any(p.severity == ERROR and p.path == "site.yaml" for p in problems):
        problems = [p for p in problems if not (p.path == "site.yaml" and p.template.startswith(_NO_BASE_URL))]
    broken = {p.path for p in problems if p.severity == ERROR and p.path.startswith("photos/")}
    if broken:   # a scan too big, unreadable, or with a mistake in its sidecar: said there, not "not found"
        problems = [p for p in problems if not (p.template.startswith(_SCAN) and _scan_files(p) & broken)]
    if not any(p.severity == ERROR and p.path.startswith("content/") for p in problems):
        return problems
    gone = failed()
    return [p for p in problems if _named(p) not in gone] if gone else problems


def _scan_files(problem: Problem) -> set[str]:
    """The scan a problem names, and its sidecars."""
    photo = "photos/" + str(dict(problem.params).get("file", ""))
    stem = posixpath.splitext(photo)[0]
    return {photo, stem + ".yaml", stem + ".yml"}


def failed_articles(entries: Mapping[str, Any]) -> set[str]:
    """The article files read but not made into articles (cache.Entry values of None)."""
    return {source for source, entry in entries.items() if entry.value is None}
