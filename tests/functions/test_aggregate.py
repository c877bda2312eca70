"""Aggregate and window functions against CPython's sqlite3 (SQLite 3.40.1)."""

from __future__ import annotations

import math
import random
import sqlite3
from typing import Any

import pytest

from pyrite.errors import Error
from pyrite.functions import AGGREGATES, WINDOWS, aggregate_over_frames

CON = sqlite3.connect(":memory:")

DATASETS: list[list[Any]] = [
    [], [None], [1, 2, 3], [1, 2.5, None], ["12", "abc", 3], [2**63 - 1, 1], [2**63 - 1, 1, -5],
    [2**63 - 1, 1.0, 1], [1.0, 2**63 - 1, 1], [-(2**63), -1], [0.1, 0.2, 0.3], ["a", "b", None, "c"],
    [b"\x01", "x", 1, None], [1e308, 1e308, -1e308], ["1e3", " 7 ", "0x10"], [-0.0], [None, None],
    ["", "", "x"], [3, 1, 2, 1, 3], [b"a\x00b", "c\x00d", b""],
]


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if type(a) is float and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def _oracle(sql_agg: str, data: list[Any]) -> Any:
    CON.execute("DROP TABLE IF EXISTS t")
    CON.execute("CREATE TABLE t(x, s)")
    CON.executemany("INSERT INTO t VALUES (?, ?)", [(v, f"<{i}>") for i, v in enumerate(data)])
    try:
        return CON.execute(f"SELECT {sql_agg} FROM t").fetchone()[0]
    except sqlite3.Error as e:
        return ("error", str(e))


def _ours(name: str, data: list[Any], extra: tuple[Any, ...] = (), star: bool = False) -> Any:
    acc = AGGREGATES[name].factory(None)
    try:
        for i, v in enumerate(data):
            if star:
                acc.step()
            else:
                acc.step(v, *[f"<{i}>" if e == "s" else e for e in extra])
        return acc.finalize()
    except Error as e:
        return ("error", str(e))


@pytest.mark.parametrize("name", ["avg", "count", "max", "min", "sum", "total", "group_concat"])
@pytest.mark.parametrize("data", DATASETS, ids=[repr(d)[:40] for d in DATASETS])
def test_aggregate(name: str, data: list[Any]) -> None:
    want = _oracle(f"{name}(x)", data)
    got = _ours(name, data)
    assert _same(want, got) or want == got, (want, got)


@pytest.mark.parametrize("data", DATASETS, ids=[repr(d)[:40] for d in DATASETS])
def test_count_star_and_group_concat_separator(data: list[Any]) -> None:
    assert _ours("count", data, star=True) == _oracle("count(*)", data)
    assert _ours("group_concat", data, ("; ",)) == _oracle("group_concat(x, '; ')", data)
    assert _ours("group_concat", data, ("s",)) == _oracle("group_concat(x, s)", data)
    assert _ours("group_concat", data, (None,)) == _oracle("group_concat(x, NULL)", data)


def test_max_reports_the_row_holding_the_extreme() -> None:
    acc = AGGREGATES["max"].factory(None)
    seen = []
    for v in [1, 5, 3, 5, 7]:
        acc.step(v)
        seen.append(acc.last_step_updated)
    assert seen == [True, True, False, False, True]


# --- window functions -------------------------------------------------------

ROWS = [(p, o, v) for p, o, v in [
    (1, 1, 10), (1, 1, 20), (1, 2, None), (1, 3, 5), (1, 3, 5), (1, 4, "x"),
    (2, 1, 1.5), (2, 2, 2), (2, 2, 3),
]]


def _partitions() -> dict[int, list[tuple[int, int, Any]]]:
    parts: dict[int, list[tuple[int, int, Any]]] = {}
    for r in ROWS:
        parts.setdefault(r[0], []).append(r)
    return parts


def _window_oracle(expr: str, frame: str = "") -> list[Any]:
    CON.execute("DROP TABLE IF EXISTS w")
    CON.execute("CREATE TABLE w(id INTEGER PRIMARY KEY, p, o, v)")
    CON.executemany("INSERT INTO w(p, o, v) VALUES (?, ?, ?)", ROWS)
    sql = (f"SELECT {expr} OVER (PARTITION BY p ORDER BY o, id {frame}) FROM w "
           f"ORDER BY p, o, id")
    return [r[0] for r in CON.execute(sql)]


def _peer_oracle(expr: str) -> list[Any]:
    CON.execute("DROP TABLE IF EXISTS w")
    CON.execute("CREATE TABLE w(id INTEGER PRIMARY KEY, p, o, v)")
    CON.executemany("INSERT INTO w(p, o, v) VALUES (?, ?, ?)", ROWS)
    sql = f"SELECT {expr} OVER (PARTITION BY p ORDER BY o) FROM w ORDER BY p, o, id"
    return [r[0] for r in CON.execute(sql)]


def _ours_window(name: str, argf: Any, frame_of: Any, peers_by_o: bool) -> list[Any]:
    out: list[Any] = []
    for rows in _partitions().values():
        args = [argf(r) for r in rows]
        if peers_by_o:
            keys = [r[1] for r in rows]
        else:
            keys = list(range(len(rows)))
        peers = []
        g = -1
        prev = object()
        for k in keys:
            if k != prev:
                g += 1
                prev = k
            peers.append(g)
        frames = [frame_of(i, len(rows)) for i in range(len(rows))]
        out.extend(WINDOWS[name].factory().evaluate(args, peers, frames))
    return out


@pytest.mark.parametrize("name", ["row_number", "rank", "dense_rank", "percent_rank",
                                  "cume_dist"])
def test_ranking_functions(name: str) -> None:
    want = _peer_oracle(f"{name}()")
    got = _ours_window(name, lambda r: (), lambda i, n: (0, i + 1), peers_by_o=True)
    assert want == got


@pytest.mark.parametrize("n", [1, 2, 3, 4, 10])
def test_ntile(n: int) -> None:
    want = _window_oracle(f"ntile({n})")
    got = _ours_window("ntile", lambda r: (n,), lambda i, k: (0, i + 1), peers_by_o=False)
    assert want == got


@pytest.mark.parametrize("call,args", [
    ("lag(v)", lambda r: (r[2],)), ("lead(v)", lambda r: (r[2],)),
    ("lag(v, 2, 'd')", lambda r: (r[2], 2, "d")), ("lead(v, 2, o)", lambda r: (r[2], 2, r[1])),
    ("lag(v, 0)", lambda r: (r[2], 0)), ("lead(v, NULL)", lambda r: (r[2], None)),
    ("lag(v, -1)", lambda r: (r[2], -1)), ("lead(v, -2, 'd')", lambda r: (r[2], -2, "d")),
    ("lag(v, 1.5, 'd')", lambda r: (r[2], 1.5, "d")), ("lag(v, '1')", lambda r: (r[2], "1")),
    ("lag(v, 'a')", lambda r: (r[2], "a")), ("lead(v, 1.0)", lambda r: (r[2], 1.0)),
    ("lag(v, NULL, 'd')", lambda r: (r[2], None, "d")),
])
def test_lag_lead(call: str, args: Any) -> None:
    want = _window_oracle(call)
    got = _ours_window(call.split("(")[0], args, lambda i, n: (0, i + 1), peers_by_o=False)
    assert want == got


@pytest.mark.parametrize("frame,frame_of", [
    ("ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW", lambda i, n: (0, i + 1)),
    ("ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING", lambda i, n: (max(0, i - 1), min(n, i + 2))),
    ("ROWS BETWEEN 2 FOLLOWING AND 3 FOLLOWING", lambda i, n: (min(n, i + 2), min(n, i + 4))),
    ("ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING", lambda i, n: (0, n)),
])
def test_frame_functions_and_aggregates(frame: str, frame_of: Any) -> None:
    for call, name, argf in [
        ("first_value(v)", "first_value", lambda r: (r[2],)),
        ("last_value(v)", "last_value", lambda r: (r[2],)),
        ("nth_value(v, 2)", "nth_value", lambda r: (r[2], 2)),
        ("nth_value(v, '2')", "nth_value", lambda r: (r[2], "2")),
        ("nth_value(v, 1.0)", "nth_value", lambda r: (r[2], 1.0)),
    ]:
        assert _window_oracle(call, frame) == _ours_window(name, argf, frame_of, False), call
    for agg in ["sum", "count", "avg", "min", "max", "group_concat", "total"]:
        want = _window_oracle(f"{agg}(v)", frame)
        got: list[Any] = []
        for rows in _partitions().values():
            frames = [frame_of(i, len(rows)) for i in range(len(rows))]
            got.extend(aggregate_over_frames(AGGREGATES[agg], None, [(r[2],) for r in rows],
                                             frames))
        assert [(type(x), x) for x in want] == [(type(x), x) for x in got], agg


def test_window_argument_errors() -> None:
    with pytest.raises(Error, match="argument of ntile must be a positive integer"):
        WINDOWS["ntile"].factory().evaluate([(0,)], [0], [(0, 1)])
    with pytest.raises(Error, match="second argument to nth_value must be a positive integer"):
        WINDOWS["nth_value"].factory().evaluate([(1, 0)], [0], [(0, 1)])


def test_random_sums_match() -> None:
    rng = random.Random(7)
    for _ in range(50):
        data = [rng.choice([rng.randint(-10**6, 10**6), rng.random() * 100, None, str(rng.randint(0, 9))])
                for _ in range(rng.randint(0, 20))]
        for name in ("sum", "avg", "total"):
            assert _same(_oracle(f"{name}(x)", data), _ours(name, data)), (name, data)
