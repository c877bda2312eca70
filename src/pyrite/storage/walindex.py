"""The wal-index (`<db>-shm`) in SQLite's layout, shared with sqlite3 processes.

Owns the bytes of the -shm file and the WAL locking protocol (SQLite's wal.c and
walformat.html); the pager owns pages and the WAL file's frames. Knows nothing of
cells. All integers in the -shm file are in native byte order.

Region 0 (32 KiB), then one more region per 4096 frames:

    0    WalIndexHdr copy 1 (48)   48   WalIndexHdr copy 2 (48)
    96   nBackfill (4)            100  aReadMark[0..4] (5 x 4)
    120  aLock[8]: lock bytes of the slots WRITE CKPT RECOVER READ0..READ4
    128  nBackfillAttempted (4)   132  unused (4)
    136  aPgno[4062]: page number of frames 1..4062
    16384 aHash[8192]: u16 slots, hash (pgno*383) & 8191, linear probing,
          value = index into aPgno + 1 (0 = empty)
    region i >= 1: aPgno[4096] of frames 4062+(i-1)*4096+1.. at 0, aHash at 16384

WalIndexHdr: iVersion 3007000 (4) | unused (4) | iChange (4) | isInit (1) |
bigEndCksum (1) | szPage (2, 1 = 65536) | mxFrame (4) | nPage (4) |
aFrameCksum (2x4) | aSalt (8, the WAL header's bytes 16..23 as they are) |
aCksum (2x4, over the first 40 bytes, native-order words). A writer writes copy
2, then copy 1; a reader trusts the header only when both copies match and the
checksum is right, else it recovers the index from the WAL (under WRITE).

Locks (ShmFile): readers hold READ i shared for their snapshot: READ0 = "the
database file has everything, read no frame"; READ1..4 with aReadMark[i] = the
mxFrame the reader uses (a checkpoint never backfills past a read mark held by
a reader, and the WAL restarts only when READ1..4 can all be locked exclusive).
One writer at a time holds WRITE; one checkpointer holds CKPT (and READ0
exclusive while it copies frames into the database file).

Invariants:
  W1: a header is published only after the frames it counts are written (and
      synced per `synchronous`) and their hash entries are in place.
  W2: frames <= a held read mark are never overwritten (restart needs READ1..4).
  W3: the database file is written only by a checkpoint holding CKPT and READ0.
"""

from __future__ import annotations

import mmap
import os
import struct
import sys
import time
from dataclasses import dataclass

from pyrite.errors import BusyError, CorruptError
from pyrite.io import File
from pyrite.io.shm import ShmFile

from .wal import FRAME_HEADER, WAL_HEADER, WAL_MAGIC_BE, WAL_MAGIC_LE, wal_checksum

_N = "<" if sys.byteorder == "little" else ">"
_BIG = sys.byteorder == "big"
HDR = struct.Struct(_N + "IIIBBHIIII8sII")
assert HDR.size == 48
_U32 = struct.Struct(_N + "I")
_U16 = struct.Struct(_N + "H")
WALINDEX_VERSION = 3007000
READMARK_NOT_USED = 0xFFFFFFFF
NPAGE = 4096
NPAGE_ONE = 4062
NSLOT = 8192
HASH_OFF = 16384
WRITE, CKPT, RECOVER = 0, 1, 2
READ0 = 3
NREADER = 5
_BACKFILL = 96
_READMARK = 100
_ATTEMPTED = 128


@dataclass
class WalHeader:
    """One decoded WalIndexHdr (the snapshot a reader or writer works from)."""

    change: int
    page_size: int
    mx_frame: int
    n_page: int
    cksum: tuple[int, int]
    salt: bytes
    big_end: bool
    raw: bytes


def _probe(name: str) -> None:
    PROBES[name] = PROBES.get(name, 0) + 1


PROBES: dict[str, int] = {}


def _locate(frame: int) -> tuple[int, int, int]:
    """-> (region, iZero, offset of aPgno in the region) for a 1-based frame number."""
    seg = (frame + NPAGE - NPAGE_ONE - 1) // NPAGE
    if seg == 0:
        return 0, 0, 136
    return seg, NPAGE_ONE + (seg - 1) * NPAGE, 0


def _free_slot(m: mmap.mmap, key: int) -> int:
    """The first empty hash slot at or after `key`, wrapping round (SQLite's linear
    probing). Every frame of one page lands on the same key, so a page committed
    again and again makes long runs: searched for a zero slot at C speed."""
    start = HASH_OFF + 2 * key
    for lo, hi in ((start, HASH_OFF + 2 * NSLOT), (HASH_OFF, start)):
        at = m.find(b"\0\0", lo, hi)
        while at >= 0:
            if not (at - HASH_OFF) & 1:
                return (at - HASH_OFF) >> 1
            at = m.find(b"\0\0", at + 1, hi)  # straddles two slots: look on
    raise CorruptError()


class WalIndex:
    """The -shm file of one WAL database, and this process's place in its protocol."""

    def __init__(self, shm: ShmFile, page_size: int) -> None:
        self.shm = shm
        self.page_size = page_size
        self.read_lock = -1
        self._last_slot = 0  # the read slot of the last snapshot (0: none or slot 0)
        self.hdr: WalHeader | None = None
        self.busy_timeout = 0.0

    # -- header ---------------------------------------------------------------
    def _try_header(self) -> WalHeader | None:
        m = self.shm.region(0)
        h1 = bytes(m[0:48])
        if h1 != bytes(m[48:96]):
            return None
        h0 = self.hdr
        if h0 is not None and h1 == h0.raw:
            return h0  # unchanged since checked (SQLite's walIndexTryHdr: no checksum)
        f = HDR.unpack(h1)
        if f[3] == 0:
            return None
        if wal_checksum(h1[:40], 0, 0, _BIG) != (f[11], f[12]):
            return None
        if f[0] != WALINDEX_VERSION:
            raise CorruptError("unsupported wal-index version")
        ps = (f[5] & 0xFE00) + ((f[5] & 1) << 16)
        return WalHeader(f[2], ps, f[6], f[7], (f[8], f[9]), f[10], bool(f[4]), h1)

    def _write_header(self, change: int, mx: int, npage: int, cksum: tuple[int, int],
                      salt: bytes, big_end: bool) -> WalHeader:
        ps = self.page_size
        sz = (ps & 0xFF00) | (ps >> 16)
        body = HDR.pack(WALINDEX_VERSION, 0, change & 0xFFFFFFFF, 1, int(big_end), sz, mx, npage,
                        cksum[0], cksum[1], salt, 0, 0)
        c1, c2 = wal_checksum(body[:40], 0, 0, _BIG)
        raw = body[:40] + _U32.pack(c1) + _U32.pack(c2)
        m = self.shm.region(0)
        m[48:96] = raw  # copy 2 first: a reader seeing two equal copies sees a whole header
        m[0:48] = raw
        h = WalHeader(change & 0xFFFFFFFF, ps, mx, npage, cksum, salt, big_end, raw)
        self.hdr = h
        return h

    def _u32(self, off: int) -> int:
        return int(_U32.unpack_from(self.shm.region(0), off)[0])

    def _set_u32(self, off: int, v: int) -> None:
        _U32.pack_into(self.shm.region(0), off, v & 0xFFFFFFFF)

    @property
    def n_backfill(self) -> int:
        return self._u32(_BACKFILL)

    # -- hash tables ------------------------------------------------------------
    def frame_page(self, frame: int) -> int:
        region, izero, base = _locate(frame)
        return int(_U32.unpack_from(self.shm.region(region), base + 4 * (frame - izero - 1))[0])

    def _append(self, frame: int, pgno: int) -> None:
        """Record that `frame` holds page `pgno` (aPgno entry and hash slot)."""
        region, izero, base = _locate(frame)
        m = self.shm.region(region)
        idx = frame - izero
        if idx == 1:
            m[base:HASH_OFF + 2 * NSLOT] = bytes(HASH_OFF + 2 * NSLOT - base)
        elif _U32.unpack_from(m, base + 4 * (idx - 1))[0]:
            # Leftovers of frames written but never committed: clear entries past idx-1.
            _probe("walindex_cleanup")
            limit = idx - 1
            for k in range(NSLOT):
                if _U16.unpack_from(m, HASH_OFF + 2 * k)[0] > limit:
                    _U16.pack_into(m, HASH_OFF + 2 * k, 0)
            m[base + 4 * limit:HASH_OFF] = bytes(HASH_OFF - base - 4 * limit)
        _U32.pack_into(m, base + 4 * (idx - 1), pgno)
        _U16.pack_into(m, HASH_OFF + 2 * _free_slot(m, (pgno * 383) & (NSLOT - 1)), idx)

    # -- waiting ----------------------------------------------------------------
    def _wait(self, slot: int, n: int, exclusive: bool) -> None:
        deadline = time.monotonic() + self.busy_timeout
        tries = 0
        while not self.shm.lock(slot, n, exclusive):
            tries += 1
            if time.monotonic() >= deadline:
                raise BusyError()
            time.sleep(min(0.001 * tries, 0.02))

    # -- recovery ---------------------------------------------------------------
    def _recover(self, wal: File | None) -> None:
        """Rebuild the index from the WAL file's valid commit prefix (under WRITE)."""
        self._wait(WRITE, 1, True)
        try:
            if self._try_header() is not None:
                return  # someone else recovered meanwhile
            self._wait(CKPT, 2, True)
            try:
                _probe("walindex_recover")
                self._rebuild(wal)
            finally:
                self.shm.unlock(CKPT, 2)
        finally:
            self.shm.unlock(WRITE, 1)

    def _rebuild(self, wal: File | None) -> None:
        ps = self.page_size
        mx = npage = 0
        cksum = (0, 0)
        salt = bytes(8)
        big = False
        frames: list[int] = []
        size = wal.size() if wal is not None else 0
        if wal is not None and size >= 32:
            head = wal.read(0, 32)
            magic, version, wps, _seq, _s1, _s2, c1, c2 = WAL_HEADER.unpack(head)
            if (magic in (WAL_MAGIC_LE, WAL_MAGIC_BE) and version == 3007000 and wps == ps):
                big = magic == WAL_MAGIC_BE
                s1, s2 = wal_checksum(head[:24], 0, 0, big)
                if (s1, s2) == (c1, c2):
                    salt = head[16:24]
                    cksum = (s1, s2)
                    off = 32
                    fsize = 24 + ps
                    pending: list[int] = []
                    while off + fsize <= size:
                        raw = wal.read(off, fsize)
                        pgno, commit = FRAME_HEADER.unpack_from(raw, 0)[:2]
                        if raw[8:16] != salt or pgno == 0:
                            break
                        s1, s2 = wal_checksum(raw[:8], s1, s2, big)
                        s1, s2 = wal_checksum(raw[24:], s1, s2, big)
                        if (s1, s2) != FRAME_HEADER.unpack_from(raw, 0)[4:6]:
                            break
                        pending.append(pgno)
                        if commit:
                            frames.extend(pending)
                            pending.clear()
                            mx = len(frames)
                            npage = commit
                            cksum = (s1, s2)
                        off += fsize
        for i, pgno in enumerate(frames):
            self._append(i + 1, pgno)
        self._write_header(self._u32(8) + 1, mx, npage, cksum, salt, big)
        self._set_u32(_BACKFILL, 0)
        self._set_u32(_ATTEMPTED, mx)
        self._set_u32(_READMARK, 0)
        for i in range(1, NREADER):
            if self.shm.lock(READ0 + i, 1, True):
                self._set_u32(_READMARK + 4 * i, mx if i == 1 and mx else READMARK_NOT_USED)
                self.shm.unlock(READ0 + i, 1)

    # -- reading ----------------------------------------------------------------
    def begin_read(self, wal: File | None) -> WalHeader:
        """Take a read snapshot: a whole header and a read lock that pins it."""
        assert self.read_lock < 0
        h0 = self.hdr
        if h0 is not None and self._retake(h0):
            return h0
        deadline = time.monotonic() + max(self.busy_timeout, 1.0)
        tries = 0
        recovered = False
        while True:
            tries += 1
            if tries > 1 and not recovered:
                if time.monotonic() >= deadline:
                    raise BusyError()
                time.sleep(min(0.0005 * tries, 0.01))
            recovered = False
            h = self._try_header()
            if h is None:
                if tries < 3 and any(self.shm.region(0)[0:96]):
                    continue  # a writer may be between its two header copies
                # (a zeroed header is a new -shm: recover at once, as SQLite does,
                # and look again without waiting)
                self._recover(wal)
                recovered = True
                continue
            if h.page_size != self.page_size and h.mx_frame:
                raise CorruptError()
            if self.n_backfill == h.mx_frame:
                if self.shm.lock(READ0, 1, False):
                    if self._try_header() != h:
                        self.shm.unlock(READ0, 1)
                        continue
                    self.read_lock = 0
                    self.hdr = h
                    return h
            best, best_mark = 0, 0
            for i in range(1, NREADER):
                mark = self._u32(_READMARK + 4 * i)
                if best_mark <= mark <= h.mx_frame and mark != READMARK_NOT_USED:
                    best, best_mark = i, mark
            if best_mark < h.mx_frame or best == 0:
                for i in range(1, NREADER):
                    if self.shm.lock(READ0 + i, 1, True):
                        self._set_u32(_READMARK + 4 * i, h.mx_frame)
                        self.shm.unlock(READ0 + i, 1)
                        best, best_mark = i, h.mx_frame
                        break
            if best == 0:
                continue
            if not self.shm.lock(READ0 + best, 1, False):
                continue
            if self._u32(_READMARK + 4 * best) != best_mark or self._try_header() != h:
                self.shm.unlock(READ0 + best, 1)
                continue
            # The mark (<= mxFrame) keeps checkpoints from copying newer frames into
            # the database and the WAL from restarting under this snapshot (W2).
            self.read_lock = self._last_slot = best
            self.hdr = h
            return h

    def _retake(self, h: WalHeader) -> bool:
        """The fast path of begin_read: nothing was committed or checkpointed since
        snapshot `h` was taken, so its read slot (0 when the WAL is all backfilled, else
        the slot whose mark is still h's mxFrame) pins the same snapshot again. The same
        checks as the general path, in the same order: lock, then header and mark
        unchanged; False leaves no lock and lets the general path decide."""
        m = self.shm.region(0)
        raw = h.raw
        if m[0:48] != raw or m[48:96] != raw:
            return False
        mx = h.mx_frame
        if _U32.unpack_from(m, _BACKFILL)[0] == mx:
            slot = 0
        else:
            slot = self._last_slot
            if slot <= 0 or _U32.unpack_from(m, _READMARK + 4 * slot)[0] != mx:
                return False
        if not self.shm.lock(READ0 + slot, 1, False):
            return False
        if m[0:48] != raw or m[48:96] != raw or (
                slot and _U32.unpack_from(m, _READMARK + 4 * slot)[0] != mx):
            self.shm.unlock(READ0 + slot, 1)
            return False
        self.read_lock = slot
        return True

    def end_read(self) -> None:
        if self.read_lock >= 0:
            self.shm.unlock(READ0 + self.read_lock, 1)
            self.read_lock = -1

    # -- writing ----------------------------------------------------------------
    def begin_write(self) -> None:
        """Take WRITE; BusyError when another writer has it or committed since our snapshot
        (SQLITE_BUSY_SNAPSHOT: the read transaction must start over)."""
        self._wait(WRITE, 1, True)
        if self._try_header() != self.hdr:
            self.shm.unlock(WRITE, 1)
            _probe("walindex_stale_snapshot")
            raise BusyError()

    def end_write(self) -> None:
        self.shm.unlock(WRITE, 1)

    def try_write_lock(self, expect: WalHeader | None) -> bool | None:
        """WRITE without waiting, for the pager's repair of a failed commit (pager P8):
        True (held) if the header is still `expect`; False if another writer has WRITE;
        None (not held) if the header moved on since -- the repair is moot then."""
        if not self.shm.lock(WRITE, 1, True):
            return False
        h = self._try_header()
        if expect is None or h is None or h.raw != expect.raw:
            self.shm.unlock(WRITE, 1)
            return None
        return True

    def try_restart(self) -> bool:
        """Under WRITE, reading with READ0 and everything backfilled: start the WAL over
        (W2: only when no reader holds READ1..4). True if it restarted."""
        h = self.hdr
        assert h is not None
        if self.read_lock != 0 or h.mx_frame == 0 or self.n_backfill != h.mx_frame:
            return False
        if not self.shm.lock(READ0 + 1, NREADER - 1, True):
            return False
        try:
            _probe("walindex_restart")
            s1 = (int.from_bytes(h.salt[:4], "big") + 1) & 0xFFFFFFFF
            salt = s1.to_bytes(4, "big") + os.urandom(4)
            self._write_header(h.change + 1, 0, h.n_page, h.cksum, salt, h.big_end)
            self._set_u32(_BACKFILL, 0)
            self._set_u32(_ATTEMPTED, 0)
            self._set_u32(_READMARK + 4, 0)
            for i in range(2, NREADER):
                self._set_u32(_READMARK + 4 * i, READMARK_NOT_USED)
        finally:
            self.shm.unlock(READ0 + 1, NREADER - 1)
        return True

    def restart_now(self) -> bool:
        """Checkpoint RESTART/TRUNCATE, holding no lock: with WRITE and READ1..4 to be had
        and the WAL wholly backfilled, start it over. True if it did."""
        if not self.shm.lock(WRITE, 1, True):
            return False
        try:
            h = self._try_header()
            if h is None or self.n_backfill != h.mx_frame:
                return False
            if h.mx_frame == 0:
                return True
            if not self.shm.lock(READ0 + 1, NREADER - 1, True):
                return False
            try:
                _probe("walindex_restart")
                s1 = (int.from_bytes(h.salt[:4], "big") + 1) & 0xFFFFFFFF
                self._write_header(h.change + 1, 0, h.n_page, h.cksum,
                                   s1.to_bytes(4, "big") + os.urandom(4), h.big_end)
                self._set_u32(_BACKFILL, 0)
                self._set_u32(_ATTEMPTED, 0)
                self._set_u32(_READMARK + 4, 0)
                for i in range(2, NREADER):
                    self._set_u32(_READMARK + 4 * i, READMARK_NOT_USED)
            finally:
                self.shm.unlock(READ0 + 1, NREADER - 1)
            return True
        finally:
            self.shm.unlock(WRITE, 1)

    def publish(self, first_frame: int, pgnos: list[int], npage: int, cksum: tuple[int, int],
                salt: bytes, big_end: bool) -> WalHeader:
        """Under WRITE, after the frames are in the WAL file: index them and publish (W1)."""
        for i, pgno in enumerate(pgnos):
            self._append(first_frame + i, pgno)
        h = self.hdr
        assert h is not None
        return self._write_header(h.change + 1, first_frame + len(pgnos) - 1, npage, cksum,
                                  salt, big_end)

    # -- checkpoint -------------------------------------------------------------
    def checkpoint(self, wal: File, db: File, sync: bool) -> bool:
        """Copy frames into the database as far as readers allow (W3), holding no read
        lock of our own. True when the whole WAL is now backfilled."""
        assert self.read_lock < 0
        h = self._try_header()
        if h is None or h.mx_frame == 0:
            return h is not None
        if not self.shm.lock(CKPT, 1, True):
            return False
        try:
            safe = h.mx_frame
            for i in range(1, NREADER):
                mark = self._u32(_READMARK + 4 * i)
                if safe > mark:
                    if self.shm.lock(READ0 + i, 1, True):
                        self._set_u32(_READMARK + 4 * i, safe if i == 1 else READMARK_NOT_USED)
                        self.shm.unlock(READ0 + i, 1)
                    else:
                        safe = mark
            done = self.n_backfill
            if done < safe:
                if not self.shm.lock(READ0, 1, True):
                    return False
                try:
                    _probe("walindex_checkpoint")
                    if sync:
                        wal.sync(True)
                    latest: dict[int, int] = {}
                    for frame in range(done + 1, safe + 1):
                        latest[self.frame_page(frame)] = frame
                    ps = self.page_size
                    for pgno in sorted(latest):
                        if pgno <= h.n_page:
                            off = 32 + (latest[pgno] - 1) * (24 + ps) + 24
                            db.write((pgno - 1) * ps, wal.read(off, ps))
                    if safe == h.mx_frame:
                        db.truncate(h.n_page * ps)
                    if sync:
                        db.sync(True)
                    self._set_u32(_BACKFILL, safe)
                finally:
                    self.shm.unlock(READ0, 1)
            return safe == h.mx_frame
        finally:
            self.shm.unlock(CKPT, 1)

    def close(self, delete: bool) -> None:
        self.end_read()
        self.shm.close(delete)
