"""Generated columns (GENERATED ALWAYS AS … VIRTUAL / STORED, and the short `AS (…)`)
against sqlite3: values on read and write, affinity, constraints, indexes on them,
triggers, UPSERT, WITHOUT ROWID, SQLite's refusals and their messages, and the file
layout (VIRTUAL columns absent from the record) in both directions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from tests.exec.oracle import same_as_sqlite

import pyrite

BASIC = [
    "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c INT AS (length(b)), "
    "d REAL AS (a * 1.5) STORED, e AS (b || '-' || c), f NUMERIC AS (substr(b, 1, 1)) STORED)",
    "CREATE TABLE o(x, y)",
    "INSERT INTO t(b) VALUES ('apple'), ('kiwi'), ('banana'), (NULL), ('fig'), ('12')",
    "INSERT INTO o VALUES (5, 'five'), (4, 'four'), (3, 'three'), (NULL, 'null')",
]

CASES = [
    # reads: SELECT *, WHERE, GROUP BY, DISTINCT, windows, joins, subqueries
    BASIC + [
        "SELECT * FROM t", "SELECT typeof(c), typeof(d), typeof(e), typeof(f) FROM t",
        "SELECT c, count(*), sum(d) FROM t GROUP BY c ORDER BY c",
        "SELECT DISTINCT c FROM t ORDER BY 1",
        "SELECT a, c, row_number() OVER (ORDER BY c DESC, a) FROM t",
        "SELECT t.b, o.y FROM t JOIN o ON o.x = t.c ORDER BY t.a",
        "SELECT t.b, o.y, t.e FROM o LEFT JOIN t ON o.x = t.c ORDER BY o.x, t.a",
        "SELECT t.e, o.y FROM o LEFT JOIN t ON o.x = t.c AND t.c > 3 ORDER BY o.x, t.a",
        "SELECT (SELECT max(c) FROM t), (SELECT count(*) FROM t t2 WHERE t2.c = t.c) FROM t",
        "SELECT a FROM t WHERE c IN (SELECT x FROM o) ORDER BY a",
        "SELECT a FROM t WHERE e LIKE 'b%'", "SELECT min(c), max(c), min(e), max(d) FROM t",
        "CREATE VIEW v AS SELECT a, c, e FROM t WHERE c > 3", "SELECT * FROM v ORDER BY a",
        "CREATE TABLE copy AS SELECT * FROM t", "SELECT * FROM copy", "PRAGMA table_xinfo(copy)",
        "PRAGMA table_info(t)", "PRAGMA table_xinfo(t)",
    ],
    # indexes on generated columns: searches, order, uniqueness, writes keep them in step
    BASIC + [
        "CREATE INDEX tc ON t(c)", "CREATE INDEX tec ON t(e, c)",
        "CREATE UNIQUE INDEX tf ON t(f) WHERE f IS NOT NULL",
        "SELECT a FROM t WHERE c = 4", "SELECT a, c FROM t WHERE c > 3 ORDER BY c",
        "SELECT a FROM t ORDER BY c DESC, a", "SELECT c FROM t ORDER BY c",
        "SELECT e, c FROM t WHERE e > 'b'", "SELECT min(c), max(c) FROM t",
        "SELECT count(*) FROM t WHERE c BETWEEN 3 AND 5",
        "INSERT INTO t(b) VALUES ('avocado')", "INSERT INTO t(b) VALUES ('xyz')",
        "UPDATE t SET b = 'cherry' WHERE c = 4", "UPDATE t SET b = b || 'z' WHERE e LIKE 'f%'",
        "DELETE FROM t WHERE c = 6", "SELECT * FROM t ORDER BY a", "SELECT a FROM t WHERE c = 7",
        "INSERT INTO t(b) SELECT b || '2' FROM t WHERE c < 5", "PRAGMA integrity_check",
        "CREATE TABLE ex(a, b AS (a + 1))", "CREATE INDEX exi ON ex(b * 2)",
        "INSERT INTO ex VALUES (1), (2)", "SELECT a FROM ex WHERE b * 2 = 6",
    ],
    # CHECK / NOT NULL / UNIQUE on generated columns, conflict clauses
    [
        "CREATE TABLE k(a, b AS (a + 1) CHECK (b < 10), "
        "c AS (a * 2) STORED NOT NULL ON CONFLICT IGNORE, CHECK (b + c < 20))",
        "INSERT INTO k VALUES (1)", "INSERT INTO k VALUES (9)", "INSERT INTO k VALUES (6)",
        "INSERT INTO k VALUES (NULL)", "INSERT OR IGNORE INTO k VALUES (50)", "SELECT * FROM k",
        "UPDATE k SET a = 8", "UPDATE OR IGNORE k SET a = a + 1", "SELECT * FROM k",
        "CREATE TABLE m(a, b AS (a * 2) UNIQUE ON CONFLICT REPLACE, c)",
        "INSERT INTO m(a, c) VALUES (1, 'one'), (2, 'two'), (1, 'uno')", "SELECT * FROM m",
        "UPDATE m SET a = 2 WHERE c = 'uno'", "SELECT * FROM m",
        "CREATE TABLE oo(a, b AS (a) NOT NULL ON CONFLICT REPLACE)", "INSERT INTO oo VALUES (NULL)",
        "CREATE TABLE rd(id INTEGER PRIMARY KEY, c1 TEXT NOT NULL DEFAULT 'x', "
        "g AS (c1 || c1) STORED, h AS (c1 || 'v'))",
        "REPLACE INTO rd(c1) VALUES (10), (NULL)", "SELECT * FROM rd",
        "CREATE TABLE rp(a UNIQUE, b AS (a || 'x') UNIQUE, c)",
        "INSERT INTO rp(a, c) VALUES (1, 1), (2, 2)", "INSERT OR REPLACE INTO rp(a, c) VALUES (1, 3)",
        "SELECT * FROM rp", "SELECT b FROM rp WHERE b = '1x'",
    ],
    # UPSERT, RETURNING, triggers (NEW/OLD see the generated values)
    [
        "CREATE TABLE n(a UNIQUE, b AS (a || '!'), c)", "INSERT INTO n(a, c) VALUES (1, 0)",
        "INSERT INTO n(a, c) VALUES (1, 5) ON CONFLICT(a) DO UPDATE SET c = excluded.c + length(b) "
        "WHERE b = '1!' RETURNING *",
        "INSERT INTO n(a, c) VALUES (1, 5) ON CONFLICT DO NOTHING",
        "INSERT INTO n VALUES (1, 1) ON CONFLICT(a) DO UPDATE SET b = 3",
        "SELECT * FROM n", "UPDATE n SET a = 7 RETURNING b, a, c", "DELETE FROM n RETURNING *",
        "CREATE TABLE tr(a, b AS (a*2), c AS (a*3) STORED)", "CREATE TABLE log(x)",
        "CREATE TRIGGER t1 BEFORE INSERT ON tr BEGIN INSERT INTO log VALUES "
        "('bi ' || new.a || ' ' || quote(new.b) || ' ' || quote(new.c)); END",
        "CREATE TRIGGER t2 AFTER INSERT ON tr BEGIN INSERT INTO log VALUES "
        "('ai ' || new.a || ' ' || quote(new.b) || ' ' || quote(new.c)); END",
        "CREATE TRIGGER t3 BEFORE UPDATE ON tr BEGIN INSERT INTO log VALUES "
        "('bu ' || new.a || ' ' || quote(new.b) || ' ' || quote(new.c) || ' ' || quote(old.b)); END",
        "CREATE TRIGGER t4 AFTER UPDATE ON tr BEGIN INSERT INTO log VALUES "
        "('au ' || new.a || ' ' || quote(new.b) || ' ' || quote(new.c) || ' ' || quote(old.b)); END",
        "CREATE TRIGGER t5 BEFORE DELETE ON tr BEGIN INSERT INTO log VALUES "
        "('bd ' || old.a || ' ' || quote(old.b) || ' ' || quote(old.c)); END",
        "INSERT INTO tr VALUES ('1')", "UPDATE tr SET a = 2", "DELETE FROM tr", "SELECT * FROM log",
        # a BEFORE trigger's NEW row has the columns' affinity applied (with or without
        # generated columns)
        "CREATE TABLE pa(a INT, b TEXT)", "CREATE TABLE ga(a INT, b TEXT, c AS (a + 1))",
        "CREATE TRIGGER pb BEFORE INSERT ON pa BEGIN INSERT INTO log VALUES "
        "(typeof(new.a) || typeof(new.b)); END",
        "CREATE TRIGGER pu BEFORE UPDATE ON pa BEGIN INSERT INTO log VALUES "
        "('u' || typeof(new.a) || typeof(new.b)); END",
        "CREATE TRIGGER gb BEFORE INSERT ON ga BEGIN INSERT INTO log VALUES "
        "(typeof(new.a) || typeof(new.b) || new.c); END",
        "INSERT INTO pa VALUES ('5', 6)", "UPDATE pa SET a = '7', b = 8",
        "INSERT INTO ga VALUES ('5', 6)", "SELECT * FROM log",
    ],
    # affinity of the declared type, collation, STRICT, WITHOUT ROWID
    [
        "CREATE TABLE af(a, b INT AS (a), c TEXT AS (a), d REAL AS (a + 0.5), e BLOB AS (a), "
        "f NUMERIC AS (a), g INTEGER AS (a || '5') STORED)",
        "INSERT INTO af VALUES ('1'), (2), (3.0), ('x'), (X'01')",
        "SELECT typeof(b), typeof(c), typeof(d), typeof(e), typeof(f), typeof(g), * FROM af",
        "SELECT quote(b), quote(c) FROM af WHERE b = 1 OR c = '2'",
        "CREATE TABLE s10(a TEXT, b AS (typeof(a)) STORED, c AS (typeof(a)))",
        "INSERT INTO s10 VALUES (5)", "SELECT * FROM s10",
        "CREATE TABLE s(a TEXT COLLATE NOCASE, b AS (a), c AS (a) COLLATE BINARY)",
        "INSERT INTO s VALUES ('X'), ('x'), ('y')", "SELECT count(*) FROM s WHERE b = 'x'",
        "SELECT count(*) FROM s WHERE c = 'x'", "SELECT * FROM s ORDER BY b, c",
        "CREATE TABLE st2(a INT, b INT AS (a * 2), c ANY AS (a || '')) STRICT",
        "INSERT INTO st2 VALUES (4)", "SELECT *, typeof(c) FROM st2",
        "CREATE TABLE wr(k INT, g AS (k * k) STORED, v, h AS (v || k), PRIMARY KEY (k, v)) "
        "WITHOUT ROWID",
        "INSERT INTO wr(k, v) VALUES (3, 'a'), (1, 'b'), (2, 'c')", "SELECT * FROM wr",
        "UPDATE wr SET v = v || v WHERE g > 3", "SELECT * FROM wr", "CREATE INDEX wrh ON wr(h)",
        "SELECT k FROM wr WHERE h = 'cc2'", "DELETE FROM wr WHERE h LIKE 'b%'", "SELECT * FROM wr",
        "PRAGMA integrity_check",
        "CREATE TABLE chain(a, b AS (c + 1), c AS (a * 10) STORED, d AS (b + c))",
        "INSERT INTO chain VALUES (1), (2)", "SELECT * FROM chain", "UPDATE chain SET a = a + 1",
        "SELECT * FROM chain WHERE d > 30",
    ],
    # INSERT column lists and counts, UPDATE of a generated column
    [
        "CREATE TABLE iv(a, b AS (a), c)", "INSERT INTO iv VALUES (1, 2)",
        "INSERT INTO iv(a, c) VALUES (1, 2)", "INSERT INTO iv(c, a) SELECT 5, 6",
        "INSERT INTO iv DEFAULT VALUES", "SELECT * FROM iv", "INSERT INTO iv VALUES (1, 2, 3)",
        "INSERT INTO iv VALUES (1)", "INSERT INTO iv(a, b, c) VALUES (1, 2, 3)",
        "UPDATE iv SET (a, b) = (1, 2)", "UPDATE iv SET c = b + 100 WHERE b = 6",
        "SELECT * FROM iv", "SELECT rowid, * FROM iv WHERE rowid = 2",
        "CREATE TABLE p9(a, \"B c\" AS (a))", "INSERT INTO p9(\"b C\") VALUES (1)",
        "UPDATE p9 SET \"b C\" = 1",
        "CREATE TABLE r2(a INTEGER PRIMARY KEY, b AS (a*2) STORED, c AS (b+1))",
        "INSERT INTO r2 VALUES (NULL)", "INSERT INTO r2 VALUES (NULL, 5)", "SELECT * FROM r2",
        "CREATE TABLE p12(a AS (b), b)", "INSERT INTO p12 VALUES (1)", "SELECT * FROM p12",
    ],
    # CREATE TABLE refusals
    [
        "CREATE TABLE e1(a, b AS (a) DEFAULT 5)", "CREATE TABLE e2(a DEFAULT 3 AS (1))",
        "CREATE TABLE e3(a, b AS (a) NOT NULL DEFAULT 3)", "CREATE TABLE e4(a, b PRIMARY KEY AS (a))",
        "CREATE TABLE e5(a, b GENERATED ALWAYS AS (a) VIRTUAL PRIMARY KEY)",
        "CREATE TABLE e6(a, b AS (a), PRIMARY KEY(b))", "CREATE TABLE e7(a AS (1), b AS (2))",
        "CREATE TABLE e8(a, b AS (abs(random())))", "CREATE TABLE e9(a, b AS ((SELECT 1)))",
        "CREATE TABLE e10(a, b AS (count(a)))", "CREATE TABLE e11(a, b AS (max(a)))",
        "CREATE TABLE e12(a, b AS (max(a, 1)))", "CREATE TABLE e13(a, b AS (sum(a) OVER ()))",
        "CREATE TABLE e14(a, b AS (a IN (SELECT 1)))", "CREATE TABLE e15(a, b AS (e15.a + 1))",
        "CREATE TABLE e16(a, b AS (current_time))", "CREATE TABLE e17(a, b AS (x))",
        "CREATE TABLE e18(a, b AS (rowid))", "SELECT name FROM sqlite_schema",
    ],
    # generated column loops: refused when the column is computed, not at CREATE
    [
        "CREATE TABLE u(a, b AS (b+1))", "SELECT a FROM u", "INSERT INTO u VALUES (1)",
        "SELECT * FROM u", "SELECT b FROM u", "DELETE FROM u",
        "SELECT a FROM u WHERE b > 1", "UPDATE u SET a = 1 WHERE b = 2",
        "CREATE TABLE u2(a, b AS (c+1), c AS (b+1))", "SELECT a FROM u2", "SELECT * FROM u2",
        "SELECT c, b FROM u2", "SELECT b FROM u2", "INSERT INTO u2 VALUES (1)",
        "UPDATE u2 SET a = 2", "CREATE INDEX u2c ON u2(c)",
        "CREATE TABLE lp(a, b AS (c), c AS (d), d AS (c))", "SELECT a FROM lp", "SELECT * FROM lp",
        "INSERT INTO lp VALUES (1)", "CREATE INDEX lpb ON lp(b)", "CREATE INDEX lpa ON lp(a)",
    ],
    # ALTER TABLE: ADD COLUMN (VIRTUAL only), DROP COLUMN, RENAME COLUMN
    [
        "CREATE TABLE d(a, b AS (a*2), c)", "INSERT INTO d VALUES (1, 2)",
        "ALTER TABLE d DROP COLUMN b", "SELECT * FROM d", "INSERT INTO d VALUES (3, 4)",
        "SELECT * FROM d",
        "CREATE TABLE d2(a, b AS (a*2), c AS (b+1) STORED)", "INSERT INTO d2 VALUES (1)",
        "ALTER TABLE d2 DROP COLUMN b", "ALTER TABLE d2 DROP COLUMN c", "SELECT * FROM d2",
        "ALTER TABLE d2 ADD COLUMN e AS (a*3) STORED", "ALTER TABLE d2 ADD COLUMN e AS (a*3) NOT NULL",
        "SELECT * FROM d2", "ALTER TABLE d2 ADD COLUMN f INT AS (e+1) VIRTUAL",
        "SELECT * FROM d2", "INSERT INTO d2 VALUES (10)", "SELECT * FROM d2",
        "ALTER TABLE d2 RENAME COLUMN a TO aa", "SELECT sql FROM sqlite_schema WHERE name = 'd2'",
        "SELECT * FROM d2", "PRAGMA table_xinfo(d2)", "PRAGMA integrity_check",
        "ALTER TABLE d2 ADD COLUMN x AS (zz + 1)", "ALTER TABLE d2 ADD COLUMN x AS (random())",
        "ALTER TABLE d2 ADD COLUMN x AS ((SELECT 1))", "ALTER TABLE d2 ADD COLUMN x AS (d2.aa)",
        "ALTER TABLE d2 ADD COLUMN x AS (x + 1)", "SELECT aa FROM d2", "SELECT * FROM d2",
    ],
    # other statement shapes over generated columns
    [
        "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c INT AS (length(b)), d AS (a * 2) STORED)",
        "INSERT INTO t(b) VALUES ('aa'), ('bbb'), ('c'), ('dd')",
        "SELECT a, (SELECT t.c + t2.c FROM t t2 WHERE t2.a = t.a % 4 + 1) FROM t",
        "SELECT c, count(*) FROM t GROUP BY c HAVING c > 1 ORDER BY c",
        "SELECT c FROM t GROUP BY c HAVING max(d) > 2 ORDER BY 1",
        "SELECT sum(c) OVER (PARTITION BY c % 2 ORDER BY a) FROM t ORDER BY a",
        "SELECT * FROM (SELECT c, d FROM t WHERE c > 1) WHERE d > 2",
        "WITH x AS (SELECT c FROM t) SELECT sum(c) FROM x",
        "SELECT t.c, u.c FROM t, t AS u WHERE t.c = u.c AND t.a < u.a",
        "SELECT a FROM t WHERE EXISTS (SELECT 1 FROM t t2 WHERE t2.c = t.c AND t2.a <> t.a)",
        "CREATE TABLE src(k, v)", "INSERT INTO src VALUES (1, 'zzzz'), (2, 'y')",
        "UPDATE t SET b = src.v FROM src WHERE src.k = t.a", "SELECT * FROM t",
        "UPDATE t SET b = b || src.v FROM src WHERE src.k = t.c", "SELECT * FROM t",
        "CREATE TEMP TABLE tt(x, y AS (x * 3), z AS (x + 1) STORED)",
        "INSERT INTO tt VALUES (2), (5)", "SELECT * FROM tt", "CREATE INDEX temp.tty ON tt(y)",
        "SELECT x FROM tt WHERE y = 15", "VACUUM", "SELECT * FROM t", "PRAGMA integrity_check",
        "INSERT INTO t SELECT * FROM t", "INSERT INTO t(b) SELECT b FROM t",
        "SELECT count(*), sum(c), sum(d) FROM t",
    ],
]


@pytest.mark.parametrize("case", CASES)
def test_generated_columns(case: list[str]) -> None:
    same_as_sqlite(case)


SETUP = [
    "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c AS (length(b)) VIRTUAL, d INT AS (a*10) STORED, "
    "e, f AS (coalesce(e, b) || c))",
    "CREATE INDEX tc ON t(c)", "CREATE INDEX tf ON t(f, d)",
    "CREATE TABLE w(k TEXT PRIMARY KEY, v, g AS (upper(k)) STORED, h AS (v+1)) WITHOUT ROWID",
    "CREATE UNIQUE INDEX wh ON w(h)",
    "INSERT INTO t(b, e) VALUES ('x', 1), ('yy', NULL), ('zzz', 3.5), (NULL, 'q')",
    "INSERT INTO w(k, v) VALUES ('a', 1), ('b', 2), ('c', NULL)",
    "UPDATE t SET b = b || 'm' WHERE a = 2",
    "DELETE FROM w WHERE k = 'b'",
    "ALTER TABLE t ADD COLUMN z AS (d + 1)",
]
QUERIES = [
    "SELECT * FROM t", "SELECT * FROM w", "SELECT c, f FROM t WHERE c > 1 ORDER BY f",
    "SELECT * FROM w WHERE h = 2", "SELECT a, z FROM t WHERE z > 20", "PRAGMA integrity_check",
]


def _build(mod: object, path: Path) -> None:
    con = mod.connect(str(path))  # type: ignore[attr-defined]
    for s in SETUP:
        con.execute(s)
    con.commit()
    con.close()


def _read(mod: object, path: Path) -> list[object]:
    con = mod.connect(str(path))  # type: ignore[attr-defined]
    try:
        return [con.execute(q).fetchall() for q in QUERIES]
    finally:
        con.close()


def _records(path: Path) -> list[object]:
    """The raw records of t and w, decoded by pyrite's record codec."""
    from pyrite.storage import KeyInfo, iter_index, iter_table, record

    con = pyrite.connect(str(path))
    try:
        con.execute("SELECT 1 FROM t").fetchall()
        s = con._session  # type: ignore[attr-defined]
        t, w = s.catalog.table("t"), s.catalog.table("w")
        rows = [(r, record.decode(p)) for r, p in iter_table(s.pager, t.root)]
        return rows + list(iter_index(s.pager, w.root, KeyInfo((None,), (False,))))
    finally:
        con.close()


@pytest.mark.parametrize("maker", [sqlite3, pyrite], ids=["sqlite3-file", "pyrite-file"])
def test_file_layout_both_ways(tmp_path: Path, maker: object) -> None:
    """A file written by either engine reads the same in both; VIRTUAL columns are
    absent from the records, STORED ones in place (declared order minus VIRTUAL)."""
    path = tmp_path / "g.db"
    _build(maker, path)
    assert _read(pyrite, path) == _read(sqlite3, path)
    recs = _records(path)
    assert recs[:2] == [(1, [None, "x", 10, 1]), (2, [None, "yym", 20, None])]
    assert recs[-2:] == [("a", 1, "A"), ("c", None, "C")]


def test_same_records_from_both_engines(tmp_path: Path) -> None:
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    _build(sqlite3, a)
    _build(pyrite, b)
    assert _records(a) == _records(b)
