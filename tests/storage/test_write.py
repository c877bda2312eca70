"""Writing B-trees: random workloads written by pyrite pass sqlite3's integrity_check
and read back identically in sqlite3. Longer variants: PYRITE_LONG=1 pytest tests/storage."""

from __future__ import annotations

import os
import random
import sqlite3
from pathlib import Path

import pytest

from pyrite.storage import IndexCursor, TableCursor, btree, iter_index, iter_table
from pyrite.storage import record as rec
from pyrite.storage.btree import PROBES
from pyrite.storage.integrity import integrity_check
from pyrite.storage.pager import Pager

from .helpers import add_schema, create_table, open_pager, roots, schema_rows

LONG = bool(os.environ.get("PYRITE_LONG"))


def _check_sqlite(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path)
    assert con.execute("pragma integrity_check").fetchall() == [("ok",)]
    return con


def _value(rnd: random.Random, page_size: int) -> object:
    k = rnd.random()
    if k < 0.3:
        return rnd.randint(-(2**40), 2**40)
    if k < 0.5:
        return "t" * rnd.randint(0, 60)
    if k < 0.6:
        return rnd.random()
    if k < 0.7:
        return None
    if k < 0.85:
        return "L" * rnd.randint(page_size // 2, page_size * 4)
    return bytes(rnd.randrange(256) for _ in range(rnd.randint(0, 200)))


@pytest.mark.parametrize("page_size,seed", [(512, 1), (1024, 2), (4096, 3), (65536, 4)])
def test_random_table_and_index_workload(tmp_path: Path, page_size: int, seed: int) -> None:
    rnd = random.Random(seed)
    path = tmp_path / "w.db"
    con = sqlite3.connect(path)
    con.execute(f"pragma page_size={page_size}")
    con.execute("create table t(a, b)")
    con.execute("create index tb on t(b)")
    con.commit()
    con.close()
    p = open_pager(path)
    p.begin_write()
    sch = {r[1]: r[3] for r in schema_rows(p)}
    tc = TableCursor(p, sch["t"])
    ic = IndexCursor(p, sch["tb"])
    model: dict[int, tuple[object, object]] = {}
    n_ops = 6000 if LONG else (1500 if page_size < 4096 else 700)
    for step in range(n_ops):
        op = rnd.random()
        if op < 0.6 or not model:
            rowid = rnd.randint(1, n_ops * 2)
            row = (step, _value(rnd, page_size))
            if rowid in model:
                assert ic.delete_values((model[rowid][1], rowid))
            tc.insert(rowid, rec.encode(row))
            ic.insert((row[1], rowid))
            model[rowid] = row
        else:
            rowid = rnd.choice(list(model))
            assert tc.seek(rowid)
            assert tuple(rec.decode(tc.payload())) == model[rowid]
            tc.delete()
            assert ic.delete_values((model[rowid][1], rowid))
            del model[rowid]
        if step == n_ops // 2:
            p.commit()
            p.begin_write()
    p.commit()
    p.end_read()
    con = _check_sqlite(path)
    got = {r[0]: (r[1], r[2]) for r in con.execute("select rowid, a, b from t")}
    assert got == model
    assert con.execute("select count(*) from t indexed by tb where b is not null or b is null"
                       ).fetchone()[0] == len(model)
    con.close()


def test_ascending_append_packs_pages(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    p = open_pager(path)
    p.begin_write()
    root = create_table(p, "t")
    c = TableCursor(p, root)
    before = PROBES.get("append_quick", 0)
    for i in range(1, 20001):
        c.insert(i, rec.encode([i, "row"]))
    assert PROBES.get("append_quick", 0) > before
    p.commit()
    p.end_read()
    con = _check_sqlite(path)
    assert con.execute("select count(*), sum(a) from t").fetchone() == (20000, 20000 * 20001 // 2)
    # balance_quick packs leaves full: roughly as few pages as sqlite3 itself uses
    pages = con.execute("pragma page_count").fetchone()[0]
    con.close()
    con2 = sqlite3.connect(tmp_path / "ref.db")
    con2.execute("create table t(a, b)")
    con2.executemany("insert into t values(?, 'row')", [(i,) for i in range(1, 20001)])
    con2.commit()
    assert pages <= con2.execute("pragma page_count").fetchone()[0] * 1.1
    con2.close()


def test_delete_everything_then_reuse_freelist(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    p = open_pager(path)
    p.set_page_size(1024)
    p.begin_write()
    root = create_table(p, "t")
    c = TableCursor(p, root)
    for i in range(1, 3001):
        c.insert(i, rec.encode([i, "z" * (i % 700)]))
    p.commit()
    p.begin_write()
    order = list(range(1, 3001))
    random.Random(5).shuffle(order)
    for i in order:
        assert c.seek(i)
        c.delete()
    assert not c.first()
    p.commit()
    p.end_read()
    con = _check_sqlite(path)
    assert con.execute("select count(*) from t").fetchone() == (0,)
    free = con.execute("pragma freelist_count").fetchone()[0]
    total = con.execute("pragma page_count").fetchone()[0]
    con.close()
    assert free == total - 2
    p = open_pager(path)
    p.begin_write()
    c = TableCursor(p, root)
    for i in range(1, 1001):
        c.insert(i, rec.encode([i, "again" * 30]))
    p.commit()
    p.end_read()
    con = _check_sqlite(path)
    assert con.execute("pragma page_count").fetchone()[0] == total
    con.close()


def test_delete_during_scan_moves_to_following(tmp_path: Path) -> None:
    p = open_pager(tmp_path / "s.db")
    p.begin_write()
    root = create_table(p, "t")
    c = TableCursor(p, root)
    for i in range(1, 2001):
        c.insert(i, rec.encode([i, "q" * 50]))
    ok = c.first()
    seen = []
    while ok:
        seen.append(c.rowid)
        if c.rowid % 2 == 0:
            c.delete()
        ok = c.next()
    assert seen == list(range(1, 2001))
    assert [r for r, _ in iter_table(p, root)] == list(range(1, 2001, 2))
    p.rollback()
    p.end_read()


def test_create_drop_clear_trees(tmp_path: Path) -> None:
    path = tmp_path / "cdc.db"
    p = open_pager(path)
    p.begin_write()
    r1 = create_table(p, "t1")
    r2 = create_table(p, "t2")
    ri = btree.create_index(p)
    add_schema(p, "index", "i2", "t2", ri, "CREATE INDEX i2 ON t2(a)")
    c1, c2, ci = TableCursor(p, r1), TableCursor(p, r2), IndexCursor(p, ri)
    for i in range(1, 1501):
        c1.insert(i, rec.encode([i, "x" * (i % 900)]))
        c2.insert(i, rec.encode([i, None]))
        ci.insert((i, i))
    assert btree.clear_tree(p, r1) == 1500
    p.commit()
    p.end_read()
    con = _check_sqlite(path)
    assert con.execute("select count(*) from t1").fetchone() == (0,)
    assert con.execute("select count(*) from t2 where a > 100").fetchone() == (1400,)
    con.close()
    p = open_pager(path)
    p.begin_write()
    btree.drop_tree(p, ri)
    # remove the index row from sqlite_schema
    sc = TableCursor(p, 1)
    ok = sc.first()
    while ok:
        if rec.decode(sc.payload())[1] == "i2":
            sc.delete()
        ok = sc.next()
    p.header_set("schema_cookie", p.header_get("schema_cookie") + 1)
    p.commit()
    p.end_read()
    con = _check_sqlite(path)
    assert con.execute("select count(*) from sqlite_schema").fetchone() == (2,)
    con.close()


def test_without_rowid_and_interior_index_deletes(tmp_path: Path) -> None:
    path = tmp_path / "wr.db"
    con = sqlite3.connect(path)
    con.execute("pragma page_size=512")
    con.execute("create table w(k primary key, v) without rowid")
    con.close()
    p = open_pager(path)
    p.begin_write()
    root = {r[1]: r[3] for r in schema_rows(p)}["w"]
    c = IndexCursor(p, root)
    rnd = random.Random(9)
    keys = [f"key{rnd.randint(0, 10**9):010d}-{'p' * rnd.randint(0, 90)}" for _ in range(2500)]
    keys = sorted(set(keys))
    for k in keys:
        c.insert((k, len(k)))
    before = PROBES.get("index_delete_interior", 0)
    rnd.shuffle(keys)
    for k in keys[:1800]:
        assert c.delete_values((k, len(k)))
    assert PROBES.get("index_delete_interior", 0) > before
    assert not c.delete_values(("absent", 0))
    p.commit()
    p.end_read()
    con = _check_sqlite(path)
    assert con.execute("select k from w").fetchall() == [(k,) for k in sorted(keys[1800:])]
    con.close()


def test_pyrite_file_reads_identically(tmp_path: Path) -> None:
    path = tmp_path / "rt.db"
    p = open_pager(path)
    p.begin_write()
    root = create_table(p, "t", "a, b, c")
    c = TableCursor(p, root)
    rnd = random.Random(11)
    rows = {}
    for i in range(400):
        rowid = rnd.randint(-(2**62), 2**62)
        row = (_value(rnd, 4096), _value(rnd, 4096), i)
        c.insert(rowid, rec.encode(row))
        rows[rowid] = row
    p.commit()
    assert integrity_check_ok(p)
    p.end_read()
    con = _check_sqlite(path)
    assert {r[0]: r[1:] for r in con.execute("select rowid, a, b, c from t")} == rows
    con.close()


def integrity_check_ok(p: Pager) -> bool:
    return integrity_check(p, roots(p)) == []


def test_index_iter_matches_sqlite_after_writes(tmp_path: Path) -> None:
    path = tmp_path / "ix.db"
    p = open_pager(path)
    p.begin_write()
    create_table(p, "t", "a, b")
    ri = btree.create_index(p)
    add_schema(p, "index", "ia", "t", ri, "CREATE INDEX ia ON t(a)")
    ci = IndexCursor(p, ri)
    for i in range(2000):
        ci.insert(((i * 7919) % 1000, i + 1))
    p.commit()
    keys = list(iter_index(p, ri))
    p.end_read()
    assert keys == sorted(((i * 7919) % 1000, i + 1) for i in range(2000))


def test_shrinking_deep_trees_stay_balanced(tmp_path: Path) -> None:
    """Deleting most of a deep tree empties interior pages: they merge or rotate with a
    sibling (fix_lonely) and the root takes in its only child (root_shallower)."""
    path = tmp_path / "shrink.db"
    con = sqlite3.connect(path)
    con.execute("pragma page_size=512")
    con.execute("create table t(a)")
    con.execute("create table w(k primary key) without rowid")
    con.close()
    p = open_pager(path)
    p.begin_write()
    sch = {r[1]: r[3] for r in schema_rows(p)}
    tc, ic = TableCursor(p, sch["t"]), IndexCursor(p, sch["w"])
    rnd = random.Random(77)
    keys = rnd.sample(range(10**6), 6000)
    for k in keys:
        tc.insert(k, rec.encode(["v" * (k % 40)]))
        ic.insert((f"{k:07d}" + "p" * (k % 60),))
    before = dict(PROBES)
    rnd.shuffle(keys)
    for k in keys[:5990]:
        assert tc.seek(k)
        tc.delete()
        assert ic.delete_values((f"{k:07d}" + "p" * (k % 60),))
    for name in ("balance_merge", "balance_shallower", "balance_even"):
        assert PROBES.get(name, 0) > before.get(name, 0), name
    p.commit()
    p.end_read()
    con = _check_sqlite(path)
    assert sorted(r[0] for r in con.execute("select rowid from t")) == sorted(keys[5990:])
    assert con.execute("select count(*) from w").fetchone() == (10,)
    con.close()


@pytest.mark.parametrize("page_size,reserved", [(512, 32), (4096, 200), (1024, 1)])
def test_reserved_bytes_per_page(tmp_path: Path, page_size: int, reserved: int) -> None:
    path = tmp_path / "res.db"
    p = open_pager(path)
    assert p.set_page_size(page_size, reserved)
    p.begin_write()
    root = create_table(p, "t")
    c = TableCursor(p, root)
    for i in range(1, 400):
        c.insert(i, rec.encode([i, "r" * (i * 7 % 1500)]))
    p.commit()
    p.close()
    con = _check_sqlite(path)
    assert con.execute("select count(*) from t").fetchone() == (399,)
    con.execute("insert into t select a + 1000, b from t")
    con.commit()
    con.close()
    p = open_pager(path)
    p.begin_read()
    assert p.usable_size == page_size - reserved
    assert sum(1 for _ in iter_table(p, root)) == 798
    assert integrity_check(p, roots(p)) == []
    p.close()
