"""ORDER BY through exec/sorter.py against sqlite3: in memory, top-k under LIMIT,
and the external merge sort (runs spilled to temp files, probe counter)."""

from __future__ import annotations

import random
import sqlite3
from typing import Any

import pytest

import pyrite
from pyrite.exec import sorter

QUERIES = [
    "SELECT * FROM t ORDER BY b",
    "SELECT * FROM t ORDER BY b DESC, a",
    "SELECT * FROM t ORDER BY c COLLATE NOCASE, a DESC",
    "SELECT * FROM t ORDER BY b NULLS LAST, c DESC NULLS FIRST, a",
    "SELECT b, c FROM t ORDER BY c, b, a LIMIT 7 OFFSET 3",
    "SELECT b FROM t ORDER BY b DESC LIMIT 5",
    "SELECT a, b FROM t ORDER BY b, a DESC LIMIT 12",
    "SELECT c, count(*) FROM t GROUP BY c ORDER BY 2 DESC, 1",
    "SELECT a FROM t WHERE b > 3 ORDER BY c, a LIMIT -1 OFFSET 4",
]


@pytest.fixture(scope="module")
def engines() -> tuple[Any, Any]:
    rnd = random.Random(3)
    rows = [(i, rnd.choice([None, *range(12), 2.5, "7"]),
             rnd.choice([None, "a", "B", "b", "A", "ab", "", b"\x00"]))
            for i in range(1, 700)]
    out = []
    for mod in (sqlite3, pyrite):
        c: Any = mod.connect(":memory:")
        c.execute("CREATE TABLE t(a INTEGER PRIMARY KEY, b, c)")
        c.executemany("INSERT INTO t VALUES(?,?,?)", rows)
        out.append(c)
    return out[0], out[1]


@pytest.mark.parametrize("q", QUERIES)
def test_in_memory_and_topk(engines: tuple[Any, Any], q: str) -> None:
    s, p = engines
    assert p.execute(q).fetchall() == s.execute(q).fetchall()


@pytest.mark.parametrize("q", QUERIES)
def test_spilled_merge(engines: tuple[Any, Any], q: str, monkeypatch: pytest.MonkeyPatch) -> None:
    s, p = engines
    monkeypatch.setattr(sorter, "SPILL_ROWS", 50)
    monkeypatch.setattr(sorter, "TOPK_MAX", -1)  # force the full sort path
    before = sorter.SPILLS
    assert p.execute(q).fetchall() == s.execute(q).fetchall()
    if "GROUP BY" not in q and "WHERE" not in q:
        assert sorter.SPILLS > before  # the temp-file branch ran


def test_topk_branch_runs(engines: tuple[Any, Any]) -> None:
    s, p = engines
    before = sorter.TOPK
    q = "SELECT b FROM t ORDER BY b DESC LIMIT 5"
    assert p.execute(q).fetchall() == s.execute(q).fetchall()
    assert sorter.TOPK == before + 1
