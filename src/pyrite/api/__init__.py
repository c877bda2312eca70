"""The DB-API module surface (CPython 3.11 `sqlite3` compatible): connection,
cursor, row, blob, adapters/converters, backup and dump."""

from __future__ import annotations

from pyrite.api.connection import Connection, connect, enable_callback_tracebacks
from pyrite.api.cursor import Cursor
from pyrite.api.row import Row

__all__ = ["Connection", "Cursor", "Row", "connect", "enable_callback_tracebacks"]
