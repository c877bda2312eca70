"""`Row`: a tuple-like result row addressable by index, slice or column name.

Column names match ASCII-case-insensitively, as in CPython's `sqlite3.Row`.
Knows nothing of the engine; it reads the column names from the cursor's
`description`."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from typing import Any

from pyrite.api.adapters import arg_type_name
from pyrite.api.cursor import Cursor

__all__ = ["Row"]


def _ascii_fold(name: str) -> str:
    """ASCII-only lower-casing: 'É' stays 'É' (SQLite's and CPython's rule)."""
    return name.translate(_ASCII_LOWER)


_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


class Row:
    """Row(cursor, data): data is the tuple of values, names from cursor.description."""

    __slots__ = ("_data", "_description")

    def __init__(self, cursor: Cursor, data: tuple[Any, ...], /) -> None:
        if not issubclass(type(cursor), Cursor):
            raise TypeError(
                f"Row() argument 1 must be sqlite3.Cursor, not {arg_type_name(cursor)}"
            )
        if not isinstance(data, tuple):
            raise TypeError(f"Row() argument 2 must be tuple, not {arg_type_name(data)}")
        self._data = data
        self._description: Any = cursor.description

    def __new__(cls, *args: Any, **kwargs: Any) -> Row:
        if kwargs:
            raise TypeError("Row() takes no keyword arguments")
        return super().__new__(cls)

    def keys(self) -> list[str]:
        """keys() -> the column names, in order."""
        if self._description is None:
            return []
        return [str(d[0]) for d in self._description]

    def __len__(self) -> int:
        return len(self._data)

    def __iter__(self) -> Iterator[Any]:
        yield from self._data

    def __reversed__(self) -> Iterator[Any]:
        yield from reversed(self._data)

    def __contains__(self, item: object) -> bool:
        return item in self._data

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, int):
            if not -sys.maxsize - 1 <= key <= sys.maxsize:
                raise IndexError("cannot fit 'int' into an index-sized integer")
            n = len(self._data)
            i = key + n if key < 0 else key
            if i < 0 or i >= n:
                raise IndexError("tuple index out of range")
            return self._data[i]
        if isinstance(key, str):
            folded = _ascii_fold(key)
            for i, name in enumerate(self.keys()):
                if _ascii_fold(name) == folded:
                    return self._data[i]
            raise IndexError("No item with that key")
        if isinstance(key, slice):
            return self._data[key]
        if hasattr(type(key), "__index__"):
            return self[key.__index__()]
        raise IndexError("Index must be int or string")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Row):
            return NotImplemented
        return bool(self._description == other._description and self._data == other._data)

    def __ne__(self, other: object) -> bool:
        if not isinstance(other, Row):
            return NotImplemented
        return not self == other

    def __hash__(self) -> int:
        return hash(self._description) ^ hash(self._data)

    def __repr__(self) -> str:
        return f"<sqlite3.Row object at {id(self):#x}>"


Sequence.register(Row)
