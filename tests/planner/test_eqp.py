"""EXPLAIN QUERY PLAN against sqlite3 (the oracle): same plan lines, same tree
shape (id/parent nesting), and the same rows from the plan that was chosen.

Every query runs over the same indexed schema and data in both engines. The
plan tree is compared as (depth, detail) lines in order, since ids differ."""

from __future__ import annotations

import random
import re
import sqlite3
from typing import Any

import pytest

import pyrite

SCHEMA = """
CREATE TABLE t1(a INTEGER PRIMARY KEY, b INT, c TEXT, d REAL);
CREATE INDEX t1b ON t1(b);
CREATE INDEX t1cd ON t1(c, d);
CREATE TABLE t2(x INT, y INT, z TEXT);
CREATE UNIQUE INDEX t2x ON t2(x);
CREATE INDEX t2yz ON t2(y, z);
CREATE TABLE t3(p INT, q INT, r INT);
CREATE TABLE t4(k TEXT PRIMARY KEY, v INT);
"""

QUERIES = [
    # rowid
    "SELECT * FROM t1",
    "SELECT * FROM t1 WHERE a=5",
    "SELECT * FROM t1 WHERE a>5",
    "SELECT * FROM t1 WHERE a>5 AND a<10",
    "SELECT * FROM t1 WHERE rowid=3",
    "SELECT * FROM t1 WHERE a<10",
    "SELECT * FROM t1 WHERE a BETWEEN 1 AND 5",
    "SELECT * FROM t1 WHERE a>=5 ORDER BY a",
    "SELECT * FROM t1 WHERE a>5 ORDER BY a DESC",
    "SELECT a FROM t1 WHERE a IN (1,5,9)",
    "SELECT * FROM t1 WHERE a IN (1,2,3)",
    "SELECT * FROM t3 WHERE rowid=1",
    "SELECT * FROM t3 WHERE rowid>1",
    "SELECT * FROM t3 WHERE rowid IN (1,2)",
    # single and multi-column indexes, unique, covering
    "SELECT * FROM t1 WHERE b=5",
    "SELECT b FROM t1 WHERE b=5",
    "SELECT a, b FROM t1 WHERE b=5",
    "SELECT b FROM t1",
    "SELECT c, d FROM t1 WHERE c='x'",
    "SELECT * FROM t1 WHERE c='x' AND d>1",
    "SELECT * FROM t1 WHERE b>3",
    "SELECT * FROM t1 WHERE b BETWEEN 1 AND 3",
    "SELECT * FROM t1 WHERE b IN (1,2,3)",
    # IN inside a multi-column key: one search per distinct value
    "SELECT * FROM t2 WHERE y IN (1,2) AND z='a'",
    "SELECT * FROM t2 WHERE y IN (1,'2',2.0,1,NULL) AND z='a'",
    "SELECT * FROM t2 WHERE y=1 AND z IN ('a','b','a',NULL)",
    "SELECT * FROM t1 WHERE c IN ('a','x','a') AND d=2.5",
    "SELECT * FROM t2 WHERE y IN (1,2) AND z IS NULL",
    "SELECT * FROM t2 WHERE y IS NULL AND z IN ('a', 'ab')",
    "SELECT y, z FROM t2 WHERE y IN (3,2) AND z='a'",
    "SELECT * FROM t2 WHERE x=1",
    "SELECT * FROM t2 WHERE x>1",
    "SELECT x FROM t2 WHERE x>1",
    "SELECT * FROM t2 WHERE y=1 AND z='a'",
    "SELECT * FROM t2 WHERE y=1 AND z>'a'",
    "SELECT * FROM t2 WHERE z='a'",
    "SELECT y, z FROM t2 WHERE y=1",
    "SELECT z FROM t2 WHERE y>1",
    "SELECT * FROM t2 WHERE x=1 AND y=2",
    "SELECT * FROM t1 WHERE b<5 AND b>1",
    "SELECT * FROM t1 WHERE b>=5 AND c='x'",
    "SELECT * FROM t1 WHERE c='x' AND d=2.5",
    "SELECT * FROM t1 WHERE c='x' AND d BETWEEN 1 AND 2",
    "SELECT * FROM t1 WHERE b IS NULL",
    "SELECT * FROM t1 WHERE b IS NOT NULL",
    "SELECT * FROM t1 WHERE b!=5",
    "SELECT * FROM t1 WHERE NOT b=5",
    "SELECT * FROM t1 WHERE 5=b",
    "SELECT * FROM t1 WHERE b+1=2",
    "SELECT b FROM t1 WHERE b=1 AND a=2",
    "SELECT * FROM t1 WHERE b=1 LIMIT 1",
    # the rowid ends every index key: a range on it after the == columns
    "SELECT * FROM t1 WHERE b=3 AND a>50",
    "SELECT * FROM t1 WHERE b=3 AND a<'60'",
    "SELECT * FROM t1 WHERE b=3 AND rowid>=20.5 AND rowid<=80",
    "SELECT * FROM t1 WHERE b IS NULL AND a>5",
    "SELECT * FROM t1 WHERE c='x' AND d=2.5 AND a>3",
    "SELECT * FROM t3 WHERE p=1",
    "SELECT * FROM t4 WHERE k='a'",
    "SELECT * FROM t4 WHERE k>'a'",
    "SELECT v FROM t4 WHERE k='a'",
    "SELECT k FROM t4",
    "SELECT * FROM t1 NOT INDEXED WHERE b=1",
    "SELECT * FROM t1 INDEXED BY t1b WHERE b>1",
    # ORDER BY
    "SELECT * FROM t1 ORDER BY b",
    "SELECT * FROM t1 ORDER BY a",
    "SELECT * FROM t1 ORDER BY a DESC",
    "SELECT b FROM t1 ORDER BY b",
    "SELECT * FROM t1 ORDER BY d",
    "SELECT * FROM t1 WHERE b=1 ORDER BY a",
    "SELECT * FROM t1 ORDER BY b LIMIT 5",
    "SELECT * FROM t2 WHERE y=1 ORDER BY z",
    "SELECT * FROM t2 WHERE y=1 ORDER BY z DESC",
    "SELECT * FROM t2 WHERE y=1 ORDER BY x",
    "SELECT * FROM t2 ORDER BY x",
    "SELECT * FROM t2 ORDER BY x DESC",
    "SELECT * FROM t2 ORDER BY y, z",
    "SELECT * FROM t2 ORDER BY y DESC, z DESC",
    "SELECT * FROM t2 ORDER BY z",
    "SELECT y FROM t2 ORDER BY y",
    "SELECT * FROM t3 ORDER BY p",
    "SELECT * FROM t3 ORDER BY rowid DESC",
    "SELECT * FROM t1 ORDER BY c, d",
    "SELECT * FROM t1 ORDER BY c",
    "SELECT * FROM t2 ORDER BY x LIMIT 3",
    "SELECT * FROM t1 WHERE b>3 ORDER BY b",
    # a whole index read in order costs less than a search and a sort (or not)
    "SELECT * FROM t1 WHERE b>3 ORDER BY c",
    "SELECT * FROM t1 WHERE b>3 ORDER BY c, d",
    "SELECT * FROM t1 WHERE b=3 ORDER BY c",
    "SELECT * FROM t1 WHERE d>1 ORDER BY c",
    "SELECT * FROM t1 WHERE d>1 ORDER BY b",
    "SELECT * FROM t2 WHERE z>'a' ORDER BY y",
    "SELECT * FROM t2 WHERE x>3 ORDER BY y",
    "SELECT * FROM t1 WHERE b BETWEEN 1 AND 3 ORDER BY c",
    "SELECT c FROM t1 WHERE b>3 ORDER BY c",
    "SELECT c, count(*) FROM t1 WHERE b>3 GROUP BY c",
    "SELECT DISTINCT c FROM t1 WHERE b>3",
    "SELECT * FROM t1 WHERE b<3 ORDER BY c DESC",
    "SELECT * FROM t1 WHERE a>10 ORDER BY b",
    "SELECT * FROM t1 WHERE b IN (1,2) ORDER BY c",
    "SELECT * FROM t2 WHERE y>2 ORDER BY x",
    "SELECT * FROM t1 WHERE c>'a' ORDER BY b",
    "SELECT * FROM t1 WHERE b>3 ORDER BY c LIMIT 5",
    "SELECT b, c FROM t1 ORDER BY 1",
    "SELECT b AS bb FROM t1 ORDER BY bb",
    "SELECT * FROM t4 ORDER BY k",
    # NULLS LAST ascending / NULLS FIRST descending: the index read in two parts
    "SELECT * FROM t1 ORDER BY b NULLS LAST",
    "SELECT * FROM t1 ORDER BY b DESC NULLS FIRST, a DESC",
    "SELECT b FROM t1 ORDER BY b NULLS LAST",
    "SELECT c, d FROM t1 ORDER BY c NULLS LAST, d",
    "SELECT * FROM t1 WHERE b>2 ORDER BY b NULLS LAST",
    # aggregates, GROUP BY, DISTINCT, min/max, count(*)
    "SELECT count(*) FROM t1",
    "SELECT count(*) FROM t2",
    "SELECT count(*) FROM t3",
    "SELECT min(b) FROM t1",
    "SELECT max(a) FROM t1",
    "SELECT max(x) FROM t2",
    "SELECT min(y) FROM t2",
    "SELECT min(z) FROM t2",
    "SELECT max(b) FROM t1 WHERE b<5",
    "SELECT count(b) FROM t1",
    "SELECT count(*) FROM t1 WHERE b=3",
    "SELECT count(*) FROM t1 WHERE d>1",
    "SELECT sum(b) FROM t1",
    "SELECT avg(d) FROM t1 WHERE c='a'",
    "SELECT b, count(*) FROM t1 GROUP BY b",
    "SELECT d, count(*) FROM t1 GROUP BY d",
    "SELECT y, count(*) FROM t2 GROUP BY y",
    "SELECT y, z, count(*) FROM t2 GROUP BY y, z",
    "SELECT z, count(*) FROM t2 GROUP BY z",
    "SELECT p, sum(q) FROM t3 GROUP BY p",
    "SELECT y, count(*) FROM t2 GROUP BY y ORDER BY y",
    "SELECT y, count(*) c FROM t2 GROUP BY y ORDER BY c",
    "SELECT b, max(d) FROM t1 GROUP BY b HAVING count(*)>1",
    "SELECT DISTINCT b FROM t1",
    "SELECT DISTINCT d FROM t1",
    "SELECT DISTINCT y FROM t2",
    "SELECT DISTINCT y, z FROM t2",
    "SELECT DISTINCT z FROM t2",
    "SELECT DISTINCT p FROM t3",
    # joins: index lookups, automatic indexes, order by cost, LEFT JOIN
    "SELECT * FROM t1, t2 WHERE t1.b=t2.x",
    "SELECT * FROM t1, t3 WHERE t1.b=t3.p",
    "SELECT * FROM t3, t2 WHERE t3.p=t2.y",
    "SELECT * FROM t1 JOIN t2 ON t1.b=t2.x",
    "SELECT * FROM t2 JOIN t1 ON t1.b=t2.x",
    "SELECT * FROM t1, t2 WHERE t1.a=t2.y",
    "SELECT * FROM t2, t1 WHERE t1.a=t2.y",
    "SELECT * FROM t1, t2 WHERE t1.b=t2.y AND t2.z='a'",
    "SELECT * FROM t3, t1 WHERE t3.p=t1.a",
    "SELECT * FROM t1 AS x, t1 AS y WHERE x.b=y.a",
    "SELECT * FROM t3 AS a, t3 AS b WHERE a.p=b.q",
    "SELECT * FROM t1, t3",
    "SELECT * FROM t1 CROSS JOIN t3 WHERE t1.b=t3.p",
    "SELECT * FROM t3 CROSS JOIN t1 WHERE t1.b=t3.p",
    "SELECT * FROM t1 LEFT JOIN t2 ON t1.b=t2.x",
    "SELECT * FROM t1 LEFT JOIN t3 ON t1.b=t3.p",
    "SELECT * FROM t1 LEFT JOIN t2 ON t2.y=t1.b",
    "SELECT * FROM t1 LEFT JOIN t3 ON 1",
    "SELECT * FROM t1 NATURAL JOIN t3",
    "SELECT * FROM t1, t2, t3 WHERE t1.b=t2.x AND t2.y=t3.p",
    "SELECT * FROM t3, t2, t1 WHERE t1.b=t2.x AND t2.y=t3.p",
    "SELECT t1.a FROM t1, t2 WHERE t1.b=t2.x AND t2.x=5",
    "SELECT * FROM t1 JOIN t4 ON t4.k=t1.c",
    # subqueries
    "SELECT * FROM t1 WHERE b IN (SELECT x FROM t2)",
    "SELECT * FROM t1 WHERE b IN (SELECT p FROM t3)",
    "SELECT * FROM t1 WHERE d IN (SELECT p FROM t3)",
    "SELECT * FROM t1 WHERE b NOT IN (SELECT x FROM t2)",
    "SELECT * FROM t1 WHERE b IN (SELECT y FROM t2 WHERE z='a')",
    "SELECT * FROM t1 WHERE d IN (SELECT y FROM t2)",
    "SELECT * FROM t1 WHERE d IN (SELECT y FROM t2 WHERE t2.x=t1.b)",
    "SELECT * FROM t1 WHERE b = (SELECT max(x) FROM t2)",
    "SELECT * FROM t1 WHERE EXISTS (SELECT 1 FROM t2 WHERE t2.x=t1.b)",
    "SELECT * FROM t1 WHERE EXISTS (SELECT 1 FROM t2)",
    "SELECT (SELECT count(*) FROM t2 WHERE y=t1.b) FROM t1",
    "SELECT * FROM t3 WHERE p = (SELECT count(*) FROM t1)",
    "SELECT * FROM t3 WHERE EXISTS (SELECT * FROM t1 WHERE t1.b=t3.p)",
    "SELECT * FROM t3 WHERE NOT EXISTS (SELECT * FROM t1 WHERE t1.a=t3.p)",
    "SELECT p, (SELECT max(b) FROM t1) FROM t3",
    "SELECT p, (SELECT c FROM t1 WHERE a=t3.q) FROM t3",
    "SELECT * FROM t3 WHERE q > (SELECT avg(b) FROM t1 WHERE t1.b=t3.p)",
    "SELECT * FROM (SELECT b, count(*) FROM t1 GROUP BY b)",
    "SELECT * FROM (SELECT b, count(*) FROM t1 GROUP BY b) AS s",
    "SELECT * FROM (SELECT b, count(*) FROM t1 GROUP BY b) AS s, t2 WHERE s.b=t2.y",
    "SELECT * FROM t2, (SELECT b, count(*) FROM t1 GROUP BY b) AS s WHERE s.b=t2.y",
    "SELECT * FROM (SELECT p, count(*) FROM t3 GROUP BY p)",
    "SELECT * FROM (SELECT DISTINCT p FROM t3)",
    "SELECT * FROM (SELECT max(b) m FROM t1)",
    "SELECT * FROM (VALUES(1),(2))",
    # compound
    "SELECT b FROM t1 UNION SELECT x FROM t2",
    "SELECT b FROM t1 UNION ALL SELECT x FROM t2",
    "SELECT b FROM t1 EXCEPT SELECT x FROM t2",
    "SELECT b FROM t1 INTERSECT SELECT x FROM t2",
    "SELECT p FROM t3 UNION SELECT q FROM t3",
    "SELECT a FROM t1 UNION ALL SELECT x FROM t2 UNION ALL SELECT p FROM t3",
    "SELECT b FROM t1 INTERSECT SELECT y FROM t2",
    "SELECT c FROM t1 EXCEPT SELECT z FROM t2",
    "SELECT 1 UNION SELECT 2",
    "SELECT 1 UNION ALL SELECT 2",
    "SELECT b FROM t1 WHERE b=1 UNION SELECT x FROM t2 WHERE x=2",
    # CTEs
    "WITH c AS (SELECT b, count(*) n FROM t1 GROUP BY b) SELECT * FROM c",
    "WITH c AS (SELECT p, count(*) n FROM t3 GROUP BY p) SELECT * FROM c",
    "WITH c AS MATERIALIZED (SELECT b FROM t1) SELECT * FROM c",
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r WHERE n<5) SELECT * FROM r",
    # flattening of subqueries and CTEs
    "SELECT * FROM (SELECT b FROM t1 WHERE b>2)",
    "WITH c AS (SELECT b FROM t1) SELECT * FROM c",
    "SELECT * FROM (SELECT * FROM t1 ORDER BY b LIMIT 5)",
    "SELECT * FROM (SELECT b AS bb, c FROM t1 WHERE b>2) WHERE bb<5",
    "SELECT bb+1, c FROM (SELECT b AS bb, c FROM t1 WHERE b>2) AS s WHERE s.bb<5 ORDER BY 1, 2",
    "WITH c(v, w) AS (SELECT b, d FROM t1) SELECT v, sum(w) FROM c GROUP BY v",
    "SELECT count(*) FROM (SELECT * FROM t1 WHERE c='a')",
    "SELECT * FROM (SELECT t1.a, t2.x FROM t1, t2 WHERE t1.b=t2.y) WHERE x>3",
    "SELECT DISTINCT c FROM (SELECT c, d FROM t1)",
    "SELECT * FROM (SELECT a, b*2 AS e FROM t1) WHERE e=4",
    "SELECT e FROM (SELECT a, b*2 AS e FROM t1) ORDER BY e DESC, a",
    "SELECT * FROM (SELECT * FROM t3) AS q WHERE q.p=3",
    "SELECT q.* FROM (SELECT * FROM t3) AS q WHERE q.p=3",
    "WITH c(v) AS (SELECT x FROM t2) SELECT * FROM c, t1 WHERE c.v=t1.b",
    # OR by index union (MULTI-INDEX OR)
    "SELECT * FROM t1 WHERE b=1 OR c='x'",
    "SELECT * FROM t1 WHERE b=1 OR a=2",
    "SELECT * FROM t2 WHERE x=1 OR y=2",
    "SELECT * FROM t2 WHERE x=1 OR (y=2 AND z='a')",
    "SELECT * FROM t1 WHERE b>6 OR c='ab'",
    "SELECT * FROM t1 WHERE (b=1 OR c='x') AND d>1",
    # OR, LIKE, constants
    "SELECT * FROM t1 WHERE b=1 OR b=2",
    "SELECT * FROM t1 WHERE b=1 OR d=2",
    "SELECT * FROM t1 WHERE c LIKE 'ab%'",
    "SELECT * FROM t1 WHERE c GLOB 'a*'",
    "SELECT * FROM t1 WHERE c GLOB 'ab?'",
    "SELECT c FROM t1 WHERE c GLOB 'x*' AND d>1",
    "SELECT * FROM t1 WHERE c GLOB '*b'",
    "SELECT * FROM t1 WHERE c LIKE 'a%'",
    "SELECT 1",
    "VALUES(1,2)",
    "VALUES(1),(2)",
]

QUERIES += [
    "SELECT * FROM t1 WHERE c IN ('a','x') AND d>1",  # IN, then a range in the key
    "SELECT * FROM t2 WHERE y IN (1,2,3,4,5) AND z IN ('a','ab')",  # two INs in the key
    "SELECT * FROM t2 ORDER BY y, z DESC",  # RIGHT PART OF ORDER BY
]

# Plans pyrite does not reproduce yet (see the report of the planner work).
KNOWN_GAPS: set[str] = set()


def _tree(rows: list[Any]) -> list[str]:
    depth = {0: -1}
    out = []
    for i, parent, _, detail in rows:
        depth[i] = depth.get(parent, -1) + 1
        out.append("  " * depth[i] + detail)
    return out


def _fill(execute: Any) -> None:
    rnd = random.Random(7)
    texts = ["a", "ab", "abc", "b", "x", "X", "y", "10", "", None]
    for i in range(1, 121):
        execute("INSERT INTO t1 VALUES(?,?,?,?)",
                (i, rnd.choice([None, *range(8)]), rnd.choice(texts),
                 rnd.choice([None, 1.0, 2.5, 3, 1.5])))
    xs = rnd.sample(range(-5, 60), 40)
    for i in range(40):
        execute("INSERT INTO t2 VALUES(?,?,?)",
                (xs[i] if i % 9 else None, rnd.choice([None, *range(6)]), rnd.choice(texts)))
    for _ in range(50):
        execute("INSERT INTO t3 VALUES(?,?,?)",
                (rnd.choice([None, *range(10)]), rnd.randint(0, 130), rnd.randint(0, 5)))
    for k in ("a", "b", "ab", "x", "zz"):
        execute("INSERT INTO t4 VALUES(?,?)", (k, rnd.randint(0, 9)))


@pytest.fixture(scope="module")
def engines() -> tuple[Any, Any]:
    s = sqlite3.connect(":memory:")
    s.executescript(SCHEMA)
    _fill(s.execute)
    p = pyrite.connect(":memory:")
    p.executescript(SCHEMA)
    _fill(p.execute)
    return s, p


def _params() -> list[Any]:
    out = []
    for q in QUERIES + sorted(KNOWN_GAPS):
        marks = [pytest.mark.xfail(strict=True, reason="plan not reproduced yet")] \
            if q in KNOWN_GAPS else []
        out.append(pytest.param(q, marks=marks, id=q[:70]))
    return out


@pytest.mark.parametrize("q", _params())
def test_plan_matches_sqlite(engines: tuple[Any, Any], q: str) -> None:
    s, p = engines
    want = _tree(s.execute("EXPLAIN QUERY PLAN " + q).fetchall())
    got = _tree(p.execute("EXPLAIN QUERY PLAN " + q).fetchall())
    assert got == want


@pytest.mark.parametrize("q", QUERIES + sorted(KNOWN_GAPS))
def test_rows_match_sqlite(engines: tuple[Any, Any], q: str) -> None:
    s, p = engines
    want = s.execute(q).fetchall()
    got = p.execute(q).fetchall()
    if re.search(r"ORDER BY (a|x|k|rowid)( DESC)?$", q):  # a total order: same sequence
        assert got == want
    elif "LIMIT" in q and "ORDER BY" not in q:
        assert len(got) == len(want)
    else:
        assert sorted(got, key=repr) == sorted(want, key=repr)


def test_suite_size() -> None:
    assert len(QUERIES) >= 100
    assert len(set(QUERIES)) == len(QUERIES)
    assert not set(QUERIES) & KNOWN_GAPS


@pytest.mark.parametrize("q", [q for q in QUERIES if "NULLS" in q])
def test_nulls_order_rows_in_sequence(engines: tuple[Any, Any], q: str) -> None:
    s, p = engines
    assert p.execute(q).fetchall() == s.execute(q).fetchall()
