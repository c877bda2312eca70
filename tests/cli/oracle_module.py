"""CPython's sqlite3 module dressed as the DB-API module the shell expects.

The shell reads two optional attributes from a failed statement's exception:
`offset` (sqlite3_error_offset) and `phase` ("prepare" or "step"). CPython's
module exposes neither, so this wrapper recovers them: the offset straight
from the connection's sqlite3* handle through ctypes (the same libsqlite3
that _sqlite3 links), and the phase by compiling the statement again under
EXPLAIN (which fails only if compiling failed). Tests only."""

from __future__ import annotations

import ctypes
import ctypes.util
import sqlite3
from collections.abc import Sequence
from typing import Any

Error = sqlite3.Error
complete_statement = sqlite3.complete_statement
sqlite_version = sqlite3.sqlite_version
__name__ = "sqlite3"  # noqa: A001 - shown by -version

try:
    _LIB: Any = ctypes.CDLL(ctypes.util.find_library("sqlite3") or "libsqlite3.so.0")
    _LIB.sqlite3_error_offset.argtypes = [ctypes.c_void_p]
    _LIB.sqlite3_error_offset.restype = ctypes.c_int
except (OSError, AttributeError):
    _LIB = None

_HEAD = object.__basicsize__  # PyObject_HEAD; pysqlite_Connection.db follows it


def _error_offset(raw: sqlite3.Connection) -> int:
    if _LIB is None:
        return -1
    handle = ctypes.c_void_p.from_address(id(raw) + _HEAD).value
    return int(_LIB.sqlite3_error_offset(handle)) if handle else -1


class Cursor:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._cur = conn.raw.cursor()

    @property
    def description(self) -> Any:
        return self._cur.description

    @property
    def rowcount(self) -> int:
        return self._cur.rowcount

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        try:
            self._cur.execute(sql, params)
        except sqlite3.Error as exc:
            offset = _error_offset(self._conn.raw)
            probe = sql if sql.lstrip()[:7].upper() == "EXPLAIN" else "EXPLAIN " + sql
            try:
                self._conn.raw.execute(probe).fetchall()
                phase = "step"
            except sqlite3.Error:
                phase = "prepare"
            exc.phase = phase  # type: ignore[attr-defined]
            exc.offset = offset  # type: ignore[attr-defined]
            raise
        return self

    def fetchone(self) -> Any:
        try:
            return self._cur.fetchone()
        except sqlite3.Error as exc:
            exc.phase = "step"  # type: ignore[attr-defined]
            raise

    def fetchall(self) -> list[Any]:
        return list(self._cur.fetchall())

    def close(self) -> None:
        self._cur.close()


class Connection:
    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw

    def cursor(self) -> Cursor:
        return Cursor(self)

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        return self.cursor().execute(sql, params)

    @property
    def in_transaction(self) -> bool:
        return self.raw.in_transaction

    @property
    def total_changes(self) -> int:
        return self.raw.total_changes

    def backup(self, target: Connection, *, name: str = "main") -> None:
        self.raw.backup(target.raw, name=name)

    def close(self) -> None:
        self.raw.close()


def connect(path: str, isolation_level: str | None = None, uri: bool = False) -> Connection:
    return Connection(sqlite3.connect(path, isolation_level=isolation_level, uri=uri,
                                      check_same_thread=False))
