"""Mutated database files (fuzz_files.py) on a CI sample: only DB-API errors, no hang.
The long run is `python -m tests.storage.fuzz_files --count 10000`; a failing case
replays with `python -m tests.storage.fuzz_files --case N`."""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path

import pytest

import pyrite

from . import fuzz_files

# Cases of the sample that hit a known bug (each has a strict xfail repro below). A case
# listed here may pass once the bug is fixed; a case not listed must never fail.
KNOWN: dict[int, str] = {}


def test_sample_of_mutated_files(tmp_path: Path) -> None:
    bad: list[str] = []
    tally: dict[str, int] = {}
    bases = fuzz_files.build_bases(tmp_path)
    for case in range(300):
        r = fuzz_files.run_case(case, bases, tmp_path, timeout=10.0)
        tally[r.outcome] = tally.get(r.outcome, 0) + 1
        if (r.outcome.startswith("BAD") or r.outcome == "HANG") and case not in KNOWN:
            bad.append(f"{r.outcome}: {r.detail}")
    assert bad == []
    # the sample is not vacuous: most damage is noticed, some files still work
    # (damaged text surfaces at fetch as OperationalError "Could not decode to UTF-8",
    # as in CPython's module, so CorruptError is only part of the errors)
    errors = sum(n for outcome, n in tally.items() if outcome.startswith("dberror:"))
    assert errors > 120 and tally.get("dberror:CorruptError", 0) > 50
    assert tally.get("ok", 0) > 10


def _sqlite_file(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t(a)")
    con.execute("INSERT INTO t VALUES (1)")
    con.commit()
    con.close()


def test_header_page_count_beyond_file_end() -> None:
    """An in-header page count (offset 28) far beyond the file end is corruption, not
    2**31 pages for integrity_check to walk (fuzz cases 657, 2588, 5927, ... hung)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pc.db"
        _sqlite_file(path)
        data = bytearray(path.read_bytes())
        struct.pack_into(">I", data, 28, 0x7FFFFFFF)  # change counter == version-valid-for
        path.write_bytes(bytes(data))
        con = pyrite.connect(str(path))
        try:
            with fuzz_files.guard(3.0):
                try:
                    con.execute("PRAGMA integrity_check").fetchall()
                except pyrite.DatabaseError:
                    pass  # "database disk image is malformed" is the right answer
        except fuzz_files.Hang:
            raise AssertionError("PRAGMA integrity_check hangs") from None
        finally:
            con.close()


def test_short_index_record_in_covering_scan(tmp_path: Path) -> None:
    path = tmp_path / "cov.db"
    con = sqlite3.connect(path)
    con.execute("PRAGMA page_size = 1024")
    con.execute("CREATE TABLE t(a, b)")
    con.execute("CREATE INDEX ti ON t(a, b)")
    con.executemany("INSERT INTO t VALUES (?, ?)", [(i + 10, i + 20) for i in range(5)])
    con.commit()
    (root,) = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'ti'").fetchone()
    con.close()
    data = bytearray(path.read_bytes())
    page = (root - 1) * 1024
    assert data[page] == 0x0A  # the index is one leaf page
    (cell,) = struct.unpack_from(">H", data, page + 8)
    data[page + cell:page + cell + 4] = bytes([3, 2, 1, 10])  # the record (10,): one field
    path.write_bytes(bytes(data))
    p = pyrite.connect(str(path))
    try:
        # (fuzz cases 10991, 11468, 12247, ... raised IndexError in runtime.cover_rows)
        with pytest.raises(pyrite.DatabaseError, match="database disk image is malformed"):
            p.execute("SELECT a, b FROM t WHERE a > 0").fetchall()
        with pytest.raises(pyrite.DatabaseError, match="database disk image is malformed"):
            p.execute("SELECT b FROM t ORDER BY a").fetchall()
    finally:
        p.close()


def test_autovacuum_commit_with_freelist_count_beyond_the_freelist(tmp_path: Path) -> None:
    """The header's free-page count (offset 36) says 255 while the freelist is empty: the
    auto_vacuum pass at commit appended pages forever (fuzz cases 570, 2229 hung)."""
    path = tmp_path / "av.db"
    con = sqlite3.connect(path)
    con.execute("PRAGMA page_size = 1024")
    con.execute("PRAGMA auto_vacuum = FULL")
    con.execute("CREATE TABLE t(a)")
    con.executemany("INSERT INTO t VALUES (?)", [("x" * 300,) for _ in range(40)])
    con.commit()
    con.close()
    data = bytearray(path.read_bytes())
    assert struct.unpack_from(">I", data, 32) == (0,)
    struct.pack_into(">I", data, 36, 0xFF)
    path.write_bytes(bytes(data))
    p = pyrite.connect(str(path))
    try:
        with fuzz_files.guard(10.0), pytest.raises(pyrite.DatabaseError):
            p.execute("INSERT INTO t VALUES ('y')")
            p.commit()
    except fuzz_files.Hang:
        raise AssertionError("the auto_vacuum commit hangs") from None
    finally:
        p.close()


def test_count_over_interior_page_with_too_many_cells(tmp_path: Path) -> None:
    """count(*) walks page headers: an interior page whose cell count runs past the page
    raised IndexError (fuzz case 316); sqlite3 says the image is malformed."""
    path = tmp_path / "cnt.db"
    con = sqlite3.connect(path)
    con.execute("PRAGMA page_size = 1024")
    con.execute("CREATE TABLE t(a)")
    con.executemany("INSERT INTO t VALUES (?)", [("x" * 100,) for _ in range(200)])
    con.commit()
    (root,) = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 't'").fetchone()
    con.close()
    data = bytearray(path.read_bytes())
    assert data[(root - 1) * 1024] == 0x05  # an interior table page
    struct.pack_into(">H", data, (root - 1) * 1024 + 3, 0x5A1)
    path.write_bytes(bytes(data))
    for mod in (sqlite3, pyrite):
        c = mod.connect(str(path))
        try:
            with pytest.raises(mod.DatabaseError, match="malformed"):
                c.execute("SELECT count(*) FROM t").fetchall()
        finally:
            c.close()
