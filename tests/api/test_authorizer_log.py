"""The authorizer sees the calls sqlite3's does: same actions and arguments at
prepare time, per column read (SQLITE_READ) and per column updated."""

from __future__ import annotations

import sqlite3
from types import ModuleType
from typing import Any

import pytest

import pyrite

STATEMENTS = [
    "SELECT a, b FROM t",
    "SELECT * FROM t JOIN u ON x = a",
    "INSERT INTO t VALUES (1, 2)",
    "UPDATE t SET a = 1, b = 3 WHERE b = 2",
    "DELETE FROM u",
    "PRAGMA user_version",
    "PRAGMA user_version = 3",
    "SAVEPOINT sp",
    "RELEASE sp",
    "BEGIN",
    "ROLLBACK",
]


def _log(mod: ModuleType, sql: str) -> tuple[Any, list[tuple[Any, ...]]]:
    con = mod.connect(":memory:", isolation_level=None)
    con.execute("CREATE TABLE t(a, b)")
    con.execute("CREATE TABLE u(x)")
    calls: list[tuple[Any, ...]] = []

    def auth(*args: Any) -> int:
        calls.append(args)
        return int(mod.SQLITE_OK)

    con.set_authorizer(auth)
    try:
        result: Any = con.execute(sql).fetchall()
    except mod.DatabaseError as e:
        result = str(e)
    con.close()
    return result, sorted(set(calls), key=repr)


@pytest.mark.parametrize("sql", STATEMENTS)
def test_authorizer_calls_match_sqlite3(sql: str) -> None:
    assert _log(pyrite, sql) == _log(sqlite3, sql)


@pytest.mark.parametrize(("sql", "deny"), [
    ("SELECT a, b FROM t", (20, "t", "b")),
    ("SELECT a FROM t", (21, None, None)),
    ("INSERT INTO t VALUES (1, 2)", (18, "t", None)),
    ("UPDATE t SET b = 3", (23, "t", "b")),
])
def test_deny_fails_prepare_like_sqlite3(sql: str, deny: tuple[Any, ...]) -> None:
    out = []
    for mod in (sqlite3, pyrite):
        con = mod.connect(":memory:", isolation_level=None)
        con.execute("CREATE TABLE t(a, b)")
        con.set_authorizer(lambda *args: 1 if args[:3] == deny else 0)  # noqa: B023
        with pytest.raises(mod.DatabaseError) as ei:
            con.execute(sql)
        out.append(str(ei.value))
        con.close()
    assert out[1] == out[0]
