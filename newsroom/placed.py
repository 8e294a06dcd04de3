"""Two parses of one article, or of one photo, compared for what the planner reads of them.

Some of what it reads is where in the file a value was found: lines, which only its
messages name ("photo 'x.jpg' not found", at the photo's line). An edit above them (a line
added to the front matter, a paragraph before a link to another story) moves them and
places nothing anywhere else: such a parse is `same_place` as the last, and `same_lines`
says whether the messages' lines are still right (a kept plan whose problems name an
article whose lines moved is made afresh: patches.py).

Of a photo the planner reads everything but its caption, which it copies into its page's
context as its title and into the figures of the stories showing it without a caption of
their own (plancache.retitle puts a new one in), and whose absence it warns of.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from . import urls
from .depends import PLACING
from .model import Article, Photo

_LINES = ("date_line", "slug_line")                 # lines alone
_EACH_LINED = ("photos", "prints", "corrections")   # values that each hold their line
_PAIRED = ("links", "aliases")                      # (value, line) pairs
_UNLINED = tuple(name for name in PLACING if name not in (*_LINES, *_EACH_LINED, *_PAIRED))


def same_place(old: Any, new: Any, but: tuple[str, ...] = ()) -> bool:
    """Two parses of one article file that the planner places and links the same way, the
    lines their values are on aside (and the fields `but`)."""
    if type(old) is not Article or type(new) is not Article:
        return False
    return (all(getattr(old, name) == getattr(new, name) for name in _UNLINED if name not in but)
            and all([dataclasses.replace(v, line=0) for v in getattr(old, name)]
                    == [dataclasses.replace(v, line=0) for v in getattr(new, name)]
                    for name in _EACH_LINED if name not in but)
            and all([v for v, _ in getattr(old, name)] == [v for v, _ in getattr(new, name)] for name in _PAIRED))


def same_lines(old: Article, new: Article) -> bool:
    """Two parses placed alike (`same_place`) whose values are on the same lines too."""
    return all(getattr(old, name) == getattr(new, name) for name in (*_LINES, *_EACH_LINED, *_PAIRED))


_PHOTO_PLACING = tuple(f.name for f in dataclasses.fields(Photo) if f.name != "caption")


def same_photo_place(old: Any, new: Any) -> bool:
    """Two parses of one photo file that differ, if at all, in their caption (one given in both)."""
    return (type(old) is Photo and type(new) is Photo and bool(old.caption) == bool(new.caption)
            and all(getattr(old, name) == getattr(new, name) for name in _PHOTO_PLACING))


def retimed(old: Any, new: Any) -> bool:
    """Two parses of one article file dated another time of the same day (its address the
    same: retiming.py), and placed the same but for that."""
    return (type(old) is Article and type(new) is Article and old.date != new.date
            and urls.article(old) == urls.article(new) and same_place(old, new, but=("date",)))


def redated(old: Any, new: Any) -> bool:
    """Two parses of one article file dated another day (its address moves there: retiming.py),
    placed the same but for that and the days it ran in print (its own, unless it says one)."""
    return (type(old) is Article and type(new) is Article and urls.article(old) != urls.article(new)
            and same_place(old, new, but=("date", "prints"))
            and [(p.page, p.position) for p in old.prints] == [(p.page, p.position) for p in new.prints])


def withdrawn(old: Any, new: Any) -> bool:
    """Two parses of one article file, one withdrawn and the other not (withdrawals.py: taken
    down or put back), placed the same but for that."""
    return (type(old) is Article and type(new) is Article and (old.withdrawn is None) != (new.withdrawn is None)
            and same_place(old, new, but=("withdrawn",)))


_PHOTO_FILED = ("credit", "terms", "date")   # where a photo is filed, and when it is placed


def photo_refiled(old: Any, new: Any) -> bool:
    """Two parses of one photo file filed or dated differently (photofiling.py), the image the
    same, a caption and a credit given in both or in neither."""
    return (type(old) is Photo and type(new) is Photo and bool(old.caption) == bool(new.caption)
            and bool(old.credit) == bool(new.credit)
            and any(getattr(old, name) != getattr(new, name) for name in _PHOTO_FILED)
            and all(getattr(old, name) == getattr(new, name) for name in _PHOTO_PLACING
                    if name not in _PHOTO_FILED))
