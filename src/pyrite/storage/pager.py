"""The pager: pages in and out of the database file, and transactions.

Owns the page cache, dirty tracking, the rollback journal, savepoints and the
file locks. Knows nothing of cells, records or SQL. File format: database
header (format.py), rollback journal (journal.py), WAL read side (wal.py).

State machine (`Pager.state`):

    NONE  --begin_read()-->  READ      SHARED lock; hot journal rolled back; cache revalidated
    READ  --begin_write()--> WRITE     RESERVED lock (BusyError if another writer)
    WRITE --commit()-------> READ      journal, EXCLUSIVE, write pages, sync, drop journal
    WRITE --rollback()-----> READ      dirty pages dropped from the cache
    WRITE --commit() fails-> NONE      I/O error: cache dropped, journal left hot (P7)
    In WAL mode (journal_mode = "wal", or a file whose header says WAL) the pager holds
    EXCLUSIVE from the first begin_read() to close() (P6); commit() appends frames to
    the -wal file (_commit_wal) instead of journaling, and the WAL is checkpointed into
    the database after WAL_AUTOCHECKPOINT frames and on close().
    READ  --end_read()-----> NONE      lock released
    (begin_write() from NONE does begin_read() first; end_read() in WRITE rolls back.)

Invariants:
  P1: the database file is never written before commit(): dirty pages stay in
      the cache (never evicted), so rollback() only forgets them.
  P2: the journal holds the original image of every page commit() overwrites,
      and is synced (twice, synchronous=FULL) before any database page is written.
  P3: commit() writes the database only while holding EXCLUSIVE.
  P4: every commit increments the change counter and sets version-valid-for and
      the in-header page count, so readers (and sqlite3) see a new header.
  P5: begin_read() drops the cache when bytes 24..39 of the header changed since
      this pager last held a lock (another process committed).
  P7: a commit that fails after the journal is written leaves the pager in NONE with an
      empty cache; the journal stays, so the next begin_read() rolls it back.
  P6: a WAL database is held with an EXCLUSIVE lock for as long as it is open
      (no shared wal-index yet), and its WAL is checkpointed before the first write.
"""

from __future__ import annotations

import enum
import os
import struct
import time
from collections.abc import Callable

from pyrite import constants as C
from pyrite.errors import BusyError, CorruptError, Error, OperationalError, ReadOnlyError
from pyrite.io import BLOCKING_VFS, BlockingBackend, File, IOBackend, LockLevel, Op, Request, Vfs

from .format import (
    HEADER_FIELDS,
    PAGE_LEAF_TABLE,
    SQLITE_VERSION_NUMBER,
    new_header,
    page_size_from_header,
    validate_header,
)
from .journal import is_hot, playback, write_journal
from .wal import WAL_HEADER, WAL_MAGIC_LE, WalSnapshot, read_wal, wal_checksum

_U32 = struct.Struct(">I")
_u32 = _U32.unpack_from
Page = bytes | bytearray
WAL_AUTOCHECKPOINT = 1000  # frames, as SQLite's default wal_autocheckpoint
JOURNAL_MODES = ("delete", "truncate", "persist", "memory", "off", "wal")


class State(enum.Enum):
    NONE = 0
    READ = 1
    WRITE = 2


class _Savepoint:
    __slots__ = ("images", "page_count")

    def __init__(self, page_count: int) -> None:
        self.images: dict[int, bytes] = {}
        self.page_count = page_count


def _probe(name: str) -> None:
    """Named probe for rarely reached branches (STYLE 5); counts when tests watch."""
    PROBES[name] = PROBES.get(name, 0) + 1


PROBES: dict[str, int] = {}


class Pager:
    """Pages of one database file, a cache over them, and transactions."""

    def __init__(self, file: File, *, page_size_hint: int = 4096,
                 journal_path: str | None = None, wal_path: str | None = None,
                 vfs: Vfs | None = None, readonly: bool = False,
                 backend: IOBackend | None = None) -> None:
        self.file = file
        self.vfs: Vfs = vfs if vfs is not None else BLOCKING_VFS
        self.backend: IOBackend = backend if backend is not None else BlockingBackend()
        self.journal_path = journal_path
        self.wal_path = wal_path
        self.readonly = readonly
        self.state = State.NONE
        self.page_size = page_size_hint if page_size_hint in _VALID_SIZES else 4096
        self.reserved = 0
        self.usable_size = self.page_size
        self.page_count = 0
        self.busy_timeout = 0.0
        self.busy_handler: Callable[[int], bool] | None = None
        self.synchronous = 2  # 0 OFF, 1 NORMAL, 2 FULL
        self.codec = "utf-8"  # Python codec of the text encoding; set from the header
        self.gen = 0  # bumped on every page change; cursors re-seek when it moved
        self._cache: dict[int, Page] = {}
        self._dirty: set[int] = set()
        self._orig: dict[int, bytes] = {}
        self._orig_count = 0
        self._db_pages = 0
        self._savepoints: list[_Savepoint] = []
        self._sig: bytes | None = None
        self._cache_size = 2000
        self._wal: WalSnapshot | None = None
        self._wal_file: File | None = None
        self._wal_seq = 0
        self._is_wal = False
        self._mode = "delete" if journal_path is not None else "memory"
        self._closed = False

    @classmethod
    def open(cls, file: File, *, page_size_hint: int = 4096, journal_path: str | None = None,
             wal_path: str | None = None, vfs: Vfs | None = None,
             readonly: bool = False) -> Pager:
        """Pager.open(file, page_size_hint=, journal_path=) -> Pager over an opened File.

        Nothing is read yet: like sqlite3, a file that is not a database fails at the
        first begin_read() ("file is not a database"), not here."""
        return cls(file, page_size_hint=page_size_hint, journal_path=journal_path,
                   wal_path=wal_path, vfs=vfs, readonly=readonly)

    # -- properties ---------------------------------------------------------
    @property
    def in_write(self) -> bool:
        return self.state is State.WRITE

    @property
    def in_read(self) -> bool:
        return self.state is not State.NONE

    @property
    def journal_mode(self) -> str:
        return "wal" if self._is_wal else self._mode

    @journal_mode.setter
    def journal_mode(self, mode: str) -> None:
        mode = mode.lower()
        if mode not in JOURNAL_MODES:
            raise OperationalError(f"unknown journal mode: {mode}")
        if self.journal_path is None or self.wal_path is None:
            # in-memory databases keep their journal in memory (or none at all)
            if mode in ("memory", "off"):
                self._mode = mode
            return
        if mode == "wal" and self._is_wal or mode == self._mode and not self._is_wal:
            return
        if self.state is State.WRITE:
            raise OperationalError("cannot change into wal mode from within a transaction"
                                   if mode == "wal" else
                                   "cannot change out of wal mode from within a transaction")
        was_reading = self.state is State.READ
        if mode == "wal":
            _probe("wal_enter")
            self.begin_write()
            page1 = self.write_page(1)
            page1[18] = page1[19] = 2
            self.commit()
            self._lock(LockLevel.EXCLUSIVE)  # P6
            self._is_wal = True
        elif self._is_wal:
            _probe("wal_leave")
            self.begin_read()
            self._checkpoint_wal()
            self._is_wal = False
            self._mode = mode
            self.begin_write()
            page1 = self.write_page(1)
            page1[18] = page1[19] = 1
            self.commit()
        else:
            self._mode = mode
        if not was_reading:
            self.end_read()

    @property
    def text_encoding(self) -> str:
        """The Python codec of the database text encoding (header offset 56)."""
        return self.codec

    @property
    def cache_size(self) -> int:
        return self._cache_size

    @cache_size.setter
    def cache_size(self, n: int) -> None:
        if n < 0:
            n = max(10, (-n * 1024) // self.page_size)
        self._cache_size = max(10, n)

    def set_page_size(self, size: int, reserved: int | None = None) -> bool:
        """Set the page size (and reserved bytes per page) of a database that has no pages
        yet; True if it took effect."""
        if self.state is State.NONE:
            self.begin_read()
            self.end_read()
        if size not in _VALID_SIZES or self.page_count > 0 or self._db_pages > 0:
            return False
        if reserved is not None:
            if not 0 <= reserved <= 255 or size - reserved < 480:
                return False
            self.reserved = reserved
        self.page_size = size
        self.usable_size = size - self.reserved
        self._cache.clear()
        return True

    # -- locks --------------------------------------------------------------
    def _lock(self, level: LockLevel) -> None:
        deadline = time.monotonic() + self.busy_timeout
        tries = 0
        while True:
            try:
                self.file.lock(level)
                return
            except BusyError:
                tries += 1
                if self.busy_handler is not None:
                    if not self.busy_handler(tries):
                        raise
                elif time.monotonic() >= deadline:
                    raise
                time.sleep(min(0.001 * tries, 0.02))

    # -- reading ------------------------------------------------------------
    def begin_read(self) -> None:
        """Take SHARED, roll back a hot journal, revalidate the cache (P5)."""
        if self._closed:
            raise OperationalError("database is closed")
        if self.state is not State.NONE:
            return
        if self._is_wal:
            # P6: the EXCLUSIVE lock was never released, so nothing changed underneath.
            self.state = State.READ
            return
        self._lock(LockLevel.SHARED)
        try:
            self._check_hot_journal()
            self._load_header()
        except BaseException:
            self.file.unlock(LockLevel.NONE)
            raise
        self.state = State.READ

    def end_read(self) -> None:
        """Release every lock (a write transaction still open is rolled back)."""
        if self.state is State.WRITE:
            self.rollback()
        if self.state is State.READ:
            if not self._is_wal:
                self.file.unlock(LockLevel.NONE)
            self.state = State.NONE

    def _check_hot_journal(self) -> None:
        jp = self.journal_path
        if jp is None or self.readonly and not self.vfs.exists(jp):
            return
        if not self.vfs.exists(jp) or self.file.check_reserved():
            return
        jf: File | None = self.vfs.open(jp, readonly=self.readonly, create=False)
        assert jf is not None
        try:
            if not is_hot(jf) or self.file.size() == 0:
                return
            if self.readonly:
                raise OperationalError("attempt to write a readonly database",
                                       code=C.SQLITE_READONLY_ROLLBACK)
            self._lock(LockLevel.EXCLUSIVE)
            _probe("hot_journal_rollback")
            try:
                if jf is not None and is_hot(jf):
                    playback(jf, self.file)
                    self._finish_journal(jf, "delete" if self._mode not in ("truncate", "persist")
                                         else self._mode)
                    jf = None
            finally:
                self.file.unlock(LockLevel.SHARED)
            self._cache.clear()
            self._sig = None
        finally:
            if jf is not None:
                jf.close()

    def _load_header(self) -> None:
        size = self.file.size()
        if size == 0 and not self._is_wal:
            self._db_pages = 0
            self.page_count = 0
            if self._sig is not None:
                self._drop_cache()
            self._sig = None
            return
        hdr = self.file.read(0, 100)
        page_size, reserved = validate_header(hdr)
        if hdr[18] == 2 and hdr[19] == 2 and self.wal_path is not None and not self._is_wal:
            self._open_wal()
        sig = hdr[24:40]
        if sig != self._sig or page_size != self.page_size:
            self._drop_cache()
        self._sig = sig
        self.codec = _CODECS.get(_u32(hdr, 56)[0], "utf-8")
        self.page_size = page_size
        self.reserved = reserved
        self.usable_size = page_size - reserved
        pages = (size + page_size - 1) // page_size
        in_header = _u32(hdr, 28)[0]
        if in_header and _u32(hdr, 24)[0] == _u32(hdr, 92)[0]:
            pages = in_header
        if self._wal is not None and self._wal.db_size:
            pages = self._wal.db_size
        self._db_pages = pages
        self.page_count = pages

    def _open_wal(self) -> None:
        assert self.wal_path is not None
        self._lock(LockLevel.EXCLUSIVE)  # P6
        self._is_wal = True
        _probe("wal_open")
        if self.vfs.exists(self.wal_path):
            wf = self.vfs.open(self.wal_path, readonly=self.readonly, create=False)
            hdr = self.file.read(16, 2)
            snap = read_wal(wf, page_size_from_header(int.from_bytes(hdr, "big")))
            self._wal_file = wf
            self._wal = snap if snap.frames else None
            if self._wal is None:
                wf.close()
                self._wal_file = None
            else:
                _probe("wal_frames_read")

    def _drop_cache(self) -> None:
        self._cache.clear()
        self.gen += 1

    def get_page(self, pgno: int) -> Page:
        """The image of page `pgno`, read-only (bytes when clean); write_page to change it."""
        p = self._cache.get(pgno)
        if p is not None:
            return p
        return self._load(pgno)

    def _load(self, pgno: int) -> Page:
        if pgno < 1 or pgno > self.page_count:
            if pgno == 1 and self.page_count == 0:
                return self._empty_page1()
            raise CorruptError()
        ps = self.page_size
        wal = self._wal
        if wal is not None and pgno in wal.frames:
            assert self._wal_file is not None
            data = self._wal_file.read(wal.frames[pgno], ps)
        else:
            data = self.file.read((pgno - 1) * ps, ps)
        if len(data) < ps:
            data = data + bytes(ps - len(data))
        page = data
        cache = self._cache
        if len(cache) >= self._cache_size:
            self._evict()
        cache[pgno] = page
        return page

    def _evict(self) -> None:
        cache = self._cache
        dirty = self._dirty
        target = self._cache_size * 3 // 4
        victims = []
        for k in cache:
            if k not in dirty and k != 1:
                victims.append(k)
                if len(cache) - len(victims) <= target:
                    break
        for k in victims:
            del cache[k]

    def _empty_page1(self) -> bytearray:
        page = bytearray(self.page_size)
        page[:100] = new_header(self.page_size, self.reserved)
        page[100] = PAGE_LEAF_TABLE
        _set_u16(page, 105, self.usable_size & 0xFFFF)
        return page

    # -- header fields ------------------------------------------------------
    def header_get(self, field: str) -> int:
        off = HEADER_FIELDS[field]
        if self.page_count == 0:
            if field == "schema_format":
                return 0
            if field == "text_encoding":
                return 1
            return 0
        return int(_u32(self.get_page(1), off)[0])

    def header_set(self, field: str, value: int) -> None:
        off = HEADER_FIELDS[field]
        _U32.pack_into(self.write_page(1), off, value & 0xFFFFFFFF)

    # -- writing ------------------------------------------------------------
    def begin_write(self) -> None:
        """Take RESERVED (BusyError when another connection is writing)."""
        if self.readonly:
            raise ReadOnlyError()
        if self.state is State.WRITE:
            return
        if self.state is State.NONE:
            self.begin_read()
        if self._is_wal and self._wal is not None and not self._wal.ours:
            self._checkpoint_wal()  # frames written by another process: fold them in first
        if self.page_count and _u32(self.get_page(1), 52)[0]:
            # auto_vacuum files keep pointer-map pages that pyrite does not maintain yet.
            raise ReadOnlyError("attempt to write a readonly database "
                                "(pyrite cannot yet write auto_vacuum databases)")
        self._lock(LockLevel.RESERVED)
        self.state = State.WRITE
        self._orig_count = self.page_count
        if self.page_count == 0:
            self.page_count = 1
            page = self._empty_page1()
            self._cache[1] = page
            self._dirty.add(1)
            self.gen += 1

    def _checkpoint_wal(self) -> None:
        """Copy the WAL's committed pages into the database file and drop the WAL (P6)."""
        wal = self._wal
        if wal is not None and self._wal_file is not None:
            _probe("wal_checkpoint")
            ps = self.page_size
            for pgno, off in sorted(wal.frames.items()):
                if pgno <= wal.db_size:
                    self.file.write((pgno - 1) * ps, self._wal_file.read(off, ps))
            self.file.truncate(wal.db_size * ps)
            self.file.sync(True)
            self._wal_seq = wal.seq + 1
            self._wal_file.close()
            self._wal_file = None
            self._wal = None
        if self.wal_path is not None and self.vfs.exists(self.wal_path):
            self.vfs.delete(self.wal_path)

    def write_page(self, pgno: int) -> bytearray:
        """The page image to modify in place: journaled, marked dirty, savepoint-captured."""
        assert self.state is State.WRITE, "write outside a write transaction"
        cpage = self._cache.get(pgno)
        if cpage is None:
            cpage = self._load(pgno)
        if type(cpage) is bytearray:
            page = cpage
        else:
            page = self._cache[pgno] = bytearray(cpage)
        if pgno not in self._dirty:
            if pgno <= self._orig_count and pgno not in self._orig:
                self._orig[pgno] = bytes(page)
            self._dirty.add(pgno)
        sps = self._savepoints
        if sps:
            imgs = sps[-1].images
            if pgno not in imgs and pgno <= sps[-1].page_count:
                imgs[pgno] = bytes(page)
        self.gen += 1
        return page

    def new_page(self, pgno: int) -> bytearray:
        """A zeroed, dirty image for a page just allocated (appended or taken off the freelist)."""
        assert self.state is State.WRITE
        if pgno <= self.page_count:
            page = self.write_page(pgno)
            page[:] = bytes(self.page_size)
            return page
        assert pgno == self.page_count + 1
        self.page_count = pgno
        page = bytearray(self.page_size)
        self._cache[pgno] = page
        self._dirty.add(pgno)
        self.gen += 1
        return page

    def truncate_pages(self, count: int) -> None:
        """Shrink the database to `count` pages at commit (pages beyond are dropped)."""
        assert self.state is State.WRITE
        for pgno in range(count + 1, self.page_count + 1):
            self._cache.pop(pgno, None)
            self._dirty.discard(pgno)
        self.page_count = count

    def commit(self) -> None:
        """Make the transaction durable (P2, P3, P4); state becomes READ."""
        if self.state is not State.WRITE:
            return
        if not self._dirty and self.page_count == self._orig_count:
            self._end_write()
            return
        page1 = self.write_page(1)
        cc = (_u32(page1, 24)[0] + 1) & 0xFFFFFFFF
        _U32.pack_into(page1, 24, cc)
        _U32.pack_into(page1, 28, self.page_count)
        _U32.pack_into(page1, 92, cc)
        _U32.pack_into(page1, 96, SQLITE_VERSION_NUMBER)
        if self._is_wal:
            self._commit_wal()
            return
        self._lock(LockLevel.EXCLUSIVE)
        mode = self._mode
        jf: File | None = None
        sync = self.synchronous > 0
        if self.journal_path is not None and mode in ("delete", "truncate", "persist"):
            jf = self.vfs.open(self.journal_path, readonly=False, create=True)
            write_journal(jf, self._orig, self._orig_count, self.page_size, sync)
        try:
            ps = self.page_size
            cache = self._cache
            reqs = [Request(Op.WRITE, self.file, (pgno - 1) * ps, data=bytes(cache[pgno]))
                    for pgno in sorted(self._dirty) if pgno <= self.page_count]
            for comp in self.backend.submit(reqs):
                if comp.error is not None:
                    raise comp.error
            if self.page_count < self._db_pages or self.file.size() > self.page_count * ps:
                self.file.truncate(self.page_count * ps)
            if sync:
                self.file.sync(self.synchronous >= 2)
        except Error:
            self._undo_failed_commit()
            if jf is not None:
                jf.close()
            raise
        if jf is not None:
            self._finish_journal(jf, mode)
        self._sig = bytes(cache[1][24:40])
        self._db_pages = self.page_count
        self._end_write()

    def _commit_wal(self) -> None:
        """Append the dirty pages to the WAL as frames, the last one a commit frame; sync."""
        assert self.wal_path is not None
        snap = self._wal
        ps = self.page_size
        if snap is None:
            snap = WalSnapshot()
            snap.page_size = ps
            snap.ours = True
            snap.seq = self._wal_seq
        try:
            if self._wal_file is None:
                self._wal_file = self.vfs.open(self.wal_path, readonly=False, create=True)
            wf = self._wal_file
            parts: list[bytes] = []
            fresh = snap.max_frame == 0
            if fresh:
                salt1, salt2 = struct.unpack(">II", os.urandom(8))
                head = WAL_HEADER.pack(WAL_MAGIC_LE, 3007000, ps, snap.seq, salt1, salt2, 0, 0)
                s1, s2 = wal_checksum(head[:24], 0, 0, False)
                parts.append(head[:24] + struct.pack(">II", s1, s2))
                start = 0
                cur = 32
            else:
                salt1, salt2 = snap.salt1, snap.salt2
                s1, s2 = snap.ck
                start = cur = snap.end
            cache = self._cache
            dirty = sorted(p for p in self._dirty if p <= self.page_count)
            new: dict[int, int] = {}
            last = len(dirty) - 1
            for i, pgno in enumerate(dirty):
                data = bytes(cache[pgno])
                fh8 = struct.pack(">II", pgno, self.page_count if i == last else 0)
                s1, s2 = wal_checksum(fh8, s1, s2, False)
                s1, s2 = wal_checksum(data, s1, s2, False)
                parts.append(fh8 + struct.pack(">IIII", salt1, salt2, s1, s2) + data)
                new[pgno] = cur + 24
                cur += 24 + ps
            wf.write(start, b"".join(parts))
            if self.synchronous > 0:
                wf.sync(self.synchronous >= 2)
        except Error:
            self._abandon_write()
            raise
        snap.frames.update(new)
        snap.db_size = self.page_count
        snap.max_frame += len(dirty)
        snap.end = cur
        snap.ck = (s1, s2)
        snap.salt1, snap.salt2 = salt1, salt2
        self._wal = snap
        self._db_pages = self.page_count
        _probe("wal_commit")
        self._end_write()
        if snap.max_frame >= WAL_AUTOCHECKPOINT:
            self._checkpoint_wal()

    def _finish_journal(self, jf: File, mode: str) -> None:
        assert self.journal_path is not None
        if mode == "truncate":
            jf.truncate(0)
            jf.close()
        elif mode == "persist":
            jf.write(0, bytes(28))
            jf.close()
        else:
            jf.close()
            self.vfs.delete(self.journal_path)

    def _undo_failed_commit(self) -> None:
        """After a failed database write: put the original pages back (best effort), then
        end the read transaction too and forget the cache. The journal stays on disk, so the
        next begin_read() finds it hot and repairs whatever the undo could not (P7)."""
        try:
            ps = self.page_size
            for pgno, img in self._orig.items():
                self.file.write((pgno - 1) * ps, img)
            self.file.truncate(self._orig_count * ps)
        except Error:
            pass
        self._abandon_write()
        self._cache.clear()
        self._sig = None
        self.state = State.NONE
        try:
            self.file.unlock(LockLevel.NONE)
        except Error:
            pass

    def rollback(self) -> None:
        """Forget every change of the transaction (P1); state becomes READ."""
        if self.state is not State.WRITE:
            return
        self._abandon_write()

    def _abandon_write(self) -> None:
        cache = self._cache
        for pgno in self._dirty:
            cache.pop(pgno, None)
        self.page_count = self._orig_count
        self.gen += 1
        self._end_write()

    def _end_write(self) -> None:
        self._dirty.clear()
        self._orig.clear()
        self._savepoints.clear()
        if not self._is_wal:
            self.file.unlock(LockLevel.SHARED)
        self.state = State.READ

    # -- savepoints ---------------------------------------------------------
    def savepoint_begin(self) -> int:
        """Open a nested savepoint; returns its number (1 = outermost)."""
        self._savepoints.append(_Savepoint(self.page_count))
        return len(self._savepoints)

    def savepoint_release(self, n: int) -> None:
        """Close savepoint n and every savepoint inside it, keeping their changes."""
        sps = self._savepoints
        if n < 1 or n > len(sps):
            return
        if n >= 2:
            parent = sps[n - 2]
            limit = parent.page_count
            pimg = parent.images
            for sp in sps[n - 1:]:
                for pgno, img in sp.images.items():
                    if pgno not in pimg and pgno <= limit:
                        pimg[pgno] = img
        del sps[n - 1:]

    def savepoint_rollback(self, n: int) -> None:
        """Undo every change since savepoint n began; savepoint n stays open (empty)."""
        sps = self._savepoints
        if n < 1 or n > len(sps):
            return
        cache = self._cache
        for sp in reversed(sps[n - 1:]):
            for pgno, img in sp.images.items():
                page = cache.get(pgno)
                if type(page) is bytearray:
                    page[:] = img
                else:
                    cache[pgno] = bytearray(img)
        target = sps[n - 1].page_count
        for pgno in range(target + 1, self.page_count + 1):
            cache.pop(pgno, None)
            self._dirty.discard(pgno)
        self.page_count = target
        sps[n - 1].images = {}
        del sps[n:]
        self.gen += 1

    # -- lifetime -----------------------------------------------------------
    def close(self) -> None:
        if self._closed:
            return
        if self.state is State.WRITE:
            self.rollback()
        if self._is_wal and not self.readonly:
            try:
                self._checkpoint_wal()
            except Error:
                pass  # the WAL stays; whoever opens the file next recovers from it
        self.state = State.NONE
        self.file.unlock(LockLevel.NONE)
        if self._wal_file is not None:
            self._wal_file.close()
            self._wal_file = None
        self.file.close()
        self._closed = True


_CODECS = {1: "utf-8", 2: "utf-16-le", 3: "utf-16-be"}
_VALID_SIZES = frozenset(1 << i for i in range(9, 17))


def _set_u16(buf: bytearray, off: int, v: int) -> None:
    buf[off] = (v >> 8) & 0xFF
    buf[off + 1] = v & 0xFF
