"""The single-row write paths against sqlite3 as the oracle: INSERT without an index
(table_locate then one table_insert), UPDATE / DELETE by rowid (one pass, the row
overwritten in place when its record keeps its size, DELETE not decoding a row
nothing reads) -- with every corner that must still take the general path: conflict
actions, AUTOINCREMENT, triggers, foreign keys, generated columns, overflow records,
changes() and last_insert_rowid(), statement atomicity."""

from __future__ import annotations

import random
import sqlite3
from typing import Any

import pytest
from tests.exec.oracle import same_as_sqlite

import pyrite

T = "create table t(id integer primary key, name text, value integer, score real)"
FILL = "insert into t values (1, 'a', 10, 0.5), (2, 'bb', 20, 1.5), (3, 'ccc', 30, 2.5)"
BIG = "x'" + "ab" * 3000 + "'"  # a record that spills to overflow pages (page 4096)

CASES = [
    # UPDATE by rowid: same size (overwritten in place), other sizes, a new rowid
    [T, FILL, "update t set value = value + 1 where id = 2", "select * from t",
     "update t set value = 100000 where id = 2", "update t set name = 'zzzzzz' where id = 3",
     "update t set name = null where id = 1", "select *, changes() from t",
     "update t set id = 9 where id = 2", "update t set id = 3 where id = 1",
     "update t set value = 1 where id = 77", "select changes(), total_changes()",
     "select * from t"],
    # conflict actions on the rowid, one row at a time
    [T, FILL, "insert into t values (2, 'x', 1, 1.0)", "insert or ignore into t values (2, 'x', 1, 1)",
     "insert or replace into t values (2, 'r', 2, 2)", "select last_insert_rowid(), changes()",
     "update or replace t set id = 1 where id = 3", "update or ignore t set id = 1 where id = 2",
     "update or fail t set id = 1 where id = 2", "update or rollback t set id = 1 where id = 2",
     "select * from t"],
    # affinity on the fast paths: text to integer/real, real to integer, rowid as text
    [T, "insert into t values ('7', 42, '12', '3')", "insert into t(name, value) values (1.0, 2.0)",
     "insert into t values (null, x'00', '1e3', 4)", "select id, typeof(name), name, "
     "typeof(value), value, typeof(score), score from t",
     "update t set value = '0012', score = 1 where id = 7", "select *, typeof(score) from t",
     "insert into t values ('abc', 1, 1, 1)", "insert into t values (1.5, 1, 1, 1)"],
    # records that overflow: replaced by equal-size and other-size records, deleted
    [T, FILL, f"update t set name = {BIG} where id = 2", "select length(name) from t",
     f"update t set name = {BIG} where id = 2", "update t set value = 21 where id = 2",
     "select id, length(name), value from t", "delete from t where id = 2",
     f"insert into t values (5, {BIG}, 1, 1)", "delete from t where id = 5",
     "select * from t", "pragma integrity_check"],
    # DELETE by rowid: changes(), a missing row, a row whose columns the WHERE reads
    [T, FILL, "delete from t where id = 2", "select changes()", "delete from t where id = 2",
     "select changes()", "delete from t where id = 3 and value = 0", "select changes()",
     "delete from t where id = 3 and value = 30", "select * from t"],
    # the old row still reaches triggers, indexes, RETURNING and generated columns
    [T, FILL, "create table log(k, v)", "create trigger td after delete on t begin "
     "insert into log values (old.id, old.name); end",
     "create trigger tu after update on t begin insert into log values (old.value, new.value); end",
     "delete from t where id = 1", "update t set value = 99 where id = 2", "select * from log"],
    [T, FILL, "create index tv on t(value)", "delete from t where id = 2",
     "update t set value = 5 where id = 3", "select id from t where value = 5",
     "select id from t where value = 20", "pragma integrity_check"],
    [T, FILL, "delete from t where id = 3 returning name, value",
     "update t set value = -1 where id = 1 returning *"],
    ["create table g(id integer primary key, a, b as (a * 2), c as (a + 1) stored)",
     "insert into g(id, a) values (1, 5), (2, 6)", "update g set a = 7 where id = 1",
     "delete from g where id = 2", "select * from g"],
    # AUTOINCREMENT
    ["create table a(id integer primary key autoincrement, v unique)",
     "insert into a(v) values (1)", "insert into a(v) values (2)", "delete from a where id = 2",
     "insert into a(v) values (3)", "select * from a", "select * from sqlite_sequence",
     "update a set v = v + 1 where id = 1", "select * from a"],
    # rowids of every varint length: 1, 2, 3 and 9 bytes (negative), the largest
    [T, "insert into t values (-1, 'n', 1, 1), (5, 'a', 1, 1), (200, 'b', 2, 2), "
     "(20000, 'c', 3, 3), (9223372036854775807, 'd', 4, 4)", "insert into t values (-2, 'm', 1, 1)",
     "update t set value = value + 1 where id = -1", "update t set value = 7 where id = 200",
     "update t set value = 8 where id = 9223372036854775807", "insert into t values (300, 'x', 1, 1)",
     "delete from t where id = -2", "delete from t where id = 20000", "select * from t",
     "pragma integrity_check"],
    # UPDATE by rowid whose SET reads the table it writes
    [T, FILL, "update t set value = (select sum(value) from t) where id = 1",
     "update t set value = (select max(id) from t where value < 100) where id = 2",
     "select * from t"],
]


@pytest.mark.parametrize("stmts", CASES)
def test_single_row_writes(stmts: list[str]) -> None:
    same_as_sqlite(stmts)


def _run_fk(mod: Any) -> list[Any]:
    con = mod.connect(":memory:", isolation_level=None)
    con.execute("create table p(id integer primary key, v)")
    con.execute("create table c(id integer primary key, pid references p(id) on delete cascade)")
    con.execute("create table r(id integer primary key, pid references p(id))")
    con.executemany("insert into p values (?, ?)", [(1, "a"), (2, "b"), (3, "c")])
    con.executemany("insert into c values (?, ?)", [(10, 1), (11, 2)])
    con.execute("insert into r values (20, 3)")
    out: list[Any] = []
    # the same prepared DELETE run with foreign keys off, then on
    for fk in ("off", "on"):
        con.execute(f"pragma foreign_keys = {fk}")
        for k in (1, 3):
            try:
                con.execute("delete from p where id = ?", (k,))
                out.append(("ok", k, con.total_changes))
            except mod.Error as e:
                out.append((type(e).__name__, str(e)))
        con.execute("insert or ignore into p values (1, 'a')")
        con.execute("insert or ignore into p values (3, 'c')")
    out.append(con.execute("select * from c").fetchall())
    out.append(con.execute("select * from p").fetchall())
    return out


def test_delete_reads_the_row_a_foreign_key_needs() -> None:
    assert _run_fk(pyrite) == _run_fk(sqlite3)


def _run_many(mod: Any) -> list[Any]:
    con = mod.connect(":memory:")
    con.execute(T)
    out: list[Any] = []
    rows = [(i, f"n{i}", i * 10, i / 2) for i in range(1, 3000)]
    con.executemany("insert into t values (?, ?, ?, ?)", rows)
    for k in range(1, 3000, 7):
        con.execute("update t set value = value + ?, name = ? where id = ?", (k, "v" * (k % 50), k))
    for k in range(2, 3000, 3):
        con.execute("delete from t where id = ?", (k,))
    try:
        con.executemany("insert into t values (?, ?, ?, ?)", [(5000, "a", 1, 1), (1, "dup", 1, 1)])
    except mod.IntegrityError as e:
        out.append(str(e))
    con.commit()
    out.append(con.execute("select count(*), sum(value), max(name), sum(length(name)) from t")
               .fetchall())
    out.append(con.execute("pragma integrity_check").fetchall())
    return out


def test_many_single_row_writes() -> None:
    assert _run_many(pyrite) == _run_many(sqlite3)


def _run_atomic(mod: Any) -> list[Any]:
    con = mod.connect(":memory:", isolation_level=None)
    con.execute("create table a(id integer primary key autoincrement, v unique)")
    con.execute("insert into a(v) values (1)")
    out: list[Any] = []
    for sql in ("insert into a(v) values (4), (5), (1)", "insert into a(id, v) values (7, 2), (1, 3)",
                "update a set v = v + 10 where id = 1 or id = 99"):
        try:
            con.execute(sql)
        except mod.IntegrityError as e:
            out.append(str(e))
        out.append(con.execute("select * from a").fetchall())
        out.append(con.execute("select * from sqlite_sequence").fetchall())
    return out


def test_a_statement_failing_halfway_leaves_nothing() -> None:
    """(Not total_changes: pyrite still counts the undone rows of a failed statement.)"""
    assert _run_atomic(pyrite) == _run_atomic(sqlite3)


SINGLE_WRITE = [
    ("insert into t values (1, 2, 3)", True), ("insert into t default values", True),
    ("replace into t values (1, 2, 3)", True), ("insert into u values (1, 2, 3)", True),
    ("update t set a = a + 1 where id = ?", True), ("update u set a = 1 where id = ?", True),
    ("delete from t where id = ?", True), ("delete from u where id = ?", True),
    ("insert into t values (1, 2, 3), (4, 5, 6)", False), ("insert into t select * from t", False),
    ("insert into t values (1, 2, 3) returning *", False),
    ("insert into t values (1, 2, 3) on conflict do nothing", False),
    ("insert into v values (1, 2)", False), ("insert into w values (1, 2)", False),
    ("insert into tr values (1, 2)", False), ("update t set a = 1 where id = ? or id = 3", False),
    ("update t set a = 1", False), ("update v set a = 1 where id = ?", False),
    ("update tr set a = 1 where id = ?", False), ("delete from t where id > ?", False),
    ("delete from t", False), ("delete from v where id = ?", False),
    ("delete from tr where id = ?", False), ("delete from t where id = ? returning *", False),
]


@pytest.mark.parametrize(("sql", "single"), SINGLE_WRITE)
def test_single_write_flag(sql: str, single: bool) -> None:
    """DmlCompiler.single_write: one row at most, every failing check before the first
    write (no trigger, expression/partial index or user collation; not WITHOUT ROWID)."""
    from pyrite.exec.dml import DmlCompiler
    from pyrite.exec.source import Func
    from pyrite.sql import ast

    con = pyrite.connect(":memory:")
    con.create_collation("mine", lambda a, b: (a > b) - (a < b))
    con.executescript("""create table t(id integer primary key, a, b);
        create table u(id integer primary key, a unique, b); create index ux on u(b collate nocase);
        create table v(id integer primary key, a); create index vx on v(a collate mine);
        create table w(a primary key, b) without rowid;
        create table tr(id integer primary key, a);
        create trigger trg after delete on tr begin select 1; end;""")
    s = con._session
    st = s.prepare(sql)[0].parsed.statement
    comp = DmlCompiler(s.catalog, s.env)
    comp.main_pre = []
    comp.returning_names, comp.returning_decls = [], []
    gen = {ast.Insert: comp.gen_insert, ast.Update: comp.gen_update, ast.Delete: comp.gen_delete}
    gen[type(st)](st, Func("def main(P, PG, X):"))
    assert comp.single_write is single


def _random_writes(mod: Any, path: str, seed: int, index: bool) -> list[Any]:
    """Single-row INSERT (REPLACE/IGNORE/ABORT), UPDATE and DELETE by rowid of records
    around the overflow thresholds (page 4096: 4061 bytes stay local)."""
    rng = random.Random(seed)
    con = mod.connect(path)
    con.execute("create table t(id integer primary key, a, b text, c real)")
    if index:
        con.execute("create index ta on t(a)")
    out: list[Any] = []
    for step in range(600):
        op = rng.random()
        k = rng.choice([rng.randrange(1, 60), rng.randrange(-5, 5), rng.randrange(1, 2**40)])
        b = "x" * rng.choice([0, 5, 127, 128, 4000, 4061, 4062, 9000]) if rng.random() < .5 else None
        try:
            if op < 0.4:
                con.execute(f"insert or {rng.choice(['replace', 'ignore', 'abort'])} into t "
                            "values (?, ?, ?, ?)", (k, rng.randrange(100), b, rng.random()))
            elif op < 0.75:
                con.execute("update t set a = a + 1, b = ? where id = ?", (b, k))
            elif op < 0.85:
                con.execute("update t set c = c * 2 where id = ?", (k,))
            else:
                con.execute("delete from t where id = ?", (k,))
            out.append(con.total_changes)
        except mod.IntegrityError as e:
            out.append(str(e))
        if step % 200 == 0:
            con.commit()
    con.commit()
    out.append(con.execute("select id, a, length(b), c from t order by id").fetchall())
    con.close()
    return out


@pytest.mark.parametrize(("seed", "index"), [(0, False), (1, True)])
def test_random_single_row_writes(tmp_path: Any, seed: int, index: bool) -> None:
    want = _random_writes(sqlite3, str(tmp_path / "s.db"), seed, index)
    assert _random_writes(pyrite, str(tmp_path / "p.db"), seed, index) == want
    con = sqlite3.connect(tmp_path / "p.db")
    assert con.execute("pragma integrity_check").fetchall() == [("ok",)]
    con.close()
