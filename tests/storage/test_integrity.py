"""integrity_check finds what sqlite3's finds: disorder, lost pages, double use; and
PRAGMA integrity_check / quick_check print what sqlite3 3.40.1 prints, row for row, for
a set of deliberately damaged files (headers, cell pointers, freeblocks, fragment
counts, freelist trunks and leaves, overflow chains, child pointers, pointer maps,
index entries, WITHOUT ROWID order, NOT NULL columns, record headers)."""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path
from typing import Any

import pytest

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
    assert "On tree page 2 cell 0: Rowid 2 out of order" in errs
    # beyond SQLite, asked for with a KeyInfo (sqlite3 finds it as a row missing from ti)
    assert "On tree page 3 cell 0: index keys out of order" in errs
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
    assert errs == ["2nd reference to page 2", f"Page {n} is never used"]
    assert integrity_check(p, [(1, True), (2, True), (3, False)], max_errors=1) == [
        f"Page {n} is never used"]
    assert integrity_check(p, [(2, True)], partial=True) == []
    p.close()


# -- PRAGMA output against sqlite3 ----------------------------------------------------------

def _base(path: Path, kind: str) -> None:
    con = sqlite3.connect(path)
    con.execute("pragma page_size=1024")
    if kind == "av":
        con.execute("pragma auto_vacuum=full")
    if kind in ("plain", "big", "many", "av"):
        con.execute("create table t(a, b)")
        con.execute("create index ti on t(a)")
        con.execute("create table u(x)")
        rows = 400 if kind == "many" else 40
        con.executemany("insert into t values(?, ?)", [
            (i, ("x" * (3000 if kind == "big" and i % 5 == 0 else 30)) + str(i))
            for i in range(rows)])
        con.executemany("insert into u values(?)", [(str(i) * 20,) for i in range(40)])
        con.execute("delete from u where rowid % 3 = 0")  # free space, freeblocks
        con.execute("create table junk(x)")
        con.executemany("insert into junk values(?)", [("j" * 500,) for _ in range(20)])
        con.execute("delete from junk")  # a freelist: a trunk and its leaves
    else:  # "schema": 15 tables (SQLite's schema hash buckets), rowid alias, UNIQUE,
        # collations, DESC, WITHOUT ROWID, expression and partial indexes
        con.execute("create table k(id integer primary key, a text not null, b unique, "
                    "c default 5)")
        con.execute("create index ka on k(a collate nocase, c desc)")
        con.execute("create table w(x, y, z, primary key(y, x)) without rowid")
        con.execute("create index wz on w(z)")
        for i in range(12):
            con.execute(f"create table tab{i}(v)")
            con.execute(f"insert into tab{i} values ({i})")
        con.executemany("insert into k(a, b) values(?, ?)",
                        [(f"N{i % 7}", i * 3) for i in range(60)])
        con.executemany("insert into w values(?, ?, ?)", [(i, -i, i % 5) for i in range(60)])
        con.execute("create table e(p, q)")
        con.execute("create index eq on e(p + q)")
        con.execute("create index ep on e(p) where q > 2")
        con.executemany("insert into e values(?, ?)", [(i, i % 5) for i in range(30)])
    con.commit()
    con.close()


PS = 1024


def _u16(d: bytearray, off: int) -> int:
    return int(struct.unpack_from(">H", d, off)[0])


def _u32(d: bytearray, off: int) -> int:
    return int(struct.unpack_from(">I", d, off)[0])


def _leaves(d: bytearray, root: int) -> list[int]:
    out: list[int] = []

    def visit(pg: int) -> None:
        b = (pg - 1) * PS
        if d[b] in (10, 13):
            out.append(pg)
            return
        for i in range(_u16(d, b + 3)):
            visit(_u32(d, b + _u16(d, b + 12 + 2 * i)))
        visit(_u32(d, b + 8))

    visit(root)
    return out


def _overflow_page(d: bytearray) -> int:
    n = len(d) // PS
    for pg in range(2, n + 1):
        b = (pg - 1) * PS
        if d[b] not in (2, 5, 10, 13) and 1 < _u32(d, b) <= n:
            return pg
    raise AssertionError("no overflow page")


def _swap_ptrs(d: bytearray, pg: int) -> None:
    b = (pg - 1) * PS + (8 if d[(pg - 1) * PS] in (10, 13) else 12)
    d[b:b + 2], d[b + 2:b + 4] = d[b + 2:b + 4], d[b:b + 2]


def _freeblock_in_gap(d: bytearray, pg: int) -> None:
    b = (pg - 1) * PS
    fb = _u16(d, b + 5) - 20
    struct.pack_into(">H", d, b + 1, fb)
    struct.pack_into(">HH", d, b + fb, 0, 20)


def _dup_unique(d: bytearray, r: dict[str, int]) -> None:
    b = (_leaves(d, r["sqlite_autoindex_k_1"])[0] - 1) * PS
    c3 = _u16(d, b + 8 + 6)
    assert d[b + c3:b + c3 + 5] == bytes([5, 3, 1, 1, 9])  # the entry (9, 4)
    d[b + c3 + 4] = 6  # now (6, 4): b=6 twice, and row 4 (b=9) has no entry


def _null_in_not_null(d: bytearray, r: dict[str, int]) -> None:
    b = (_leaves(d, r["k"])[0] - 1) * PS
    c = _u16(d, b + 8)
    # cell: payload size, rowid 1, then the record: header [5, NULL (the rowid alias),
    # 'N0' (17), 0 (8), 5 (1)], body b'N0\x05'
    assert d[b + c + 2:b + c + 7] == bytes([5, 0, 17, 8, 1])
    d[b + c + 4] = 0  # a: NULL (NOT NULL column)
    d[b + c + 5] = 2  # b: the two bytes 'N0' as an integer; the record stays well formed


def _leaf_ptr(d: bytearray, r: dict[str, int], name: str, i: int) -> int:
    return (_leaves(d, r[name])[0] - 1) * PS + 8 + 2 * i


CASES: dict[str, tuple[str, Any]] = {
    "clean": ("plain", lambda d, r: None),
    "page nobody uses": ("plain", lambda d, r: (d.extend(bytes(PS)),
                                                 struct.pack_into(">I", d, 28, len(d) // PS))),
    "cell pointers swapped": ("plain", lambda d, r: _swap_ptrs(d, r["u"])),
    "fragment count": ("plain", lambda d, r: d.__setitem__((r["u"] - 1) * PS + 7, 5)),
    "freelist count high": ("plain", lambda d, r: struct.pack_into(">I", d, 36, _u32(d, 36) + 2)),
    "freelist count low": ("plain", lambda d, r: struct.pack_into(">I", d, 36, _u32(d, 36) - 1)),
    "freelist trunk wild": ("plain", lambda d, r: struct.pack_into(">I", d, 32, 9999)),
    "freelist leaf count": ("plain", lambda d, r: struct.pack_into(
        ">I", d, (_u32(d, 32) - 1) * PS + 4, 100000)),
    "freelist leaf in use": ("plain", lambda d, r: struct.pack_into(
        ">I", d, (_u32(d, 32) - 1) * PS + 8, r["u"])),
    "cell pointer out of range": ("plain", lambda d, r: struct.pack_into(
        ">H", d, _leaf_ptr(d, r, "u", 1), 3)),
    "cells overlap": ("plain", lambda d, r: struct.pack_into(
        ">H", d, _leaf_ptr(d, r, "u", 1), _u16(d, _leaf_ptr(d, r, "u", 0)) + 2)),
    "leaf cells swapped": ("plain", lambda d, r: _swap_ptrs(d, _leaves(d, r["t"])[0])),
    "page type": ("plain", lambda d, r: d.__setitem__((r["ti"] - 1) * PS, 7)),
    "cell count": ("plain", lambda d, r: struct.pack_into(">H", d, (r["u"] - 1) * PS + 3, 0xFFF)),
    "freeblock off the end": ("plain", lambda d, r: struct.pack_into(
        ">H", d, (r["u"] - 1) * PS + 1, PS - 2)),
    "freeblock in the gap": ("plain", lambda d, r: _freeblock_in_gap(d, r["u"])),
    "content offset": ("plain", lambda d, r: struct.pack_into(">H", d, (r["u"] - 1) * PS + 5, 20)),
    "payload size": ("plain", lambda d, r: d.__setitem__(
        (r["u"] - 1) * PS + _u16(d, (r["u"] - 1) * PS + 8), 0x7F)),
    "overflow chain cut": ("big", lambda d, r: struct.pack_into(
        ">I", d, (_overflow_page(d) - 1) * PS, 0)),
    "overflow chain loop": ("big", lambda d, r: struct.pack_into(
        ">I", d, (_overflow_page(d) - 1) * PS, _overflow_page(d))),
    "right child wild": ("many", lambda d, r: struct.pack_into(">I", d, (r["t"] - 1) * PS + 8,
                                                                77777)),
    "two cells one child": ("many", lambda d, r: d.__setitem__(
        slice((r["t"] - 1) * PS + _u16(d, (r["t"] - 1) * PS + 14),
              (r["t"] - 1) * PS + _u16(d, (r["t"] - 1) * PS + 14) + 4),
        d[(r["t"] - 1) * PS + _u16(d, (r["t"] - 1) * PS + 12):][:4])),
    "interior rowid": ("many", lambda d, r: d.__setitem__(
        (r["t"] - 1) * PS + _u16(d, (r["t"] - 1) * PS + 12) + 4, 0x7F)),
    "pointer map entry": ("av", lambda d, r: d.__setitem__(slice(PS + 11, PS + 15),
                                                           (77).to_bytes(4, "big"))),
    "pointer map type": ("av", lambda d, r: d.__setitem__(PS + 15, 9)),
    "largest root page": ("av", lambda d, r: struct.pack_into(">I", d, 52, 2)),
    "incremental vacuum flag": ("plain", lambda d, r: struct.pack_into(">I", d, 64, 1)),
    "schema clean": ("schema", lambda d, r: None),
    "index entry lost": ("schema", lambda d, r: struct.pack_into(
        ">H", d, (_leaves(d, r["ka"])[0] - 1) * PS + 3,
        _u16(d, (_leaves(d, r["ka"])[0] - 1) * PS + 3) - 1)),
    "index entries swapped": ("schema", lambda d, r: _swap_ptrs(d, _leaves(d, r["ka"])[0])),
    "unique entry twice": ("schema", _dup_unique),
    "without rowid order": ("schema", lambda d, r: _swap_ptrs(d, _leaves(d, r["w"])[0])),
    "NULL in NOT NULL": ("schema", _null_in_not_null),
    "record header": ("schema", lambda d, r: d.__setitem__(
        (_leaves(d, r["k"])[-1] - 1) * PS + _u16(d, (_leaves(d, r["k"])[-1] - 1) * PS + 8) + 2,
        60)),
    "two tables, one root": ("schema", "tab3=tab8"),
}


def _rows(mod: Any, path: Path, sql: str) -> list[str] | str:
    try:
        con = mod.connect(str(path))
        try:
            return [r[0] for r in con.execute(sql)]
        finally:
            con.close()
    except mod.DatabaseError as exc:  # a damaged page stops the row walk in both
        return f"DatabaseError: {exc}"


@pytest.mark.parametrize("case", sorted(CASES))
def test_pragma_output_as_sqlite(tmp_path: Path, case: str) -> None:
    import pyrite

    kind, damage = CASES[case]
    path = tmp_path / "c.db"
    _base(path, kind)
    con = sqlite3.connect(path)
    r = dict(con.execute("select name, rootpage from sqlite_master"))
    if isinstance(damage, str):
        name, other = damage.split("=")
        con.execute("pragma writable_schema=1")
        con.execute("update sqlite_master set rootpage=? where name=?", (r[other], name))
        con.commit()
    con.close()
    if not isinstance(damage, str):
        data = bytearray(path.read_bytes())
        damage(data, r)
        path.write_bytes(bytes(data))
    table = "k" if kind == "schema" else "t"
    for sql in ("pragma integrity_check", "pragma quick_check", "pragma integrity_check(2)",
                "pragma quick_check(3)", f"pragma integrity_check({table})"):
        assert _rows(pyrite, path, sql) == _rows(sqlite3, path, sql), sql
