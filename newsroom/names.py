"""Name normalisation: how two spellings of one name are recognised as the same."""

from __future__ import annotations

import functools
import unicodedata

# str.strip() already strips U+3000 (ideographic space), but not zero-width ones.
_INVISIBLE = "\u200b\u200c\u200d\ufeff"


def is_text(value: object) -> bool:
    """Whether a YAML value reads as text: a string or a number, not a list, a mapping or
    true/false (which normalize would write out as Python does: "['首席记者']")."""
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def normalize(name: object) -> str:
    """NFC, trimmed, with inner runs of any white space (incl. U+3000) made one space."""
    return _normalized(name) if type(name) is str else _normalized(str(name))


# The same few hundred names (reporters, streets, tags, roles) come back in every article,
# each normalised several times on its way to a registry's entry: a tenth of reading one.
@functools.lru_cache(maxsize=4096)
def _normalized(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    for ch in _INVISIBLE:
        text = text.replace(ch, "")
    return " ".join(text.split())


def compact(name: object) -> str:
    """A key that ignores every space: '张 鹏' and '张鹏' compare equal."""
    return "".join(normalize(name).split())
