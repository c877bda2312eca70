"""auto_vacuum FULL and INCREMENTAL written by pyrite: pointer maps kept right (sqlite3's
integrity_check checks them), roots packed at the front, FULL truncating at commit,
incremental_vacuum(n), drop_tree moving the last root into the hole."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from pyrite.storage import IndexCursor, TableCursor, btree, iter_table
from pyrite.storage import record as rec
from pyrite.storage.btree import PROBES
from pyrite.storage.integrity import integrity_check
from pyrite.storage.pager import Pager

from .helpers import add_schema, create_table, open_pager, roots, schema_rows


def _sqlite_ok(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path)
    assert con.execute("pragma integrity_check").fetchall() == [("ok",)]
    return con


def _blen(i: int) -> int:
    return i % 7 * 700


def _make(path: Path, mode: str, page_size: int = 1024) -> None:
    con = sqlite3.connect(path)
    con.execute(f"pragma page_size={page_size}")
    con.execute(f"pragma auto_vacuum={mode}")
    con.execute("create table a(x, y)")
    con.execute("create index ai on a(x)")
    con.execute("create table b(k integer primary key, v)")
    con.executemany("insert into a values(?, ?)", [(i, "v" * (i % 300)) for i in range(400)])
    con.executemany("insert into b values(?, ?)", [(i, b"z" * _blen(i)) for i in range(200)])
    con.commit()
    con.close()


def _roots(p: Pager) -> dict[str, int]:
    return {r[1]: r[3] for r in schema_rows(p)}


def _drop(p: Pager, name: str) -> None:
    """DROP as the schema layer does it: delete the rows, then drop the trees in
    descending root order; drop_tree points a moved root's schema row at its new page."""
    gone = []
    for rowid, payload in list(iter_table(p, 1)):
        r = rec.decode(payload)
        if r[1] == name or r[2] == name:
            cur = TableCursor(p, 1)
            assert cur.seek(rowid)
            cur.delete()
            gone.append(r[3])
    for root in sorted(gone, reverse=True):
        moved = btree.drop_tree(p, root)
        if moved is not None:
            src, dst = moved
            rootpages = [rec.decode(pl)[3] for _, pl in iter_table(p, 1)]
            assert dst in rootpages and src not in rootpages
    p.header_set("schema_cookie", p.header_get("schema_cookie") + 1)


def _workload(p: Pager, seed: int, rounds: int = 600) -> dict[int, bytes]:
    rnd = random.Random(seed)
    root = _roots(p)["b"]
    c = TableCursor(p, root)
    data = {rowid: payload for rowid, payload in iter_table(p, root)}
    for _ in range(rounds):
        k = rnd.randrange(1000)
        if rnd.random() < 0.55:
            payload = rec.encode([k, b"q" * rnd.choice((1, 50, 900, 2500, 6000))])
            c.insert(k, payload)
            data[k] = payload
        elif k in data:
            assert c.seek(k)
            c.delete()
            del data[k]
    return data


@pytest.mark.parametrize("mode", ["full", "incremental"])
def test_sqlite_file_written_by_pyrite(tmp_path: Path, mode: str) -> None:
    path = tmp_path / "av.db"
    _make(path, mode)
    p = open_pager(path)
    p.begin_write()
    data = _workload(p, 5)
    p.commit()
    assert integrity_check(p, roots(p)) == []
    p.end_read()
    p.close()
    con = _sqlite_ok(path)
    assert dict(con.execute("select k, v from b")) == {
        k: rec.decode(v)[1] for k, v in data.items()}
    free = con.execute("pragma freelist_count").fetchone()[0]
    if mode == "full":
        assert free == 0
    con.close()


def test_full_truncates_after_mass_delete(tmp_path: Path) -> None:
    path = tmp_path / "full.db"
    _make(path, "full")
    twin = tmp_path / "twin.db"
    twin.write_bytes(path.read_bytes())
    con = sqlite3.connect(twin)
    con.execute("delete from b")
    con.commit()
    con.close()
    before = PROBES.get("autovacuum_commit", 0)
    p = open_pager(path)
    p.begin_write()
    c = TableCursor(p, _roots(p)["b"])
    ok = c.first()
    while ok:
        c.delete()
        ok = c.first()
    p.commit()
    p.end_read()
    p.close()
    assert PROBES.get("autovacuum_commit", 0) > before
    assert path.stat().st_size <= twin.stat().st_size * 1.1
    con = _sqlite_ok(path)
    assert con.execute("pragma freelist_count").fetchone() == (0,)
    assert con.execute("select count(*) from a").fetchone() == (400,)
    con.close()


def test_incremental_vacuum_steps(tmp_path: Path) -> None:
    path = tmp_path / "inc.db"
    _make(path, "incremental")
    p = open_pager(path)
    p.begin_write()
    c = TableCursor(p, _roots(p)["b"])
    for k in range(0, 200, 2):
        assert c.seek(k)
        c.delete()
    p.commit()
    free0 = p.header_get("freelist_count")
    count0 = p.page_count
    assert free0 > 10
    p.begin_write()
    assert btree.incremental_vacuum(p, 5) == 5
    p.commit()
    assert p.header_get("freelist_count") == free0 - 5
    assert p.page_count < count0
    p.end_read()
    con = _sqlite_ok(path)
    assert con.execute("pragma freelist_count").fetchone() == (free0 - 5,)
    con.close()
    p.begin_write()
    assert btree.incremental_vacuum(p, 0) == free0 - 5
    p.commit()
    p.end_read()
    p.close()
    con = _sqlite_ok(path)
    assert con.execute("pragma freelist_count").fetchone() == (0,)
    assert con.execute("select count(*), sum(length(v)) from b where k % 2 = 1").fetchone() == (
        100, sum(_blen(i) for i in range(1, 200, 2)))
    con.close()


def test_incremental_vacuum_rolls_back(tmp_path: Path) -> None:
    path = tmp_path / "rb.db"
    _make(path, "incremental")
    p = open_pager(path)
    p.begin_write()
    c = TableCursor(p, _roots(p)["b"])
    for k in range(50, 150):
        assert c.seek(k)
        c.delete()
    p.commit()
    p.end_read()
    raw = path.read_bytes()
    p.begin_write()
    sp = p.savepoint_begin()
    assert btree.incremental_vacuum(p, 0) > 0
    p.savepoint_rollback(sp)
    p.savepoint_release(sp)
    p.commit()
    p.begin_write()
    assert btree.incremental_vacuum(p, 0) > 0
    p.rollback()
    p.end_read()
    p.close()
    assert path.read_bytes()[100:] == raw[100:]
    _sqlite_ok(path).close()


def test_drop_moves_last_root_into_hole(tmp_path: Path) -> None:
    path = tmp_path / "drop.db"
    _make(path, "full")
    p = open_pager(path)
    p.begin_write()
    r0 = _roots(p)
    before = PROBES.get("autovacuum_drop_move", 0)
    _drop(p, "a")  # table a and its index: roots below b's
    r1 = _roots(p)
    assert PROBES.get("autovacuum_drop_move", 0) > before
    assert r1["b"] < r0["b"]
    assert p.header_get("largest_root_page") == r1["b"]
    p.commit()
    p.end_read()
    p.close()
    con = _sqlite_ok(path)
    assert con.execute("select count(*) from b").fetchone() == (200,)
    assert con.execute("pragma freelist_count").fetchone() == (0,)
    con.close()


@pytest.mark.parametrize("mode", [1, 2])
def test_pyrite_creates_autovacuum_database(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "new.db"
    p = open_pager(path)
    assert p.set_page_size(512)
    p.begin_write()
    assert btree.set_auto_vacuum(p, mode)
    before = PROBES.get("autovacuum_root_move", 0)
    t1 = create_table(p, "t1")
    TableCursor(p, t1).insert(1, rec.encode(["x" * 3000]))  # overflow pages after the root
    for i in range(2, 60):
        TableCursor(p, t1).insert(i, rec.encode([i, "y" * 40]))
    iroot = btree.create_index(p)  # its page is in use: the occupant moves away
    add_schema(p, "index", "i1", "t1", iroot, "CREATE INDEX i1 ON t1(a)")
    ic = IndexCursor(p, iroot)
    ic.insert(("x" * 3000, 1))
    for i in range(2, 60):
        ic.insert((i, i))
    t2 = create_table(p, "t2")
    assert PROBES.get("autovacuum_root_move", 0) > before
    assert (t1, iroot, t2) == (3, 4, 5)
    p.commit()
    assert integrity_check(p, roots(p)) == []
    p.end_read()
    p.close()
    con = _sqlite_ok(path)
    assert con.execute("pragma auto_vacuum").fetchone() == (mode,)
    assert con.execute("select count(*) from t1 where a > 10").fetchone() == (50,)
    con.execute("insert into t2 values(1, 2)")
    con.commit()
    assert con.execute("pragma integrity_check").fetchall() == [("ok",)]
    con.close()


def test_set_auto_vacuum_refused_once_tables_exist(tmp_path: Path) -> None:
    p = open_pager(tmp_path / "x.db")
    p.begin_write()
    create_table(p, "t")
    assert not btree.set_auto_vacuum(p, 1)
    assert btree.set_auto_vacuum(p, 0)
    p.rollback()
    p.end_read()
    p.close()


@pytest.mark.parametrize("mode,seed", [("full", 11), ("incremental", 12)])
def test_random_trees_created_and_dropped(tmp_path: Path, mode: str, seed: int) -> None:
    path = tmp_path / "mix.db"
    con = sqlite3.connect(path)
    con.execute("pragma page_size=512")
    con.execute(f"pragma auto_vacuum={mode}")
    con.execute("create table seed(x)")
    con.commit()
    con.close()
    rnd = random.Random(seed)
    p = open_pager(path)
    expect: dict[str, dict[int, bytes]] = {"seed": {}}
    n = 0
    for _ in range(6):
        p.begin_write()
        for _ in range(3):
            if rnd.random() < 0.6 or len(expect) < 2:
                n += 1
                name = f"t{n}"
                root = create_table(p, name)
                rows = {i: rec.encode([i, "w" * rnd.choice((3, 100, 700, 2000))])
                        for i in rnd.sample(range(500), 60)}
                c = TableCursor(p, root)
                for k, v in rows.items():
                    c.insert(k, v)
                expect[name] = rows
            else:
                name = rnd.choice(sorted(expect))
                _drop(p, name)
                del expect[name]
        if mode == "incremental" and rnd.random() < 0.5:
            btree.incremental_vacuum(p, rnd.randint(0, 8))
        p.commit()
        assert integrity_check(p, roots(p)) == []
        p.end_read()
        c2 = _sqlite_ok(path)
        for name, rows in expect.items():
            got = dict(c2.execute(f"select rowid, * from {name}").fetchall() and
                       [(r[0], rec.encode(list(r[1:]))) for r in
                        c2.execute(f"select rowid, * from {name}")])
            assert got == rows
        if mode == "full":
            assert c2.execute("pragma freelist_count").fetchone() == (0,)
        c2.close()
    p.close()


def test_full_auto_vacuum_in_shared_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    _make(path, "full")
    con = sqlite3.connect(path)
    con.execute("pragma journal_mode=wal")
    con.close()
    p = open_pager(path)
    p.begin_write()
    c = TableCursor(p, _roots(p)["b"])
    for k in range(0, 200, 3):
        assert c.seek(k)
        c.delete()
    p.commit()
    count = p.page_count
    p.end_read()
    wal = Path(str(path) + "-wal").read_bytes()
    p.close()
    # The WAL as pyrite left it (before its closing checkpoint), read by sqlite3. Not
    # while pyrite has it open: POSIX locks of one process would mix (blocking.py).
    Path(str(path) + "-wal").write_bytes(wal)
    con = _sqlite_ok(path)
    assert con.execute("pragma freelist_count").fetchone() == (0,)
    assert con.execute("pragma page_count").fetchone() == (count,)
    assert con.execute("select count(*) from b").fetchone() == (200 - 67,)
    con.close()


def test_integrity_check_reads_pointer_maps(tmp_path: Path) -> None:
    path = tmp_path / "pm.db"
    _make(path, "full")
    data = bytearray(path.read_bytes())
    # Page 2 is the first pointer map; entry for page 5 (5 bytes at 5*(5-2-1)).
    off = 1024 + 5 * (5 - 2 - 1)
    data[off + 1:off + 5] = (77).to_bytes(4, "big")
    path.write_bytes(bytes(data))
    con = sqlite3.connect(path)
    theirs = [r[0] for r in con.execute("pragma integrity_check")]
    con.close()
    p = open_pager(path)
    p.begin_read()
    ours = integrity_check(p, roots(p))
    p.end_read()
    p.close()
    assert any("Bad ptr map entry key=5" in m for m in theirs)
    assert any("Bad ptr map entry key=5" in m for m in ours)
