"""The I/O seam: the File protocol, SQLite's lock levels, and the batching backend.

Owns nothing but the shape of I/O. Every read, write, sync and lock of a
database, journal or WAL file goes through a `File`; whole batches go through
`IOBackend.submit` so that an io_uring backend can overlap them. Knows nothing
of pages or SQL.

Lock levels are SQLite's (os.h): NONE < SHARED < RESERVED < PENDING < EXCLUSIVE.
The POSIX byte-range locks that implement them sit at SQLite's offsets:

    PENDING_BYTE   0x40000000          one byte
    RESERVED_BYTE  0x40000001          one byte
    SHARED_FIRST   0x40000002          SHARED_SIZE = 510 bytes
"""

from __future__ import annotations

import enum
import errno
from dataclasses import dataclass, field
from typing import Protocol

from pyrite import constants as C
from pyrite.errors import DiskFullError, DiskIOError, Error, OperationalError

PENDING_BYTE = 0x40000000
RESERVED_BYTE = PENDING_BYTE + 1
SHARED_FIRST = PENDING_BYTE + 2
SHARED_SIZE = 510


class LockLevel(enum.IntEnum):
    NONE = 0
    SHARED = 1
    RESERVED = 2
    PENDING = 3
    EXCLUSIVE = 4


class File(Protocol):
    """One open file. Offsets and sizes are bytes; errors are pyrite errors."""

    def read(self, offset: int, n: int) -> bytes:
        """Up to n bytes at offset; fewer only at end of file."""
        ...

    def write(self, offset: int, data: bytes) -> None: ...

    def sync(self, full: bool) -> None: ...

    def truncate(self, size: int) -> None: ...

    def size(self) -> int: ...

    def lock(self, level: LockLevel) -> None:
        """Raise the lock to `level`; BusyError when another process holds a conflicting lock."""
        ...

    def unlock(self, level: LockLevel) -> None:
        """Lower the lock to `level` (SHARED or NONE)."""
        ...

    def check_reserved(self) -> bool:
        """True when some other process holds RESERVED or higher."""
        ...

    def close(self) -> None: ...


class Vfs(Protocol):
    """Opens files by path, and asks about files beside the database (journal, WAL)."""

    def open(self, path: str, *, readonly: bool, create: bool) -> File: ...

    def exists(self, path: str) -> bool: ...

    def delete(self, path: str) -> None: ...


class Op(enum.Enum):
    READ = "read"
    WRITE = "write"
    SYNC = "sync"


@dataclass(slots=True)
class Request:
    """One I/O operation: READ (offset, size), WRITE (offset, data) or SYNC (full)."""

    op: Op
    file: File
    offset: int = 0
    size: int = 0
    data: bytes = b""
    full: bool = True


@dataclass(slots=True)
class Completion:
    """The outcome of one Request: `data` for reads, `error` when it failed."""

    request: Request
    data: bytes = b""
    error: Error | None = field(default=None)


class IOBackend(Protocol):
    def submit(self, requests: list[Request]) -> list[Completion]:
        """Run a batch; completions come back in request order."""
        ...


def os_error(exc: OSError, what: str = "") -> Error:
    """os_error(exc) -> the pyrite error for a failed OS call (ENOSPC -> full, else I/O)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFullError()
    if exc.errno in (errno.ENOENT, errno.EACCES, errno.EISDIR, errno.EROFS, errno.EPERM) and what == "open":
        return OperationalError("unable to open database file", code=C.SQLITE_CANTOPEN)
    return DiskIOError()


def run_batch(requests: list[Request]) -> list[Completion]:
    """Execute requests one after another on their files (the blocking semantics)."""
    out: list[Completion] = []
    for req in requests:
        comp = Completion(req)
        try:
            if req.op is Op.READ:
                comp.data = req.file.read(req.offset, req.size)
            elif req.op is Op.WRITE:
                req.file.write(req.offset, req.data)
            else:
                req.file.sync(req.full)
        except Error as exc:
            comp.error = exc
        out.append(comp)
    return out
