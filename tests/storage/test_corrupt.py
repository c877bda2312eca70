"""Hostile and damaged files: every failure is CorruptError or NotADatabaseError,
never IndexError, struct.error, RecursionError or a hang."""

from __future__ import annotations

import random
import sqlite3
import struct
from pathlib import Path

import pytest

from pyrite.errors import CorruptError, NotADatabaseError
from pyrite.storage import IndexCursor, TableCursor, iter_index, iter_table
from pyrite.storage.integrity import integrity_check

from .helpers import open_pager


def _base(path: Path) -> bytes:
    con = sqlite3.connect(path)
    con.execute("pragma page_size=512")
    con.execute("create table t(a, b)")
    con.execute("create index ti on t(a)")
    rnd = random.Random(0)
    con.executemany("insert into t values(?, ?)",
                    [(rnd.randint(0, 10**6), "x" * rnd.randint(0, 1500)) for _ in range(200)])
    con.execute("delete from t where rowid % 5 = 0")
    con.commit()
    con.close()
    return path.read_bytes()


def _read_everything(path: Path) -> None:
    p = open_pager(path)
    try:
        p.begin_read()
        for _ in iter_table(p, 1):
            pass
        for root in (2, 3):
            for _ in iter_table(p, root):
                pass
            for _ in iter_index(p, root):
                pass
            c = TableCursor(p, root)
            ok = c.last()
            while ok:
                c.payload()
                ok = c.prev()
            c.seek(77)
            ic = IndexCursor(p, root)
            ic.seek_ge((500000,))
        integrity_check(p, [(1, True), (2, True), (3, False)])
        p.end_read()
    finally:
        p.close()


def test_random_byte_damage(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    good = _base(path)
    rnd = random.Random(42)
    outcomes = {"ok": 0, "corrupt": 0}
    for _ in range(150):
        data = bytearray(good)
        for _ in range(rnd.randint(1, 20)):
            pos = rnd.randrange(100, len(data))
            data[pos] = rnd.randrange(256)
        path.write_bytes(bytes(data))
        try:
            _read_everything(path)
            outcomes["ok"] += 1
        except (CorruptError, NotADatabaseError):
            outcomes["corrupt"] += 1
    assert outcomes["corrupt"] > 0


def test_truncated_files(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    good = _base(path)
    for cut in (50, 100, 512, 513, 2000, len(good) // 2, len(good) - 1):
        path.write_bytes(good[:cut])
        try:
            _read_everything(path)
        except (CorruptError, NotADatabaseError):
            pass


def test_child_pointer_cycle(tmp_path: Path) -> None:
    path = tmp_path / "cy.db"
    good = bytearray(_base(path))
    # root of t (page 2) is interior: point its right child at itself
    assert good[512] == 5
    struct.pack_into(">I", good, 512 + 8, 2)
    path.write_bytes(bytes(good))
    with pytest.raises(CorruptError):
        _read_everything(path)


def test_overflow_cycle(tmp_path: Path) -> None:
    path = tmp_path / "ov.db"
    con = sqlite3.connect(path)
    con.execute("pragma page_size=512")
    con.execute("create table t(a)")
    con.execute("insert into t values(?)", ("y" * 5000,))
    con.commit()
    con.close()
    data = bytearray(path.read_bytes())
    # the first overflow page of the row: make it point to itself
    p = open_pager(path)
    p.begin_read()
    page = p.get_page(2)
    assert (page[3] << 8) | page[4] == 1
    p.close()
    first = None
    for pg in range(3, len(data) // 512 + 1):
        nxt = struct.unpack_from(">I", data, (pg - 1) * 512)[0]
        if nxt:
            first = pg
            break
    assert first is not None
    struct.pack_into(">I", data, (first - 1) * 512, first)
    path.write_bytes(bytes(data))
    p = open_pager(path)
    p.begin_read()
    with pytest.raises(CorruptError):
        list(iter_table(p, 2))
    p.close()


def test_freelist_cycle(tmp_path: Path) -> None:
    path = tmp_path / "fl.db"
    data = bytearray(_base(path))
    trunk = struct.unpack_from(">I", data, 32)[0]
    assert trunk
    struct.pack_into(">I", data, (trunk - 1) * 512, trunk)
    path.write_bytes(bytes(data))
    p = open_pager(path)
    p.begin_read()
    errs = integrity_check(p, [(1, True), (2, True), (3, False)])
    assert any("2nd reference" in e for e in errs)
    p.close()
