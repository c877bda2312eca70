"""SQLite's variable-length integers (file format §"B-tree pages", varint).

1..9 bytes, big-endian; bytes 1-8 carry 7 bits each with the high bit set
when another byte follows; a 9th byte carries 8 bits. Values are 64-bit
two's complement, so negative numbers always take 9 bytes."""

from __future__ import annotations

_MASK64 = (1 << 64) - 1


def get_varint(buf: bytes | bytearray | memoryview, pos: int) -> tuple[int, int]:
    """get_varint(buf, pos) -> (value, new_pos); value is signed 64-bit."""
    b = buf[pos]
    if b < 0x80:
        return b, pos + 1
    v = b & 0x7F
    for i in range(1, 8):
        b = buf[pos + i]
        v = (v << 7) | (b & 0x7F)
        if b < 0x80:
            return v, pos + i + 1
    v = (v << 8) | buf[pos + 8]
    if v & 0x8000000000000000:
        v -= 1 << 64
    return v, pos + 9


def put_varint(v: int) -> bytes:
    """put_varint(v) -> the varint bytes of a signed 64-bit integer."""
    if 0 <= v < 0x80:
        return bytes((v,))
    v &= _MASK64
    if v > 0x00FFFFFFFFFFFFFF:
        out = bytearray(9)
        out[8] = v & 0xFF
        v >>= 8
        for i in range(7, -1, -1):
            out[i] = (v & 0x7F) | 0x80
            v >>= 7
        return bytes(out)
    tmp = [v & 0x7F]
    v >>= 7
    while v:
        tmp.append((v & 0x7F) | 0x80)
        v >>= 7
    tmp.reverse()
    return bytes(tmp)


def varint_len(v: int) -> int:
    """varint_len(v) -> number of bytes put_varint(v) produces."""
    if 0 <= v < 0x80:
        return 1
    v &= _MASK64
    if v > 0x00FFFFFFFFFFFFFF:
        return 9
    n = 0
    while v:
        n += 1
        v >>= 7
    return n
