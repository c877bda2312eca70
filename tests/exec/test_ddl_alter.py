"""ALTER TABLE RENAME COLUMN / DROP COLUMN: SQLite's checks and messages, the
rewritten schema text and the rewritten rows, against sqlite3."""

from __future__ import annotations

import pytest
from tests.exec.oracle import same_as_sqlite

BASE = [
    "create table t(a integer primary key, \"b c\" text default 'b', c unique, d check(d>0), "
    "e references t(a), f, g)",
    "create index tf on t(f)", "create index tg on t(g) where g>0",
    "create view v as select f from t",
    "create trigger tr after insert on t begin select new.f; end",
    "create table one(x)", "create table two(x, y, primary key(x,y)) without rowid",
    "insert into t values (1, 'x', 2, 3, 1, 4, 5)",
]

CASES = [
    ["alter table t rename column zz to y", "alter table t rename column \"b c\" to c",
     "alter table t rename column \"b c\" to bb", "alter table t rename column f to ff",
     "select sql from sqlite_schema", "select * from t", "insert into t(ff) values (9)",
     "select * from v"],
    ["alter table t drop column zz", "alter table t drop column a", "alter table t drop column c",
     "alter table t drop column d", "alter table t drop column e", "alter table t drop column f",
     "alter table t drop column g", "alter table t drop column \"b c\"",
     "select sql from sqlite_schema where name = 't'", "select * from t",
     "insert into t values (2, 3, 4, 5)", "select * from t", "pragma integrity_check"],
    ["alter table one drop column x", "alter table two drop column y",
     "alter table v rename column f to q", "alter table v drop column f",
     "alter table sqlite_schema rename column x to y", "alter table sqlite_master drop column x"],
    ["alter table t rename column c to \"Select\"", "select sql from sqlite_schema where name = 't'",
     "select \"Select\" from t"],
    ["create table w(k primary key, v, z) without rowid", "insert into w values (1, 2, 3)",
     "alter table w drop column v", "select * from w", "insert into w values (2, 4)",
     "select * from w", "pragma integrity_check"],
    ["create table ck(a, b, check(a > b))", "alter table ck drop column b",
     "alter table ck rename column b to c", "select sql from sqlite_schema where name = 'ck'",
     "insert into ck values (1, 2)"],
]


@pytest.mark.parametrize("case", CASES)
def test_alter(case: list[str]) -> None:
    stmts = BASE + case
    same_as_sqlite(stmts)
