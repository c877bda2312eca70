"""The File contract, run against every backend; POSIX locks at SQLite's offsets
checked against a real sqlite3 in another process; OS errors map to pyrite errors."""

from __future__ import annotations

import errno
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pyrite.errors import BusyError, DiskFullError, DiskIOError, OperationalError
from pyrite.io import (
    BlockingBackend,
    File,
    LockLevel,
    MemoryBackend,
    MemoryFile,
    Op,
    Request,
    open_file,
)
from pyrite.io.base import os_error


def _blocking(tmp: Path) -> File:
    return open_file(str(tmp / "f.bin"), readonly=False, create=True)


def _memory(tmp: Path) -> File:
    return MemoryFile()


BACKENDS: list[Callable[[Path], File]] = [_blocking, _memory]


@pytest.mark.parametrize("make", BACKENDS, ids=["blocking", "memory"])
def test_file_contract(tmp_path: Path, make: Callable[[Path], File]) -> None:
    f = make(tmp_path)
    assert f.size() == 0
    assert f.read(0, 10) == b""
    f.write(0, b"hello")
    f.write(10, b"world")
    assert f.size() == 15
    assert f.read(0, 15) == b"hello\x00\x00\x00\x00\x00world"
    assert f.read(12, 100) == b"rld"  # short read at EOF
    f.truncate(7)
    assert f.size() == 7 and f.read(0, 100) == b"hello\x00\x00"
    f.sync(True)
    f.sync(False)
    f.lock(LockLevel.SHARED)
    f.lock(LockLevel.RESERVED)
    assert f.check_reserved()
    f.lock(LockLevel.EXCLUSIVE)
    f.unlock(LockLevel.SHARED)
    f.unlock(LockLevel.NONE)
    f.close()


@pytest.mark.parametrize("backend", [BlockingBackend(), MemoryBackend()])
def test_submit_batches_in_order(backend: BlockingBackend | MemoryBackend) -> None:
    f = MemoryFile()
    reqs = [Request(Op.WRITE, f, 0, data=b"abcd"), Request(Op.WRITE, f, 4, data=b"efgh"),
            Request(Op.SYNC, f), Request(Op.READ, f, 2, size=4)]
    comps = backend.submit(reqs)
    assert [c.request for c in comps] == reqs
    assert comps[3].data == b"cdef" and all(c.error is None for c in comps)


def test_memory_file_full() -> None:
    f = MemoryFile(max_size=10)
    comps = BlockingBackend().submit([Request(Op.WRITE, f, 8, data=b"xyz")])
    assert isinstance(comps[0].error, DiskFullError)


def test_os_errors_map() -> None:
    assert isinstance(os_error(OSError(errno.ENOSPC, "full")), DiskFullError)
    assert isinstance(os_error(OSError(errno.EIO, "io")), DiskIOError)
    e = os_error(OSError(errno.ENOENT, "x"), "open")
    assert isinstance(e, OperationalError) and str(e) == "unable to open database file"


def test_open_missing_without_create(tmp_path: Path) -> None:
    with pytest.raises(OperationalError, match="unable to open database file"):
        open_file(str(tmp_path / "nope" / "x.db"), readonly=False, create=False)


_SQLITE_LOCKER = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=0)
con.execute(sys.argv[2])
con.execute("select * from t").fetchall()
print("locked", flush=True)
sys.stdin.readline()
"""


def _db(tmp_path: Path) -> Path:
    path = tmp_path / "l.db"
    con = sqlite3.connect(path)
    con.execute("create table t(a)")
    con.commit()
    con.close()
    return path


@pytest.mark.parametrize("sql,blocked", [
    ("begin", [LockLevel.EXCLUSIVE]),
    ("begin immediate", [LockLevel.RESERVED, LockLevel.EXCLUSIVE]),
    ("begin exclusive", [LockLevel.SHARED]),
])
def test_locks_interoperate_with_sqlite(tmp_path: Path, sql: str,
                                        blocked: list[LockLevel]) -> None:
    path = _db(tmp_path)
    proc = subprocess.Popen([sys.executable, "-c", _SQLITE_LOCKER, str(path), sql],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        f = open_file(str(path))
        for level in blocked:
            with pytest.raises(BusyError):
                if level > LockLevel.SHARED:
                    f.lock(LockLevel.SHARED)
                f.lock(level)
            f.unlock(LockLevel.NONE)
        if sql != "begin exclusive":
            f.lock(LockLevel.SHARED)
            assert f.check_reserved() == (sql == "begin immediate")
        f.close()
    finally:
        assert proc.stdin is not None
        proc.stdin.write("\n")
        proc.stdin.flush()
        proc.wait(timeout=10)


def test_sqlite_sees_our_locks(tmp_path: Path) -> None:
    path = _db(tmp_path)
    f = open_file(str(path))
    probe = ("import sqlite3,sys\ncon=sqlite3.connect(sys.argv[1], timeout=0, "
             "isolation_level=None)\ntry:\n con.execute(sys.argv[2]); print('ok')\n"
             "except sqlite3.OperationalError as e: print(e)")

    def attempt(sql: str) -> str:
        out = subprocess.run([sys.executable, "-c", probe, str(path), sql],
                             capture_output=True, text=True, check=True)
        return out.stdout.strip()

    f.lock(LockLevel.SHARED)
    assert attempt("select * from t") == "ok"
    f.lock(LockLevel.RESERVED)
    assert attempt("begin immediate") == "database is locked"
    assert attempt("select * from t") == "ok"
    f.lock(LockLevel.EXCLUSIVE)
    assert attempt("select * from t") == "database is locked"
    f.unlock(LockLevel.NONE)
    assert attempt("begin immediate") == "ok"
    f.close()
