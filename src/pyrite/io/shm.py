"""The shared-memory file of a WAL database (`<db>-shm`), as SQLite's unix VFS keeps it.

Owns the descriptor, the mmap of its 32 KiB regions and the fcntl byte-range locks
on it. The wal-index content is storage's business (storage/walindex.py); this
module only maps bytes and takes locks. Lock byte for slot k (0 WRITE, 1 CKPT,
2 RECOVER, 3..7 READ0..READ4) is 120 + k; the dead-man switch (DMS) is byte 128:
every user holds it shared, and whoever finds it free (exclusive granted) is the
first user and resets the file (os_unix.c, unixLockSharedMemory).

POSIX locks belong to the process: one ShmFile per database per process
(database.py's registry guarantees one Pager per file)."""

from __future__ import annotations

import errno
import fcntl
import mmap
import os

from pyrite.errors import BusyError, DiskIOError

from .base import os_error

SHM_REGION = 32768
SHM_LOCK_BASE = 120
SHM_DMS = 128
_BUSY_ERRNOS = (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK)


class ShmFile:
    """The -shm file: regions mapped read/write, slot locks without waiting."""

    def __init__(self, path: str) -> None:
        self.path = path
        try:
            self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise os_error(exc, "open") from exc
        self._maps: list[mmap.mmap] = []
        try:
            if self._try(fcntl.LOCK_EX, SHM_DMS, 1):
                # first user: whatever is there is stale. Cut to 3 bytes, as SQLite does,
                # not 0: on ext4 a file truncated to 0 is written back when closed
                # (auto_da_alloc), which made closing a connection take milliseconds
                os.ftruncate(self.fd, 3)
                os.pwrite(self.fd, bytes(3), 0)
            self._lk(fcntl.LOCK_SH, SHM_DMS, 1)
        except BaseException:
            os.close(self.fd)
            raise

    def _lk(self, kind: int, start: int, length: int) -> None:
        try:
            fcntl.lockf(self.fd, kind | (0 if kind == fcntl.LOCK_UN else fcntl.LOCK_NB),
                        length, start, os.SEEK_SET)
        except OSError as exc:
            if exc.errno in _BUSY_ERRNOS:
                raise BusyError() from exc
            raise DiskIOError() from exc

    def _try(self, kind: int, start: int, length: int) -> bool:
        try:
            self._lk(kind, start, length)
            return True
        except BusyError:
            return False

    def lock(self, slot: int, n: int, exclusive: bool) -> bool:
        """Lock slots slot..slot+n-1 shared or exclusive; False if another process holds
        a conflicting lock (never waits)."""
        try:
            fcntl.lockf(self.fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB,
                        n, SHM_LOCK_BASE + slot, os.SEEK_SET)
            return True
        except OSError as exc:
            if exc.errno in _BUSY_ERRNOS:
                return False
            raise DiskIOError() from exc

    def unlock(self, slot: int, n: int) -> None:
        try:
            fcntl.lockf(self.fd, fcntl.LOCK_UN, n, SHM_LOCK_BASE + slot, os.SEEK_SET)
        except OSError as exc:
            raise DiskIOError() from exc

    def region(self, i: int) -> mmap.mmap:
        """Region i (32 KiB), mapped shared; the file grows (zero-filled) to hold it."""
        maps = self._maps
        while len(maps) <= i:
            j = len(maps)
            need = (j + 1) * SHM_REGION
            try:
                if os.fstat(self.fd).st_size < need:
                    os.ftruncate(self.fd, need)
                maps.append(mmap.mmap(self.fd, SHM_REGION, mmap.MAP_SHARED,
                                      mmap.PROT_READ | mmap.PROT_WRITE, offset=j * SHM_REGION))
            except OSError as exc:
                raise os_error(exc, "shm map") from exc
        return maps[i]

    def exclusive_user(self) -> bool:
        """True when no other process has the file open (DMS free for an exclusive lock);
        our shared DMS lock is kept either way."""
        if self._try(fcntl.LOCK_EX, SHM_DMS, 1):
            self._lk(fcntl.LOCK_SH, SHM_DMS, 1)
            return True
        return False

    def close(self, delete: bool = False) -> None:
        for m in self._maps:
            try:
                m.close()
            except (OSError, BufferError):
                pass
        self._maps = []
        if self.fd >= 0:
            if delete:
                try:
                    os.unlink(self.path)
                except OSError:
                    pass
            try:
                os.close(self.fd)  # drops every lock this process holds on the file
            except OSError:
                pass
            self.fd = -1
