"""Schema-qualified names (lang_naming.html): main. and temp. prefixes on every
statement, TEMP before main for unqualified names, same-named objects in both
schemas, unknown schemas, sqlite_temp_master, and SQLite's messages — each list
compared with sqlite3, on :memory: and on a file database reopened (TEMP objects
vanish with the connection)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from tests.exec.oracle import CLASSES, same_as_sqlite

import pyrite

MASTER = "select type, name, tbl_name, sql from {}"

CASES = [
    # the task's example: a TEMP table shadows main's; each prefix reaches its own
    ["create table t(a)", "insert into t values (1)", "create temp table t(a)",
     "insert into temp.t values (2)", "select * from t", "select * from main.t",
     "select * from temp.t", "select * from nosuch.t", "delete from nosuch.t",
     "create table nosuch.x(a)", "create index main.i on t(a)",
     MASTER.format("main.sqlite_master"), MASTER.format("temp.sqlite_master"),
     MASTER.format("sqlite_temp_master"), MASTER.format("sqlite_temp_schema"),
     MASTER.format("temp.sqlite_schema"), MASTER.format("sqlite_master"),
     "select * from main.sqlite_temp_master", "select * from temp.sqlite_temp_master",
     "insert into t values (3)", "insert into main.t values (4)", "update main.t set a = a + 10",
     "update t set a = a * 2", "delete from temp.t where a = 4", "select * from main.t",
     "select * from temp.t", "drop table t", "select * from t", "drop table t",
     "select * from t", "drop table temp.t"],
    # case of schema names; three-part column names
    ["create table t(a, b)", "create temp table x(c)", "insert into t values (1, 2)",
     "insert into x values (3)", "select MAIN.t.a, Main.T.b from t", "select * from MAIN.t",
     "select * from Temp.x", "select TEMP.x.c from x", "select main.t.a from t",
     "select temp.t.a from t", "select nosuch.t.a from t", "select main.t.a from main.t",
     "select main.x.c from x", "select temp.x.c from x", "select temp.x.c from x as y",
     "select main.t.a from t as t", "select main.t.rowid from t", "select temp.t.rowid from t",
     "select t.a, x.c from main.t, temp.x", "select main.t.a from t, x where temp.x.c = 3",
     "select (select main.t.b from x) from t", "create table MAIN.mm(a)", "select * from main.MM",
     "create table TEMP.tt(a)", "select name from sqlite_temp_master"],
    # CREATE with a schema, TEMP rules and errors
    ["create table t(a)", "create table temp.tt(a)", "create temp table main.tt(a)",
     "create temp table temp.tt2(a)", "create temp table nosuch.v(a)",
     "create temp view main.vv as select 1", "create temp view temp.vv as select 1",
     "create view nosuch.v as select 1", "create view temp.v2 as select 2",
     "create table main.tt(b)", "create table main.tt(c)", "create temp table tt(d)",
     "create table if not exists temp.tt(e)", "select * from tt", "select * from main.tt",
     "pragma table_info(tt)", "pragma main.table_info(tt)", "pragma temp.table_info(tt)",
     "create temp table t as select 5 as q", "select * from t", "select * from main.t",
     MASTER.format("sqlite_temp_master"), MASTER.format("sqlite_master")],
    # indexes: the table's schema, TEMP index on a main table, a name in the other schema
    ["create table t(a)", "create temp table x(b)", "create index temp.i on t(a)",
     "create index temp.i on x(b)", "create index main.i2 on x(b)", "create index i3 on x(b)",
     "create index i3 on t(a)", "create index main.i3 on t(a)", "create index nosuch.i on t(a)",
     "create index temp.i4 on nosuch(a)", "create index i4 on nosuch(a)",
     "create index x on t(a)", "create index temp.t on x(b)", "create table main.x(b)",
     "create view temp.t as select 1", "pragma main.index_list(t)", "pragma temp.index_list(x)",
     "pragma temp.index_list(t)", "pragma main.index_info(i3)", "pragma temp.index_info(i3)",
     "pragma temp.index_xinfo(i)", "drop index main.i3", "drop index i3", "drop index i3",
     "drop index nosuch.i3", "drop index temp.x", "drop index main.x",
     "drop index if exists temp.zz", MASTER.format("sqlite_master"),
     MASTER.format("sqlite_temp_master"), "insert into x values (1)", "select * from x"],
    # DROP with a schema
    ["create table t(a)", "create temp table t(b)", "create temp table x(c)",
     "create view v as select 1", "create temp view v as select 2",
     "drop table nosuch.t", "drop table temp.zz", "drop table main.x", "drop view temp.t",
     "drop view main.t", "drop table temp.v", "drop table main.v", "drop view nosuch.v",
     "select * from v", "drop view v", "select * from v", "drop view v", "select * from v",
     "drop table main.t", "select * from t", "drop table temp.t", "select * from t",
     "drop table if exists main.t", "drop table if exists nosuch.t",
     "drop view if exists temp.v", MASTER.format("sqlite_temp_master")],
    # PRAGMA with a schema
    ["create table t(a)", "create temp table x(b)", "pragma nosuch.table_info(t)",
     "pragma temp.table_info(t)", "pragma main.table_info(t)", "pragma main.table_info(x)",
     "pragma temp.table_info(x)", "pragma TEMP.table_xinfo(x)", "pragma nosuch.user_version",
     "pragma main.user_version",
     "pragma nosuch.index_list(t)", "pragma main.foreign_key_list(t)"],
    # ALTER TABLE with a schema, on a TEMP table
    ["create table t(a)", "create temp table x(b)", "alter table nosuch.t add column b",
     "alter table temp.t add column b", "alter table main.t add column b",
     "alter table main.x add column c", "alter table temp.x add column c",
     "alter table x rename column c to d", "insert into x values (1, 2)", "select * from x",
     "alter table x rename to y", "select * from y", "select * from x",
     "alter table temp.y drop column d", "select * from temp.y", "create temp table t(q)",
     "alter table t rename to t2", "select name from sqlite_master",
     "select name, sql from sqlite_temp_master", "pragma table_info(t)"],
    # views and triggers with TEMP objects
    ["create table t(a)", "create temp table x(b)", "create view v as select * from x",
     "create view v2 as select * from temp.x", "create view main.v3 as select * from temp.x",
     "create view v4 as select * from main.t", "create temp view v5 as select * from main.t",
     "create trigger tr after insert on t begin insert into x values (1); end",
     "create trigger tr2 after insert on x begin select 1; end",
     "create trigger main.tr3 after insert on x begin select 1; end",
     "create temp trigger tr4 after insert on main.t begin select 1; end",
     "create temp trigger tr5 after insert on t begin select 1; end",
     "create temp trigger temp.tr6 after insert on t begin select 1; end",
     "create trigger temp.tr7 after insert on t begin select 1; end",
     "create trigger nosuch.tr8 after insert on t begin select 1; end",
     "create trigger tr9 after insert on nosuch.t begin select 1; end",
     "create trigger tr10 after insert on temp.x begin select 1; end",
     "insert into t values (5)", "select * from v", "select * from x", "select * from v5",
     "drop trigger main.tr4", "drop trigger nosuch.tr4", "drop trigger temp.tr4",
     "drop trigger tr", "insert into t values (6)", "select * from x",
     MASTER.format("sqlite_master"), MASTER.format("sqlite_temp_master")],
    # trigger order: TEMP triggers, then the table's own newest first
    ["create table t(a)", "create table log(x)",
     "create trigger m1 after insert on t begin insert into log values ('m1'); end",
     "create temp trigger t1 after insert on t begin insert into log values ('t1'); end",
     "create trigger m2 before insert on t begin insert into log values ('m2'); end",
     "create trigger m3 after insert on t begin insert into log values ('m3'); end",
     "create temp trigger t2 after insert on t begin insert into log values ('t2'); end",
     "insert into t values (1)", "select * from log", "create temp table t(a)",
     "insert into main.t values (2)", "insert into temp.t values (3)", "select * from log",
     "create temp trigger t3 after insert on temp.t begin insert into log values ('t3'); end",
     "create temp trigger t4 after delete on main.t begin insert into log values ('t4'); end",
     "insert into temp.t values (4)", "delete from main.t", "delete from temp.t",
     "select * from log"],
    # the same table name in both schemas in one statement; UPDATE FROM the other one
    ["create table t(a, b)", "insert into t values (1, 2)", "create temp table t(a, b)",
     "insert into temp.t values (1, 4)", "select * from main.t, temp.t",
     "select t.a from main.t, temp.t", "select main.t.a, temp.t.b from main.t, temp.t",
     "select * from main.t join temp.t using (a)", "select * from main.t natural join temp.t",
     "select t.* from main.t, temp.t", "select * from t as x, main.t as y",
     "select 1 in temp.t, 4 in temp.t, 1 in main.t, 2 in t",
     "update main.t set b = temp.t.b from temp.t where main.t.a = temp.t.a",
     "select * from main.t", "update t set b = 7 from t", "update t set b = 7 from main.t",
     "select * from temp.t", "insert into temp.t values (5, 6) returning *",
     "insert into main.t select * from temp.t", "delete from main.t where b in (select b from t)",
     "select * from main.t", "select * from sqlite_temp_master where type = 'table'"],
    # REINDEX: unqualified means main's; sqlite_temp_master before any TEMP object
    ["select * from sqlite_temp_master", "select count(*) from temp.sqlite_schema",
     "create table t(a, b)", "create temp table t(a, b)", "create unique index main.u on t(a)",
     "create index temp.w on t(b)", "insert into main.t values (1, 2)",
     "insert into temp.t values (3, 4)", "reindex main.u", "reindex temp.u", "reindex u",
     "reindex w", "reindex main.w", "reindex temp.w", "reindex nosuch.w", "reindex t",
     "reindex main.t", "reindex temp.t", "reindex", "pragma integrity_check",
     "select * from main.t where a = 1", "select * from temp.t where b = 4",
     "pragma index_list(t)", "pragma main.index_list(t)", "pragma temp.index_info(u)",
     "pragma main.index_info(u)"],
    # AUTOINCREMENT on a TEMP table: TEMP's own sqlite_sequence
    ["create temp table a(id integer primary key autoincrement, v)", "insert into a(v) values (1)",
     "insert into a(v) values (2)", "select * from a", "select name from sqlite_master",
     "select name from sqlite_temp_master", "select * from temp.sqlite_sequence",
     "create table b(id integer primary key autoincrement, v)", "insert into b(v) values (1)",
     "select * from main.sqlite_sequence", "select * from sqlite_sequence", "drop table a",
     "select * from temp.sqlite_sequence",
     "create temp table a(id integer primary key autoincrement, v)",
     "insert into a(v) values (7)", "select * from a", "drop table main.b",
     "select * from sqlite_sequence", "select * from main.sqlite_sequence"],
    # TEMP view shadows a main table of the same name, and back
    ["create table v(a)", "insert into v values (1)", "create temp view v as select 2 as a",
     "select * from v", "select * from main.v", "insert into v values (3)",
     "insert into main.v values (3)", "drop view v", "select * from v"],
]


@pytest.mark.parametrize("stmts", CASES, ids=[str(i) for i in range(len(CASES))])
def test_schema_names_match_sqlite(stmts: list[str]) -> None:
    same_as_sqlite(stmts)


def _file_outcome(mod: Any, path: Path, sessions: list[list[str]]) -> list[Any]:
    out: list[Any] = []
    for stmts in sessions:
        con = mod.connect(str(path))
        for s in stmts:
            try:
                out.append((s, con.execute(s).fetchall()))
            except mod.Error as e:
                out.append((s, next(n for n in CLASSES if isinstance(e, getattr(mod, n))),
                            str(e)))
        con.commit()
        con.close()
    return out


FILE_SESSIONS = [
    ["create table t(a)", "insert into t values (1)", "create temp table t(a)",
     "insert into t values (2)", "create index temp.ti on t(a)",
     "create temp view v as select * from main.t",
     "create temp trigger tr after insert on main.t begin insert into temp.t values (9); end",
     "create temp trigger tr after insert on main.t begin insert into t values (9); end",
     "insert into main.t values (3)", "select * from t", "select * from main.t",
     "select * from v", MASTER.format("sqlite_temp_master")],
    ["select * from t", "select * from temp.t", "select * from v",
     MASTER.format("sqlite_temp_master"), MASTER.format("sqlite_master"),
     "insert into t values (4)", "select * from main.t", "create temp table t(b)",
     "pragma table_info(t)", "pragma main.table_info(t)"],
    ["select * from t", "pragma table_info(t)", "drop table temp.t", "drop table main.t",
     MASTER.format("sqlite_master")],
]


def test_schema_names_file_reopened(tmp_path: Path) -> None:
    want = _file_outcome(sqlite3, tmp_path / "a.db", FILE_SESSIONS)
    got = _file_outcome(pyrite, tmp_path / "b.db", FILE_SESSIONS)
    for w, g in zip(want, got, strict=True):
        assert g == w
    con = sqlite3.connect(str(tmp_path / "b.db"))
    assert con.execute("pragma integrity_check").fetchall() == [("ok",)]
    con.close()
