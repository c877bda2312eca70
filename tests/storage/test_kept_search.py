"""Searches over kept pages (cursor._bisect_kept, _kept_range, table_payload):
iter_index over a range, forward, by records or a leaf's run at a time
(leaves=True), equals a filter of the whole index by record.compare, on files
written by sqlite3 with type mixes, NOCASE and DESC key columns and deep trees
(small pages); table_payload equals a TableCursor seek. Each search runs several
times, so that later runs go through the kept pages."""

from __future__ import annotations

import functools
import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from pyrite.storage import KeyInfo, TableCursor, iter_index
from pyrite.storage import record as rec
from pyrite.storage.cursor import table_payload

from .helpers import open_pager, schema_rows


def _nocase(a: str, b: str) -> int:
    x, y = a.lower(), b.lower()  # ASCII only in these values
    return (x > y) - (x < y)


def _value(rnd: random.Random) -> Any:
    return rnd.choice([None, rnd.randint(-30, 30), rnd.randint(-30, 30) + 0.5, float(rnd.randint(-5, 5)),
                       rnd.choice(["a", "A", "b", "ab", "AB", "z", ""]), b"\x02" * rnd.randint(0, 2),
                       "k" * rnd.randint(100, 700), 2**62 + rnd.randint(0, 3)])


def _make(path: Path) -> list[Any]:
    rnd = random.Random(5)
    con = sqlite3.connect(path)
    con.execute("pragma page_size=512")
    con.execute("create table t(a, b, c)")
    con.execute("create index t_a on t(a)")
    con.execute("create index t_an on t(a collate nocase, b)")
    con.execute("create index t_ad on t(a desc, b)")
    con.execute("create index t_ba on t(b, a)")
    rows = [(i * 7, _value(rnd), rnd.choice([1, 2, "x", None, 2.0]), "p" * rnd.randint(0, 60))
            for i in range(1, 1500)]
    con.executemany("insert into t(rowid, a, b, c) values(?,?,?,?)", rows)
    con.commit()
    con.close()
    return rows


KINFO = {"t_a": KeyInfo((None, None), (False, False)),
         "t_an": KeyInfo((_nocase, None, None), (False, False, False)),
         "t_ad": KeyInfo((None, None, None), (True, False, False)),
         "t_ba": KeyInfo((None, None, None), (False, False, False))}


@pytest.mark.parametrize("name", sorted(KINFO))
def test_index_ranges_equal_a_filter(tmp_path: Path, name: str) -> None:
    path = tmp_path / "k.db"
    _make(path)
    p = open_pager(path)
    p.begin_read()
    root = {r[1]: r[3] for r in schema_rows(p)}[name]
    ki = KINFO[name]
    entries = list(iter_index(p, root, ki))
    cmp = functools.partial(rec.compare, key_info=ki)
    assert entries == sorted(entries, key=functools.cmp_to_key(cmp))
    rnd = random.Random(name)
    for _ in range(120):
        width = rnd.choice([1, 1, 2]) if name != "t_a" else 1
        lo = tuple(_value(rnd) for _ in range(width))
        hi = lo if rnd.random() < 0.5 else tuple(_value(rnd) for _ in range(width))
        lo_incl, hi_incl = rnd.random() < 0.7, rnd.random() < 0.7
        want = [e for e in entries
                if (cmp(e, lo) > 0 or (lo_incl and cmp(e, lo) == 0))
                and (cmp(e, hi) < 0 or (hi_incl and cmp(e, hi) == 0))]
        for _ in range(3):
            assert list(iter_index(p, root, ki, lo, lo_incl, hi, hi_incl)) == want, (lo, hi)
            got = [e for run in iter_index(p, root, ki, lo, lo_incl, hi, hi_incl, leaves=True)
                   for e in run]
            assert got == want, (lo, hi)
    p.end_read()


def test_table_payload_equals_a_cursor_seek(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    rows = _make(path)
    p = open_pager(path)
    p.begin_read()
    root = {r[1]: r[3] for r in schema_rows(p)}["t"]
    ids = [r[0] for r in rows]
    probes = ids + [i + 1 for i in ids[::5]] + [0, -1, 10**9, -2**63, 2**63 - 1]
    for _ in range(10):  # the pages' rowid lists are made after a few visits
        for r in probes:
            c = TableCursor(p, root)
            want = c.payload() if c.seek(r) else None
            assert table_payload(p, root, r) == want
    p.end_read()
