"""The record format: serial types, encode, decode, and key comparison.

Owns the bytes of one row or index key (file format §"Record Format"):

    header:  varint header_size (counts itself), then one varint serial type per column
    body:    the column values back to back

    serial type   meaning                         body bytes
    0             NULL                            0
    1 2 3 4 5 6   big-endian two's complement     1 2 3 4 6 8
    7             IEEE 754 double, big-endian     8
    8 / 9         the integer 0 / 1 (schema format >= 4)   0
    10, 11        reserved (corrupt here)
    N>=12 even    BLOB of (N-12)/2 bytes
    N>=13 odd     TEXT of (N-13)/2 bytes in the database text encoding

Never touches pages. Sort order (compare): NULL < INTEGER/REAL (numeric, int
vs float exactly) < TEXT (by collation) < BLOB (memcmp)."""

from __future__ import annotations

import codecs
import functools
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pyrite.errors import CorruptError

from .varint import get_varint, put_varint, varint_len

TEXT_ERRORS = "pyrite.text"
"""Codec error handler for TEXT: decoding keeps bytes that are not UTF-8 as surrogate
escapes (U+DC80..U+DCFF), and encoding turns those back into the same bytes, so TEXT
holding invalid UTF-8 round-trips byte for byte as in SQLite; other lone surrogates
(char(0xD800)) encode as SQLite stores them (surrogatepass)."""


def _text_errors(exc: UnicodeError) -> tuple[str | bytes, int]:
    utf8 = getattr(exc, "encoding", "").replace("-", "").lower() == "utf8"
    if isinstance(exc, UnicodeDecodeError):
        return codecs.lookup_error("surrogateescape" if utf8 else "replace")(exc)
    if not isinstance(exc, UnicodeEncodeError) or not utf8:
        raise exc
    out = bytearray()
    for ch in exc.object[exc.start:exc.end]:
        cp = ord(ch)
        if 0xDC80 <= cp <= 0xDCFF:
            out.append(cp - 0xDC00)
        else:
            out += ch.encode("utf-8", "surrogatepass")
    return bytes(out), exc.end


codecs.register_error(TEXT_ERRORS, _text_errors)

Value = Any  # None | int | float | str | bytes
Collation = Callable[[str, str], int]

_S8 = struct.Struct(">b")
_S16 = struct.Struct(">h")
_S32 = struct.Struct(">i")
_S64 = struct.Struct(">q")
_F64 = struct.Struct(">d")
_u8 = _S8.unpack_from
_u16 = _S16.unpack_from
_u32 = _S32.unpack_from
_u64 = _S64.unpack_from
_uf = _F64.unpack_from
_pk8 = _S8.pack
_pk16 = _S16.pack
_pk32 = _S32.pack
_pk64 = _S64.pack
_pkf = _F64.pack

# Body size of each fixed serial type 0..11.
_FIXED_SIZE = (0, 1, 2, 3, 4, 6, 8, 8, 0, 0, -1, -1)


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """Per key column: collation (None = BINARY) and DESC flag."""

    collations: tuple[Collation | None, ...] = ()
    desc: tuple[bool, ...] = ()


BINARY_KEY = KeyInfo()


def encode(values: Sequence[Value], schema_format: int = 4, encoding: str = "utf-8") -> bytes:
    """encode(values) -> record bytes, with SQLite's choice of the smallest serial types."""
    types: list[int] = []
    body: list[bytes] = []
    tapp = types.append
    bapp = body.append
    small01 = schema_format >= 4
    for v in values:
        if v is None:
            tapp(0)
            continue
        t = type(v)
        if t is int or t is bool:
            v = int(v)
            if -128 <= v <= 127:
                if small01 and (v == 0 or v == 1):
                    tapp(8 + v)
                else:
                    tapp(1)
                    bapp(_pk8(v))
            elif -32768 <= v <= 32767:
                tapp(2)
                bapp(_pk16(v))
            elif -8388608 <= v <= 8388607:
                tapp(3)
                bapp((v & 0xFFFFFF).to_bytes(3, "big"))
            elif -2147483648 <= v <= 2147483647:
                tapp(4)
                bapp(_pk32(v))
            elif -140737488355328 <= v <= 140737488355327:
                tapp(5)
                bapp((v & 0xFFFFFFFFFFFF).to_bytes(6, "big"))
            else:
                tapp(6)
                bapp(_pk64(v))
        elif t is float:
            tapp(7)
            bapp(_pkf(v))
        elif t is str:
            b = v.encode(encoding, TEXT_ERRORS)
            tapp(len(b) * 2 + 13)
            bapp(b)
        elif t is bytes or t is bytearray or t is memoryview:
            b = bytes(v)
            tapp(len(b) * 2 + 12)
            bapp(b)
        elif isinstance(v, (int, float, str, bytes)):
            return encode([_plain(x) for x in values], schema_format, encoding)
        else:
            raise TypeError(f"cannot store {type(v).__name__} in a record")
    if all(t < 128 for t in types):
        hdr = bytes(types)
    else:
        hdr = b"".join([put_varint(t) for t in types])
    n = len(hdr)
    hs = n + 1
    while n + varint_len(hs) != hs:
        hs = n + varint_len(hs)
    head = bytes((hs,)) if hs < 128 else put_varint(hs)
    return head + hdr + b"".join(body)


def _plain(v: Value) -> Value:
    """Subclasses of int/float/str/bytes become the plain type."""
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return float(v)
    if isinstance(v, str):
        return str(v)
    if isinstance(v, bytes):
        return bytes(v)
    return v


def decode(payload: bytes | bytearray | memoryview, encoding: str = "utf-8") -> list[Value]:
    """decode(payload) -> list of column values."""
    return decode_columns(payload, 1 << 30, encoding)


def decode_columns(payload: bytes | bytearray | memoryview, n: int,
                   encoding: str = "utf-8") -> list[Value]:
    """decode_columns(payload, n) -> the first n columns (fewer if the record has fewer)."""
    try:
        hsize = payload[0]
        pos = 1
        if hsize >= 0x80:
            hsize, pos = get_varint(payload, 0)
        plen = len(payload)
        if hsize > plen or hsize < pos:
            raise CorruptError()
        body = hsize
        out: list[Value] = []
        app = out.append
        while pos < hsize and len(out) < n:
            t = payload[pos]
            if t < 0x80:
                pos += 1
            else:
                t, pos = get_varint(payload, pos)
            if t >= 12:
                ln = (t - 12) >> 1
                end = body + ln
                if end > plen:
                    raise CorruptError()
                if t & 1:
                    app(bytes(payload[body:end]).decode(encoding, TEXT_ERRORS))
                else:
                    app(bytes(payload[body:end]))
                body = end
            elif t == 0:
                app(None)
            elif t == 8:
                app(0)
            elif t == 9:
                app(1)
            elif t == 1:
                app(_u8(payload, body)[0])
                body += 1
            elif t == 7:
                f = _uf(payload, body)[0]
                app(None if f != f else f)
                body += 8
            elif t == 2:
                app(_u16(payload, body)[0])
                body += 2
            elif t == 4:
                app(_u32(payload, body)[0])
                body += 4
            elif t == 6:
                app(_u64(payload, body)[0])
                body += 8
            elif t == 3 or t == 5:
                sz = 3 if t == 3 else 6
                if body + sz > plen:
                    raise CorruptError()
                app(int.from_bytes(payload[body:body + sz], "big", signed=True))
                body += sz
            else:
                raise CorruptError()
        if body > plen or pos > hsize:
            raise CorruptError()
        return out
    except (IndexError, struct.error) as exc:
        raise CorruptError() from exc


# decode_row: per distinct record header (one-byte header size), a reader of the
# whole record made once (_plan): one struct call for the body, then the output
# tuple built in one expression. Its source holds only integers chosen here (field
# and column positions, the header size), never a value of the record.
_Reader = Callable[[Any, str], tuple[Any, ...]]
_PLANS: dict[bytes, tuple[_Reader, int] | None] = {}
_PLANS_MAX = 4096
_CODES = {1: "b", 2: "h", 4: "i", 6: "q", 7: "d"}
_PLAN_NS = {"TEXT_ERRORS": TEXT_ERRORS, "from_bytes": int.from_bytes}


def _plan(hdr: bytes) -> tuple[_Reader, int] | None:
    pos = 1
    fmt = [">"]
    out: list[str] = []
    k = 0
    while pos < len(hdr):
        t, pos = get_varint(hdr, pos)
        if t == 0 or t == 8 or t == 9:
            out.append("None" if t == 0 else str(t - 8))
            continue
        if t in _CODES:
            fmt.append(_CODES[t])
            out.append(f"(x if (x := v[{k}]) == x else None)" if t == 7 else f"v[{k}]")
        elif t == 3 or t == 5:
            fmt.append("3s" if t == 3 else "6s")
            out.append(f"from_bytes(v[{k}], 'big', signed=True)")
        elif t >= 12:
            fmt.append(f"{(t - 12) >> 1}s")
            out.append(f"v[{k}].decode(enc, TEXT_ERRORS)" if t & 1 else f"v[{k}]")
        else:
            return None
        k += 1
    if pos != len(hdr) or not out or len(out) > 250:
        return None
    st = struct.Struct("".join(fmt))
    ns = dict(_PLAN_NS)
    ns["unpack"] = st.unpack_from
    src = (f"def read(b, enc):\n    v = unpack(b, {len(hdr)})\n"
           f"    return ({', '.join(out)},)\n")
    exec(compile(src, "<record plan>", "exec"), ns)  # noqa: S102 - integers only, see above
    read: _Reader = ns["read"]  # type: ignore[assignment]
    return read, len(hdr) + st.size


def decode_row(payload: bytes | bytearray, encoding: str = "utf-8") -> tuple[Value, ...]:
    """decode_row(payload) -> every column as a tuple; equal to tuple(decode(payload)).
    Records with a one-byte header size are read by a reader planned per distinct
    header (_PLANS): the rows of one table share a few headers."""
    hsize = payload[0] if payload else 0x80
    if hsize < 0x80:
        hdr = bytes(payload[:hsize])
        try:
            plan = _PLANS[hdr]
        except KeyError:
            if len(_PLANS) >= _PLANS_MAX:
                _PLANS.clear()
            plan = _PLANS[hdr] = _plan(hdr) if hsize > 1 else None
        if plan is not None and plan[1] <= len(payload):
            return plan[0](payload, encoding)
    return tuple(decode_columns(payload, 1 << 30, encoding))


def column_count(payload: bytes | bytearray | memoryview) -> int:
    """column_count(payload) -> how many columns the record header lists."""
    try:
        hsize, pos = get_varint(payload, 0)
        count = 0
        while pos < hsize:
            _, pos = get_varint(payload, pos)
            count += 1
        return count
    except IndexError as exc:
        raise CorruptError() from exc


# -- comparison -------------------------------------------------------------

_RANK: dict[type, int] = {type(None): 0, int: 1, float: 1, bool: 1, str: 2, bytes: 3,
                          bytearray: 3, memoryview: 3}


def sort_keys(entries: list[Any], key_info: KeyInfo = BINARY_KEY) -> list[Any]:
    """sort_keys(entries, key_info) -> entries in `compare` order (a new list; stable).

    Without collations or DESC columns the sort key is (storage-class rank, value) per
    column, which orders as compare does (int/float exactly, text by code point =
    UTF-8 byte order, blobs by bytes); otherwise compare itself is the comparator."""
    if not any(c is not None for c in key_info.collations) and not any(key_info.desc):
        rank = _RANK

        def key(e: Sequence[Value]) -> tuple[tuple[int, Value], ...]:
            return tuple([(rank[type(v)], v if type(v) is not memoryview else bytes(v))
                          for v in e])
        return sorted(entries, key=key)
    def cmp(a: Sequence[Value], b: Sequence[Value]) -> int:
        return compare(a, b, key_info)
    return sorted(entries, key=functools.cmp_to_key(cmp))


def compare_values(a: Value, b: Value, coll: Collation | None = None) -> int:
    """compare_values(a, b, coll) -> -1/0/1: SQLite ordering of two values."""
    ra = _RANK[type(a)]
    rb = _RANK[type(b)]
    if ra != rb:
        return -1 if ra < rb else 1
    if ra == 0:
        return 0
    if ra == 2 and coll is not None:
        c = coll(a, b)
        return -1 if c < 0 else (1 if c > 0 else 0)
    if ra == 3:
        a = bytes(a)
        b = bytes(b)
    return -1 if a < b else (1 if a > b else 0)


def compare(a: Sequence[Value], b: Sequence[Value], key_info: KeyInfo = BINARY_KEY) -> int:
    """compare(a, b, key_info) -> -1/0/1 over the common leading columns (prefix compare)."""
    colls = key_info.collations
    desc = key_info.desc
    nc = len(colls)
    nd = len(desc)
    rank = _RANK
    for i in range(min(len(a), len(b))):
        x = a[i]
        y = b[i]
        tx = type(x)
        if tx is type(y) and tx is not str:
            if x == y:
                continue
            c = -1 if x < y else 1
        else:
            rx = rank[tx]
            ry = rank[type(y)]
            if rx != ry:
                c = -1 if rx < ry else 1
            elif rx == 2:
                coll = colls[i] if i < nc else None
                if coll is None:
                    if x == y:
                        continue
                    c = -1 if x < y else 1
                else:
                    c = coll(x, y)
                    if c == 0:
                        continue
                    c = -1 if c < 0 else 1
            elif rx == 0:
                continue
            else:
                if rx == 3:
                    x = bytes(x)
                    y = bytes(y)
                if x == y:
                    continue
                c = -1 if x < y else 1
        if i < nd and desc[i]:
            c = -c
        return c
    return 0
