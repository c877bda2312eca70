"""record.decode_row (one struct call per distinct header) against record.decode,
and against records written by sqlite3 itself."""

from __future__ import annotations

import random
import sqlite3
import struct
from pathlib import Path

import pytest

from pyrite.errors import CorruptError
from pyrite.storage import record


def _value(rng: random.Random) -> object:
    k = rng.randrange(10)
    if k == 0:
        return None
    if k == 1:
        return rng.choice([0, 1])
    if k == 2:
        return rng.randrange(-2**63, 2**63)
    if k == 3:
        return rng.randrange(-2**23, 2**23)  # 3-byte serial type
    if k == 4:
        return rng.randrange(-2**47, 2**47)  # 6-byte serial type
    if k == 5:
        return rng.random() * 10 ** rng.randrange(-5, 300)
    if k == 6:
        return "é" * rng.randrange(3) + "x" * rng.randrange(80)
    if k == 7:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(70)))
    return rng.randrange(-200, 200)


def test_decode_row_equals_decode() -> None:
    rng = random.Random(11)
    for _ in range(5000):
        vals = [_value(rng) for _ in range(rng.randrange(0, 14))]
        for fmt in (4, 1):
            payload = record.encode(vals, fmt)
            assert record.decode_row(payload) == tuple(record.decode(payload))


def test_decode_row_odd_records() -> None:
    nan = record.encode([1.0, "a"])
    nan = nan[:3] + struct.pack(">d", float("nan")) + nan[11:]
    assert record.decode_row(nan) == tuple(record.decode(nan)) == (None, "a")
    long_header = record.encode(list(range(200)))  # header size takes two varint bytes
    assert record.decode_row(long_header) == tuple(range(200))
    assert record.decode_row(record.encode(["x" * 500, 7])) == ("x" * 500, 7)
    bad = bytes([3, 10, 1, 5])  # reserved serial type 10
    with pytest.raises(CorruptError):
        record.decode_row(bad)
    short = record.encode([2**40, "abc"])[:-2]  # body cut short
    with pytest.raises(CorruptError):
        record.decode_row(short)
    text = bytes([2, 13 + 2 * 2]) + b"\xff\xfe"  # TEXT that is not UTF-8 round-trips
    assert record.decode_row(text) == tuple(record.decode(text))


def test_decode_row_reads_sqlite_records(tmp_path: Path) -> None:
    import pyrite

    path = tmp_path / "s.db"
    rng = random.Random(2)
    rows = [tuple(_value(rng) for _ in range(5)) for _ in range(800)]
    with sqlite3.connect(path) as c:
        c.execute("CREATE TABLE t(a, b, c, d, e)")
        c.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", rows)
    con = pyrite.connect(str(path))
    for _ in range(3):
        assert [tuple(r) for r in con.execute("SELECT * FROM t").fetchall()] == rows
