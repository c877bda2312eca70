"""pyrite: SQLite rewritten in pure Python, usable as `import pyrite as sqlite3`.

This module is the sqlite3-compatible surface (CPython 3.11's `sqlite3`
module): `connect`, `Connection`, `Cursor`, `Row`, `Blob`, the exceptions,
adapters and converters, and the module constants. Importing it stays light:
the engine (`pyrite.exec`) is imported by the first `connect()`."""

from __future__ import annotations

import warnings
from typing import Any

from pyrite.api.adapters import (
    Binary,
    Date,
    DateFromTicks,
    PrepareProtocol,
    Time,
    TimeFromTicks,
    Timestamp,
    TimestampFromTicks,
    adapt,
    adapters,
    converters,
    register_adapter,
    register_converter,
)
from pyrite.api.blob import Blob
from pyrite.api.connection import Connection, connect, enable_callback_tracebacks
from pyrite.api.cursor import PARSE_COLNAMES, PARSE_DECLTYPES, Cursor
from pyrite.api.row import Row
from pyrite.constants import *  # noqa: F403 - the SQLITE_* constants, as sqlite3 has them
from pyrite.constants import __all__ as _constant_names
from pyrite.errors import (
    DatabaseError,
    DataError,
    Error,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
    Warning,
)

apilevel = "2.0"
paramstyle = "qmark"
threadsafety = 3
version = "2.6.0"
version_info = (2, 6, 0)
sqlite_version = "3.40.1"
sqlite_version_info = (3, 40, 1)


def complete_statement(statement: str) -> bool:
    """complete_statement(statement) -> True if it ends with a complete SQL statement."""
    if not isinstance(statement, str):
        raise TypeError(
            f"complete_statement() argument 'statement' must be str, "
            f"not {type(statement).__name__}"
        )
    try:
        from pyrite.sql import complete_statement as engine_complete
    except ImportError:
        from pyrite.api.complete import complete_statement as fallback

        return fallback(statement)
    return bool(engine_complete(statement))


def enable_shared_cache(enable: int) -> None:
    """enable_shared_cache(flag): deprecated; pyrite shares one Database per file anyway."""
    warnings.warn(
        "enable_shared_cache is deprecated and will be removed in Python 3.12. "
        "Shared cache is strongly discouraged by the SQLite 3 documentation. "
        "If shared cache must be used, open the database in URI mode using"
        "the cache=shared query parameter.",
        DeprecationWarning, stacklevel=2,
    )


def __getattr__(name: str) -> Any:
    if name == "OptimizedUnicode":
        warnings.warn(
            "OptimizedUnicode is deprecated and will be removed in Python 3.12. "
            "Since Python 3.3 it has simply been an alias for 'str'.",
            DeprecationWarning, stacklevel=2,
        )
        return str
    raise AttributeError(f"module 'pyrite' has no attribute '{name}'")


__all__ = [
    "Binary", "Blob", "Connection", "Cursor", "DataError", "DatabaseError", "Date",
    "DateFromTicks", "Error", "IntegrityError", "InterfaceError", "InternalError",
    "NotSupportedError", "OperationalError", "PARSE_COLNAMES", "PARSE_DECLTYPES",
    "PrepareProtocol", "ProgrammingError", "Row", "Time", "TimeFromTicks", "Timestamp",
    "TimestampFromTicks", "Warning", "adapt", "adapters", "apilevel", "complete_statement",
    "connect", "converters", "enable_callback_tracebacks", "enable_shared_cache",
    "paramstyle", "register_adapter", "register_converter", "sqlite_version",
    "sqlite_version_info", "threadsafety", "version", "version_info",
    *_constant_names,
]
