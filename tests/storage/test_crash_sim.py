"""Deterministic crash simulation (io/simulated.py): power is cut at a seeded write
during a run of transactions; after reboot the database opens, rolls back its hot
journal, holds exactly the committed transactions, and passes sqlite3's
integrity_check. A failing seed replays exactly: pytest -k "seed_N".
More seeds: PYRITE_LONG=1."""

from __future__ import annotations

import os
import random
import sqlite3
from pathlib import Path

import pytest

from pyrite.errors import DiskFullError, DiskIOError
from pyrite.io.simulated import SimulatedVfs
from pyrite.storage import Pager, TableCursor, btree, iter_table
from pyrite.storage import record as rec

from .helpers import add_schema

SEEDS = range(60 if os.environ.get("PYRITE_LONG") else 12)
DB = "/sim/test.db"


def _open(vfs: SimulatedVfs, mode: str = "delete") -> Pager:
    p = Pager.open(vfs.open(DB, readonly=False, create=True), journal_path=DB + "-journal",
                   wal_path=DB + "-wal", vfs=vfs)
    if mode != "delete":
        p.journal_mode = mode
    return p


def _contents(p: Pager, root: int) -> dict[int, bytes]:
    p.begin_read()
    out = dict(iter_table(p, root))
    p.end_read()
    return out


def _sqlite_check(vfs: SimulatedVfs, tmp_path: Path, want: dict[int, bytes]) -> None:
    path = tmp_path / "image.db"
    path.write_bytes(bytes(vfs.inodes[DB].durable))
    for suffix in ("-journal", "-wal"):
        if DB + suffix in vfs.inodes:
            Path(str(path) + suffix).write_bytes(bytes(vfs.inodes[DB + suffix].durable))
    con = sqlite3.connect(path)
    assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    got = {r[0]: r[1] for r in con.execute("select rowid, a from t")}
    assert got == {k: rec.decode(v)[0] for k, v in want.items()}
    con.close()


@pytest.mark.parametrize("mode", ["delete", "wal"])
@pytest.mark.parametrize("seed", SEEDS, ids=[f"seed_{s}" for s in SEEDS])
def test_power_cut(tmp_path: Path, seed: int, mode: str) -> None:
    rnd = random.Random(seed)
    vfs = SimulatedVfs(seed)
    p = _open(vfs, mode)
    p.set_page_size(1024)
    p.begin_write()
    root = btree.create_table(p)
    add_schema(p, "table", "t", "t", root, "CREATE TABLE t(a)")
    p.commit()
    p.end_read()
    committed: dict[int, bytes] = {}
    vfs.cut_at_write = vfs.writes + rnd.randint(1, 120)
    try:
        for _ in range(40):
            p.begin_write()
            c = TableCursor(p, root)
            pending = dict(committed)
            for _ in range(rnd.randint(1, 30)):
                k = rnd.randint(1, 400)
                if rnd.random() < 0.3 and k in pending:
                    c.seek(k)
                    c.delete()
                    del pending[k]
                else:
                    v = rec.encode(["v" * rnd.randint(0, 3000)])
                    c.insert(k, v)
                    pending[k] = v
            p.commit()
            committed = pending
            p.end_read()
    except DiskIOError:
        pass
    if vfs.powered:
        vfs.power_cut()  # the process dies at the end instead (its locks go with it)
    vfs.reboot()
    p2 = _open(vfs)
    assert _contents(p2, root) == committed
    p2.close()
    _sqlite_check(vfs, tmp_path, committed)


def test_disk_full_mid_commit_then_recover() -> None:
    vfs = SimulatedVfs(7)
    p = _open(vfs)
    p.begin_write()
    root = btree.create_table(p)
    add_schema(p, "table", "t", "t", root, "CREATE TABLE t(a)")
    c = TableCursor(p, root)
    for i in range(1, 200):
        c.insert(i, rec.encode(["x" * 500]))
    p.commit()
    p.end_read()
    before = _contents(p, root)
    vfs.fail_write_at = vfs.writes + 5
    vfs.fail_error = DiskFullError
    p.begin_write()
    for i in range(1, 200):
        TableCursor(p, root).insert(i, rec.encode(["y" * 900]))
    with pytest.raises(DiskFullError):
        p.commit()
    vfs.fail_write_at = None
    assert _contents(p, root) == before
    p.close()
