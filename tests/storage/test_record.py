"""Record and varint codec: bit-exact against files written by sqlite3; compare order."""

from __future__ import annotations

import functools
import random
import sqlite3

import pytest

from pyrite.errors import CorruptError
from pyrite.storage import iter_table, record
from pyrite.storage.record import KeyInfo, compare, decode, decode_columns, encode
from pyrite.storage.varint import get_varint, put_varint, varint_len

from .helpers import open_pager, schema_rows

VALUES = [None, 0, 1, 2, -1, 127, 128, -128, -129, 255, 32767, 32768, -32769, 2**23 - 1,
          2**23, -(2**23) - 1, 2**31 - 1, 2**31, -(2**31) - 1, 2**47 - 1, 2**47,
          -(2**47) - 1, 2**63 - 1, -(2**63), 0.0, 1.5, -2.25, 1e300, "", "a", "héllo",
          "x" * 100, b"", b"\x00\xff", b"y" * 300]


@pytest.mark.parametrize("v", [0, 1, 127, 128, 240, 2287, 16383, 16384, 2**32, 2**56 - 1,
                               2**56, 2**63 - 1, -1, -(2**63)])
def test_varint_roundtrip(v: int) -> None:
    b = put_varint(v)
    assert len(b) == varint_len(v)
    assert get_varint(b, 0) == (v, len(b))


def test_varint_random() -> None:
    rnd = random.Random(1)
    for _ in range(2000):
        v = rnd.randint(-(2**63), 2**63 - 1) >> rnd.randint(0, 63)
        assert get_varint(put_varint(v) + b"\x00", 0)[0] == v


def test_encode_matches_sqlite_bytes(tmp_path: object) -> None:
    path = f"{tmp_path}/r.db"
    con = sqlite3.connect(path)
    con.execute("create table t(a)")
    for v in VALUES:
        con.execute("insert into t values(?)", (v,))
    con.execute("create table w(a, b, c, d, e, f)")
    rows = [tuple(random.Random(i).choice(VALUES) for _ in range(6)) for i in range(50)]
    con.executemany("insert into w values(?,?,?,?,?,?)", rows)
    con.commit()
    con.close()
    p = open_pager(path)
    p.begin_read()
    sch = {r[1]: r[3] for r in schema_rows(p)}
    got = [pl for _, pl in iter_table(p, sch["t"])]
    assert got == [encode([v]) for v in VALUES]
    assert [decode(pl)[0] for pl in got] == VALUES
    got = [pl for _, pl in iter_table(p, sch["w"])]
    assert got == [encode(r) for r in rows]
    p.end_read()


def test_schema_format_1_uses_type_1_for_0_and_1() -> None:
    assert encode([0, 1], schema_format=1) == bytes([3, 1, 1, 0, 1])
    assert encode([0, 1]) == bytes([3, 8, 9])


def test_long_header() -> None:
    vals = ["x" * 70] * 100
    assert decode(encode(vals)) == vals


def test_decode_columns_prefix() -> None:
    payload = encode([1, "two", 3.0, b"4"])
    assert decode_columns(payload, 2) == [1, "two"]
    assert decode_columns(payload, 10) == [1, "two", 3.0, b"4"]


@pytest.mark.parametrize("bad", [b"", b"\x05\x01", b"\x02\x0a", b"\x02\x07\x00", b"\x85"])
def test_decode_corrupt(bad: bytes) -> None:
    with pytest.raises(CorruptError):
        decode(bad)


def test_compare_matches_sqlite_order() -> None:
    con = sqlite3.connect(":memory:")
    con.execute("create table t(a)")
    vals = VALUES + [0.5, 127.0, -1.0, 2.0**63, "B", "b", "ab", b"a", 3, 3.0]
    con.executemany("insert into t values(?)", [(v,) for v in vals])
    want = [r[0] for r in con.execute("select a from t order by a")]
    got = sorted(vals, key=functools.cmp_to_key(lambda x, y: compare((x,), (y,))))
    # int/float ties may sort either way; compare by value classes and values.
    assert [(type(x) in (int, float), x) for x in got] == [(type(x) in (int, float), x)
                                                         for x in want]


def test_compare_collation_desc_prefix() -> None:
    def nocase(a: str, b: str) -> int:
        a, b = a.lower(), b.lower()
        return (a > b) - (a < b)
    ki = KeyInfo((nocase, None), (False, True))
    assert compare(("ABC", 1), ("abc", 1), ki) == 0
    assert compare(("abc", 1), ("abc", 2), ki) == 1  # DESC second column
    assert compare(("abc",), ("abc", 5), ki) == 0  # prefix
    assert compare((2**53 + 1,), (float(2**53),), record.BINARY_KEY) == 1  # exact int/float
    assert compare((None,), (-10**18,)) == -1
    assert compare(("z",), (b"",)) == -1
