"""The taxonomies site.yaml configures (`taxonomies:`): each one's front-matter key, title,
URL folder and registry, and the byline and section roles that name them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import yamlfile
from .names import is_text
from .problems import Problem, error, unknown_field

DEFAULT_TAXONOMIES = (
    {"key": "street", "title": "街道", "path": "streets", "registry": "streets.yaml"},
    {"key": "reporter", "title": "记者", "path": "reporters", "registry": "reporters.yaml",
     "credits": True},
    {"key": "tags", "title": "标签", "path": "tags"},
)
FIELDS = frozenset({"key", "title", "path", "registry", "credits", "feeds"})
RESERVED = frozenset({"title", "date", "photos", "summary", "slug", "draft", "updated", "source", "editor",
                      "dateline", "featured"})


@dataclass(frozen=True)
class TaxonomyConfig:
    key: str            # the front-matter field: street, reporter, tags …
    title: str          # shown to readers: 街道
    path: str           # URL folder: streets
    registry: str = ""  # registry file; empty: any name makes a term
    credits: bool = False  # photo credits name members of this taxonomy (photographers)
    feeds: bool = True


def unknown_roles(roles: dict[str, str], taxonomies: tuple[TaxonomyConfig, ...], data: dict[str, Any],
                  doc: yamlfile.YamlDoc) -> list[Problem]:
    """`byline:` and `section:` must name a taxonomy; the defaults (reporter, street) may be
    missing from an archive's own taxonomies, which then has no byline or no section."""
    keys = {t.key for t in taxonomies}
    problems = []
    for role, key in list(roles.items()):
        if key not in keys:
            if role in data:
                problems.append(error("site.yaml", doc.line(role), "'{role}: {key}' is not one of the taxonomies "
                                      "({keys})", role=role, key=key, keys=", ".join(sorted(keys)) or "-"))
            roles[role] = ""
    return problems


def parse(data: Any, doc: yamlfile.YamlDoc, byline: str = "reporter") -> tuple[tuple[TaxonomyConfig, ...], list[Problem]]:
    if data is None:
        data = list(DEFAULT_TAXONOMIES)
    if not isinstance(data, list):
        return (), [error("site.yaml", doc.line("taxonomies"), "'taxonomies' must be a list")]
    problems: list[Problem] = []
    result: list[TaxonomyConfig] = []
    first: dict[str, int] = {}   # key -> the line of the taxonomy that has it
    for i, item in enumerate(data):
        line = doc.line("taxonomies", i)
        if not isinstance(item, dict) or not item.get("key") or not item.get("path"):
            problems.append(error("site.yaml", line, "each taxonomy needs 'key' and 'path'"))
            continue
        key = str(item["key"])
        problems += _field_mistakes(item, line)
        dropped = _dropped(key, line, first)
        if dropped is not None:
            problems.append(dropped)
            continue
        # A path out of the site is said, and the taxonomy kept: dropped, every story filed under
        # it would be told its field is unknown. The error stops the build before any page is made.
        problems += _path_mistake(key, item["path"], line)
        first[key] = line
        result.append(TaxonomyConfig(
            key=key,
            title=str(item.get("title") or key),
            path=str(item["path"]).strip("/"),
            registry=str(item.get("registry") or ""),
            credits=bool(item.get("credits", key == byline)),
            feeds=bool(item.get("feeds", True)),
        ))
    return tuple(result), problems


def _dropped(key: str, line: int, first: dict[str, int]) -> Problem | None:
    """Why a taxonomy cannot be one, if it cannot: its key is a front-matter field of its own, or
    another taxonomy's (given twice, the second made the stories' terms its own, without a word)."""
    if key in RESERVED:
        return error("site.yaml", line, "taxonomy key '{key}' is a reserved front-matter field", key=key)
    if key in first:
        return error("site.yaml", line, "taxonomy key '{key}' is given twice (first on line {first})",
                     key=key, first=first[key])
    return None


def _path_mistake(key: str, path: Any, line: int) -> list[Problem]:
    """A path that is no folder of the site ('../tags': its pages failed as a template error).
    One that is not text is said by _field_mistakes."""
    parts = str(path).strip("/").split("/")
    if is_text(path) and any(part in ("", ".", "..") or "\\" in part or "?" in part or "#" in part
                             for part in parts):
        return [error("site.yaml", line, "taxonomy '{key}': 'path' must be a folder of the site, such as "
                      "path: tags (not '{path}')", key=key, path=path)]
    return []


def _field_mistakes(item: dict, line: int) -> list[Problem]:
    """A taxonomy's other fields of the wrong kind (a title of ['标签'] was shown as written,
    feeds: maybe read as true), and fields no one reads (a misspelt registry)."""
    problems = [unknown_field("site.yaml", line, name, FIELDS) for name in item if name not in FIELDS]
    for name in ("key", "title", "path", "registry"):
        if item.get(name) is not None and not is_text(item[name]):
            problems.append(error("site.yaml", line, "'{key}' must be text", key=f"taxonomies.{name}"))
    for name in ("credits", "feeds"):
        if item.get(name) is not None and not isinstance(item[name], bool):
            problems.append(error("site.yaml", line, "'{key}' must be true or false", key=f"taxonomies.{name}"))
    return problems
