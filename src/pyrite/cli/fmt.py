"""SQLite's printf for REAL values as the shell prints them.

The shell shows a REAL as ``%!.15g`` (list, column … modes) or ``%!.20g``
(quote, insert and json modes). The digits come from the engine's printf
(`pyrite.functions.printf`), which replays SQLite's long-double arithmetic, so
the shell and SQL's printf() never disagree. Knows nothing of SQL."""

from __future__ import annotations

from pyrite.functions.printf import format_float


def sqlite_g(value: float, precision: int) -> str:
    """sqlite_g(r, p) -> SQLite's "%!.<p>g" rendering of r (the '!' flag form)."""
    return format_float(value, "g", precision, alt2=True)
