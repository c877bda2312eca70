"""The write path's shortcuts give the bytes the plain paths give: the append hint
(btree.table_locate), in-place replace/delete with the lane-wise pointer shift, the
incremental WAL frame checksum, and no WAL sync per commit at synchronous=NORMAL.
sqlite3 is the oracle: it reads the files pyrite wrote and checks their integrity."""

from __future__ import annotations

import os
import random
import sqlite3
import struct
from pathlib import Path
from typing import Any

import pytest

import pyrite
from pyrite.storage import btree
from pyrite.storage.wal import frame_checksum, wal_checksum


def _shift_reference(raw: bytes, n: int, off: int, delta: int) -> bytes:
    ptrs = [v + delta if v < off else v for v in struct.unpack(f">{n}H", raw)]
    return struct.pack(f">{n}H", *ptrs)


def test_shift_ptrs_matches_the_list_version() -> None:
    rng = random.Random(3)
    for _ in range(3000):
        n = rng.randrange(1, 300)
        usable = rng.choice([512, 1024, 4096, 32768])
        ptrs = [rng.randrange(0, usable) for _ in range(n)]
        raw = struct.pack(f">{n}H", *ptrs)
        off = rng.choice(ptrs)
        delta = rng.randrange(1, usable - off + 1)
        assert btree._shift_ptrs(raw, n, off, delta) == _shift_reference(raw, n, off, delta)
    bad = struct.pack(">3H", 10, 0x8001, 20)
    assert btree._shift_ptrs(bad, 3, 15, 4) is None


def test_frame_checksum_matches_a_full_fold() -> None:
    rng = random.Random(5)
    for ps in (512, 1024, 4096, 65536):
        for big in (False, True):
            data = bytearray(rng.randbytes(ps))
            for trial in range(12):
                for _ in range(rng.randrange(0, 12)):
                    data[rng.randrange(ps)] = rng.randrange(256)
                if trial == 7:
                    data = bytearray(rng.randbytes(ps))
                s1, s2 = rng.randrange(2**32), rng.randrange(2**32)
                fh8 = rng.randbytes(8)
                want = wal_checksum(bytes(data), *wal_checksum(fh8, s1, s2, big), big)
                key = ("test", ps, trial % 2)
                assert frame_checksum(fh8, bytes(data), s1, s2, big, key) == want


def _oracle(path: Path) -> tuple[list[Any], list[Any]]:
    con = sqlite3.connect(path)
    try:
        check = con.execute("PRAGMA integrity_check").fetchall()
        rows = {name: con.execute(f"SELECT * FROM {name} ORDER BY rowid").fetchall()
                for name in ("a", "b")}
        return check, [rows["a"], rows["b"]]
    finally:
        con.close()


@pytest.mark.parametrize("journal", ["wal", "delete"])
@pytest.mark.parametrize("page_size", [512, 4096])
def test_interleaved_writes_match_sqlite(tmp_path: Path, journal: str, page_size: int) -> None:
    rng = random.Random(page_size)
    ops: list[tuple[str, tuple[Any, ...]]] = [
        (f"PRAGMA page_size = {page_size}", ()),
        (f"PRAGMA journal_mode = {journal}", ()),
        ("CREATE TABLE a (id INTEGER PRIMARY KEY, s TEXT, v INTEGER, r REAL)", ()),
        ("CREATE TABLE b (x, y)", ()),
        ("BEGIN", ()),
    ]
    live: set[int] = set()
    for i in range(1, 1500):
        ops.append(("INSERT INTO a VALUES (?, ?, ?, ?)", (i, "s" * rng.randrange(0, 90), i * 7,
                                                           rng.random())))
        live.add(i)
        if i % 3 == 0:
            ops.append(("INSERT INTO b VALUES (?, ?)", (i, "t" * rng.randrange(0, 40))))
        if i % 5 == 0 and live:
            k = rng.choice(sorted(live))
            ops.append(("DELETE FROM a WHERE id = ?", (k,)))
            live.discard(k)
        if i % 4 == 0 and live:
            k = rng.choice(sorted(live))
            ops.append(("UPDATE a SET v = v + 1, s = ? WHERE id = ?",
                        ("u" * rng.randrange(0, 120), k)))
        if i % 7 == 0 and live:
            ops.append(("UPDATE a SET v = v + 1 WHERE id = ?", (rng.choice(sorted(live)),)))
        if i % 200 == 0:
            ops.append(("COMMIT", ()))
            ops.append(("BEGIN", ()))
    ops.append(("INSERT INTO a (s) VALUES ('after')", ()))  # a new rowid after the max
    ops.append(("COMMIT", ()))
    results = []
    for mod, name in ((pyrite, "p.db"), (sqlite3, "s.db")):
        path = tmp_path / name
        con = mod.connect(path, isolation_level=None)
        for sql, params in ops:
            con.execute(sql, params).fetchall()
        con.close()
        results.append(_oracle(path))
    assert results[0][0] == [("ok",)]
    assert results[0] == results[1]


def test_wal_normal_does_not_sync_each_commit(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    syncs = [0]
    real_fsync, real_fdatasync = os.fsync, os.fdatasync

    def fsync(fd: int) -> None:
        syncs[0] += 1
        real_fsync(fd)

    def fdatasync(fd: int) -> None:
        syncs[0] += 1
        real_fdatasync(fd)

    con = pyrite.connect(tmp_path / "w.db", isolation_level=None)
    con.execute("PRAGMA journal_mode = wal").fetchall()
    con.execute("CREATE TABLE t (x)")
    counts = {}
    for level in ("NORMAL", "FULL"):
        con.execute(f"PRAGMA synchronous = {level}")
        con.execute("INSERT INTO t VALUES (0)")  # a WAL started anew is synced: not counted
        monkeypatch.setattr(os, "fsync", fsync)
        monkeypatch.setattr(os, "fdatasync", fdatasync)
        syncs[0] = 0
        for i in range(20):
            con.execute("INSERT INTO t VALUES (?)", (i,))
        counts[level] = syncs[0]
        monkeypatch.undo()
    con.close()
    assert counts["NORMAL"] == 0
    assert counts["FULL"] >= 20
    check = sqlite3.connect(tmp_path / "w.db")
    assert check.execute("SELECT count(*) FROM t").fetchone() == (42,)
    check.close()


def test_rowid_statements_with_indexes_conflicts_and_triggers(tmp_path: Path) -> None:
    """UPDATE/DELETE by rowid (the writer's own lookup), with a UNIQUE index, a plain
    index, REPLACE/IGNORE conflicts and UPSERT: the same table as sqlite3's."""
    rng = random.Random(9)
    ops: list[tuple[str, tuple[Any, ...]]] = [
        ("CREATE TABLE c (id INTEGER PRIMARY KEY, u TEXT UNIQUE, v INTEGER, w REAL)", ()),
        ("CREATE INDEX c_v ON c(v)", ()),
        # (no UPDATE trigger: pyrite's UPSERT DO UPDATE does not fire one yet)
        ("BEGIN", ()),
    ]
    for i in range(1, 600):
        k = rng.randrange(1, 300)
        pick = rng.randrange(8)
        if pick == 0:
            ops.append(("INSERT OR REPLACE INTO c VALUES (?, ?, ?, ?)",
                        (k, f"u{rng.randrange(200)}", rng.randrange(50), rng.random())))
        elif pick == 1:
            ops.append(("INSERT INTO c VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                        "v = v + 1, w = excluded.w", (k, f"x{i}", i, -0.0)))
        elif pick == 2:
            ops.append(("UPDATE OR REPLACE c SET u = ? WHERE id = ?", (f"u{rng.randrange(200)}", k)))
        elif pick == 3:
            ops.append(("UPDATE OR IGNORE c SET u = ?, v = v * 2 WHERE id = ?",
                        (f"u{rng.randrange(200)}", k)))
        elif pick == 4:
            ops.append(("UPDATE c SET id = id + 1000 WHERE id = ?", (k,)))
        elif pick == 5:
            ops.append(("DELETE FROM c WHERE id = ?", (k,)))
        elif pick == 6:
            ops.append(("UPDATE c SET w = 0.0, v = ? WHERE id = ?", (str(rng.randrange(9)), k)))
        else:
            ops.append(("INSERT OR IGNORE INTO c (u, v) VALUES (?, ?)", (f"u{rng.randrange(200)}", i)))
    ops.append(("COMMIT", ()))
    outs = []
    for mod, name in ((pyrite, "p.db"), (sqlite3, "s.db")):
        path = tmp_path / name
        con = mod.connect(path, isolation_level=None)
        for sql, params in ops:
            con.execute(sql, params).fetchall()
        con.close()
        chk = sqlite3.connect(path)
        outs.append((chk.execute("PRAGMA integrity_check").fetchall(),
                     chk.execute("SELECT * FROM c ORDER BY id").fetchall()))
        chk.close()
    assert outs[0][0] == [("ok",)]
    assert outs[0] == outs[1]


def test_leaf_search_matches_a_bisect_over_the_leaf_rowids() -> None:
    """btree._leaf_search (inline varints, last cell first) against bisect over the
    rowids of a table leaf built here: rowids of every varint length, negative ones
    (9 bytes), payload sizes of one to three varint bytes."""
    import bisect

    from pyrite.storage.varint import put_varint

    rng = random.Random(11)
    for trial in range(300):
        pool = [rng.randrange(0, 128), rng.randrange(128, 2**14), rng.randrange(2**14, 2**21),
                rng.randrange(2**21, 2**40), rng.randrange(-2**63, 0), rng.randrange(2**56, 2**63)]
        rowids = sorted({rng.choice(pool) for _ in range(rng.randrange(0, 40))})
        page = bytearray(65536)
        ptr = 8
        end = len(page)
        offs = []
        for r in rowids:
            size = rng.choice([1, 100, 200, 20000])
            cell = put_varint(size) + put_varint(r) + bytes(min(size, 8))
            end -= len(cell)
            page[end:end + len(cell)] = cell
            offs.append(end)
        for i, off in enumerate(offs):  # cell i holds rowids[i]
            page[ptr + 2 * i:ptr + 2 * i + 2] = off.to_bytes(2, "big")
        probes = rowids + [r + 1 for r in rowids] + [r - 1 for r in rowids] + [
            rng.randrange(-2**63, 2**63) for _ in range(10)]
        for p in probes:
            lo = bisect.bisect_left(rowids, p)
            want = (lo, offs[lo] if lo < len(rowids) and rowids[lo] == p else -1)
            assert btree._leaf_search(bytes(page), ptr, len(rowids), p) == want, (trial, p)
