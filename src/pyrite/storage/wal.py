"""Reading the write-ahead log: the valid prefix of a -wal file.

File format §4.1 (WAL). Header, 32 bytes:

    0  magic 0x377f0682 (little-endian checksums) or 0x377f0683 (big-endian)
    4  format version 3007000      8  page size      12 checkpoint sequence
    16 salt-1   20 salt-2          24 checksum-1     28 checksum-2 (over bytes 0..23)

Frame header, 24 bytes, then one page:

    0 page number   4 database size after commit (0 unless a commit frame)
    8 salt-1  12 salt-2 (must equal the header's)  16 checksum-1  20 checksum-2

Checksums run cumulatively over the header and every frame (its first 8 header
bytes, then the page). Only frames up to the last valid commit frame count.
With the shared wal-index (walindex.py) the pager appends frames under the WRITE
lock and finds them through the -shm file; read_wal() serves the fallback that
holds the database EXCLUSIVE (pager.py, P6)."""

from __future__ import annotations

import struct

from pyrite.io import File

WAL_HEADER = struct.Struct(">IIIIIIII")
FRAME_HEADER = struct.Struct(">IIIIII")
assert WAL_HEADER.size == 32 and FRAME_HEADER.size == 24
WAL_MAGIC_LE = 0x377F0682
WAL_MAGIC_BE = 0x377F0683


def wal_checksum(data: bytes, s1: int, s2: int, big_endian: bool) -> tuple[int, int]:
    """Fold `data` (a multiple of 8 bytes) into the running checksum (s1, s2)."""
    n = len(data) // 4
    words = struct.unpack(f"{'>' if big_endian else '<'}{n}I", data)
    m = 0xFFFFFFFF
    for i in range(0, n, 2):
        s1 = (s1 + words[i] + s2) & m
        s2 = (s2 + words[i + 1] + s1) & m
    return s1, s2


# -- page checksums, incrementally ---------------------------------------------
#
# The checksum is linear: one step maps (s1, s2) to A(s1, s2) + (x, x + y) mod 2**32
# with A = [[1, 1], [1, 2]], so folding a page of m word pairs from (s1, s2) gives
# A**m (s1, s2) + C(page), where C(page), the fold from (0, 0), is the sum over
# fixed-size chunks of A**(pairs after the chunk) times the chunk's own fold. A page
# that comes back with few bytes changed (a commit that added one cell) has only its
# changed chunks folded again; the rest is reused (_PAGES, per caller key).

_MASK = 0xFFFFFFFF
_CHUNK = 256  # bytes per chunk of a page
_PAGES: dict[object, tuple[bytes, list[tuple[int, int]], int, int, bool]] = {}
_PAGES_MAX = 256
_PAGES_BYTES = 1 << 20  # at most this much of page images kept
_POWERS: dict[int, tuple[int, int, int]] = {0: (1, 0, 1)}  # A**j = [[a, b], [b, d]]


def _power(j: int) -> tuple[int, int, int]:
    p = _POWERS.get(j)
    if p is None:
        a, b, d = _power(j // 2)
        # A**j symmetric: [[a, b], [b, d]] squared
        a2, b2, d2 = (a * a + b * b) & _MASK, (a * b + b * d) & _MASK, (b * b + d * d) & _MASK
        if j & 1:  # times A = [[1, 1], [1, 2]]
            a2, b2, d2 = (a2 + b2) & _MASK, (a2 + 2 * b2) & _MASK, (b2 + 2 * d2) & _MASK
        p = _POWERS[j] = (a2, b2, d2)
    return p


def _chunk_part(data: bytes, start: int, pairs_after: int, big: bool) -> tuple[int, int]:
    """A**pairs_after times the fold of data[start:start+_CHUNK] from (0, 0)."""
    c1, c2 = wal_checksum(data[start:start + _CHUNK], 0, 0, big)
    a, b, d = _power(pairs_after)
    return (a * c1 + b * c2) & _MASK, (b * c1 + d * c2) & _MASK


def frame_checksum(fh8: bytes, data: bytes, s1: int, s2: int, big: bool,
                   key: object = None) -> tuple[int, int]:
    """The running checksum after a frame: wal_checksum over its first 8 header bytes
    (fh8), then over the page `data`. `key` names the page across calls (e.g. (file,
    page number)): its last image is kept, and only the chunks that differ from it are
    folded again -- the result is the same as folding every byte."""
    s1, s2 = wal_checksum(fh8, s1, s2, big)
    n = len(data)
    if key is None or n % _CHUNK or n < 4 * _CHUNK:
        return wal_checksum(data, s1, s2, big)
    per = _CHUNK // 8
    m = n // 8
    nchunks = n // _CHUNK
    old = _PAGES.get(key)
    if old is not None and old[0] is not data and len(old[0]) == n and old[4] == big:
        image, parts, t1, t2, _ = old
        parts = list(parts)
        for c in range(nchunks):
            lo = c * _CHUNK
            hi = lo + _CHUNK
            if data[lo:hi] != image[lo:hi]:
                o1, o2 = parts[c]
                p1, p2 = parts[c] = _chunk_part(data, lo, m - per * (c + 1), big)
                t1 = (t1 - o1 + p1) & _MASK
                t2 = (t2 - o2 + p2) & _MASK
    else:
        parts = [_chunk_part(data, c * _CHUNK, m - per * (c + 1), big) for c in range(nchunks)]
        t1 = sum(p[0] for p in parts) & _MASK
        t2 = sum(p[1] for p in parts) & _MASK
    if key not in _PAGES and len(_PAGES) >= min(_PAGES_MAX, _PAGES_BYTES // n):
        _PAGES.clear()
    _PAGES[key] = (bytes(data), parts, t1, t2, big)
    a, b, d = _power(m)
    return (a * s1 + b * s2 + t1) & _MASK, (b * s1 + d * s2 + t2) & _MASK


class WalSnapshot:
    """Which frame holds the newest committed copy of each page."""

    __slots__ = ("frames", "db_size", "page_size", "max_frame", "salt1", "salt2", "ck", "end",
                 "seq", "ours")

    def __init__(self) -> None:
        self.frames: dict[int, int] = {}  # pgno -> file offset of the page image
        self.db_size = 0
        self.page_size = 0
        self.max_frame = 0
        self.salt1 = 0
        self.salt2 = 0
        self.ck = (0, 0)  # running checksum after the last commit frame
        self.end = 32  # file offset just after the last commit frame
        self.seq = 0  # checkpoint sequence number of the header
        self.ours = False  # frames written by this pager (appendable)


def read_wal(wf: File, expected_page_size: int | None = None) -> WalSnapshot:
    """Scan a -wal file and return its committed snapshot (empty when none is valid)."""
    snap = WalSnapshot()
    size = wf.size()
    if size < 32:
        return snap
    hdr = wf.read(0, 32)
    magic, version, page_size, _seq, salt1, salt2, ck1, ck2 = WAL_HEADER.unpack(hdr)
    if magic not in (WAL_MAGIC_LE, WAL_MAGIC_BE) or version != 3007000:
        return snap
    if page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
        return snap
    if expected_page_size is not None and page_size != expected_page_size:
        return snap
    big = magic == WAL_MAGIC_BE
    s1, s2 = wal_checksum(hdr[:24], 0, 0, big)
    if (s1, s2) != (ck1, ck2):
        return snap
    snap.page_size = page_size
    snap.salt1, snap.salt2, snap.seq = salt1, salt2, _seq
    pending: dict[int, int] = {}
    off = 32
    frame = 0
    fsize = 24 + page_size
    while off + fsize <= size:
        raw = wf.read(off, fsize)
        pgno, commit, fs1, fs2, fc1, fc2 = FRAME_HEADER.unpack_from(raw, 0)
        if fs1 != salt1 or fs2 != salt2 or pgno == 0:
            break
        s1, s2 = wal_checksum(raw[:8], s1, s2, big)
        s1, s2 = wal_checksum(raw[24:], s1, s2, big)
        if (s1, s2) != (fc1, fc2):
            break
        frame += 1
        pending[pgno] = off + 24
        if commit:
            snap.frames.update(pending)
            pending.clear()
            snap.db_size = commit
            snap.max_frame = frame
            snap.ck = (s1, s2)
            snap.end = off + fsize
        off += fsize
    return snap
