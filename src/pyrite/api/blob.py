"""`Blob`: incremental I/O on one BLOB value (Connection.blobopen()).

The blob's size is fixed at open, as in SQLite. Reads come from the value read
at open time (kept current by this blob's own writes); each write stores the
whole value back through an UPDATE of that row. Errors and messages are those
of CPython 3.11's `sqlite3.Blob`."""

from __future__ import annotations

import operator
import os
import sys
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

from pyrite import constants as C
from pyrite.api.cursor import buffer_bytes
from pyrite.errors import OperationalError, ProgrammingError, ReadOnlyError

if TYPE_CHECKING:
    from pyrite.api.connection import Connection

__all__ = ["Blob", "open_blob"]

_TYPE_NAMES = {type(None): "null", int: "integer", float: "real"}


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _query(con: Connection, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    stmt, _ = con._session.prepare(sql, 0)
    try:
        stmt.bind(params)
        rows = []
        while (row := stmt.step()) is not None:
            rows.append(row)
        return rows
    finally:
        stmt.reset()


def open_blob(
    con: Connection, table: str, column: str, row: int, *, readonly: bool, name: str,
) -> Blob:
    """open_blob(con, table, column, rowid, readonly=, name=) -> Blob."""
    master = "sqlite_temp_master" if name.lower() == "temp" else "sqlite_master"
    try:
        schemas = {str(r[1]).lower() for r in _query(con, "PRAGMA database_list", [])}
    except OperationalError:
        schemas = set()
    if name.lower() not in schemas | {"main", "temp"}:
        raise OperationalError(f"no such table: {name}.{table}")
    try:
        found = _query(
            con, f"SELECT 1 FROM {_quote_ident(name)}.{master} "
            "WHERE type = 'table' AND name = ? COLLATE NOCASE", [table],
        )
    except OperationalError:
        found = []
    if not found:
        raise OperationalError(f"no such table: {name}.{table}")
    target = f"{_quote_ident(name)}.{_quote_ident(table)}"
    columns = [r[1] for r in _query(con, f"PRAGMA {_quote_ident(name)}.table_info({_quote_ident(table)})", [])]
    if column.lower() not in (c.lower() for c in columns):
        raise OperationalError(f'no such column: "{column}"')
    rows = _query(con, f"SELECT {_quote_ident(column)} FROM {target} WHERE rowid = ?", [row])
    if not rows:
        raise OperationalError(f"no such rowid: {row}")
    value = rows[0][0]
    if not isinstance(value, (bytes, str)):
        raise OperationalError(f"cannot open value of type {_TYPE_NAMES.get(type(value), 'null')}")
    data = value if isinstance(value, bytes) else value.encode("utf-8")
    blob = object.__new__(Blob)
    blob._init(con, target, column, row, bytearray(data), readonly)
    return blob


class Blob:
    """An open BLOB handle; created only by Connection.blobopen()."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Blob:
        raise TypeError(f"cannot create '{cls.__module__}.{cls.__name__}' instances")

    def _init(
        self, con: Connection, target: str, column: str, rowid: int, data: bytearray,
        readonly: bool,
    ) -> None:
        self._con: Connection | None = con
        self._owner = con
        self._expired = False
        self._target = target
        self._column = column
        self._rowid = rowid
        self._data = data
        self._readonly = readonly
        self._offset = 0

    # -- checks -------------------------------------------------------------------

    def _check(self) -> Connection:
        con = self._owner
        con._check_thread()
        con._check_open()
        if self._con is None:
            raise ProgrammingError("Cannot operate on a closed blob.")
        return con

    def _check_row(self) -> None:
        """Like SQLite's blob handle, expire when the row was changed elsewhere."""
        con = self._owner
        if self._expired:
            raise OperationalError("query aborted", code=C.SQLITE_ABORT)
        rows = _query(
            con, f"SELECT {_quote_ident(self._column)} FROM {self._target} WHERE rowid = ?",
            [self._rowid],
        )
        current = rows[0][0] if rows else None
        if isinstance(current, str):
            current = current.encode("utf-8")
        if current != bytes(self._data):
            self._expired = True
            self._data = bytearray()
            self._offset = 0
            raise OperationalError("query aborted", code=C.SQLITE_ABORT)

    def _store(self) -> None:
        con = self._check()
        if self._readonly:
            raise ReadOnlyError()
        stmt, _ = con._session.prepare(
            f"UPDATE {self._target} SET {_quote_ident(self._column)} = ? WHERE rowid = ?", 0
        )
        try:
            stmt.bind([bytes(self._data), self._rowid])
            while stmt.step() is not None:
                pass
        finally:
            stmt.reset()

    # -- file-like ------------------------------------------------------------------

    def close(self) -> None:
        """close(): the blob is unusable afterwards."""
        self._owner._check_thread()
        self._owner._check_open()
        self._con = None

    def __len__(self) -> int:
        self._check()
        return len(self._data)

    def read(self, length: int = -1, /) -> bytes:
        """read(length=-1) -> up to length bytes from the current offset."""
        self._check()
        self._check_row()
        end = len(self._data)
        if length >= 0:
            end = min(end, self._offset + length)
        out = bytes(self._data[self._offset:end])
        self._offset += len(out)
        return out

    def write(self, data: Any, /) -> None:
        """write(data): write at the current offset; the blob cannot grow."""
        self._check()
        buf = buffer_bytes(data)
        if len(buf) > len(self._data) - self._offset:
            raise ValueError("data longer than blob length")
        self._check_row()
        self._data[self._offset:self._offset + len(buf)] = buf
        self._store()
        self._offset += len(buf)

    def tell(self) -> int:
        """tell() -> the current offset."""
        self._check()
        return self._offset

    def seek(self, offset: int, origin: int = os.SEEK_SET, /) -> None:
        """seek(offset, origin=os.SEEK_SET)."""
        self._check()
        if not -(1 << 31) <= offset < (1 << 31):
            raise OverflowError("Python int too large to convert to C int")
        if origin == os.SEEK_SET:
            base = 0
        elif origin == os.SEEK_CUR:
            base = self._offset
        elif origin == os.SEEK_END:
            base = len(self._data)
        else:
            raise ValueError("'origin' should be os.SEEK_SET, os.SEEK_CUR, or os.SEEK_END")
        if base + offset > (1 << 31) - 1:
            raise OverflowError("seek offset results in overflow")
        pos = base + offset
        if not 0 <= pos <= len(self._data):
            raise ValueError("offset out of blob range")
        self._offset = pos

    # -- sequence protocol ----------------------------------------------------------

    def _index(self, key: Any) -> int:
        i = operator.index(key)
        if not -sys.maxsize - 1 <= i <= sys.maxsize:
            raise IndexError("cannot fit 'int' into an index-sized integer")
        n = len(self._data)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("Blob index out of range")
        return int(i)

    def __getitem__(self, key: Any) -> Any:
        self._check()
        if isinstance(key, slice):
            self._check_row()
            return bytes(self._data[key])
        if not hasattr(type(key), "__index__"):
            raise TypeError("Blob indices must be integers")
        i = self._index(key)
        self._check_row()
        return self._data[i]

    def __setitem__(self, key: Any, value: Any) -> None:
        self._check()
        if isinstance(key, slice):
            start, stop, step = key.indices(len(self._data))
            buf = buffer_bytes(value)
            count = len(range(start, stop, step))
            if len(buf) != count:
                raise IndexError("Blob slice assignment is wrong size")
            if count == 0:
                return
            self._check_row()
            self._data[key] = buf
            self._store()
            return
        if not hasattr(type(key), "__index__"):
            raise TypeError("Blob indices must be integers")
        i = self._index(key)
        byte = value.__index__() if not isinstance(value, (bytes, bytearray)) else None
        if byte is None:
            raise TypeError(f"'{type(value).__name__}' object cannot be interpreted as an integer")
        if not 0 <= byte <= 255:
            raise ValueError("byte must be in range(0, 256)")
        self._check_row()
        self._data[i] = byte
        self._store()

    __iter__ = None  # a blob is not iterable (`x in blob` raises TypeError), as in CPython

    def __delitem__(self, key: Any) -> None:
        self._check()
        raise TypeError("Blob doesn't support item deletion")

    # -- context manager ----------------------------------------------------------

    def __enter__(self) -> Blob:
        self._check()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> Literal[False]:
        self._check()
        self.close()
        return False
