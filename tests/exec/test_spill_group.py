"""GROUP BY and DISTINCT past sorter.SPILL_GROUPS: groups that do not fit in memory
go to the external sorter (sorter.GroupSpill, sorter.DistinctSpill) and come back
in key order. Each query runs with the bound patched tiny, so the spill path runs,
and must give sqlite3's answer, and the in-memory path's (same rows, same order)."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

import pyrite
from pyrite.exec import sorter

SETUP = [
    "CREATE TABLE t(a, b, c, d)",
    "CREATE TABLE u(x, y)",
    "CREATE INDEX ta ON t(a)",
]


def _rows() -> list[tuple[Any, ...]]:
    vals: list[Any] = [None, 0, -0.0, 1, 1.0, 2.5, "x", "X", "x ", b"\x00b", 7, 10**18, "abc"]
    out = []
    for i in range(240):
        a = vals[i % len(vals)] if i % 5 else i % 17
        b = vals[(i * 7) % len(vals)] if i % 3 else i
        out.append((a, b, f"s{i % 11}", i % 4 or None))
    return out


U_ROWS = [(i % 9, f"y{i}") for i in range(0, 60, 2)]


def _connect(mod: Any) -> Any:
    con = mod.connect(":memory:")
    for s in SETUP:
        con.execute(s)
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", _rows())
    con.executemany("INSERT INTO u VALUES (?, ?)", U_ROWS)

    class Cat:
        def __init__(self) -> None:
            self.parts: list[str] = []

        def step(self, v: Any) -> None:
            self.parts.append(repr(v))

        def finalize(self) -> str:
            return "|".join(self.parts)

    con.create_aggregate("cat", 1, Cat)
    return con


def _run(mod: Any, sql: str) -> list[tuple[Any, ...]]:
    con = _connect(mod)
    try:
        return list(con.execute(sql).fetchall())
    finally:
        con.close()


GROUP_QUERIES = [
    "SELECT a, count(*), count(b), sum(d), total(d), avg(d) FROM t GROUP BY a",
    "SELECT a, min(b), c FROM t GROUP BY a",
    "SELECT a, max(d), c, b FROM t GROUP BY a",
    "SELECT a, c, d FROM t GROUP BY a",  # bare columns: the group's first row
    "SELECT a, min(d), max(d), c FROM t GROUP BY a",  # the last min/max moves them
    "SELECT c, group_concat(b), group_concat(d, '-') FROM t GROUP BY c",
    "SELECT a, count(DISTINCT d), sum(DISTINCT d), group_concat(DISTINCT c) FROM t GROUP BY a",
    "SELECT a, count(*) FILTER (WHERE d > 1), sum(d) FILTER (WHERE c < 's5'),"
    " max(d) FILTER (WHERE d < 3), c FROM t GROUP BY a",
    "SELECT a, cat(b), cat(DISTINCT c) FROM t GROUP BY a",
    "SELECT d, c, count(*) FROM t GROUP BY d, c",
    "SELECT c COLLATE NOCASE, count(*) FROM t GROUP BY 1",
    "SELECT a, count(*) FROM t GROUP BY a HAVING count(*) > 12 ORDER BY count(*) DESC, a",
    "SELECT a, sum(d) FROM t WHERE d IS NOT NULL GROUP BY a ORDER BY 2, 1 LIMIT 5",
    "SELECT a % 4, json_group_array(d), json_group_object(c, d) FROM t"
    " WHERE typeof(a) = 'integer' GROUP BY 1",
    "SELECT a, json_group_array(json_object('c', c)) FROM t WHERE typeof(a) = 'integer'"
    " GROUP BY a",
    "SELECT t.d, u.x, u.y, count(u.y), max(u.y) FROM t LEFT JOIN u ON u.x = t.a"
    " GROUP BY t.d, t.a",
    "SELECT u.y, t.c FROM u LEFT JOIN t ON t.a = u.x + 100 GROUP BY u.y",
    "SELECT a, sum(count(*)) OVER (ORDER BY a), rank() OVER (ORDER BY count(*)) FROM t"
    " GROUP BY a",
    "SELECT (SELECT count(*) FROM t AS s WHERE s.a = t.a), a FROM t GROUP BY a",
    "SELECT a, (SELECT group_concat(y) FROM u WHERE u.x = t.d GROUP BY u.x) FROM t"
    " GROUP BY a, d",
    "SELECT x, count(*) FROM (SELECT a AS x FROM t UNION ALL SELECT x FROM u) GROUP BY x",
    "SELECT count(*), max(a) FROM t",
    "SELECT a FROM t GROUP BY a LIMIT 3",
]


@pytest.fixture
def tiny(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sorter, "SPILL_GROUPS", 3)


@pytest.mark.parametrize("sql", GROUP_QUERIES)
def test_group_by_spilled_is_sqlite_and_in_memory(sql: str, monkeypatch: pytest.MonkeyPatch
                                                   ) -> None:
    want = _run(sqlite3, sql)
    in_memory = _run(pyrite, sql)
    monkeypatch.setattr(sorter, "SPILL_GROUPS", 3)
    before = sorter.GROUP_SPILLS
    spilled = _run(pyrite, sql)
    assert spilled == in_memory == want
    if "GROUP BY" in sql and len(want) > 3 and "LIMIT" not in sql:
        assert sorter.GROUP_SPILLS > before


def test_spilled_groups_merge_many_runs(tiny: None) -> None:
    runs = sorter.SPILLS
    sql = "SELECT c, a, count(*), max(c), d FROM t GROUP BY c, a"
    assert _run(pyrite, sql) == _run(sqlite3, sql)
    assert sorter.SPILLS - runs > 5  # runs of SPILL_GROUPS records, merged


def test_group_by_holds_at_most_spill_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    # Live aggregate states are the measure of memory held: in memory one per group,
    # spilled at most the bound plus the one or two being merged.
    live = [0, 0]

    class Counted:
        def __init__(self) -> None:
            live[0] += 1
            live[1] = max(live[1], live[0])
            self.n = 0

        def __del__(self) -> None:
            live[0] -= 1

        def step(self, v: Any) -> None:
            self.n += 1

        def finalize(self) -> int:
            return self.n

    def peak(limit: int) -> tuple[int, list[Any]]:
        monkeypatch.setattr(sorter, "SPILL_GROUPS", limit)
        con = pyrite.connect(":memory:")
        con.create_aggregate("cnt", 1, Counted)
        con.execute("CREATE TABLE g(k)")
        con.executemany("INSERT INTO g VALUES (?)", [((i * 7919) % 1000,) for i in range(3000)])
        live[:] = [0, 0]
        rows = con.execute("SELECT k, cnt(k) FROM g GROUP BY k").fetchall()
        con.close()
        return live[1], rows

    big, rows_mem = peak(100_000)
    small, rows_spill = peak(10)
    assert rows_spill == rows_mem == [(k, 3) for k in range(1000)]
    assert big == 1000
    assert small <= 13


DISTINCT_QUERIES = [
    "SELECT DISTINCT a FROM t",
    "SELECT DISTINCT a, d FROM t",
    "SELECT DISTINCT c, d FROM t WHERE d IS NOT NULL",
    "SELECT DISTINCT b FROM t ORDER BY b",
    "SELECT DISTINCT a, c FROM t ORDER BY c DESC, a",
    "SELECT DISTINCT d, count(*) FROM t GROUP BY a",
    "SELECT DISTINCT a % 3 FROM t WHERE typeof(a) = 'integer' GROUP BY a ORDER BY a",
    "SELECT DISTINCT x FROM (SELECT a AS x FROM t UNION ALL SELECT y FROM u)",
    "SELECT count(*) FROM (SELECT DISTINCT a, b FROM t)",
    "SELECT a FROM t WHERE a IN (SELECT DISTINCT x FROM u)",
    "SELECT DISTINCT json_array(d) FROM t",
]


@pytest.mark.parametrize("sql", DISTINCT_QUERIES)
def test_distinct_spilled(sql: str, monkeypatch: pytest.MonkeyPatch) -> None:
    want = _run(sqlite3, sql)
    in_memory = _run(pyrite, sql)
    monkeypatch.setattr(sorter, "SPILL_GROUPS", 3)
    spilled = _run(pyrite, sql)
    if "ORDER BY" in sql:
        assert spilled == in_memory == want
    else:  # without ORDER BY the spilled rows come last, in key order
        assert sorted(map(repr, spilled)) == sorted(map(repr, in_memory)) \
            == sorted(map(repr, want))


def test_distinct_spill_probe_and_first_row_kept(tiny: None) -> None:
    before = sorter.DISTINCT_SPILLS
    con = pyrite.connect(":memory:")
    con.execute("CREATE TABLE v(x)")
    # 1 and 1.0 are one DISTINCT key: the first row read is the one kept
    con.executemany("INSERT INTO v VALUES (?)", [(i,) for i in range(10)]
                    + [(5.0,), (8.0,), (8,), (9.0,)])
    rows = con.execute("SELECT DISTINCT x FROM v").fetchall()
    assert sorter.DISTINCT_SPILLS == before + 1
    assert rows == [(i,) for i in range(10)]
    assert [type(r[0]) for r in rows] == [int] * 10
    con.execute("DELETE FROM v")
    con.executemany("INSERT INTO v VALUES (?)", [(9 - i,) for i in range(10)]
                    + [(float(i),) for i in range(10)])
    rows = con.execute("SELECT DISTINCT x FROM v").fetchall()
    assert sorted(rows) == [(i,) for i in range(10)]
    assert {type(r[0]) for r in rows} == {int}


def test_distinct_limit_stops_early(tiny: None) -> None:
    con = pyrite.connect(":memory:")
    con.execute("CREATE TABLE v(x)")
    con.executemany("INSERT INTO v VALUES (?)", [(i % 50,) for i in range(500)])
    rows = con.execute("SELECT DISTINCT x FROM v LIMIT 10").fetchall()
    assert rows == [(i,) for i in range(10)]
    rows = con.execute("SELECT DISTINCT x FROM v ORDER BY x DESC LIMIT 4 OFFSET 3").fetchall()
    assert rows == [(46,), (45,), (44,), (43,)]


COMPOUND_QUERIES = [
    "SELECT a, d FROM t UNION SELECT x, y FROM u",
    "SELECT a FROM t UNION SELECT b FROM t ORDER BY 1",
    "SELECT a, typeof(a) FROM t INTERSECT SELECT b, typeof(b) FROM t",
    "SELECT a FROM t EXCEPT SELECT x FROM u",
    "SELECT a FROM t EXCEPT SELECT x FROM u ORDER BY 1 DESC",
    "SELECT a FROM t INTERSECT SELECT b FROM t ORDER BY 1",
    "SELECT a, typeof(a) FROM t UNION SELECT b, typeof(b) FROM t ORDER BY 2, 1",
    # without ORDER BY a UNION ALL after a distinct step appends its rows as read
    "SELECT a FROM t EXCEPT SELECT x FROM u UNION ALL SELECT b FROM t",
    "SELECT a FROM t UNION ALL SELECT b FROM t UNION SELECT x FROM u",
    "SELECT a, typeof(a) FROM t UNION ALL SELECT b, typeof(b) FROM t"
    " INTERSECT SELECT b, typeof(b) FROM t UNION ALL SELECT x, typeof(x) FROM u",
    "SELECT count(*) FROM (SELECT a, b FROM t UNION SELECT b, a FROM t)",
    "SELECT json_array(d) FROM t UNION SELECT json_array(x) FROM u",
]


@pytest.mark.parametrize("sql", COMPOUND_QUERIES)
def test_compound_spilled(sql: str, monkeypatch: pytest.MonkeyPatch) -> None:
    want = _run(sqlite3, sql)
    in_memory = _run(pyrite, sql)
    monkeypatch.setattr(sorter, "SPILL_GROUPS", 3)
    runs = sorter.SPILLS
    spilled = _run(pyrite, sql)
    assert repr(spilled) == repr(in_memory) == repr(want)
    assert sorter.SPILLS > runs


def test_temp_file_full_is_a_dbapi_error(tiny: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import tempfile

    def full(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "TemporaryFile", full)
    con = _connect(pyrite)
    for sql in ("SELECT a, count(*) FROM t GROUP BY a", "SELECT DISTINCT a FROM t",
                "SELECT a FROM t UNION SELECT b FROM t"):
        with pytest.raises(pyrite.OperationalError, match="database or disk is full"):
            con.execute(sql).fetchall()
    con.close()
