"""I/O backends: the File protocol, blocking (pread/pwrite/fcntl) and memory files.

The only layer that touches the operating system."""

from __future__ import annotations

from .base import (
    PENDING_BYTE,
    RESERVED_BYTE,
    SHARED_FIRST,
    SHARED_SIZE,
    Completion,
    File,
    IOBackend,
    LockLevel,
    Op,
    Request,
    Vfs,
)
from .blocking import BLOCKING_VFS, BlockingBackend, BlockingFile, BlockingVfs, open_file
from .memory import MemoryBackend, MemoryFile, MemoryVfs

__all__ = [
    "PENDING_BYTE", "RESERVED_BYTE", "SHARED_FIRST", "SHARED_SIZE",
    "BLOCKING_VFS", "BlockingBackend", "BlockingFile", "BlockingVfs", "Completion", "File",
    "IOBackend", "LockLevel", "MemoryBackend", "MemoryFile", "MemoryVfs", "Op", "Request",
    "Vfs", "open_file",
]
