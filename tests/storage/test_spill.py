"""Cache spill: a transaction larger than cache_size writes dirty pages to the database
file before commit (their originals journaled and synced first, P1/P2); commit and
rollback are both right, and a power cut at any write leaves the committed state."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from pyrite.errors import DiskIOError
from pyrite.io.simulated import SimulatedVfs
from pyrite.storage import IndexCursor, Pager, TableCursor, btree, iter_table
from pyrite.storage import record as rec
from pyrite.storage.pager import PROBES

from .helpers import add_schema, open_pager, schema_rows

CACHE = 16


def _setup(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("pragma page_size=1024")
    con.execute("create table t(a, b)")
    con.execute("create index ti on t(b)")
    con.executemany("insert into t values(?, ?)", [(i, f"old{i:05d}") for i in range(300)])
    con.commit()
    con.close()


def _big_transaction(p: Pager, rnd: random.Random, rows: int) -> dict[int, tuple[int, str]]:
    sch = {r[1]: r[3] for r in schema_rows(p)}
    tc, ic = TableCursor(p, sch["t"]), IndexCursor(p, sch["ti"])
    want = {rowid: tuple(rec.decode(pl)) for rowid, pl in iter_table(p, sch["t"])}
    peak = 0
    for _ in range(rows):
        k = rnd.randrange(1, 20000)
        if k in want:
            continue
        v = f"new{k:05d}" + "z" * rnd.randint(0, 300)
        tc.insert(k, rec.encode([k, v]))
        ic.insert((v, k))
        want[k] = (k, v)
        peak = max(peak, len(p._dirty))
    for k in rnd.sample(sorted(want), 100):  # deletes touch old (journaled) pages too
        assert tc.seek(k)
        tc.delete()
        assert ic.delete_values((want[k][1], k))
        del want[k]
    assert peak <= CACHE + 40, peak  # a single B-tree operation may go past cache_size
    return want  # type: ignore[return-value]


def test_spill_then_commit(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    _setup(path)
    p = open_pager(path)
    p.cache_size = CACHE
    before = PROBES.get("spill", 0)
    p.begin_write()
    want = _big_transaction(p, random.Random(1), 2500)
    assert PROBES.get("spill", 0) > before + 5
    p.commit()
    p.end_read()
    p.close()
    con = sqlite3.connect(path)
    assert con.execute("pragma integrity_check").fetchall() == [("ok",)]
    assert {r[0]: (r[1], r[2]) for r in con.execute("select rowid, a, b from t")} == want
    con.close()


def test_spill_then_rollback_and_savepoint(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    _setup(path)
    raw = path.read_bytes()
    p = open_pager(path)
    p.cache_size = CACHE
    p.begin_write()
    before = PROBES.get("spill_rollback", 0)
    _big_transaction(p, random.Random(2), 2000)
    p.rollback()
    assert PROBES.get("spill_rollback", 0) == before + 1
    assert path.read_bytes() == raw
    assert not Path(str(path) + "-journal").exists()
    # A statement savepoint rolled back after its pages were spilled.
    p.begin_write()
    sch = {r[1]: r[3] for r in schema_rows(p)}
    tc = TableCursor(p, sch["t"])
    tc.insert(100000, rec.encode([1, "keep"]))
    IndexCursor(p, sch["ti"]).insert(("keep", 100000))
    sp = p.savepoint_begin()
    _big_transaction(p, random.Random(3), 1500)
    p.savepoint_rollback(sp)
    p.savepoint_release(sp)
    p.commit()
    p.end_read()
    p.close()
    con = sqlite3.connect(path)
    assert con.execute("pragma integrity_check").fetchall() == [("ok",)]
    assert con.execute("select count(*) from t").fetchone() == (301,)
    assert con.execute("select b from t where rowid = 100000").fetchone() == ("keep",)
    con.close()


DB = "/sim/spill.db"


@pytest.mark.parametrize("seed", range(8))
def test_power_cut_with_spills(tmp_path: Path, seed: int) -> None:
    rnd = random.Random(seed)
    vfs = SimulatedVfs(seed)

    def _open() -> Pager:
        return Pager.open(vfs.open(DB, readonly=False, create=True),
                          journal_path=DB + "-journal", wal_path=DB + "-wal", vfs=vfs)

    p = _open()
    p.set_page_size(1024)
    p.cache_size = 10
    p.begin_write()
    root = btree.create_table(p)
    add_schema(p, "table", "t", "t", root, "CREATE TABLE t(a)")
    p.commit()
    p.end_read()
    committed: dict[int, bytes] = {}
    vfs.cut_at_write = vfs.writes + rnd.randint(1, 400)
    spills = PROBES.get("spill", 0)
    try:
        for _ in range(12):
            p.begin_write()
            c = TableCursor(p, root)
            pending = dict(committed)
            for _ in range(rnd.randint(20, 120)):
                k = rnd.randint(1, 600)
                if rnd.random() < 0.3 and k in pending:
                    assert c.seek(k)
                    c.delete()
                    del pending[k]
                else:
                    v = rec.encode(["v" * rnd.randint(0, 1500)])
                    c.insert(k, v)
                    pending[k] = v
            if rnd.random() < 0.2:
                p.rollback()
            else:
                p.commit()
                committed = pending
            p.end_read()
    except DiskIOError:
        pass
    assert PROBES.get("spill", 0) > spills
    if vfs.powered:
        vfs.power_cut()
    vfs.reboot()
    p2 = _open()
    p2.begin_read()
    assert dict(iter_table(p2, root)) == committed
    p2.end_read()
    p2.close()
    image = tmp_path / "image.db"
    image.write_bytes(bytes(vfs.inodes[DB].durable))
    if DB + "-journal" in vfs.inodes:
        Path(str(image) + "-journal").write_bytes(bytes(vfs.inodes[DB + "-journal"].durable))
    con = sqlite3.connect(image)
    assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    assert {r[0]: r[1] for r in con.execute("select rowid, a from t")} == {
        k: rec.decode(v)[0] for k, v in committed.items()}
    con.close()


def test_spill_with_auto_vacuum_truncation(tmp_path: Path) -> None:
    path = tmp_path / "av.db"
    con = sqlite3.connect(path)
    con.execute("pragma page_size=1024")
    con.execute("pragma auto_vacuum=full")
    con.execute("create table t(a, b)")
    con.executemany("insert into t values(?, ?)", [(i, "w" * (i % 1500)) for i in range(1500)])
    con.commit()
    con.close()
    raw = path.read_bytes()
    p = open_pager(path)
    p.cache_size = CACHE
    p.begin_read()
    root = {r[1]: r[3] for r in schema_rows(p)}["t"]
    p.end_read()
    spills = PROBES.get("spill", 0)
    for finish in ("rollback", "commit"):
        p.begin_write()
        c = TableCursor(p, root)
        ok = c.first()
        n = 0
        while ok:
            n += 1
            if n % 10:
                c.delete()
                ok = c.valid and c.next()
            else:
                ok = c.next()
        if finish == "rollback":
            p.rollback()
            assert path.read_bytes() == raw
        else:
            p.commit()
        p.end_read()
    p.close()
    assert PROBES.get("spill", 0) > spills
    assert path.stat().st_size < len(raw) // 3
    con = sqlite3.connect(path)
    assert con.execute("pragma integrity_check").fetchall() == [("ok",)]
    assert con.execute("pragma freelist_count").fetchone() == (0,)
    assert con.execute("select count(*) from t").fetchone() == (150,)
    con.close()
