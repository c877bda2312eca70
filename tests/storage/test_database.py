"""Database registry: one object per file per process, refcounted; ":memory:" private."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pyrite.database import Database
from pyrite.errors import OperationalError
from pyrite.storage import TableCursor, btree, iter_table
from pyrite.storage import record as rec


def test_one_per_file(tmp_path: Path) -> None:
    a = Database.acquire(str(tmp_path / "x.db"))
    b = Database.acquire(str(tmp_path / "." / "x.db"))
    assert a is b and a.refcount == 2
    a.release()
    c = Database.acquire(str(tmp_path / "x.db"))
    assert c is a
    c.release()
    b.release()
    d = Database.acquire(str(tmp_path / "x.db"))
    assert d is not a
    d.release()


def test_memory_is_private() -> None:
    a = Database.acquire(":memory:")
    b = Database.acquire("")
    assert a is not b
    p = a.pager
    p.begin_write()
    root = btree.create_table(p)
    TableCursor(p, root).insert(1, rec.encode(["mem"]))
    p.commit()
    assert [rec.decode(pl) for _, pl in iter_table(p, root)] == [["mem"]]
    s1 = Database.acquire("x", uri_memory_name="shared")
    s2 = Database.acquire("x", uri_memory_name="shared")
    assert s1 is s2
    for d in (a, b, s1, s2):
        d.release()


def test_fields_and_sqlite_interop(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    db = Database.acquire(str(path))
    assert db.schema_generation == 0 and db.catalog is None
    with db.lock:
        p = db.pager
        p.begin_write()
        root = btree.create_table(p)
        TableCursor(p, 1).insert(1, rec.encode(["table", "t", "t", root, "CREATE TABLE t(a)"]))
        p.header_set("schema_cookie", 1)
        p.commit()
        p.end_read()
    db.release()
    con = sqlite3.connect(path)
    assert con.execute("select count(*) from t").fetchone() == (0,)
    con.close()


def test_missing_without_create(tmp_path: Path) -> None:
    with pytest.raises(OperationalError):
        Database.acquire(str(tmp_path / "none.db"), create=False)


def test_write_claims_between_connections() -> None:
    """The in-process lock table (database.py D1): one RESERVED view at a time."""
    from pyrite.errors import BusyError

    db = Database.acquire(":memory:")
    a, b = db.view(), db.view()
    a.busy_timeout = b.busy_timeout = 0.0
    a.begin_write()
    a.begin_write()
    b.begin_read()
    with pytest.raises(BusyError):
        b.begin_write()
    b.end_read()
    a.rollback()
    a.end_read()
    b.begin_write()
    b.rollback()
    b.end_read()
    db.release()
