"""Pager transactions against a real sqlite3 on the same file: commits both ways,
journal format and hot-journal rollback, locks and BusyError, savepoints, cache."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pyrite.errors import BusyError, NotADatabaseError, ReadOnlyError
from pyrite.storage import TableCursor, iter_table
from pyrite.storage import record as rec
from pyrite.storage.pager import PROBES

from .helpers import create_table, open_pager, schema_rows


def _rows(p: object, root: int) -> list[tuple[int, list[object]]]:
    return [(r, rec.decode(pl)) for r, pl in iter_table(p, root)]  # type: ignore[arg-type]


def test_commits_visible_both_ways(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("create table t(a)")
    con.execute("insert into t values('from sqlite')")
    p = open_pager(path)
    p.begin_read()
    root = {r[1]: r[3] for r in schema_rows(p)}["t"]
    assert _rows(p, root) == [(1, ["from sqlite"])]
    p.end_read()
    p.begin_write()
    TableCursor(p, root).insert(2, rec.encode(["from pyrite"]))
    p.commit()
    p.end_read()
    assert not os.path.exists(str(path) + "-journal")
    assert con.execute("select a from t order by rowid").fetchall() == [
        ("from sqlite",), ("from pyrite",)]
    con.execute("insert into t values('again')")
    p.begin_read()  # P5: the change counter moved, the cache is dropped
    assert [r[1][0] for r in _rows(p, root)] == ["from sqlite", "from pyrite", "again"]
    p.end_read()
    assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    con.close()
    p.close()


def test_header_fields_after_commit(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    p = open_pager(path)
    p.begin_write()
    create_table(p, "t")
    p.header_set("user_version", 42)
    p.header_set("application_id", 0x1234)
    p.commit()
    cc = p.header_get("change_counter")
    assert p.header_get("version_valid_for") == cc
    assert p.header_get("page_count") == p.page_count == 2
    p.close()
    con = sqlite3.connect(path)
    assert con.execute("pragma user_version").fetchone() == (42,)
    assert con.execute("pragma application_id").fetchone() == (0x1234,)
    assert con.execute("pragma page_count").fetchone() == (2,)
    con.close()


def test_rollback_forgets_everything(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    p = open_pager(path)
    p.begin_write()
    root = create_table(p, "t")
    p.commit()
    p.begin_write()
    c = TableCursor(p, root)
    for i in range(1, 500):
        c.insert(i, rec.encode(["x" * 300]))
    p.rollback()
    assert _rows(p, root) == []
    assert p.page_count == 2
    p.close()
    con = sqlite3.connect(path)
    assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    con.close()


def test_savepoints_nested(tmp_path: Path) -> None:
    p = open_pager(tmp_path / "s.db")
    p.begin_write()
    root = create_table(p, "t")
    c = TableCursor(p, root)
    c.insert(1, rec.encode(["one"]))
    s1 = p.savepoint_begin()
    for i in range(2, 300):
        c.insert(i, rec.encode(["two" * 40]))
    s2 = p.savepoint_begin()
    c.insert(1000, rec.encode(["three"]))
    p.savepoint_rollback(s2)
    assert [r for r, _ in _rows(p, root)] == list(range(1, 300))
    c.insert(1001, rec.encode(["four"]))
    p.savepoint_release(s2)
    p.savepoint_rollback(s1)
    assert _rows(p, root) == [(1, ["one"])]
    p.savepoint_release(s1)
    p.commit()
    assert _rows(p, root) == [(1, ["one"])]
    p.close()
    con = sqlite3.connect(tmp_path / "s.db")
    assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    con.close()


@pytest.mark.parametrize("mode", ["delete", "truncate", "persist", "memory", "off"])
def test_journal_modes(tmp_path: Path, mode: str) -> None:
    path = tmp_path / "j.db"
    p = open_pager(path)
    p.journal_mode = mode
    assert p.journal_mode == mode
    p.begin_write()
    root = create_table(p, "t")
    p.commit()
    for k in range(3):
        p.begin_write()
        TableCursor(p, root).insert(k + 1, rec.encode([k]))
        p.commit()
    p.close()
    jp = str(path) + "-journal"
    if mode in ("truncate", "persist"):
        assert os.path.exists(jp)
        if mode == "truncate":
            assert os.path.getsize(jp) == 0
    else:
        assert not os.path.exists(jp)
    con = sqlite3.connect(path)
    assert con.execute("select a from t").fetchall() == [(0,), (1,), (2,)]
    con.close()


_HOT_JOURNAL_WRITER = textwrap.dedent("""
    import os, sqlite3, sys
    con = sqlite3.connect(sys.argv[1], isolation_level=None)
    con.execute("pragma cache_size=5")
    con.execute("begin")
    con.execute("update t set a = 'changed-' || a")
    con.executemany("insert into t values(?)", [("new" * 200,)] * 300)
    os._exit(0)   # die mid-transaction: pages already spilled, the journal is hot
""")


def test_hot_journal_is_rolled_back(tmp_path: Path) -> None:
    path = tmp_path / "hot.db"
    con = sqlite3.connect(path)
    con.execute("pragma page_size=1024")
    con.execute("create table t(a)")
    con.executemany("insert into t values(?)", [(f"orig{i}" + "o" * 300,) for i in range(200)])
    con.commit()
    want = con.execute("select rowid, a from t").fetchall()
    con.close()
    before = open(path, "rb").read()
    subprocess.run([sys.executable, "-c", _HOT_JOURNAL_WRITER, str(path)], check=True)
    assert os.path.exists(str(path) + "-journal")
    assert open(path, "rb").read() != before  # the dead writer did overwrite pages
    probes = PROBES.get("hot_journal_rollback", 0)
    p = open_pager(path)
    p.begin_read()
    assert PROBES.get("hot_journal_rollback", 0) == probes + 1
    root = {r[1]: r[3] for r in schema_rows(p)}["t"]
    assert [(r, v[0]) for r, v in _rows(p, root)] == want
    p.end_read()
    p.close()
    assert not os.path.exists(str(path) + "-journal")
    assert open(path, "rb").read() == before
    con = sqlite3.connect(path)
    assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    con.close()


def test_pyrite_journal_is_read_by_sqlite(tmp_path: Path) -> None:
    """A journal pyrite writes (left as if pyrite died after writing the database) is a
    hot journal that sqlite3 rolls back."""
    path = tmp_path / "pj.db"
    con = sqlite3.connect(path)
    con.execute("create table t(a)")
    con.executemany("insert into t values(?)", [("v" * 500,)] * 50)
    con.commit()
    want = con.execute("select count(*), sum(length(a)) from t").fetchone()
    con.close()
    p = open_pager(path)
    p.journal_mode = "persist"
    p.begin_write()
    root = {r[1]: r[3] for r in schema_rows(p)}["t"]
    c = TableCursor(p, root)
    for i in range(51, 400):
        c.insert(i, rec.encode(["w" * 700]))
    c.seek(1)
    c.delete()
    jp = str(path) + "-journal"
    # Keep a copy of the synced journal, then restore it after commit: a crash image.
    real_finish = p._finish_journal
    saved: list[bytes] = []

    def keep(jf: object, mode: str) -> None:
        saved.append(open(jp, "rb").read())
        real_finish(jf, mode)  # type: ignore[arg-type]

    p._finish_journal = keep  # type: ignore[method-assign]
    p.commit()
    p.close()
    with open(jp, "wb") as f:
        f.write(saved[0])
    con = sqlite3.connect(path)
    assert con.execute("select count(*), sum(length(a)) from t").fetchone() == want
    assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    con.close()


_LOCK_HOLDER = textwrap.dedent("""
    import sqlite3, sys, time
    con = sqlite3.connect(sys.argv[1], isolation_level=None)
    con.execute(sys.argv[2])
    if sys.argv[2].startswith("begin"):
        con.execute("select * from t").fetchall()
        if "immediate" in sys.argv[2] or "exclusive" in sys.argv[2]:
            con.execute("insert into t values(1)")
    print("locked", flush=True)
    sys.stdin.readline()
""")


def _hold(path: Path, sql: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", _LOCK_HOLDER, str(path), sql],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def _release(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None
    proc.stdin.write("\n")
    proc.stdin.flush()
    proc.wait(timeout=10)


def test_busy_when_sqlite_writes(tmp_path: Path) -> None:
    path = tmp_path / "b.db"
    con = sqlite3.connect(path)
    con.execute("create table t(a)")
    con.commit()
    con.close()
    p = open_pager(path)
    holder = _hold(path, "begin immediate")
    try:
        p.begin_read()
        with pytest.raises(BusyError):
            p.begin_write()
        p.end_read()
    finally:
        _release(holder)
    holder = _hold(path, "begin exclusive")
    try:
        with pytest.raises(BusyError):
            p.begin_read()
    finally:
        _release(holder)
    p.begin_write()
    p.rollback()
    p.close()


def test_busy_commit_while_sqlite_reads(tmp_path: Path) -> None:
    path = tmp_path / "b2.db"
    con = sqlite3.connect(path)
    con.execute("create table t(a)")
    con.commit()
    con.close()
    p = open_pager(path)
    p.begin_write()
    root = {r[1]: r[3] for r in schema_rows(p)}["t"]
    TableCursor(p, root).insert(1, rec.encode(["x"]))
    reader = _hold(path, "begin")
    try:
        with pytest.raises(BusyError):
            p.commit()
    finally:
        _release(reader)
    p.commit()
    p.close()
    con = sqlite3.connect(path)
    assert con.execute("select a from t").fetchall() == [("x",)]
    con.close()


def test_sqlite_blocked_while_pyrite_writes(tmp_path: Path) -> None:
    path = tmp_path / "b3.db"
    con = sqlite3.connect(path)
    con.execute("create table t(a)")
    con.commit()
    con.close()
    p = open_pager(path)
    p.begin_write()
    out = subprocess.run(
        [sys.executable, "-c",
         "import sqlite3,sys\ncon=sqlite3.connect(sys.argv[1], timeout=0)\n"
         "try:\n con.execute('insert into t values(1)'); con.commit(); print('wrote')\n"
         "except sqlite3.OperationalError as e: print(e)", str(path)],
        capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "database is locked"
    p.rollback()
    p.close()


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    path.write_bytes(b"hello world, this is not sqlite" * 100)
    p = open_pager(path)  # like sqlite3.connect: opening succeeds, the first read fails
    with pytest.raises(NotADatabaseError):
        p.begin_read()
    assert not p.in_read
    p.close()


def test_readonly_pager_refuses_write(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    con = sqlite3.connect(path)
    con.execute("create table t(a)")
    con.commit()
    con.close()
    p = open_pager(path, readonly=True)
    with pytest.raises(ReadOnlyError):
        p.begin_write()
    p.close()


def test_small_cache_evicts_clean_pages(tmp_path: Path) -> None:
    path = tmp_path / "cache.db"
    con = sqlite3.connect(path)
    con.execute("pragma page_size=512")
    con.execute("create table t(a)")
    con.executemany("insert into t values(?)", [("c" * 400,)] * 2000)
    con.commit()
    con.close()
    p = open_pager(path)
    p.cache_size = 20
    p.begin_read()
    root = {r[1]: r[3] for r in schema_rows(p)}["t"]
    assert sum(1 for _ in iter_table(p, root)) == 2000
    assert len(p._cache) <= 21
    p.end_read()
    p.close()


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_savepoint_images_spill_to_the_subjournal(tmp_path: Path, journal: str) -> None:
    """P10: past cache_size images a savepoint keeps the rest in the sub-journal (a
    temporary file); rollback to it reads them back, nested savepoints share it."""
    path = tmp_path / "sj.db"
    p = open_pager(path)
    p.set_page_size(1024)
    if journal == "wal":
        p.journal_mode = "wal"
    p.begin_write()
    root = create_table(p, "t")
    c = TableCursor(p, root)
    for i in range(1, 400):
        c.insert(i, rec.encode([i, "a" * 300]))
    p.commit()
    p.end_read()
    before = _rows(p, root)
    p.cache_size = 10
    written = PROBES.get("subjournal_write", 0)
    p.begin_write()
    c = TableCursor(p, root)
    s1 = p.savepoint_begin()
    for i in range(1, 400, 2):
        c.insert(i, rec.encode([i, "b" * 300]))
    s2 = p.savepoint_begin()
    for i in range(2, 400, 2):
        c.delete() if c.seek(i) else None
    for i in range(400, 600):
        c.insert(i, rec.encode([i, "c" * 300]))
    assert PROBES.get("subjournal_write", 0) - written > 50  # most images went to the file
    p.savepoint_rollback(s2)
    odd = [(i, [i, ("b" if i % 2 else "a") * 300]) for i in range(1, 400)]
    assert _rows(p, root) == odd
    p.savepoint_release(s2)
    p.savepoint_rollback(s1)
    assert _rows(p, root) == before
    for i in range(1, 50):
        c.insert(i, rec.encode([i, "d" * 300]))
    p.savepoint_release(s1)
    p.commit()
    p.end_read()
    want = [(i, [i, ("d" if i < 50 else "a") * 300]) for i in range(1, 400)]
    assert _rows(p, root) == want
    p.close()
    con = sqlite3.connect(path)
    assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    assert con.execute("select count(*), sum(length(b)) from t").fetchone() == (399, 399 * 300)
    con.close()


def test_statement_rollback_with_a_small_cache_as_sqlite(tmp_path: Path) -> None:
    """The same SQL under a 10-page cache in sqlite3 and pyrite: a failing statement
    and ROLLBACK TO undo pages the sub-journal holds."""
    import pyrite

    script = [
        "PRAGMA cache_size = 10", "CREATE TABLE t(a INTEGER PRIMARY KEY, b UNIQUE, c)",
        "INSERT INTO t SELECT value, value, zeroblob(500) FROM generate_series(1, 300)",
        "BEGIN", "SAVEPOINT s", "UPDATE t SET c = zeroblob(600) WHERE a % 3 = 0",
        "SAVEPOINT u", "DELETE FROM t WHERE a > 100",
        "INSERT INTO t(b, c) SELECT b + 1000, c FROM t",
        "ROLLBACK TO u", "RELEASE u",
        "UPDATE t SET b = b + 1 WHERE a > 150",  # fails half way: UNIQUE
        "SELECT count(*), sum(length(c)), sum(b) FROM t",
        "ROLLBACK TO s", "UPDATE t SET c = zeroblob(10) WHERE a < 20", "COMMIT",
        "SELECT count(*), sum(length(c)), sum(b) FROM t", "PRAGMA integrity_check",
    ]
    out = {}
    for mod in (sqlite3, pyrite):
        db = tmp_path / f"{mod.__name__}.db"
        con = mod.connect(str(db), isolation_level=None)
        trace = []
        for sql in script:
            if "generate_series" in sql:
                con.executemany("INSERT INTO t VALUES (?, ?, zeroblob(500))",
                                [(i, i) for i in range(1, 301)])
                continue
            try:
                trace.append(con.execute(sql).fetchall())
            except mod.Error as e:
                trace.append((isinstance(e, mod.IntegrityError), str(e)))
        con.close()
        out[mod.__name__] = trace
    assert out["pyrite"] == out["sqlite3"]
