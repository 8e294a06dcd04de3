"""The parsed content: plain frozen dataclasses, picklable, shared by every stage (an article
from the build cache is filled in when first read: unread.py)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from operator import attrgetter

from .bodies import Body


@dataclass(frozen=True)
class Name:
    """A term as an article names it: 张鹏, with the role this article gives (首席记者)."""

    name: str
    role: str = ""


@dataclass(frozen=True)
class PhotoRef:
    """An article's use of a photo; caption/credit here override the photo's own."""

    file: str
    caption: str = ""
    credit: str = ""
    line: int = 0


@dataclass(frozen=True)
class PrintRef:
    """Where an article says it ran in print (`print:`): a day's edition and one of its pages."""

    date: date                # the edition's day
    page: str                 # a page number ('3') or a page name from editions.yaml ('要闻')
    position: int = 0         # its place on the page (1 = first); 0: not given
    line: int = 0


@dataclass(frozen=True)
class Credit:
    """Who made a photo: a registered photographer (linked) or a courtesy line (text)."""

    text: str                 # as shown: 张鹏 / 龙城街道供图
    name: str = ""            # canonical photographer name when registered, else ""
    role: str = ""


@dataclass(frozen=True)
class Figure:
    """A photo as one article shows it (the article's caption/credit win)."""

    photo: str
    caption: str
    credit: Credit | None


@dataclass(frozen=True)
class Correction:
    """A correction published with an article (更正): when it was made and what it says."""

    date: datetime
    text: str
    line: int = 0


@dataclass(frozen=True)
class Withdrawal:
    """A story taken down: its URL stays, with this notice in place of the body."""

    date: datetime
    reason: str


@dataclass(frozen=True)
class Article:
    source: str               # path relative to the archive root, for messages
    slug: str
    title: str
    date: datetime            # aware, in the site's timezone
    # The body's HTML (body_html): a rebuild loads every cached article but shows few
    # bodies, so one loaded from the cache is read from it when shown (bodies.py).
    body: Body
    summary: str
    terms: dict[str, tuple[Name, ...]] = field(default_factory=dict)
    photos: tuple[PhotoRef, ...] = ()
    date_line: int = 1        # the 'date:' line, for the scheduled (future date) warning
    updated: datetime | None = None
    draft: bool = False
    links: tuple[tuple[str, int], ...] = ()   # Markdown links to other .md files, with their line
    slug_line: int = 1        # the 'slug:' line, or 1 when the slug is the file name
    prints: tuple[PrintRef, ...] = ()   # where it ran in print (printing.py places it)
    aliases: tuple[tuple[str, int], ...] = ()     # old site paths given by hand, with their line
    corrections: tuple[Correction, ...] = ()      # newest first
    withdrawn: Withdrawal | None = None
    origin: str = ""          # 来源 (front matter `source:`); pages show the organisation without it
    editor: str = ""          # 责任编辑, a name from the reporters' registry
    dateline: str = ""        # 本报讯 …, shown only when given
    featured: int = 0         # its place on the front page (1 leads); 0: not chosen

    # The source path; attrgetter, not a function: ids are read hundreds of thousands of
    # times per build.
    id = property(attrgetter("source"))

    @property
    def body_html(self) -> str:
        return self.body.html()

    @property
    def modified(self) -> datetime | None:
        """When the story last changed after it ran: `updated`, or its newest correction."""
        found = [d for d in (self.updated, *(c.date for c in self.corrections)) if d is not None]
        return max(found) if found else None

    def names(self, key: str) -> tuple[Name, ...]:
        return self.terms.get(key, ())

    # An article from the build cache may stand unread (unread.py): it holds a few fields and
    # a shelf that fills in the rest, its own and its group's, when one is first asked for.
    def __getattr__(self, name: str) -> object:
        later = self.__dict__.get("_later")
        if later is None or name.startswith("__"):
            raise AttributeError(name)
        later.load()
        return object.__getattribute__(self, name)

    def __getstate__(self) -> dict:
        if "_later" in self.__dict__:   # pickled whole, never as it stands unread
            self.__dict__["_later"].load()
        return self.__dict__


# An unread article's missing fields must reach __getattr__, not the defaults the dataclass
# left on the class (its __init__ keeps its own copies of them).
for _name in [f.name for f in fields(Article) if f.name in Article.__dict__]:
    delattr(Article, _name)


@dataclass(frozen=True)
class Photo:
    file: str                 # path relative to photos/: 2022/02/night-testing.jpg
    source: str               # path relative to the archive root, for messages
    slug: str
    caption: str
    credit: Credit | None
    width: int                # as displayed (EXIF orientation applied)
    height: int
    digest: str               # hash of the source bytes
    date: datetime | None = None
    terms: dict[str, tuple[Name, ...]] = field(default_factory=dict)

    id = property(attrgetter("file"))

    @property
    def title(self) -> str:
        return self.caption or self.file.rsplit("/", 1)[-1]

    def names(self, key: str) -> tuple[Name, ...]:
        return self.terms.get(key, ())
