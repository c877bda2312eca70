"""PRAGMA wal_checkpoint and wal_autocheckpoint as sqlite3 (3.40.1) reports them:
the same script against both, every result compared -- frame counts included, so
the number of frames a commit writes is checked too (one per one-leaf commit)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import pyrite


def _script(mod: Any, path: str) -> list[Any]:
    c = mod.connect(path, isolation_level=None)
    out: list[Any] = [c.execute("PRAGMA journal_mode=wal").fetchall()]
    c.execute("CREATE TABLE t (a)")

    def ins(n: int) -> None:
        for i in range(n):
            c.execute("INSERT INTO t VALUES (?)", (i,))

    ins(5)
    out.append(c.execute("PRAGMA wal_checkpoint").fetchall())
    ins(5)
    out.append(c.execute("PRAGMA wal_checkpoint(FULL)").fetchall())
    ins(5)
    out.append(c.execute("PRAGMA wal_checkpoint(RESTART)").fetchall())
    ins(5)
    out.append(c.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall())
    out.append(os.path.getsize(path + "-wal"))
    r = mod.connect(path, isolation_level=None)
    r.execute("BEGIN")
    out.append(r.execute("SELECT count(*) FROM t").fetchall())
    ins(5)
    c.execute("PRAGMA busy_timeout=0")
    out.append(c.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall())
    out.append(c.execute("PRAGMA wal_checkpoint").fetchall())
    out.append(r.execute("SELECT count(*) FROM t").fetchall())  # its snapshot held
    r.execute("COMMIT")
    out.append(c.execute("PRAGMA wal_checkpoint(nonsense)").fetchall())
    c.execute("BEGIN")
    c.execute("INSERT INTO t VALUES (1)")
    try:
        c.execute("PRAGMA wal_checkpoint").fetchall()
        out.append("no error")
    except mod.OperationalError as e:
        out.append(str(e))
    c.execute("COMMIT")
    out.append(c.execute("PRAGMA wal_autocheckpoint").fetchall())
    out.append(c.execute("PRAGMA wal_autocheckpoint=20").fetchall())
    ins(30)
    out.append(c.execute("PRAGMA wal_checkpoint").fetchall())
    out.append(c.execute("PRAGMA wal_autocheckpoint=0").fetchall())
    ins(30)
    out.append(c.execute("PRAGMA wal_checkpoint").fetchall())
    out.append(c.execute("SELECT count(*), sum(a) FROM t").fetchall())
    r.close()
    c.close()
    return out


def test_wal_checkpoint_reports_as_sqlite(tmp_path: Path) -> None:
    mine = _script(pyrite, str(tmp_path / "p.db"))
    theirs = _script(sqlite3, str(tmp_path / "s.db"))
    assert mine == theirs


@pytest.mark.parametrize("mode", ["PASSIVE", "FULL", "RESTART", "TRUNCATE"])
def test_checkpointed_file_reads_back_in_sqlite(tmp_path: Path, mode: str) -> None:
    path = str(tmp_path / "x.db")
    c = pyrite.connect(path, isolation_level=None)
    c.execute("PRAGMA journal_mode=wal")
    c.execute("CREATE TABLE t (a, b)")
    c.executemany("INSERT INTO t VALUES (?, ?)", [(i, "x" * (i % 300)) for i in range(500)])
    busy, log, done = c.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
    assert busy == 0 and done == log
    c.execute("INSERT INTO t VALUES (-1, 'after')")
    other = sqlite3.connect(path)
    assert other.execute("SELECT count(*), sum(a) FROM t").fetchone() == (501, 124749)
    assert other.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    other.close()
    c.close()
