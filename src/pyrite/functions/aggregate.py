"""Aggregate and window functions (lang_aggfunc.html, windowfunctions.html),
as SQLite 3.40 computes them (func.c, window.c).

Owns ``AggregateDef``/``AGGREGATES`` and ``WindowDef``/``WINDOWS``. Knows
nothing of rows, sorting or frames beyond the indexes handed to it.

How the executor drives them
----------------------------
Aggregates (``AGGREGATES[name]``, ``adef.accepts(nargs)``)::

    acc = adef.factory(coll)     # coll: collation of the first argument, or None
    acc.step(*args)              # once per input row (count(*) gets no args)
    acc.finalize() -> value      # once; the aggregate result

  DISTINCT and ``ORDER BY`` inside the call are the executor's: it removes
  duplicates / sorts the rows before stepping. ``min``/``max`` set
  ``acc.last_step_updated`` after each step so that the executor can copy the
  "bare" columns of the row holding the extreme (SQLite's documented
  behaviour for ``SELECT max(a), b``).

  As window functions: ``acc.value()`` gives the current result without
  ending the aggregate and ``acc.inverse(*args)`` removes a row that left the
  frame (only when ``adef.has_inverse``; min and max have none, so frames for
  them are re-aggregated). ``aggregate_over_frames`` does all of this for a
  whole partition.

Window-only functions (``WINDOWS[name]``, ``wdef.accepts(nargs)``) work on a
whole partition at once, already sorted by the window's ORDER BY::

    w = wdef.factory()
    results = w.evaluate(args, peers, frames)    # list, one value per row

  ``args[i]``   the tuple of argument values evaluated at row i,
  ``peers[i]``  the number of row i's peer group (rows equal under ORDER BY
                share it; 0, 1, 2 ... in order; all 0 without ORDER BY),
  ``frames[i]`` (start, end) row indexes of row i's frame, end exclusive
                (used by first_value, last_value, nth_value).

Errors are ``OperationalError`` with SQLite's messages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pyrite.errors import OperationalError
from pyrite.exec.values import (
    MAX_INT,
    MIN_INT,
    Collation,
    Value,
    add,
    compare,
    int_value,
    numeric_type_value,
    real_value,
    sub,
    to_text,
)

__all__ = [
    "Aggregate", "AggregateDef", "AGGREGATES", "WindowFunction", "WindowDef", "WINDOWS",
    "aggregate_over_frames",
]


class Aggregate(Protocol):
    def step(self, *args: Value) -> None: ...
    def finalize(self) -> Value: ...
    def value(self) -> Value: ...
    def inverse(self, *args: Value) -> None: ...


class WindowFunction(Protocol):
    def evaluate(self, args: Sequence[tuple[Value, ...]], peers: Sequence[int],
                 frames: Sequence[tuple[int, int]]) -> list[Value]: ...


@dataclass(frozen=True, slots=True)
class AggregateDef:
    """A built-in aggregate: factory(coll) -> Aggregate."""

    name: str
    nargs: int                         # -1: see arg_counts
    factory: Callable[[Collation | None], Any]
    arg_counts: tuple[int, ...] = (1,)
    has_inverse: bool = True

    def accepts(self, n: int) -> bool:
        """accepts(n) -> bool: may the aggregate be called with n arguments?"""
        return n in self.arg_counts


@dataclass(frozen=True, slots=True)
class WindowDef:
    """A window-only function: factory() -> WindowFunction."""

    name: str
    arg_counts: tuple[int, ...]
    factory: Callable[[], Any]

    def accepts(self, n: int) -> bool:
        """accepts(n) -> bool: may the function be called with n arguments?"""
        return n in self.arg_counts


def _numeric_type(v: Value) -> Value:
    from pyrite.functions.scalar import _numeric_type as nt

    if type(v) is str:
        r = nt(v)
        return v if r is None else r
    return v


# ---------------------------------------------------------------------------
# Aggregates
# ---------------------------------------------------------------------------


class _Sum:
    """SumCtx of func.c: sum(), total() and avg() share it."""

    __slots__ = ("r_sum", "i_sum", "cnt", "overflow", "approx")

    def __init__(self, coll: Collation | None = None) -> None:
        self.r_sum = 0.0
        self.i_sum = 0
        self.cnt = 0
        self.overflow = False
        self.approx = False

    def step(self, x: Value = None, *_: Value) -> None:
        if type(x) is int and not self.approx:  # the common case, no overflow yet
            self.cnt += 1
            self.r_sum += float(x)
            s = self.i_sum + x
            if MIN_INT <= s <= MAX_INT:
                self.i_sum = s
            else:
                self.approx = self.overflow = True
            return
        if type(x) is float:
            self.cnt += 1
            self.r_sum += x
            self.approx = True
            return
        if x is None:
            return
        v = _numeric_type(x)
        self.cnt += 1
        if type(v) is int:
            self.r_sum += float(v)
            if not (self.approx or self.overflow):
                s = self.i_sum + v
                if MIN_INT <= s <= MAX_INT:
                    self.i_sum = s
                else:
                    self.approx = self.overflow = True
        else:
            self.r_sum += real_value(v)
            self.approx = True

    def take_ints(self, s: int | None, n: int, x: Value = None) -> None:
        """take_ints(s, n, x=None) -> None: take over the sum the generated code kept
        inline, then step x (when not NULL). The inline path adds integers only while
        every partial sum stays within +-INLINE_SUM_BOUND: each addition is then exact
        in doubles too, so float(s) is what rSum holds after those n steps. s is None
        once handed over (the inline path stays off from then on)."""
        if s is not None and n:
            self.i_sum += s
            self.r_sum += float(s)
            self.cnt += n
        if x is not None:
            self.step(x)

    def inverse(self, x: Value = None, *_: Value) -> None:
        if x is None:
            return
        v = _numeric_type(x)
        self.cnt -= 1
        if type(v) is int and not self.approx:
            self.r_sum -= float(v)
            self.i_sum -= v
        else:
            self.r_sum -= real_value(v)

    def value(self) -> Value:
        if self.cnt <= 0:
            return None
        if self.overflow:
            raise OperationalError("integer overflow")
        if self.approx:
            r = self.r_sum
            return None if r != r else r  # a NaN result is NULL (sqlite3_result_double)
        return self.i_sum

    finalize = value


INLINE_SUM_BOUND = 1 << 52  # see _Sum.take_ints


class _Total(_Sum):
    __slots__ = ()

    def value(self) -> Value:
        r = self.r_sum
        return None if r != r else r  # NaN (inf + -inf) is NULL

    finalize = value


class _Avg(_Sum):
    __slots__ = ()

    def value(self) -> Value:
        if self.cnt <= 0:
            return None
        r = self.r_sum / float(self.cnt)
        return None if r != r else r  # NaN is NULL

    finalize = value


class _Count:
    __slots__ = ("n",)

    def __init__(self, coll: Collation | None = None) -> None:
        self.n = 0

    def step(self, *args: Value) -> None:
        if not args or args[0] is not None:
            self.n += 1

    def inverse(self, *args: Value) -> None:
        if not args or args[0] is not None:
            self.n -= 1

    def value(self) -> Value:
        return self.n

    finalize = value


class _MinMax:
    __slots__ = ("best", "have", "coll", "last_step_updated", "sign")

    def __init__(self, coll: Collation | None = None, sign: int = 1) -> None:
        self.best: Value = None
        self.have = False
        self.coll = coll
        self.sign = sign
        self.last_step_updated = False

    def step(self, x: Value = None, *_: Value) -> None:
        if x is None:
            self.last_step_updated = False
            return
        if not self.have:
            self.best = x
            self.have = True
            self.last_step_updated = True
            return
        c = compare(self.best, x, self.coll)
        if c * self.sign < 0:
            self.best = x
            self.last_step_updated = True
        else:
            self.last_step_updated = False

    def inverse(self, *args: Value) -> None:
        raise NotImplementedError("min/max have no inverse: re-aggregate the frame")

    def value(self) -> Value:
        return self.best

    finalize = value


def _max_factory(coll: Collation | None = None) -> _MinMax:
    return _MinMax(coll, 1)


def _min_factory(coll: Collation | None = None) -> _MinMax:
    return _MinMax(coll, -1)


class _GroupConcat:
    """group_concat(X[, SEP]): SEP is taken from the row whose value follows it."""

    __slots__ = ("parts", "started")

    def __init__(self, coll: Collation | None = None) -> None:
        self.parts: list[tuple[str, str]] = []   # (separator before, value)
        self.started = False

    def step(self, x: Value = None, sep: Value = ",", *_: Value) -> None:
        if x is None:
            return
        s = "" if not self.parts else ("" if sep is None else _ctext(sep))
        self.parts.append((s, _ctext(x)))

    def inverse(self, x: Value = None, *_: Value) -> None:
        if x is None or not self.parts:
            return
        del self.parts[0]

    def value(self) -> Value:
        if not self.parts:
            return None
        out = [self.parts[0][1]]
        for sep, v in self.parts[1:]:
            out.append(sep)
            out.append(v)
        return "".join(out)

    finalize = value


def _ctext(v: Value) -> str:
    s = to_text(v)
    assert s is not None
    return s


AGGREGATES: dict[str, AggregateDef] = {
    "avg": AggregateDef("avg", 1, _Avg),
    "count": AggregateDef("count", -1, _Count, (0, 1)),
    "group_concat": AggregateDef("group_concat", -1, _GroupConcat, (1, 2)),
    "string_agg": AggregateDef("string_agg", 2, _GroupConcat, (2,)),
    "max": AggregateDef("max", 1, _max_factory, has_inverse=False),
    "min": AggregateDef("min", 1, _min_factory, has_inverse=False),
    "sum": AggregateDef("sum", 1, _Sum),
    "total": AggregateDef("total", 1, _Total),
}


def aggregate_over_frames(adef: AggregateDef, coll: Collation | None,
                          args: Sequence[tuple[Value, ...]],
                          frames: Sequence[tuple[int, int]]) -> list[Value]:
    """aggregate_over_frames(adef, coll, args, frames) -> one value per row:
    the aggregate over args[start:end] for each row's frame."""
    out: list[Value] = []
    if adef.has_inverse:
        acc = adef.factory(coll)
        lo = hi = 0
        for start, end in frames:
            if start < lo or end < hi:
                acc = adef.factory(coll)
                lo = hi = 0
            # Like SQLite, rows are stepped in as the frame end passes them and
            # inverted as the frame start passes them, never skipped: a REAL
            # that entered and left still makes sum() approximate.
            while hi < end:
                acc.step(*args[hi])
                hi += 1
            while lo < start and lo < hi:
                acc.inverse(*args[lo])
                lo += 1
            out.append(acc.value())
        return out
    for start, end in frames:
        acc = adef.factory(coll)
        for i in range(start, end):
            acc.step(*args[i])
        out.append(acc.value())
    return out


# ---------------------------------------------------------------------------
# Window-only functions
# ---------------------------------------------------------------------------


def _group_bounds(peers: Sequence[int]) -> tuple[list[int], list[int]]:
    """first and last row index of each row's peer group."""
    n = len(peers)
    first = [0] * n
    last = [0] * n
    i = 0
    while i < n:
        j = i
        while j + 1 < n and peers[j + 1] == peers[i]:
            j += 1
        for k in range(i, j + 1):
            first[k] = i
            last[k] = j
        i = j + 1
    return first, last


class _RowNumber:
    def evaluate(self, args: Sequence[tuple[Value, ...]], peers: Sequence[int],
                 frames: Sequence[tuple[int, int]]) -> list[Value]:
        return list(range(1, len(peers) + 1))


class _Rank:
    def evaluate(self, args: Sequence[tuple[Value, ...]], peers: Sequence[int],
                 frames: Sequence[tuple[int, int]]) -> list[Value]:
        first, _ = _group_bounds(peers)
        return [f + 1 for f in first]


class _DenseRank:
    def evaluate(self, args: Sequence[tuple[Value, ...]], peers: Sequence[int],
                 frames: Sequence[tuple[int, int]]) -> list[Value]:
        out: list[Value] = []
        rank = 0
        prev = None
        for p in peers:
            if p != prev:
                rank += 1
                prev = p
            out.append(rank)
        return out


class _PercentRank:
    def evaluate(self, args: Sequence[tuple[Value, ...]], peers: Sequence[int],
                 frames: Sequence[tuple[int, int]]) -> list[Value]:
        n = len(peers)
        first, _ = _group_bounds(peers)
        if n <= 1:
            return [0.0] * n
        return [f / (n - 1) for f in first]


class _CumeDist:
    def evaluate(self, args: Sequence[tuple[Value, ...]], peers: Sequence[int],
                 frames: Sequence[tuple[int, int]]) -> list[Value]:
        n = len(peers)
        _, last = _group_bounds(peers)
        return [(lst + 1) / n for lst in last]


class _Ntile:
    def evaluate(self, args: Sequence[tuple[Value, ...]], peers: Sequence[int],
                 frames: Sequence[tuple[int, int]]) -> list[Value]:
        total = len(peers)
        out: list[Value] = []
        for i in range(total):
            raw = args[i][0]
            n = int_value(raw) if raw is not None else 0
            if raw is None or n <= 0:
                raise OperationalError("argument of ntile must be a positive integer")
            size = total // n
            if size == 0:
                out.append(i + 1)
                continue
            n_large = total - n * size
            i_small = n_large * (size + 1)
            if i < i_small:
                out.append(1 + i // (size + 1))
            else:
                out.append(1 + n_large + (i - i_small) // size)
        return out


class _LagLead:
    def __init__(self, direction: int) -> None:
        self.direction = direction

    def evaluate(self, args: Sequence[tuple[Value, ...]], peers: Sequence[int],
                 frames: Sequence[tuple[int, int]]) -> list[Value]:
        n = len(args)
        out: list[Value] = []
        for i in range(n):
            a = args[i]
            default = a[2] if len(a) > 2 else None
            # SQLite computes the target row number with ordinary arithmetic
            # and seeks it: a NULL or fractional offset finds no row.
            target = (add if self.direction > 0 else sub)(i, a[1] if len(a) > 1 else 1)
            if type(target) is float and target == int(target):
                target = int(target)
            if type(target) is int and 0 <= target < n:
                out.append(args[target][0])
            else:
                out.append(default)
        return out


def _lag() -> _LagLead:
    return _LagLead(-1)


def _lead() -> _LagLead:
    return _LagLead(1)


class _FirstValue:
    def evaluate(self, args: Sequence[tuple[Value, ...]], peers: Sequence[int],
                 frames: Sequence[tuple[int, int]]) -> list[Value]:
        return [args[s][0] if s < e else None for s, e in frames]


class _LastValue:
    def evaluate(self, args: Sequence[tuple[Value, ...]], peers: Sequence[int],
                 frames: Sequence[tuple[int, int]]) -> list[Value]:
        return [args[e - 1][0] if s < e else None for s, e in frames]


class _NthValue:
    def evaluate(self, args: Sequence[tuple[Value, ...]], peers: Sequence[int],
                 frames: Sequence[tuple[int, int]]) -> list[Value]:
        out: list[Value] = []
        for i, (s, e) in enumerate(frames):
            num = numeric_type_value(args[i][1])
            k = 0
            if type(num) is int:
                k = num
            elif type(num) is float and num == int(num):
                k = int(num)
            if k <= 0:
                raise OperationalError(
                    "second argument to nth_value must be a positive integer")
            j = s + k - 1
            out.append(args[j][0] if j < e else None)
        return out


WINDOWS: dict[str, WindowDef] = {
    "row_number": WindowDef("row_number", (0,), _RowNumber),
    "rank": WindowDef("rank", (0,), _Rank),
    "dense_rank": WindowDef("dense_rank", (0,), _DenseRank),
    "percent_rank": WindowDef("percent_rank", (0,), _PercentRank),
    "cume_dist": WindowDef("cume_dist", (0,), _CumeDist),
    "ntile": WindowDef("ntile", (1,), _Ntile),
    "lag": WindowDef("lag", (1, 2, 3), _lag),
    "lead": WindowDef("lead", (1, 2, 3), _lead),
    "first_value": WindowDef("first_value", (1,), _FirstValue),
    "last_value": WindowDef("last_value", (1,), _LastValue),
    "nth_value": WindowDef("nth_value", (2,), _NthValue),
}
