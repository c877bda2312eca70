"""VACUUM and VACUUM INTO: the rebuilt file reads back identically and passes
sqlite3's integrity_check; it is smaller after deletes."""

from __future__ import annotations

import os
import random
import sqlite3
from pathlib import Path

import pytest

import pyrite

QUERIES = ["select * from t order by a", "select * from w order by k", "select * from e order by x",
           "select * from s", "select * from vv limit 3", "pragma user_version",
           "select * from sqlite_sequence", "select type, name, tbl_name, sql from sqlite_schema"]


def _build(path: str) -> None:
    c = sqlite3.connect(path)
    c.executescript("""
        pragma user_version = 7;
        create table t(a integer primary key, b, c);
        create index tb on t(b);
        create table w(k text primary key, v) without rowid;
        create index wv on w(v collate nocase desc);
        create table e(x, y); create index ex on e(x + y); create unique index ey on e(y) where y > 0;
        create table s(id integer primary key autoincrement, q);
        create view vv as select * from t;
        create trigger tr after insert on e begin insert into s(q) values (new.x); end;""")
    rnd = random.Random(2)
    c.executemany("insert into t values (?, ?, ?)",
                  [(i, rnd.choice(["a", "B", None, 1, 2.5]), "x" * rnd.randint(0, 5000))
                   for i in range(1, 2000)])
    c.executemany("insert into w values (?, ?)",
                  [(f"k{i}", rnd.choice(["a", "A", "b"]) + str(i)) for i in range(2000)])
    c.executemany("insert into e values (?, ?)", [(i, i) for i in range(500)])
    c.execute("delete from t where a % 3 = 0")
    c.execute("delete from w where v like 'a%'")
    c.commit()
    c.close()


def _read(mod: object, path: str) -> list[object]:
    c = mod.connect(path)  # type: ignore[attr-defined]
    out = [c.execute(q).fetchall() for q in QUERIES]
    c.close()
    return out


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_vacuum(tmp_path: Path, journal: str) -> None:
    path = str(tmp_path / "v.db")
    _build(path)
    c = sqlite3.connect(path)
    c.execute(f"pragma journal_mode = {journal}")
    c.close()
    want = _read(sqlite3, path)
    size0 = os.path.getsize(path)
    d = pyrite.connect(path)
    d.execute("vacuum")
    into = str(tmp_path / "into.db")
    d.execute(f"vacuum into '{into}'")
    with pytest.raises(pyrite.OperationalError, match="output file already exists"):
        d.execute(f"vacuum into '{into}'")
    d.execute("begin")
    with pytest.raises(pyrite.OperationalError, match="cannot VACUUM from within a transaction"):
        d.execute("vacuum")
    d.execute("rollback")
    assert _read(pyrite, path) == want
    d.execute("insert into e values (1000, 1000)")
    d.commit()
    d.close()
    for f in (path, into):
        c = sqlite3.connect(f)
        assert c.execute("pragma integrity_check").fetchall() == [("ok",)]
        c.close()
    assert _read(sqlite3, into) == want
    c = sqlite3.connect(path)
    c.execute("pragma wal_checkpoint(truncate)")
    c.close()
    assert os.path.getsize(path) < size0
