"""Reading files written by sqlite3: every page size, overflow, indexes, WITHOUT ROWID,
freelists; cursor movement in both directions; corrupt input raises CorruptError."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from pyrite.storage import (
    IndexCursor,
    KeyInfo,
    TableCursor,
    iter_index,
    iter_table,
    iter_table_from,
)
from pyrite.storage import record as rec
from pyrite.storage.freelist import freelist_pages
from pyrite.storage.integrity import integrity_check

from .helpers import open_pager, roots, schema_rows

PAGE_SIZES = [512, 1024, 2048, 4096, 8192, 16384, 32768, 65536]


def _make(path: Path, page_size: int, seed: int = 0) -> list[tuple[int, object, object]]:
    rnd = random.Random(seed)
    con = sqlite3.connect(path)
    con.execute(f"pragma page_size={page_size}")
    con.execute("create table t(a, b, c)")
    con.execute("create index ta on t(a)")
    con.execute("create index tbc on t(b, c desc)")
    con.execute("create table w(k text primary key, v) without rowid")
    rows = []
    for i in range(1, 400):
        a = rnd.choice([None, rnd.randint(-10**12, 10**12), rnd.random(), "s" * rnd.randint(0, 40)])
        b = rnd.choice(["x" * rnd.randint(0, page_size * 3), b"\x01" * rnd.randint(0, 2000),
                        rnd.randint(0, 5)])
        rows.append((i * 3, a, b))
        con.execute("insert into t(rowid, a, b, c) values(?,?,?,?)", (i * 3, a, b, i))
        con.execute("insert into w values(?,?)", (f"k{rnd.randint(0, 10**9)}-{i}", b))
    con.commit()
    con.close()
    return rows


@pytest.mark.parametrize("page_size", PAGE_SIZES)
def test_every_page_size(tmp_path: Path, page_size: int) -> None:
    path = tmp_path / "p.db"
    rows = _make(path, page_size)
    p = open_pager(path)
    p.begin_read()
    assert p.page_size == page_size
    sch = {r[1]: r for r in schema_rows(p)}
    got = [(rid, *rec.decode(pl)[:2]) for rid, pl in iter_table(p, sch["t"][3])]
    assert got == rows
    con = sqlite3.connect(path)
    want_a = con.execute("select a, rowid from t indexed by ta order by a, rowid").fetchall()
    assert list(iter_index(p, sch["ta"][3])) == want_a
    want_w = con.execute("select k, v from w order by k").fetchall()
    assert list(iter_index(p, sch["sqlite_autoindex_w_1"][3] if "sqlite_autoindex_w_1" in sch
                           else sch["w"][3])) == want_w
    con.close()
    desc = {sch["tbc"][3]: KeyInfo((None, None), (False, True))}
    assert integrity_check(p, roots(p), desc) == []
    p.end_read()


def test_cursor_moves_both_ways(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    rows = _make(path, 1024, seed=3)
    p = open_pager(path)
    p.begin_read()
    root = {r[1]: r[3] for r in schema_rows(p)}["t"]
    c = TableCursor(p, root)
    ids = [r[0] for r in rows]
    got = []
    ok = c.last()
    while ok:
        got.append(c.rowid)
        ok = c.prev()
    assert got == ids[::-1]
    assert c.seek(30) and c.rowid == 30
    assert not c.seek(31)
    assert c.seek_ge(31) and c.rowid == 33
    assert c.seek_le(31) and c.rowid == 30
    assert not c.seek_ge(10**9)
    assert c.max_rowid() == ids[-1]
    assert [r for r, _ in iter_table_from(p, root, 100)] == [i for i in ids if i >= 100]
    p.end_read()


def test_index_cursor_seek_and_reverse(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    con = sqlite3.connect(path)
    con.execute("pragma page_size=512")
    con.execute("create table t(a, b)")
    con.execute("create index ti on t(a, b)")
    data = [(i % 37, "v" * (i % 50) + str(i)) for i in range(3000)]
    con.executemany("insert into t values(?,?)", data)
    con.commit()
    want = con.execute("select a, b, rowid from t order by a, b, rowid").fetchall()
    con.close()
    p = open_pager(path)
    p.begin_read()
    root = {r[1]: r[3] for r in schema_rows(p)}["ti"]
    assert list(iter_index(p, root)) == want
    assert list(iter_index(p, root, reverse=True)) == want[::-1]
    lo = [w for w in want if 5 <= w[0] < 9]
    assert list(iter_index(p, root, lo=(5,), hi=(9,), hi_incl=False)) == lo
    assert list(iter_index(p, root, lo=(5,), hi=(9,), hi_incl=False, reverse=True)) == lo[::-1]
    c = IndexCursor(p, root)
    assert c.seek_ge((10,)) and c.values()[0] == 10
    assert c.seek_ge((10,), inclusive=False) and c.values()[0] == 11
    assert c.seek_le((10,)) and c.values() == max(w for w in want if w[0] == 10)
    assert c.seek_le((10,), inclusive=False) and c.values() == max(w for w in want if w[0] < 10)
    assert not c.seek_ge((100,))
    assert not c.seek_le((-1,))
    p.end_read()


def test_freelist_after_deletes(tmp_path: Path) -> None:
    path = tmp_path / "f.db"
    con = sqlite3.connect(path)
    con.execute("pragma page_size=512")
    con.execute("create table t(a)")
    con.executemany("insert into t values(?)", [("z" * 3000,) for _ in range(300)])
    con.commit()
    con.execute("delete from t where rowid % 3 != 0")
    con.commit()
    nfree = con.execute("pragma freelist_count").fetchone()[0]
    con.close()
    assert nfree > 100
    p = open_pager(path)
    p.begin_read()
    assert len(freelist_pages(p)) == nfree == p.header_get("freelist_count")
    assert integrity_check(p, roots(p)) == []
    root = {r[1]: r[3] for r in schema_rows(p)}["t"]
    assert [r for r, _ in iter_table(p, root)] == list(range(3, 301, 3))
    p.end_read()


def test_many_tables(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    con = sqlite3.connect(path)
    for i in range(120):
        con.execute(f"create table t{i}(a, b default 'x{'y' * i}')")
        con.execute(f"insert into t{i}(a) values({i})")
    con.commit()
    con.close()
    p = open_pager(path)
    p.begin_read()
    sch = schema_rows(p)
    assert len(sch) == 120
    for _typ, name, _t, root, _sql in sch:
        assert [rec.decode(pl)[0] for _, pl in iter_table(p, root)] == [int(name[1:])]
    p.end_read()


def test_empty_file_is_empty_database(tmp_path: Path) -> None:
    path = tmp_path / "e.db"
    path.write_bytes(b"")
    p = open_pager(path)
    p.begin_read()
    assert p.page_count == 0
    assert list(iter_table(p, 1)) == []
    p.end_read()


def test_auto_vacuum_file_reads_and_writes(tmp_path: Path) -> None:
    path = tmp_path / "av.db"
    con = sqlite3.connect(path)
    con.execute("pragma auto_vacuum=full")
    con.execute("pragma page_size=512")
    con.execute("create table t(a)")
    con.executemany("insert into t values(?)", [("a" * 700,)] * 300)
    con.commit()
    con.close()
    p = open_pager(path)
    p.begin_read()
    assert p.header_get("auto_vacuum") != 0
    root = {r[1]: r[3] for r in schema_rows(p)}["t"]
    assert sum(1 for _ in iter_table(p, root)) == 300
    assert integrity_check(p, roots(p)) == []
    p.begin_write()  # pointer maps are kept since auto_vacuum writes landed
    p.rollback()
    p.end_read()


@pytest.mark.parametrize("enc,codec", [("UTF-16le", "utf-16-le"), ("UTF-16be", "utf-16-be")])
def test_utf16_database(tmp_path: Path, enc: str, codec: str) -> None:
    path = tmp_path / "u.db"
    con = sqlite3.connect(path)
    con.execute(f"pragma encoding='{enc}'")
    con.execute("create table t(a)")
    con.execute("create index ti on t(a)")
    con.executemany("insert into t values(?)", [("héllo",), ("wörld",), ("a",)])
    con.commit()
    con.close()
    p = open_pager(path)
    p.begin_read()
    assert p.text_encoding == codec
    sch = {r[1]: r[3] for r in (rec.decode(pl, codec) for _, pl in iter_table(p, 1))}
    assert [rec.decode(pl, codec) for _, pl in iter_table(p, sch["t"])] == [
        ["héllo"], ["wörld"], ["a"]]
    assert list(iter_index(p, sch["ti"])) == [("a", 3), ("héllo", 1), ("wörld", 2)]
    p.end_read()


def test_read_schema(tmp_path: Path) -> None:
    from pyrite.storage import read_schema

    path = tmp_path / "sch.db"
    con = sqlite3.connect(path)
    con.execute("create table t(a primary key, b)")
    con.execute("create view v as select 1")
    con.commit()
    con.close()
    p = open_pager(path)
    p.begin_read()
    rows = read_schema(p)
    p.end_read()
    assert [(r.type, r.name, r.tbl_name, r.sql is None) for r in rows] == [
        ("table", "t", "t", False), ("index", "sqlite_autoindex_t_1", "t", True),
        ("view", "v", "v", False)]
    assert rows[0].rootpage == 2 and rows[2].rootpage == 0
