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
