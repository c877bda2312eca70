"""Connections of one process on one WAL database: a reader inside a transaction keeps
its snapshot while a writer commits, a newcomer sees the newest commit, and the
snapshot outlives an automatic checkpoint — each connection sees exactly what
sqlite3's connections see when the same script runs against sqlite3 on another file
(pyrite's connections share one Database and Pager: database.py D4)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import pyrite
from pyrite.storage.pager import PROBES

COUNT = "select count(*), sum(x), max(length(y)) from t"

# (connection, SQL): "a" the long reader, "b" the writer, "c" the newcomer (opened at
# its first step), "open d" opens a fourth; the result of every step is compared.
SNAPSHOTS: list[tuple[str, str]] = [
    ("b", "pragma journal_mode=wal"),
    ("b", "create table t(x, y)"),
    ("b", "insert into t values(1, 'a')"),
    ("b", "insert into t values(2, 'bb')"),
    ("a", "begin"),
    ("a", COUNT),  # the snapshot is taken here, not at BEGIN
    ("b", "insert into t values(3, 'ccc')"),
    ("a", COUNT),
    ("c", COUNT),  # a newcomer sees the last commit
    ("b", "begin"),
    ("b", "update t set y = y || y"),
    ("b", "insert into t values(4, 'dddd')"),
    ("b", COUNT),
    ("a", COUNT),
    ("c", COUNT),  # not the writer's uncommitted rows
    ("b", "commit"),
    ("a", COUNT),
    ("c", COUNT),
    ("c", "begin"),
    ("c", COUNT),
    ("b", "delete from t where x = 1"),
    ("c", COUNT),
    ("a", COUNT),
    ("a", "insert into t values(9, 'stale')"),  # SQLITE_BUSY_SNAPSHOT: not the newest
    ("a", COUNT),
    ("a", "commit"),
    ("a", COUNT),
    ("c", "commit"),
    ("c", COUNT),
    ("open d", ""),
    ("d", "select x, y from t order by x"),
    ("b", "create index ty on t(y)"),
    ("d", "select x from t where y > 'c' order by y"),
    ("a", "select x from t where y > 'c' order by y"),
]

# An automatic checkpoint (SQLite's default wal_autocheckpoint, 1000 frames: one
# commit of ~1100 pages of 512 bytes) runs while "a" reads an older snapshot.
AUTO_CHECKPOINT: list[tuple[str, str]] = [
    ("b", "pragma page_size=512"),
    ("b", "pragma journal_mode=wal"),
    ("b", "create table t(x, y)"),
    ("b", "insert into t values(1, 'a')"),
    ("a", "begin"),
    ("a", COUNT),
    ("b", "with recursive n(i) as (select 2 union all select i + 1 from n where i < 1100) "
          "insert into t select i, printf('%.400c', 'z') from n"),
    ("a", COUNT),
    ("a", "select x, y from t where x < 5 order by x"),
    ("c", COUNT),
    ("b", "update t set y = 'short' where x = 1"),
    ("a", "select x, y from t where x < 5 order by x"),
    ("c", "select x, y from t where x < 5 order by x"),
    ("a", "commit"),
    ("a", COUNT),
    ("b", "delete from t where x > 600"),
    ("a", COUNT),
    ("c", COUNT),
    ("b", "pragma integrity_check"),
]

# checkpoint(TRUNCATE) while a reader holds its snapshot: busy, the frames after the
# reader's snapshot not backfilled; the reader reads on, and afterwards a TRUNCATE
# empties the WAL.
CHECKPOINTS: list[tuple[str, str]] = [
    ("b", "pragma journal_mode=wal"),
    ("b", "create table t(x, y)"),
    ("b", "insert into t values(1, 'a')"),
    ("a", "begin"),
    ("a", COUNT),
    ("b", "insert into t values(2, 'b')"),
    ("b", "insert into t values(3, 'c')"),
    ("b", "pragma wal_checkpoint"),
    ("b", "pragma wal_checkpoint(TRUNCATE)"),
    ("b", "pragma wal_checkpoint(RESTART)"),
    ("a", COUNT),
    ("c", COUNT),
    ("a", "commit"),
    ("b", "pragma wal_checkpoint(TRUNCATE)"),
    ("wal size", ""),
    ("a", COUNT),
]


_DBAPI = ("OperationalError", "IntegrityError", "ProgrammingError", "DatabaseError", "Error")


def _run(mod: Any, path: Path, steps: list[tuple[str, str]]) -> list[Any]:
    cons: dict[str, Any] = {}

    def con(name: str) -> Any:
        if name not in cons:
            # timeout=0: a busy checkpoint answers at once rather than after 5 s
            cons[name] = mod.connect(str(path), isolation_level=None, timeout=0)
        return cons[name]

    out: list[Any] = []
    con("b")
    con("a")
    try:
        for who, sql in steps:
            if who.startswith("open "):
                con(who[5:])
                continue
            if who == "wal size":
                wal = f"{path}-wal"
                out.append(os.path.getsize(wal) if os.path.exists(wal) else None)
                continue
            try:
                out.append((who, sql, con(who).execute(sql).fetchall()))
            except mod.Error as exc:
                # the DB-API class (pyrite's BusyError is an OperationalError)
                kind = next(k.__name__ for k in type(exc).__mro__ if k.__name__ in _DBAPI)
                out.append((who, sql, kind, str(exc)))
    finally:
        for c in cons.values():
            c.close()
    return out


def _compare(tmp_path: Path, steps: list[tuple[str, str]]) -> list[Any]:
    got = _run(pyrite, tmp_path / "p.db", steps)
    want = _run(sqlite3, tmp_path / "s.db", steps)
    for g, w in zip(got, want, strict=True):
        assert g == w
    return want


def test_reader_writer_newcomer_as_sqlite(tmp_path: Path) -> None:
    want = _compare(tmp_path, SNAPSHOTS)
    # the script does what it says: the reader's snapshot differs from the newest
    assert want[7][2] == [(2, 3, 2)] and want[8][2] == [(3, 6, 3)]
    assert want[23][2] == "OperationalError"  # the stale reader may not write


def test_snapshot_survives_automatic_checkpoint(tmp_path: Path) -> None:
    before = PROBES.get("wal_checkpoint", 0)
    want = _compare(tmp_path, AUTO_CHECKPOINT)
    assert PROBES.get("wal_checkpoint", 0) > before  # the automatic checkpoint ran
    assert want[7][2] == [(1, 1, 1)]  # the reader still sees the one row
    assert want[-1][2] == [("ok",)]


@pytest.mark.xfail(reason="PRAGMA wal_checkpoint answers (0, 0, 0) without checkpointing "
                          "(exec/ddl.py); the pager's wal_checkpoint does not see the "
                          "snapshots of other connections of the process (database.py D4)")
def test_truncate_checkpoint_under_a_reader_is_busy(tmp_path: Path) -> None:
    want = _compare(tmp_path, CHECKPOINTS)
    assert want[8][2][0][0] == 1  # TRUNCATE: busy
    assert want[14] == 0  # the WAL emptied
