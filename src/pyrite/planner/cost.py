"""Cost model for access paths and join order, after SQLite's where.c estimates.

Owns only arithmetic: row counts and costs of one loop given what it can use
(rowid equality, index equality prefix, ranges, an automatic index, a full
scan). Table sizes come from sqlite_stat1 when ANALYZE has run, else SQLite's
default of about a million rows (nRowLogEst 200). Knows nothing of code
generation or of the AST. Spec: queryplanner.html, optoverview.html,
fileformat2.html#stat1tab."""

from __future__ import annotations

import math
from dataclasses import dataclass

DEFAULT_ROWS = 1_048_576.0  # SQLite's LogEst 200 for a table without statistics
DEFAULT_EQ_ROWS = 10.0  # rows per key of an index column without statistics


@dataclass(frozen=True, slots=True)
class LoopCost:
    """One loop of a nested-loop join: rows out per outer row, cost per outer
    row, and a one-time setup cost (building an automatic index)."""

    rows: float
    run: float
    setup: float = 0.0


def log2(n: float) -> float:
    return math.log2(max(n, 2.0))


def full_scan(n: float) -> LoopCost:
    return LoopCost(n, 3.0 * n)


def rowid_eq(n: float) -> LoopCost:
    return LoopCost(1.0, log2(n) * 0.5)


def rowid_range(n: float, bounds: int) -> LoopCost:
    rows = n / (4.0 if bounds == 1 else 64.0)
    return LoopCost(rows, log2(n) + rows * 3.0)


def index_lookup(n: float, eq_rows: float, covering: bool) -> LoopCost:
    """Equality (and perhaps a range) on an index: eq_rows rows per key."""
    rows = max(eq_rows, 1.0)
    per = 2.0 if covering else 5.0
    return LoopCost(rows, log2(n) + rows * per)


def automatic_index(n: float) -> LoopCost:
    """Build a transient index on the join column once, then look rows up."""
    return LoopCost(20.0, log2(n) + 20.0, setup=7.0 * n * log2(n))


def filtered(c: LoopCost, eq_terms: int, other_terms: int) -> LoopCost:
    """Terms tested on a loop's rows without an index reduce the rows it yields."""
    rows = c.rows * (0.25 ** eq_terms) * (0.9 ** other_terms)
    return LoopCost(max(rows, 1.0) if c.rows >= 1.0 else rows, c.run, c.setup)


def join_cost(loops: list[LoopCost]) -> float:
    """Total cost of nested loops in this order (outermost first)."""
    outer = 1.0
    total = 0.0
    for c in loops:
        total += c.setup + outer * c.run
        outer *= max(c.rows, 1.0)
    return total


def stat_rows(stat: str | None) -> list[float] | None:
    """The integers of a sqlite_stat1 `stat` value ("nrow avg1 avg2 ..."), or None."""
    if not stat:
        return None
    out: list[float] = []
    for part in stat.split():
        if not part.isdigit():
            break
        out.append(float(part))
    return out or None
