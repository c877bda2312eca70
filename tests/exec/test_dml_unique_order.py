"""The order SQLite checks a row's uniqueness constraints in (ON CONFLICT targets
first, then the newest index first, REPLACE ones last; a WITHOUT ROWID table's
PRIMARY KEY where its constraint stands), which decides the error message, whether
an UPSERT applies and which of REPLACE/IGNORE acts; and the numbering and origin of
automatic indexes (INTEGER PRIMARY KEY of a WITHOUT ROWID table last, a PRIMARY KEY
over a UNIQUE constraint's columns taking that index over), against sqlite3."""

from __future__ import annotations

import pytest
from tests.exec.oracle import same_as_sqlite

CASES = [
    ["CREATE TABLE t(a, b, c, d)", "CREATE UNIQUE INDEX ia ON t(a)", "CREATE UNIQUE INDEX ib ON t(b)",
     "CREATE UNIQUE INDEX ic ON t(c)", "INSERT INTO t VALUES (1, 1, 1, 1)",
     "INSERT INTO t VALUES (1, 1, 1, 2)",
     "INSERT INTO t VALUES (1, 1, 1, 3) ON CONFLICT(a) DO NOTHING",
     "INSERT INTO t VALUES (1, 1, 1, 3) ON CONFLICT(b) DO UPDATE SET d = 9",
     "INSERT INTO t VALUES (1, 1, 1, 3) ON CONFLICT(c) DO UPDATE SET d = 8 "
     "ON CONFLICT(a) DO UPDATE SET d = 7", "SELECT * FROM t"],
    ["CREATE TABLE r(a UNIQUE ON CONFLICT REPLACE, b UNIQUE, c UNIQUE ON CONFLICT IGNORE)",
     "INSERT INTO r VALUES (1, 1, 1), (2, 2, 2)", "INSERT INTO r VALUES (1, 2, 3)", "SELECT * FROM r",
     "INSERT INTO r VALUES (2, 5, 1)", "INSERT INTO r VALUES (1, 2, 1)", "SELECT * FROM r",
     "CREATE TABLE mix(a, b, c, UNIQUE(a, b), UNIQUE(c) ON CONFLICT REPLACE, UNIQUE(b))",
     "INSERT INTO mix VALUES (1, 2, 3), (4, 5, 6)", "INSERT INTO mix VALUES (1, 2, 6)",
     "INSERT OR IGNORE INTO mix VALUES (1, 5, 6)", "SELECT * FROM mix", "UPDATE mix SET b = 5",
     "SELECT * FROM mix", "CREATE TABLE p(x, a UNIQUE, b UNIQUE)", "INSERT INTO p VALUES (1, 1, 1)",
     "INSERT INTO p VALUES (1, 1, 1)"],
    ["CREATE TABLE w(c0, c1, PRIMARY KEY (c0)) WITHOUT ROWID", "CREATE UNIQUE INDEX i1 ON w(c0, c1)",
     "INSERT INTO w VALUES (1, 1)", "INSERT INTO w VALUES (1, 1)",
     "INSERT OR REPLACE INTO w VALUES (1, 2)", "INSERT INTO w VALUES (2, 2)",
     "UPDATE w SET c0 = 1 WHERE c0 = 2", "UPDATE OR REPLACE w SET c0 = 1 WHERE c0 = 2",
     "SELECT * FROM w", "INSERT INTO w VALUES (1, 5) ON CONFLICT(c0) DO UPDATE SET c1 = 9",
     "INSERT INTO w VALUES (1, 9) ON CONFLICT(c0, c1) DO UPDATE SET c1 = 10", "SELECT * FROM w",
     "CREATE TABLE w1(a PRIMARY KEY ON CONFLICT REPLACE, b UNIQUE ON CONFLICT IGNORE, c UNIQUE) "
     "WITHOUT ROWID",
     "INSERT INTO w1 VALUES (1, 1, 1), (2, 2, 2)", "INSERT INTO w1 VALUES (1, 2, 3)",
     "INSERT INTO w1 VALUES (1, 3, 2)", "INSERT INTO w1 VALUES (1, 3, 3)", "SELECT * FROM w1",
     "CREATE TABLE w2(a INTEGER PRIMARY KEY, b UNIQUE, c UNIQUE) WITHOUT ROWID",
     "INSERT INTO w2 VALUES (1, 1, 1), (2, 2, 2)", "INSERT INTO w2 VALUES (1, 1, 1)",
     "INSERT INTO w2 VALUES (3, 1, 1)", "INSERT INTO w2 VALUES (1, 2, 3)"],
    ["CREATE TABLE w2(a INTEGER PRIMARY KEY, b UNIQUE, c UNIQUE) WITHOUT ROWID",
     "CREATE TABLE w3(a TEXT PRIMARY KEY, b UNIQUE, c UNIQUE) WITHOUT ROWID",
     "CREATE TABLE w4(b UNIQUE, c UNIQUE, a INT, PRIMARY KEY(a)) WITHOUT ROWID",
     "CREATE TABLE w5(b UNIQUE, a INTEGER, c UNIQUE, PRIMARY KEY(a)) WITHOUT ROWID",
     "CREATE TABLE w6(b UNIQUE, a INTEGER PRIMARY KEY DESC, c UNIQUE) WITHOUT ROWID",
     "CREATE TABLE w7(b UNIQUE, a integer, c UNIQUE, PRIMARY KEY(a DESC)) WITHOUT ROWID",
     "CREATE TABLE w8(b UNIQUE, a INTEGER, c UNIQUE, PRIMARY KEY(a, b)) WITHOUT ROWID",
     "CREATE TABLE r1(a INTEGER PRIMARY KEY DESC, b UNIQUE)", "INSERT INTO r1 VALUES (1, 2), (3, 4)",
     "SELECT rowid, * FROM r1",
     "CREATE TABLE t(c0 INT UNIQUE, c1 UNIQUE, PRIMARY KEY (c0)) WITHOUT ROWID",
     "CREATE TABLE u(c0 INT UNIQUE, c1 UNIQUE, PRIMARY KEY (c0))",
     "CREATE TABLE v(c0 INTEGER UNIQUE, c1 UNIQUE, PRIMARY KEY (c0)) WITHOUT ROWID",
     "CREATE TABLE x(c0 UNIQUE ON CONFLICT IGNORE, c1, PRIMARY KEY (c0)) WITHOUT ROWID",
     "INSERT INTO t VALUES (1, 1), (2, 2)", "INSERT INTO x VALUES (1, 1)",
     "INSERT INTO x VALUES (1, 2)", "SELECT * FROM x", "SELECT * FROM t WHERE c0 = 2",
     "SELECT name, tbl_name FROM sqlite_schema WHERE type = 'index'",
     "PRAGMA index_list(w2)", "PRAGMA index_list(w5)", "PRAGMA index_list(w6)",
     "PRAGMA index_list(t)", "PRAGMA index_list(u)", "PRAGMA index_list(x)", "PRAGMA integrity_check"],
]


@pytest.mark.parametrize("case", CASES)
def test_unique_order(case: list[str]) -> None:
    same_as_sqlite(case)
