"""A pyrite pager and a sqlite3 process using one WAL database at the same time through
the shared wal-index (-shm): each sees the other's commits, both write, both
checkpoint, and the file passes integrity_check (walindex.py)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from pyrite.errors import BusyError
from pyrite.storage import Pager, TableCursor, iter_table
from pyrite.storage import record as rec
from pyrite.storage.pager import PROBES
from pyrite.storage.walindex import PROBES as WPROBES

from .helpers import open_pager, schema_rows

WORKER = textwrap.dedent("""
    import sqlite3, sys
    con = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
    print("ready", flush=True)
    for line in sys.stdin:
        cmd, *args = line.split()
        if cmd == "count":
            out = con.execute("select count(*), coalesce(sum(a), 0) from t").fetchone()
        elif cmd == "insert":
            lo, hi = int(args[0]), int(args[1])
            con.execute("begin immediate")
            con.executemany("insert into t(rowid, a, b) values(?, ?, ?)",
                            [(k, k, "s" * (k % 700)) for k in range(lo, hi)])
            con.execute("commit")
            out = "ok"
        elif cmd == "checkpoint":
            out = con.execute("pragma wal_checkpoint(" + args[0] + ")").fetchone()
        elif cmd == "hold":
            con.execute("begin")
            out = con.execute("select count(*) from t").fetchone()
        elif cmd == "release":
            con.execute("commit")
            out = "ok"
        elif cmd == "check":
            out = con.execute("pragma integrity_check").fetchone()
        elif cmd == "quit":
            break
        print(out, flush=True)
    con.close()
""")


def _worker(path: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", WORKER, str(path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def _ask(proc: subprocess.Popen[str], cmd: str) -> str:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(cmd + "\n")
    proc.stdin.flush()
    return proc.stdout.readline().strip()


def _make(path: Path, page_size: int = 4096) -> None:
    con = sqlite3.connect(path)
    con.execute(f"pragma page_size={page_size}")
    con.execute("pragma journal_mode=wal")
    con.execute("create table t(a, b)")
    con.commit()
    con.close()


def _insert(p: Pager, root: int, lo: int, hi: int) -> None:
    deadline = time.monotonic() + 10
    while True:
        try:
            p.begin_write()
            break
        except BusyError:
            p.end_read()
            assert time.monotonic() < deadline
            time.sleep(0.002)
    c = TableCursor(p, root)
    for k in range(lo, hi):
        c.insert(k, rec.encode([k, "p" * (k % 900)]))
    p.commit()
    p.end_read()


def _count(p: Pager, root: int) -> tuple[int, int]:
    p.begin_read()
    rows = [rec.decode(pl)[0] for _, pl in iter_table(p, root)]
    p.end_read()
    return len(rows), sum(rows)


def test_interleaved_reads_and_writes(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    _make(path)
    proc = _worker(path)
    opened = PROBES.get("wal_shared_open", 0)
    p = open_pager(path)
    p.busy_timeout = 5.0
    p.begin_read()
    root = {r[1]: r[3] for r in schema_rows(p)}["t"]
    p.end_read()
    assert PROBES.get("wal_shared_open", 0) == opened + 1
    want: set[int] = set()
    k = 1
    for rnd in range(12):
        _insert(p, root, k, k + 40)  # pyrite writes, sqlite3 reads it
        want.update(range(k, k + 40))
        k += 40
        assert _ask(proc, "count") == str((len(want), sum(want)))
        assert _ask(proc, f"insert {k} {k + 30}") == "ok"  # sqlite3 writes, pyrite reads it
        want.update(range(k, k + 30))
        k += 30
        assert _count(p, root) == (len(want), sum(want))
        if rnd % 4 == 1:
            assert _ask(proc, "checkpoint PASSIVE").startswith("(0,")
        if rnd % 4 == 3:
            _ask(proc, "checkpoint RESTART")
    assert _ask(proc, "check") == "('ok',)"
    p.close()
    assert _ask(proc, "count") == str((len(want), sum(want)))
    _ask(proc, "quit")
    proc.wait(10)
    con = sqlite3.connect(path)
    assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    assert con.execute("select count(*) from t").fetchone() == (len(want),)
    con.close()


def test_pyrite_checkpoints_and_restarts_under_sqlite_reader(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    _make(path)
    proc = _worker(path)
    p = open_pager(path)
    p.busy_timeout = 5.0
    p.synchronous = 0
    p.begin_read()
    root = {r[1]: r[3] for r in schema_rows(p)}["t"]
    p.end_read()
    before = dict(WPROBES)
    n = 0
    for i in range(700):  # > 1000 frames: automatic checkpoints, then the WAL restarts
        _insert(p, root, i * 2 + 1, i * 2 + 3)
        n += 2
        if i % 150 == 0:
            assert _ask(proc, "count")[1:].startswith(f"{n},")
    assert WPROBES.get("walindex_checkpoint", 0) > before.get("walindex_checkpoint", 0)
    assert WPROBES.get("walindex_restart", 0) > before.get("walindex_restart", 0)
    assert _ask(proc, "count")[1:].startswith(f"{n},")
    assert _ask(proc, "check") == "('ok',)"
    _ask(proc, "quit")
    proc.wait(10)
    p.close()
    assert not Path(str(path) + "-wal").exists()  # the last one out checkpoints and deletes
    con = sqlite3.connect(path)
    assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    assert con.execute("select count(*) from t").fetchone() == (n,)
    con.close()


def test_racing_writers(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    _make(path)
    script = textwrap.dedent("""
        import sqlite3, sys
        con = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
        for i in range(150):
            con.execute("begin immediate")
            con.execute("insert into t(rowid, a, b) values(?, ?, 'x')", (100000 + i, i))
            con.execute("commit")
        con.close()
    """)
    p = open_pager(path)
    p.busy_timeout = 5.0
    p.begin_read()
    root = {r[1]: r[3] for r in schema_rows(p)}["t"]
    p.end_read()
    proc = subprocess.Popen([sys.executable, "-c", script, str(path)])
    for i in range(150):
        _insert(p, root, i + 1, i + 2)
    assert proc.wait(60) == 0
    assert _count(p, root)[0] == 300
    p.close()
    con = sqlite3.connect(path)
    assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    assert con.execute("select count(*) from t").fetchone() == (300,)
    con.close()


@pytest.mark.parametrize("page_size", [512, 4096, 65536])
def test_recovers_wal_left_by_sqlite(tmp_path: Path, page_size: int) -> None:
    path = tmp_path / "left.db"
    _make(path, page_size)
    con = sqlite3.connect(path)
    con.execute("pragma wal_autocheckpoint=0")
    con.executemany("insert into t values(?, ?)", [(i, "q" * i) for i in range(200)])
    con.commit()
    # Keep the WAL: copy the files while sqlite3 still has them (its close would checkpoint).
    snap = tmp_path / "snap.db"
    snap.write_bytes(path.read_bytes())
    Path(str(snap) + "-wal").write_bytes(Path(str(path) + "-wal").read_bytes())
    con.close()
    before = WPROBES.get("walindex_recover", 0)
    p = open_pager(snap)
    p.begin_read()
    root = {r[1]: r[3] for r in schema_rows(p)}["t"]
    assert sum(1 for _ in iter_table(p, root)) == 200
    p.end_read()
    assert WPROBES.get("walindex_recover", 0) > before
    _insert(p, root, 1000, 1010)
    p.close()
    con = sqlite3.connect(snap)
    assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    assert con.execute("select count(*) from t").fetchone() == (210,)
    con.close()


def test_rollback_releases_the_write_lock(tmp_path: Path) -> None:
    path = tmp_path / "rb.db"
    _make(path)
    proc = _worker(path)
    p = open_pager(path)
    p.begin_read()
    root = {r[1]: r[3] for r in schema_rows(p)}["t"]
    p.end_read()
    p.begin_write()
    TableCursor(p, root).insert(5, rec.encode([5, "gone"]))
    p.rollback()
    p.end_read()
    assert _ask(proc, "insert 1 3") == "ok"
    p.begin_write()
    TableCursor(p, root).insert(7, rec.encode([7, "kept"]))
    sp = p.savepoint_begin()
    TableCursor(p, root).insert(8, rec.encode([8, "gone"]))
    p.savepoint_rollback(sp)
    p.savepoint_release(sp)
    p.commit()
    p.end_read()
    assert _ask(proc, "count") == "(3, 10)"
    _ask(proc, "quit")
    proc.wait(10)
    p.close()
    con = sqlite3.connect(path)
    assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    con.close()


def test_checkpoint_modes_against_a_sqlite_reader(tmp_path: Path) -> None:
    path = tmp_path / "ck.db"
    _make(path)
    proc = _worker(path)
    p = open_pager(path)
    p.begin_read()
    root = {r[1]: r[3] for r in schema_rows(p)}["t"]
    p.end_read()
    _insert(p, root, 1, 50)
    assert _ask(proc, "hold") == "(49,)"  # a sqlite3 read transaction pins its snapshot
    _insert(p, root, 50, 100)
    busy, log, done = p.wal_checkpoint("truncate")
    assert busy == 1 and log > done > 0  # frames after the reader's mark stay in the WAL
    assert _ask(proc, "count") == "(49, 1225)"
    assert _ask(proc, "release") == "ok"
    assert p.wal_checkpoint("truncate") == (0, 0, 0)
    assert Path(str(path) + "-wal").stat().st_size == 0
    assert _ask(proc, "count") == "(99, 4950)"
    assert _ask(proc, "insert 100 110") == "ok"
    assert _count(p, root) == (109, sum(range(1, 110)))
    _insert(p, root, 110, 120)
    assert _ask(proc, "count") == f"(119, {sum(range(1, 120))})"
    assert _ask(proc, "check") == "('ok',)"
    _ask(proc, "quit")
    proc.wait(10)
    p.close()
    con = sqlite3.connect(path)
    assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    con.close()


def _crash_copy(path: Path, dest: Path) -> Path:
    """What a process crash leaves (the OS keeps every write): the database and its WAL,
    but no live wal-index -- whoever opens it next recovers the WAL from the file."""
    import shutil

    dest.mkdir()
    for suffix in ("", "-wal"):
        src = Path(str(path) + suffix)
        if src.exists():
            shutil.copyfile(src, dest / (path.name + suffix))
    return dest / path.name


@pytest.mark.parametrize("retry", ["at-once", "deferred"])
def test_failed_commit_frames_are_never_recovered(tmp_path: Path, retry: str) -> None:
    """Pager P8 with the shared wal-index: the frames of a commit whose WAL sync failed
    are cut off from the chain (at once, or at the next pager call when the disk still
    fails), so sqlite3 recovering the WAL after a crash does not find the transaction."""
    from pyrite.errors import DiskIOError

    path = tmp_path / "f.db"
    _make(path)
    p = open_pager(path)
    p.begin_read()
    root = {r[1]: r[3] for r in schema_rows(p)}["t"]
    p.end_read()
    _insert(p, root, 1, 4)  # committed: rows 1..3
    p.begin_write()
    TableCursor(p, root).insert(9, rec.encode([9, "failed"]))
    wf = p._wal_file
    assert wf is not None
    calls = []

    class FailingSync:  # the WAL file, whose sync fails (the first time, or always)
        def __getattr__(self, name: str) -> Any:
            return getattr(wf, name)

        def sync(self, full: bool) -> None:
            calls.append(full)
            if retry == "deferred" or len(calls) == 1:
                raise DiskIOError()
            wf.sync(full)

    p._wal_file = FailingSync()  # type: ignore[assignment]
    with pytest.raises(DiskIOError):
        p.commit()
    assert (p._wal_undo is None) == (retry == "at-once")
    p._wal_file = wf
    p.end_read()  # the deferred repair runs here
    assert p._wal_undo is None
    copy = _crash_copy(path, tmp_path / "crash1")
    con = sqlite3.connect(copy)
    assert [r[0] for r in con.execute("select a from t order by a")] == [1, 2, 3]
    assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    con.close()
    # the pager goes on: the next commit takes the failed one's place in the WAL
    _insert(p, root, 4, 6)
    copy = _crash_copy(path, tmp_path / "crash2")
    con = sqlite3.connect(copy)
    assert [r[0] for r in con.execute("select a from t order by a")] == [1, 2, 3, 4, 5]
    con.close()
    p.close()
