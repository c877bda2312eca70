"""A REAL column reads as REAL (SQLite's OP_RealAffinity). sqlite3 stores an
integral REAL value (7.0) as an integer in the record; read back it is 7.0, with
typeof 'real', real arithmetic and '7.0' as text. Files written by sqlite3, every
query compared with sqlite3 -- values and their Python types."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

import pyrite

SETUP = [
    "CREATE TABLE t (id INTEGER PRIMARY KEY, x REAL, y FLOAT, z DOUBLE, w NUMERIC, v, s TEXT)",
    "INSERT INTO t VALUES (1, 7.0, 2.0, 3.5, 4.0, 1, 'a'), (2, 9.0, -2.0, 3.5, 4.0, 2, 'b'),"
    " (3, NULL, 0.0, -1.0, 5, 3, 'c'), (4, 1e15, 140737488355328.0, 2.5, 0, 4, 'a')",
    "CREATE INDEX tx ON t (x)",
    "CREATE INDEX tyz ON t (y, z)",
    "CREATE TABLE u (a REAL PRIMARY KEY, b REAL, c) WITHOUT ROWID",
    "INSERT INTO u VALUES (3.0, 4.0, 1), (-1.0, 0.0, 2)",
    "CREATE TABLE log (k, val)",
    "CREATE TRIGGER tr AFTER UPDATE ON t BEGIN INSERT INTO log VALUES (old.x, new.x); END",
]

QUERIES = [
    "SELECT x, y, z, w, typeof(x), typeof(y), x / 2, y / 4 FROM t ORDER BY id",
    "SELECT sum(x), total(x), avg(x), max(x), min(y), sum(y), count(x) FROM t",
    "SELECT x || '', printf('%s|%d', x, x), quote(x), json_array(x, y) FROM t ORDER BY id",
    "SELECT max(x), min(x) FROM t",
    "SELECT min(y) FROM t",
    "SELECT x FROM t INDEXED BY tx WHERE x > 1 ORDER BY x DESC",
    "SELECT y, z FROM t INDEXED BY tyz WHERE y >= 0 ORDER BY y",
    "SELECT x, count(*) FROM t GROUP BY x ORDER BY x",
    "SELECT DISTINCT y FROM t ORDER BY 1",
    "SELECT * FROM t ORDER BY y LIMIT 2",
    "SELECT x FROM t ORDER BY x DESC LIMIT 1 OFFSET 1",
    "SELECT (SELECT max(x) FROM t), x + 1 FROM t ORDER BY id",
    "SELECT t1.x, t2.y FROM t t1 JOIN t t2 ON t1.x = t2.x ORDER BY 1",
    "SELECT x FROM t WHERE x = 7 OR x IN (9, 10)",
    "SELECT cast(x AS TEXT), cast(y AS INTEGER), x = 7, x IS 7.0 FROM t ORDER BY id",
    "SELECT * FROM u ORDER BY a",
    "SELECT a / 2, b / 2, typeof(a), typeof(b) FROM u ORDER BY a",
    "SELECT group_concat(x), group_concat(y, ';') FROM t",
    "SELECT x, sum(y) OVER (ORDER BY id) FROM t ORDER BY id",
    "WITH c AS (SELECT x FROM t) SELECT x / 2 FROM c ORDER BY 1",
    "SELECT x FROM t UNION SELECT y FROM t ORDER BY 1",
    "SELECT sum(x) FROM t WHERE y > -5",
    "SELECT * FROM t",
    "SELECT x FROM t",
    "SELECT * FROM t WHERE id = 1",
    "SELECT x, y FROM t WHERE id IN (1, 2, 4)",
    "SELECT x FROM t WHERE rowid BETWEEN 1 AND 3",
    "SELECT b FROM u WHERE a = 3",
    "SELECT count(*), sum(y) FROM t WHERE x BETWEEN 1 AND 10",
]


def _make(path: str) -> None:
    con = sqlite3.connect(path)
    for sql in SETUP:
        con.execute(sql)
    con.commit()
    con.close()


def _answers(mod: Any, path: str, queries: list[str]) -> list[Any]:
    con = mod.connect(path)
    out = []
    for q in queries:
        rows = con.execute(q).fetchall()
        out.append([[(type(v).__name__, v) for v in r] for r in rows])
    con.close()
    return out


@pytest.mark.parametrize("query", QUERIES)
def test_real_column_reads_as_real(tmp_path: Path, query: str) -> None:
    path = str(tmp_path / "s.db")
    _make(path)
    assert _answers(pyrite, path, [query]) == _answers(sqlite3, path, [query])


def test_writes_through_real_values(tmp_path: Path) -> None:
    # rows read then written again (UPDATE, INSERT ... SELECT, triggers' old values)
    script = ["UPDATE t SET v = x / 2 WHERE id < 3", "INSERT INTO u SELECT y + 100, x, id FROM t "
              "WHERE x IS NOT NULL", "UPDATE t SET s = x WHERE id = 2"]
    results = []
    for mod, name in ((pyrite, "p.db"), (sqlite3, "s.db")):
        path = str(tmp_path / name)
        _make(path)
        con = mod.connect(path)
        for sql in script:
            con.execute(sql)
        con.commit()
        con.close()
        results.append(_answers(mod, path, ["SELECT * FROM t ORDER BY id", "SELECT * FROM u ORDER BY a",
                                            "SELECT k, val, typeof(k) FROM log"]))
    assert results[0] == results[1]
