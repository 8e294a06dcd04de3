"""The corrected line for the YAML mistakes editors make most, to show beside the error.

PyYAML says what it could not parse ("mapping values are not allowed here"), which tells
an editor nothing about what to type. These are the usual causes, each with its fix:
- a value holding ': ' (title: 防控疫情: "龙岗行动"): quote the value;
- quotes inside quotes (title: "防控疫情: "龙岗行动""): single quotes outside;
- a full-width colon after the key (title：标题), or no space after the colon (title:标题);
- a tab in the indentation.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .i18n import N_

_KEY = r"(?P<indent>[ \t]*(?:-[ \t]+)?)(?P<key>[A-Za-z_][\w-]*)"
_FULL_WIDTH_COLON = re.compile(_KEY + r"[ \t]*：[ \t]*(?P<value>.*)$")
_NO_SPACE = re.compile(_KEY + r":(?P<value>[^\s:/].*)$")
_PAIR = re.compile(_KEY + r":[ \t]+(?P<value>.*\S)[ \t]*$")


def corrected(line: str) -> list[str]:
    """The ways the line might be meant, likeliest first ([] if it has none of the mistakes above)."""
    if "\t" in line:
        return [line.replace("\t", "  "), line.lstrip(" \t").replace("\t", " ")]
    m = _FULL_WIDTH_COLON.match(line) or _NO_SPACE.match(line)
    if m:
        return [f"{m['indent']}{m['key']}: {m['value']}".rstrip()]
    m = _PAIR.match(line)
    if m:
        value = m["value"]
        quoted = value[0] in "\"'"
        if quoted and value[-1] == value[0] and value[0] not in value[1:-1]:
            return []                       # a value quoted properly
        if quoted or ": " in value or " #" in value:
            inner = value[1:-1] if quoted and value[-1] == value[0] else value
            return [f"{m['indent']}{m['key']}: '" + inner.replace("'", "''") + "'"]
    return []


def cause(line: str) -> str | None:
    """What is wrong with a line `corrected` corrects, said for an editor (PyYAML says only
    where it stopped: "mapping values are not allowed here")."""
    if "\t" in line:
        return N_("a tab in the indentation (indent with spaces)")
    if _FULL_WIDTH_COLON.match(line):
        return N_("a full-width colon ： after the field's name")
    if _NO_SPACE.match(line):
        return N_("no space after the colon")
    return N_("the value holds a colon, a # or quotes: put it in single quotes") if corrected(line) else None


def near(lines: list[str], index: int, parses: Callable[[str], bool]) -> tuple[int, str] | None:
    """(index, corrected line) of the mistake nearest to where the parser stopped (`index`,
    0-based; it often notices a line late), the first correction after which `parses` the text."""
    for i in (index, index - 1, index + 1, *range(len(lines))):
        if 0 <= i < len(lines):
            for fixed in corrected(lines[i]):
                if fixed != lines[i] and parses("\n".join([*lines[:i], fixed, *lines[i + 1:]])):
                    return i, fixed
    return None
