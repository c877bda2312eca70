"""A sqlite3 process and a pyrite process on one file (race.py), and SQLITE_BUSY between
them. The long run is `python -m tests.crash.race --mode delete|wal --txns 1000`."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import pyrite
from pyrite.storage import pager

from . import race


@pytest.mark.parametrize("mode", ["delete", "wal"])
def test_racing_writers(tmp_path: Path, mode: str) -> None:
    st = race.run(mode, 60, seed=11, directory=tmp_path, timeout=120)
    assert st.commits == {"sqlite3": 60, "pyrite": 60}


@pytest.mark.skipif(not getattr(pager, "SHARED_WAL_INDEX", False),
                    reason="pyrite holds WAL files exclusively (no shared wal-index)")
def test_racing_writers_wal_both_connections_open(tmp_path: Path) -> None:
    st = race.run("wal", 60, seed=12, directory=tmp_path, timeout=120, hold=True)
    assert st.commits == {"sqlite3": 60, "pyrite": 60}


HOLDER = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=float(sys.argv[3]))
con.execute(sys.argv[2])
if sys.argv[2].startswith("BEGIN"):
    con.execute("INSERT INTO t VALUES ('from sqlite3')")
else:
    con.execute("SELECT count(*) FROM t").fetchall()
print("holding", flush=True)
sys.stdin.readline()
try:
    if con.in_transaction:
        con.execute("COMMIT")
except sqlite3.OperationalError as e:
    print(e, flush=True)
    sys.exit(1)
con.close()
print("done", flush=True)
"""


def _hold(path: Path, sql: str, timeout: float = 10.0) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), sql, str(timeout)],
                            text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline() == "holding\n"
    return proc


def _release(proc: subprocess.Popen[str]) -> str:
    """Let the holder commit; its last line ("done" or the error its COMMIT got)."""
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("\n")
    proc.stdin.flush()
    line = proc.stdout.readline().strip()
    proc.wait()
    return line


def _table(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t(a)")
    con.commit()
    con.close()


def test_busy_from_a_sqlite3_writer_is_clean_and_retryable(tmp_path: Path) -> None:
    path = tmp_path / "b.db"
    _table(path)
    holder = _hold(path, "BEGIN IMMEDIATE")  # another process holds RESERVED
    p = pyrite.connect(str(path), timeout=0.0, isolation_level=None)
    try:
        with pytest.raises(pyrite.OperationalError, match="^database is locked$") as info:
            p.execute("BEGIN IMMEDIATE")
        assert info.value.sqlite_errorcode == 5 and info.value.sqlite_errorname == "SQLITE_BUSY"
        assert not p.in_transaction
        p.close()
        assert _release(holder) == "done"
        p = pyrite.connect(str(path), timeout=0.0, isolation_level=None)
        p.execute("BEGIN IMMEDIATE")  # the retry succeeds and sees the other commit
        p.execute("INSERT INTO t VALUES ('from pyrite')")
        p.execute("COMMIT")
        assert sorted(p.execute("SELECT a FROM t").fetchall()) == [("from pyrite",),
                                                                   ("from sqlite3",)]
    finally:
        p.close()


def test_failed_begin_immediate_releases_its_lock(tmp_path: Path) -> None:
    path = tmp_path / "b.db"
    _table(path)
    holder = _hold(path, "BEGIN IMMEDIATE", timeout=1.0)
    p = pyrite.connect(str(path), timeout=0.0, isolation_level=None)
    try:
        with pytest.raises(pyrite.OperationalError, match="database is locked"):
            p.execute("BEGIN IMMEDIATE")
        assert _release(holder) == "done"  # the holder's COMMIT needs EXCLUSIVE
    finally:
        p.close()
        holder.wait()


def test_pyrite_wal_lock_gives_sqlite3_busy_not_corruption(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = wal")
    con.execute("CREATE TABLE t(a)")
    con.commit()
    con.close()
    p = pyrite.connect(str(path), isolation_level=None)
    p.execute("INSERT INTO t VALUES ('from pyrite')")
    probe = subprocess.run(
        [sys.executable, "-c", "import sqlite3, sys\n"
         "c = sqlite3.connect(sys.argv[1], timeout=0)\n"
         "try:\n    c.execute('SELECT count(*) FROM t').fetchall()\n"
         "except sqlite3.OperationalError as e:\n    print(e.sqlite_errorname, e)\n"
         "else:\n    print('read')\n", str(path)],
        capture_output=True, text=True, check=True)
    p.close()
    # either sqlite3 is kept out while pyrite holds the WAL file, or (once pyrite shares
    # the wal-index) it reads it; never anything else
    assert probe.stdout.strip() in ("SQLITE_BUSY database is locked", "read")
    con = sqlite3.connect(path)
    assert con.execute("SELECT a FROM t").fetchall() == [("from pyrite",)]
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()


@pytest.mark.skipif(not getattr(pager, "SHARED_WAL_INDEX", False),
                    reason="pyrite holds WAL files exclusively (no shared wal-index)")
def test_failed_begin_immediate_in_wal_retries(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = wal")
    con.execute("CREATE TABLE t(a)")
    con.commit()
    con.close()
    p = pyrite.connect(str(path), timeout=0.0, isolation_level=None)
    try:
        assert p.execute("SELECT count(*) FROM t").fetchone() == (0,)
        holder = _hold(path, "BEGIN IMMEDIATE")
        with pytest.raises(pyrite.OperationalError, match="database is locked"):
            p.execute("BEGIN IMMEDIATE")
        assert _release(holder) == "done"  # sqlite3 commits its row and goes away
        p.execute("BEGIN IMMEDIATE")  # nobody else writes now: this must succeed
        p.execute("INSERT INTO t VALUES ('from pyrite')")
        p.execute("COMMIT")
        assert p.execute("SELECT count(*) FROM t").fetchone() == (2,)
    finally:
        p.close()
