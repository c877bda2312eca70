"""Index records of a one-column TEXT index, made straight from the table's records.

CREATE INDEX on a column that holds only TEXT (and NULL) under BINARY, ascending,
in a UTF-8 database of schema format 4: each index entry is (value, rowid), and its
record can be put together from the bytes of the table record — the column's serial
type and text bytes copied, the rowid appended — with no text decoded or encoded.
BINARY compares text with memcmp, which is the order of the raw bytes, so the
entries sort as bytes. Owns nothing else; btree.index_build lays the records out.
File format: record format (serial types), index b-tree cells."""

from __future__ import annotations

import struct
from collections.abc import Iterable
from operator import itemgetter

from .varint import get_varint, put_varint

# bytes of a record body for serial types 0-9 (10 and 11 are reserved)
_SIZES = (0, 1, 2, 3, 4, 6, 8, 8, 0, 0)


def _column_at(header: bytes, col: int) -> tuple[int, int, int] | None:
    """(body offset, end offset, serial type) of column col in a record whose header
    is `header`, when that column is TEXT (serial type 13, 15, ...) or NULL (0);
    None when it is anything else, the record is shorter, or the header is not
    well formed."""
    try:
        hsize, pos = get_varint(header, 0)
        off = hsize
        for _ in range(col):
            if pos >= hsize:
                return None
            t, pos = get_varint(header, pos)
            if t >= 12:
                off += (t - 12) >> 1
            elif t < 10:
                off += _SIZES[t]
            else:
                return None
        if pos >= hsize:
            return None
        t, pos = get_varint(header, pos)
        if t == 0:
            return off, off, 0
        if t >= 13 and t & 1:
            return off, off + ((t - 13) >> 1), t
        return None
    except IndexError:
        return None


def _int_field(v: int) -> tuple[int, bytes]:
    """(serial type, body bytes) of an integer under schema format 4."""
    if v == 0 or v == 1:
        return 8 + v, b""
    n = _INT_BYTES[((v if v >= 0 else ~v).bit_length() + 8) >> 3]
    return _INT_TYPE[n], v.to_bytes(n, "big", signed=True)


# bytes needed (signed) -> bytes a serial type stores; that serial type
_INT_BYTES = (0, 1, 2, 3, 4, 6, 6, 8, 8)
_INT_TYPE = {1: 1, 2: 2, 3: 3, 4: 4, 6: 5, 8: 6}


def text_index_records(rows: Iterable[tuple[int, bytes]], col: int
                       ) -> tuple[list[bytes], bool] | None:
    """text_index_records((rowid, table record) in rowid order, col) -> (the index
    records of (column col, rowid) in index order, whether two non-NULL values are
    equal); None when a record holds something other than TEXT or NULL there, is
    shorter than col + 1 columns, or is not well formed: the caller then builds
    the entries from decoded values (which also reports a corrupt record)."""
    plans: dict[bytes, tuple[int, int, int]] = {}  # record header -> _column_at
    get = plans.get
    texts: list[tuple[bytes, int, int]] = []
    nulls: list[int] = []
    app = texts.append
    try:
        for rowid, rec in rows:
            h = rec[0]
            if h < 0x80:  # a one-byte header size: the header is rec[:h]
                at = get(rec[:h])
                if at is None:
                    at = _column_at(rec[:h], col)
                    if at is None:
                        return None
                    plans[rec[:h]] = at
            else:
                at = _column_at(rec, col)
                if at is None:
                    return None
            off, end, t = at
            if end > len(rec):
                return None
            if t:
                app((rec[off:end], t, rowid))
            else:
                nulls.append(rowid)
    except IndexError:
        return None
    # stable: equal values keep rowid order, as (value, rowid) entries sort
    texts.sort(key=itemgetter(0))
    dup = any(a[0] == b[0] for a, b in zip(texts, texts[1:], strict=False))
    out: list[bytes] = []
    put = out.append
    for rowid in nulls:  # NULL sorts first
        rt, rb = _int_field(rowid)
        put(bytes((3, 0, rt)) + rb)
    for text, t, rowid in texts:
        if 1 < rowid < 0x8000:  # the common rowids, inline
            rt, rb = (1, _B1(rowid)) if rowid < 0x80 else (2, _B2(rowid))
        else:
            rt, rb = _int_field(rowid)
        if t < 0x80:
            put(bytes((3, t, rt)) + text + rb)
        else:  # the header stays under 128 bytes: its size is one byte
            st = put_varint(t)
            put(bytes((2 + len(st),)) + st + bytes((rt,)) + text + rb)
    return out, dup


_B1 = struct.Struct(">b").pack
_B2 = struct.Struct(">h").pack
