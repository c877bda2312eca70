"""WAL databases: reading committed frames left in a -wal file (valid prefix only),
then writing (pyrite checkpoints the WAL first and holds an EXCLUSIVE lock)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from pyrite.storage import TableCursor, iter_table
from pyrite.storage import record as rec
from pyrite.storage.pager import PROBES

from .helpers import open_pager, schema_rows

_WAL_WRITER = textwrap.dedent("""
    import os, sqlite3, sys
    con = sqlite3.connect(sys.argv[1], isolation_level=None)
    con.execute("pragma journal_mode=wal")
    con.execute("pragma wal_autocheckpoint=0")
    con.execute("create table t(a, b)")
    for i in range(int(sys.argv[2])):
        con.execute("insert into t values(?, ?)", (i, "w" * (i % 3000)))
    con.execute("begin")
    con.execute("insert into t values(-1, 'uncommitted')")
    os._exit(0)   # leave the WAL un-checkpointed, with an open transaction's frames absent
""")


def _make_wal_db(path: Path, n: int) -> None:
    subprocess.run([sys.executable, "-c", _WAL_WRITER, str(path), str(n)], check=True)
    assert os.path.getsize(str(path) + "-wal") > 0


def test_read_frames_from_wal(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    _make_wal_db(path, 300)
    before = PROBES.get("wal_frames_read", 0)
    p = open_pager(path, readonly=True)
    p.begin_read()
    assert PROBES.get("wal_frames_read", 0) == before + 1
    root = {r[1]: r[3] for r in schema_rows(p)}["t"]
    got = [rec.decode(pl) for _, pl in iter_table(p, root)]
    assert got == [[i, "w" * (i % 3000)] for i in range(300)]
    p.end_read()
    p.close()


def test_truncated_wal_keeps_valid_prefix(tmp_path: Path) -> None:
    path = tmp_path / "tw.db"
    _make_wal_db(path, 50)
    wal = str(path) + "-wal"
    size = os.path.getsize(wal)
    page = 4096 + 24
    with open(wal, "r+b") as f:
        f.truncate(size - page // 2)  # a torn last frame
    p = open_pager(path, readonly=True)
    p.begin_read()
    root = {r[1]: r[3] for r in schema_rows(p)}["t"]
    got = [rec.decode(pl)[0] for _, pl in iter_table(p, root)]
    p.end_read()
    p.close()
    assert got == list(range(len(got))) and 40 <= len(got) <= 50


def test_write_wal_database_then_sqlite_reads(tmp_path: Path) -> None:
    path = tmp_path / "ww.db"
    _make_wal_db(path, 100)
    p = open_pager(path)
    p.begin_write()
    root = {r[1]: r[3] for r in schema_rows(p)}["t"]
    TableCursor(p, root).insert(1000, rec.encode(["pyrite", "row"]))
    p.commit()
    assert p.journal_mode == "wal"
    p.close()
    assert not os.path.exists(str(path) + "-wal")
    con = sqlite3.connect(path)
    assert con.execute("pragma journal_mode").fetchone() == ("wal",)
    assert con.execute("select count(*) from t").fetchone() == (101,)
    assert con.execute("select a from t where rowid = 1000").fetchone() == ("pyrite",)
    assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    con.close()


def test_wal_database_open_in_sqlite_is_busy(tmp_path: Path) -> None:
    """P6: pyrite takes EXCLUSIVE on a WAL database, so a live sqlite3 connection excludes it."""
    import pytest

    from pyrite.errors import BusyError

    path = tmp_path / "busy.db"
    _make_wal_db(path, 5)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3,sys\ncon=sqlite3.connect(sys.argv[1])\n"
         "con.execute('select count(*) from t').fetchall()\nprint('open', flush=True)\n"
         "sys.stdin.readline()", str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        p = open_pager(path, readonly=True)
        with pytest.raises(BusyError):
            p.begin_read()
        p.close()
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=10)


def _copy_crash_image(src: Path, dst: Path) -> None:
    import shutil

    shutil.copy(src, dst)
    shutil.copy(str(src) + "-wal", str(dst) + "-wal")


def test_pyrite_wal_frames_recovered_by_sqlite(tmp_path: Path) -> None:
    from .helpers import create_table

    path = tmp_path / "pw.db"
    p = open_pager(path)
    p.journal_mode = "wal"
    assert p.journal_mode == "wal"
    p.begin_write()
    root = create_table(p, "t")
    p.commit()
    before = PROBES.get("wal_commit", 0)
    for k in range(20):
        p.begin_write()
        c = TableCursor(p, root)
        for i in range(k * 50, k * 50 + 50):
            c.insert(i + 1, rec.encode([i, "f" * (i % 700)]))
        p.commit()
    assert PROBES.get("wal_commit", 0) == before + 20
    p.begin_write()
    TableCursor(p, root).insert(5000, rec.encode(["never committed", ""]))
    # A crash now: the database file is stale, the WAL holds 21 commits.
    _copy_crash_image(path, tmp_path / "crash.db")
    p.rollback()
    p.close()
    assert not os.path.exists(str(path) + "-wal")  # checkpointed on close
    for db in (path, tmp_path / "crash.db"):
        con = sqlite3.connect(db)
        assert con.execute("pragma journal_mode").fetchone() == ("wal",)
        assert con.execute("pragma integrity_check").fetchone() == ("ok",)
        assert con.execute("select count(*), max(rowid) from t").fetchone() == (1000, 1000)
        con.close()
    # and pyrite reads its own crash image
    p = open_pager(tmp_path / "crash.db", readonly=True)
    p.begin_read()
    assert sum(1 for _ in iter_table(p, root)) == 1000
    p.close()


def test_wal_autocheckpoint_and_leaving_wal(tmp_path: Path) -> None:
    from .helpers import create_table

    path = tmp_path / "ac.db"
    p = open_pager(path)
    p.synchronous = 0
    p.journal_mode = "wal"
    p.begin_write()
    root = create_table(p, "t")
    p.commit()
    before = PROBES.get("wal_checkpoint", 0)
    n = 1100  # one frame per commit (page 1 is not rewritten): past the 1000-frame mark
    for i in range(1, n):
        p.begin_write()
        TableCursor(p, root).insert(i, rec.encode([i]))
        p.commit()
    assert PROBES.get("wal_checkpoint", 0) > before
    p.journal_mode = "delete"
    assert p.journal_mode == "delete"
    assert not os.path.exists(str(path) + "-wal")
    p.begin_write()
    TableCursor(p, root).insert(n, rec.encode([n]))
    p.commit()
    p.close()
    con = sqlite3.connect(path)
    assert con.execute("pragma journal_mode").fetchone() == ("delete",)
    assert con.execute("select count(*), sum(a) from t").fetchone() == (n, n * (n + 1) // 2)
    assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    con.close()
