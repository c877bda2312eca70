"""Connection isolation inside one process (database.py D1-D5), checked against sqlite3.

Each scenario is a script of steps over named connections to one file; it runs
once with Python's sqlite3 and once with pyrite, and both traces (rows, or the
error class and message) must be equal. Every scenario runs in rollback-journal
and in WAL mode. The thread tests check what SQLite promises there: no lost
update, no read of uncommitted rows, BUSY only after the timeout."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import pyrite

MODES = ("delete", "wal")
Step = tuple[Any, ...]


def run(mod: ModuleType, path: Path, mode: str, steps: list[Step],
        timeout: float = 0.05) -> list[Any]:
    """Run `steps` with module `mod`; the trace of what each step gave."""
    conns: dict[str, Any] = {}
    curs: dict[str, Any] = {}

    def con(name: str) -> Any:
        if name not in conns:
            conns[name] = mod.connect(str(path), timeout=timeout, isolation_level=None)
        return conns[name]

    setup = con("setup")
    setup.execute(f"PRAGMA journal_mode={mode}")
    setup.execute("CREATE TABLE t(a INTEGER PRIMARY KEY, b)")
    setup.executemany("INSERT INTO t(b) VALUES (?)", [(i,) for i in range(5)])
    setup.close()
    del conns["setup"]
    trace: list[Any] = []
    try:
        for step in steps:
            try:
                if step[0] == "open":  # ("open", cursor, conn, sql): run, read nothing yet
                    curs[step[1]] = con(step[2]).execute(step[3])
                    trace.append("opened")
                elif step[0] == "fetchone":
                    trace.append(curs[step[1]].fetchone())
                elif step[0] == "fetchall":
                    trace.append(curs.pop(step[1]).fetchall())
                else:  # (conn, sql)
                    trace.append(con(step[0]).execute(step[1]).fetchall())
            except mod.Error as e:
                trace.append((_dbapi_class(e), str(e), e.sqlite_errorcode))
    finally:
        for c in conns.values():
            c.close()
    return trace


_DBAPI = ("IntegrityError", "OperationalError", "ProgrammingError", "DatabaseError", "Error")


def _dbapi_class(e: BaseException) -> str:
    """The DB-API class name of `e` (pyrite's BusyError is an OperationalError)."""
    return next(c.__name__ for c in type(e).__mro__ if c.__name__ in _DBAPI)


SCENARIOS: dict[str, list[Step]] = {
    "reader_sees_committed_state": [
        ("A", "BEGIN"), ("A", "INSERT INTO t(b) VALUES (100)"),
        ("A", "UPDATE t SET b = -1 WHERE a = 1"), ("A", "DELETE FROM t WHERE a = 2"),
        ("B", "SELECT * FROM t ORDER BY a"), ("B", "SELECT count(*), sum(b) FROM t"),
        ("A", "SELECT count(*), sum(b) FROM t"),
        ("A", "COMMIT"),
        ("B", "SELECT * FROM t ORDER BY a"),
    ],
    "second_writer_busy": [
        ("A", "BEGIN"), ("A", "INSERT INTO t(b) VALUES (100)"),
        ("B", "INSERT INTO t(b) VALUES (200)"),
        ("B", "BEGIN IMMEDIATE"),
        ("B", "BEGIN"), ("B", "UPDATE t SET b = 7"), ("B", "ROLLBACK"),
        ("A", "COMMIT"),
        ("B", "INSERT INTO t(b) VALUES (200)"),
        ("A", "SELECT b FROM t ORDER BY a"),
    ],
    "rollback_is_invisible": [
        ("A", "BEGIN"), ("A", "DELETE FROM t"), ("B", "SELECT count(*) FROM t"),
        ("A", "ROLLBACK"), ("B", "SELECT count(*) FROM t"), ("A", "SELECT count(*) FROM t"),
    ],
    "open_reader_vs_commit": [
        ("open", "c", "B", "SELECT b FROM t ORDER BY a"), ("fetchone", "c"),
        ("A", "BEGIN"), ("A", "UPDATE t SET b = b + 10"),
        ("A", "COMMIT"),  # rollback journal: BUSY (a reader); WAL: commits
        ("fetchall", "c"),
        ("A", "COMMIT"),
        ("B", "SELECT b FROM t ORDER BY a"), ("A", "SELECT b FROM t ORDER BY a"),
    ],
    "snapshot_held_by_explicit_reader": [
        ("B", "BEGIN"), ("B", "SELECT count(*) FROM t"),
        ("A", "INSERT INTO t(b) VALUES (1)"),  # rollback journal: BUSY at commit
        ("B", "SELECT count(*) FROM t"),
        ("B", "INSERT INTO t(b) VALUES (2)"),  # WAL: stale snapshot -> BUSY
        ("B", "COMMIT"), ("B", "SELECT count(*) FROM t"),
    ],
    "pending_blocks_new_readers": [
        ("open", "c", "B", "SELECT b FROM t ORDER BY a"), ("fetchone", "c"),
        ("A", "BEGIN"), ("A", "INSERT INTO t(b) VALUES (9)"), ("A", "COMMIT"),
        ("C", "SELECT count(*) FROM t"),
        ("fetchall", "c"), ("A", "COMMIT"), ("C", "SELECT count(*) FROM t"),
    ],
    "schema_change_is_isolated": [
        ("A", "BEGIN"), ("A", "CREATE TABLE u(x)"), ("A", "INSERT INTO u VALUES (1)"),
        ("B", "SELECT name FROM sqlite_master ORDER BY name"), ("B", "SELECT * FROM u"),
        ("A", "COMMIT"), ("B", "SELECT * FROM u"),
    ],
    "many_pages": [
        ("A", "BEGIN"),
        ("A", "INSERT INTO t(b) SELECT zeroblob(3000) FROM t, t AS t2, t AS t3"),
        ("B", "SELECT count(*), sum(length(b)) FROM t"),
        ("A", "DELETE FROM t WHERE a < 50"),
        ("B", "SELECT count(*), sum(length(b)) FROM t"),
        ("A", "COMMIT"), ("B", "SELECT count(*), sum(length(b)) FROM t"),
    ],
    "snapshot_over_several_commits": [  # WAL: the oldest image of each page is kept
        ("B", "BEGIN"), ("B", "SELECT sum(b), count(*) FROM t"),
        ("A", "UPDATE t SET b = b + 100 WHERE a <= 2"),
        ("A", "INSERT INTO t(b) SELECT zeroblob(1500) FROM t, t AS t2"),
        ("A", "UPDATE t SET b = b + 1000 WHERE a >= 2"),
        ("C", "SELECT sum(length(b)), count(*) FROM t"),
        ("B", "SELECT sum(b), count(*) FROM t"), ("B", "SELECT * FROM t ORDER BY a"),
        ("B", "COMMIT"), ("B", "SELECT sum(length(b)), count(*) FROM t"),
    ],
    "spill_takes_exclusive": [  # rollback journal: a spill locks readers out (D3)
        ("A", "PRAGMA cache_size=10"), ("A", "BEGIN"),
        ("A", "INSERT INTO t(b) SELECT zeroblob(2000) FROM t, t AS t2, t AS t3, t AS t4"),
        ("B", "SELECT count(*) FROM t"),
        ("A", "COMMIT"), ("B", "SELECT count(*), sum(length(b)) FROM t"),
    ],
    "spill_refused_while_reading": [
        ("open", "c", "B", "SELECT a FROM t ORDER BY a"), ("fetchone", "c"),
        ("A", "PRAGMA cache_size=10"), ("A", "BEGIN"),
        ("A", "INSERT INTO t(b) SELECT zeroblob(2000) FROM t, t AS t2, t AS t3, t AS t4"),
        ("B", "SELECT count(*) FROM t"), ("fetchall", "c"),
        ("A", "COMMIT"), ("B", "SELECT count(*), sum(length(b)) FROM t"),
    ],
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_matches_sqlite3(tmp_path: Path, mode: str, name: str) -> None:
    steps = SCENARIOS[name]
    want = run(sqlite3, tmp_path / "oracle.db", mode, steps)
    got = run(pyrite, tmp_path / "pyrite.db", mode, steps)
    assert got == want


def test_busy_waits_for_timeout(tmp_path: Path) -> None:
    path = str(tmp_path / "t.db")
    a = pyrite.connect(path, isolation_level=None)
    a.execute("CREATE TABLE t(x)")
    a.execute("BEGIN IMMEDIATE")
    b = pyrite.connect(path, timeout=0.2, isolation_level=None)
    t0 = time.monotonic()
    with pytest.raises(pyrite.OperationalError, match="database is locked") as ei:
        b.execute("INSERT INTO t VALUES (1)")
    assert time.monotonic() - t0 >= 0.19
    assert ei.value.sqlite_errorcode == pyrite.SQLITE_BUSY  # type: ignore[attr-defined]
    a.execute("ROLLBACK")
    b.execute("INSERT INTO t VALUES (1)")
    assert a.execute("SELECT x FROM t").fetchall() == [(1,)]
    a.close()
    b.close()


def test_waiting_writer_gets_in_when_the_other_commits(tmp_path: Path) -> None:
    """B's busy wait ends as soon as A commits in another thread."""
    path = str(tmp_path / "t.db")
    a = pyrite.connect(path, isolation_level=None, check_same_thread=False)
    a.execute("CREATE TABLE t(x)")
    a.execute("BEGIN")
    a.execute("INSERT INTO t VALUES (1)")
    timer = threading.Timer(0.1, lambda: a.execute("COMMIT"))
    timer.start()
    b = pyrite.connect(path, timeout=5, isolation_level=None)
    b.execute("INSERT INTO t VALUES (2)")
    timer.join()
    assert b.execute("SELECT x FROM t ORDER BY x").fetchall() == [(1,), (2,)]
    a.close()
    b.close()


@pytest.mark.parametrize("mode", MODES)
def test_threads_no_lost_update_no_dirty_read(tmp_path: Path, mode: str) -> None:
    """Writers move value between two rows; readers always see the same total."""
    path = str(tmp_path / "t.db")
    setup = pyrite.connect(path, isolation_level=None)
    setup.execute(f"PRAGMA journal_mode={mode}")
    setup.execute("CREATE TABLE acct(id INTEGER PRIMARY KEY, bal INTEGER)")
    setup.execute("INSERT INTO acct VALUES (1, 1000), (2, 1000)")
    setup.execute("CREATE TABLE log(w, i)")
    setup.close()
    errors: list[BaseException] = []
    totals: list[int] = []

    def writer(w: int) -> None:
        con = pyrite.connect(path, timeout=30, isolation_level=None)
        try:
            for i in range(25):
                con.execute("BEGIN IMMEDIATE")
                con.execute("UPDATE acct SET bal = bal - 1 WHERE id = 1")
                con.execute("INSERT INTO log VALUES (?, ?)", (w, i))
                con.execute("UPDATE acct SET bal = bal + 1 WHERE id = 2")
                con.execute("COMMIT")
        except BaseException as e:  # noqa: BLE001 - reported by the test
            errors.append(e)
        finally:
            con.close()

    def reader() -> None:
        con = pyrite.connect(path, timeout=30, isolation_level=None)
        try:
            for _ in range(40):
                totals.append(con.execute("SELECT sum(bal) FROM acct").fetchone()[0])
        except BaseException as e:  # noqa: BLE001 - reported by the test
            errors.append(e)
        finally:
            con.close()

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    threads += [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert set(totals) == {2000}
    con = pyrite.connect(path)
    assert con.execute("SELECT bal FROM acct ORDER BY id").fetchall() == [(900,), (1100,)]
    assert con.execute("SELECT count(*) FROM log").fetchone() == (100,)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
    ref = sqlite3.connect(path)
    assert ref.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert ref.execute("SELECT count(*) FROM log").fetchone() == (100,)
    ref.close()


def test_shared_memory_database_isolated(tmp_path: Path) -> None:
    """Two connections to one shared-cache memory database share committed data."""
    uri = "file:isolation_mem?mode=memory&cache=shared"
    a = pyrite.connect(uri, uri=True, isolation_level=None)
    b = pyrite.connect(uri, uri=True, isolation_level=None)
    a.execute("CREATE TABLE t(x)")
    a.execute("INSERT INTO t VALUES (1)")
    assert b.execute("SELECT x FROM t").fetchall() == [(1,)]
    a.close()
    b.close()
