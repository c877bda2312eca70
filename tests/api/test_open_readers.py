"""Autocommit writes while SELECTs of the same connection are unfinished, and
cursors freed with an unfinished SELECT: what another connection sees must be
what it sees with sqlite3 (the oracle), in both journal modes."""

from __future__ import annotations

import gc
import sqlite3
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import pyrite

MODES = ["delete", "wal"]


def _open(mod: ModuleType, path: Path, mode: str) -> Any:
    con = mod.connect(str(path), isolation_level=None, timeout=0.2)
    con.execute(f"pragma journal_mode={mode}")  # result left unfetched on purpose
    return con


def _freed_cursor_then_writes(mod: ModuleType, path: Path, mode: str) -> list[Any]:
    con = _open(mod, path, mode)
    con.execute("create table t(a)")
    con.execute("insert into t values (1)")
    con.execute("select * from t")  # unfetched, the cursor is freed at once
    con.execute("insert into t values (2)")
    other = mod.connect(str(path), timeout=0.2)
    seen = other.execute("select * from t").fetchall()
    other.execute("insert into t values (3)")  # needs the first connection's lock gone
    other.commit()
    again = con.execute("select * from t").fetchall()
    con.close()
    other.close()
    return [seen, again]


def _held_reader_then_write(mod: ModuleType, path: Path, mode: str) -> list[Any]:
    con = _open(mod, path, mode)
    con.execute("create table t(a)")
    con.executemany("insert into t values (?)", [(i,) for i in range(5)])
    reader = con.execute("select a from t order by a")
    first = reader.fetchone()
    con.execute("insert into t values (10)")  # commits though the reader is open
    other = mod.connect(str(path), timeout=0.2)
    seen = other.execute("select count(*) from t").fetchall()
    rest = reader.fetchall()
    other.close()
    con.close()
    return [first, seen, rest]


@pytest.mark.parametrize("mode", MODES)
def test_freed_cursor_releases_its_statement(tmp_path: Path, mode: str) -> None:
    want = _freed_cursor_then_writes(sqlite3, tmp_path / "s.db", mode)
    got = _freed_cursor_then_writes(pyrite, tmp_path / "p.db", mode)
    assert got == want
    assert want == [[(1,), (2,)], [(1,), (2,), (3,)]]


@pytest.mark.parametrize("mode", MODES)
def test_autocommit_write_commits_while_a_reader_is_open(tmp_path: Path, mode: str) -> None:
    want = _held_reader_then_write(sqlite3, tmp_path / "s.db", mode)
    got = _held_reader_then_write(pyrite, tmp_path / "p.db", mode)
    assert got == want
    assert want[1] == [(6,)]


def test_cursor_freed_in_a_cycle_is_released_by_the_next_statement(tmp_path: Path) -> None:
    con = _open(pyrite, tmp_path / "c.db", "wal")
    con.execute("create table t(a)")
    con.execute("insert into t values (1)")
    cur = con.execute("select * from t")
    cur.self_ref = cur  # type: ignore[attr-defined]  # freed only by the cycle collector
    del cur
    gc.collect()
    other = pyrite.connect(str(tmp_path / "c.db"), isolation_level=None)
    other.execute("insert into t values (2)")
    assert con.execute("select * from t").fetchall() == [(1,), (2,)]
    other.close()
    con.close()
