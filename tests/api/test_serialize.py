"""serialize/deserialize and page-image backup(): the image is the database file,
sqlite3 reads what pyrite serializes and the other way round, and backup into a
file writes that file (it stays a file database)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import pyrite


def _fill(con: pyrite.Connection | sqlite3.Connection) -> None:
    con.execute("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c BLOB)")
    con.execute("CREATE INDEX tb ON t(b)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?)",
                    [(i, f"v{i % 37}", bytes(i % 300)) for i in range(800)])
    con.commit()


def test_serialize_is_the_file_image(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    con = pyrite.connect(path)
    _fill(con)
    assert con.serialize() == path.read_bytes()
    con.close()


def test_images_cross_both_ways() -> None:
    src = pyrite.connect(":memory:")
    _fill(src)
    ref = sqlite3.connect(":memory:")
    ref.deserialize(src.serialize())
    assert ref.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    want = ref.execute("SELECT * FROM t ORDER BY b, a").fetchall()
    back = pyrite.connect(":memory:")
    back.deserialize(ref.serialize())
    assert back.execute("SELECT * FROM t ORDER BY b, a").fetchall() == want
    back.execute("INSERT INTO t VALUES (1000, 'x', NULL)")
    assert back.execute("SELECT count(*) FROM t").fetchone() == (801,)


def test_deserialize_garbage_fails_at_next_use() -> None:
    con = pyrite.connect(":memory:")
    con.deserialize(b"\0\1\3")
    with pytest.raises(pyrite.DatabaseError, match="file is not a database"):
        con.execute("CREATE TABLE f(x)")


def test_uncommitted_rows_of_another_connection_are_not_serialized(tmp_path: Path) -> None:
    path = str(tmp_path / "a.db")
    a = pyrite.connect(path, isolation_level=None)
    a.execute("CREATE TABLE t(x)")
    a.execute("BEGIN")
    a.execute("INSERT INTO t VALUES (1)")
    b = pyrite.connect(path)
    image = b.serialize()
    a.execute("COMMIT")
    ref = sqlite3.connect(":memory:")
    ref.deserialize(image)
    assert ref.execute("SELECT count(*) FROM t").fetchone() == (0,)
    a.close()
    b.close()


@pytest.mark.parametrize("pages", [-1, 1, 5])
def test_backup_into_a_file_by_pages(tmp_path: Path, pages: int) -> None:
    src = pyrite.connect(":memory:")
    _fill(src)
    target_path = tmp_path / "copy.db"
    dst = pyrite.connect(target_path)
    dst.execute("CREATE TABLE old(x)")
    dst.commit()
    steps: list[tuple[int, int, int]] = []
    src.backup(dst, pages=pages, progress=lambda *a: steps.append(a))
    assert steps[-1][1] == 0
    assert dst.execute("SELECT name FROM sqlite_master ORDER BY name").fetchall() == [
        ("t",), ("tb",)]
    assert dst.execute("SELECT count(*) FROM t").fetchone() == (800,)
    dst.close()
    ref = sqlite3.connect(target_path)
    assert ref.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert ref.execute("SELECT count(*), sum(length(c)) FROM t").fetchone() == (
        800, sum(i % 300 for i in range(800)))
    ref.close()
