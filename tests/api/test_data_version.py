"""PRAGMA data_version: moves when another connection commits, never for the
connection's own commits -- compared step by step with sqlite3 (same script, same
pattern of "changed" / "unchanged"), for two connections of one process and for a
sqlite3 writer in another connection of the oracle's own library."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

import pyrite

# (connection that acts, SQL); "?" reads data_version on that connection
SCRIPT = [
    ("a", "?"), ("b", "?"),
    ("b", "INSERT INTO t VALUES (1)"),
    ("a", "?"), ("b", "?"),
    ("a", "INSERT INTO t VALUES (2)"),
    ("a", "?"), ("b", "?"),
    ("a", "BEGIN"), ("a", "INSERT INTO t VALUES (3)"), ("b", "?"), ("a", "COMMIT"),
    ("b", "?"), ("a", "?"),
    ("b", "SELECT count(*) FROM t"), ("b", "?"),
    ("a", "BEGIN"), ("a", "ROLLBACK"), ("b", "?"),
    ("b", "UPDATE t SET x = x + 1"), ("a", "?"), ("a", "?"), ("b", "?"),
]


def _pattern(mod: Any, path: str, mode: str) -> list[str]:
    setup = mod.connect(path)
    setup.execute(f"PRAGMA journal_mode={mode}").fetchall()
    setup.execute("CREATE TABLE t (x)")
    setup.commit()
    setup.close()
    cons = {k: mod.connect(path, isolation_level=None) for k in "ab"}
    last: dict[str, int] = {}
    out = []
    for who, sql in SCRIPT:
        con = cons[who]
        if sql == "?":
            v = con.execute("PRAGMA data_version").fetchone()[0]
            out.append(f"{who}:{'same' if last.get(who) == v else 'new'}")
            last[who] = v
        else:
            con.execute(sql).fetchall()
    for con in cons.values():
        con.close()
    return out


@pytest.mark.parametrize("mode", ["delete", "wal"])
def test_data_version_moves_as_in_sqlite(tmp_path: Path, mode: str) -> None:
    assert _pattern(pyrite, str(tmp_path / "p.db"), mode) == \
        _pattern(sqlite3, str(tmp_path / "s.db"), mode)


@pytest.mark.parametrize("mode", ["delete", "wal"])
def test_data_version_sees_another_library_commit(tmp_path: Path, mode: str) -> None:
    path = str(tmp_path / "x.db")
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute(f"PRAGMA journal_mode={mode}")
    writer.execute("CREATE TABLE t (x)")
    con = pyrite.connect(path, isolation_level=None)
    v1 = con.execute("PRAGMA data_version").fetchone()[0]
    assert con.execute("PRAGMA data_version").fetchone()[0] == v1
    con.execute("INSERT INTO t VALUES (1)")
    assert con.execute("PRAGMA data_version").fetchone()[0] == v1  # its own commit
    writer.execute("INSERT INTO t VALUES (2)")
    v2 = con.execute("PRAGMA data_version").fetchone()[0]
    assert v2 != v1
    assert con.execute("SELECT count(*) FROM t").fetchone()[0] == 2
    assert con.execute("PRAGMA data_version").fetchone()[0] == v2
    con.close()
    writer.close()
