"""Cost model for access paths and join order: SQLite's where.c (3.40) arithmetic.

Owns only arithmetic, in SQLite's LogEst units (10*log2 of a count): the
WhereLoops of one source (full scan, rowid and index searches with their
equality prefix, IN, IS NULL and ranges, automatic indexes), each with its
setup cost, cost per run and rows out per run; the insertion rule that keeps
only loops no other loop beats; and the path solver that grows join orders
loop by loop, then costs a sort (3 N log N) against an order an index delivers.
Table sizes come from sqlite_stat1 when ANALYZE has run, else SQLite's default
of about a million rows (nRowLogEst 200); a WHERE term a loop only tests still
narrows its rows (whereLoopOutputAdjust: `col = ?` to a quarter, `col = 1` to
a half). Knows nothing of code generation or of the AST.
Spec: queryplanner.html, queryplanner-ng.html, optoverview.html,
fileformat2.html#stat1tab."""

from __future__ import annotations

from dataclasses import dataclass, replace

DEFAULT_ROWS = 1_048_576.0  # SQLite's LogEst 200 for a table without statistics


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


# --------------------------------------------------------------------------
# SQLite's own arithmetic (where.c, 3.40): LogEst estimates, WhereLoops and
# the path solver. A LogEst is 10*log2(x); 10 is twice as many, 33 ten times.
# --------------------------------------------------------------------------

_LOG_EST_FRAC = (0, 2, 3, 5, 6, 7, 8, 9)
_LOG_EST_ADD = (10, 10, 9, 9, 8, 8, 7, 7, 7, 6, 6, 6, 5, 5, 5, 4, 4, 4, 4,
                3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2)


def log_est(x: float) -> int:
    """log_est(x) -> SQLite's LogEst of x (sqlite3LogEst / sqlite3LogEstFromDouble)."""
    n = int(x)
    if n < 2:
        return 0
    y = 40
    if n < 8:
        while n < 8:
            y -= 10
            n <<= 1
    else:
        i = n.bit_length() - 4
        y += i * 10
        n >>= i
    return _LOG_EST_FRAC[n & 7] + y - 10


def log_est_add(a: int, b: int) -> int:
    """log_est_add(a, b) -> the LogEst of the sum of two LogEst values."""
    if a < b:
        a, b = b, a
    if a > b + 49:
        return a
    if a > b + 31:
        return a + 1
    return a + _LOG_EST_ADD[a - b]


def est_log(n: int) -> int:
    """est_log(n) -> LogEst of log2 of the LogEst n (where.c estLog)."""
    return 0 if n <= 10 else log_est(n) - 33


def default_row_est(n_row: int, n_key: int, unique: bool) -> list[int]:
    """aiRowLogEst of an index without sqlite_stat1 (sqlite3DefaultRowEst):
    10 rows per value of the first column, then 9, 8, 7, 6, then 5."""
    out = [n_row] + [(33, 32, 30, 28, 26)[k] if k < 5 else 23 for k in range(n_key)]
    if unique:
        out[n_key] = 0
    return out + [0]


@dataclass(frozen=True, slots=True)
class WTerm:
    """One WHERE/ON conjunct as the loop estimates see it: the sources it reads
    (a bit per source) and how much it narrows a loop that merely tests it
    (whereLoopOutputAdjust: 20 for `col = expr`, 10 when expr is -1, 0 or 1)."""

    prereq_all: int
    reduce: int
    cols: frozenset[tuple[int, int]] | None = None  # (source, column) read; None: unknown
    virt: int = 0  # lookups its virtual copies save a non-covering index scan
    cmp: bool = False  # `column op expr` for op in = < <= > >= IN (eOperator & 0x3f)


@dataclass(frozen=True, slots=True)
class Constraint:
    """A WHERE term usable by an index of source `tab` on column `col` (-1 the
    rowid): op is eq, is, in, null, gt (> >=), lt (< <=) or glob (both bounds);
    prereq the other sources the probe value reads; n_in the LogEst of an IN size."""

    term: int
    tab: int
    col: int
    op: str
    prereq: int
    n_in: int = 0
    sub: bool = False  # IN (SELECT ...): its values come unsorted (no order from it)


@dataclass(frozen=True, slots=True)
class WhereLoop:
    """One way to read one source (a WhereLoop): the sources it needs first,
    one-time setup, cost per run and rows out per run, all LogEst. kind is
    scan, ipk (rowid search), index, cover_scan or auto (automatic index)."""

    tab: int
    prereq: int
    setup: int
    run: int
    nout: int
    kind: str
    index: str | None = None
    terms: frozenset[int] = frozenset()  # constraints used (by position)
    col_eq: bool = False  # an index with an == constraint (beats an automatic index)
    idx_only: bool = False
    sort_idx: int = 0  # iSortIdx: loops of B-trees that might give the ORDER BY compete apart
    ordered: bool = False  # as the outermost loop, delivers the ORDER BY/GROUP BY/DISTINCT
    n_sat: int = 0  # else the number of leading ORDER BY terms it delivers (a partial sort)


def _cheaper_subset(x: WhereLoop, y: WhereLoop) -> bool:
    """whereLoopCheaperProperSubset: x uses a proper subset of y's terms, costs no more."""
    if len(x.terms) >= len(y.terms):
        return False
    if x.run > y.run and x.nout > y.nout:
        return False
    if not x.terms <= y.terms:
        return False
    return not (x.idx_only and not y.idx_only)


def insert_loop(loops: list[WhereLoop], new: WhereLoop) -> None:
    """whereLoopInsert: add `new` unless a loop of the same source is at least as
    good; drop the loops it beats (whereLoopFindLesser, whereLoopAdjustCost)."""
    if new.kind == "index":
        for p in loops:
            if p.tab != new.tab or p.kind != "index":
                continue
            if _cheaper_subset(p, new):
                new = replace(new, run=min(p.run, new.run), nout=min(p.nout, new.nout) - 1)
            elif _cheaper_subset(new, p):
                new = replace(new, run=max(p.run, new.run), nout=max(p.nout, new.nout) + 1)
    at: int | None = None
    for k, p in enumerate(loops):
        if p.tab != new.tab or p.sort_idx != new.sort_idx:
            continue
        if p.kind == "auto" and new.kind == "index" and new.col_eq \
                and (p.prereq & new.prereq) == new.prereq:
            at = k
            break
        if (p.prereq & new.prereq) == p.prereq and p.setup <= new.setup \
                and p.run <= new.run and p.nout <= new.nout:
            return
        if (p.prereq & new.prereq) == new.prereq and p.run >= new.run and p.nout >= new.nout:
            at = k
            break
    if at is None:
        loops.append(new)
        return
    loops[at] = new
    k = at + 1
    while k < len(loops):
        p = loops[k]
        if p.tab == new.tab and p.sort_idx == new.sort_idx and (
                (p.kind == "auto" and new.kind == "index" and new.col_eq
                 and (p.prereq & new.prereq) == new.prereq)
                or ((p.prereq & new.prereq) == new.prereq and p.run >= new.run
                    and p.nout >= new.nout)):
            del loops[k]
            continue
        k += 1


def solve(loops: list[WhereLoop], n: int, n_order: int = 0, distinct: bool = False,
          limit: int | None = None) -> list[WhereLoop]:
    """The join order SQLite picks (sqlite3WhereBegin): the path solver once to
    estimate the rows out, then, when rows must come in an order (ORDER BY, GROUP
    BY, DISTINCT with n_order terms), again with the cost of sorting those rows
    (limit: the LogEst of a constant LIMIT, which caps the sort's log factor)."""
    path, nrow = _solve(loops, n, 0, 0, distinct, limit)
    if n_order and path:
        path, _ = _solve(loops, n, nrow + 1, n_order, distinct, limit)
    return path


def _solve(loops: list[WhereLoop], n: int, n_row_est: int, n_order: int,
           distinct: bool, limit: int | None) -> tuple[list[WhereLoop], int]:
    """wherePathSolver: grow the mxChoice cheapest partial join orders one loop at
    a time; returns the cheapest complete one, outermost first, and its rows out.
    A path is ordered when its outermost loop delivers the wanted order; any other
    pays whereSortingCost (3 N log N, and +5 to prefer no sort), scaled down when
    the outermost loop delivers the first n_sat of the n_order terms (a partial
    sort of the runs that share those: (n_order - n_sat) / n_order of the cost)."""
    mx_choice = 1 if n <= 1 else (5 if n == 2 else 10)
    sort_costs: list[int] = []  # by the number of leading terms already in order
    if n_order and n_row_est:
        sort_rows = n_row_est
        if limit is not None and limit < n_row_est:
            sort_rows = limit  # WHERE_USE_LIMIT: only the first rows need ordering
        elif distinct and n_row_est > 10:
            sort_rows = n_row_est - 10
        for k in range(n_order):  # rScale + 3.0 * N * log(N)
            scale = log_est((n_order - k) * 100 // n_order) - 66
            sort_costs.append(n_row_est + scale + 16 + est_log(sort_rows))
    # a path: (mask, cost, rows out, unsorted cost, ORDER BY terms in order, loops)
    Path = tuple[int, int, int, int, int, list[WhereLoop]]
    paths: list[Path] = [(0, 0, 0, 0, 0, [])]
    for _ in range(n):
        nxt: list[Path] = []
        mx_cost = mx_unsorted = 0
        mx_i = 0
        for mask, _cost, nrow, unsorted0, ordered0, chosen in paths:
            for lp in loops:
                bit = 1 << lp.tab
                if lp.prereq & ~mask or bit & mask:
                    continue
                if lp.kind == "auto" and nrow < 3:
                    continue  # an automatic index must pay for itself over several runs
                unsorted = log_est_add(lp.setup, lp.run + nrow)
                unsorted = log_est_add(unsorted, unsorted0)
                nout = nrow + lp.nout
                new_mask = mask | bit
                ordered = (n_order if lp.ordered else min(lp.n_sat, n_order)) if not chosen \
                    else ordered0
                if sort_costs and ordered < n_order:
                    cost = log_est_add(unsorted, sort_costs[ordered]) + 5
                else:
                    cost = unsorted
                    unsorted -= 2  # a slight bias towards plans that need no sort
                jj = next((k for k, p in enumerate(nxt) if p[0] == new_mask), -1)
                if jj < 0:
                    if len(nxt) >= mx_choice and (
                            cost > mx_cost or (cost == mx_cost and unsorted >= mx_unsorted)):
                        continue
                    if len(nxt) < mx_choice:
                        nxt.append((0, 0, 0, 0, 0, []))
                        jj = len(nxt) - 1
                    else:
                        jj = mx_i
                else:
                    p = nxt[jj]
                    if p[1] < cost or (p[1] == cost and (
                            p[2] < nout or (p[2] == nout and p[3] <= unsorted))):
                        continue
                nxt[jj] = (new_mask, cost, nout, unsorted, ordered, chosen + [lp])
                if len(nxt) >= mx_choice:
                    mx_i, mx_cost, mx_unsorted = 0, nxt[0][1], nxt[0][2]
                    for k in range(1, len(nxt)):
                        if nxt[k][1] > mx_cost or (nxt[k][1] == mx_cost and nxt[k][3] > mx_unsorted):
                            mx_i, mx_cost, mx_unsorted = k, nxt[k][1], nxt[k][3]
        if not nxt:
            return [], 0
        paths = nxt
    best = paths[0]
    for p in paths[1:]:
        if best[1] > p[1]:
            best = p
    return best[5], best[2]


def column_width(decl: str | None) -> int:
    """A column's szEst, in units of 4 bytes (sqlite3AffinityType): TEXT and BLOB 5,
    CHAR(n)/VARCHAR(n)/BLOB(n) n/4+1, anything else (and no type) 1."""
    if not decl:
        return 1
    d = decl.upper()
    if "INT" in d:
        return 1
    v = 0
    at = d.find("CHAR")
    if at >= 0:
        rest = d[at + 4:]
    elif "CLOB" in d or "TEXT" in d:
        return 5
    elif "BLOB" in d:
        rest = d[d.find("BLOB") + 4:]
        if not rest.startswith("("):
            return 5
    else:
        return 1
    digits = ""
    for ch in rest:
        if ch.isdigit():
            digits += ch
        elif digits:
            break
    v = int(digits) if digits else 0
    return min(v // 4 + 1, 255)
