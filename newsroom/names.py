"""Name normalisation: how two spellings of one name are recognised as the same."""

from __future__ import annotations

import unicodedata

# str.strip() already strips U+3000 (ideographic space), but not zero-width ones.
_INVISIBLE = "\u200b\u200c\u200d\ufeff"


def normalize(name: object) -> str:
    """NFC, trimmed, with inner runs of any white space (incl. U+3000) made one space."""
    text = unicodedata.normalize("NFC", str(name))
    for ch in _INVISIBLE:
        text = text.replace(ch, "")
    return " ".join(text.split())


def compact(name: object) -> str:
    """A key that ignores every space: '张 鹏' and '张鹏' compare equal."""
    return "".join(normalize(name).split())
