"""ORDER BY inside an aggregate call: group_concat(x ORDER BY y), string_agg(...).
SQLite 3.40.1 does not parse it (3.44 added it), so the oracle is sqlite3 running
the same aggregate over a subquery sorted the same way -- the order its rows reach
the aggregate in, which is what the ORDER BY inside the call specifies."""

from __future__ import annotations

import sqlite3

import pytest

import pyrite

ROWS = [(1, "a", 3), (1, "b", 1), (1, "c", 2), (2, "d", None), (2, "e", 5), (2, "d", 0),
        (3, "B", 2), (3, "a", 2), (3, "C", None)]

CASES = [
    # (pyrite query, equivalent sqlite3 query)
    ("SELECT group_concat(x ORDER BY y) FROM t",
     "SELECT group_concat(x) FROM (SELECT x FROM t ORDER BY y)"),
    ("SELECT g, group_concat(x, '-' ORDER BY y DESC) FROM t GROUP BY g ORDER BY g",
     "SELECT g, group_concat(x, '-') FROM (SELECT g, x FROM t ORDER BY g, y DESC) GROUP BY g ORDER BY g"),
    ("SELECT group_concat(x ORDER BY y NULLS LAST, x DESC) FROM t",
     "SELECT group_concat(x) FROM (SELECT x FROM t ORDER BY y NULLS LAST, x DESC)"),
    ("SELECT group_concat(x ORDER BY x COLLATE NOCASE) FROM t WHERE g = 3",
     "SELECT group_concat(x) FROM (SELECT x FROM t WHERE g = 3 ORDER BY x COLLATE NOCASE)"),
    ("SELECT group_concat(DISTINCT x ORDER BY x DESC) FROM t",
     "SELECT group_concat(x) FROM (SELECT DISTINCT x FROM t ORDER BY x DESC)"),
    ("SELECT group_concat(x ORDER BY y) FILTER (WHERE y > 0) FROM t",
     "SELECT group_concat(x) FROM (SELECT x FROM t WHERE y > 0 ORDER BY y)"),
    ("SELECT string_agg(x, ';' ORDER BY g DESC, y) FROM t",
     "SELECT group_concat(x, ';') FROM (SELECT x FROM t ORDER BY g DESC, y)"),
]


@pytest.mark.parametrize(("mine", "theirs"), CASES)
def test_ordered_aggregate(mine: str, theirs: str) -> None:
    p = pyrite.connect(":memory:")
    s = sqlite3.connect(":memory:")
    for con in (p, s):
        con.execute("CREATE TABLE t (g, x, y)")
        con.executemany("INSERT INTO t VALUES (?, ?, ?)", ROWS)
    assert p.execute(mine).fetchall() == s.execute(theirs).fetchall()


def test_ordered_aggregate_spills_like_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    from pyrite.exec import sorter

    q = "SELECT g, group_concat(x ORDER BY y DESC) FROM t GROUP BY g ORDER BY g"
    out = []
    for bound in (100_000, 1):
        monkeypatch.setattr(sorter, "SPILL_GROUPS", bound)
        con = pyrite.connect(":memory:")
        con.execute("CREATE TABLE t (g, x, y)")
        con.executemany("INSERT INTO t VALUES (?, ?, ?)", ROWS)
        out.append(con.execute(q).fetchall())
    assert out[0] == out[1] == [(1, "a,c,b"), (2, "e,d,d"), (3, "B,a,C")]
