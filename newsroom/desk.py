"""What the news desk adds to a story's front matter: `source:` (来源), `editor:` (责任编辑),
`dateline:` (本报讯) and `featured:` (the front page).

Pure: articles.parse hands over the parsed front matter; each mistake is reported with the
line it is on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .config import Config
from .names import normalize

FIELDS = {"source", "editor", "dateline", "featured"}
EDITORS = "reporter"    # editors are people of the newsroom: the reporters' registry names them

Report = Callable[..., None]   # report(message, *path in the front matter)


@dataclass(frozen=True)
class Desk:
    origin: str = ""       # 来源 as given; pages show the organisation without it
    editor: str = ""       # canonical name from the registry
    dateline: str = ""     # 本报讯, 新华社深圳2月21日电 …
    featured: int = 0      # 0: not chosen; else its place on the front page (1 first)


def parse(data: dict[str, Any], config: Config, err: Report) -> Desk:
    return Desk(origin=_text(data, "source", err), editor=_editor(data, config, err),
                dateline=_text(data, "dateline", err), featured=_featured(data, err))


def _text(data: dict[str, Any], key: str, err: Report) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        err("'{key}' must be text", key, key=key)
        return ""
    return normalize(value)


def _editor(data: dict[str, Any], config: Config, err: Report) -> str:
    name = _text(data, "editor", err)
    registry = config.registries.get(EDITORS)
    if not name or registry is None or registry.unread:   # (unread: its own error says why)
        return name
    entry = registry.lookup(name)
    if entry is None:
        hint = registry.suggest(name)
        if hint:
            err("unknown editor '{name}' not in {file} — did you mean '{hint}'?", "editor", name=name,
                file=registry.path, hint=hint)
        else:
            err("unknown editor '{name}' not in {file} (add them to {file})", "editor", name=name,
                file=registry.path)
        return ""
    return entry.name


# `featured: true`: after every numbered place (front.choose sorts by the place, keeping the
# archive's order, newest first, among equals).
UNNUMBERED = 2**31 - 1


def _featured(data: dict[str, Any], err: Report) -> int:
    value = data.get("featured", False)
    if value is True:
        return UNNUMBERED
    if value is False or value is None:
        return 0
    if isinstance(value, int) and value > 0:
        return value
    err("'featured' must be true, or a place on the front page (1 leads, 2, 3 …)", "featured")
    return 0
