"""STRICT tables: datatype checks on CREATE and on every write, with SQLite's
messages, against sqlite3."""

from __future__ import annotations

import pytest
from tests.exec.oracle import same_as_sqlite

BASE = ["create table s(a int, b integer, c real, d text, e blob, f any) strict"]
CASES = [
    ["insert into s values (1, 2, 3, 4, 5, 6)", "insert into s values ('12', '0x10', '1.5', 4, x'00', '7')",
     "insert into s(a) values ('abc')", "insert into s(a) values (1.5)", "insert into s(a) values (2.0)",
     "insert into s(c) values ('abc')", "insert into s(c) values (3)", "insert into s(d) values (x'00')",
     "insert into s(e) values (1)", "insert into s(d) values (1.5)", "update s set a = 'q'",
     "select typeof(a), typeof(b), typeof(c), typeof(d), typeof(e), typeof(f), * from s"],
    ["create table s2(a) strict", "create table s3(a varchar) strict",
     "create table s4(a int primary key, b) strict", "create table s5(a integer primary key) strict",
     "insert into s5 values ('x')", "insert into s5 values ('5')", "select * from s5",
     "pragma table_info(s)"],
    ["insert or ignore into s(a) values ('x')", "insert or replace into s(a) values ('x')",
     "insert into s(f) values ('7'), (7), (x'01'), (1.5)", "select typeof(f), f from s"],
    ["create table w(k text primary key, v int) strict, without rowid",
     "insert into w values (1, 2)", "insert into w values ('1', 'x')", "select typeof(k), * from w"],
]


@pytest.mark.parametrize("case", CASES)
def test_strict(case: list[str]) -> None:
    stmts = BASE + case
    same_as_sqlite(stmts)
