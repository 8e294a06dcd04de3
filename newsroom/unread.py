"""Parsed articles kept unread in the build cache until a build reads more of one than it links by.

An edit unpickled every parsed article of the archive (0.1 s of one at 10,000 articles, 1.3 s
at 100,000), yet reads only a few fields of nearly all of them: the kept plan refers to every
article, the next scheduled story is found by its date, links are made of dates and slugs, a
deleted story is looked for among the links, and the front page's stories by `featured`.
So each shard of the parse cache (cache.py) keeps those fields (EAGER) of its articles beside
the articles whole, pickled in SHELVES groups. Loaded, each article is an `Article` that holds
only those fields and its group's `Shelf`; the first time another field of one of them is
read, the shelf unpickles its group and fills each of them in (model.Article.__getattr__).
Each article stays the one object that the state, the kept plan and the archive refer to.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Callable
from typing import Any, TypeVar

from .model import Article

EAGER = ("source", "date", "slug", "links", "featured")
# Groups a shard's articles are pickled in, by the top bits of a CRC-32 of their source (the
# cache picks their shard by the bottom ones). A page lists stories from anywhere in the
# archive: an edit that renders a few lists reads a few hundred articles, which whole shards
# (1/64 of the archive each) nearly all held.
GROUP_BITS = 5
SHELVES = 1 << GROUP_BITS

T = TypeVar("T")


class Shelf:
    """The pickled articles of one group, and those of them still unread."""

    __slots__ = ("data", "unread")

    def __init__(self, data: bytes) -> None:
        self.data: bytes | None = data
        self.unread: list[Article] = []

    def load(self) -> None:
        """Fill in every unread article of the group (once)."""
        if self.data is None:
            return
        whole = pickle.loads(self.data)
        self.data = None
        for article in self.unread:
            fields = article.__dict__
            del fields["_later"]
            fields.update(whole[fields["source"]].__dict__)
        self.unread = []


def stored(entries: dict[str, Any]) -> dict[str, Any]:
    """A shard's entries (cache.Entry by source) as the cache keeps them: each one's stat,
    digest, problems and, for an article, its group and EAGER fields; the articles whole,
    pickled by group."""
    groups: list[list[tuple[str, Article]]] = [[] for _ in range(SHELVES)]
    heads = {}
    for source, entry in entries.items():
        head = None
        if type(entry.value) is Article:
            group = zlib.crc32(source.encode()) >> (32 - GROUP_BITS)
            groups[group].append((source, entry.value))
            head = (group, *(getattr(entry.value, name) for name in EAGER))
        heads[source] = (entry.stat, entry.digest, entry.problems, head)
    return {"heads": heads, "shelves": [pickle.dumps(dict(group), protocol=pickle.HIGHEST_PROTOCOL)
                                        for group in groups]}


def loaded(kept: dict[str, Any], entry: Callable[[Any, str, Article | None, list], T]) -> dict[str, T]:
    """`stored`'s entries back, as source -> entry(stat, digest, article or None, problems),
    each article unread."""
    shelves = [Shelf(data) for data in kept["shelves"]]
    unread = [shelf.unread.append for shelf in shelves]
    new, found = object.__new__, {}
    # (100,000 articles at every edit: the fields by name, not zipped with EAGER, 0.31 -> 0.20 s)
    for source, (stat, digest, problems, head) in kept["heads"].items():
        article = None
        if head is not None:
            article = new(Article)
            group, source_, date, slug, links, featured = head   # EAGER's order
            article.__dict__.update(source=source_, date=date, slug=slug, links=links, featured=featured,
                                    _later=shelves[group])
            unread[group](article)
        found[source] = entry(stat, digest, article, problems)
    return found
