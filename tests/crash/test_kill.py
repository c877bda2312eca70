"""kill -9 of a process committing through pyrite.connect (killer.py): a CI sample.
The long run is `python -m tests.crash.killer --rounds 1000 --mode delete|wal`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import pyrite

from . import killer


@pytest.mark.parametrize("mode", ["delete", "wal"])
def test_kill_9_rounds(tmp_path: Path, mode: str) -> None:
    stats = killer.run(6, mode, seed=20261125, directory=tmp_path)
    assert stats.rounds == 6
    assert stats.acked > 0  # the children did commit before they were killed


def test_checker_sees_a_lost_commit(tmp_path: Path) -> None:
    """The check itself: a database missing an acknowledged commit is reported."""
    path = tmp_path / "k.db"
    con = sqlite3.connect(path, isolation_level=None)
    for sql in killer.workload.SCHEMA:
        con.execute(sql)
    for seq in (1, 2):
        killer.workload.run_txn(con, 5, seq)
    con.close()
    models = killer.ModelCache(5)
    assert killer.check_files(path, tmp_path / "w", 5, models, (2, 3)) == 2
    with pytest.raises(killer.CrashCheckFailed, match="holds transactions 1..2"):
        killer.check_files(path, tmp_path / "w", 5, models, (3, 4))


def test_commit_with_unfinished_select_is_durable(tmp_path: Path) -> None:
    path = tmp_path / "u.db"
    con = pyrite.connect(str(path), isolation_level=None)
    con.execute("CREATE TABLE t(a)")
    con.execute("SELECT 1")  # not fetched; the cursor is dropped at once
    con.execute("BEGIN")
    con.execute("INSERT INTO t VALUES (1)")
    con.execute("COMMIT")  # returns: the row must now be in the file
    other = sqlite3.connect(path, timeout=0)
    try:
        assert other.execute("SELECT count(*) FROM t").fetchone() == (1,)
    finally:
        other.close()
        con.close()
