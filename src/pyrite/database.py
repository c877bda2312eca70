"""Database: one object per database file per process, shared by its connections.

Owns the Pager (and so the page cache and the file descriptor), the lock that
serializes connections of this process on the file, the schema generation
counter and the slot where the planner caches its catalog. POSIX locks belong
to the process, so two descriptors on one file in one process would silently
share (and on close, drop) each other's locks: the registry below guarantees
one descriptor per realpath. ":memory:" and "" are private, one per acquire.
Knows nothing of SQL."""

from __future__ import annotations

import os
import threading
from typing import Any, ClassVar

from pyrite import constants as C
from pyrite.errors import BusyError, OperationalError
from pyrite.io import BLOCKING_VFS, MemoryFile, MemoryVfs, Vfs
from pyrite.storage.pager import Pager

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
        self.catalog: Any = None  # planner.catalog.Catalog, set by the planner
        self.schema_generation = 0
        self.refcount = 1
        self.memory_name: str | None = None
        self.writer: object | None = None  # the connection whose write transaction is open

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
            raise OperationalError("unable to open database file", code=C.SQLITE_CANTOPEN_ISDIR)
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

    def claim_write(self, owner: object) -> None:
        """Record `owner` as the connection writing; BusyError if another one already is.
        Connections of one process share the pager, so they arbitrate here, not by file locks."""
        if self.writer is not None and self.writer is not owner:
            raise BusyError()
        self.writer = owner

    def release_write(self, owner: object) -> None:
        """End `owner`'s claim (after its commit or rollback)."""
        if self.writer is owner:
            self.writer = None

    def bump_schema(self) -> None:
        """Note a schema change made through this Database (the catalog must be rebuilt)."""
        self.schema_generation += 1
        self.catalog = None
