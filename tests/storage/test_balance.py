"""Balancing with SQLite's fill rules: after random inserts and deletes (table and index
B-trees, every level) sqlite3's integrity_check is clean and the pages in use stay
close to what sqlite3 itself needs for the same operations (the freelist grows)."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from pyrite.storage import IndexCursor, TableCursor
from pyrite.storage import record as rec
from pyrite.storage.btree import PROBES, _page_header
from pyrite.storage.pager import Pager

from .helpers import open_pager, schema_rows


def _depth(p: Pager, root: int) -> int:
    d = 1
    pg = root
    while True:
        page, typ, n, ptr, right = _page_header(p, pg)
        if typ >= 10:
            return d
        pg = right
        d += 1


@pytest.mark.parametrize("page_size,frac,seed", [(512, 0.6, 1), (512, 0.97, 2),
                                                 (1024, 0.9, 3), (4096, 0.995, 4)])
def test_mass_delete_pages_close_to_sqlite(tmp_path: Path, page_size: int, frac: float,
                                           seed: int) -> None:
    ours, theirs = tmp_path / "ours.db", tmp_path / "theirs.db"
    for f in (ours, theirs):
        con = sqlite3.connect(f)
        con.execute(f"pragma page_size={page_size}")
        con.execute("create table t(a, b)")
        con.execute("create index ti on t(b, a)")
        con.commit()
        con.close()
    rnd = random.Random(seed)
    keys = rnd.sample(range(10**6), 2000 if page_size < 4096 else 3000)
    vals = {k: "x" * rnd.randint(0, 150) + str(k) for k in keys}
    con = sqlite3.connect(theirs)
    p = open_pager(ours)
    p.begin_write()
    sch = {r[1]: r[3] for r in schema_rows(p)}
    tc, ic = TableCursor(p, sch["t"]), IndexCursor(p, sch["ti"])
    for k in keys:
        tc.insert(k, rec.encode([k, vals[k]]))
        ic.insert((vals[k], k, k))
    con.executemany("insert into t(rowid, a, b) values(?, ?, ?)",
                    [(k, k, vals[k]) for k in keys])
    depth_full = _depth(p, sch["t"]), _depth(p, sch["ti"])
    before = dict(PROBES)
    dels = rnd.sample(keys, int(len(keys) * frac))
    for k in dels:
        assert tc.seek(k)
        tc.delete()
        assert ic.delete_values((vals[k], k, k))
    con.executemany("delete from t where rowid = ?", [(k,) for k in dels])
    for name in ("balance_merge",):
        assert PROBES.get(name, 0) > before.get(name, 0), name
    p.commit()
    used = p.page_count - p.header_get("freelist_count")
    depth_after = _depth(p, sch["t"]), _depth(p, sch["ti"])
    p.end_read()
    p.close()
    con.commit()
    theirs_used = (con.execute("pragma page_count").fetchone()[0]
                   - con.execute("pragma freelist_count").fetchone()[0])
    con.close()
    assert used <= theirs_used * 1.15 + 2, (used, theirs_used)
    assert depth_after <= depth_full
    if frac > 0.99:
        assert depth_after < depth_full
    con = sqlite3.connect(ours)
    assert con.execute("pragma integrity_check").fetchall() == [("ok",)]
    left = sorted(set(keys) - set(dels))
    assert [r[0] for r in con.execute("select rowid from t order by rowid")] == left
    assert [r[0] for r in con.execute("select b from t indexed by ti order by b, a")] == sorted(
        vals[k] for k in left)
    con.close()


def test_random_insert_delete_keeps_integrity(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    con = sqlite3.connect(path)
    con.execute("pragma page_size=512")
    con.execute("create table t(a)")
    con.execute("create table w(k primary key, v) without rowid")
    con.commit()
    con.close()
    rnd = random.Random(9)
    p = open_pager(path)
    p.begin_write()
    sch = {r[1]: r[3] for r in schema_rows(p)}
    tc, wc = TableCursor(p, sch["t"]), IndexCursor(p, sch["w"])
    want: dict[int, str] = {}
    for _ in range(4000):
        k = rnd.randrange(1500)
        if rnd.random() < 0.5:
            v = "v" * rnd.choice((0, 10, 100, 600))
            tc.insert(k, rec.encode([v]))
            if k in want:
                assert wc.delete_values((k, want[k]))
            wc.insert((k, v))
            want[k] = v
        elif k in want:
            assert tc.seek(k)
            tc.delete()
            assert wc.delete_values((k, want[k]))
            del want[k]
    p.commit()
    p.end_read()
    p.close()
    con = sqlite3.connect(path)
    assert con.execute("pragma integrity_check").fetchall() == [("ok",)]
    assert dict(con.execute("select rowid, a from t")) == want
    assert dict(con.execute("select k, v from w")) == want
    con.close()
