"""Planner features of SQLite 3.40 against sqlite3 (the oracle), each with its own
EXPLAIN QUERY PLAN lines and the rows that plan produces: an IN followed by a
range on the next key column, several INs in one index key (searched in index order, which may give the ORDER
BY), the partial sort
(USE TEMP B-TREE FOR RIGHT PART OF ORDER BY) after a loop that delivers the
leading ORDER BY terms, the numbering of MULTI-INDEX OR's INDEX lines, Bloom
filters on inner searches (SQLite 3.38+). Queries run over test_eqp's schema and data, without
statistics and after ANALYZE; rows of an ORDER BY query compare in sequence."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from test_eqp import SCHEMA, _fill, _tree
from test_eqp_joins import _pair as _oracle_pair

import pyrite
from pyrite.exec import sorter

# t1(a INTEGER PRIMARY KEY, b, c, d) with t1b(b), t1cd(c, d); t2(x, y, z) with
# UNIQUE t2x(x), t2yz(y, z); t3(p, q, r) without index; t4(k TEXT PRIMARY KEY, v).
IN_RANGE = [
    "SELECT * FROM t1 WHERE c IN ('a','x') AND d>1",
    "SELECT * FROM t1 WHERE c IN ('a','x','ab') AND d>=1.5 AND d<3",
    "SELECT * FROM t1 WHERE c IN ('a','x') AND d BETWEEN 1 AND 2.5",
    "SELECT c, d FROM t1 WHERE c IN ('b','abc',NULL) AND d<2.5",
    "SELECT * FROM t1 WHERE c IN ('a','x','a') AND d>'1'",
    "SELECT * FROM t2 WHERE y IN (1,2) AND z>'a'",
    "SELECT * FROM t2 WHERE y IN (3,1,'2') AND z<'b'",
    "SELECT * FROM t1, t2 WHERE t1.c IN ('a','b') AND t1.d>1 AND t2.x=t1.b",
    # the rowid ends every index key
    "SELECT * FROM t1 WHERE c IN ('a','x') AND d IN (1, 3) AND a>10",
    "SELECT * FROM t1 WHERE b IN (1,2,NULL) AND a<'30'",
]

TWO_INS = [
    "SELECT * FROM t2 WHERE y IN (1,2,3,4,5) AND z IN ('a','ab')",
    "SELECT * FROM t2 WHERE y IN (1,2) AND z IN ('a','ab','a',NULL)",
    "SELECT y, z FROM t2 WHERE y IN (5,4,3) AND z IN ('x','b')",
    "SELECT * FROM t2 WHERE y IN (1,'2',2.0) AND z IN ('abc','y','10')",
    "SELECT count(*) FROM t2 WHERE y IN (0,1,2,3) AND z IN ('a','b','x','X')",
    "SELECT * FROM t1 WHERE c IN ('a','x') AND d IN (1.0, 2.5)",
]

PARTIAL_SORT = [
    "SELECT * FROM t2 ORDER BY y, z DESC",
    "SELECT * FROM t1 ORDER BY c, d, b",
    "SELECT * FROM t1 ORDER BY c, b",
    "SELECT * FROM t1 ORDER BY c, d DESC",
    "SELECT * FROM t1 ORDER BY c, b LIMIT 3",  # a full sort of SCAN t1 is cheaper
    "SELECT * FROM t1 WHERE c>'a' ORDER BY c, b",
    "SELECT * FROM t2 ORDER BY y, x",
    "SELECT * FROM t2 WHERE y=2 ORDER BY z, x",
    "SELECT * FROM t1 ORDER BY b, c",
    "SELECT * FROM t1 ORDER BY b DESC, c",
    "SELECT * FROM t1 WHERE b>2 ORDER BY b, c",
    "SELECT * FROM t2 ORDER BY y, z DESC LIMIT 4",
    "SELECT * FROM t2 ORDER BY y DESC, z LIMIT 7 OFFSET 3",
    "SELECT b, c FROM t1 ORDER BY b, c",
    "SELECT c, d, a FROM t1 ORDER BY c, d DESC",
    "SELECT * FROM t1 ORDER BY b, c LIMIT 10",
    "SELECT b, d FROM t1 WHERE b BETWEEN 2 AND 5 ORDER BY b DESC, d",
    # a term held to a constant is in order whatever the loop
    "SELECT * FROM t3 WHERE p=1 ORDER BY p, q",
    "SELECT * FROM t1 WHERE b=1 ORDER BY b, c",
    "SELECT * FROM t1 WHERE c='a' ORDER BY c, b, d",
    "SELECT * FROM t2 WHERE x=5 ORDER BY x, y",  # one row: no sort at all
    # joins: the outer loop delivers the leading terms
    "SELECT t1.a FROM t1 JOIN t2 ON t1.b=t2.x ORDER BY t2.x, t1.a",
    "SELECT t2.x, t1.c FROM t1 JOIN t2 ON t1.b=t2.x ORDER BY t2.x, t1.c DESC",
    "SELECT * FROM t1 JOIN t3 ON t3.p=t1.b ORDER BY t1.b, t3.q",
    # subqueries compiled inside the ordered query keep their own sort
    "SELECT b, c FROM t1 WHERE b IN (SELECT y FROM t2 ORDER BY y, z LIMIT 9) ORDER BY c, b",
    "SELECT b, c FROM t1 WHERE b = (SELECT max(y) FROM t2) ORDER BY b, c",
    "SELECT b, c FROM t1 WHERE d IN (SELECT y FROM t2) ORDER BY b, c",
    "SELECT * FROM (SELECT y, z FROM t2 ORDER BY y, z DESC LIMIT 12) ORDER BY z, y",
]

# an IN (list) searched value by value in index order delivers the ORDER BY
IN_ORDER = [
    "SELECT * FROM t1 WHERE b IN (3,1,2) ORDER BY b",
    "SELECT * FROM t1 WHERE b IN (3,1,2) ORDER BY b DESC",
    "SELECT * FROM t2 WHERE y IN (3,1) AND z='a' ORDER BY y",
    "SELECT * FROM t1 WHERE c IN ('x','a') ORDER BY c, d",
    "SELECT * FROM t1 WHERE b IN (1,2) ORDER BY b, a",
    "SELECT * FROM t1 WHERE c IN ('x','a') AND d>1 ORDER BY c",
    "SELECT * FROM t2 WHERE y IN (1,2) AND z IN ('a','b') ORDER BY y, z",
    "SELECT * FROM t1 WHERE c IN ('x','a') ORDER BY c DESC, d DESC",
    "SELECT * FROM t1 WHERE c IN ('x','a') ORDER BY c, b",
    "SELECT * FROM t1 WHERE b IN (1,5,2) ORDER BY b DESC, c",
    "SELECT * FROM t1 WHERE b IN (1,5,2) ORDER BY c",
    "SELECT b, count(*) FROM t1 WHERE b IN (1,5,2) GROUP BY b",
    "SELECT DISTINCT b FROM t1 WHERE b IN (4,1,5,2)",
    "SELECT * FROM t1, t3 WHERE t1.b IN (2,1) AND t3.p=t1.a ORDER BY t1.b",
    "SELECT * FROM t1 WHERE b IN (1,5,2) ORDER BY b LIMIT 4",
    "SELECT * FROM t2 WHERE y IN (2,1,NULL) ORDER BY y DESC, z DESC",
]

# MULTI-INDEX OR: its INDEX lines numbered (and ordered) by SQLite's WHERE-term slots
OR_INDEX = [
    "SELECT * FROM t1, t2 WHERE t1.b=t2.x OR t1.b=t2.y",
    "SELECT * FROM t1 WHERE b BETWEEN 1 AND 2 OR c='x'",
    "SELECT * FROM t1 WHERE c='x' OR b BETWEEN 1 AND 2",
    "SELECT * FROM t1 WHERE 5=b OR c='x'",
    "SELECT * FROM t1, t2 WHERE t2.x=t1.b OR t2.y=t1.b",
    "SELECT * FROM t1, t2 WHERE t1.b=t2.x OR t2.y=5",
    "SELECT * FROM t1, t2 WHERE t2.y=5 OR t1.b=t2.x",
    "SELECT * FROM t3, t2 WHERE t3.p=t2.x OR (t2.y=t3.q AND t2.z='a')",
    "SELECT * FROM t1 WHERE b>6 OR c='ab' OR a=3",
    "SELECT * FROM t3, t2 WHERE t2.x=t3.p OR t3.q=t2.y OR t2.x=t3.r",
    "SELECT t3.p, t2.z FROM t3 JOIN t2 ON t3.r=t2.y OR t2.x=t3.q WHERE t3.p>5",
    "SELECT * FROM t3, t1 WHERE t1.b=t3.p OR t1.c='x' OR t1.a=t3.q",
    "SELECT * FROM t1, t2 WHERE t1.b=t2.x OR t1.c=t2.z OR t1.d=t2.y",
]

# Bloom filters: only with sqlite_stat1 (test_plan_and_rows_after_analyze)
BLOOM = [
    "SELECT * FROM t2 JOIN t3 ON t2.x=t3.p WHERE t2.y>3",
    "SELECT * FROM t3 JOIN t2 ON t2.x=t3.p WHERE t2.z='a'",
    "SELECT * FROM t3, t2 WHERE t2.y=t3.q AND t2.z>'a'",
    "SELECT t3.r, t1.c FROM t3 JOIN t1 ON t1.a=t3.q WHERE t1.d>1",
    "SELECT * FROM t3 JOIN t1 ON t1.b=t3.r WHERE t1.c='x'",
    "SELECT count(*) FROM t3 JOIN t2 ON t2.x=t3.p WHERE t2.y IN (1,2)",
    "SELECT * FROM t3 JOIN t2 ON t2.y=t3.p AND t2.z=t3.r WHERE t2.x<20",
    "SELECT * FROM t3 JOIN t2 ON t2.x=t3.p WHERE t2.y>3 ORDER BY t3.q",
    "SELECT * FROM t3 a JOIN t3 b ON a.p=b.q JOIN t2 ON t2.x=b.r WHERE t2.y<>2",
    "SELECT * FROM t3 JOIN t2 ON t2.x=t3.p WHERE t2.y+0>3",
    "SELECT * FROM t3 JOIN t2 ON t2.x=t3.p WHERE abs(t2.y)>3",
    "SELECT t3.p, t2.z FROM t3 JOIN t2 ON t2.x=t3.p WHERE t2.z IN ('a','ab') AND t2.y IS NOT NULL",
]

# With sqlite_stat1 a lone table's loop is costed as a join's is (full scan, index
# and rowid searches, MULTI-INDEX OR): only after ANALYZE
ANALYZED_SINGLE = [
    "SELECT * FROM t2 WHERE y IN (1,2,3,4,5)",
    "SELECT * FROM t2 WHERE y IN (1,2) AND z IN ('a','ab')",
    "SELECT * FROM t2 WHERE y IN (1,2,3,4) AND z IN ('a','ab')",
    "SELECT * FROM t1 WHERE b IN (1,2,3) AND a BETWEEN 5 AND 60",
    "SELECT * FROM t1 WHERE b IN (1,2,NULL) AND a<'30'",
    "SELECT * FROM t1 WHERE 5=b OR c='x'",
    "SELECT * FROM t1 WHERE b>6 OR c='ab' OR a=3",
    "SELECT * FROM t1 WHERE b=3 AND c='x'",
    "SELECT c, d FROM t1 WHERE c>'a' AND b=2",
]
ANALYZED_PLAN_GAPS: set[str] = set()

ALL = IN_RANGE + TWO_INS + PARTIAL_SORT + IN_ORDER + OR_INDEX + BLOOM


def _pair(analyze: bool) -> tuple[Any, Any]:
    return _oracle_pair(SCHEMA, _fill, analyze)


@pytest.fixture(scope="module")
def plain() -> tuple[Any, Any]:
    return _pair(False)


@pytest.fixture(scope="module")
def analyzed() -> tuple[Any, Any]:
    return _pair(True)


def _check(engines: tuple[Any, Any], q: str, plan: bool = True) -> None:
    s, p = engines
    want_rows = s.execute(q).fetchall()
    got_rows = p.execute(q).fetchall()
    if "ORDER BY" in q:
        assert got_rows == want_rows
    else:
        assert sorted(got_rows, key=repr) == sorted(want_rows, key=repr)
    if plan:
        want = _tree(s.execute("EXPLAIN QUERY PLAN " + q).fetchall())
        got = _tree(p.execute("EXPLAIN QUERY PLAN " + q).fetchall())
        assert got == want


@pytest.mark.parametrize("q", [q for q in ALL if q not in BLOOM])
def test_plan_and_rows(plain: tuple[Any, Any], q: str) -> None:
    _check(plain, q)


@pytest.mark.parametrize("q", ALL + ANALYZED_SINGLE)
def test_plan_and_rows_after_analyze(analyzed: tuple[Any, Any], q: str) -> None:
    _check(analyzed, q, q not in ANALYZED_PLAN_GAPS)


def test_feature_sizes() -> None:
    assert all(len(x) >= 5 for x in (IN_RANGE, TWO_INS, PARTIAL_SORT, IN_ORDER, OR_INDEX, BLOOM))
    assert len(set(ALL)) == len(ALL)


def test_bloom_filter_skips_searches(monkeypatch: Any) -> None:
    """SCAN t3 + BLOOM FILTER ON t2 (x=?): a t3 row whose p is no x of a t2 row with
    y>3 does not search t2x at all (the filter is built from t2's own terms)."""
    from pyrite.exec import program

    s, p = _pair(True)  # a connection of its own: no statement compiled before the patch
    q = "SELECT * FROM t2 JOIN t3 ON t2.x=t3.p WHERE t2.y>3"
    p.execute("SELECT 1").fetchall()
    ns = program._base_namespace()
    calls = []

    def counting(*args: Any) -> Any:
        calls.append(args[3])
        return real(*args)

    real = ns["index_scan"]
    monkeypatch.setitem(ns, "index_scan", counting)
    assert sorted(p.execute(q).fetchall(), key=repr) == sorted(s.execute(q).fetchall(), key=repr)
    want = s.execute("SELECT count(*) FROM t3 WHERE p IN "
                     "(SELECT x FROM t2 WHERE y>3)").fetchone()[0]
    assert 0 < len(calls) == want < s.execute("SELECT count(*) FROM t3").fetchone()[0]


@pytest.mark.parametrize("q, runs", [
    ("SELECT * FROM t2 ORDER BY y, z DESC", 7),  # y: NULL and 0..5
    ("SELECT * FROM t2 ORDER BY y, z DESC LIMIT 4", 1),  # the first run has 4 rows and more
    ("SELECT t1.a FROM t1 JOIN t2 ON t1.b=t2.x ORDER BY t2.x, t1.a", 5),  # t2.x in 0..7 matched
])
def test_partial_sort_sorts_runs_only(plain: tuple[Any, Any], q: str, runs: int) -> None:
    """The generated code sorts each run of the index-ordered prefix apart, and stops
    reading runs once LIMIT rows are out (sorter.sort_runs)."""
    s, p = plain
    before = sorter.RUNS
    assert p.execute(q).fetchall() == s.execute(q).fetchall()
    assert sorter.RUNS - before == runs


def test_multi_index_or_parts_do_not_order_the_query() -> None:
    """A one-row part of a MULTI-INDEX OR (a UNIQUE index searched by ==) is no
    WHERE_ONEROW loop of the query: its rows still get sorted."""
    schema = ("CREATE TABLE u(pk INTEGER PRIMARY KEY, col0 INT, col1 REAL);"
              "CREATE UNIQUE INDEX u0 ON u(col0);")
    s, p = sqlite3.connect(":memory:"), pyrite.connect(":memory:")
    for con in (s, p):
        con.executescript(schema)
        for i in range(50):
            con.execute("INSERT INTO u VALUES(?,?,?)", (i, (i * 37) % 700, i / 3))
    for q in ("SELECT pk, col0 FROM u WHERE col0 = 651 OR col0 >= 315 ORDER BY 2 DESC, 1",
              "SELECT pk, col0 FROM u WHERE col0 = 651 OR pk = 3 ORDER BY 2",
              "SELECT pk FROM u WHERE pk = 7 OR col0 = 37 ORDER BY col1 DESC"):
        assert p.execute(q).fetchall() == s.execute(q).fetchall()


def test_partial_sort_with_nocase_prefix() -> None:
    """Runs are cut by equality under the ORDER BY term's collation: 'a' and 'A' in
    one run of a NOCASE index, sorted together by the next term."""
    schema = ("CREATE TABLE n(a TEXT COLLATE NOCASE, b INT);"
              "CREATE INDEX na ON n(a);")
    s, p = sqlite3.connect(":memory:"), pyrite.connect(":memory:")
    for con in (s, p):
        con.executescript(schema)
        for i, a in enumerate(["a", "A", "b", "a", "B", None, "A", "c"] * 3):
            con.execute("INSERT INTO n VALUES(?,?)", (a, (i * 7) % 10))
    for q in ("SELECT * FROM n ORDER BY a, b", "SELECT * FROM n ORDER BY a DESC, b DESC",
              "SELECT * FROM n ORDER BY a, b LIMIT 5"):
        assert _tree(p.execute("EXPLAIN QUERY PLAN " + q).fetchall()) == \
            _tree(s.execute("EXPLAIN QUERY PLAN " + q).fetchall())
        got = p.execute(q).fetchall()
        want = s.execute(q).fetchall()
        assert [(x.lower() if x else x, y) for x, y in got] == \
            [(x.lower() if x else x, y) for x, y in want]
