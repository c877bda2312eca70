"""SQL semantics compared with sqlite3 (SQLite 3.40.1) statement by statement:
rowid in index keys, TEMP-schema pragmas and ANALYZE, EXPLAIN QUERY PLAN of
schema-qualified and TEMP tables, the JSON subtype through nullif/CASE/coalesce
and sub-selects, and the pragmas that change behaviour (recursive_triggers,
ignore_check_constraints, automatic_index)."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from tests.exec.oracle import same_as_sqlite

import pyrite

T = ["create table t(a, b)", "insert into t values (1, 2), (3, 4)"]

# An index key may not name the rowid (no such column), its WHERE may; a column
# named rowid is a column.
INDEX_ROWID = [
    "create index i on t(rowid, a)", "create index i on t(a, rowid)", "create index i on t(oid)",
    "create index i on t(_rowid_)", "create index i on t(a + rowid)", "create index i on t(abs(rowid))",
    "create index i on t(a collate nocase, rowid desc)", "create index i on t(a) where rowid > 5",
    "create unique index i on t(a) where oid > 0", 'create index i on t("rowid")',
]


@pytest.mark.parametrize("stmt", INDEX_ROWID)
def test_index_rowid(stmt: str) -> None:
    same_as_sqlite(T + [stmt, "select name, sql from sqlite_schema"])


@pytest.mark.parametrize("stmts", [
    ["create table w(a primary key, b) without rowid", "create index i on w(rowid)",
     "create index j on w(b) where rowid > 1", "create index k on w(b + rowid)"],
    ["create table r(rowid, b)", "create index i on r(b, rowid)", "create index j on r(oid)"],
    ["create table p(id integer primary key, b)", "create index i on p(rowid)",
     "create index j on p(b, id)", "insert into p values (1, 2)", "select * from p where b = 2"],
])
def test_index_rowid_tables(stmts: list[str]) -> None:
    same_as_sqlite(stmts + ["select name, sql from sqlite_schema"])


# PRAGMA temp.<name> reads and sets the TEMP database's own header and settings;
# ANALYZE temp / temp.t / temp.i writes TEMP's sqlite_stat1 (plain ANALYZE skips TEMP).
TEMP_SETUP = ["create temp table tt(x, y)", "create index tti on tt(x)",
              "insert into tt values (1, 2), (1, 3), (2, 4)"]


@pytest.mark.parametrize("stmts", [
    ["pragma temp.user_version", "pragma temp.user_version = 7", "pragma temp.user_version",
     "pragma user_version", "pragma temp.application_id = 9", "pragma temp.application_id",
     "pragma main.application_id"],
    ["pragma temp.schema_version", "pragma temp.page_count", "pragma temp.freelist_count",
     "pragma temp.cache_size"],
    ["pragma temp.journal_mode", "pragma temp.journal_mode = wal", "pragma temp.journal_mode = memory",
     "pragma temp.journal_mode = off", "pragma temp.journal_mode = persist", "pragma temp.journal_mode",
     "pragma journal_mode"],
    ["pragma temp.cache_size = 100", "pragma temp.cache_size", "pragma cache_size",
     "pragma temp.cache_spill", "pragma temp.synchronous = 2", "pragma temp.synchronous",
     "pragma synchronous", "pragma temp.locking_mode = normal", "pragma temp.locking_mode"],
    ["pragma temp.page_size = 1024", "pragma temp.page_size", "pragma page_size",
     "pragma temp.max_page_count = 10", "pragma temp.max_page_count", "pragma max_page_count",
     "pragma temp.auto_vacuum = 1", "pragma temp.auto_vacuum", "pragma temp.schema_version = 5",
     "pragma temp.schema_version"],
    ["pragma temp.table_list", "pragma main.table_list", "pragma nosuch.user_version"],
])
def test_temp_pragmas(stmts: list[str]) -> None:
    same_as_sqlite(stmts)


@pytest.mark.parametrize("stmts", [
    TEMP_SETUP + ["pragma temp.schema_version", "pragma temp.page_count", "pragma temp.cache_size",
                  "pragma temp.user_version = 3", "pragma temp.user_version", "pragma user_version",
                  "pragma temp.table_list", "pragma table_list"],
    TEMP_SETUP + ["analyze temp", "select * from temp.sqlite_stat1", "select * from sqlite_stat1"],
    TEMP_SETUP + ["analyze", "select * from temp.sqlite_schema", "select name from sqlite_schema"],
    TEMP_SETUP + ["analyze temp.tt", "select * from temp.sqlite_stat1"],
    TEMP_SETUP + ["analyze temp.tti", "select * from temp.sqlite_stat1"],
    TEMP_SETUP + ["analyze tt", "select * from temp.sqlite_stat1", "select name from sqlite_schema"],
    TEMP_SETUP + ["analyze temp.nosuch", "analyze nosuch.tt", "analyze nosuch", "analyze main",
                  "select * from main.sqlite_stat1"],
    ["analyze temp", "select * from temp.sqlite_schema", "analyze main", "select * from sqlite_schema"],
    ["create table t(a)", "insert into t values (1)", "create temp table t(q)",
     "insert into t values (5), (6)", "analyze t", "select * from temp.sqlite_stat1",
     "analyze main.t", "select * from main.sqlite_stat1"],
])
def test_temp_analyze(stmts: list[str]) -> None:
    same_as_sqlite(stmts)


def _plan(mod: Any, setup: list[str], query: str) -> list[str]:
    """EXPLAIN QUERY PLAN lines as an indented tree (ids differ between engines)."""
    con = mod.connect(":memory:")
    for s in setup:
        con.execute(s)
    rows = con.execute("explain query plan " + query).fetchall()
    depth: dict[int, int] = {0: -1}
    out = []
    for i, parent, _, text in rows:
        depth[i] = depth.get(parent, -1) + 1
        out.append("  " * depth[i] + text)
    con.close()
    return out


EQP_SETUP = ["create table t(a, b)", "create index ti on t(a)", "create temp table tt(x, y)",
             "create index tti on tt(x)", "create table w(k primary key, v) without rowid"]


# A table written with its schema and no alias is "main.t" / "temp.t" in plan lines.
@pytest.mark.parametrize("query", [
    "select * from main.t", "select * from main.t where a = 1", "select * from MAIN.t",
    "select * from main.t as q where a = 1", "select * from temp.tt where x = 1",
    "select * from tt where x = 1", "select * from main.t, temp.tt where a = x",
    "select max(a) from main.t", "select max(a) from t as q", "select count(*) from main.t",
    "select count(*) from main.t as q", "select * from main.sqlite_schema",
    "select * from temp.sqlite_schema", "select * from (select * from main.t)",
    "with c as (select * from main.t) select * from c", "select * from main.t where b = 2 order by a",
    "select * from main.t indexed by ti where a > 1", "select * from t as q, main.t",
    "update main.t set b = 1 where a = 2", "delete from main.t where a = 2",
    "update main.t as q set b = 1 where a = 2", "update main.w set v = 1 where k = 2",
    "delete from main.w where k = 2", "delete from main.t where a = 2 and b in (select v from main.w)",
])
def test_plan_schema_names(query: str) -> None:
    assert _plan(pyrite, EQP_SETUP, query) == _plan(sqlite3, EQP_SETUP, query)


# PRAGMA recursive_triggers: a trigger's statement fires triggers again, itself
# included, and a REPLACE's deleted rows fire DELETE triggers (only when it is on).
TRG = ["create table t(a integer primary key, b unique, c)", "create table log(x)",
       "create trigger td before delete on t begin insert into log values ('bd ' || old.a); end",
       "create trigger tda after delete on t begin insert into log values ('ad ' || old.a); end",
       "insert into t values (1, 10, 0), (2, 20, 0)"]


@pytest.mark.parametrize("stmts", [
    TRG + ["replace into t values (3, 10, 0)", "select * from log", "pragma recursive_triggers = 1",
           "replace into t values (4, 20, 0)", "insert or replace into t values (3, 30, 0)",
           "update or replace t set b = 30 where a = 4", "select * from log", "select * from t",
           "pragma recursive_triggers = 0", "replace into t values (5, 30, 0)", "select * from log"],
    ["create table w(k primary key, v unique) without rowid", "create table log(x)",
     "create trigger wd after delete on w begin insert into log values (old.k); end",
     "insert into w values (1, 1), (2, 2)", "pragma recursive_triggers = on",
     "replace into w values (3, 1)", "update or replace w set v = 2 where k = 3", "select * from log"],
    ["create table r(n)", "pragma recursive_triggers = 1",
     "create trigger rt after insert on r when new.n < 5 begin insert into r values (new.n + 1); end",
     "insert into r values (1)", "select * from r", "pragma recursive_triggers = 0",
     "insert into r values (1)", "select * from r", "pragma recursive_triggers"],
    ["create table p(n)", "pragma recursive_triggers = 1",
     "create trigger pu after update on p when new.n < 10 begin update p set n = new.n + 1; end",
     "insert into p values (1)", "update p set n = 2", "select * from p"],
    ["create table q1(n)", "create table q2(n)", "pragma recursive_triggers = 1",
     "create trigger a after insert on q1 when new.n < 6 begin insert into q2 values (new.n + 1); end",
     "create trigger b after insert on q2 when new.n < 6 begin insert into q1 values (new.n + 1); end",
     "insert into q1 values (1)", "select * from q1", "select * from q2",
     "pragma recursive_triggers = 0", "insert into q1 values (1)", "select * from q1"],
    ["create table d(n)", "insert into d values (1), (2), (3)", "pragma recursive_triggers = 1",
     "create trigger dd before delete on d begin delete from d where n = old.n + 1; end",
     "delete from d where n = 1", "select * from d"],
])
def test_recursive_triggers(stmts: list[str]) -> None:
    same_as_sqlite(stmts)


def test_trigger_recursion_limit() -> None:
    """Endless recursion stops with SQLite's message (pyrite stops sooner than
    SQLite's 1000 levels, when Python's stack runs short) and changes nothing."""
    for mod in (sqlite3, pyrite):
        con = mod.connect(":memory:", isolation_level=None)
        con.execute("pragma recursive_triggers = 1")
        con.execute("create table inf(n)")
        con.execute("create trigger it after insert on inf begin "
                    "insert into inf values (new.n + 1); end")
        with pytest.raises(mod.OperationalError, match="too many levels of trigger recursion"):
            con.execute("insert into inf values (1)")
        assert con.execute("select count(*) from inf").fetchone() == (0,)
        con.close()


# PRAGMA ignore_check_constraints: CHECKs are not enforced while it is on. An
# UPDATE tests only the CHECKs that read a column it sets.
@pytest.mark.parametrize("stmts", [
    ["create table t(a check (a > 0), b, constraint bb check (b < 10))", "insert into t values (1, 1)",
     "insert into t values (0, 1)", "pragma ignore_check_constraints = 1", "insert into t values (0, 20)",
     "update t set a = -5 where a = 1", "select * from t", "pragma ignore_check_constraints = 0",
     "insert into t values (0, 1)", "update t set b = b where a = 0", "update t set c = 1",
     "select * from t", "pragma ignore_check_constraints"],
    ["create table s(x int check (x > 0)) strict", "pragma ignore_check_constraints = on",
     "insert into s values (-1)", "insert into s values ('a')", "select * from s"],
    ["create table g(x, y as (x * 2) check (y < 5))", "pragma ignore_check_constraints = on",
     "insert into g values (10)", "pragma ignore_check_constraints = off", "update g set x = 11",
     "select * from g"],
    ["create table t(a integer primary key, b, c as (b + 1), check (a > 0), check (c < 10), "
     "check (rowid < 100), check (1))", "insert into t values (1, 1)", "update t set a = -1",
     "update t set b = 20", "update t set a = 200", "update t set b = b"],
    ["create table u(x, y, check (x + y < 10))", "insert into u values (1, 2)",
     "update u set x = 20", "update u set y = 20", "select * from u"],
])
def test_ignore_check_constraints(stmts: list[str]) -> None:
    same_as_sqlite(stmts)


# PRAGMA automatic_index = OFF: no automatic index is built (EXPLAIN QUERY PLAN).
AUTO = ["create table t1(a, b)", "create table t2(c, d)", "insert into t1 values (1, 2), (3, 4)",
        "insert into t2 values (1, 'x'), (3, 'y'), (7, 'z')"]


@pytest.mark.parametrize("query", [
    "select * from t1, t2 where a = c", "select * from t1 left join t2 on a = c",
    "select * from t1 where a in (select c from t2)",
])
def test_automatic_index_off(query: str) -> None:
    for flag in ("on", "off"):
        setup = AUTO + [f"pragma automatic_index = {flag}"]
        assert _plan(pyrite, setup, query) == _plan(sqlite3, setup, query)
    same_as_sqlite(AUTO + ["pragma automatic_index = off", query, "pragma automatic_index"])


# Differential leftovers: a NaN sum/total/avg is NULL (sqlite3_result_double); a
# sub-select's own column of an outer column's name does not stop a covering scan,
# whose order then decides avg()'s last bits and which of two equal values DISTINCT keeps.
@pytest.mark.parametrize("stmts", [
    ["create table t(x)", "insert into t values (1e308), (1e308), (-1e308), (-1e308)",
     "select sum(x), total(x), avg(x) from t", "select sum(x * 10), avg(x * 10) from t",
     "select sum(x) over (order by rowid), total(x) over (), "
     "avg(x) over (rows between 1 preceding and current row) from t"],
    ["create table t1(c1 real)", "create table t2(c0 real, c1 float not null, c3 clob unique)",
     "insert into t2 (c3, c1) values ('tab', -7.75), (x'3132', 4), (1e3, 1), "
     "(9223372036854775806, 0), ('a', 0), (255, 0), (0, 0)",
     "select min((select max(c1) from t1)), avg((- c3)) from t2",
     "explain query plan select min((select max(c1) from t1)), avg((- c3)) from t2"],
])
def test_differential_leftovers(stmts: list[str]) -> None:
    same_as_sqlite([s for s in stmts if not s.startswith("explain")])
    plan = [s[len("explain query plan "):] for s in stmts if s.startswith("explain")]
    for q in plan:
        assert _plan(pyrite, stmts[:3], q)[0] == _plan(sqlite3, stmts[:3], q)[0]


# ORDER BY and GROUP BY name only their own query's columns (an alias before an
# outer column); LIMIT and OFFSET name none, except a trigger's OLD/NEW.
@pytest.mark.parametrize("stmt", [
    "select (select x from u order by t.a) from t", "select (select x as a from u order by a desc) from t",
    "select (select x from u group by t.a) from t", "select (select x from u order by (select t.a)) from t",
    "select * from t where exists (select 1 from u where x > t.a order by t.b)",
    "select (select count(*) from u group by y having y > t.a) from t", "select b as a from t group by a",
    "select (select x from u order by x limit t.a) from t", "select x from u limit x",
    "select x from u limit (select count(*) from t)", "select (select x from u limit (select t.a)) from t",
    "select a from t order by (select x from u where y = t.b)",
    "update t set b = u.y from u where u.x = t.a order by u.y limit 1",
])
def test_outer_names_in_order_group_limit(stmt: str) -> None:
    same_as_sqlite(T + ["create table u(x, y)", "insert into u values (1, 10), (3, 20)", stmt,
                        "select * from t"])


def test_limit_in_trigger_reads_new() -> None:
    same_as_sqlite(T + ["create table u(x)", "insert into u values (1), (2), (3)", "create table lg(v)",
                        "create trigger tr after insert on t begin "
                        "insert into lg select x from u order by x limit new.a; end",
                        "insert into t values (2, 0)", "select * from lg"])
