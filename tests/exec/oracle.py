"""The oracle comparison the statement-list tests share: run the same
statements on a fresh in-memory database in sqlite3 and in pyrite, and compare
per statement the rows, total_changes, or the DB-API exception class and text."""

from __future__ import annotations

import sqlite3
from typing import Any

import pyrite

# Most specific first: the first class an exception is an instance of names it.
CLASSES = ("IntegrityError", "OperationalError", "ProgrammingError", "DataError",
           "NotSupportedError", "DatabaseError")


def outcome(mod: Any, stmts: list[str]) -> list[Any]:
    """(statement, rows, total_changes) or (statement, error class, message) per statement."""
    con = mod.connect(":memory:")
    out: list[Any] = []
    for s in stmts:
        try:
            cur = con.execute(s)
            out.append((s, cur.fetchall(), con.total_changes))
        except mod.Error as e:
            base = next(n for n in CLASSES if isinstance(e, getattr(mod, n)))
            out.append((s, base, str(e)))
    con.close()
    return out


def same_as_sqlite(stmts: list[str]) -> None:
    """Assert pyrite's outcome equals sqlite3's, statement by statement."""
    for want, got in zip(outcome(sqlite3, stmts), outcome(pyrite, stmts), strict=True):
        assert got == want
