"""The portable blocking backend: os.pread/os.pwrite/os.fsync and fcntl locks.

Owns file descriptors and POSIX advisory byte-range locks placed exactly where
SQLite's unix VFS places them (see base.py), so a pyrite process and a sqlite3
process on one file exclude each other correctly. POSIX locks belong to the
process, not the descriptor: pyrite keeps one descriptor per database file per
process (database.py's registry), never two.

Lock transitions (as os_unix.c):
    NONE -> SHARED       read-lock PENDING, read-lock SHARED range, drop PENDING
    SHARED -> RESERVED   write-lock RESERVED
    * -> PENDING         write-lock PENDING (new SHARED locks now fail)
    PENDING -> EXCLUSIVE write-lock SHARED range
    down to SHARED       read-lock SHARED range, drop PENDING and RESERVED
    down to NONE         drop everything
"""

from __future__ import annotations

import errno
import fcntl
import os
import struct

from pyrite.errors import BusyError, DiskIOError

from .base import (
    PENDING_BYTE,
    RESERVED_BYTE,
    SHARED_FIRST,
    SHARED_SIZE,
    Completion,
    LockLevel,
    Request,
    os_error,
    run_batch,
)
from .shm import ShmFile

_FLOCK = struct.Struct("@hhqqi4x")  # struct flock on LP64 Linux
_BUSY_ERRNOS = (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK)


class BlockingFile:
    """A File over one OS descriptor."""

    __slots__ = ("path", "fd", "readonly", "level", "dirsync")

    def __init__(self, path: str, fd: int, readonly: bool, dirsync: bool = False) -> None:
        self.path = path
        self.fd = fd
        self.readonly = readonly
        self.level = LockLevel.NONE
        # A file this handle created: its directory entry is synced with the first sync
        # (as SQLite's unix VFS does for journals), so a power cut cannot lose the file.
        self.dirsync = dirsync

    # -- data ---------------------------------------------------------------
    def read(self, offset: int, n: int) -> bytes:
        try:
            data = os.pread(self.fd, n, offset)
            if len(data) < n:
                parts = [data]
                got = len(data)
                while got < n:
                    more = os.pread(self.fd, n - got, offset + got)
                    if not more:
                        break
                    parts.append(more)
                    got += len(more)
                data = b"".join(parts)
            return data
        except OSError as exc:
            raise os_error(exc) from exc

    def write(self, offset: int, data: bytes) -> None:
        try:
            view = memoryview(data)
            while view:
                n = os.pwrite(self.fd, view, offset)
                view = view[n:]
                offset += n
        except OSError as exc:
            raise os_error(exc) from exc

    def sync(self, full: bool) -> None:
        try:
            if full or not hasattr(os, "fdatasync"):
                os.fsync(self.fd)
            else:
                os.fdatasync(self.fd)
        except OSError as exc:
            raise os_error(exc) from exc
        if self.dirsync:
            self.dirsync = False
            try:
                dfd = os.open(os.path.dirname(os.path.abspath(self.path)), os.O_RDONLY)
                try:
                    os.fsync(dfd)
                finally:
                    os.close(dfd)
            except OSError:
                pass  # some file systems refuse directory fsync; SQLite ignores that too

    def truncate(self, size: int) -> None:
        try:
            os.ftruncate(self.fd, size)
        except OSError as exc:
            raise os_error(exc) from exc

    def size(self) -> int:
        try:
            return os.fstat(self.fd).st_size
        except OSError as exc:
            raise os_error(exc) from exc

    def close(self) -> None:
        if self.fd >= 0:
            try:
                os.close(self.fd)
            except OSError:
                pass
            self.fd = -1
            self.level = LockLevel.NONE

    # -- locks --------------------------------------------------------------
    def _lk(self, kind: int, start: int, length: int) -> None:
        """Set a byte-range lock without waiting; BusyError if another process conflicts."""
        try:
            fcntl.lockf(self.fd, kind | (0 if kind == fcntl.LOCK_UN else fcntl.LOCK_NB),
                        length, start, os.SEEK_SET)
        except OSError as exc:
            if exc.errno in _BUSY_ERRNOS:
                raise BusyError() from exc
            raise DiskIOError() from exc

    def lock(self, level: LockLevel) -> None:
        cur = self.level
        if level <= cur:
            return
        if self.readonly and level > LockLevel.SHARED:
            # A read-only descriptor cannot take write locks. It only ever wants more
            # than SHARED to keep others out (WAL, P6): test that nobody else holds a lock.
            if cur == LockLevel.NONE:
                self.lock(LockLevel.SHARED)
            if level == LockLevel.EXCLUSIVE and self._other_lock(PENDING_BYTE,
                                                                 2 + SHARED_SIZE):
                raise BusyError()
            self.level = level
            return
        if cur == LockLevel.NONE:
            self._lk(fcntl.LOCK_SH, PENDING_BYTE, 1)
            try:
                self._lk(fcntl.LOCK_SH, SHARED_FIRST, SHARED_SIZE)
            finally:
                self._lk(fcntl.LOCK_UN, PENDING_BYTE, 1)
            self.level = cur = LockLevel.SHARED
            if level == LockLevel.SHARED:
                return
        if level == LockLevel.RESERVED:
            self._lk(fcntl.LOCK_EX, RESERVED_BYTE, 1)
            self.level = LockLevel.RESERVED
            return
        # PENDING or EXCLUSIVE
        if cur < LockLevel.PENDING:
            self._lk(fcntl.LOCK_EX, PENDING_BYTE, 1)
            self.level = LockLevel.PENDING
        if level == LockLevel.EXCLUSIVE:
            self._lk(fcntl.LOCK_EX, SHARED_FIRST, SHARED_SIZE)
            self.level = LockLevel.EXCLUSIVE

    def unlock(self, level: LockLevel) -> None:
        cur = self.level
        if level >= cur:
            return
        if self.readonly and level >= LockLevel.SHARED:
            self.level = level
            return
        if level == LockLevel.SHARED:
            if cur == LockLevel.EXCLUSIVE:
                self._lk(fcntl.LOCK_SH, SHARED_FIRST, SHARED_SIZE)
            self._lk(fcntl.LOCK_UN, PENDING_BYTE, 2)
            self.level = LockLevel.SHARED
        else:
            self._lk(fcntl.LOCK_UN, 0, 0)
            self.level = LockLevel.NONE

    def _other_lock(self, start: int, length: int) -> bool:
        """True when another process holds any lock overlapping [start, start+length)."""
        query = _FLOCK.pack(fcntl.F_WRLCK, os.SEEK_SET, start, length, 0)
        try:
            res = fcntl.fcntl(self.fd, fcntl.F_GETLK, query)
        except OSError as exc:
            raise DiskIOError() from exc
        return bool(_FLOCK.unpack(res)[0] != fcntl.F_UNLCK)

    def check_reserved(self) -> bool:
        if self.level >= LockLevel.RESERVED:
            return True
        if self.readonly:
            return self._other_lock(RESERVED_BYTE, 1)
        try:
            fcntl.lockf(self.fd, fcntl.LOCK_SH | fcntl.LOCK_NB, 1, RESERVED_BYTE, os.SEEK_SET)
        except OSError as exc:
            if exc.errno in _BUSY_ERRNOS:
                return True
            raise DiskIOError() from exc
        fcntl.lockf(self.fd, fcntl.LOCK_UN, 1, RESERVED_BYTE, os.SEEK_SET)
        return False


def open_file(path: str, *, readonly: bool = False, create: bool = True) -> BlockingFile:
    """open_file(path, readonly=, create=) -> File: open (or create) a file for pread/pwrite."""
    flags = os.O_RDONLY if readonly else os.O_RDWR
    if create and not readonly:
        flags |= os.O_CREAT
    flags |= getattr(os, "O_CLOEXEC", 0)
    created = bool(flags & os.O_CREAT) and not os.path.exists(path)
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        raise os_error(exc, "open") from exc
    return BlockingFile(path, fd, readonly, created)


class BlockingVfs:
    """Vfs over the OS file system."""

    def open(self, path: str, *, readonly: bool, create: bool) -> BlockingFile:
        return open_file(path, readonly=readonly, create=create)

    def exists(self, path: str) -> bool:
        return os.path.exists(path)

    def open_shm(self, path: str) -> ShmFile:
        """The -shm file of a WAL database (only this VFS has one; others fall back)."""
        return ShmFile(path)

    def delete(self, path: str) -> None:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise os_error(exc) from exc


BLOCKING_VFS = BlockingVfs()


class BlockingBackend:
    """IOBackend that runs each request in order, synchronously."""

    def submit(self, requests: list[Request]) -> list[Completion]:
        return run_batch(requests)


