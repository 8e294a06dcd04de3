"""The front page as an editor chooses it: the lead story, the secondary stories, and a
block of each street's newest stories.

The editor chooses in `front.yaml` (stories in order, the first leads) or with `featured:`
in a story's front matter (1 leads, 2, 3 … follow); without either, the newest story with a
photo leads and the next newest follow. Pure, but for `load`, which reads front.yaml.
"""

from __future__ import annotations

import hashlib
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

from . import textfiles
from .index import Archive
from .model import Article
from .problems import Problem, error, warning
from .references import closest

FRONT_FILE = "front.yaml"
SECONDARY = 4        # at most this many stories under the lead
STREET_ITEMS = 4     # a street's newest stories in its block
STREETS = "street"   # the taxonomy with a block each

Picks = tuple[tuple[str, int], ...]   # (story as named in front.yaml, its line)


def load(root: Path) -> tuple[Picks, list[Problem]]:
    """front.yaml: a list of stories, each the path of its file (`content/articles/2022/02/a.md`,
    or shorter: `2022/02/a.md`). No file: no picks."""
    file = root / FRONT_FILE
    if not file.exists():
        return (), []
    doc, problem = textfiles.read_yaml(file, FRONT_FILE)
    if doc is None:
        return (), [problem]
    items = doc.data or []
    if not isinstance(items, list):
        return (), [error(FRONT_FILE, 1, "front.yaml must be a list of stories (their files), the lead first")]
    picks, problems = [], []
    first: dict[str, int] = {}   # a story's file -> the line it is first listed on
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            problems.append(error(FRONT_FILE, doc.line(i), "each entry must be a story's file, "
                                  "such as content/articles/2022/02/a.md"))
            continue
        name, source, line = item.strip(), _source(item.strip()), doc.line(i)
        if source in first:
            problems.append(warning(FRONT_FILE, line, "'{name}' is listed twice (first on line {first}): shown once",
                                    name=name, first=first[source]))
            continue
        first[source] = line
        picks.append((name, line))
    if len(picks) > 1 + SECONDARY:   # (said, not dropped without a word: the editor counts on them)
        problems.append(warning(FRONT_FILE, picks[1 + SECONDARY][1], "the front page shows the lead and {n} "
                                "more stories: '{name}' and the ones after it are not shown",
                                n=SECONDARY, name=picks[1 + SECONDARY][0]))
    return tuple(picks), problems


def key(today: date, picks: Picks) -> str:
    """What the first home page is made from beyond the archive: the day (历史上的今天) and
    the editor's picks (rebuild.changes compares it with the last build's)."""
    return hashlib.sha256(f"{today}|{picks!r}".encode()).hexdigest()


def choose(archive: Archive, picks: Picks) -> tuple[dict[str, Any], list[Problem]]:
    """The front page's stories: {"lead", "secondary", "street_blocks"}, and a problem for each
    pick that names no published story."""
    chosen: list[Article] = []
    for name, _ in picks:
        article = _find(archive, name)
        if article is not None and all(article is not other for other in chosen):
            chosen.append(article)
    if not picks:
        featured = [a for a in archive.articles if a.featured]
        # Newest first within one place (sorted is stable; archive.articles is newest first).
        chosen = sorted(featured, key=lambda a: a.featured)
    lead = chosen[0] if chosen else next((a for a in archive.articles if archive.figures.get(a.id)),
                                         archive.articles[0] if archive.articles else None)
    rest = [a for a in chosen[1:] if a is not lead]
    if len(rest) < 2:   # the editor chose fewer than two: the newest stories fill the row
        # (By identity: comparing stories by value reads every field of every story.)
        taken = {id(lead), *map(id, rest)}
        rest += islice((a for a in archive.articles if id(a) not in taken), 3 - len(rest))
    return {"lead": lead, "secondary": tuple(rest[:SECONDARY]),
            "street_blocks": street_blocks(archive)}, unknown(archive, picks)


def unknown(archive: Archive, picks: Picks) -> list[Problem]:
    """A problem for each pick that names no published story. Apart from choose(), which
    passes over every story when none is picked (an edit at 100,000 articles checks the
    picks, and chooses only when the front page may have changed: patches.apply)."""
    problems: list[Problem] = []
    for name, line in picks:
        if _find(archive, name) is not None:
            continue
        # By the file's name, as a link's (whole paths share content/articles/2022/0 and
        # would match any story of the year).
        close = closest(_source(name), [a.source for a in archive.articles])
        if close:
            problems.append(error(FRONT_FILE, line, "no published story '{name}' — did you mean '{hint}'?",
                                  name=name, hint=close))
        else:
            problems.append(error(FRONT_FILE, line, "no published story '{name}'", name=name))
    return problems


def street_blocks(archive: Archive) -> tuple[tuple[Any, tuple[Article, ...]], ...]:
    """Each street with stories (in the registry's order) and its newest STREET_ITEMS."""
    tax = archive.taxonomy(STREETS)
    if tax is None:
        return ()
    return tuple((term, tuple(archive.article_by_id[i] for i in term.articles[:STREET_ITEMS]))
                 for term in tax.terms if term.articles)


def _source(name: str) -> str:
    name = name.lstrip("./")
    if name.startswith("content/"):
        return name
    if name.startswith("articles/"):
        return f"content/{name}"
    return f"content/articles/{name}"


def _find(archive: Archive, name: str) -> Article | None:
    found = archive.article_by_source.get(_source(name))
    return archive.article_by_id.get(found) if found else None
