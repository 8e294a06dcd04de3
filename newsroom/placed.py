"""Two parses of one article compared for what the planner reads of them (depends.PLACING).

Some of what it reads is where in the file a value was found: lines, which only its
messages name ("photo 'x.jpg' not found", at the photo's line). An edit above them (a line
added to the front matter, a paragraph before a link to another story) moves them and
places nothing anywhere else: such a parse is `same_place` as the last, and `same_lines`
says whether the messages' lines are still right (a kept plan whose problems name an
article whose lines moved is made afresh: patches.py).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .depends import PLACING
from .model import Article

_LINES = ("date_line", "slug_line")                 # lines alone
_EACH_LINED = ("photos", "prints", "corrections")   # values that each hold their line
_PAIRED = ("links", "aliases")                      # (value, line) pairs
_UNLINED = tuple(name for name in PLACING if name not in (*_LINES, *_EACH_LINED, *_PAIRED))


def same_place(old: Any, new: Any, but: str = "") -> bool:
    """Two parses of one article file that the planner places and links the same way, the
    lines their values are on aside (and the field `but`, if named)."""
    if type(old) is not Article or type(new) is not Article:
        return False
    return (all(getattr(old, name) == getattr(new, name) for name in _UNLINED if name != but)
            and all([dataclasses.replace(v, line=0) for v in getattr(old, name)]
                    == [dataclasses.replace(v, line=0) for v in getattr(new, name)] for name in _EACH_LINED)
            and all([v for v, _ in getattr(old, name)] == [v for v, _ in getattr(new, name)] for name in _PAIRED))


def same_lines(old: Article, new: Article) -> bool:
    """Two parses placed alike (`same_place`) whose values are on the same lines too."""
    return all(getattr(old, name) == getattr(new, name) for name in (*_LINES, *_EACH_LINED, *_PAIRED))
