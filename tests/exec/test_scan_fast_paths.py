"""Whole-table scans that walk a leaf's kept rows at a time (cursor.scan_leaf_rows):
aggregates and sorter input, and ORDER BY <column> LIMIT narrowed leaf by leaf
(sorter.TopkLeaves). Every answer is compared with CPython's sqlite3 over type
mixes: integers, reals, text, blobs and NULLs in the sorted column, ties, ASC/DESC,
NULLS FIRST/LAST, LIMIT/OFFSET as literals and parameters, short records."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import pyrite
from pyrite.exec import sorter


def _both() -> tuple[Any, Any]:
    return pyrite.connect(":memory:"), sqlite3.connect(":memory:")


def _same(p: Any, s: Any, sql: str, params: tuple[Any, ...] = ()) -> None:
    got = [tuple(r) for r in p.execute(sql, params).fetchall()]
    want = [tuple(r) for r in s.execute(sql, params).fetchall()]
    assert got == want, sql


def _value(rng: random.Random, kind: str) -> Any:
    if kind == "int":
        return rng.randrange(-40, 40)
    if kind == "num":
        return rng.choice([rng.randrange(-40, 40), rng.randrange(-40, 40) + 0.5,
                           float(rng.randrange(-40, 40))])
    if kind == "big":
        return rng.choice([2**63 - 1, -2**63, 2**62 + rng.randrange(9), 9.2e18, -9.2e18,
                           rng.randrange(-5, 5)])
    if kind == "text":
        return rng.choice(["a", "B", "b", "10", "", "é", "É", "a ", "zz", "\U0001f600", "ab", "Ab"])
    if kind == "blob":
        return rng.choice([b"", b"\x00", b"z", b"a", b"ab", b"\xff"])
    return rng.choice([None, "a", "B", "b", "10", b"\x00", b"z", 3, 2.5, -1, None])


def _table(p: Any, s: Any, rows: list[tuple[Any, ...]]) -> None:
    for c in (p, s):
        c.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v, w TEXT, pad TEXT)")
        c.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", rows)


ORDER_QUERIES = [
    "SELECT * FROM t ORDER BY v DESC LIMIT 10",
    "SELECT * FROM t ORDER BY v LIMIT 10",
    "SELECT * FROM t ORDER BY v ASC NULLS LAST LIMIT 15",
    "SELECT * FROM t ORDER BY v DESC NULLS FIRST LIMIT 15",
    "SELECT id, v FROM t ORDER BY v LIMIT 7 OFFSET 5",
    "SELECT v, id FROM t ORDER BY v DESC LIMIT 1",
    "SELECT id FROM t ORDER BY v LIMIT 0",
    "SELECT id FROM t ORDER BY v DESC LIMIT -1",
    "SELECT id FROM t ORDER BY v LIMIT 100000",
    "SELECT id, v FROM t ORDER BY v COLLATE NOCASE DESC LIMIT 12",
    "SELECT id, v FROM t ORDER BY v COLLATE RTRIM LIMIT 12",
    "SELECT id, v FROM t ORDER BY v COLLATE BINARY DESC LIMIT 12",
    "SELECT id, v FROM t WHERE id % 3 = 0 ORDER BY v DESC LIMIT 9",
    "SELECT id, w FROM t ORDER BY w LIMIT 11",
    "SELECT id, v FROM t ORDER BY 2 DESC LIMIT 8",
    "SELECT id, v FROM t ORDER BY v DESC LIMIT 2500",
    "SELECT id, v FROM t ORDER BY v LIMIT 400 OFFSET 1000",
    "SELECT id * 2, w || 'x' FROM t ORDER BY v DESC LIMIT 6",
    "SELECT v + 1, id FROM t ORDER BY v LIMIT 6 OFFSET 2",
    "SELECT v AS q, id FROM t ORDER BY q LIMIT 6",
    "SELECT v, id, 1 FROM t ORDER BY 1 DESC LIMIT 6",
]


@pytest.mark.parametrize("kinds", [("int",), ("num",), ("big",), ("num", "mixed"),
                                   ("int", "int", "int", "mixed"), ("text",), ("blob", "text", "num"),
                                   ("text", "mixed", "int")])
def test_order_by_limit_over_leaves_of_type_mixes(kinds: tuple[str, ...]) -> None:
    p, s = _both()
    rng = random.Random(len(kinds) * 31 + len(kinds[0]))
    rows = []
    for i in range(1, 3001):
        # a run of 150 rows (a few leaves) draws from one kind: some leaves hold only
        # numbers and are narrowed, others a mix and are kept whole
        kind = kinds[(i // 150) % len(kinds)]
        rows.append((i, _value(rng, kind), rng.choice(["x", "y", None, "Y"]), "p" * 20))
    _table(p, s, rows)
    before = sorter.TOPK_LEAVES
    for q in ORDER_QUERIES:
        _same(p, s, q)
    for lim, off in [(10, 0), (3, 40), (0, 0), (-1, 2), (50, 2990)]:
        _same(p, s, "SELECT id, v FROM t ORDER BY v DESC LIMIT ? OFFSET ?", (lim, off))
        _same(p, s, "SELECT id, v FROM t ORDER BY v LIMIT :n OFFSET :o", {"n": lim, "o": off})
    if "mixed" not in kinds:
        assert sorter.TOPK_LEAVES > before  # the narrowing ran


def test_order_by_limit_ties_keep_scan_order() -> None:
    p, s = _both()
    rows = [(i, i % 4 + (0.0 if i % 2 else 0), None, "") for i in range(1, 2001)]
    _table(p, s, rows)
    for q in ORDER_QUERIES[:9]:
        _same(p, s, q)


def test_order_by_limit_short_records_read_the_default() -> None:
    p, s = _both()
    rows = [(i, i % 50, None, "q" * 30) for i in range(1, 1501)]
    _table(p, s, rows)
    for c in (p, s):
        c.execute("ALTER TABLE t ADD COLUMN z DEFAULT 7")
        c.execute("INSERT INTO t(id, v, z) VALUES (5000, 1, 99), (5001, 2, -3)")
    for q in ["SELECT id, z FROM t ORDER BY z DESC LIMIT 3", "SELECT id, z FROM t ORDER BY z LIMIT 3",
              "SELECT * FROM t ORDER BY v DESC LIMIT 4"]:
        _same(p, s, q)


def test_order_by_limit_sees_writes_between_runs() -> None:
    p, s = _both()
    _table(p, s, [(i, i, None, "w" * 10) for i in range(1, 2001)])
    q = "SELECT id, v FROM t ORDER BY v DESC LIMIT 5"
    _same(p, s, q)
    for c in (p, s):
        c.execute("UPDATE t SET v = 'top' WHERE id = 17")
        c.execute("UPDATE t SET v = 5000.5 WHERE id = 1000")
        c.execute("DELETE FROM t WHERE id = 2000")
    _same(p, s, q)
    _same(p, s, "SELECT id, v FROM t ORDER BY v LIMIT 5")


def test_errors_of_rows_outside_the_limit_still_raise() -> None:
    """Only ORDER BY of plain columns is narrowed leaf by leaf: a result column that
    can fail is computed for every row, as before (here sqlite3 fails too)."""
    p, s = _both()
    _table(p, s, [(i, i % 50, None, "") for i in range(1, 2001)])
    for c in (p, s):
        c.execute("UPDATE t SET v = -9223372036854775808, w = '{' WHERE id = 1500")
    for q in ["SELECT id, abs(v) FROM t ORDER BY v DESC", "SELECT (SELECT json(w) FROM t ORDER BY v DESC)"]:
        for mod, c in ((pyrite, p), (sqlite3, s)):
            with pytest.raises(mod.OperationalError):
                c.execute(q).fetchall()
    _same(p, s, "SELECT (SELECT w FROM t ORDER BY v DESC), (SELECT id FROM t ORDER BY v)")


def test_user_function_keeps_the_row_by_row_scan() -> None:
    p, s = _both()
    _table(p, s, [(i, i % 97, None, "") for i in range(1, 1001)])
    for c in (p, s):
        c.create_function("twice", 1, lambda x: None if x is None else 2 * x)
    for q in ["SELECT sum(twice(v)), count(*) FROM t", "SELECT id FROM t ORDER BY twice(v) DESC LIMIT 4",
              "SELECT id FROM t ORDER BY v DESC LIMIT 4"]:
        _same(p, s, q)


AGG_QUERIES = [
    "SELECT sum(v), count(*), total(v), avg(v), min(v), max(v), count(v) FROM t",
    "SELECT sum(v), count(*) FROM t WHERE v > 0.5",
    "SELECT sum(v), count(*) FROM t WHERE w = 'x'",
    "SELECT w, count(*), sum(v), max(v), min(v) FROM t GROUP BY w ORDER BY 1",
    "SELECT count(*) FROM t WHERE v IS NULL",
    "SELECT group_concat(v) FROM t WHERE id < 40",
]


@pytest.mark.parametrize("kind", ["int", "num", "mixed"])
def test_aggregates_over_leaves(kind: str) -> None:
    p, s = _both()
    rng = random.Random(11)
    _table(p, s, [(i, _value(rng, kind), rng.choice(["x", "y", None]), "a" * 15)
                  for i in range(1, 2501)])
    for q in AGG_QUERIES:
        _same(p, s, q)


def test_sum_overflow_over_leaves() -> None:
    p, s = _both()
    rows = [(i, 2**62 if i in (10, 2000) else 1, "x", "") for i in range(1, 2501)]
    _table(p, s, rows)
    _same(p, s, "SELECT sum(v), count(*) FROM t WHERE id < 2000")
    _same(p, s, "SELECT total(v), avg(v) FROM t")
    for c in (p, s):
        c.execute("UPDATE t SET v = 4611686018427387904 WHERE id = 2001")
    for mod, c in ((pyrite, p), (sqlite3, s)):
        with pytest.raises(mod.OperationalError, match="integer overflow"):
            c.execute("SELECT sum(v) FROM t").fetchall()
    # an overflow undone later still fails (SQLite checks every step), a REAL first does not
    for c in (p, s):
        c.execute("UPDATE t SET v = -4611686018427387904 WHERE id = 2500")
    for mod, c in ((pyrite, p), (sqlite3, s)):
        with pytest.raises(mod.OperationalError, match="integer overflow"):
            c.execute("SELECT sum(v) FROM t").fetchall()
    for c in (p, s):
        c.execute("UPDATE t SET v = 0.5 WHERE id = 1")
    _same(p, s, "SELECT sum(v), total(v) FROM t")


@pytest.mark.parametrize("index", ["tz ON t(z)", "tbz ON t(b, z)", "tw ON t(w)", "tpw ON t(w) WHERE w < 'a'",
                                   "tuz ON t(z, a)", "tx ON t(w || 'q')"])
def test_create_index_reads_added_columns_default(index: str) -> None:
    """Rows written before ALTER TABLE ADD COLUMN are indexed with the column's
    DEFAULT, as SQLite reads them (they were indexed as NULL)."""
    p, s = _both()
    for c in (p, s):
        c.execute("CREATE TABLE t(a INTEGER PRIMARY KEY, b)")
        c.executemany("INSERT INTO t VALUES (?, ?)", [(i, i % 7) for i in range(1, 400)])
        c.execute("ALTER TABLE t ADD COLUMN z DEFAULT 7")
        c.execute("ALTER TABLE t ADD COLUMN w TEXT DEFAULT -3")
        c.execute("INSERT INTO t VALUES (1000, 1, 1, 'x'), (1001, 2, NULL, NULL)")
        c.execute(f"CREATE INDEX {index}")
    assert p.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    for q in ["SELECT a FROM t WHERE z = 7 ORDER BY a", "SELECT a, z FROM t WHERE b = 2 AND z = 7 ORDER BY a",
              "SELECT a, w FROM t WHERE w = '-3' ORDER BY a", "SELECT count(*) FROM t WHERE w < 'a'",
              "SELECT a FROM t WHERE w || 'q' = '-3q' ORDER BY a"]:
        _same(p, s, q)


@pytest.mark.parametrize("values", [[3, 1, 2.5, 1.0, 1], ["b", "a", "B", "a", ""], [None, 1, "a", b"x", 2.0]])
def test_create_index_orders_equal_keys_by_rowid(values: list[Any], tmp_path: Path) -> None:
    """The index pyrite builds is the one SQLite builds: sqlite3 checks the file and
    reads it through the index."""
    p = pyrite.connect(str(tmp_path / "p.db"))
    s = sqlite3.connect(":memory:")
    for c in (p, s):
        c.execute("CREATE TABLE t(k)")
        c.executemany("INSERT INTO t(rowid, k) VALUES (?, ?)",
                      [(i * 7 % 503, values[i % len(values)]) for i in range(1, 500)])
        c.commit()
        c.execute("CREATE INDEX tk ON t(k)")
        c.commit()
    p.close()
    back = sqlite3.connect(str(tmp_path / "p.db"))
    assert back.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    for q in ["SELECT rowid, k FROM t INDEXED BY tk WHERE k IS NOT NULL",
              "SELECT rowid, k FROM t INDEXED BY tk ORDER BY k",
              "SELECT rowid FROM t INDEXED BY tk WHERE k = 1", "SELECT rowid FROM t INDEXED BY tk WHERE k = 'a'"]:
        assert back.execute(q).fetchall() == s.execute(q).fetchall(), q


@pytest.mark.parametrize("values", [["a", "b", "a"], ["a", None, None, "b"], ["é", "e", "É"], ["x", 1, "x"]])
def test_create_unique_index_on_text(values: list[Any]) -> None:
    p, s = _both()
    for c in (p, s):
        c.execute("CREATE TABLE t(k TEXT, n)")
        c.executemany("INSERT INTO t VALUES (?, ?)", [(values[i % len(values)], i) for i in range(len(values))])
    outcomes = []
    for mod, c in ((pyrite, p), (sqlite3, s)):
        try:
            c.execute("CREATE UNIQUE INDEX tk ON t(k)")
            outcomes.append(c.execute("SELECT k, n FROM t INDEXED BY tk WHERE k > ''").fetchall())
        except mod.IntegrityError as e:
            outcomes.append(str(e))
    assert outcomes[0] == outcomes[1]


def test_order_by_limit_under_a_custom_collation() -> None:
    p, s = _both()
    rng = random.Random(3)
    _table(p, s, [(i, rng.choice(["a", "b", "c", "aa", 5, 2.5, b"x"]), None, "") for i in range(1, 2001)])
    for c in (p, s):
        c.create_collation("back", lambda a, b: (a < b) - (a > b))
    for q in ["SELECT id, v FROM t ORDER BY v COLLATE back LIMIT 9",
              "SELECT id, v FROM t ORDER BY v COLLATE back DESC LIMIT 9 OFFSET 4"]:
        _same(p, s, q)
