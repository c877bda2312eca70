"""Expression indexes (CREATE INDEX over existing rows, maintenance on every
write, SQLite's checks and messages) and REINDEX, against sqlite3."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from tests.exec.oracle import same_as_sqlite

import pyrite

CASES = [
    ["create table t(a, b)", "create unique index ti on t(a + b)", "insert into t values (1, 2)",
     "insert into t values (2, 1)", "insert or ignore into t values (2, 1)",
     "insert or replace into t values (0, 3)", "select * from t", "update t set a = 5",
     "select * from t", "pragma integrity_check"],
    ["create table t(a, b)", "create index tj on t(random())", "create index tj on t(a + (select 1))",
     "create index tz on t(zz + 1)", "create index tq on t('abc')", "create index tq2 on t(\"a\")",
     "create index tdt on t(date('now'))", "create index tdt2 on t(date(a))",
     "create index tdt3 on t(strftime('%Y', b))"],
    ["create table t(a, b)", "insert into t values (5, 'Hello'), (6, 'hello'), (7, 'x')",
     "create index tk on t(lower(b) collate nocase desc, a)",
     "select * from t where lower(b) = 'hello' order by a",
     "update t set b = b || 'x' where a > 5",
     "select a, b from t indexed by tk order by lower(b) collate nocase desc, a",
     "delete from t where a = 6", "select * from t", "pragma integrity_check"],
    ["create table t(a, b)", "insert into t values (1, 'a'), (2, 'A')",
     "create unique index te on t(upper(b))", "create unique index te on t(b || '')",
     "insert into t values (9, 'a')", "select * from t"],
    ["create table w(k primary key, v) without rowid", "create unique index wi on w(v * 2)",
     "insert into w values (1, 1), (2, 2)", "insert into w values (3, 1.0)",
     "insert or replace into w values (3, 1.0)", "select * from w",
     "update w set v = v + 10 where k = 3", "select * from w", "pragma integrity_check"],
    ["create table t(a collate nocase, b)", "create index ta on t(a)", "create index tb on t(b)",
     "insert into t values ('x', 1), ('Y', 2)", "reindex", "reindex nocase", "reindex binary",
     "reindex t", "reindex ta", "reindex zz", "select * from t where a = 'X'",
     "pragma integrity_check"],
]


@pytest.mark.parametrize("case", CASES)
def test_statements(case: list[str]) -> None:
    same_as_sqlite(case)


def test_expression_index_file(tmp_path: Path) -> None:
    path = str(tmp_path / "x.db")
    d = pyrite.connect(path)
    d.execute("create table e(x, y, z)")
    d.executemany("insert into e values (?, ?, ?)", [(i, i * 2, f"v{i % 7}") for i in range(800)])
    d.execute("create index ex on e(x + y)")
    d.execute("create index ez on e(upper(z), x desc)")
    d.execute("update e set y = y + 1 where x % 3 = 0")
    d.execute("delete from e where x % 5 = 0")
    d.execute("insert into e values (10000, 1, 'q')")
    d.execute("reindex ex")
    d.commit()
    d.close()
    c = sqlite3.connect(path)
    assert c.execute("pragma integrity_check").fetchall() == [("ok",)]
    assert c.execute("select x from e indexed by ex where x + y = 10001").fetchall() == [(10000,)]
    assert c.execute("select count(*) from e indexed by ez where upper(z) = 'V3'").fetchone() == (
        c.execute("select count(*) from e not indexed where upper(z) = 'V3'").fetchone())
    c.close()
