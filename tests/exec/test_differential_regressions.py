"""Disagreements the differential tests found, kept as regressions, each checked
against sqlite3: x IN (SELECT y …) applies SQLite's IN affinity
(exprINAffinity); sum/total/avg/group_concat keep SQLite's result types."""

from __future__ import annotations

import sqlite3

import pytest

import pyrite

SCHEMA = """
CREATE TABLE t2 (id INTEGER PRIMARY KEY, c0 CHARACTER(3), c1 DOUBLE, c2 INT, c3 TEXT, c4, c5 INT);
INSERT INTO t2 VALUES (1, 'a', 9223372036854775806, 9223372036854775806, '3', '3', 3);
"""
QUERIES = [
    "SELECT 9223372036854775806 = c1 FROM t2",
    "SELECT 9223372036854775806 IN (c1) FROM t2",
    "SELECT 9223372036854775806 IN (SELECT c1 FROM t2)",
    "SELECT 9223372036854775806 IN (SELECT c2 FROM t2)",
    "SELECT 9223372036854775806 IN (SELECT c1+0 FROM t2)",
    "SELECT '9.223372036854776e18' IN (SELECT c1 FROM t2)",
    "SELECT c2 IN (SELECT c1 FROM t2) FROM t2",
    "SELECT 3 IN (SELECT c3 FROM t2)",
    "SELECT '3' IN (SELECT c3 FROM t2)",
    "SELECT 3 IN (SELECT c4 FROM t2)",
    "SELECT c3 IN (SELECT c2 FROM t2) FROM t2",
    "SELECT c4 IN (SELECT 3) FROM t2",
    "SELECT c3 IN (SELECT 3) FROM t2",
    "SELECT '3' IN (SELECT c5 FROM t2)",
    "SELECT c5 IN (SELECT '3') FROM t2",
    "SELECT 3 NOT IN (SELECT c3 FROM t2)",
]


@pytest.mark.parametrize("query", QUERIES)
def test_in_subquery_affinity_matches_sqlite(query: str) -> None:
    results = []
    for mod in (pyrite, sqlite3):
        con = mod.connect(":memory:")
        con.executescript(SCHEMA)
        results.append(con.execute(query).fetchall())
        con.close()
    assert results[0] == results[1]


AGG_SCHEMA = """
CREATE TABLE t1 (c0 TEXT, c1 DECIMAL(10,2));
INSERT INTO t1 VALUES (1.5, -0.5), (42, 3), ('-5', 3), ('abc', 2.5);
"""
AGG_QUERIES = [
    "SELECT sum(c0), total(c0), avg(c0), group_concat(c0), group_concat(c0, '-') FROM t1",
    "SELECT sum(c1), avg(c1), sum(DISTINCT c1), avg(DISTINCT c1), total(DISTINCT c1) FROM t1",
    "SELECT c1, sum(c0), typeof(sum(c0)) FROM t1 GROUP BY c1 ORDER BY c1",
]


@pytest.mark.parametrize("query", AGG_QUERIES)
def test_aggregate_result_types_match_sqlite(query: str) -> None:
    results = []
    for mod in (pyrite, sqlite3):
        con = mod.connect(":memory:")
        con.executescript(AGG_SCHEMA)
        rows = con.execute(query).fetchall()
        results.append([tuple((v, type(v).__name__) for v in r) for r in rows])
        con.close()
    assert results[0] == results[1]
