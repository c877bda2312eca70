"""Helpers the generated code calls: sort keys, IN, subquery results, built-in
aggregates, and row access paths over the storage iterators.

Owns nothing persistent. Never sees SQL text: every argument is a value, a
tuple of values, or a prebuilt spec from the program's constants."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import cmp_to_key
from itertools import repeat
from operator import add, itemgetter
from typing import Any

from pyrite import errors
from pyrite.exec import values as V
from pyrite.storage import TableCursor, iter_index, iter_table, iter_table_from
from pyrite.storage.cursor import table_payload

NULLROW: tuple[None, ...] = (None,) * 2100
SENT: Any = object()
ISNULL: Any = object()  # index probe key for `col IS NULL`
SENT_PAIR: tuple[tuple[None, Any]] = ((None, SENT),)
ONE: tuple[int] = (0,)

Row = tuple[Any, ...]


# --------------------------------------------------------------------------- ordering


def _nocase(s: str) -> str:
    return s.translate(_ASCII_LOWER)


_ASCII_LOWER = {c: c + 32 for c in range(65, 91)}


def make_key(coll: str | None, custom: Callable[[str, str], int] | None,
             nulls_rank: int) -> Callable[[Any], Any]:
    """make_key(coll, custom, nulls_rank) -> value -> sortable key (SQLite order)."""
    if custom is not None:
        ck = cmp_to_key(custom)

        def key_custom(v: Any) -> Any:
            if v is None:
                return (nulls_rank, 0)
            if isinstance(v, str):
                return (2, ck(v))
            if isinstance(v, bytes):
                return (3, v)
            return (1, v)
        return key_custom
    fold: Callable[[str], str] | None = None
    if coll == "NOCASE":
        fold = _nocase
    elif coll == "RTRIM":
        def fold(s: str) -> str:
            return s.rstrip(" ")

    def key(v: Any) -> Any:
        if v is None:
            return (nulls_rank, 0)
        if isinstance(v, str):
            return (2, fold(v) if fold is not None else v)
        if isinstance(v, bytes):
            return (3, v)
        return (1, v)
    return key


def sort_rows(rows: list[Any], specs: tuple[tuple[int, bool, bool, str | None, Any], ...]) -> None:
    """sort_rows(rows, specs): stable multi-pass sort of keyed tuples in place.

    spec = (position, desc, nulls_first, collation name, custom cmp or None)."""
    for pos, desc, nulls_first, coll, custom in reversed(specs):
        if desc:
            rank = 4 if nulls_first else -1
        else:
            rank = -1 if nulls_first else 4
        k = make_key(coll, custom, rank)
        rows.sort(key=_item_key(k, pos), reverse=desc)


def _item_key(k: Callable[[Any], Any], pos: int) -> Callable[[Any], Any]:
    def key(r: Any) -> Any:
        return k(r[pos])
    return key


def row_key(row: Row) -> tuple[Any, ...]:
    """row_key(row) -> key ordering whole rows as SQLite's ephemeral index would."""
    k = make_key(None, None, -1)
    return tuple(k(v) for v in row)


def group_key(v: Any, coll: str | None) -> Any:
    """group_key(v, coll) -> hashable key equal for values equal under coll."""
    if isinstance(v, str):
        if coll == "NOCASE":
            return _nocase(v)
        if coll == "RTRIM":
            return v.rstrip(" ")
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**63:
        return int(v)
    return v


def to_limit(v: Any) -> int:
    """to_limit(v) -> LIMIT/OFFSET as int; SQLite's datatype mismatch otherwise."""
    v = V.apply_affinity(v, V.Affinity.INTEGER)
    if isinstance(v, int):
        return v
    raise errors.IntegrityError("datatype mismatch", code=20)


def topk_limit(lim: Any, off: Any) -> int:
    """topk_limit(lim, off) -> rows a sort must deliver for LIMIT/OFFSET, -1 for all.
    A NULL limit or offset is SQLite's datatype mismatch (an absent OFFSET is 0)."""
    n = to_limit(lim)
    if n < 0:
        return -1
    o = to_limit(off)
    return n + max(o, 0)


def limit_rows(rows: Iterable[Row], lim: Any, off: Any) -> Iterator[Row]:
    """limit_rows(rows, lim, off) -> rows after OFFSET, at most LIMIT (negative = all)."""
    n = to_limit(lim)
    o = to_limit(off)
    if o < 0:
        o = 0
    if n == 0:
        return
    it = iter(rows)
    for _ in range(o):
        if next(it, SENT) is SENT:
            return
    if n < 0:
        yield from it
        return
    for row in it:
        yield row
        n -= 1
        if n == 0:
            return


# --------------------------------------------------------------------------- IN / subqueries


def in_list(x: Any, items: tuple[Any, ...]) -> int | None:
    """in_list(x, items) -> 1/0/None: x IN (items) with NULL semantics."""
    if x is None:
        return None if items else 0
    has_null = False
    for it in items:
        if it is None:
            has_null = True
        elif V.sql_eq(x, it) == 1:
            return 1
    return None if has_null else 0


def in_list_aff(x: Any, items: tuple[Any, ...], aff: int) -> int | None:
    """in_list_aff(x, items, aff) -> like in_list, items converted by affinity aff."""
    if x is None:
        return None if items else 0
    has_null = False
    for it in items:
        if it is None:
            has_null = True
        elif V.sql_eq(x, V.apply_affinity(it, V.Affinity(aff))) == 1:
            return 1
    return None if has_null else 0


def in_rows(x: Any, rows: Iterable[Row], aff: int | None,
            null_if_all: bool = False) -> int | None:
    """in_rows(x, rows, aff, null_if_all) -> 1/0/None: x IN (subquery) over its first
    column; null_if_all: the set counts as holding NULL only when all of it is NULL."""
    empty = True
    has_null = False
    all_null = True
    for r in rows:
        empty = False
        v = r[0]
        if v is None:
            has_null = True
            continue
        all_null = False
        if x is None:
            continue
        if aff is not None:
            v = V.apply_affinity(v, V.Affinity(aff))
        if V.sql_eq(x, v) == 1:
            return 1
    if empty:
        return 0
    if x is None or (all_null if null_if_all else has_null):
        return None
    return 0


def in_rowvals(x: tuple[Any, ...], rows: Iterable[Row]) -> int | None:
    """in_rowvals(x, rows) -> 1/0/None: (a, b) IN (subquery)."""
    unknown = False
    for r in rows:
        res: int | None = 1
        for a, b in zip(x, r, strict=False):
            e = V.sql_eq(a, b)
            if e == 0:
                res = 0
                break
            if e is None:
                res = None
        if res == 1:
            return 1
        if res is None:
            unknown = True
    return None if unknown else 0


def first_value(rows: Iterable[Row]) -> Any:
    """first_value(rows) -> first column of the first row, or NULL."""
    for r in rows:
        return r[0] if len(r) == 1 else r
    return None


def exists(rows: Iterable[Row]) -> int:
    """exists(rows) -> 1 if rows yields anything, else 0."""
    for _ in rows:
        return 1
    return 0


def cached(cache: list[Any], func: Callable[[], Any]) -> Any:
    """cached(cache, func) -> func() computed once per statement run."""
    v = func()
    cache.append(v)
    return v


def row_eq(a: tuple[Any, ...], b: tuple[Any, ...], op: str) -> int | None:
    """row_eq(a, b, op) -> comparison of two row values (op is = != < <= > >= IS IS NOT)."""
    if len(a) != len(b):
        raise errors.OperationalError("row value misused")
    if op in ("=", "!=", "IS", "IS NOT"):
        res: int | None = 1
        for x, y in zip(a, b, strict=True):
            if op in ("IS", "IS NOT"):
                e: int | None = V.sql_is(x, y)
            else:
                e = V.sql_eq(x, y)
            if e == 0:
                res = 0
                break
            if e is None:
                res = None
        if op in ("!=", "IS NOT"):
            return None if res is None else 1 - res
        return res
    for x, y in zip(a, b, strict=True):
        if x is None or y is None:
            return None
        c = V.compare(x, y)
        if c != 0:
            return int({"<": c < 0, "<=": c < 0, ">": c > 0, ">=": c > 0}[op])
    return int(op in ("<=", ">="))


# --------------------------------------------------------------------------- aggregates


class Count:
    __slots__ = ("n",)

    def __init__(self) -> None:
        self.n = 0

    def step(self, v: Any) -> None:
        if v is not None:
            self.n += 1

    def finalize(self) -> Any:
        return self.n


class CountStar:
    __slots__ = ("n",)

    def __init__(self) -> None:
        self.n = 0

    def step(self) -> None:
        self.n += 1

    def finalize(self) -> Any:
        return self.n


def _num(v: Any) -> int | float:
    if isinstance(v, (int, float)):
        return v
    n = V.to_numeric(v)
    return n if isinstance(n, (int, float)) else 0


class Sum:
    __slots__ = ("i", "f", "isf", "seen", "overflow")

    def __init__(self) -> None:
        self.i = 0
        self.f = 0.0
        self.isf = False
        self.seen = False
        self.overflow = False

    def step(self, v: Any) -> None:
        if v is None:
            return
        self.seen = True
        if isinstance(v, int) and not self.isf:
            self.i += v
            if not -(2**63) <= self.i < 2**63:
                self.overflow = True
            return
        n = v if isinstance(v, (int, float)) else V.to_numeric(v)
        if isinstance(n, int) and not self.isf and not isinstance(v, (str, bytes)):
            self.i += n
            return
        if not self.isf:
            self.isf = True
            self.f = float(self.i)
        self.f += float(n) if isinstance(n, (int, float)) else 0.0

    def finalize(self) -> Any:
        if not self.seen:
            return None
        if self.isf:
            return self.f
        if self.overflow:
            raise errors.OperationalError("integer overflow")
        return self.i


class Total(Sum):
    __slots__ = ()

    def finalize(self) -> Any:
        if self.isf:
            return self.f
        return float(self.i)


class Avg(Sum):
    __slots__ = ("n",)

    def __init__(self) -> None:
        super().__init__()
        self.n = 0

    def step(self, v: Any) -> None:
        if v is not None:
            self.n += 1
            Sum.step(self, v)

    def finalize(self) -> Any:
        if self.n == 0:
            return None
        return (self.f if self.isf else float(self.i)) / self.n if self.isf else self.i / self.n


class Min:
    __slots__ = ("v", "coll")

    def __init__(self, coll: Callable[[str, str], int] | None = None) -> None:
        self.v: Any = None
        self.coll = coll

    def step(self, v: Any) -> bool:
        """Returns True when v became the new extreme (bare columns follow it)."""
        if v is None:
            return False
        cur = self.v
        if type(v) is type(cur) and (self.coll is None or type(v) is not str):
            if v < cur:  # same type: Python's order is SQLite's (BINARY for text)
                self.v = v
                return True
            return False
        if cur is None or V.compare(v, cur, self.coll) < 0:
            self.v = v
            return True
        return False

    def finalize(self) -> Any:
        return self.v


class Max(Min):
    __slots__ = ()

    def step(self, v: Any) -> bool:
        if v is None:
            return False
        cur = self.v
        if type(v) is type(cur) and (self.coll is None or type(v) is not str):
            if v > cur:
                self.v = v
                return True
            return False
        if cur is None or V.compare(v, cur, self.coll) > 0:
            self.v = v
            return True
        return False


class GroupConcat:
    __slots__ = ("parts", "sep", "first")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.sep: list[str] = []

    def step(self, v: Any, sep: Any = ",") -> None:
        if v is None:
            return
        if self.parts:
            self.sep.append("" if sep is None else (V.to_text(sep) or ""))
        self.parts.append(V.to_text(v) or "")

    def finalize(self) -> Any:
        if not self.parts:
            return None
        out = [self.parts[0]]
        for s, p in zip(self.sep, self.parts[1:], strict=True):
            out.append(s)
            out.append(p)
        return "".join(out)


class Distinct:
    """Wraps an aggregate so that each distinct argument value is stepped once."""

    __slots__ = ("inner", "seen")

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.seen: set[Any] = set()

    def step(self, *args: Any) -> None:
        k = tuple(group_key(a, None) for a in args)
        if k in self.seen:
            return
        self.seen.add(k)
        self.inner.step(*args)

    def finalize(self) -> Any:
        return self.inner.finalize()


class Ordered:
    """Wraps an aggregate called with ORDER BY inside it (group_concat(x ORDER BY y)):
    its rows are kept, sorted by the ORDER BY keys that follow the `nargs` arguments
    at finalize (stably: ties in the order they came), then stepped."""

    __slots__ = ("inner", "nargs", "specs", "rows")

    def __init__(self, inner: Any, nargs: int, specs: tuple[Any, ...]) -> None:
        self.inner = inner
        self.nargs = nargs
        self.specs = specs
        self.rows: list[tuple[Any, ...]] = []

    def step(self, *args: Any) -> None:
        self.rows.append(args)

    def finalize(self) -> Any:
        rows = self.rows
        sort_rows(rows, self.specs)
        n = self.nargs
        step = self.inner.step
        for r in rows:
            step(*r[:n])
        return self.inner.finalize()


class Adapter:
    """Wraps a user/function-module aggregate (step/finalize or value)."""

    __slots__ = ("obj",)

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def step(self, *args: Any) -> None:
        self.obj.step(*args)

    def finalize(self) -> Any:
        return self.obj.finalize()


BUILTIN_AGGREGATES: dict[str, Callable[[], Any]] = {
    "count": Count, "sum": Sum, "total": Total, "avg": Avg, "min": Min, "max": Max,
    "group_concat": GroupConcat, "string_agg": GroupConcat,
}


# --------------------------------------------------------------------------- access paths


def rowid_value(v: Any) -> int | None:
    """rowid_value(v) -> the integer a rowid probe means, or None if none can match."""
    if isinstance(v, int):
        return v
    v = V.apply_affinity(v, V.Affinity.INTEGER)
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**63:
        return int(v)
    return None


def rowid_eq(pager: Any, root: int, v: Any) -> Iterator[tuple[int, bytes]]:
    """rowid_eq(pager, root, v) -> the (rowid, payload) with that rowid, if any."""
    r = rowid_value(v)
    if r is None:
        return
    p = table_payload(pager, root, r)
    if p is not None:
        yield r, p


def rowid_in(pager: Any, root: int, vals: Iterable[Any]) -> Iterator[tuple[int, bytes]]:
    """rowid_in(pager, root, vals) -> rows whose rowid is one of vals (ascending)."""
    ids = sorted({r for r in (rowid_value(v) for v in vals) if r is not None})
    for r in ids:
        p = table_payload(pager, root, r)
        if p is not None:
            yield r, p


def rowid_range(pager: Any, root: int, lo: Any, hi: Any) -> Iterator[tuple[int, bytes]]:
    """rowid_range(pager, root, lo, hi) -> rows with lo <= rowid (<= hi), bounds
    widened to integers; the caller re-checks the exact terms."""
    import math

    start: int | None = None
    if lo is not None:
        lv = V.apply_affinity(lo, V.Affinity.NUMERIC)
        if isinstance(lv, (int, float)):
            start = math.floor(lv) if isinstance(lv, float) and not math.isinf(lv) else (
                lv if isinstance(lv, int) else None)
            if isinstance(lv, float) and math.isinf(lv):
                if lv > 0:
                    return
                start = None
        elif isinstance(lv, (str, bytes)):
            return
    end: float | None = None
    if hi is not None:
        hv = V.apply_affinity(hi, V.Affinity.NUMERIC)
        if isinstance(hv, (int, float)):
            end = hv
        else:
            end = None
    it = iter_table(pager, root) if start is None else iter_table_from(pager, root, start)
    if end is None:
        yield from it
        return
    for k, p in it:
        if k > end:
            return
        yield k, p


def rowid_range_rev(pager: Any, root: int, lo: Any, hi: Any) -> Iterator[tuple[int, bytes]]:
    """rowid_range in descending rowid order (ORDER BY rowid DESC)."""
    rows = list(rowid_range(pager, root, lo, hi))
    rows.reverse()
    yield from rows


def rowid_minmax(pager: Any, root: int, is_max: bool) -> int | None:
    """rowid_minmax(pager, root, is_max) -> the smallest/largest rowid, or NULL if empty."""
    cur = TableCursor(pager, root)
    ok = cur.last() if is_max else cur.first()
    return int(cur.rowid) if ok else None


def index_minmax(pager: Any, iroot: int, key_info: Any, is_max: bool) -> Any:
    """index_minmax(...) -> min/max non-NULL first key column of an index, or NULL."""
    if is_max:
        for e in iter_index(pager, iroot, key_info, reverse=True):
            return e[0]
        return None
    for e in iter_index(pager, iroot, key_info, (None,), False):
        return e[0]
    return None


def index_minmax_desc(pager: Any, iroot: int, key_info: Any, is_max: bool) -> Any:
    """index_minmax for an index whose first column is DESC (NULLs sort last)."""
    for e in iter_index(pager, iroot, key_info, reverse=not is_max):
        if e[0] is not None:
            return e[0]
    return None


def iter_table_rev(pager: Any, root: int) -> Iterator[tuple[int, bytes]]:
    """iter_table_rev(pager, root) -> (rowid, payload) from the largest rowid down."""
    cur = TableCursor(pager, root)
    ok = cur.last()
    while ok:
        yield cur.rowid, cur.payload()
        ok = cur.prev()


def index_rows(pager: Any, troot: int, entries: Iterable[tuple[Any, ...]]) -> Iterator[tuple[int, bytes]]:
    """index_rows(pager, troot, entries) -> table rows for index entries (rowid last).
    An entry whose last field is not an integer (a damaged file) is CorruptError."""
    for e in entries:
        r = e[-1] if e else None
        if type(r) is not int:
            raise errors.CorruptError()
        p = table_payload(pager, troot, r)
        if p is not None:
            yield r, p


def index_eq(pager: Any, iroot: int, troot: int, key_info: Any, key: tuple[Any, ...]
             ) -> Iterator[tuple[int, bytes]]:
    """index_eq(...) -> table rows whose index key starts with `key`."""
    if any(k is None for k in key):
        return
    yield from index_rows(pager, troot, iter_index(pager, iroot, key_info, key, True, key, True))


def index_in(pager: Any, iroot: int, troot: int, key_info: Any, vals: Iterable[Any]
             ) -> Iterator[tuple[int, bytes]]:
    """index_in(...) -> table rows whose first index column is one of vals."""
    seen: list[Any] = []
    for v in vals:
        if v is None or any(V.sql_eq(v, s) == 1 and type(v) is type(s) for s in seen):
            continue
        seen.append(v)
        yield from index_rows(pager, troot, iter_index(pager, iroot, key_info, (v,), True, (v,), True))


def index_range(pager: Any, iroot: int, troot: int, key_info: Any, lo: Any, lo_incl: bool,
                hi: Any, hi_incl: bool) -> Iterator[tuple[int, bytes]]:
    """index_range(...) -> table rows whose first index column lies in the bounds.
    A NULL bound matches nothing; a missing lower bound still skips NULL keys."""
    lo_key: tuple[Any, ...] | None
    if lo is SENT:
        lo_key = (None,)
        lo_incl = False
    elif lo is None:
        return
    else:
        lo_key = (lo,)
    hi_key: tuple[Any, ...] | None
    if hi is SENT:
        hi_key = None
    elif hi is None:
        return
    else:
        hi_key = (hi,)
    yield from index_rows(pager, troot, iter_index(pager, iroot, key_info, lo_key, lo_incl,
                                                   hi_key, hi_incl))


def full_rows(box: list[Any], matched: set[int], phase2: bool, with_null: bool, pairs: bool
              ) -> Iterator[tuple[int, Any, Any]]:
    """The inner side of a RIGHT/FULL JOIN as (position, rowid, row). In the first
    phase every inner row, then (FULL only) a SENT row standing for "no match";
    in the second phase (outer row NULL) only the rows no outer row matched."""
    if not phase2:
        for n, item in enumerate(box):
            if pairs:
                yield n, item[0], item[1]
            else:
                yield n, None, item
        if with_null:
            yield -1, None, SENT
        return
    for n, item in enumerate(box):
        if n not in matched:
            if pairs:
                yield n, item[0], item[1]
            else:
                yield n, None, item


def btree_count(pager: Any, root: int) -> int:
    """btree_count(pager, root) -> entries in a table or index B-tree, counted from
    page headers without decoding a record (count(*), SQLite's OP_Count)."""
    total = 0
    stack = [root]
    seen: set[int] = set()
    while stack:
        pgno = stack.pop()
        if pgno in seen or pgno < 1:
            raise errors.CorruptError()
        seen.add(pgno)
        page = pager.get_page(pgno)
        off = 100 if pgno == 1 else 0
        kind = page[off]
        ncell = page[off + 3] << 8 | page[off + 4]
        if kind in (0x0D, 0x0A):  # table leaf / index leaf
            total += ncell
            continue
        if kind not in (0x05, 0x02):
            raise errors.CorruptError()
        if kind == 0x02:  # index interior cells are entries too
            total += ncell
        ptrs = off + 12
        if ptrs + 2 * ncell > len(page):  # a cell count the page cannot hold
            raise errors.CorruptError()
        for i in range(ncell):
            cell = page[ptrs + 2 * i] << 8 | page[ptrs + 2 * i + 1]
            stack.append(int.from_bytes(page[cell:cell + 4], "big"))
        stack.append(int.from_bytes(page[off + 8:off + 12], "big"))
    return total


def or_union(parts: tuple[Iterable[tuple[int, bytes]], ...]) -> Iterator[tuple[int, bytes]]:
    """or_union(parts) -> the rows of several index searches, each rowid once."""
    seen: set[int] = set()
    for part in parts:
        for k, p in part:
            if k not in seen:
                seen.add(k)
                yield k, p


def in_values(rows: Iterable[Row], aff: int) -> Iterator[Any]:
    """in_values(rows, aff) -> the first column of each row with the probed column's
    affinity applied (the keys of an index probe for IN (SELECT ...))."""
    a = V.Affinity(aff)
    for r in rows:
        yield V.apply_affinity(r[0], a)


def index_scan(pager: Any, iroot: int, key_info: Any, eq: tuple[Any, ...], ranged: bool,
               lo: Any, lo_incl: bool, hi: Any, hi_incl: bool, reverse: bool,
               leaves: bool = False) -> Iterator[Any]:
    """index_scan(...) -> index records (rowid last) whose leading columns equal `eq`
    and, when `ranged`, whose next column lies in [lo, hi] (SENT = no bound; a
    missing lower bound skips NULL keys; a NULL bound or NULL in eq matches nothing).
    leaves: lists of records instead, as iter_index(leaves=True) (for cover_leaves)."""
    if lo is None or hi is None or None in eq:
        return iter(())
    if ISNULL in eq:
        eq = tuple(None if k is ISNULL else k for k in eq)
    lo_key: tuple[Any, ...] | None
    hi_key: tuple[Any, ...] | None
    if ranged:
        if lo is SENT:
            lo_key, lo_incl = eq + (None,), False
        else:
            lo_key = eq + (lo,)
        if hi is SENT:
            hi_key, hi_incl = (eq, True) if eq else (None, True)
        else:
            hi_key = eq + (hi,)
    else:
        lo_key = hi_key = eq if eq else None
        lo_incl = hi_incl = True
    return iter_index(pager, iroot, key_info, lo_key, lo_incl, hi_key, hi_incl, reverse, leaves)


def index_in_entries(pager: Any, iroot: int, key_info: Any, vals: Iterable[Any]
                     ) -> Iterator[tuple[Any, ...]]:
    """index_in_entries(...) -> index records whose first column is one of vals, each once."""
    seen: list[Any] = []
    for v in vals:
        if v is None or any(V.sql_eq(v, s) == 1 and type(v) is type(s) for s in seen):
            continue
        seen.append(v)
        yield from iter_index(pager, iroot, key_info, (v,), True, (v,), True)


def cover_rows(entries: Iterable[tuple[Any, ...]], pos: tuple[tuple[int, int], ...], n: int
               ) -> Iterator[tuple[int, list[Any]]]:
    """cover_rows(entries, pos, n) -> (rowid, row) from index records alone (a covering
    index): row has n columns, column p taken from record field j for (j, p) in pos.
    A record with too few fields (a damaged file) is CorruptError."""
    if n > 1 and pos and all(j >= 0 for j, _ in pos) and len({p for _, p in pos}) == len(pos):
        # one C call per entry: field j where a column is covered, else the None
        # appended to the entry (index -1)
        at = [-1] * n
        for j, p in pos:
            at[p] = j
        get = itemgetter(*at)
        need = max(j for j, _ in pos)
        none1 = (None,)
        for e in entries:
            if len(e) <= need:
                raise errors.CorruptError()
            yield e[-1], get(e + none1)
        return
    try:
        for e in entries:
            row: list[Any] = [None] * n
            for j, p in pos:
                row[p] = e[j]
            yield e[-1], row
    except IndexError:
        raise errors.CorruptError() from None


def cover_leaves(batches: Iterable[list[tuple[Any, ...]]], pos: tuple[tuple[int, int], ...],
                 n: int) -> Iterator[Iterable[tuple[int, Any]]]:
    """cover_leaves(batches, pos, n) -> for each list of index records (index_scan or
    iter_index with leaves=True), its (rowid, row) pairs as cover_rows makes them, as
    one iterator built of C calls (no Python code per record)."""
    at = [-1] * n
    for j, p in pos:
        at[p] = j
    if n < 2 or not pos or any(j < 0 for j, _ in pos) or len({p for _, p in pos}) != len(pos):
        for batch in batches:
            yield cover_rows(batch, pos, n)
        return
    get = itemgetter(*at)
    need = max(j for j, _ in pos)
    last = itemgetter(-1)
    pad = repeat((None,))
    for batch in batches:
        if min(map(len, batch), default=need + 1) <= need:
            raise errors.CorruptError()
        yield zip(map(last, batch), map(get, map(add, batch, pad)), strict=True)


def index_count(pager: Any, iroot: int, key_info: Any) -> int:
    """index_count(...) -> number of entries in an index B-tree (count(*) shortcut)."""
    n = 0
    for _ in iter_index(pager, iroot, key_info):
        n += 1
    return n


def index_only(pager: Any, iroot: int, key_info: Any, key: tuple[Any, ...] | None
               ) -> Iterator[tuple[Any, ...]]:
    """index_only(...) -> index records (covering scan), optionally with a key prefix."""
    if key is None:
        yield from iter_index(pager, iroot, key_info)
        return
    if any(k is None for k in key):
        return
    yield from iter_index(pager, iroot, key_info, key, True, key, True)


def raise_error(msg: str) -> Any:
    """raise_error(msg): raise an OperationalError from generated code."""
    raise errors.OperationalError(msg)


# --------------------------------------------------------------------------- windows


def _frames(n: int, peers: list[int], keys: list[Any], unit: str, sk: str, so: Any, ek: str,
            eo: Any, desc: bool) -> list[tuple[int, int]]:
    """Frame (start, end) per row of one sorted partition (windowfunctions.html 3)."""
    gstart: dict[int, int] = {}
    gend: dict[int, int] = {}
    for i, g in enumerate(peers):
        gstart.setdefault(g, i)
        gend[g] = i + 1
    ng = (peers[-1] + 1) if peers else 0
    out: list[tuple[int, int]] = []
    for i in range(n):
        g = peers[i]
        if unit == "ROWS":
            s = {"UNBOUNDED PRECEDING": 0, "PRECEDING": i - (so or 0), "CURRENT ROW": i,
                 "FOLLOWING": i + (so or 0)}.get(sk, 0)
            e = {"UNBOUNDED FOLLOWING": n, "FOLLOWING": i + (eo or 0) + 1, "CURRENT ROW": i + 1,
                 "PRECEDING": i - (eo or 0) + 1}.get(ek, i + 1)
        elif unit == "GROUPS" or (unit == "RANGE" and sk != "PRECEDING" and sk != "FOLLOWING"
                                  and ek != "PRECEDING" and ek != "FOLLOWING"):
            def gs(x: int) -> int:
                return n if x >= ng else (0 if x < 0 else gstart[x])

            def ge(x: int) -> int:
                return 0 if x < 0 else (n if x >= ng else gend[x])
            s = {"UNBOUNDED PRECEDING": 0, "PRECEDING": gs(g - (so or 0)), "CURRENT ROW": gstart[g],
                 "FOLLOWING": gs(g + (so or 0))}.get(sk, 0)
            e = {"UNBOUNDED FOLLOWING": n, "FOLLOWING": ge(g + (eo or 0)), "CURRENT ROW": gend[g],
                 "PRECEDING": ge(g - (eo or 0))}.get(ek, gend[g])
        else:  # RANGE with numeric offsets on the single ORDER BY key
            k = keys[i]
            sign = -1 if desc else 1

            def first_ge(t: Any, sign: int = sign) -> int:
                for j in range(n):
                    kj = keys[j]
                    if isinstance(kj, (int, float)) and sign * (kj - t) >= 0:
                        return j
                return n

            def last_le(t: Any, sign: int = sign) -> int:
                r = 0
                for j in range(n):
                    kj = keys[j]
                    if isinstance(kj, (int, float)) and sign * (kj - t) <= 0:
                        r = j + 1
                return r
            if k is None or not isinstance(k, (int, float)):
                s, e = gstart[g], gend[g]
                if sk == "UNBOUNDED PRECEDING":
                    s = 0
                if ek == "UNBOUNDED FOLLOWING":
                    e = n
            else:
                s = {"UNBOUNDED PRECEDING": 0, "CURRENT ROW": gstart[g],
                     "PRECEDING": first_ge(k - sign * (so or 0)),
                     "FOLLOWING": first_ge(k + sign * (so or 0))}.get(sk, 0)
                e = {"UNBOUNDED FOLLOWING": n, "CURRENT ROW": gend[g],
                     "FOLLOWING": last_le(k + sign * (eo or 0)),
                     "PRECEDING": last_le(k - sign * (eo or 0))}.get(ek, gend[g])
        s = max(0, min(s, n))
        e = max(s, min(e, n))
        out.append((s, e))
    return out


class UserWindowDef:
    """A user aggregate class (step/value/inverse/finalize) driven over window frames."""

    def __init__(self, cls: Any) -> None:
        self.cls = cls
        self.has_inverse = True

    def factory(self, coll: Any) -> Any:
        return self.cls()


def _user_frames(fdef: UserWindowDef, args: list[Any], frames: list[tuple[int, int]]
                 ) -> list[Any]:
    """A user window aggregate over one partition: step/inverse as the frame moves,
    value() per row, finalize() once at the end (SQLite's xStep/xInverse/xValue/xFinal)."""
    out: list[Any] = []
    acc = fdef.factory(None)
    lo = hi = 0
    for start, end in frames:
        if start < lo or end < hi:
            acc.finalize()
            acc = fdef.factory(None)
            lo = hi = 0
        while hi < end:
            acc.step(*args[hi])
            hi += 1
        while lo < start and lo < hi:
            acc.inverse(*args[lo])
            lo += 1
        out.append(acc.value())
    acc.finalize()
    return out


def _part_key(k: Callable[[Any], Any], pos: int) -> Callable[[Any], Any]:
    def key(t: Any) -> Any:
        return k(t[1][pos])
    return key


def window_values(rows: list[Any], j: int, spec: tuple[Any, ...], so: Any, eo: Any
                  ) -> tuple[list[Any], list[int]]:
    """window_values(rows, j, spec, start_offset, end_offset) -> (value per row,
    row order sorted by the window's PARTITION BY then ORDER BY).

    rows[i][j] = (partition values, order values, argument values);
    spec = (kind "win"/"agg", def, collation, order specs, unit, start kind, end kind)."""
    from pyrite.functions import aggregate_over_frames

    kind, fdef, coll, ospecs, unit, sk, ek = spec
    for off in (so, eo):
        if off is not None and (not isinstance(off, (int, float)) or off < 0):
            raise errors.OperationalError(
                "frame starting offset must be a non-negative number" if off is so
                else "frame ending offset must be a non-negative number")
    data = [r[j] for r in rows]
    keyed = [(i, d[1], d[0]) for i, d in enumerate(data)]
    for pos in range(len(ospecs) - 1, -1, -1):
        desc, nulls_first, cname, custom = ospecs[pos]
        rank = (4 if nulls_first else -1) if desc else (-1 if nulls_first else 4)
        k = make_key(cname, custom, rank)
        keyed.sort(key=_part_key(k, pos), reverse=desc)
    keyed.sort(key=lambda t: row_key(t[2]))
    out: list[Any] = [None] * len(data)
    order = [t[0] for t in keyed]
    i = 0
    n = len(keyed)
    while i < n:
        pk = tuple(group_key(v, None) for v in keyed[i][2])
        e = i + 1
        while e < n and tuple(group_key(v, None) for v in keyed[e][2]) == pk:
            e += 1
        part = keyed[i:e]
        peers: list[int] = []
        prev: Any = SENT
        g = -1
        for t in part:
            ok = tuple(group_key(v, c[2]) for v, c in zip(t[1], ospecs, strict=True))
            if ok != prev:
                g += 1
                prev = ok
            peers.append(g)
        keys = [t[1][0] if t[1] else None for t in part]
        desc0 = bool(ospecs and ospecs[0][0])
        frames = _frames(len(part), peers, keys, unit, sk, so, ek, eo, desc0)
        args = [data[t[0]][2] for t in part]
        if kind == "win":
            vals = fdef.factory().evaluate(args, peers, frames)
        elif isinstance(fdef, UserWindowDef):
            vals = _user_frames(fdef, args, frames)
        else:
            vals = aggregate_over_frames(fdef, coll, args, frames)
        for t, v in zip(part, vals, strict=True):
            out[t[0]] = v
        i = e
    return out, order


def as_real(v: Any) -> Any:
    """A value of a REAL-affinity column as SQLite reads it (OP_RealAffinity): an
    integer stored for an integral REAL value comes back a float."""
    return float(v) if type(v) is int else v
