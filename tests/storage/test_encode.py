"""storage/encode.encode_row writes exactly record.encode's bytes (the write path's
fast encoder must never change the file format)."""

from __future__ import annotations

import random

from pyrite.storage import record
from pyrite.storage.encode import encode_row

_EDGES = [0, 1, -1, 2, 127, 128, -128, -129, 32767, 32768, -32768, -32769, 8388607, 8388608,
          -8388608, -8388609, 2**31 - 1, 2**31, -2**31, -2**31 - 1, 2**47 - 1, 2**47, -2**47,
          2**63 - 1, -2**63, True, False]


def _value(rng: random.Random) -> object:
    kind = rng.randrange(7)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice(_EDGES)
    if kind == 2:
        return rng.randrange(-2**40, 2**40)
    if kind == 3:
        return rng.choice([0.0, -0.0, 1.5, rng.random(), float("inf"), -1e300])
    if kind == 4:
        return "x" * rng.choice([0, 1, 56, 57, 58, 59, 200]) + rng.choice(["", "é", "\udc80"])
    if kind == 5:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(70)))
    return rng.choice(["", "abc", "name-000000001-1"])


def test_encode_row_matches_record_encode() -> None:
    rng = random.Random(11)
    for _ in range(5000):
        row = [_value(rng) for _ in range(rng.randrange(0, 9))]
        assert encode_row(row) == bytes(record.encode(row)), row


def test_encode_row_long_headers() -> None:
    for n in (126, 127, 128, 200):
        row = [None] * n
        assert encode_row(row) == bytes(record.encode(row))
        row = ["y" * 60] * n
        assert encode_row(row) == bytes(record.encode(row))
