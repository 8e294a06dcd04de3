"""Problems that only follow from another: an article file that could not be read is
reported once, at itself.

Everything else that names it would otherwise also report it missing: the edition file
that lists it ("no such article file", with a did-you-mean pointing at another story),
moved.yaml ("left out: that address answers 404") and every story that links to it. Those
would send an editor after the wrong file; its own error already fails the build.

Pure: the problems and the files that failed in; the problems worth reading out.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from . import links
from .problems import Problem

# The start of each message that names a missing article file, and how to get that file
# from the problem (its path, its values).
_EDITION = "story '{story}': no such article file"
_LINK = "link to '{href}': no such article file"
_MOVED = "{source} was published at /{url} and is now left out"


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


def quiet(problems: list[Problem], failed: Collection[str]) -> list[Problem]:
    """`problems` without those that only say an article file in `failed` is missing."""
    if not failed:
        return problems
    return [p for p in problems if _named(p) not in failed]


def failed_articles(entries: Mapping[str, Any]) -> set[str]:
    """The article files read but not made into articles (cache.Entry values of None)."""
    return {source for source, entry in entries.items() if entry.value is None}
