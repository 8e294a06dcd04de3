"""What a build remembers between runs, under ROOT/.cache/build/<output folder key>/ (never published).

- parsed articles and photos, by path, with the size and mtime they were read at and the
  hash of their bytes: an unchanged file is neither read nor parsed again, and a touched
  but identical file is read and hashed again but keeps its cached result (an article is
  unpickled when a build reads more of it than unread.EAGER);
- each page's fingerprint (a hash of everything it shows), so only pages whose inputs
  changed are rendered again;
- a signature of every input file's size and mtime (signatures.py), so a build with
  nothing changed stops before reading anything.

Every entry is only a shortcut: a missing or unreadable cache gives a full, correct build.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import secrets
import zlib
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from operator import is_not
from pathlib import Path
from typing import Any

from . import bodies, cachedir, keyshards, lazydict, statefiles, unread
from .config import Config
from .lazydict import LazyDict
from .model import Article
from .signatures import stat_key

VERSION = 7   # 2: pages' dependencies as read while rendering; 3: the state in parts (PARTS);
              # 4: articles' bodies beside the shards (bodies.py); 5: readers and values in shards;
              # 6: articles unread until used (unread.py); 7: the pages as columns (pagecolumns.py)


def state_folder(config: Config) -> Path:
    """What a build remembers, per output folder (pages there are compared with it)."""
    return config.cache_dir / "build" / state_key(config.output)


def state_key(output: Path) -> str:
    return hashlib.sha256(os.fsencode(output.resolve())).hexdigest()[:16]


@dataclass
class Entry:
    """One parsed file: the stat it was read at, its bytes' hash, and what parsing gave."""

    stat: tuple
    digest: str
    value: Any
    problems: list


class Entries(dict):
    """Entries by source, made from the last build's (`base`), which says what it replaced:
    `fresh`, the sources whose entry is not base's (read again, or new: `new` of them), in
    this mapping's order. At 100,000 articles, finding them by comparing the two mappings
    took a tenth of a second, several times at every edit (edited.py)."""

    __slots__ = ("base", "fresh", "new")

    def __init__(self, entries: Any, base: dict[str, Entry]) -> None:
        super().__init__(entries)
        self.base, self.fresh, self.new = base, [], 0

    def replaced(self, sources: list[str]) -> None:
        """`sources` (in this mapping's order) are those whose entry is not base's."""
        self.fresh, self.new = sources, sum(source not in self.base for source in sources)


@dataclass
class State:
    """Everything remembered from the last build."""

    settings: str = ""
    articles: dict[str, Entry] = field(default_factory=dict)     # source -> entry
    photos: dict[str, Entry] = field(default_factory=dict)       # source -> entry
    pages: dict[str, str] = field(default_factory=dict)          # output file -> digest of its context
    pages_settings: str = ""                                     # settings the pages were made with
    search: dict[str, str] = field(default_factory=dict)         # searchable page -> hash (search.Indexer)
    slugs: dict[str, str] = field(default_factory=dict)          # name -> slug (pinyin is slow to load)
    # What each page read when it last rendered (depends.encode: object key -> pages and
    # fields), which articles the archive showed, and whether parses newer than those pages
    # were kept since (a check, a failed build): rebuild.py decides from these.
    # (`readers` and `values` as loaded are keyshards.Sharded: read a shard at a time)
    readers: MutableMapping[str, bytes] = field(default_factory=dict)
    page_ids: dict[str, int] = field(default_factory=dict)               # output file -> its id in `readers`
    values: MutableMapping[str, dict[int, str]] = field(default_factory=dict)   # key -> fields -> digest of what was read
    visible: tuple[str, ...] = ()
    scheduled: frozenset[str] = frozenset()
    recheck: bool = False
    # What else the plan was made from (the print editions, the day): while it is the same,
    # an article edited in place leaves every page's context as it was.
    plan_key: str = ""
    plan_token: str = ""     # the archive and plan kept for the next build (plancache.py)
    plan_answers: str = ""   # the inputs it is right for (plancache.key), and until when
    plan_valid_until: float = 0.0
    # Stories retitled by builds that kept that plan -> the title they published (in
    # moved.yaml too: plancache.retitle).
    plan_titles: dict[str, str] = field(default_factory=dict)
    # Every input but the photos' files, as the pages were made (memory.plan_inputs): an edit
    # that changes only photos leaves the context of every page no photo reaches.
    inputs_but_photos: str = ""
    # Each print edition's digest and stories, by date (printing.digests), as the pages were
    # made: an edit that changes a few editions leaves the pages of the others as they were.
    editions: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    # `pages` and `page_ids` in the plan's order (pagecolumns.py), for an edit in place; as
    # loaded, those two are lazydict.LazyDict.
    columns: tuple = ()


SHARDS = 64

# The parts of the state besides the parsed files, each in a file of its own, written only
# when it changed: an edit at 100,000 articles changes an entry or two of one or two of them,
# and rewriting them all (166 MB) was most of its save. pages.pickle, written last, names the
# files that hold them, so a build killed while saving leaves the last state whole. The build
# replaces a part when it changes it, never changes one in place (rebuild.py): the part as
# loaded is what the file holds. They hold only str, bytes, int, and dicts and tuples of
# them, so they are marshalled, not pickled (_save_part): read as fast, but written 3-14
# times faster, as pickle memoises every object it writes (an edit's save at 100,000
# articles: 0.53 s -> 0.41 s).
PARTS = frozenset({"pages", "search", "slugs", "readers", "page_ids", "values", "visible", "editions", "columns"})
SHARDED = frozenset({"readers", "values"})   # in keyshards.SHARDS files each, by key
LAZY = frozenset({"pages", "page_ids"})      # unmarshalled when first used (lazydict.py)
PART_FILES = "state-*"
BODY_FILES = "bodies-*.bin"   # each shard's articles' bodies (bodies.py), named in the shard


class Store:
    """`State` on disk: parsed files in SHARDS pickles (by path), so an edit rewrites one
    small shard rather than every parsed article; pages and settings in one more file; the
    last good build's signature in a small one, read first, so that a build with nothing
    to do reads a few bytes, not every parsed article.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.head = folder / "head.pickle"
        self._loaded: dict[str, dict] = {}   # shard file name -> what it held (the same objects)
        self._parts: dict[str, tuple[Any, Any]] = {}   # part -> (its file or files, what it held)
        self._articles: dict[str, Entry] | None = None   # the articles' entries the shards hold
        self.damaged: Path | None = None     # a file found damaged: what was remembered is not used
        self.lost: Path | None = None        # a file of bodies found damaged while saving (_save_bodies)

    def load(self, until: Callable[[], bool] = lambda: False) -> State:
        """The last build's state; an empty one if anything is missing or damaged, or if
        `until()` says, before a part is read, that it is no longer needed."""
        meta = self.load_pages(until)
        if meta.get("version") != VERSION:
            return State()
        state = State(settings=meta["settings"], pages_settings=meta["pages_settings"],
                      scheduled=meta.get("scheduled", frozenset()), recheck=meta.get("recheck", True),
                      plan_key=meta.get("plan_key", ""), plan_token=meta.get("plan_token", ""),
                      plan_answers=meta.get("plan_answers", ""), plan_valid_until=meta.get("plan_valid_until", 0.0),
                      plan_titles=meta.get("plan_titles", {}), inputs_but_photos=meta.get("inputs_but_photos", ""),
                      **{name: meta[name] for name in PARTS})
        for n in range(SHARDS):
            if until():
                return State()
            shard = self._read(f"parsed-{n:02d}.pickle")
            if not isinstance(shard, dict) or not self._bodies_whole(shard):
                return State()
            try:
                shard["articles"] = unread.loaded(shard["articles"], Entry)
            except (KeyError, TypeError, ValueError, IndexError):   # not as this version keeps them
                return State()
            state.articles.update(shard["articles"])
            state.photos.update(shard["photos"])
            self._loaded[f"parsed-{n:02d}.pickle"] = shard
        self._articles = state.articles
        return state

    def load_pages(self, until: Callable[[], bool] = lambda: False) -> dict[str, Any]:
        """What was remembered besides the parsed files (pages, search), as saved; nothing if
        a part is missing or damaged (or `until()`, as for load)."""
        meta = self._read("pages.pickle")
        if not isinstance(meta, dict) or not isinstance(meta.get("parts"), dict):
            return {}
        for name, file in meta["parts"].items():
            if until():
                return {}
            value = (self._read_shards(file) if name in SHARDED else self._read_lazy(file) if name in LAZY
                     else self._read(file))
            if value is None:
                return {}
            meta[name] = value
            self._parts[name] = (file, value)
        return meta if PARTS <= meta.keys() else {}

    def _read_shards(self, files: list[str]) -> keyshards.Sharded | None:
        """A sharded part (SHARDED): every shard's file read and checked now, its entries made
        when used. None if a file is missing, from another version, or damaged."""
        raw = []
        for name in files:
            data = statefiles.unsealed(self.folder / name, statefiles.MARSHALLED)
            if data is statefiles.DAMAGED:
                self.damaged = self.damaged or self.folder / name
            if data is None or data is statefiles.DAMAGED:
                return None
            raw.append(data)
        return keyshards.Sharded.loaded(raw, files) if len(raw) == keyshards.SHARDS else None

    def _read_lazy(self, name: str) -> LazyDict | None:
        """A part in LAZY: its file read and checked now, its dict made when used."""
        data = statefiles.unsealed(self.folder / name, statefiles.MARSHALLED)
        if data is statefiles.DAMAGED:
            self.damaged = self.damaged or self.folder / name
        return None if data is None or data is statefiles.DAMAGED else LazyDict(data)

    def _bodies_whole(self, shard: dict) -> bool:
        """The file of the shard's bodies is there, as long as written (a body read from it is
        checked against its hash: bodies.py)."""
        if shard.get("bodies") is None:   # no articles in it
            return True
        name, size = shard["bodies"]
        if (stat_key(self.folder / name) or (-1,))[0] == size:
            return True
        self.damaged = self.damaged or self.folder / name
        return False

    def _read(self, name: str) -> Any:
        """A file's value; None if it is missing, from another version, or damaged (the
        first damaged one is kept in `damaged`, to be reported)."""
        value = statefiles.load(self.folder / name)
        if value is statefiles.DAMAGED:
            self.damaged = self.damaged or self.folder / name
            return None
        return value

    def save(self, state: State) -> None:
        self.save_parsed(state)
        parts = {name: (self._sharded_part if name in SHARDED else self._part)(name, getattr(state, name))
                 for name in PARTS}
        statefiles.save(self.folder / "pages.pickle", {"version": VERSION, "settings": state.settings,
                                                       "pages_settings": state.pages_settings,
                                                       "scheduled": state.scheduled, "recheck": state.recheck,
                                                       "plan_key": state.plan_key, "plan_token": state.plan_token,
                                                       "plan_answers": state.plan_answers,
                                                       "plan_valid_until": state.plan_valid_until,
                                                       "plan_titles": state.plan_titles,
                                                       "inputs_but_photos": state.inputs_but_photos, "parts": parts})
        named = {file for value in parts.values() for file in ([value] if isinstance(value, str) else value)}
        for file in self.folder.glob(PART_FILES):   # replaced: pages.pickle no longer names them
            if file.name not in named:
                file.unlink(missing_ok=True)
        kept = {(shard.get("bodies") or ("",))[0] for shard in self._loaded.values()}
        for file in self.folder.glob(BODY_FILES):   # replaced: no shard names them
            if file.name not in kept:
                file.unlink(missing_ok=True)

    def save_parsed(self, state: State) -> None:
        """The parsed files' shards changed since they were loaded or saved (the first part
        of `save`, which a cold build does while the rest of its state is digested)."""
        for n, shard in enumerate(self._shards(state)):
            name = f"parsed-{n:02d}.pickle"
            if shard is not self._loaded.get(name) or not (self.folder / name).exists():
                shard["bodies"] = self._save_bodies(n, shard["articles"])
                statefiles.save(self.folder / name, {**shard, "articles": unread.stored(shard["articles"])})
                self._loaded[name] = shard
        self._articles = state.articles

    def first(self) -> bool:
        """Whether no build state is here (a first build): the parsed files may then be saved
        before the build ends (`saved_early`), as none is used without pages.pickle."""
        return not self._loaded and not self._parts and not (self.folder / "pages.pickle").exists()

    def saved_early(self, state: State) -> dict[str, Any]:
        """save_parsed(state) in a process of its own (forked after the read stage of a first
        build, while the index and plan keep one core): what `adopt` needs of it here."""
        self.save_parsed(state)
        return {"bodies": {name: shard["bodies"] for name, shard in self._loaded.items()},
                "where": {source: entry.value.body.where for source, entry in state.articles.items()
                          if type(entry.value) is Article},
                "held": {name: len(shard["articles"]) for name, shard in self._loaded.items()}}

    def adopt(self, state: State, early: dict[str, Any] | None) -> None:
        """Take the parsed files saved by `saved_early` as saved by this process, if they are
        this state's (each body now read from where it was saved, as save_parsed leaves it)."""
        if early is None:   # (its process was killed)
            return
        shards = _sharded(state)
        names = [f"parsed-{n:02d}.pickle" for n in range(SHARDS)]
        if early["held"] != {name: len(shard["articles"]) for name, shard in zip(names, shards, strict=True)} \
                or early["where"].keys() != {source for source, entry in state.articles.items()
                                             if type(entry.value) is Article}:
            return   # (an entry left out of a shard: a damaged body; saved again at the end)
        for source, where in early["where"].items():
            state.articles[source].value.body.stored_at(*where)
        for name, shard in zip(names, shards, strict=True):
            shard["bodies"] = early["bodies"][name]
            self._loaded[name] = shard
        self._articles = state.articles

    def _shards(self, state: State) -> list[dict[str, Any]]:
        """The shards to save: each as loaded (the very dict) where it holds the very entries
        it was loaded with (a file read again gets a new Entry), else made anew. Only the
        files added are placed by their hash: placing 100,000 at every save was a quarter of
        an edit's save at 100,000 articles."""
        loaded = [self._loaded.get(f"parsed-{n:02d}.pickle") for n in range(SHARDS)]
        if any(shard is None for shard in loaded):
            return _sharded(state)
        changed: set[int] = set()
        added: dict[str, set[str]] = {}
        for kind in ("articles", "photos"):
            now, found = getattr(state, kind), 0
            if kind == "articles" and type(now) is Entries and now.base is self._articles \
                    and now.new == 0 and len(now) == len(now.base):
                changed.update(map(_shard_of, now.fresh))   # files read again, none added or gone
                continue
            for n, shard in enumerate(loaded):
                found += len(shard[kind].keys() & now.keys())
                if any(map(is_not, map(now.get, shard[kind].keys()), shard[kind].values())):
                    changed.add(n)   # an entry gone or parsed again (compared in C: 100,000 at every save)
            if found != len(now):
                added[kind] = now.keys() - set().union(*(shard[kind] for shard in loaded))
                changed.update(map(_shard_of, added[kind]))
        return [self._remade(state, shard, n, added) if n in changed else shard for n, shard in enumerate(loaded)]

    @staticmethod
    def _remade(state: State, shard: dict[str, Any], n: int, added: dict[str, set[str]]) -> dict[str, Any]:
        """Shard `n` as it is now: its entries still there, the added files that fall in it."""
        made: dict[str, Any] = {}
        for kind in ("articles", "photos"):
            now = getattr(state, kind)
            entries = {source: now[source] for source in shard[kind] if source in now}
            entries.update((source, now[source]) for source in added.get(kind, ()) if _shard_of(source) == n)
            made[kind] = entries
        return made

    def _save_bodies(self, n: int, entries: dict[str, Entry]) -> tuple[str, int] | None:
        """Write the bodies of a shard's articles to a new file, which they are read from from
        now on: (its name, its size). An article whose body was damaged in the cache is left
        out of the shard, so the next build reads its file again (`lost` names the damage)."""
        found = {source: entry.value.body for source, entry in entries.items() if type(entry.value) is Article}
        if not found:
            return None
        file = cachedir.folder(self.folder) / BODY_FILES.replace("*", f"{n:02d}-{secrets.token_hex(6)}")
        size = bodies.write(file, list(found.values()))
        for source, body in found.items():
            if body.file != str(file):
                del entries[source]
                self.lost = self.lost or Path(body.file)
        return file.name, size

    def _part(self, name: str, value: Any) -> str:
        """The file holding `value`: the one it was loaded from if it is the same, else a new one."""
        file, before = self._parts.get(name, ("", None))
        if before is None or (before is not value and before != value) or not (self.folder / file).is_file():
            file = PART_FILES.replace("*", f"{name}-{secrets.token_hex(6)}.marshal")
            statefiles.save_part(self.folder / file, lazydict.loaded(value))
            self._parts[name] = (file, value)
        return file

    def _sharded_part(self, name: str, value: Any) -> list[str]:
        """The files holding a sharded part: those it was loaded from, and new ones for the
        shards changed since (or never saved, or whose file is gone)."""
        sharded = keyshards.Sharded.of(value)
        gone = frozenset(n for n, file in enumerate(sharded.files) if file and not (self.folder / file).is_file())
        written = {}
        for n, entries in sharded.to_write(gone).items():
            written[n] = PART_FILES.replace("*", f"{name}-{n:02d}-{secrets.token_hex(6)}.marshal")
            statefiles.sealed(self.folder / written[n], statefiles.MARSHALLED, lambda out, e=entries: out.write(marshal.dumps(e)))
        sharded.saved(written)
        self._parts[name] = (sharded.files, sharded)
        return sharded.files

    def forget(self) -> None:
        """Let go of what was loaded (a state not used, from other settings): the next save
        writes every file, and the old state is not kept in memory through a whole build."""
        self._loaded, self._parts, self._articles = {}, {}, None

    def load_head(self) -> dict[str, Any]:
        head = self._read(self.head.name)
        return head if isinstance(head, dict) else {}

    def save_head(self, head: dict[str, Any]) -> None:
        statefiles.save(self.head, head)


def _shard_of(source: str) -> int:
    return zlib.crc32(source.encode()) % SHARDS


def _sharded(state: State) -> list[dict[str, Any]]:
    """Every parsed file's entry, in its shard."""
    shards: list[dict[str, Any]] = [{"articles": {}, "photos": {}} for _ in range(SHARDS)]
    for kind in ("articles", "photos"):
        for source, entry in getattr(state, kind).items():
            shards[_shard_of(source)][kind][source] = entry
    return shards


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
