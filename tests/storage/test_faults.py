"""Failures during commit: an I/O error while writing the database leaves a file that
opens (hot journal rolled back) with the last committed state, in pyrite and sqlite3."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from pyrite.errors import DiskFullError, DiskIOError
from pyrite.io import BlockingFile, open_file
from pyrite.storage import Pager, TableCursor, iter_table
from pyrite.storage import record as rec

from .helpers import create_table, open_pager


class FaultyFile(BlockingFile):
    """Fails the Nth write (and every later one) with the given error."""

    def __init__(self, inner: BlockingFile, fail_at: int, error: type[Exception]) -> None:
        super().__init__(inner.path, inner.fd, inner.readonly)
        self.writes = 0
        self.fail_at = fail_at
        self.error = error
        self.snapshot: Path | None = None

    def write(self, offset: int, data: bytes) -> None:
        self.writes += 1
        if self.writes >= self.fail_at:
            if self.snapshot is not None and self.writes == self.fail_at:
                # what a power cut would leave: the database as written so far + the journal
                shutil.copy(self.path, self.snapshot)
                if os.path.exists(self.path + "-journal"):
                    shutil.copy(self.path + "-journal", str(self.snapshot) + "-journal")
            raise self.error()
        super().write(offset, data)


def _setup(path: Path) -> int:
    p = open_pager(path)
    p.begin_write()
    root = create_table(p, "t")
    c = TableCursor(p, root)
    for i in range(1, 301):
        c.insert(i, rec.encode(["before" * 20]))
    p.commit()
    p.close()
    return root


@pytest.mark.parametrize("fail_at,error", [(1, DiskIOError), (3, DiskFullError),
                                           (10, DiskIOError)])
def test_failed_commit_keeps_old_state(tmp_path: Path, fail_at: int,
                                       error: type[Exception]) -> None:
    path = tmp_path / "f.db"
    root = _setup(path)
    f = FaultyFile(open_file(str(path)), fail_at, error)
    f.snapshot = tmp_path / "crash.db"
    p = Pager.open(f, journal_path=str(path) + "-journal")
    p.begin_write()
    c = TableCursor(p, root)
    for i in range(1, 301):
        c.insert(i, rec.encode(["after" * 30]))
    with pytest.raises(error):
        p.commit()
    assert not p.in_write and not p.in_read  # P7
    f.fail_at = 10**9
    p.begin_read()
    assert {pl for _, pl in iter_table(p, root)} == {rec.encode(["before" * 20])}
    p.close()
    for db in (path, f.snapshot):
        con = sqlite3.connect(db)
        assert con.execute("pragma integrity_check").fetchone() == ("ok",)
        assert con.execute("select distinct a from t").fetchall() == [("before" * 20,)]
        con.close()
    # pyrite itself recovers the power-cut image too
    shutil.copy(f.snapshot, tmp_path / "again.db")
    if os.path.exists(str(f.snapshot) + "-journal"):
        shutil.copy(str(f.snapshot) + "-journal", str(tmp_path / "again.db") + "-journal")
    p = open_pager(tmp_path / "again.db")
    p.begin_read()
    assert {pl for _, pl in iter_table(p, root)} == {rec.encode(["before" * 20])}
    p.close()
