"""The in-memory File for ":memory:" and temporary databases.

Owns a growable bytearray. Locks always succeed (the database is private to
one Database object); sync does nothing."""

from __future__ import annotations

from pyrite.errors import DiskFullError

from .base import Completion, LockLevel, Request, run_batch


class MemoryFile:
    """A File whose bytes live in memory."""

    __slots__ = ("buf", "level", "max_size")

    def __init__(self, data: bytes = b"", max_size: int | None = None) -> None:
        self.buf = bytearray(data)
        self.level = LockLevel.NONE
        self.max_size = max_size

    def read(self, offset: int, n: int) -> bytes:
        return bytes(self.buf[offset:offset + n])

    def write(self, offset: int, data: bytes) -> None:
        end = offset + len(data)
        if self.max_size is not None and end > self.max_size:
            raise DiskFullError()
        buf = self.buf
        if offset > len(buf):
            buf.extend(bytes(offset - len(buf)))
        buf[offset:end] = data

    def sync(self, full: bool) -> None:
        return None

    def truncate(self, size: int) -> None:
        buf = self.buf
        if size < len(buf):
            del buf[size:]
        else:
            buf.extend(bytes(size - len(buf)))

    def size(self) -> int:
        return len(self.buf)

    def lock(self, level: LockLevel) -> None:
        if level > self.level:
            self.level = level

    def unlock(self, level: LockLevel) -> None:
        if level < self.level:
            self.level = level

    def check_reserved(self) -> bool:
        return self.level >= LockLevel.RESERVED

    def close(self) -> None:
        self.level = LockLevel.NONE


class MemoryVfs:
    """Vfs whose files are MemoryFiles kept in a dict by path."""

    def __init__(self) -> None:
        self.files: dict[str, MemoryFile] = {}

    def open(self, path: str, *, readonly: bool, create: bool) -> MemoryFile:
        f = self.files.get(path)
        if f is None:
            f = self.files[path] = MemoryFile()
        return f

    def exists(self, path: str) -> bool:
        return path in self.files

    def delete(self, path: str) -> None:
        self.files.pop(path, None)


class MemoryBackend:
    """IOBackend for memory files: requests run in order."""

    def submit(self, requests: list[Request]) -> list[Completion]:
        return run_batch(requests)
