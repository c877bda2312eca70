"""The rollback journal: writing it before a commit, and playing back a hot one.

File format §4 (rollback journal). A journal is one or more segments, each a
header padded to the sector size followed by page records:

    header: magic d9d505f920a163d7 (8) | nRec (4) | checksum nonce (4)
            | initial database page count (4) | sector size (4) | page size (4)
    record: page number (4) | original page image (page size) | checksum (4)

checksum = nonce + page[page_size-200] + page[page_size-400] + ... (bytes, u32 wrap).
nRec 0xFFFFFFFF means "as many records as the file holds" (no-sync journals).
Knows nothing of B-trees."""

from __future__ import annotations

import os
import struct

from pyrite.io import File

JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")
JOURNAL_HEADER = struct.Struct(">8sIIIII")
assert JOURNAL_HEADER.size == 28
SECTOR_SIZE = 4096
_U32 = struct.Struct(">I")


def page_checksum(nonce: int, data: bytes | bytearray, page_size: int) -> int:
    """The journal checksum of one page image."""
    ck = nonce
    i = page_size - 200
    while i > 0:
        ck += data[i]
        i -= 200
    return ck & 0xFFFFFFFF


def write_journal(jf: File, pages: dict[int, bytes], orig_count: int, page_size: int,
                  sync: bool) -> None:
    """Write a one-segment journal of `pages` (pgno -> original image).

    Order as synchronous=FULL: header with nRec=0 and records, sync, then the
    real nRec, sync again (P2: the journal is durable before the database is
    written)."""
    jf.truncate(0)
    append_segment(jf, 0, pages, orig_count, page_size, sync)


def append_segment(jf: File, offset: int, pages: dict[int, bytes], orig_count: int,
                   page_size: int, sync: bool) -> int:
    """Write one journal segment (header + records) at `offset` (a sector boundary) and
    make it durable as write_journal does; returns the next sector boundary.

    A transaction that spills pages before commit writes one segment per spill and a
    last one at commit; playback walks them all (each has its own nonce)."""
    nonce = int.from_bytes(os.urandom(4), "big")
    hdr = bytearray(SECTOR_SIZE)
    JOURNAL_HEADER.pack_into(hdr, 0, JOURNAL_MAGIC, 0, nonce, orig_count, SECTOR_SIZE, page_size)
    parts: list[bytes] = [bytes(hdr)]
    for pgno in sorted(pages):
        img = pages[pgno]
        parts.append(_U32.pack(pgno))
        parts.append(img)
        parts.append(_U32.pack(page_checksum(nonce, img, page_size)))
    data = b"".join(parts)
    jf.write(offset, data)
    if sync:
        jf.sync(True)
    jf.write(offset + 8, _U32.pack(len(pages)))
    if sync:
        jf.sync(True)
    end = offset + len(data)
    return (end + SECTOR_SIZE - 1) // SECTOR_SIZE * SECTOR_SIZE


def is_hot(jf: File) -> bool:
    """True when the journal has content that must be rolled back (nonzero magic byte)."""
    if jf.size() < JOURNAL_HEADER.size:
        return False
    return jf.read(0, 8) == JOURNAL_MAGIC


def playback(jf: File, db: File) -> int | None:
    """Copy every valid original page back into `db`; truncate it to the original size.

    Returns the original page size used, or None when the journal held no valid
    header. A record whose checksum fails ends the playback (it was never synced,
    so the database page it covers was never overwritten)."""
    size = jf.size()
    off = 0
    first_count: int | None = None
    page_size_used: int | None = None
    while off + JOURNAL_HEADER.size <= size:
        magic, nrec, nonce, orig_count, sector, page_size = JOURNAL_HEADER.unpack(
            jf.read(off, JOURNAL_HEADER.size))
        if magic != JOURNAL_MAGIC:
            break
        if sector < 32 or sector > 65536 or sector & (sector - 1):
            break
        if page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
            break
        if first_count is None:
            first_count = orig_count
            page_size_used = page_size
        rec_size = page_size + 8
        off += sector
        if nrec == 0xFFFFFFFF:
            nrec = (size - off) // rec_size
        for _ in range(nrec):
            rec = jf.read(off, rec_size)
            if len(rec) < rec_size:
                break
            pgno = _U32.unpack_from(rec, 0)[0]
            img = rec[4:4 + page_size]
            if _U32.unpack_from(rec, 4 + page_size)[0] != page_checksum(nonce, img, page_size):
                off = size
                break
            if pgno != 0:
                db.write((pgno - 1) * page_size, img)
            off += rec_size
        else:
            off = (off + sector - 1) // sector * sector
            continue
        break
    if first_count is None or page_size_used is None:
        return None
    db.truncate(first_count * page_size_used)
    db.sync(True)
    return page_size_used
