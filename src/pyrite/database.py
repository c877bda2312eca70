"""Database: one object per database file per process, shared by its connections.

Owns the Pager (and so the page cache and the file descriptor), the lock that
serializes connections of this process on the file, the schema generation
counter and the slot where the planner caches its catalog. POSIX locks belong
to the process, so two descriptors on one file in one process would silently
share (and on close, drop) each other's locks: the registry below guarantees
one descriptor per realpath. ":memory:" and "" are private, one per acquire.
Knows nothing of SQL.

Connections of one process share the Pager, so they take SQLite's lock levels
from each other here, in an in-process lock table (SQLite's unix VFS keeps one
per inode for the same reason), while the Pager holds the process's file lock
at the strongest level any of them needs. Each connection reads through its own
`PagerView`:

    connection lock    table entry             pager
    NONE -> SHARED     enter_read()            begin_read() for the first reader
    SHARED -> RESERVED enter_write()           begin_write()
    RESERVED -> commit commit(): PENDING, wait  commit()
                       for the other readers,
                       EXCLUSIVE (rollback journal only)
    -> NONE            leave_read()            end_read() after the last one

Invariants:
  D1: at most one view holds RESERVED (`writer`); BusyError after the view's
      timeout for a second one, as SQLite's "database is locked".
  D2: a view that is not the writer never sees the writer's uncommitted pages:
      while a writer is open it reads the writer's original images
      (`Pager._orig`) for every page the writer changed.
  D3: in rollback-journal mode the database file is written only while no other
      view holds SHARED (commit waits for them, PENDING keeps new ones out; a
      spill is refused while they read, `Pager.spill_gate`).
  D4: in WAL mode a commit does not wait; each other reader keeps its snapshot
      in `overlay` (the committed transaction's original images, oldest kept).
  D5: every lock-table change happens under `lock` (an RLock; waits release it
      through `cond`), so connections in different threads take turns."""

from __future__ import annotations

import os
import struct
import threading
import time
from collections.abc import Callable
from typing import Any, ClassVar

from pyrite import constants as C
from pyrite.errors import BusyError, OperationalError
from pyrite.io import BLOCKING_VFS, MemoryFile, MemoryVfs, Vfs
from pyrite.storage.format import HEADER_FIELDS
from pyrite.storage.pager import Page, Pager

_MEMORY_NAMES = ("", ":memory:")


class Database:
    """The shared state of one database file in this process."""

    _registry: ClassVar[dict[str, Database]] = {}
    _shared_memory: ClassVar[dict[str, Database]] = {}
    _registry_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, key: str | None, pager: Pager, readonly: bool) -> None:
        self.key = key
        self.pager = pager
        self.readonly = readonly
        self.lock = threading.RLock()
        self.cond = threading.Condition(self.lock)
        # The in-process lock table (D1-D4): views holding SHARED, and who holds
        # RESERVED, PENDING and EXCLUSIVE.
        self.readers: set[PagerView] = set()
        self.pending: PagerView | None = None
        self.exclusive: PagerView | None = None
        self.waiting = 0  # views waiting in _wait (notify only then)
        self.catalog: Any = None  # planner.catalog.Catalog, set by the planner
        self.schema_generation = 0
        self.refcount = 1
        self.memory_name: str | None = None
        self.writer: PagerView | None = None  # RESERVED: the view whose write is open
        pager.spill_gate = self._spill_gate

    @property
    def is_memory(self) -> bool:
        return self.key is None or self.memory_name is not None

    @classmethod
    def acquire(cls, path: str, *, readonly: bool = False, create: bool = True,
                uri_memory_name: str | None = None, vfs: Vfs | None = None) -> Database:
        """Database.acquire(path) -> the shared Database for this file (refcounted)."""
        if uri_memory_name is not None:
            with cls._registry_lock:
                db = cls._shared_memory.get(uri_memory_name)
                if db is not None:
                    db.refcount += 1
                    return db
                db = cls._new_memory()
                db.memory_name = uri_memory_name
                cls._shared_memory[uri_memory_name] = db
                return db
        if path in _MEMORY_NAMES:
            return cls._new_memory()
        if not create and not os.path.exists(path):
            raise OperationalError("unable to open database file", code=C.SQLITE_CANTOPEN)
        if os.path.isdir(path):
            raise OperationalError("unable to open database file", code=C.SQLITE_CANTOPEN)
        key = os.path.realpath(path)
        with cls._registry_lock:
            db = cls._registry.get(key)
            if db is not None:
                db.refcount += 1
                return db
            v = vfs if vfs is not None else BLOCKING_VFS
            if not readonly and os.path.exists(key) and not os.access(key, os.W_OK):
                readonly = True
            f = v.open(key, readonly=readonly, create=create)
            try:
                pager = Pager.open(f, journal_path=key + "-journal", wal_path=key + "-wal",
                                   vfs=v, readonly=readonly)
            except BaseException:
                f.close()
                raise
            db = cls(key, pager, readonly)
            cls._registry[key] = db
            return db

    @classmethod
    def _new_memory(cls) -> Database:
        pager = Pager(MemoryFile(), journal_path=None, vfs=MemoryVfs())
        return cls(None, pager, False)

    @classmethod
    def from_image(cls, data: bytes) -> Database:
        """A private in-memory Database holding a database image (deserialize)."""
        pager = Pager(MemoryFile(bytes(data)), journal_path=None, vfs=MemoryVfs())
        return cls(None, pager, False)

    def release(self) -> None:
        """Drop one reference; the last one closes the file."""
        with self._registry_lock:
            self.refcount -= 1
            if self.refcount > 0:
                return
            if self.key is not None:
                self._registry.pop(self.key, None)
            if self.memory_name is not None:
                self._shared_memory.pop(self.memory_name, None)
        self.pager.close()

    def bump_schema(self) -> None:
        """Note a schema change made through this Database (the catalog must be rebuilt)."""
        self.schema_generation += 1
        self.catalog = None

    # -- the in-process lock table (D1-D5) ------------------------------------
    def view(self) -> PagerView:
        """A new connection's view of the shared pager."""
        return PagerView(self)

    def _wait(self, ready: Callable[[], bool], timeout: float) -> None:
        """Wait (the lock released meanwhile) until ready(); BusyError after timeout."""
        if ready():
            return
        deadline = time.monotonic() + timeout
        self.waiting += 1
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise BusyError()
                self.cond.wait(min(left, 0.05))
                if ready():
                    return
        finally:
            self.waiting -= 1

    def _notify(self) -> None:
        if self.waiting:
            self.cond.notify_all()

    def enter_read(self, view: PagerView, timeout: float) -> None:
        """NONE -> SHARED for `view`: waits while another view holds PENDING/EXCLUSIVE."""
        with self.lock:  # (the lock of self.cond)
            if view in self.readers:
                return
            if self.pending is not None or self.exclusive is not None:
                def ready() -> bool:
                    return (self.pending is None or self.pending is view) and (
                        self.exclusive is None or self.exclusive is view)
                self._wait(ready, timeout)
            pager = self.pager
            if not pager.in_read:
                pager.busy_timeout = timeout
                pager.begin_read()
            self.readers.add(view)
            if view.overlay is not None:
                view.overlay = None
            view.sync()
            if view.hidden or self.writer is not None:
                view.route()

    def leave_read(self, view: PagerView) -> None:
        """SHARED -> NONE (a write transaction still open is rolled back)."""
        with self.lock:  # (the lock of self.cond)
            if self.writer is view:
                self.rollback(view)
            self.readers.discard(view)
            if view.overlay is not None:
                view.overlay = None
            if view.hidden:
                view.route()
            if self.pending is view:
                self.pending = None
            if not self.readers and self.writer is None and self.pager.in_read:
                self.pager.end_read()
            self._notify()

    def enter_write(self, view: PagerView, timeout: float) -> None:
        """-> RESERVED (D1). Like sqlite3BtreeBeginTrans, only a view that held no read
        transaction waits (holding nothing meanwhile, so two writers cannot deadlock
        on each other's SHARED); one already reading gets BusyError at once. A WAL
        reader whose snapshot is older than the last commit cannot write at all
        (SQLITE_BUSY_SNAPSHOT: it would overwrite newer data)."""
        with self.lock:  # (the lock of self.cond)
            if self.writer is view:
                return
            if view in self.readers:
                if view.overlay is not None:
                    raise BusyError(code=C.SQLITE_BUSY_SNAPSHOT)
                if self.writer is not None:
                    raise BusyError()
            else:
                def ready() -> bool:
                    return self.writer is None and self.pending is None and (
                        self.exclusive is None)
                self._wait(ready, timeout)
                self.enter_read(view, timeout)
            pager = self.pager
            pager.busy_timeout = timeout
            if not pager.in_write:
                try:
                    pager.begin_write()
                except BaseException:
                    self._notify()
                    raise
            self.writer = view
            for other in self.readers:
                other.route()

    def commit(self, view: PagerView, timeout: float) -> None:
        """Commit `view`'s write transaction; it keeps SHARED. In rollback-journal mode
        wait for the other readers first (D3); in WAL mode hand them the originals (D4).
        BusyError leaves the transaction open (and PENDING held), as SQLite does."""
        with self.lock:  # (the lock of self.cond)
            if self.writer is not view:
                return
            pager = self.pager
            wal = pager.journal_mode == "wal"
            if not wal and (pager._dirty or pager.page_count != pager._orig_count):
                self.pending = view
                self._wait(lambda: self.readers <= {view}, timeout)
                self.exclusive = view
            origs = pager._orig  # the same dict collects commit hooks' originals too
            count = pager._orig_count
            try:
                pager.commit()
            except BaseException:
                if not pager.in_write:
                    self._end_write()
                raise
            if wal:
                for other in self.readers:
                    if other is not view:
                        other.keep_snapshot(origs, count)
            self._end_write()

    def rollback(self, view: PagerView) -> None:
        """Drop `view`'s write transaction; it keeps SHARED."""
        with self.lock:  # (the lock of self.cond)
            if self.writer is not view:
                return
            try:
                self.pager.rollback()
            finally:
                self._end_write()

    def _end_write(self) -> None:
        self.writer = None
        self.pending = None
        self.exclusive = None
        if not self.pager.in_read:
            # A failed commit ended the pager's read transaction (P7): every view
            # starts over with its next statement.
            for other in self.readers:
                other.overlay = None
            self.readers.clear()
        for other in self.readers:
            other.route()
        self._notify()

    def _spill_gate(self) -> bool:
        """May the writer write pages to the file before commit (D3)? It takes
        EXCLUSIVE in the table when no other view reads."""
        w = self.writer
        if w is None or not self.readers <= {w}:
            return self.writer is None and not self.readers
        self.exclusive = w
        return True

    def others_active(self, view: PagerView) -> bool:
        """Does any view but `view` hold a lock?"""
        return bool(self.readers - {view}) or self.writer not in (None, view)


_U32 = struct.Struct(">I")


class PagerView:
    """One connection's pager: the shared Pager, except that pages another
    connection changed and has not committed (D2), or committed after this
    connection's WAL snapshot began (D4), read as they were.

    While nothing needs hiding, `get_page` is the Pager's own bound method, so the
    common case costs nothing; `route()` switches it when the lock table changes,
    and bumps `gen` so cursors holding page images re-seek."""

    __slots__ = ("db", "real", "get_page", "hidden", "overlay", "overlay_count", "_bias",
                 "busy_timeout", "page_size", "usable_size", "codec", "watch", "ticks",
                 "_base", "write_page", "new_page", "savepoint_begin", "savepoint_release",
                 "spill_if_needed", "own_commits", "dv_base")

    def __init__(self, db: Database) -> None:
        self.db = db
        self.real = db.pager
        self.overlay: dict[int, bytes] | None = None
        self.overlay_count = 0
        self._bias = 0
        self.hidden = False
        self.busy_timeout = 5.0
        self.get_page: Callable[[int], Page] = self.real.get_page
        self.page_size = self.usable_size = 0
        self.codec = "utf-8"
        # Progress handler / interrupt: while `watch` is set every page fetched counts one
        # tick; watch() runs when `ticks` runs out (and may raise to stop the statement).
        # One Python call per page fetched, not per row: cheap enough to stay on.
        self.watch: Callable[[], None] | None = None
        self.ticks = 0
        self._base: Callable[[int], Page] = self.real.get_page
        # The Pager's own methods a writing statement calls per row: bound once here
        # rather than found through __getattr__ on every call.
        real = self.real
        self.write_page = real.write_page
        self.new_page = real.new_page
        self.savepoint_begin = real.savepoint_begin
        self.savepoint_release = real.savepoint_release
        self.spill_if_needed = real.spill_if_needed
        self.own_commits = 0  # this connection's commits (PRAGMA data_version ignores them)
        self.dv_base = real.data_changes
        self.sync()

    def sync(self) -> None:
        """Copy the page geometry and text encoding, which the Pager sets when it reads
        the header (at the first reader's begin_read) or set_page_size() changes."""
        real = self.real
        if self.page_size != real.page_size or self.usable_size != real.usable_size \
                or self.codec != real.codec:
            self.page_size = real.page_size
            self.usable_size = real.usable_size
            self.codec = real.codec

    def route(self) -> None:
        """Pick the page source for the current lock table (see class docstring)."""
        db = self.db
        hide = self.overlay is not None or (
            db.writer is not None and db.writer is not self and self in db.readers)
        if hide != self.hidden:
            self.hidden = hide
            self._bias += 1
        self._base = self._hidden_get_page if hide else self.real.get_page
        self.get_page = self._base if self.watch is None else self._watched_get_page

    def set_watch(self, watch: Callable[[], None] | None, ticks: int) -> None:
        """Call watch() about every `ticks` page fetches (None: stop watching). Another
        thread may make the next fetch call it by setting `ticks = 0` (interrupt)."""
        with self.db.lock:
            self.watch = watch
            self.ticks = ticks
            self.route()

    def _watched_get_page(self, pgno: int) -> Page:
        self.ticks -= 1
        if self.ticks <= 0 and self.watch is not None:
            self.watch()
        return self._base(pgno)

    def keep_snapshot(self, origs: dict[int, bytes], count: int) -> None:
        """A commit is being published under this reader: keep its snapshot (D4)."""
        ov = self.overlay
        if ov is None:
            ov = self.overlay = {}
            self.overlay_count = count
        for pgno, img in origs.items():
            ov.setdefault(pgno, img)
        self._bias += 1
        self.route()

    def _hidden_get_page(self, pgno: int) -> Page:
        ov = self.overlay
        if ov is not None:
            img = ov.get(pgno)
            if img is not None:
                return img
        real = self.real
        w = self.db.writer
        if w is not None and w is not self:
            img = real._orig.get(pgno)
            if img is not None:
                return img
        return real.get_page(pgno)

    # -- transactions: the lock table's transitions for this view ---------------
    def begin_read(self) -> None:
        self.db.enter_read(self, self.busy_timeout)

    def end_read(self) -> None:
        self.db.leave_read(self)

    def begin_write(self) -> None:
        self.db.enter_write(self, self.busy_timeout)

    def commit(self) -> None:
        before = self.real.data_changes
        self.db.commit(self, self.busy_timeout)
        self.own_commits += self.real.data_changes - before

    def wal_checkpoint(self, mode: str) -> tuple[int, int, int]:
        """PRAGMA wal_checkpoint(mode) for this connection -> (busy, log, checkpointed).
        The checkpoint lets go of this process's WAL read lock while it copies, so
        while another connection of this process reads or writes it only reports
        (busy for every mode but PASSIVE): their snapshots are kept in this
        process's memory, not in read marks a checkpoint could respect."""
        db = self.db
        real = self.real
        if db.writer is self:
            raise OperationalError("database table is locked")
        with db.lock:
            if real.journal_mode != "wal":
                return 0, -1, -1
            if (db.writer is not None or db.readers - {self}) and real._shm is not None:
                h = real._shm.hdr
                log = h.mx_frame if h is not None else 0
                return int(mode != "passive"), log, min(real._shm.n_backfill, log)
            return real.wal_checkpoint(mode)

    def data_version(self) -> int:
        """PRAGMA data_version: moves when another connection (of this process or
        another) committed since this one opened, never for this one's own commits."""
        return 1 + self.real.data_changes - self.dv_base - self.own_commits

    def rollback(self) -> None:
        self.db.rollback(self)

    # -- what the B-tree and the engine read -----------------------------------
    @property
    def page_count(self) -> int:
        if self.hidden:
            if self.overlay is not None:
                return self.overlay_count
            return self.real._orig_count
        return self.real.page_count

    @property
    def gen(self) -> int:
        return self.real.gen + self._bias

    @property
    def text_encoding(self) -> str:
        return self.real.codec

    @property
    def in_read(self) -> bool:
        return self in self.db.readers

    @property
    def in_write(self) -> bool:
        return self.db.writer is self

    @property
    def journal_mode(self) -> str:
        return self.real.journal_mode

    @journal_mode.setter
    def journal_mode(self, mode: str) -> None:
        if mode.lower() != self.real.journal_mode and self.db.others_active(self):
            raise BusyError()
        try:
            self.real.journal_mode = mode
        finally:
            self.sync()

    def set_page_size(self, size: int, reserved: int | None = None) -> bool:
        done = self.real.set_page_size(size, reserved)
        for view in (self, *self.db.readers):
            view.sync()
        return done

    def header_get(self, field: str) -> int:
        if not self.hidden:
            return self.real.header_get(field)
        if self.page_count == 0:
            return 1 if field == "text_encoding" else 0
        return int(_U32.unpack_from(self.get_page(1), HEADER_FIELDS[field])[0])

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _VIEW_SLOTS:
            object.__setattr__(self, name, value)
        else:
            setattr(self.real, name, value)


_VIEW_SLOTS = frozenset(PagerView.__slots__)
