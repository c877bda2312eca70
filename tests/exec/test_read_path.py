"""The fast read path against sqlite3: decoded leaves kept between scans
(cursor.scan_rows), index pages kept and bisected (cursor.iter_index), inline WHERE
comparisons, count(*) counters, the chunked top-k of ORDER BY ... LIMIT and output
built after the sort. Every answer is compared with CPython's sqlite3, after writes
that must be seen by the next read."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from tests.exec.oracle import same_as_sqlite

import pyrite


def _both(tmp_path: Path | None = None) -> tuple[Any, Any]:
    if tmp_path is None:
        return pyrite.connect(":memory:"), sqlite3.connect(":memory:")
    return (pyrite.connect(str(tmp_path / "p.db")), sqlite3.connect(str(tmp_path / "s.db")))


def _same(p: Any, s: Any, sql: str, params: tuple[Any, ...] = (), ordered: bool = True) -> None:
    got = [tuple(r) for r in p.execute(sql, params).fetchall()]
    want = [tuple(r) for r in s.execute(sql, params).fetchall()]
    if not ordered:
        got, want = sorted(got, key=repr), sorted(want, key=repr)
    assert got == want, sql


def _mixed(rng: random.Random) -> Any:
    k = rng.randrange(9)
    if k == 0:
        return None
    if k == 1:
        return rng.choice(["a", "b", "x y", "Zed", "10", "2.5", ""])
    if k == 2:
        return rng.choice([b"", b"\x00", b"ab"])
    if k == 3:
        return rng.randrange(-5, 5) + 0.5
    if k == 4:
        return float(rng.randrange(-3, 3))
    return rng.randrange(-10, 10)


def _fill(cons: tuple[Any, ...], n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    rows = [(i, f"name-{rng.randrange(1000):03d}", rng.randrange(1000), rng.random(), i % 7,
             _mixed(rng)) for i in range(1, n + 1)]
    for c in cons:
        c.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, value INTEGER, "
                  "score REAL, grp INTEGER, m)")
        c.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", rows)
        c.execute("CREATE INDEX t_value ON t(value)")
        c.execute("CREATE INDEX t_m ON t(m)")
        c.commit()


READS = [
    "SELECT sum(value), count(*) FROM t WHERE score > 0.5",
    "SELECT count(*), sum(value), min(m), max(m) FROM t WHERE m > 0",
    "SELECT grp, count(*), sum(value), max(score), min(name) FROM t GROUP BY grp",
    "SELECT * FROM t ORDER BY score DESC LIMIT 10",
    "SELECT * FROM t ORDER BY m LIMIT 25",
    "SELECT id, m FROM t ORDER BY m DESC, id LIMIT 7",
    "SELECT * FROM t WHERE m = 'a' OR m = 3",
    "SELECT * FROM t WHERE m < 'b' AND m >= 0",
    "SELECT * FROM t WHERE m BETWEEN 1 AND 'a'",
    "SELECT count(*), sum(value) FROM t WHERE value BETWEEN 100 AND 300",
    "SELECT id FROM t WHERE value > 990",
    "SELECT id, m FROM t WHERE m > 2 AND m < 4.5",
    "SELECT * FROM t",
]


@pytest.mark.parametrize("file_backed", [False, True])
def test_repeated_reads_see_every_write(tmp_path: Path, file_backed: bool) -> None:
    p, s = _both(tmp_path if file_backed else None)
    _fill((p, s), 3000)
    writes = [
        "UPDATE t SET value = value + 1 WHERE id % 5 = 0",  # same size, in place
        "UPDATE t SET name = name || '-longer-name' WHERE id % 3 = 0",  # rows grow
        "DELETE FROM t WHERE id % 11 = 0",
        "INSERT INTO t(name, value, score, grp, m) SELECT name, value, score, grp, 'new' "
        "FROM t WHERE id < 200",
        "UPDATE t SET m = NULL WHERE m = 'a'",
        "UPDATE t SET score = 0.75 WHERE score > 0.9",
    ]
    for w in [None, *writes]:
        if w is not None:
            p.execute(w)
            s.execute(w)
            p.commit()
            s.commit()
        for _ in range(4):  # again and again: the kept leaves and hot index pages serve
            for q in READS:
                _same(p, s, q, ordered="GROUP BY" in q or "ORDER BY" in q)


def test_index_ranges_with_parameters() -> None:
    p, s = _both()
    _fill((p, s), 2500, seed=3)
    rng = random.Random(9)
    bounds: list[Any] = [None, 5, 5.5, "7", "abc", b"ab", -1, 999, 1e300]
    for _ in range(300):
        lo, hi = rng.choice(bounds), rng.choice(bounds)
        _same(p, s, "SELECT count(*), sum(value) FROM t WHERE value BETWEEN ? AND ?", (lo, hi))
        _same(p, s, "SELECT id FROM t WHERE m >= ? AND m < ? ORDER BY id", (lo, hi))
        _same(p, s, "SELECT id FROM t WHERE m > ? ORDER BY id", (hi,))


def test_write_between_reads_of_other_connection(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.db")
    a = pyrite.connect(path)
    _fill((a,), 1500)
    b = pyrite.connect(path)
    q = "SELECT count(*), sum(value), max(name) FROM t WHERE score > 0.25"
    for _ in range(3):
        first = a.execute(q).fetchall()
        assert b.execute(q).fetchall() == first
    b.execute("UPDATE t SET value = value * 2, name = 'zzz' WHERE id % 4 = 1")
    b.commit()
    s = sqlite3.connect(path)
    want = s.execute(q).fetchall()
    assert a.execute(q).fetchall() == want
    assert a.execute("SELECT count(*) FROM t WHERE value BETWEEN 0 AND 500").fetchall() == \
        s.execute("SELECT count(*) FROM t WHERE value BETWEEN 0 AND 500").fetchall()


def test_update_and_delete_scanning_the_same_table() -> None:
    p, s = _both()
    _fill((p, s), 2000)
    for c in (p, s):
        for _ in range(3):
            c.execute(READS[0]).fetchall()  # warm
    for w in ["UPDATE t SET value = value + id WHERE score > 0.3",
              "UPDATE t SET name = name || name WHERE grp = 2",
              "DELETE FROM t WHERE value BETWEEN 200 AND 400",
              "INSERT INTO t(name, value, score, grp, m) SELECT name, value, score, grp, m FROM t"]:
        p.execute(w)
        s.execute(w)
        for q in READS:
            _same(p, s, q, ordered="GROUP BY" in q or "ORDER BY" in q)


def test_sum_and_extremes_keep_sqlite_rules() -> None:
    p, s = _both()
    for c in (p, s):
        c.execute("CREATE TABLE a(g, v)")
        c.executemany("INSERT INTO a VALUES (?, ?)",
                      [(1, 2**62), (1, 2**62), (1, -5), (2, 2**62), (2, -2**62), (2, 1.5),
                       (3, 3), (3, "4"), (3, None), (4, "x"), (4, 2), (4, b"z"), (5, None)])
    for q in ["SELECT g, sum(v), total(v), avg(v), count(*), count(v), min(v), max(v) "
              "FROM a WHERE g <> 1 GROUP BY g",
              "SELECT sum(v), count(*) FROM a WHERE g = 2",
              "SELECT max(v), min(v), count(*) FROM a"]:
        _same(p, s, q)
    with pytest.raises(pyrite.OperationalError, match="integer overflow"):
        p.execute("SELECT sum(v) FROM a WHERE g = 1").fetchall()


def test_top_k_over_chunks_of_mixed_values() -> None:
    p, s = _both()
    rng = random.Random(4)
    rows = [(i, rng.choice([rng.randrange(50), rng.randrange(50) + 0.5])) for i in range(10000)]
    rows[7000] = (7000, "text")  # one chunk holds a text: that chunk keeps every row
    rows[9000] = (9000, None)
    for c in (p, s):
        c.execute("CREATE TABLE k(i INTEGER PRIMARY KEY, v)")
        c.executemany("INSERT INTO k VALUES (?, ?)", rows)
    for q in ["SELECT * FROM k ORDER BY v DESC LIMIT 30", "SELECT * FROM k ORDER BY v LIMIT 40",
              "SELECT i FROM k ORDER BY v LIMIT 5 OFFSET 3", "SELECT v, i FROM k ORDER BY v DESC LIMIT 1",
              "SELECT * FROM k WHERE v > 10 ORDER BY v LIMIT 12"]:
        _same(p, s, q)


def test_terms_answered_by_the_index_are_not_retested() -> None:
    """A search's bounds stand for `col = ?`, `col < ?`, `col BETWEEN ? AND ?` (the loop
    no longer re-tests them): the answers must stay SQLite's for every mix of stored
    and bound types, affinities, NULLs, and for terms a search does not answer."""
    p, s = _both()
    ddl = ["CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, r REAL, n NUMERIC, x TEXT,"
           " nc TEXT COLLATE NOCASE, b BLOB)",
           "CREATE INDEX t_i ON t(i)", "CREATE INDEX t_r ON t(r)", "CREATE INDEX t_n ON t(n)",
           "CREATE INDEX t_x ON t(x)", "CREATE INDEX t_nc ON t(nc)", "CREATE INDEX t_ix ON t(i, x)",
           "CREATE TABLE u (k INTEGER, v TEXT, w TEXT COLLATE NOCASE)", "CREATE INDEX u_k ON u(k)"]
    rng = random.Random(5)
    pool = [None, 0, 1, 2, 3, -1, 2.5, 3.0, "2", "3.0", "abc", "ABC", "b", "10", b"\x01", 1e20,
            "  4", 9223372036854775807]
    for con in (p, s):
        for d in ddl:
            con.execute(d)
        for k in range(300):
            row = [rng.choice(pool) for _ in range(6)]
            con.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)", (k, *row))
            rng.seed(k)
        rng = random.Random(5)
        for k in range(60):
            con.execute("INSERT INTO u VALUES (?, ?, ?)", (k % 20, rng.choice(["abc", "ABC", "2"]),
                                                           rng.choice(["abc", "ABC"])))
        rng = random.Random(5)
    bounds = [None, 1, 2, "2", "2.0", 2.0, 2.5, "abc", "b", b"\x01", "", -5, 1e20, "10"]
    for col in ("i", "r", "n", "x", "nc", "b", "id"):
        for q in (f"SELECT id FROM t WHERE {col} = ? ORDER BY id",
                  f"SELECT id FROM t WHERE {col} > ? ORDER BY id",
                  f"SELECT id FROM t WHERE {col} <= ? ORDER BY id",
                  f"SELECT id FROM t WHERE ? < {col} ORDER BY id",
                  f"SELECT count(*), sum(id) FROM t WHERE {col} BETWEEN ? AND ?",
                  f"SELECT count(*), total({col}) FROM t WHERE {col} >= ? AND {col} < ?"):
            for lo in bounds:
                for hi in (bounds if q.count("?") == 2 else [None])[:8]:
                    params = (lo, hi) if q.count("?") == 2 else (lo,)
                    _same(p, s, q, params)
    for q in ("SELECT count(*) FROM t WHERE i = 2 AND i = '2'",
              "SELECT count(*) FROM t WHERE i > 1 AND i > 2.5 AND i < 3",
              "SELECT count(*) FROM t WHERE i BETWEEN 1 AND 3 AND i BETWEEN 2 AND 10",
              "SELECT count(*) FROM t WHERE i = 2 AND x > 'a'",
              "SELECT count(*) FROM t WHERE x = 'abc' COLLATE NOCASE",
              "SELECT count(*) FROM t WHERE x BETWEEN 'a' AND 'B' COLLATE NOCASE",
              "SELECT count(*) FROM t WHERE nc = 'abc'",
              "SELECT count(*) FROM t WHERE x > 1 + 1",
              "SELECT count(*) FROM t WHERE i < abs(-3)",
              "SELECT count(*), sum(t.id) FROM u JOIN t ON t.i = u.k",
              "SELECT count(*), sum(t.id) FROM u JOIN t ON t.x = u.v",
              "SELECT count(*), sum(t.id) FROM u JOIN t ON t.x = u.w",
              "SELECT count(*), sum(t.id) FROM u JOIN t ON u.w = t.x",
              "SELECT count(*), sum(t.id) FROM u JOIN t ON t.x > u.v AND t.x < 'c'",
              "SELECT count(*), sum(t.id) FROM u LEFT JOIN t ON t.i = u.k WHERE t.i IS NULL",
              "SELECT count(*) FROM t WHERE i IN (1, 2) AND i = 2",
              "SELECT count(*) FROM t WHERE i = 2 OR x = 'abc'"):
        _same(p, s, q)


def test_comparison_collation_left_column_first() -> None:
    """A column operand on the left brings its own collation, BINARY when it declares
    none, before a right column's (sqlite3ExprCompareCollSeq): with and without an
    index that could answer the term, for =, <, BETWEEN and hash-joined equality."""
    rows = ", ".join(f"({k}, '{v}')" for k, v in enumerate(["abc", "ABC", "b", "B", "a", ""]))
    base = ["CREATE TABLE a (k INTEGER, x TEXT)", "CREATE TABLE n (k INTEGER, y TEXT COLLATE NOCASE)",
            f"INSERT INTO a VALUES {rows}", f"INSERT INTO n VALUES {rows}"]
    queries = ["SELECT a.k, n.k FROM a, n WHERE a.x = n.y ORDER BY 1, 2",
               "SELECT a.k, n.k FROM a, n WHERE n.y = a.x ORDER BY 1, 2",
               "SELECT a.k, n.k FROM a, n WHERE a.x < n.y ORDER BY 1, 2",
               "SELECT a.k, n.k FROM a, n WHERE n.y < a.x ORDER BY 1, 2",
               "SELECT a.k, n.k FROM a JOIN n ON n.y = a.x ORDER BY 1, 2",
               "SELECT a.k, n.k FROM n JOIN a ON a.x = n.y ORDER BY 1, 2",
               "SELECT a.k, n.k FROM a, n WHERE a.x BETWEEN n.y AND 'c' ORDER BY 1, 2",
               "SELECT k FROM a WHERE x BETWEEN 'A' COLLATE NOCASE AND 'b' ORDER BY 1",
               "SELECT k FROM a WHERE x BETWEEN 'A' AND 'b' COLLATE NOCASE ORDER BY 1",
               "SELECT k FROM a WHERE x + 0 = 0 ORDER BY 1"]
    same_as_sqlite(base + queries)
    same_as_sqlite(base + ["CREATE INDEX a_x ON a(x)", "CREATE INDEX n_y ON n(y)"] + queries)
