"""Error offsets (sqlite3_error_offset) against SQLite 3.40.1: the shell's caret
under a failing name comes from the `offset` of pyrite's exception, which must
be where SQLite puts it (or -1 where SQLite has none)."""

from __future__ import annotations

import sqlite3

import pytest

import pyrite

from . import oracle_module

SETUP = ("CREATE TABLE t(a, b); CREATE TABLE u(a, c); CREATE VIEW v AS SELECT a FROM t;")

CASES = [
    "select nosuch from t",
    "  select  nosuch  from t",
    "select t.zz from t",
    "select x.a from t",
    "select abs(zz) from t",
    "select a + zz from t",
    "select a from t order by zz",
    "select a from t group by zz",
    "select a from t limit zz",
    "select (select zz) from t",
    "select 1 from t where a in (select zz from u)",
    "with c as (select 1) select zz from c",
    "select zz from v",
    "select count(*) over (order by zz) from t",
    "select zeroblob(1) from t where a = x'00' and zz",
    "update t set a = zz",
    "delete from t where zz",
    "select a from t, u",
    "select a from t, t as t2",
    "select nofunc(1)",
    "select abs(1, 2)",
    "select min() from t",
    "select count(a, b) from t",
    "select group_concat() from t",
    "select sum(a) from t where sum(a) > 1",
    "select a from t where a = 1 and nofunc()",
    "create table t(x)",
    "create table main.t(x)",
    "create view v as select 1",
    "create index i on t(zz)",
    "select * from nosuch",
    "insert into t(zz) values(1)",
    "insert into nosuch values(1)",
    "select count(*) from t group by max(a)",
    "select json_extract('{', '$')",
    "select 'é' || zz from t",
    "select '€𝄞' || nofunc(1)",
]


def _oracle(sql: str) -> tuple[str, int]:
    con = sqlite3.connect(":memory:")
    con.executescript(SETUP)
    try:
        con.execute(sql).fetchall()
    except sqlite3.Error as e:
        return str(e), oracle_module._error_offset(con)
    raise AssertionError(f"no error: {sql}")


def _ours(sql: str) -> tuple[str, int]:
    con = pyrite.connect(":memory:")
    con.executescript(SETUP)
    try:
        con.execute(sql).fetchall()
    except pyrite.Error as e:
        return str(e), e.offset
    raise AssertionError(f"no error: {sql}")


@pytest.mark.skipif(oracle_module._LIB is None, reason="libsqlite3 not loadable through ctypes")
@pytest.mark.parametrize("sql", CASES)
def test_offset_matches_sqlite(sql: str) -> None:
    msg, offset = _oracle(sql)
    if offset >= 0:
        offset = len(sql.encode()[:offset].decode())  # pyrite counts characters
    assert _ours(sql) == (msg, offset)
