"""The pager: pages in and out of the database file, and transactions.

Owns the page cache, dirty tracking, the rollback journal, savepoints and the
file locks. Knows nothing of cells, records or SQL. File format: database
header (format.py), rollback journal (journal.py), WAL read side (wal.py).

State machine (`Pager.state`):

    NONE  --begin_read()-->  READ      SHARED lock; hot journal rolled back; cache revalidated
    READ  --begin_write()--> WRITE     RESERVED lock (BusyError if another writer)
    WRITE --commit()-------> READ      commit_hooks (auto_vacuum, btree.py A2), journal,
                                       EXCLUSIVE, write pages, sync, drop journal
    WRITE --spill_if_needed()-> WRITE  dirty pages journaled, then written early (P1)
    WRITE --rollback()-----> READ      dirty pages dropped from the cache (journal
                                       played back when a spill wrote the file)
    WRITE --commit() fails-> NONE      I/O error: cache dropped, journal left hot (P7)
    In WAL mode (journal_mode = "wal", or a file whose header says WAL) the pager keeps
    SHARED on the database file until close() and works through the shared wal-index
    (walindex.py, SQLite's -shm layout and locks): begin_read() takes a read mark,
    begin_write() the WRITE lock (BusyError if another writer has it or committed
    since our snapshot), commit() appends frames and publishes a new wal-index
    header (_swal_commit), a checkpoint runs after WAL_AUTOCHECKPOINT frames, and the
    last one out checkpoints and deletes the WAL and -shm files (_swal_close).
    READ  --end_read()-----> NONE      lock released
    (begin_write() from NONE does begin_read() first; end_read() in WRITE rolls back.)

Invariants:
  P1: the database file is written before commit() only by a spill: dirty pages stay
      in the cache (never evicted) until more than cache_size of them pile up in a
      rollback-journal transaction; then spill_if_needed() (called by the B-tree
      between operations) journals their originals as a new journal segment, syncs
      it (P2), takes EXCLUSIVE (P3; if busy the pages just stay) and writes them to
      the file, dropping them from the cache. rollback() without a spill only forgets
      the dirty pages; after one it plays the journal back first. WAL and
      memory/off journal modes never spill (their dirty pages stay in memory).
  P2: the journal holds the original image of every page commit() overwrites or
      truncate_pages() cuts off, and is synced (twice, synchronous=FULL) before any
      database page is written.
  P3: commit() writes the database only while holding EXCLUSIVE.
  P4: every commit increments the change counter and sets version-valid-for and
      the in-header page count, so readers (and sqlite3) see a new header.
  P5: begin_read() drops the cache when bytes 24..39 of the header changed since
      this pager last held a lock (another process committed).
  P7: a commit that fails after the journal is written leaves the pager in NONE with an
      empty cache; the journal stays, so the next begin_read() rolls it back.
  P6: a WAL database is shared with other processes through the -shm wal-index
      (walindex.py, invariants W1-W3). Where that is not possible (a VFS without
      shared memory: memory, simulated; a read-only file) the fallback holds it with
      an EXCLUSIVE lock for as long as it is open and checkpoints a foreign WAL
      before the first write -- never a silent risk. SHARED_WAL_INDEX = False
      forces the fallback.
  P8: a WAL commit that raised never becomes durable later. Its frames were appended
      after the last commit frame; on failure the first of them (or the WAL header,
      for a new WAL) is zeroed and synced, so that no later recovery can reach its
      commit frame. When that fails too (the disk still failing), it is retried on
      every later begin_read/end_read/begin_write/close until it succeeds -- only a
      crash before then can still find the transaction (SQLite makes no promise at
      all here: an I/O error in COMMIT may or may not have committed).
  P9: in WAL mode at synchronous=NORMAL a commit does not sync the WAL (as SQLite:
      only a WAL started anew is synced after its first write, and checkpoints sync);
      the database stays consistent after a power cut, the last commits may be lost.
      FULL and EXTRA sync every commit.
  P10: savepoint (statement) images stay in memory up to cache_size of them; the ones
       after go to the sub-journal, an anonymous temporary file (SQLite's statement
       journal spills the same way), read back by savepoint_rollback(). It needs no
       durability: a crash ends the transaction it serves. Its space is reused once no
       savepoint is open.
"""

from __future__ import annotations

import enum
import errno
import os
import struct
import tempfile
import time
from collections.abc import Callable
from typing import BinaryIO, ClassVar

from pyrite import constants as C
from pyrite.errors import (
    BusyError,
    CorruptError,
    DiskFullError,
    DiskIOError,
    Error,
    OperationalError,
    ReadOnlyError,
)
from pyrite.io import BLOCKING_VFS, BlockingBackend, File, IOBackend, LockLevel, Op, Request, Vfs

from .format import (
    HEADER_FIELDS,
    PAGE_LEAF_TABLE,
    SQLITE_VERSION_NUMBER,
    new_header,
    page_size_from_header,
    validate_header,
)
from .journal import append_segment, is_hot, playback, write_journal
from .wal import WAL_HEADER, WAL_MAGIC_LE, WalSnapshot, frame_checksum, read_wal, wal_checksum
from .walindex import WalHeader, WalIndex

_U32 = struct.Struct(">I")
_u32 = _U32.unpack_from
Page = bytes | bytearray
WAL_AUTOCHECKPOINT = 1000  # frames, as SQLite's default wal_autocheckpoint
SHARED_WAL_INDEX = True  # False: every WAL file takes the P6 fallback (EXCLUSIVE lock)
JOURNAL_MODES = ("delete", "truncate", "persist", "memory", "off", "wal")


class State(enum.Enum):
    NONE = 0
    READ = 1
    WRITE = 2


class _Savepoint:
    __slots__ = ("images", "page_count")

    def __init__(self, page_count: int) -> None:
        # pgno -> the page as the savepoint began: the bytes, or (P10) where they sit
        # in the sub-journal
        self.images: dict[int, bytes | int] = {}
        self.page_count = page_count


def _probe(name: str) -> None:
    """Named probe for rarely reached branches (STYLE 5); counts when tests watch."""
    PROBES[name] = PROBES.get(name, 0) + 1


PROBES: dict[str, int] = {}


class Pager:
    """Pages of one database file, a cache over them, and transactions."""

    # Run by commit() before anything is written, in the write transaction (the B-tree
    # layer registers its auto_vacuum pass here: the pager knows nothing of cells).
    commit_hooks: ClassVar[list[Callable[[Pager], None]]] = []

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
        # Asked before a spill writes the file: False while other connections of this
        # process read it (database.py D3); None = no in-process readers to ask.
        self.spill_gate: Callable[[], bool] | None = None
        self.synchronous = 2  # 0 OFF, 1 NORMAL, 2 FULL
        self.codec = "utf-8"  # Python codec of the text encoding; set from the header
        self.gen = 0  # bumped on every page change; cursors re-seek when it moved
        # Commits seen: by any connection of this process, or found made by another
        # process when a read transaction starts (PRAGMA data_version, PagerView).
        self.data_changes = 0
        self.autocheckpoint = WAL_AUTOCHECKPOINT  # PRAGMA wal_autocheckpoint (<= 0: off)
        self._cache: dict[int, Page] = {}
        self._dirty: set[int] = set()
        self._orig: dict[int, bytes] = {}
        self._journaled: set[int] = set()  # originals already in the journal file (spill)
        self._jf: File | None = None  # the journal, open once a spill wrote to it
        self._jend = 0  # where the journal's next segment goes
        self._orig_count = 0
        self._db_pages = 0
        self._savepoints: list[_Savepoint] = []
        self._sig: bytes | None = None
        self._cache_size = 2000
        self._wal: WalSnapshot | None = None
        self._wal_file: File | None = None
        self._wal_seq = 0
        self._is_wal = False
        # Shared wal-index mode (P6): the -shm file, the snapshot last read from it, and
        # pgno -> offset of the newest frame <= _map_mx (frames are used when _wal_use).
        self._shm: WalIndex | None = None
        self._wal_hdr: WalHeader | None = None
        self._wal_map: dict[int, int] = {}
        self._map_mx = 0
        self._wal_use = False
        self._mode = "delete" if journal_path is not None else "memory"
        self._closed = False
        # P8: where the frames of a failed WAL commit begin (file offset, bytes to zero)
        # while that invalidation is not yet synced; with the wal-index header it
        # applies to (shared mode) -- another commit since makes it moot.
        self._wal_undo: tuple[int, int] | None = None
        self._wal_undo_hdr: WalHeader | None = None
        # P10: savepoint images held in memory, and the sub-journal for the rest
        self._sp_kept = 0
        self._subj: BinaryIO | None = None
        self._subj_end = 0

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
            if self._try_shared_wal(self.page_size):
                self._swal_begin_read()
            else:
                self._lock(LockLevel.EXCLUSIVE)  # P6 fallback
                self._is_wal = True
        elif self._is_wal:
            _probe("wal_leave")
            self.begin_read()
            if self._shm is not None:
                self._swal_leave()
            else:
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
        if self._wal_undo is not None:
            self._undo_failed_frames()
        if self._is_wal:
            if self._shm is not None:
                self._swal_begin_read()
            # else P6 fallback: the EXCLUSIVE lock was never released, nothing changed.
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
        if self._wal_undo is not None:
            self._undo_failed_frames()
        if self.state is State.READ:
            if not self._is_wal:
                self.file.unlock(LockLevel.NONE)
            elif self._shm is not None:
                self._shm.end_read()
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
            if self._try_shared_wal(page_size):
                self.codec = _CODECS.get(_u32(hdr, 56)[0], "utf-8")
                self.page_size = page_size
                self.reserved = reserved
                self.usable_size = page_size - reserved
                self._drop_cache()
                self._swal_begin_read()
                return
            self._open_wal()
        sig = hdr[24:40]
        if sig != self._sig or page_size != self.page_size:
            if self._sig is not None:
                self.data_changes += 1  # another process committed
            self._drop_cache()
        self._sig = sig
        self.codec = _CODECS.get(_u32(hdr, 56)[0], "utf-8")
        self.page_size = page_size
        self.reserved = reserved
        self.usable_size = page_size - reserved
        pages = (size + page_size - 1) // page_size
        in_header = _u32(hdr, 28)[0]
        if in_header and _u32(hdr, 24)[0] == _u32(hdr, 92)[0]:
            if in_header > pages and self._wal is None:
                raise CorruptError()  # as SQLite: more pages than the file holds
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
        elif self._wal_use and pgno in self._wal_map:
            assert self._wal_file is not None
            data = self._wal_file.read(self._wal_map[pgno], ps)
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
        fresh = self.state is State.NONE
        if fresh:
            self.begin_read()
        elif self._wal_undo is not None:
            self._undo_failed_frames()
        try:
            if self._shm is not None:
                self._swal_begin_write(fresh)
                return
            if self._is_wal and self._wal is not None and not self._wal.ours:
                self._checkpoint_wal()  # frames written by another process: fold them in
            self._lock(LockLevel.RESERVED)
        except BaseException:
            if fresh:
                self.end_read()  # the read begun here holds no lock after a failed begin
            raise
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
            if pgno <= self._orig_count and pgno not in self._orig and (
                    pgno not in self._journaled):
                self._orig[pgno] = bytes(page)
            self._dirty.add(pgno)
        sps = self._savepoints
        if sps:
            imgs = sps[-1].images
            if pgno not in imgs and pgno <= sps[-1].page_count:
                self._sp_kept += 1
                imgs[pgno] = bytes(page) if self._sp_kept <= self._cache_size else (
                    self._subj_write(page))
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
        """Shrink the database to `count` pages at commit (pages beyond are dropped).

        A dropped page that the file holds now goes into the journal (P2: rollback
        and hot-journal playback give it back), and into the open savepoint."""
        assert self.state is State.WRITE
        sp = self._savepoints[-1] if self._savepoints else None
        for pgno in range(count + 1, self.page_count + 1):
            if pgno <= self._orig_count and pgno not in self._orig and (
                    pgno not in self._journaled):
                self._orig[pgno] = bytes(self.get_page(pgno))
            if sp is not None and pgno <= sp.page_count and pgno not in sp.images:
                self._sp_kept += 1
                img = self.get_page(pgno)
                sp.images[pgno] = bytes(img) if self._sp_kept <= self._cache_size else (
                    self._subj_write(img))
            self._cache.pop(pgno, None)
            self._dirty.discard(pgno)
        self.page_count = count

    def commit(self) -> None:
        """Make the transaction durable (P2, P3, P4); state becomes READ."""
        if self.state is not State.WRITE:
            return
        if not self._dirty and self.page_count == self._orig_count and self._jf is None:
            self._end_write()
            return
        for hook in self.commit_hooks:
            hook(self)
        # The change counter, size and version-valid-for of page 1 move with every
        # rollback-mode commit; in WAL mode only when page 1 is written anyway (the
        # schema, the freelist or the size changed), as SQLite's pagerWalFrames: a
        # commit that touched one leaf writes one frame.
        if not self._is_wal or 1 in self._dirty or self.page_count != self._orig_count:
            page1 = self.write_page(1)
            cc = (_u32(page1, 24)[0] + 1) & 0xFFFFFFFF
            _U32.pack_into(page1, 24, cc)
            _U32.pack_into(page1, 28, self.page_count)
            _U32.pack_into(page1, 92, cc)
            _U32.pack_into(page1, 96, SQLITE_VERSION_NUMBER)
        if self._is_wal:
            self._commit_wal()
            self.data_changes += 1
            return
        self._lock(LockLevel.EXCLUSIVE)
        mode = self._mode
        jf: File | None = None
        sync = self.synchronous > 0
        if self._jf is not None:
            jf = self._jf
            self._jf = None
            try:
                if self._orig:
                    append_segment(jf, self._jend, self._orig, self._orig_count,
                                   self.page_size, sync)
            except Error:
                jf.close()
                self._undo_failed_commit()
                raise
        elif self.journal_path is not None and mode in ("delete", "truncate", "persist"):
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
        self.data_changes += 1

    def _commit_wal(self) -> None:
        """Append the dirty pages to the WAL as frames, the last one a commit frame; sync."""
        assert self.wal_path is not None
        if self._shm is not None:
            self._swal_commit()
            return
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
                s1, s2 = frame_checksum(fh8, data, s1, s2, False, (id(self), pgno))
                parts.append(fh8 + struct.pack(">IIII", salt1, salt2, s1, s2) + data)
                new[pgno] = cur + 24
                cur += 24 + ps
            self._wal_undo = (start, 32 if start == 0 else 24)
            wf.write(start, b"".join(parts))
            if self.synchronous >= 2 or (self.synchronous == 1 and fresh):
                wf.sync(self.synchronous >= 2)  # NORMAL: a new WAL header only (P9)
        except Error:
            self._abandon_write()
            if self._wal_undo is not None:
                self._undo_failed_frames()  # P8
            raise
        self._wal_undo = None
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
        if 0 < self.autocheckpoint <= snap.max_frame:
            try:
                self._checkpoint_wal()
            except Error:
                # The commit is durable in the WAL already: a failed automatic
                # checkpoint must not make it look failed. The WAL stays and is
                # checkpointed (or recovered) later.
                _probe("wal_autocheckpoint_failed")

    def _finish_journal(self, jf: File, mode: str) -> None:
        assert self.journal_path is not None
        # The commit point of TRUNCATE and PERSIST is the journal's truncation or
        # zeroed header: it must be durable before commit() returns, or a power cut
        # replays the old journal over a committed transaction (as SQLite syncs the
        # journal here: after a truncate when synchronous >= FULL, after zeroing the
        # header unless synchronous is OFF).
        # If that fails, the database file already holds the synced transaction:
        # deleting the journal is the other way to make it the committed state.
        if mode in ("truncate", "persist"):
            try:
                if mode == "truncate":
                    jf.truncate(0)
                    if self.synchronous >= 2:
                        jf.sync(True)
                else:
                    jf.write(0, bytes(28))
                    if self.synchronous > 0:
                        jf.sync(False)
            except Error:
                jf.close()
                self.vfs.delete(self.journal_path)
                return
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
        """Forget every change of the transaction (P1); state becomes READ. After a
        spill the journal is played back into the file first."""
        if self.state is not State.WRITE:
            return
        jf = self._jf
        if jf is not None:
            self._jf = None
            _probe("spill_rollback")
            try:
                playback(jf, self.file)
                self._finish_journal(jf, self._mode)
            except Error:
                jf.close()
                self._undo_failed_commit()  # the journal stays hot (P7)
                raise
            self._abandon_write()
            self._drop_cache()
            return
        self._abandon_write()

    # -- spilling -----------------------------------------------------------
    def spill_if_needed(self) -> None:
        """Called by the B-tree layer between operations (no page image is held then):
        when the dirty pages outgrow cache_size, spill them (P1, P2)."""
        if (self.state is State.WRITE and len(self._dirty) > self._cache_size
                and not self._is_wal and self.journal_path is not None
                and self._mode in ("delete", "truncate", "persist")):
            self._spill()

    def _spill(self) -> None:
        """Write the dirty pages (page 1 aside) to the database file before commit: their
        original images go to the journal as a new segment, synced first (P2); the file
        is written under EXCLUSIVE (P3) and the pages leave the cache. When EXCLUSIVE is
        not to be had right now the pages stay in memory."""
        if self.spill_gate is not None and not self.spill_gate():
            _probe("spill_busy")
            return
        try:
            self.file.lock(LockLevel.EXCLUSIVE)
        except BusyError:
            _probe("spill_busy")
            return
        _probe("spill")
        assert self.journal_path is not None
        sync = self.synchronous > 0
        ps = self.page_size
        victims = sorted(p for p in self._dirty if p != 1 and p <= self.page_count)
        try:
            if self._jf is None:
                jf = self.vfs.open(self.journal_path, readonly=False, create=True)
                jf.truncate(0)
                self._jf = jf
                self._jend = 0
            orig = self._orig
            seg = {p: orig.pop(p) for p in victims if p in orig}
            if seg:
                self._jend = append_segment(self._jf, self._jend, seg, self._orig_count, ps,
                                            sync)
                self._journaled.update(seg)
            cache = self._cache
            reqs = [Request(Op.WRITE, self.file, (p - 1) * ps, data=bytes(cache[p]))
                    for p in victims]
            for comp in self.backend.submit(reqs):
                if comp.error is not None:
                    raise comp.error
        except Error:
            # The file may hold some spilled pages: roll the whole transaction back
            # from the journal (or leave it hot for the next reader, P7).
            jf2 = self._jf
            self._jf = None
            if jf2 is not None:
                jf2.close()
            self._undo_failed_commit()
            raise
        dirty = self._dirty
        cache = self._cache
        for p in victims:
            dirty.discard(p)
            del cache[p]
        if len(cache) >= self._cache_size:
            self._evict()

    def _abandon_write(self) -> None:
        cache = self._cache
        for pgno in self._dirty:
            cache.pop(pgno, None)
        self.page_count = self._orig_count
        self.gen += 1
        self._end_write()

    def _end_write(self) -> None:
        if self._shm is not None and self.state is State.WRITE:
            self._shm.end_write()
        self._dirty.clear()
        self._orig = {}  # a new dict: database.py hands the old one to WAL readers (D4)
        self._journaled.clear()
        if self._jf is not None:
            self._jf.close()
            self._jf = None
        self._savepoints.clear()
        self._subj_reset()
        if not self._is_wal:
            self.file.unlock(LockLevel.SHARED)
        self.state = State.READ

    # -- shared wal-index (walindex.py) ------------------------------------
    def _try_shared_wal(self, page_size: int) -> bool:
        """Enter WAL mode over the shared -shm file (P6); False when this VFS or file
        cannot (the EXCLUSIVE-lock fallback is used then). The SHARED lock on the
        database file is kept until close(), as SQLite keeps it in WAL mode."""
        open_shm = getattr(self.vfs, "open_shm", None)
        if open_shm is None or self.readonly or self.wal_path is None or not SHARED_WAL_INDEX:
            return False
        try:
            shm = open_shm(self.wal_path[:-4] + "-shm")
            wf = self.vfs.open(self.wal_path, readonly=False, create=True)
        except Error:
            _probe("wal_shm_unavailable")
            return False
        self._shm = WalIndex(shm, page_size)
        self._wal_file = wf
        self._wal_hdr = None
        self._wal_map = {}
        self._map_mx = 0
        self._is_wal = True
        _probe("wal_shared_open")
        return True

    def _swal_begin_read(self) -> None:
        """Take a wal-index read snapshot; drop cached pages that changed since the last."""
        shm = self._shm
        assert shm is not None
        shm.busy_timeout = self.busy_timeout
        h = shm.begin_read(self._wal_file)
        old = self._wal_hdr
        ps = self.page_size
        cache = self._cache
        if old is not None and old is not h:
            self.data_changes += 1  # another process committed (ours move _wal_hdr)
        if old is None or old.salt != h.salt or h.mx_frame < self._map_mx:
            if old is not None:
                _probe("wal_shared_reset")
            cache.clear()
            self.gen += 1
            self._wal_map = {}
            self._map_mx = 0
        if h.mx_frame > self._map_mx:
            m = self._wal_map
            for frame in range(self._map_mx + 1, h.mx_frame + 1):
                pgno = shm.frame_page(frame)
                m[pgno] = 32 + (frame - 1) * (24 + ps) + 24
                cache.pop(pgno, None)
            self._map_mx = h.mx_frame
            self.gen += 1
        self._wal_hdr = h
        self._wal_use = shm.read_lock > 0
        if self._wal_use:
            pages = h.n_page
        else:
            hdr = self.file.read(0, 100)
            size = self.file.size()
            pages = (size + ps - 1) // ps
            if len(hdr) == 100 and _u32(hdr, 28)[0] and _u32(hdr, 24)[0] == _u32(hdr, 92)[0]:
                pages = _u32(hdr, 28)[0]
        self._db_pages = pages
        self.page_count = pages

    def _swal_begin_write(self, fresh: bool) -> None:
        shm = self._shm
        assert shm is not None
        shm.busy_timeout = self.busy_timeout
        deadline = time.monotonic() + self.busy_timeout
        while True:
            try:
                shm.begin_write()
                break
            except BusyError:
                # A snapshot taken just now for this write can be retaken; one the caller
                # has read from cannot (SQLITE_BUSY_SNAPSHOT).
                if not fresh or time.monotonic() >= deadline:
                    raise
                shm.end_read()
                self._swal_begin_read()
                time.sleep(0.001)
        self.state = State.WRITE
        self._orig_count = self.page_count
        if self.page_count == 0:
            self.page_count = 1
            self._cache[1] = self._empty_page1()
            self._dirty.add(1)
            self.gen += 1

    def _swal_commit(self) -> None:
        """Frames to the WAL, then (W1) index entries and the new wal-index header."""
        shm = self._shm
        assert shm is not None and self._wal_file is not None
        ps = self.page_size
        wf = self._wal_file
        try:
            restarted = shm.try_restart()
            h = shm.hdr
            assert h is not None
            mx = h.mx_frame
            parts: list[bytes] = []
            if mx == 0:
                salt = h.salt if h.salt != bytes(8) else os.urandom(8)
                seq = 0
                if wf.size() >= 32:
                    seq = (_u32(wf.read(12, 4), 0)[0] + 1) & 0xFFFFFFFF
                salt1, salt2 = struct.unpack(">II", salt)
                head = WAL_HEADER.pack(WAL_MAGIC_LE, 3007000, ps, seq, salt1, salt2, 0, 0)
                big = False
                s1, s2 = wal_checksum(head[:24], 0, 0, big)
                parts.append(head[:24] + struct.pack(">II", s1, s2))
                start = 0
            else:
                salt = h.salt
                big = h.big_end
                s1, s2 = h.cksum
                start = 32 + mx * (24 + ps)
            cache = self._cache
            dirty = sorted(p for p in self._dirty if p <= self.page_count)
            last = len(dirty) - 1
            for i, pgno in enumerate(dirty):
                data = bytes(cache[pgno])
                fh8 = struct.pack(">II", pgno, self.page_count if i == last else 0)
                s1, s2 = frame_checksum(fh8, data, s1, s2, big, (id(self), pgno))
                parts.append(fh8 + salt + struct.pack(">II", s1, s2) + data)
            self._wal_undo = (start, 32 if start == 0 else 24)
            self._wal_undo_hdr = shm.hdr
            wf.write(start, b"".join(parts))
            if self.synchronous >= 2 or (self.synchronous == 1 and mx == 0):
                wf.sync(self.synchronous >= 2)  # NORMAL: a new WAL header only (P9)
            new = shm.publish(mx + 1, dirty, self.page_count, (s1, s2), salt, big)
        except Error:
            if self._wal_undo is not None:
                self._undo_failed_frames(locked=True)  # P8, still holding WRITE
            shm.end_write()
            self._abandon_write()
            raise
        self._wal_undo = None
        shm.end_write()
        _probe("wal_commit")
        if restarted or mx == 0:
            self._wal_map = {}
        m = self._wal_map
        for i, pgno in enumerate(dirty):
            m[pgno] = 32 + (mx + i) * (24 + ps) + 24
        self._map_mx = new.mx_frame
        self._wal_hdr = new
        self._db_pages = self.page_count
        self._end_write()
        # The read snapshot moves past our own commit (pages cached stay valid).
        shm.end_read()
        if 0 < self.autocheckpoint <= new.mx_frame:
            try:
                if shm.checkpoint(wf, self.file, self.synchronous > 0):
                    _probe("wal_checkpoint")
            except Error:
                _probe("wal_autocheckpoint_failed")
        try:
            self._swal_begin_read()
        except Error:
            # The commit is durable: report success and leave no read transaction
            # behind (the next begin_read() takes a snapshot again).
            _probe("wal_reread_failed")
            self.state = State.NONE

    def _undo_failed_frames(self, locked: bool = False) -> None:
        """P8: zero the start of a failed commit's frames and sync; on failure leave
        `_wal_undo` set for the next try. Never raises (the caller's own error, or
        its own work, matters more; the frames are invisible to this process)."""
        undo = self._wal_undo
        wf = self._wal_file
        if undo is None:
            return
        shm = self._shm
        if wf is None:
            self._wal_undo = None
            return
        if shm is not None and not locked:
            # Another writer's commit since ours overwrote or cut the chain off at
            # our first frame: nothing is left to do. Otherwise WRITE is needed.
            got = shm.try_write_lock(self._wal_undo_hdr)
            if got is None:
                self._wal_undo = None
                return
            if not got:
                return  # a writer is at work right now: next time
        try:
            off, n = undo
            wf.write(off, bytes(n))
            wf.sync(True)
            self._wal_undo = None
            _probe("wal_failed_frames_undone")
        except Error:
            _probe("wal_failed_frames_undo_deferred")
        finally:
            if shm is not None and not locked:
                shm.end_write()

    def wal_checkpoint(self, mode: str = "passive") -> tuple[int, int, int]:
        """PRAGMA wal_checkpoint(mode) -> (busy, log frames, checkpointed frames).

        mode: passive / full / restart / truncate. Not in WAL mode: (0, -1, -1). Inside
        a write transaction nothing is done: (1, -1, -1)."""
        mode = mode.lower()
        if not self._is_wal:
            return 0, -1, -1
        if self.state is State.WRITE:
            return 1, -1, -1
        shm = self._shm
        if shm is None:
            self._checkpoint_wal()  # P6 fallback: the file is ours alone
            return 0, 0, 0
        assert self._wal_file is not None
        reading = self.state is State.READ
        shm.end_read()
        try:
            full = shm.checkpoint(self._wal_file, self.file, self.synchronous > 0)
            if full:
                _probe("wal_checkpoint")
            busy = 0 if full or mode == "passive" else 1
            h = shm._try_header()
            log = h.mx_frame if h is not None else 0
            done = min(shm.n_backfill, log)
            if full and mode in ("restart", "truncate"):
                # RESTART reports the frames it checkpointed (the next writer starts
                # the WAL over); TRUNCATE has emptied it, as SQLite reports (0, 0, 0)
                if shm.restart_now():
                    if mode == "truncate":
                        self._wal_file.truncate(0)
                        log = done = 0
                else:
                    busy = 1
            return busy, log, done
        finally:
            if reading:
                self._swal_begin_read()

    def _swal_close(self) -> None:
        """Last user of the file (EXCLUSIVE on the database to be had): checkpoint all and
        delete the WAL and -shm files, as SQLite does; otherwise just let go."""
        shm = self._shm
        assert shm is not None
        shm.end_read()
        delete = False
        try:
            self.file.lock(LockLevel.EXCLUSIVE)
            assert self._wal_file is not None
            if shm.checkpoint(self._wal_file, self.file, True) and shm.shm.exclusive_user():
                delete = True
        except Error:
            pass
        shm.close(delete)
        self._shm = None
        if delete and self.wal_path is not None:
            if self._wal_file is not None:
                self._wal_file.close()
                self._wal_file = None
            try:
                self.vfs.delete(self.wal_path)
            except Error:
                pass

    def _swal_leave(self) -> None:
        """Leave WAL mode: needs the file to ourselves (EXCLUSIVE), like SQLite."""
        shm = self._shm
        assert shm is not None
        shm.end_read()
        try:
            self.file.lock(LockLevel.EXCLUSIVE)
        except BusyError:
            shm.begin_read(self._wal_file)
            raise OperationalError("database is locked", code=C.SQLITE_BUSY) from None
        assert self._wal_file is not None
        if not shm.checkpoint(self._wal_file, self.file, True):
            raise OperationalError("database is locked", code=C.SQLITE_BUSY)
        shm.close(True)
        self._shm = None
        self._wal_file.close()
        self._wal_file = None
        self._wal_use = False
        self._wal_map = {}
        self._wal_hdr = None
        if self.wal_path is not None:
            self.vfs.delete(self.wal_path)
        self.file.unlock(LockLevel.SHARED)
        self._cache.clear()
        self._sig = None
        self.state = State.NONE
        self._load_header()
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
        if not sps:
            self._subj_reset()

    def savepoint_rollback(self, n: int) -> None:
        """Undo every change since savepoint n began; savepoint n stays open (empty)."""
        sps = self._savepoints
        if n < 1 or n > len(sps):
            return
        cache = self._cache
        dirty = self._dirty
        for sp in reversed(sps[n - 1:]):
            for pgno, kept in sp.images.items():
                img = self._subj_read(kept) if type(kept) is int else kept
                assert isinstance(img, bytes)
                page = cache.get(pgno)
                if type(page) is bytearray:
                    page[:] = img
                else:
                    cache[pgno] = bytearray(img)
                dirty.add(pgno)  # also a page truncate_pages() dropped
        target = sps[n - 1].page_count
        for pgno in range(target + 1, self.page_count + 1):
            cache.pop(pgno, None)
            self._dirty.discard(pgno)
        self.page_count = target
        sps[n - 1].images = {}
        del sps[n:]
        if n == 1:
            self._subj_reset()
        self.gen += 1

    def _subj_write(self, page: Page) -> int:
        """P10: append a savepoint image to the sub-journal -> its offset there."""
        _probe("subjournal_write")
        try:
            f = self._subj
            if f is None:
                f = self._subj = tempfile.TemporaryFile()
                self._subj_end = 0
            off = self._subj_end
            f.seek(off)
            f.write(page)
        except OSError as exc:
            raise (DiskFullError() if exc.errno == errno.ENOSPC else DiskIOError()) from exc
        self._subj_end = off + len(page)
        return off

    def _subj_read(self, off: int) -> bytes:
        f = self._subj
        assert f is not None
        try:
            f.seek(off)
            data = f.read(self.page_size)
        except OSError as exc:
            raise DiskIOError() from exc
        if len(data) != self.page_size:
            raise DiskIOError()
        return data

    def _subj_reset(self) -> None:
        """No savepoint is open: the images are gone, the sub-journal space is free."""
        self._sp_kept = 0
        if self._subj is not None and self._subj_end:
            self._subj_end = 0
            try:
                self._subj.truncate(0)
            except OSError:
                pass

    # -- lifetime -----------------------------------------------------------
    def close(self) -> None:
        if self._closed:
            return
        if self.state is State.WRITE:
            self.rollback()
        if self._wal_undo is not None:
            self._undo_failed_frames()
        if self._shm is not None:
            self._swal_close()
        elif self._is_wal and not self.readonly:
            try:
                self._checkpoint_wal()
            except Error:
                pass  # the WAL stays; whoever opens the file next recovers from it
        self.state = State.NONE
        self.file.unlock(LockLevel.NONE)
        if self._wal_file is not None:
            self._wal_file.close()
            self._wal_file = None
        if self._subj is not None:
            self._subj.close()
            self._subj = None
        self.file.close()
        self._closed = True


_CODECS = {1: "utf-8", 2: "utf-16-le", 3: "utf-16-be"}
_VALID_SIZES = frozenset(1 << i for i in range(9, 17))


def _set_u16(buf: bytearray, off: int, v: int) -> None:
    buf[off] = (v >> 8) & 0xFF
    buf[off + 1] = v & 0xFF
