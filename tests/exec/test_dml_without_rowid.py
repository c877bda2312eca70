"""WITHOUT ROWID tables: statements compared with sqlite3, and files crossing
both ways (sqlite3's file read by pyrite; pyrite's file passing sqlite3's
integrity_check and reading back identically)."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from tests.exec.oracle import same_as_sqlite

import pyrite

CASES = [
    ["create table w(a, b text collate nocase, c, primary key(b desc, a)) without rowid",
     "insert into w values(1, null, 1)", "insert into w values(1, 'x', 1)",
     "insert into w values(1, 'X', 2)", "insert into w(rowid, a, b) values(1, 2, 3)",
     "select rowid from w", "update w set b = null", "insert or replace into w values(1, 'x', 3)",
     "select * from w", "insert into w values(2, 'y', 3) on conflict(b, a) do update set c = 99",
     "insert into w values(2, 'y', 3) on conflict(a, b) do update set c = excluded.c + 1",
     "select * from w", "select last_insert_rowid()", "select * from w where b = 'Y'",
     "select * from w where b = 'Y' and a = 2", "delete from w where a = 1", "select * from w",
     "pragma table_info(w)"],
    ["create table v(a integer primary key autoincrement) without rowid",
     "create table v(a) without rowid", "create table v(a primary key, b) without rowid",
     "insert into v values (1, 2), ('1', 3)", "insert into v values (1.0, 2)", "select * from v"],
    ["create table u(k primary key, x unique, y) without rowid", "create index uy on u(y, k)",
     "insert into u values (1, 'a', 10), (2, 'b', 20), (3, 'c', 10)",
     "insert into u values (4, 'a', 0)", "insert or replace into u values (4, 'a', 0)",
     "select * from u order by k", "update u set x = 'c' where k = 2",
     "update or replace u set x = 'c' where k = 2", "select * from u order by k",
     "update u set k = k + 10", "select * from u order by k", "select * from u where y = 10",
     "select k from u where x = 'c'", "delete from u where y = 10 returning *",
     "select * from u", "pragma index_list(u)", "pragma integrity_check"],
    ["create table p(a int, b text, c real, primary key(a, b)) without rowid",
     "insert into p values ('1', 2, '3')", "insert into p values (1, '2', 4)", "insert into p values (1, 3, 4)",
     "select a, typeof(a), b, typeof(b), c, typeof(c) from p order by a, b",
     "select count(*), max(a), min(b) from p", "select * from p where a = 1 and b = '3'",
     "select * from p p1 join p p2 on p1.b = p2.b order by 1, 2, 4, 5",
     "select * from p where a in (select a from p) order by b desc",
     "update p set c = c * 2 where b = '2' returning a, b, c", "delete from p",
     "select * from p"],
    ["create table t(a primary key, b) without rowid", "create table log(x, y)",
     "create trigger tr after update on t begin insert into log values (old.b, new.b); end",
     "insert into t values (1, 1), (2, 2)", "update t set b = b * 10",
     "select * from log order by 1", "replace into t values (1, 5)", "select * from t"],
]


@pytest.mark.parametrize("case", CASES)
def test_statements(case: list[str]) -> None:
    same_as_sqlite(case)


QUERIES = ["select * from w order by a, b", "select * from w where a = 'k1' order by b",
           "select count(*), sum(b) from w", "select * from w2 where k = 700",
           "select * from w2 order by k desc limit 5", "select c, count(*) from w group by c order by 1",
           "select * from w indexed by wc where c = 2.5 order by a, b"]


def _build(path: Path) -> None:
    c = sqlite3.connect(path)
    c.executescript("""
        create table w(a text, b int, c, d blob, primary key(a, b desc)) without rowid;
        create index wc on w(c);
        create unique index wd on w(d, a);
        create table w2(k integer primary key, v) without rowid;""")
    rnd = random.Random(1)
    rows = [(f"k{i % 300}" + "x" * rnd.randint(0, 40), i,
             rnd.choice([None, 1, 2.5, "t" * rnd.randint(0, 3000)]), bytes([i % 256]) * rnd.randint(0, 20))
            for i in range(3000)]
    c.executemany("insert or ignore into w values(?,?,?,?)", rows)
    c.executemany("insert into w2 values(?,?)", [(i * 7, "v" * (i % 50)) for i in range(2000)])
    c.commit()
    c.close()


def _read(mod: Any, path: Path) -> list[Any]:
    c = mod.connect(str(path))
    out = [c.execute(q).fetchall() for q in QUERIES]
    c.close()
    return out


def test_files_both_ways(tmp_path: Path) -> None:
    path = tmp_path / "wr.db"
    _build(path)
    assert _read(pyrite, path) == _read(sqlite3, path)
    d = pyrite.connect(str(path))
    d.execute("delete from w where b % 3 = 0")
    d.execute("update w set c = b * 2 where b % 5 = 1")
    d.execute("update w set b = b + 100000 where b % 7 = 2")
    d.executemany("insert or replace into w values(?,?,?,?)",
                  [(f"n{i}", i, "z" * (i % 2000), b"q" + bytes([i % 256])) for i in range(1500)])
    d.execute("delete from w2 where k % 2 = 0")
    d.execute("update w2 set k = k + 1 where k < 1000")
    d.execute("create index wcb on w(c, b)")
    d.execute("create unique index wab on w(b, a)")
    with pytest.raises(pyrite.IntegrityError, match="UNIQUE constraint failed: w.c"):
        d.execute("create unique index wcc on w(c)")
    d.execute("update w set c = 'u' where b % 11 = 3")
    d.execute("create table w3(x, y, primary key(y, x)) without rowid")
    d.executemany("insert into w3 values (?, ?)", [(i, i % 10) for i in range(500)])
    d.commit()
    d.close()
    assert _read(pyrite, path) == _read(sqlite3, path)
    c = sqlite3.connect(path)
    assert c.execute("pragma integrity_check").fetchall() == [("ok",)]
    assert c.execute("select count(*) from w indexed by wcb where c = 'u'").fetchone()[0] > 0
    assert c.execute("select sum(x) from w3 where y = 3").fetchone() == (sum(range(3, 500, 10)),)
    c.close()
