"""A deterministic, fault-injecting file system for tests: power cuts, torn writes,
failed writes and syncs, and SQLite lock semantics between handles.

Owns nothing real: every file is two byte images, `durable` (what survives a power
cut) and `volatile` (what reads see). A write changes the volatile image and is
remembered as pending; sync() makes the file's volatile image durable. power_cut()
throws away pending writes, except that a seeded choice of them may land whole or
torn at a 512-byte sector boundary, as a disk may do. Every choice comes from one
random.Random(seed), so a failing seed replays exactly.

Locks follow SQLite's levels per handle, as if each handle were another process:
SHARED is refused while someone holds PENDING or EXCLUSIVE; RESERVED while someone
else holds RESERVED or more; EXCLUSIVE while anyone else holds SHARED or more."""

from __future__ import annotations

import random

from pyrite.errors import BusyError, DiskFullError, DiskIOError, Error

from .base import Completion, LockLevel, Request, run_batch

SECTOR = 512


class _Inode:
    __slots__ = ("durable", "volatile", "pending", "locks")

    def __init__(self) -> None:
        self.durable = bytearray()
        self.volatile = bytearray()
        self.pending: list[tuple[int, bytes] | tuple[str, int]] = []
        self.locks: dict[int, LockLevel] = {}


class SimulatedVfs:
    """Files by path, shared by every handle opened on the same path."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.inodes: dict[str, _Inode] = {}
        self.writes = 0
        self.syncs = 0
        self.fail_write_at: int | None = None  # the Nth write (1-based) and later fail
        self.fail_error: type[Error] = DiskIOError
        self.fail_sync_at: int | None = None
        self.cut_at_write: int | None = None  # power is cut just before this write
        self.powered = True
        self._next_handle = 0

    # -- Vfs ------------------------------------------------------------------
    def open(self, path: str, *, readonly: bool = False, create: bool = True) -> SimulatedFile:
        ino = self.inodes.get(path)
        if ino is None:
            if not create:
                raise DiskIOError("unable to open database file")
            ino = self.inodes[path] = _Inode()
        self._next_handle += 1
        return SimulatedFile(self, path, ino, self._next_handle, readonly)

    def exists(self, path: str) -> bool:
        return path in self.inodes

    def delete(self, path: str) -> None:
        # Unlinking a file is durable at once (journal deletion is SQLite's commit point).
        self._check_power()
        self.inodes.pop(path, None)

    # -- faults ---------------------------------------------------------------
    def _check_power(self) -> None:
        if not self.powered:
            raise DiskIOError("power is off")

    def power_cut(self, torn: bool = True) -> None:
        """Lose every unsynced write, keeping a seeded subset (some torn); locks vanish."""
        for ino in self.inodes.values():
            img = bytearray(ino.durable)
            for op in ino.pending:
                if isinstance(op[0], str):
                    if self.rng.random() < 0.5:
                        size = int(op[1])
                        del img[size:]
                    continue
                off, data = int(op[0]), bytes(op[1])
                r = self.rng.random() if torn else 1.0
                if r < 0.3:
                    continue
                if r < 0.45 and len(data) > SECTOR:
                    cut = self.rng.randrange(1, (len(data) - 1) // SECTOR + 1) * SECTOR
                    data = data[:cut]
                end = off + len(data)
                if off > len(img):
                    img.extend(bytes(off - len(img)))
                img[off:end] = data
            ino.durable = img
            ino.volatile = bytearray(img)
            ino.pending.clear()
            ino.locks.clear()
        self.powered = False

    def reboot(self) -> None:
        self.powered = True
        self.cut_at_write = None
        self.fail_write_at = None
        self.fail_sync_at = None


class SimulatedFile:
    """One handle on a simulated file (a File)."""

    def __init__(self, vfs: SimulatedVfs, path: str, ino: _Inode, handle: int,
                 readonly: bool) -> None:
        self.vfs = vfs
        self.path = path
        self.ino = ino
        self.handle = handle
        self.readonly = readonly
        self.level = LockLevel.NONE

    def read(self, offset: int, n: int) -> bytes:
        self.vfs._check_power()
        return bytes(self.ino.volatile[offset:offset + n])

    def write(self, offset: int, data: bytes) -> None:
        vfs = self.vfs
        vfs._check_power()
        vfs.writes += 1
        if vfs.cut_at_write is not None and vfs.writes >= vfs.cut_at_write:
            vfs.power_cut()
            raise DiskIOError("power cut")
        if vfs.fail_write_at is not None and vfs.writes >= vfs.fail_write_at:
            raise vfs.fail_error()
        img = self.ino.volatile
        if offset > len(img):
            img.extend(bytes(offset - len(img)))
        img[offset:offset + len(data)] = data
        self.ino.pending.append((offset, bytes(data)))

    def sync(self, full: bool) -> None:
        vfs = self.vfs
        vfs._check_power()
        vfs.syncs += 1
        if vfs.fail_sync_at is not None and vfs.syncs >= vfs.fail_sync_at:
            raise DiskIOError()
        self.ino.durable = bytearray(self.ino.volatile)
        self.ino.pending.clear()

    def truncate(self, size: int) -> None:
        self.vfs._check_power()
        img = self.ino.volatile
        if size < len(img):
            del img[size:]
        else:
            img.extend(bytes(size - len(img)))
        self.ino.pending.append(("truncate", size))

    def size(self) -> int:
        self.vfs._check_power()
        return len(self.ino.volatile)

    def _others(self) -> list[LockLevel]:
        return [lv for h, lv in self.ino.locks.items() if h != self.handle]

    def lock(self, level: LockLevel) -> None:
        self.vfs._check_power()
        if level <= self.level:
            return
        others = self._others()
        if self.level == LockLevel.NONE and any(o >= LockLevel.PENDING for o in others):
            raise BusyError()
        if level >= LockLevel.RESERVED and any(o >= LockLevel.RESERVED for o in others):
            raise BusyError()
        if level == LockLevel.EXCLUSIVE:
            if any(o >= LockLevel.SHARED for o in others):
                self.level = LockLevel.PENDING  # as SQLite: keep PENDING, new readers wait
                self.ino.locks[self.handle] = self.level
                raise BusyError()
        self.level = level
        self.ino.locks[self.handle] = level

    def unlock(self, level: LockLevel) -> None:
        if level >= self.level:
            return
        self.level = level
        if level == LockLevel.NONE:
            self.ino.locks.pop(self.handle, None)
        else:
            self.ino.locks[self.handle] = level

    def check_reserved(self) -> bool:
        self.vfs._check_power()
        return self.level >= LockLevel.RESERVED or any(
            o >= LockLevel.RESERVED for o in self._others())

    def close(self) -> None:
        self.ino.locks.pop(self.handle, None)
        self.level = LockLevel.NONE


class SimulatedBackend:
    """IOBackend over simulated files: requests run in order."""

    def submit(self, requests: list[Request]) -> list[Completion]:
        return run_batch(requests)


__all__ = ["DiskFullError", "SimulatedBackend", "SimulatedFile", "SimulatedVfs"]
