"""RIGHT and FULL OUTER JOIN against sqlite3: same rows (as multisets) and the
same EXPLAIN QUERY PLAN lines for the two-table forms."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from tests.planner.test_eqp import SCHEMA, _fill, _tree

import pyrite

QUERIES = [
    "SELECT * FROM t1 RIGHT JOIN t2 ON t1.b=t2.x",
    "SELECT * FROM t1 FULL JOIN t2 ON t1.b=t2.x",
    "SELECT * FROM t1 FULL OUTER JOIN t2 ON t1.b=t2.x WHERE t2.x IS NULL",
    "SELECT * FROM t1 FULL JOIN t2 ON t1.b=t2.x WHERE t1.a IS NULL",
    "SELECT t1.a, t3.p FROM t1 RIGHT JOIN t3 ON t1.a=t3.q AND t3.r>2",
    "SELECT t1.a, t3.p FROM t1 FULL JOIN t3 ON t1.a=t3.q AND t3.r>2 AND t1.b<3",
    "SELECT count(*), count(t1.a), count(t2.x) FROM t1 FULL JOIN t2 ON t1.b=t2.y",
    "SELECT * FROM (SELECT b FROM t1 GROUP BY b) s FULL JOIN t2 ON s.b=t2.y",
    "SELECT * FROM t4 FULL JOIN (SELECT DISTINCT z FROM t2) AS q ON q.z=t4.k",
    "SELECT * FROM t3 RIGHT JOIN t4 ON t4.v=t3.r",
    "SELECT * FROM t3 FULL JOIN t4 ON 0",
    "SELECT t2.y, count(*) FROM t1 RIGHT JOIN t2 ON t1.b=t2.y GROUP BY t2.y",
    "SELECT * FROM t1 RIGHT OUTER JOIN t3 ON t1.b=t3.p ORDER BY t3.rowid, t1.a",
]

PLANS = [
    "SELECT * FROM t3 RIGHT JOIN t4 ON t4.v=t3.r",
    "SELECT * FROM t3 FULL JOIN t4 ON t4.v=t3.r",
    "SELECT * FROM t3 FULL JOIN t3 AS u ON u.p=t3.q",
]


@pytest.fixture(scope="module")
def engines() -> tuple[Any, Any]:
    s = sqlite3.connect(":memory:")
    s.executescript(SCHEMA)
    _fill(s.execute)
    p = pyrite.connect(":memory:")
    p.executescript(SCHEMA)
    _fill(p.execute)
    return s, p


@pytest.mark.parametrize("q", QUERIES)
def test_rows_match_sqlite(engines: tuple[Any, Any], q: str) -> None:
    s, p = engines
    want = s.execute(q).fetchall()
    got = p.execute(q).fetchall()
    if "ORDER BY" in q:
        assert got == want
    else:
        assert sorted(got, key=repr) == sorted(want, key=repr)


@pytest.mark.parametrize("q", PLANS)
def test_plan_matches_sqlite(engines: tuple[Any, Any], q: str) -> None:
    s, p = engines
    assert _tree(p.execute("EXPLAIN QUERY PLAN " + q).fetchall()) == _tree(
        s.execute("EXPLAIN QUERY PLAN " + q).fetchall())


def test_three_way_right_join_is_refused_clearly(engines: tuple[Any, Any]) -> None:
    _, p = engines
    with pytest.raises(pyrite.OperationalError):
        p.execute("SELECT * FROM t1 RIGHT JOIN t2 ON 1 RIGHT JOIN t3 ON 1").fetchall()
