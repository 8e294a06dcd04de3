"""A dict of the build state kept marshalled until first used (cache.LAZY: the pages'
context digests and ids by file).

At 100,000 articles each holds 208,000 entries, a tenth to a fifth of a second to
unmarshal, and an edit in place needs neither: it takes both in the plan's order from
pagecolumns.py. Any other build uses them as dicts (`loaded`).
"""

from __future__ import annotations

import marshal
from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import Any


class LazyDict(Mapping):
    """The dict marshalled in `data` (checked already: cache.Store), made when first used."""

    def __init__(self, data: bytes) -> None:
        self._data: bytes | None = data
        self._value: dict[str, Any] = {}

    @property
    def value(self) -> dict[str, Any]:
        if self._data is not None:
            self._value, self._data = marshal.loads(self._data), None
        return self._value

    def __getitem__(self, key: str) -> Any:
        return self.value[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.value.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self.value

    def __iter__(self) -> Iterator[str]:
        return iter(self.value)

    def __len__(self) -> int:
        return len(self.value)

    def keys(self) -> KeysView[str]:
        return self.value.keys()

    def values(self) -> ValuesView[Any]:
        return self.value.values()

    def items(self) -> ItemsView[str, Any]:
        return self.value.items()

    def copy(self) -> dict[str, Any]:
        return self.value.copy()

    def __eq__(self, other: object) -> bool:
        return self.value == loaded(other) if isinstance(other, Mapping) else NotImplemented

    __hash__ = None   # type: ignore[assignment]


def loaded(mapping: Any) -> Any:
    """`mapping` as a dict, if it is a LazyDict (passes over all its entries are then made
    on the dict itself, not through a Python method each); anything else as it is."""
    return mapping.value if isinstance(mapping, LazyDict) else mapping
