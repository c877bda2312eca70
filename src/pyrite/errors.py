"""The exception tree of pyrite: DB-API 2.0 classes with SQLite's result codes.

Owns every exception the engine raises. Imports nothing of pyrite except the
numeric constants. Each error carries `sqlite_errorcode` (an int, possibly an
extended code) and `sqlite_errorname` (``"SQLITE_CONSTRAINT_UNIQUE"`` …) like
CPython's `sqlite3` module.

Which class a code maps to follows CPython's module (Modules/_sqlite/util.c):
  INTERNAL, NOTFOUND                      -> InternalError
  NOMEM                                   -> MemoryError (Python's)
  ERROR, PERM, ABORT, BUSY, LOCKED, READONLY, INTERRUPT, IOERR, FULL,
  CANTOPEN, PROTOCOL, EMPTY, SCHEMA       -> OperationalError
  CORRUPT                                 -> DatabaseError
  TOOBIG                                  -> DataError
  CONSTRAINT, MISMATCH                    -> IntegrityError
  MISUSE, RANGE                           -> InterfaceError
  anything else                           -> DatabaseError
"""

from __future__ import annotations

from typing import Self

from pyrite import constants as C

_CODE_NAMES: dict[int, str] = {}
for _name in dir(C):
    if _name.startswith("SQLITE_") and not _name.startswith(
        ("SQLITE_LIMIT_", "SQLITE_CREATE", "SQLITE_DROP", "SQLITE_ALTER", "SQLITE_ANALYZE",
         "SQLITE_ATTACH", "SQLITE_DETACH", "SQLITE_PRAGMA", "SQLITE_READ", "SQLITE_SELECT",
         "SQLITE_TRANSACTION", "SQLITE_UPDATE", "SQLITE_INSERT", "SQLITE_DELETE",
         "SQLITE_REINDEX", "SQLITE_SAVEPOINT", "SQLITE_FUNCTION", "SQLITE_RECURSIVE",
         "SQLITE_DENY", "SQLITE_IGNORE", "SQLITE_OK_")
    ):
        _CODE_NAMES.setdefault(getattr(C, _name), _name)
# Names that collide with authorizer codes are restored explicitly.
_CODE_NAMES.update({
    C.SQLITE_OK: "SQLITE_OK", C.SQLITE_ERROR: "SQLITE_ERROR",
    C.SQLITE_READONLY: "SQLITE_READONLY", C.SQLITE_DONE: "SQLITE_DONE",
    C.SQLITE_ROW: "SQLITE_ROW",
    C.SQLITE_READONLY_RECOVERY: "SQLITE_READONLY_RECOVERY",
    C.SQLITE_READONLY_CANTLOCK: "SQLITE_READONLY_CANTLOCK",
    C.SQLITE_READONLY_ROLLBACK: "SQLITE_READONLY_ROLLBACK",
    C.SQLITE_READONLY_DBMOVED: "SQLITE_READONLY_DBMOVED",
    C.SQLITE_READONLY_CANTINIT: "SQLITE_READONLY_CANTINIT",
    C.SQLITE_READONLY_DIRECTORY: "SQLITE_READONLY_DIRECTORY",
})


def error_name(code: int) -> str:
    """error_name(code) -> "SQLITE_…": the symbolic name of a result code."""
    return _CODE_NAMES.get(code, _CODE_NAMES.get(code & 0xFF, "SQLITE_ERROR"))


class Warning(Exception):  # noqa: A001 - DB-API name
    """DB-API Warning."""


class Error(Exception):
    """Base of every pyrite database error (DB-API Error)."""

    default_code: int = C.SQLITE_ERROR
    offset: int = -1
    """sqlite3_error_offset: where in the SQL text the error lies, or -1 (the shell's caret)."""

    def __init__(self, *args: object, code: int | None = None) -> None:
        super().__init__(*args)
        self.sqlite_errorcode: int = self.default_code if code is None else code
        self.sqlite_errorname: str = error_name(self.sqlite_errorcode)

    def at(self, offset: int) -> Self:
        """at(offset) -> this error located at offset, unless it already has a place."""
        if self.offset < 0:
            self.offset = offset
        return self


class InterfaceError(Error):
    default_code = C.SQLITE_MISUSE


class DatabaseError(Error):
    pass


class DataError(DatabaseError):
    default_code = C.SQLITE_TOOBIG


class OperationalError(DatabaseError):
    pass


class IntegrityError(DatabaseError):
    default_code = C.SQLITE_CONSTRAINT


class InternalError(DatabaseError):
    default_code = C.SQLITE_INTERNAL


class ProgrammingError(DatabaseError):
    pass


class NotSupportedError(DatabaseError):
    pass


class CorruptError(DatabaseError):
    """The file's bytes break SQLite's format: "database disk image is malformed"."""

    default_code = C.SQLITE_CORRUPT

    def __init__(self, *args: object, code: int | None = None) -> None:
        super().__init__(*(args or ("database disk image is malformed",)), code=code)


class NotADatabaseError(DatabaseError):
    """The file is not an SQLite database: "file is not a database"."""

    default_code = C.SQLITE_NOTADB

    def __init__(self, *args: object, code: int | None = None) -> None:
        super().__init__(*(args or ("file is not a database",)), code=code)


class BusyError(OperationalError):
    """Another connection or process holds a conflicting lock: "database is locked"."""

    default_code = C.SQLITE_BUSY

    def __init__(self, *args: object, code: int | None = None) -> None:
        super().__init__(*(args or ("database is locked",)), code=code)


class DiskIOError(OperationalError):
    """An I/O call failed: "disk I/O error" (SQLITE_IOERR and extended codes)."""

    default_code = C.SQLITE_IOERR

    def __init__(self, *args: object, code: int | None = None) -> None:
        super().__init__(*(args or ("disk I/O error",)), code=code)


class DiskFullError(OperationalError):
    """ENOSPC: "database or disk is full"."""

    default_code = C.SQLITE_FULL

    def __init__(self, *args: object, code: int | None = None) -> None:
        super().__init__(*(args or ("database or disk is full",)), code=code)


class ReadOnlyError(OperationalError):
    """A write to a read-only database: "attempt to write a readonly database"."""

    default_code = C.SQLITE_READONLY

    def __init__(self, *args: object, code: int | None = None) -> None:
        super().__init__(*(args or ("attempt to write a readonly database",)), code=code)


class InterruptError(OperationalError):
    default_code = C.SQLITE_INTERRUPT

    def __init__(self, *args: object, code: int | None = None) -> None:
        super().__init__(*(args or ("interrupted",)), code=code)


class SqlSyntaxError(OperationalError):
    """A parse error; `offset` is the byte offset of the offending token (or -1)."""

    def __init__(self, message: str, offset: int = -1) -> None:
        super().__init__(message)
        self.offset = offset


class ConstraintError(IntegrityError):
    """A constraint failed; `code` is the extended SQLITE_CONSTRAINT_* code."""


_CLASS_BY_PRIMARY: dict[int, type[Error]] = {
    C.SQLITE_INTERNAL: InternalError, C.SQLITE_NOTFOUND: InternalError,
    C.SQLITE_CORRUPT: DatabaseError, C.SQLITE_TOOBIG: DataError,
    C.SQLITE_CONSTRAINT: IntegrityError, C.SQLITE_MISMATCH: IntegrityError,
    C.SQLITE_MISUSE: InterfaceError, C.SQLITE_RANGE: InterfaceError,
}
_OPERATIONAL = {
    C.SQLITE_ERROR, C.SQLITE_PERM, C.SQLITE_ABORT, C.SQLITE_BUSY, C.SQLITE_LOCKED,
    C.SQLITE_READONLY, C.SQLITE_INTERRUPT, C.SQLITE_IOERR, C.SQLITE_FULL,
    C.SQLITE_CANTOPEN, C.SQLITE_PROTOCOL, C.SQLITE_EMPTY, C.SQLITE_SCHEMA,
}


def error_for_code(code: int, message: str) -> Error:
    """error_for_code(code, msg) -> the DB-API exception CPython's module would raise."""
    primary = code & 0xFF
    cls: type[Error] = _CLASS_BY_PRIMARY.get(primary, DatabaseError)
    if primary in _OPERATIONAL:
        cls = OperationalError
    return cls(message, code=code)
