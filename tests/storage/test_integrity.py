"""integrity_check finds what sqlite3's finds: disorder, lost pages, double use."""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path

from pyrite.storage import KeyInfo
from pyrite.storage.integrity import integrity_check

from .helpers import open_pager, roots


def _db(path: Path) -> bytearray:
    con = sqlite3.connect(path)
    con.execute("pragma page_size=512")
    con.execute("create table t(a)")
    con.execute("create index ti on t(a)")
    con.executemany("insert into t values(?)", [(i,) for i in range(10)])
    con.commit()
    con.close()
    return bytearray(path.read_bytes())


def test_clean_file_is_ok(tmp_path: Path) -> None:
    path = tmp_path / "ok.db"
    _db(path)
    p = open_pager(path)
    p.begin_read()
    assert integrity_check(p, roots(p), {3: KeyInfo()}) == []
    p.close()


def test_swapped_cells_reported(tmp_path: Path) -> None:
    path = tmp_path / "sw.db"
    data = _db(path)
    for root in (2, 3):
        base = (root - 1) * 512
        a, b = base + 8, base + 10
        data[a:a + 2], data[b:b + 2] = data[b:b + 2], data[a:a + 2]
    path.write_bytes(bytes(data))
    p = open_pager(path)
    p.begin_read()
    errs = integrity_check(p, [(1, True), (2, True), (3, False)], {3: KeyInfo()})
    assert any("Rowid" in e and "out of order" in e for e in errs)
    assert any("index keys out of order" in e for e in errs)
    p.close()
    con = sqlite3.connect(path)
    assert con.execute("pragma integrity_check").fetchone() != ("ok",)
    con.close()


def test_lost_and_doubly_used_pages(tmp_path: Path) -> None:
    path = tmp_path / "lost.db"
    data = _db(path)
    data += bytes(512)  # an extra page nobody references
    struct.pack_into(">I", data, 28, len(data) // 512)
    path.write_bytes(bytes(data))
    p = open_pager(path)
    p.begin_read()
    n = p.page_count
    errs = integrity_check(p, [(1, True), (2, True), (3, False), (2, True)])
    assert f"Page {n}: never used" in errs
    p.close()
