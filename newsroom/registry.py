"""Registries (streets.yaml, reporters.yaml): the canonical names a taxonomy accepts.

A name not in the registry is an error with a "did you mean" hint, so a typo never
silently creates a new page. Aliases resolve to the canonical entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import textfiles
from .names import compact, is_text, normalize
from .problems import Problem, error, unknown_field
from .slugs import clean_slug, slugify


@dataclass(frozen=True)
class Entry:
    name: str
    # The slug the registry gives; "": the name's pinyin, made where pages are planned
    # (index.py), so a build that plans nothing (no change, a kept plan) never loads pypinyin.
    slug: str
    description: str = ""
    role: str = ""
    aliases: tuple[str, ...] = ()
    old_names: tuple[str, ...] = ()   # what it was called before: still accepted, with a warning
    old_slugs: tuple[str, ...] = ()   # its earlier URLs' slugs, as given: they redirect to the current one
    line: int = 0

    def earlier_slugs(self, slug_of: Callable[[str], str] = slugify) -> tuple[str, ...]:
        """Its earlier URLs' slugs: those given, and each old name's pinyin (`slug_of`) where
        the slug is the name's pinyin (renaming such an entry changed its URL)."""
        pinyin = () if self.slug else tuple(slug_of(name) for name in self.old_names)
        return tuple(dict.fromkeys((*self.old_slugs, *pinyin)))


ENTRY_FIELDS = {"name", "slug", "description", "role", "aliases", "old_names", "old_slugs"}


@dataclass(frozen=True)
class Registry:
    path: str
    entries: tuple[Entry, ...] = ()
    _by_key: dict[str, Entry] = field(default_factory=dict, compare=False, repr=False)
    # The file could not be read (its own error says why): no name is reported unknown against
    # it, or one tab in streets.yaml buried its error under one per story filed by street.
    unread: bool = False

    def lookup(self, name: str) -> Entry | None:
        return self._by_key.get(compact(name))

    def renamed(self, name: str) -> Entry | None:
        """The entry a name used to be (an old name that is no longer a current name or alias)."""
        entry = self.lookup(name)
        if entry is None or compact(name) in {compact(n) for n in (entry.name, *entry.aliases)}:
            return None
        return entry

    def suggest(self, name: str) -> str | None:
        """The registered name `name` is most likely a slip for, or None when none is close.

        Only a near spelling counts: a wrong hint is worse than none (an editor who follows it
        files the story under the wrong street). Near means the same sound (张朋, 板田街道:
        the usual slip of a pinyin input method; 'zhangpeng' too), a registered name or alias
        begun or extended (坂田街, 坂田社区) when only one fits, or a few characters off for
        the length (fewer than one in four: 龙岗街道 is a street of its own, not a slip for
        龙城街道). 平湖街道 is not near 龙城街道 either: they share only 街道.
        """
        key = compact(name)
        if not key:
            return None
        candidates = {compact(a): e.name for e in self.entries for a in (e.name, *e.aliases)}
        sound = _sound(key)
        for cand, canonical in candidates.items():
            if sound and _sound(cand) == sound:
                return canonical
        if len(key) >= 2:
            begun = {canonical for cand, canonical in candidates.items()
                     if len(cand) >= 2 and (cand.startswith(key) or key.startswith(cand))}
            if len(begun) == 1:
                return begun.pop()
        near = sorted((_distance(key, cand) / max(len(key), len(cand)), canonical)
                      for cand, canonical in candidates.items())
        if near and near[0][0] < 0.25 and (len(near) == 1 or near[1][0] > near[0][0]):
            return near[0][1]
        return None

    def entry_line(self, name: str) -> str:
        """The line to append to this registry to register `name`."""
        return f"- {{name: {name}, slug: {slugify(name)}}}"


def _distance(a: str, b: str) -> int:
    """Levenshtein distance: characters inserted, deleted or replaced to make `a` into `b`."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def _sound(name: str) -> str:
    return slugify(name, fallback="").replace("-", "")


def build(path: str, entries: list[Entry]) -> Registry:
    by_key: dict[str, Entry] = {}
    for entry in entries:
        for name in (entry.name, *entry.aliases):
            by_key.setdefault(compact(name), entry)
    for entry in entries:   # after every current name: an old name never hides one
        for name in entry.old_names:
            by_key.setdefault(compact(name), entry)
    return Registry(path, tuple(entries), by_key)


def load(file: Path, shown_as: str) -> tuple[Registry, list[Problem]]:
    """Read a registry file: a YAML list of {name, slug, description, role, aliases}."""
    problems: list[Problem] = []
    doc, problem = textfiles.read_yaml(file, shown_as)
    if doc is None:
        return _unread(shown_as, problem)
    items = doc.data or []
    if not items:   # emptied by mistake (a bad merge, a truncated save): one error, not one per story
        return _unread(shown_as, error(shown_as, 0, "{file} lists no one: it is empty (restore it from "
                                       "version control, or list the names: {entry})", file=shown_as,
                                       entry="- {name: …, slug: …}"))
    if isinstance(items, dict):  # also accept {name: {slug: …}} mappings
        items = [{"name": k, **(v if isinstance(v, dict) else {})} for k, v in items.items()]
    if not isinstance(items, list):
        return _unread(shown_as, error(shown_as, 1, "a registry must be a list of entries"))
    entries: list[Entry] = []
    seen_names: dict[str, int] = {}
    seen_slugs: dict[str, int] = {}
    for i, item in enumerate(items):
        line = doc.line(i)
        if isinstance(item, str):
            item = {"name": item}
        if isinstance(item, dict) and item.get("name") is not None and not is_text(item["name"]):
            problems.append(error(shown_as, doc.line(i, "name"), "'{key}' must be text", key="name"))
            continue
        if not isinstance(item, dict) or not normalize(item.get("name") or ""):
            problems.append(error(shown_as, line, "each entry needs a 'name'"))
            continue
        problems += [unknown_field(shown_as, doc.line(i, key), key, ENTRY_FIELDS) for key in item if key not in ENTRY_FIELDS]
        name = normalize(item["name"])
        raw_slug = item.get("slug")
        slug = clean_slug(str(raw_slug)) if is_text(raw_slug) else ""
        if raw_slug is not None and not is_text(raw_slug):   # (not said as Python spells a list)
            problems.append(error(shown_as, doc.line(i, "slug"), "'{key}' must be text", key="slug"))
        elif slug is None:
            problems.append(error(shown_as, doc.line(i, "slug"),
                                  "slug '{slug}' must be lower-case ASCII letters, digits and hyphens", slug=raw_slug))
            slug = slugify(str(raw_slug))
        (aliases, old_names), found = _listed_names(item, shown_as, lambda *path, i=i: doc.line(i, *path))
        problems += found
        old_slugs, found = _old_slugs(item.get("old_slugs"), shown_as, doc.line(i, "old_slugs"))
        problems += found
        for key in ("role", "description"):
            if item.get(key) is not None and not is_text(item[key]):
                problems.append(error(shown_as, doc.line(i, key), "'{key}' must be text", key=key))
        entry = Entry(name=name, slug=slug, description=str(item["description"]) if is_text(item.get("description")) else "",
                      role=normalize(item["role"]) if is_text(item.get("role")) else "", aliases=aliases, old_names=old_names,
                      old_slugs=tuple(s for s in old_slugs if s != slug), line=line)
        # Pinyin slugs are compared where they are made (index.py).
        for label, value, seen in (("name", compact(name), seen_names), ("slug", slug, seen_slugs)):
            if value in seen and value:
                problems.append(error(shown_as, line, "duplicate {label} '{value}' (first on line {first})", label=label, value=value,
                                  first=seen[value]))
            seen[value] = line
        entries.append(entry)
    return build(shown_as, entries), problems + _aliases_in_use(entries, shown_as) + _old_names_in_use(entries, shown_as)


def _unread(shown_as: str, problem: Problem) -> tuple[Registry, list[Problem]]:
    return Registry(shown_as, unread=True), [problem]


def _listed_names(item: dict, shown_as: str, line: Callable[..., int]) -> tuple[tuple[tuple[str, ...], ...], list[Problem]]:
    """The entry's aliases and old names (`line(key, …)`: where a value is). Each is a name,
    or a list of them; a list or a mapping where a name belongs is an error, not a name
    written as Python writes it ("['坂田']") that no story could be filed under."""
    listed, problems = [], []
    for key in ("aliases", "old_names"):
        value = item.get(key)
        items = value if isinstance(value, list) else [] if value is None or value == "" else [value]
        for j, name in enumerate(items):
            if not is_text(name):
                problems.append(error(shown_as, line(key, j) if isinstance(value, list) else line(key),
                                      "'{key}' must be a name or a list of names, each written as text", key=key))
        listed.append(tuple(normalize(name) for name in items if is_text(name) and normalize(name)))
    return tuple(listed), problems


def _old_slugs(value: object, shown_as: str, line: int) -> tuple[tuple[str, ...], list[Problem]]:
    """The old slugs given (Entry.earlier_slugs adds the old names' pinyin)."""
    items = value if isinstance(value, list) else [value] if value else []
    found, problems = [], []
    for item in items:
        if not is_text(item):   # (not said as Python spells a list: old slug '['a']')
            problems.append(error(shown_as, line, "'{key}' must be text", key="old_slugs"))
            continue
        slug = clean_slug(str(item))
        if slug is None:
            problems.append(error(shown_as, line, "old slug '{slug}' must be lower-case ASCII letters, digits "
                                  "and hyphens", slug=item))
        else:
            found.append(slug)
    return tuple(dict.fromkeys(found)), problems


def _aliases_in_use(entries: list[Entry], shown_as: str) -> list[Problem]:
    """An alias that is another entry's name or alias: a story filed under it would go to
    whichever entry came first in the file, without a word. (Two entries of one name are
    reported as a duplicate name.)"""
    first: dict[str, tuple[Entry, bool]] = {}   # a name or alias -> (its first entry, as an alias)
    problems = []
    for entry in entries:
        for name, alias in ((entry.name, False), *((a, True) for a in entry.aliases)):
            owner, owner_alias = first.setdefault(compact(name), (entry, alias))
            if owner is not entry and (alias or owner_alias):
                problems.append(error(shown_as, entry.line, "'{name}' is given to both '{other}' and '{entry}' "
                                      "(as a name or alias): keep it on one", name=name, other=owner.name,
                                      entry=entry.name))
    return problems


def _old_names_in_use(entries: list[Entry], shown_as: str) -> list[Problem]:
    """An old name that is another entry's name or alias would be read as that entry."""
    current = {compact(n): e for e in entries for n in (e.name, *e.aliases)}
    return [error(shown_as, entry.line, "old name '{name}' is the name of '{other}' too: remove one of them",
                  name=old, other=current[compact(old)].name)
            for entry in entries for old in entry.old_names
            if compact(old) in current and current[compact(old)] is not entry]
