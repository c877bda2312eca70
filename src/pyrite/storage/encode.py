"""Record encoding for the write path: record.encode's bytes, built faster for rows
of plain values (None, int, float, str under UTF-8), the rows INSERT and UPDATE write
one after another. Anything else (bool, blobs, subclasses, long headers) is handed to
record.encode, so the two never differ (tests/storage/test_encode.py compares them)."""

from __future__ import annotations

import struct
from collections.abc import Sequence

from . import record as _record
from .record import TEXT_ERRORS, Value

_pk8 = struct.Struct(">b").pack
_pk16 = struct.Struct(">h").pack
_pk32 = struct.Struct(">i").pack
_pk64 = struct.Struct(">q").pack
_pkf = struct.Struct(">d").pack


def encode_row(values: Sequence[Value]) -> bytes:
    """encode_row(values) -> record.encode(values) (schema format 4, UTF-8)."""
    types: list[int] = []
    body: list[bytes] = []
    tapp = types.append
    bapp = body.append
    for v in values:
        t = type(v)
        if v is None:
            tapp(0)
        elif t is int:
            if -128 <= v <= 127:
                if v == 0 or v == 1:
                    tapp(8 + v)
                else:
                    tapp(1)
                    bapp(_pk8(v))
            elif -32768 <= v <= 32767:
                tapp(2)
                bapp(_pk16(v))
            elif -2147483648 <= v <= 2147483647:
                if -8388608 <= v <= 8388607:
                    tapp(3)
                    bapp((v & 0xFFFFFF).to_bytes(3, "big"))
                else:
                    tapp(4)
                    bapp(_pk32(v))
            else:
                return bytes(_record.encode(values))
        elif t is float:
            tapp(7)
            bapp(_pkf(v))
        elif t is str:
            b = v.encode("utf-8", TEXT_ERRORS)
            n = len(b)
            if n > 57:  # serial type >= 128: a multi-byte header varint
                return bytes(_record.encode(values))
            tapp(n * 2 + 13)
            bapp(b)
        else:
            return bytes(_record.encode(values))
    hs = len(types) + 1
    if hs >= 128:
        return bytes(_record.encode(values))
    types.insert(0, hs)
    return bytes(types) + b"".join(body)
