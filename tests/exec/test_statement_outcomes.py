"""What a failing write leaves behind, compared with sqlite3 statement by statement:
the rows, changes(), total_changes, and whether the transaction is still open --
for multi-row statements (statement journal) and for one-row statements that run
without one (Program.single_write), under every conflict action."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

import pyrite

SCRIPTS = [
    # multi-row statements failing halfway: ABORT undoes the statement, FAIL keeps
    # what it wrote, ROLLBACK ends the transaction, IGNORE skips
    ["CREATE TABLE t (a UNIQUE, b NOT NULL DEFAULT 0)", "INSERT INTO t(a) VALUES (1)",
     "INSERT INTO t(a) VALUES (2), (1)", "INSERT OR FAIL INTO t(a) VALUES (3), (1)",
     "INSERT OR IGNORE INTO t(a) VALUES (5), (1)", "INSERT OR ROLLBACK INTO t(a) VALUES (4), (1)"],
    # the same inside an explicit transaction
    ["CREATE TABLE t (a UNIQUE, b NOT NULL DEFAULT 0)", "BEGIN", "INSERT INTO t(a) VALUES (1)",
     "INSERT INTO t(a) VALUES (2), (1)", "INSERT OR FAIL INTO t(a) VALUES (3), (1)",
     "INSERT OR ROLLBACK INTO t(a) VALUES (4), (1)", "INSERT INTO t(a) VALUES (9)"],
    # one-row statements (no statement journal) failing in a transaction
    ["CREATE TABLE t (id INTEGER PRIMARY KEY, a UNIQUE, b NOT NULL, c CHECK (c > 0))",
     "BEGIN", "INSERT INTO t VALUES (1, 1, 1, 1)", "INSERT INTO t VALUES (1, 2, 1, 1)",
     "INSERT INTO t VALUES (2, 1, 1, 1)", "INSERT INTO t VALUES (3, 3, NULL, 1)",
     "INSERT INTO t VALUES (4, 4, 1, 0)", "INSERT OR FAIL INTO t VALUES (1, 5, 1, 1)",
     "INSERT OR IGNORE INTO t VALUES (1, 6, 1, 1)", "UPDATE t SET b = NULL WHERE id = 1",
     "UPDATE OR FAIL t SET c = -1 WHERE id = 1", "DELETE FROM t WHERE id = 7",
     "INSERT OR REPLACE INTO t VALUES (1, 7, 1, 1)", "INSERT INTO t VALUES (8, 8, 8, 8)",
     "INSERT OR ROLLBACK INTO t VALUES (8, 9, 9, 9)", "INSERT INTO t VALUES (10, 10, 10, 10)"],
    # one-row writes in autocommit mode, with an open reader of the same connection
    ["CREATE TABLE t (id INTEGER PRIMARY KEY, a UNIQUE)", "INSERT INTO t VALUES (1, 1)",
     "INSERT INTO t VALUES (2, 1)", "UPDATE t SET a = 5 WHERE id = 1",
     "INSERT OR ROLLBACK INTO t VALUES (3, 5)", "DELETE FROM t WHERE id = 1"],
]


def _run(mod: Any, script: list[str]) -> list[Any]:
    con = mod.connect(":memory:", isolation_level=None)
    out: list[Any] = []
    for sql in script:
        try:
            con.execute(sql).fetchall()
            res: Any = "ok"
        except mod.Error as e:
            kind = next(k for k in ("IntegrityError", "OperationalError", "DatabaseError")
                        if isinstance(e, getattr(mod, k)))
            res = f"{kind}: {e}"
        out.append((sql, res, con.execute("SELECT changes(), total_changes()").fetchone(),
                    con.in_transaction))
    out.append(con.execute("SELECT * FROM t ORDER BY 1").fetchall())
    return out


@pytest.mark.parametrize("script", SCRIPTS)
def test_failing_writes_leave_what_sqlite_leaves(script: list[str]) -> None:
    assert _run(pyrite, script) == _run(sqlite3, script)


def test_single_write_statements_skip_the_statement_journal() -> None:
    # the case the fast path is for: the flag is set for a one-row VALUES insert and a
    # rowid update, not for a multi-row insert
    con = pyrite.connect(":memory:")
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a)")
    s = con._session
    one = s.prepare("INSERT INTO t VALUES (1, 2)")[0]
    many = s.prepare("INSERT INTO t VALUES (1, 2), (3, 4)")[0]
    upd = s.prepare("UPDATE t SET a = 1 WHERE id = 1")[0]
    assert (one.program.single_write, many.program.single_write, upd.program.single_write) \
        == (True, False, True)
