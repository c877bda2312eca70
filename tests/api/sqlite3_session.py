"""DEVELOPMENT AID ONLY — an implementation of the `pyrite.exec.Session` /
`Statement` interface (docs/INTERFACES.md, "exec/") on top of CPython's real
`sqlite3` module.

It let the DB-API layer (`pyrite.api`) be developed before pyrite's own engine
could run statements. The real test suite runs against `pyrite.exec.Session`;
this adapter is selected only with PYRITE_API_BACKEND=sqlite3 (see conftest.py
and run_cpython_suite.py --backend sqlite3). Known gaps: no column declared
types (PARSE_DECLTYPES), `readonly` is guessed from the leading keyword.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pyrite import errors


@contextlib.contextmanager
def translated() -> Iterator[None]:
    """Re-raise sqlite3 exceptions as the pyrite exception of the same name."""
    try:
        yield
    except sqlite3.Error as exc:
        cls = getattr(errors, type(exc).__name__, errors.DatabaseError)
        code = getattr(exc, "sqlite_errorcode", None)
        raise cls(str(exc), code=code) from None


def _skip_space(sql: str, pos: int) -> int:
    n = len(sql)
    while pos < n:
        if sql[pos] in " \t\n\f\r":
            pos += 1
        elif sql.startswith("--", pos):
            end = sql.find("\n", pos)
            pos = n if end < 0 else end + 1
        elif sql.startswith("/*", pos):
            end = sql.find("*/", pos + 2)
            pos = n if end < 0 else end + 2
        else:
            break
    return pos


def _scan_params(sql: str) -> tuple[int, tuple[str | None, ...]]:
    """Parameter count and names, numbered as sqlite3_bind_parameter_* do."""
    names: dict[int, str | None] = {}
    by_name: dict[str, int] = {}
    count = 0
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"`":
            end = sql.find(c, i + 1)
            while end >= 0 and end + 1 < n and sql[end + 1] == c:
                end = sql.find(c, end + 2)
            i = n if end < 0 else end + 1
        elif c == "[":
            end = sql.find("]", i)
            i = n if end < 0 else end + 1
        elif sql.startswith("--", i) or sql.startswith("/*", i):
            i = _skip_space(sql, i)
        elif c == "?":
            j = i + 1
            while j < n and sql[j].isdigit():
                j += 1
            if j > i + 1:
                idx = int(sql[i + 1:j])
                name = sql[i:j]
                if name in by_name:
                    idx = by_name[name]
                by_name[name] = idx
                names[idx] = name
            else:
                idx = count + 1
                names[idx] = None
            count = max(count, idx)
            i = j
        elif c in ":@$" and i + 1 < n and (sql[i + 1].isalnum() or sql[i + 1] == "_"):
            j = i + 1
            while j < n and (sql[j].isalnum() or sql[j] in "_$" or ord(sql[j]) > 127):
                j += 1
            name = sql[i:j]
            if name not in by_name:
                count += 1
                by_name[name] = count
                names[count] = name
            i = j
        elif c.isalpha() or c == "_":
            j = i
            while j < n and (sql[j].isalnum() or sql[j] in "_$"):
                j += 1
            i = j
        else:
            i += 1
    return count, tuple(names.get(k) for k in range(1, count + 1))


_READONLY_WORDS = ("select", "values", "explain")


class Statement:
    """One statement of the adapter: bound and stepped through a sqlite3 cursor."""

    def __init__(self, session: Session, sql: str) -> None:
        self.sql = sql
        self._session = session
        self.param_count, self.param_names = _scan_params(sql)
        head = sql[_skip_space(sql, 0):].lower()
        self.readonly = head.startswith(_READONLY_WORDS) or (
            head.startswith("with") and not any(
                w in head for w in ("insert", "update", "delete", "replace"))
        ) or (head.startswith("pragma") and "=" not in head)
        self.is_dml = head.startswith(("insert", "update", "delete", "replace"))
        self.column_names: list[str] = []
        self.column_decltypes: list[str | None] = []
        self._params: Sequence[Any] | Mapping[str, Any] = ()
        self._cursor: sqlite3.Cursor | None = None
        self._done = False
        if not head.startswith("explain"):
            self.bind([None] * self.param_count)
            with translated():
                self._session.cx.execute("EXPLAIN " + sql, self._params).close()

    def bind(self, values: Sequence[Any] | Mapping[str, Any]) -> None:
        names = self.param_names
        if isinstance(values, Mapping):
            self._params = values
        elif names and all(n is not None and not n.startswith("?") for n in names):
            self._params = {n[1:]: v for n, v in zip(names, values, strict=False) if n}
        else:
            self._params = tuple(values)

    def step(self) -> tuple[Any, ...] | None:
        if self._done:
            return None
        with translated():
            if self._cursor is None:
                self._session.trace(self.sql)
                self._cursor = self._session.cx.execute(self.sql, self._params)
                desc = self._cursor.description
                self.column_names = [d[0] for d in desc] if desc else []
                self.column_decltypes = [None] * len(self.column_names)
            row = self._cursor.fetchone()
        if row is None:
            self._done = True
            self._session.finish()
        return row

    def reset(self) -> None:
        if self._cursor is not None:
            self._cursor.close()
        self._cursor = None
        self._done = False


class Session:
    """The adapter's Session: one sqlite3 connection in autocommit mode."""

    def __init__(
        self, path: str, *, readonly: bool = False, create: bool = True, uri: bool = False,
        timeout: float = 5.0,
    ) -> None:
        with translated():
            self.cx = sqlite3.connect(
                path, timeout=timeout, uri=uri, isolation_level=None, check_same_thread=False
            )
        self.changes = 0
        self.last_insert_rowid = 0
        self._trace: Any = None

    def trace(self, sql: str) -> None:
        if self._trace is not None:
            self._trace(sql)

    def finish(self) -> None:
        self.changes, self.last_insert_rowid = self.cx.execute(
            "SELECT changes(), last_insert_rowid()"
        ).fetchone()

    def prepare(self, sql: str, start: int = 0) -> tuple[Statement | None, int]:
        pos = _skip_space(sql, start)
        while pos < len(sql) and sql[pos] == ";":
            pos = _skip_space(sql, pos + 1)
        if pos >= len(sql):
            return None, len(sql)
        end = len(sql)
        semi = sql.find(";", pos)
        while semi >= 0:
            if sqlite3.complete_statement(sql[pos:semi + 1]):
                end = semi + 1
                break
            semi = sql.find(";", semi + 1)
        return Statement(self, sql[pos:end]), end

    def execute_script(self, sql: str) -> None:
        with translated():
            self.cx.executescript(sql)

    def close(self) -> None:
        self.cx.close()

    @property
    def autocommit(self) -> bool:
        return not self.cx.in_transaction

    @property
    def in_transaction(self) -> bool:
        return self.cx.in_transaction

    @property
    def total_changes(self) -> int:
        return self.cx.total_changes

    def create_function(self, name: str, nargs: int, func: Any, deterministic: bool = False) -> None:
        with translated():
            self.cx.create_function(name, nargs, func, deterministic=deterministic)

    def create_aggregate(self, name: str, nargs: int, cls: Any) -> None:
        with translated():
            self.cx.create_aggregate(name, nargs, cls)

    def create_window_function(self, name: str, nargs: int, cls: Any) -> None:
        with translated():
            self.cx.create_window_function(name, nargs, cls)

    def create_collation(self, name: str, func: Any) -> None:
        with translated():
            self.cx.create_collation(name, func)

    def set_authorizer(self, cb: Any) -> None:
        self.cx.set_authorizer(cb)

    def set_progress_handler(self, cb: Any, n: int) -> None:
        self.cx.set_progress_handler(cb, n)

    def set_trace_callback(self, cb: Any) -> None:
        self._trace = cb

    def interrupt(self) -> None:
        self.cx.interrupt()

    # SQL_LENGTH is kept here: the adapter prefixes statements with EXPLAIN.
    _sql_length = 1000000000

    def get_limit(self, category: int) -> int:
        if category == sqlite3.SQLITE_LIMIT_SQL_LENGTH:
            return self._sql_length
        return self.cx.getlimit(category)

    def set_limit(self, category: int, value: int) -> int:
        if category == sqlite3.SQLITE_LIMIT_SQL_LENGTH:
            old = self._sql_length
            if value >= 0:
                self._sql_length = value
            return old
        return self.cx.setlimit(category, value)

    def serialize(self, name: str = "main") -> bytes:
        with translated():
            return self.cx.serialize(name=name)

    def deserialize(self, data: bytes, name: str = "main") -> None:
        with translated():
            self.cx.deserialize(data, name=name)
