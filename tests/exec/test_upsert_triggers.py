"""UPSERT's DO UPDATE fires UPDATE triggers (BEFORE/AFTER, UPDATE OF, RAISE(IGNORE))
and not AFTER INSERT; triggers fire in SQLite's order (a table's own triggers
newest first, TEMP triggers on a main table first). Compared with sqlite3."""

from __future__ import annotations

import pytest
from tests.exec.oracle import same_as_sqlite

LOGGED = [
    "create table log(x)",
    "create trigger tu after update on t begin insert into log values ('u:'||old.b||'>'||new.b); end",
    "create trigger ti after insert on t begin insert into log values ('i:'||new.b); end",
    "create trigger tbi before insert on t begin insert into log values ('bi:'||new.b); end",
    "create trigger tbu before update on t begin insert into log values ('bu:'||old.b); end",
    "create trigger tuc after update of b on t begin insert into log values ('uc:'||new.b); end",
    "create trigger tua after update of a on t begin insert into log values ('ua:'||new.a); end",
]
UPSERTS = [
    "insert into t values (1, 'x')",
    "insert into t values (1, 'y') on conflict(a) do update set b = excluded.b",
    "insert into t values (2, 'z') on conflict(a) do update set b = excluded.b",
    "insert into t values (2, 'w') on conflict do nothing",
    "insert into t values (2, 'q') on conflict(a) do update set b = excluded.b where 0",
    "insert into t select 1, 'v' union all select 3, 'k' on conflict(a) do update set b = b || excluded.b "
    "returning *",
    "select * from log", "select * from t",
]

CASES = [
    ["create table t(a primary key, b)"] + LOGGED + UPSERTS,
    ["create table t(a primary key, b) without rowid"] + LOGGED + UPSERTS,
    ["create table t(a integer primary key, b)"] + LOGGED + UPSERTS,
    ["create table t(id integer primary key, b unique, c)", "create table log(x)",
     "create trigger tu after update on t begin insert into log values (old.id||':'||old.c||'>'||new.c); end",
     "create trigger tb before update on t when new.c > 8 begin select raise(ignore); end",
     "insert into t values (1, 'x', 0)",
     "insert into t(b, c) values ('x', 5) on conflict(b) do update set c = c + excluded.c",
     "insert into t(b, c) values ('x', 5) on conflict(b) do update set c = c + excluded.c",
     "select * from log", "select * from t"],
    ["create table t(a primary key, b)", "create table log(x)",
     "create trigger tb before update on t begin select raise(abort, 'no update'); end",
     "insert into t values (1, 'x')",
     "insert into t values (1, 'y') on conflict(a) do update set b = excluded.b",
     "select * from t", "select * from log"],
    ["create table t(a)", "create table log(x)",
     "create trigger m1 after insert on t begin insert into log values ('m1'); end",
     "create temp trigger t1 after insert on main.t begin insert into log values ('t1'); end",
     "create trigger m2 after insert on t begin insert into log values ('m2'); end",
     "create temp trigger t2 after insert on main.t begin insert into log values ('t2'); end",
     "create temp table tt(a)",
     "create temp trigger x1 after insert on tt begin insert into log values ('x1'); end",
     "create temp trigger x2 after insert on tt begin insert into log values ('x2'); end",
     "create trigger u1 after update on t begin insert into log values ('u1'); end",
     "create trigger u2 after update of a on t begin insert into log values ('u2'); end",
     "create trigger u3 after update on t begin insert into log values ('u3'); end",
     "insert into t values (1)", "insert into tt values (1)", "update t set a = 2",
     "select * from log"],
]


@pytest.mark.parametrize("case", CASES)
def test_upsert_and_trigger_order(case: list[str]) -> None:
    same_as_sqlite(case)
