"""Index searches over kept pages: an equality or range seek that bisects a page's
kept decoded keys (cursor._bisect_kept, when Python's order is SQLite's for the
probe), a range held in one leaf found with no cursor (cursor._kept_range), and
the table row fetched by rowid through the pages' rowid lists
(cursor.table_payload). Every answer is compared with CPython's sqlite3 on type
mixes (integers, reals equal to integers, text, blobs, NULLs, long keys on
overflow pages), under BINARY, NOCASE and RTRIM indexes, DESC indexes, and
multi-column indexes searched by a prefix; each query runs several times so the
pages are kept, and again after writes in the same transaction."""

from __future__ import annotations

import random
import sqlite3
from typing import Any

import pytest

import pyrite

REPEAT = 3  # a page is decoded whole from its second visit: later runs take the fast paths


def _keys(rng: random.Random) -> list[Any]:
    out: list[Any] = []
    for i in range(900):
        out.append(rng.choice([
            rng.randrange(-50, 50), rng.randrange(-50, 50) + 0.5, float(rng.randrange(-50, 50)),
            str(rng.randrange(-50, 50)), rng.choice(["a", "A", "b", "B", "abc", "ABC", "abc ",
                                                     "zz", "é", "É", "", "\U0001f600"]),
            f"name-{rng.randrange(10**6):06d}", bytes([rng.randrange(256)]) * rng.randrange(3),
            None, 2**62 + rng.randrange(3), -2**63, 2**63 - 1, 9.2e18,
            "x" * 3000 if i % 97 == 0 else "long-" + "y" * rng.randrange(400, 900)]))
    return out


PROBES: list[Any] = [1, 1.0, 1.5, "1", "1.0", " 1", "a", "A", "abc", "ABC", "abc ", "é", "",
                     b"", b"\x07", None, 2**62 + 1, 2**63 - 1, -2**63, 9.2e18, "zz", "zzz",
                     "\U0001f600", "x" * 3000, -50, 49.5, "name-000000"]

DECLS = ["", "INTEGER", "TEXT", "REAL", "BLOB", "NUMERIC"]
INDEXES = ["(k)", "NOCASE:(k)", "RTRIM:(k)", "(k COLLATE NOCASE)", "(k DESC)", "(k, j)",
           "NOCASE:(k, j)", "(k DESC, j)", "(k, j DESC)", "(j, k)", "NOCASE:(j, k)"]
"""An index on t: its columns, after the collation of column k when it has one."""


def _both(decl: str, index: str, seed: int) -> tuple[Any, Any]:
    rng = random.Random(seed)
    keys = _keys(rng)
    rows = [(i + 1, k, rng.choice([rng.randrange(5), "p", None, 2.0]), f"pad{i}")
            for i, k in enumerate(keys)]
    cons = []
    for mod in (pyrite, sqlite3):
        con = mod.connect(":memory:", isolation_level=None)
        coll, _, cols = index.rpartition(":")
        coll = f" COLLATE {coll}" if coll else ""
        con.execute(f"CREATE TABLE t(id INTEGER PRIMARY KEY, k {decl}{coll}, j, pad TEXT)")
        con.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", rows)
        con.execute(f"CREATE INDEX t_k ON t{cols}")
        cons.append(con)
    return cons[0], cons[1]


def _same(p: Any, s: Any, sql: str, params: tuple[Any, ...] = (), ordered: bool = False) -> None:
    want = [tuple(r) for r in s.execute(sql, params).fetchall()]
    for _ in range(REPEAT):
        got = [tuple(r) for r in p.execute(sql, params).fetchall()]
        if ordered:
            assert got == want, (sql, params)
        else:
            assert sorted(got, key=repr) == sorted(want, key=repr), (sql, params)


def _queries(index: str) -> list[tuple[str, int]]:
    q = [("SELECT id, k FROM t WHERE k = ?", 1),
         ("SELECT id, k, pad FROM t WHERE k > ? AND k < ?", 2),
         ("SELECT count(*), sum(length(k)) FROM t WHERE k BETWEEN ? AND ?", 2),
         ("SELECT id FROM t WHERE k >= ? ORDER BY k LIMIT 5", 1),
         ("SELECT k FROM t WHERE k <= ? ORDER BY k DESC LIMIT 5", 1),
         ("SELECT count(*) FROM t WHERE k IS ?", 1)]
    if "j" in index:
        q += [("SELECT id, k, j FROM t WHERE k = ? AND j = ?", 2),
              ("SELECT id, k, j FROM t WHERE k = ? AND j > ?", 2),
              ("SELECT id FROM t WHERE j = ? AND k BETWEEN ? AND ?", 3)]
    return q


@pytest.mark.parametrize("index", INDEXES)
@pytest.mark.parametrize("decl", DECLS)
def test_index_search_matches_sqlite(decl: str, index: str) -> None:
    p, s = _both(decl, index, hash((decl, index)) & 0xFFFF)
    rng = random.Random(7)
    for sql, n in _queries(index):
        for _ in range(8):
            params = tuple(rng.choice(PROBES) for _ in range(n))
            _same(p, s, sql, params, ordered="ORDER BY" in sql)


@pytest.mark.parametrize("index", ["(k)", "NOCASE:(k)", "(k, j)"])
def test_index_search_after_writes_in_the_same_transaction(index: str) -> None:
    p, s = _both("", index, 11)
    probes = [1, "a", "abc", 2.5, b"\x07", "name-000001", 2**62 + 1]
    for c in (p, s):
        c.execute("BEGIN")
    for v in probes:  # warm: the pages are kept
        _same(p, s, "SELECT id, k, j FROM t WHERE k = ?", (v,))
        _same(p, s, "SELECT id, pad FROM t WHERE k BETWEEN ? AND ?", (v, v))
    writes = [("UPDATE t SET k = ? WHERE id % 7 = 0", ("abc",)),
              ("INSERT INTO t(k, j, pad) SELECT ?, j, pad FROM t WHERE id < 300", (1.0,)),
              ("DELETE FROM t WHERE k = ?", ("a",)),
              ("UPDATE t SET pad = ? || pad WHERE k = ?", ("q" * 500, 2.5)),
              ("UPDATE t SET j = 'p' WHERE k = ?", (1,))]
    for sql, params in writes:
        for c in (p, s):
            c.execute(sql, params)
        for v in probes:
            _same(p, s, "SELECT id, k, j, pad FROM t WHERE k = ?", (v,))
            _same(p, s, "SELECT count(*) FROM t WHERE k > ? AND k <= ?", (v, "zzzz"))
    for c in (p, s):
        c.execute("COMMIT")
    _same(p, s, "SELECT id, k, j, pad FROM t WHERE k = ?", ("abc",))


def test_write_while_reading_an_index_search() -> None:
    """Rows changed under a running index search (an UPDATE driven by it): the
    search goes on after the last key it returned, as SQLite's does."""
    p, s = _both("", "(k)", 5)
    for c in (p, s):
        for _ in range(3):
            c.execute("SELECT id FROM t WHERE k = 'abc'").fetchall()
        c.execute("UPDATE t SET k = 'abd', pad = pad || 'x' WHERE k = 'abc'")
        c.execute("UPDATE t SET k = k || 'q' WHERE k BETWEEN 'name-1' AND 'name-5'")
    _same(p, s, "SELECT id, k, pad FROM t ORDER BY id", ordered=True)


def test_join_through_an_index_matches_sqlite() -> None:
    rng = random.Random(3)
    cons = []
    for mod in (pyrite, sqlite3):
        con = mod.connect(":memory:")
        con.execute("CREATE TABLE a(id INTEGER PRIMARY KEY, x, grp INTEGER)")
        con.execute("CREATE TABLE b(id INTEGER PRIMARY KEY, y TEXT, qty)")
        con.execute("CREATE TABLE c(id INTEGER PRIMARY KEY, z INTEGER, w)")
        con.execute("CREATE INDEX b_y ON b(y)")
        con.execute("CREATE INDEX c_z ON c(z)")
        cons.append(con)
    r2 = random.Random(4)
    arows = [(i, r2.choice([i % 50, str(i % 50), float(i % 50), None, f"{i % 50}.0", b"1"]),
              i % 10) for i in range(1, 1500)]
    brows = [(i, r2.choice([i % 60, str(i % 60), None, "x"]), i % 13) for i in range(1, 1500)]
    crows = [(i, r2.choice([i % 40, str(i % 40), None, "7.0", 7.5]), i % 5) for i in range(1, 900)]
    for con in cons:
        con.executemany("INSERT INTO a VALUES (?, ?, ?)", arows)
        con.executemany("INSERT INTO b VALUES (?, ?, ?)", brows)
        con.executemany("INSERT INTO c VALUES (?, ?, ?)", crows)
    p, s = cons
    del rng
    for g in range(4):
        _same(p, s, "SELECT count(*), sum(b.qty * a.grp), total(b.id) FROM a JOIN b "
                    "ON b.y = a.x WHERE a.grp = ?", (g,))
        _same(p, s, "SELECT count(*), sum(c.w), max(c.id) FROM a JOIN c ON c.z = a.x "
                    "WHERE a.grp = ?", (g,))
        _same(p, s, "SELECT a.id, c.id FROM a LEFT JOIN c ON c.z = a.id WHERE a.grp = ?", (g,))
    # the outer scan walks leaf lists (rows consumed whole: an aggregate, the sorter);
    # an ORDER BY ... LIMIT over a join must not narrow the outer rows first
    for sql in ["SELECT a.id, b.id FROM a JOIN b ON b.y = a.x ORDER BY a.grp DESC, a.id, b.id "
                "LIMIT 7",
                "SELECT a.x, count(*) FROM a JOIN c ON c.z = a.x GROUP BY a.x ORDER BY 2, 1",
                "SELECT a.id FROM a JOIN b ON b.y = a.x AND b.qty = 3 ORDER BY a.id LIMIT 5 OFFSET 2",
                "SELECT a.id, c.w FROM a JOIN c ON c.z = a.grp ORDER BY c.w, a.id LIMIT 4"]:
        _same(p, s, sql, ordered=True)


def test_range_aggregate_over_a_covering_index() -> None:
    rng = random.Random(9)
    vals = [rng.choice([rng.randrange(10**6), rng.randrange(10**6) + 0.25, str(rng.randrange(99)),
                        None, b"\x01"]) for _ in range(6000)]
    cons = []
    for mod in (pyrite, sqlite3):
        con = mod.connect(":memory:")
        con.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, value INTEGER, pad)")
        con.executemany("INSERT INTO t VALUES (?, ?, 'p')", list(enumerate(vals, 1)))
        con.execute("CREATE INDEX t_value ON t(value)")
        cons.append(con)
    p, s = cons
    for lo in [rng.randrange(990_000) for _ in range(20)] + [-5, "5", 10**6 - 1]:
        _same(p, s, "SELECT count(*), sum(value), min(value), max(value) FROM t "
                    "WHERE value BETWEEN ? AND ?", (lo, lo + 10_000 if not isinstance(lo, str)
                                                    else "9"))
        _same(p, s, "SELECT count(*), sum(value) FROM t WHERE value > ? AND value < ?",
              (lo, 1e30))


def test_corrupt_index_rowid_is_a_database_error(tmp_path: Any) -> None:
    """An index entry whose last field is not an integer is reported, not a TypeError."""
    path = str(tmp_path / "c.db")
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, k TEXT, v)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?)", [(i, f"k{i}", i) for i in range(50)])
    con.execute("CREATE TABLE w(k TEXT, r TEXT, PRIMARY KEY(k, r)) WITHOUT ROWID")
    con.execute("INSERT INTO w VALUES ('k7', 'notarowid')")
    con.commit()
    # point an index of t at w's B-tree: index entries (k, r) ending in text
    con.execute("PRAGMA writable_schema=ON")
    root = con.execute("SELECT rootpage FROM sqlite_schema WHERE name='w'").fetchone()[0]
    con.execute("INSERT INTO sqlite_schema VALUES ('index', 't_k', 't', ?, "
                "'CREATE INDEX t_k ON t(k)')", (root,))
    con.commit()
    con.close()
    p = pyrite.connect(path)
    with pytest.raises(pyrite.DatabaseError):
        p.execute("SELECT v FROM t WHERE k = 'k7'").fetchall()


def test_rows_fetched_by_rowid_after_writes_to_the_same_leaf() -> None:
    """An index search fetches table rows by rowid through the leaves' rowid lists:
    a leaf written in place (already written once in the transaction) must not be
    read through the list made before the write."""
    cons = []
    for mod in (pyrite, sqlite3):
        con = mod.connect(":memory:", isolation_level=None)
        con.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, k, pad)")
        con.executemany("INSERT INTO t VALUES (?, ?, ?)",
                        [(i * 10, i % 7, f"p{i}") for i in range(1, 400)])
        con.execute("CREATE INDEX t_k ON t(k)")
        con.execute("BEGIN")
        cons.append(con)
    p, s = cons
    for step in range(4):
        for c in (p, s):
            c.execute("UPDATE t SET pad = pad || 'u' WHERE id % 70 = ?", (step * 10,))
        for _ in range(10):  # often enough for the pages' rowid lists to be made
            for k in range(7):
                _same(p, s, "SELECT id, pad FROM t WHERE k = ?", (k,))
        for c in (p, s):  # rows found, and deleted, through the index
            c.execute("DELETE FROM t WHERE k = ? AND id % 20 = 0", (step,))
        for k in range(7):
            _same(p, s, "SELECT id, k, pad FROM t WHERE k = ?", (k,))
        for c in (p, s):
            c.executemany("INSERT INTO t VALUES (?, ?, ?)",
                          [(i * 10 + step + 1, i % 7, f"n{i}") for i in range(1, 400, 3)])
            c.execute("DELETE FROM t WHERE id % 40 = ?", (step * 10,))
        for k in range(7):
            _same(p, s, "SELECT id, k, pad FROM t WHERE k = ?", (k,))
            _same(p, s, "SELECT id, pad FROM t WHERE id = ?", (k * 130 + step + 1,))
