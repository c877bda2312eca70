"""Sorter for ORDER BY: in memory, top-k under LIMIT, or external merge sort.

Owns the ordering of result rows by ORDER BY specs (the same specs as
runtime.sort_rows: position, desc, nulls_first, collation, custom compare).
Small inputs are sorted in memory. Under a LIMIT small enough, only the first
k rows are kept (heapq, O(n log k)). Past SPILL_ROWS rows the input is cut
into sorted runs written to anonymous temporary files (marshal: SQL values are
None/int/float/str/bytes and tuples of them) and merged with heapq.merge;
both paths are stable, so ties keep their input order as a full sort would.
GROUP BY, SELECT DISTINCT and UNION/INTERSECT/EXCEPT are bounded the same way:
at most SPILL_GROUPS groups, keys or rows per side in memory, the rest in sorted
runs of a KeySorter (GroupSpill, DistinctSpill, compound_rows).
Knows nothing of pages or of SQL text. Spec: SQLite's vdbesort.c in spirit
(PMAs merged), not in format: the temp files are private to one statement."""

from __future__ import annotations

import errno
import heapq
import marshal
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from functools import cmp_to_key
from itertools import chain, compress, groupby, islice, repeat
from operator import gt, itemgetter, lt
from typing import IO, Any

from pyrite import errors
from pyrite.exec.runtime import NULLROW, group_key, make_key, row_key, sort_rows

Spec = tuple[int, bool, bool, str | None, Any]

SPILL_ROWS = 200_000  # rows held in memory before a sorted run goes to a temp file
TOPK_MAX = 10_000  # LIMIT+OFFSET up to this uses a bounded heap instead of a full sort

# Probe counters (tests read them to prove which branch ran).
SPILLS = 0  # sorted runs written to temp files
TOPK = 0  # sorts served by the bounded heap
RUNS = 0  # runs sorted apart by sort_runs (a partial sort)


def _rank(desc: bool, nulls_first: bool) -> int:
    if desc:
        return 4 if nulls_first else -1
    return -1 if nulls_first else 4


def _composite_cmp(specs: tuple[Spec, ...]) -> Callable[[Any, Any], int]:
    keys = [(pos, desc, make_key(coll, custom, _rank(desc, nf)))
            for pos, desc, nf, coll, custom in specs]

    def cmp(a: Any, b: Any) -> int:
        for pos, desc, k in keys:
            ka, kb = k(a[pos]), k(b[pos])
            if ka < kb:
                return 1 if desc else -1
            if kb < ka:
                return -1 if desc else 1
        return 0
    return cmp


def _tuple_key(specs: tuple[Spec, ...]) -> Callable[[Any], Any]:
    """One tuple key for specs that all sort the same direction."""
    keys = [(pos, make_key(coll, custom, _rank(desc, nf)))
            for pos, desc, nf, coll, custom in specs]
    if len(keys) == 1:
        pos0, k0 = keys[0]

        def key1(r: Any) -> Any:
            return k0(r[pos0])
        return key1

    def key(r: Any) -> Any:
        return tuple(k(r[pos]) for pos, k in keys)
    return key


def sort_iter(rows: Iterable[Any], specs: tuple[Spec, ...], limit: int = -1
              ) -> Iterator[Any]:
    """sort_iter(rows, specs, limit) -> rows in ORDER BY order; limit >= 0 means only
    the first `limit` rows are wanted (LIMIT + OFFSET), -1 all of them."""
    global TOPK
    if 0 <= limit <= TOPK_MAX and specs and len({s[1] for s in specs}) == 1:
        TOPK += 1
        key = _tuple_key(specs)
        pick = heapq.nlargest if specs[0][1] else heapq.nsmallest
        if len(specs) == 1 and specs[0][4] is None:
            rows = _topk_numbers(rows, specs[0][0], limit, pick, key)
        yield from pick(limit, rows, key=key)
        return
    buf: list[Any] = []
    runs: list[IO[bytes]] = []
    try:
        for r in rows:
            buf.append(r)
            if len(buf) >= SPILL_ROWS:
                runs.append(_spill(buf, specs))
                buf = []
        sort_rows(buf, specs)
        if not runs:
            yield from buf
            return
        sources: list[Iterable[Any]] = [_read_run(f) for f in runs]
        sources.append(buf)
        yield from heapq.merge(*sources, key=cmp_to_key(_composite_cmp(specs)))
    finally:
        for f in runs:
            f.close()


_NUMBERS = {int, float}
_CHUNK = 4096


def _topk_numbers(rows: Iterable[Any], pos: int, limit: int,
                  pick: Callable[..., list[Any]], key: Callable[[Any], Any]) -> list[Any]:
    """The candidates for a one-term top-k, found chunk by chunk: in a chunk whose sort
    values are all numbers Python's order is SQLite's, so the chunk's best `limit`
    rows are picked by the plain value (in C); other chunks by the SQL key. Ties keep
    their input order (earlier chunks first, each pick stable), so the final pick is
    the same as over all rows; at most about _CHUNK candidates are held."""
    out: list[Any] = []
    it = iter(rows)
    get = itemgetter(pos)
    while True:
        chunk = list(islice(it, _CHUNK))
        if not chunk:
            return out
        if len(chunk) > limit:
            numbers = set(map(type, map(get, chunk))) <= _NUMBERS
            chunk = pick(limit, chunk, key=get if numbers else key)
        out += chunk
        if len(out) > _CHUNK:
            out = pick(limit, out, key=key)


class TopkLeaves:
    """TopkLeaves(k, pos, desc, text)(rows) -> the rows of one table leaf (a list of
    (rowid, record tuple), cursor.scan_leaf_rows) that may still be among the first
    k of ORDER BY column pos, in scan order. Exact for a single-term sort whose input
    is every row returned here, in scan order: a row is dropped only when k earlier
    rows rank before it (better, or equal and earlier) — k rows of its own leaf, or
    k rows returned before (kept in `best`). Only a leaf whose values are all of one
    class where Python's order is SQLite's is narrowed: numbers, BLOBs, or TEXT when
    `text` (BINARY collation); a leaf holding NULL, a mix of classes or a short
    record is returned whole."""

    __slots__ = ("k", "get", "desc", "text", "best", "kind")

    def __init__(self, k: int, pos: int, desc: bool, text: bool = False) -> None:
        self.k = k
        self.get = itemgetter(pos)
        self.desc = desc
        self.text = text
        self.best: list[Any] = []  # the k best values returned so far, ascending
        self.kind: Any = None  # their class (int for numbers, str, bytes)

    def __call__(self, rows: list[Any]) -> list[Any]:
        global TOPK_LEAVES
        k = self.k
        if k < 0 or not rows:
            return rows
        if k == 0:
            return []
        try:
            vals = list(map(self.get, map(_SECOND, rows)))
        except IndexError:
            return rows
        kinds = set(map(type, vals))
        if kinds <= _NUMBERS:
            kind: Any = int
        elif kinds == _BYTES or (kinds == _STR and self.text):
            kind = kinds.pop()
        else:
            return rows
        TOPK_LEAVES += 1
        desc = self.desc
        best = self.best
        idx: list[int]
        if kind is self.kind and len(best) >= k:
            # strictly better than the k-th best so far: a tie comes after it
            if desc:
                if max(vals) <= best[0]:
                    return []
                idx = list(compress(range(len(vals)), map(lt, repeat(best[0]), vals)))
            else:
                if min(vals) >= best[-1]:
                    return []
                idx = list(compress(range(len(vals)), map(gt, repeat(best[-1]), vals)))
        else:
            idx = list(range(len(vals)))
        if len(idx) > k:
            idx = (heapq.nlargest if desc else heapq.nsmallest)(k, idx, key=vals.__getitem__)
            idx.sort()
        if self.kind is None:
            self.kind = kind
        if kind is self.kind:
            best += [vals[i] for i in idx]
            best.sort()
            if len(best) > k and desc:
                del best[:len(best) - k]
            elif len(best) > k:
                del best[k:]
        return rows if len(idx) == len(rows) else [rows[i] for i in idx]


_STR = {str}
_BYTES = {bytes}
_SECOND = itemgetter(1)
TOPK_LEAVES = 0  # probe: leaves narrowed by TopkLeaves


def _spill(buf: list[Any], specs: tuple[Spec, ...]) -> IO[bytes]:
    global SPILLS
    SPILLS += 1
    sort_rows(buf, specs)
    f = tempfile.TemporaryFile(prefix="pyrite-sort-")
    dump = marshal.dump
    for r in buf:
        dump(r, f)
    f.seek(0)
    return f


def _read_run(f: IO[bytes]) -> Iterator[Any]:
    load = marshal.load
    while True:
        try:
            yield load(f)
        except EOFError:
            return


# ---------------------------------------------------------------- GROUP BY and DISTINCT


def _spill_groups() -> int:
    """The bound on groups / DISTINCT keys in memory: PYRITE_SPILL_GROUPS, if set
    (tests set it tiny so that every GROUP BY and DISTINCT takes the spill path)."""
    try:
        return max(1, int(os.environ.get("PYRITE_SPILL_GROUPS", "")))
    except ValueError:
        return 100_000


SPILL_GROUPS = _spill_groups()  # groups (or DISTINCT keys) held in memory per statement
GROUP_SPILLS = 0  # probe: GROUP BY statements that sent groups to the external sorter
DISTINCT_SPILLS = 0  # probe: DISTINCT selects that sent rows to the external sorter

_VALUE_KEY = make_key(None, None, -1)
_RUN_CHUNK = 1024  # records per pickled chunk of a run


def _key_order(rec: Any) -> Any:
    """The order of records (key, ...): their keys as runtime.row_key orders them."""
    return tuple(map(_VALUE_KEY, rec[0]))


class KeySorter:
    """Records (key, ...) in key order, stably (equal keys keep their input order).

    Holds at most `run` records; past that they are sorted and written as a run to
    one anonymous temp file (pickle, in chunks: values may be str subclasses such
    as JSON text, which marshal refuses). Iterating merges the runs with the rest."""

    __slots__ = ("run", "buf", "file", "runs")

    def __init__(self, run: int) -> None:
        self.run = max(run, 1)
        self.buf: list[Any] = []
        self.file: IO[bytes] | None = None
        self.runs: list[tuple[int, int]] = []  # (offset, chunks) of each sorted run

    def add(self, rec: Any) -> None:
        buf = self.buf
        buf.append(rec)
        if len(buf) >= self.run:
            self._write_run()

    def _write_run(self) -> None:
        global SPILLS
        SPILLS += 1
        recs = self.buf
        self.buf = []
        recs.sort(key=_key_order)
        chunks = 0
        try:
            if self.file is None:
                self.file = tempfile.TemporaryFile(prefix="pyrite-sort-")
            f = self.file
            start = f.seek(0, 2)
            for i in range(0, len(recs), _RUN_CHUNK):
                pickle.dump(recs[i:i + _RUN_CHUNK], f, pickle.HIGHEST_PROTOCOL)
                chunks += 1
        except OSError as exc:  # the temp directory full or failing: SQLite's words
            if exc.errno == errno.ENOSPC:
                raise errors.DiskFullError() from exc
            raise errors.DiskIOError() from exc
        self.runs.append((start, chunks))

    def _read_run(self, offset: int, chunks: int) -> Iterator[Any]:
        f = self.file
        assert f is not None
        for _ in range(chunks):
            try:
                f.seek(offset)
                recs = pickle.load(f)
                offset = f.tell()
            except OSError as exc:
                raise errors.DiskIOError() from exc
            yield from recs

    def __iter__(self) -> Iterator[Any]:
        recs = self.buf
        self.buf = []
        recs.sort(key=_key_order)
        if not self.runs:
            return iter(recs)
        sources: list[Iterable[Any]] = [self._read_run(o, n) for o, n in self.runs]
        sources.append(recs)
        return heapq.merge(*sources, key=_key_order)

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


class _Step:
    """Stands for one aggregate in a spilled row's state: step() notes the arguments."""

    __slots__ = ("args",)

    def __init__(self) -> None:
        self.args: tuple[Any, ...] | None = None

    def step(self, *args: Any) -> bool:
        self.args = args
        return True


class GroupSpill:
    """GROUP BY with at most SPILL_GROUPS groups in memory (codegen.gen_group).

    A group's state is a list: one slot per aggregate (an int for a count(*)
    counter, else an object with step/finalize), then the snapshot of the source
    rows its bare columns read (None before its first row). While the dict has
    room, a new group gets a fresh state. Once it is full, rows of the groups in it
    still aggregate in place, and a row of any other group gets record() instead: a
    state of the same shape whose slots only note what the row passes to each
    step(); at the next record() (or groups()) that row goes to a KeySorter under
    its group key. groups() then merges the dict's groups with the spilled ones,
    rebuilt group by group by replaying their rows in scan order, all in key order:
    order, bare columns and results are those of the in-memory path, since each
    group sees the same rows in the same order in both (and a key is never in both:
    the dict stops growing once full)."""

    __slots__ = ("limit", "make", "counters", "last", "sorter", "key", "state", "blank")

    def __init__(self, make: Callable[[], list[Any]], counters: tuple[bool, ...],
                 last: int) -> None:
        self.limit = SPILL_GROUPS
        self.make = make
        self.counters = counters  # slot j is a count(*) counter
        self.last = last  # the min()/max() slot whose new extreme moves the bare columns
        self.sorter: KeySorter | None = None
        self.key: Any = None  # the group key of the row in `state`, None if none
        self.state: list[Any] = []
        self.blank: list[Any] = []

    def record(self, gk: tuple[Any, ...]) -> list[Any]:
        """record(gk) -> the state the generated code steps for one row of a group
        that did not fit in memory (the same list every time)."""
        global GROUP_SPILLS
        if self.key is not None:
            self._keep()
        elif self.sorter is None:
            GROUP_SPILLS += 1
            self.sorter = KeySorter(self.limit)
            self.blank = [0 if c else _Step() for c in self.counters]
            self.blank.append(None)
            self.state = self.blank[:]
        self.key = gk
        return self.state

    def _keep(self) -> None:
        """The row in `state` to the sorter: (key, snapshot, NULLROW mask, slots), a
        slot being a counter's increment, the arguments of a step(), or None."""
        state = self.state
        snap = state[-1]
        nullrows = 0  # the LEFT JOIN rows that were NULLROW, whose identity matters
        for i, v in enumerate(snap):
            if v is NULLROW:
                nullrows |= 1 << i
        if nullrows:
            snap = tuple(None if v is NULLROW else v for v in snap)
        slots = []
        for s in state[:-1]:
            if type(s) is int:
                slots.append(s)
            else:
                slots.append(s.args)
                s.args = None
        assert self.sorter is not None
        self.sorter.add((self.key, snap, nullrows, tuple(slots)))
        state[:] = self.blank
        self.key = None

    def groups(self, groups: dict[Any, list[Any]]) -> Iterator[tuple[Any, list[Any]]]:
        """groups(groups) -> (key, state) of every group, in key order."""
        mem = sorted(groups.items(), key=lambda kv: row_key(kv[0]))
        if self.sorter is None:
            return iter(mem)
        if self.key is not None:
            self._keep()
        groups.clear()
        return heapq.merge(mem, self._spilled(self.sorter), key=_key_order)

    def _spilled(self, sorter: KeySorter) -> Iterator[tuple[Any, list[Any]]]:
        counters, last, na = self.counters, self.last, len(self.counters)
        try:
            for gk, rows in groupby(sorter, key=itemgetter(0)):
                g = self.make()
                for _, snap, nullrows, slots in rows:
                    moved = False
                    for j, s in enumerate(slots):
                        if counters[j]:
                            g[j] += s
                        elif s is not None:
                            m = g[j].step(*s)
                            if j == last:
                                moved = m
                    if moved or g[na] is None:
                        g[na] = snap if not nullrows else tuple(
                            NULLROW if nullrows >> i & 1 else v for i, v in enumerate(snap))
                yield gk, g
        finally:
            sorter.close()


class DistinctSpill:
    """SELECT DISTINCT with at most SPILL_GROUPS keys in the generated code's seen
    set: once it is full, a row with a key not in it is add()ed here, and rows()
    gives, after the rows already yielded, the first row of each spilled key in key
    order (SQL leaves the order open without ORDER BY; the caller sorts when there
    is one). Nothing spilled: no row more, so the order is the scan's, as SQLite's."""

    __slots__ = ("limit", "sorter")

    def __init__(self) -> None:
        self.limit = SPILL_GROUPS
        self.sorter: KeySorter | None = None

    def add(self, dk: tuple[Any, ...], row: Any) -> None:
        global DISTINCT_SPILLS
        if self.sorter is None:
            DISTINCT_SPILLS += 1
            self.sorter = KeySorter(self.limit)
        self.sorter.add((dk, row))

    def rows(self) -> Iterator[Any]:
        sorter = self.sorter
        if sorter is None:
            return
        try:
            for _, recs in groupby(sorter, key=itemgetter(0)):
                yield next(recs)[1]
        finally:
            sorter.close()


def sort_runs(rows: Iterable[Any], specs: tuple[Spec, ...], n_sat: int, limit: int = -1
              ) -> Iterator[Any]:
    """sort_runs(rows, specs, n_sat, limit) -> rows in ORDER BY order, from rows that
    already come ordered by the first n_sat specs (an index read in their order): each
    run of rows equal on those is sorted by the other specs alone (SQLite's partial
    sort, "USE TEMP B-TREE FOR RIGHT PART OF ORDER BY"), and runs after the first
    `limit` rows are not read."""
    from pyrite.exec.runtime import group_key

    global RUNS
    head = [(pos, coll) for pos, _, _, coll, _ in specs[:n_sat]]
    rest = specs[n_sat:]

    def run_key(r: Any) -> tuple[Any, ...]:
        return tuple(group_key(r[pos], coll) for pos, coll in head)

    left = limit
    for _, run in groupby(rows, key=run_key):
        if left == 0:
            return
        RUNS += 1
        for r in sort_iter(run, rest, left):
            yield r
            if left > 0:
                left -= 1


# ---------------------------------------------------------------- UNION, INTERSECT, EXCEPT

UNION_ALL, UNION, INTERSECT, EXCEPT = range(4)
COMPOUND_OPS = {"UNION ALL": UNION_ALL, "UNION": UNION, "INTERSECT": INTERSECT,
                "EXCEPT": EXCEPT}


def compound_rows(first: Iterable[Any], ops: tuple[tuple[int, Callable[[], Iterable[Any]]], ...],
                  last: bool) -> Iterator[Any]:
    """compound_rows(first, ops, last) -> the rows of a compound SELECT with at least
    one UNION/INTERSECT/EXCEPT. Each side is read whole, in turn, into a KeySorter;
    UNION/INTERSECT/EXCEPT merge their sorted sides key by key.

    Without ORDER BY (last) SQLite evaluates left to right through an ephemeral
    index: an equal row (1000 and 1000.0) replaces the one there, so the last is
    kept, and the result comes out in key order (runtime.row_key), a UNION ALL
    then appending its rows as read. With ORDER BY it merges sorted sides: the
    first of equal rows is kept, except that UNION takes the right side's row for
    a key the right side has, and rows equal under UNION ALL stay in input order
    (the caller's sort is stable)."""
    sorters: list[KeySorter] = []

    def spool(rows: Iterable[Any], keyed: bool) -> Iterator[Any]:
        """(key, row) records of rows, read now: in key order, or in read order
        (key ()) when not keyed."""
        s = KeySorter(SPILL_GROUPS)
        sorters.append(s)
        for r in rows:
            s.add((tuple(group_key(v, None) for v in r) if keyed else (), r))
        return iter(s)

    ordered = not last or ops[0][0] != UNION_ALL
    acc = spool(first, ordered)
    try:
        for op, side in ops:
            if op == UNION_ALL and last:
                acc = chain(acc, spool(side(), False))
                ordered = False
            elif op == UNION_ALL:
                acc = heapq.merge(acc, spool(side(), True), key=_key_order)
            else:
                left = acc if ordered else spool((rec[1] for rec in acc), True)
                acc = _combine(op, left, spool(side(), True), last)
                ordered = True
        for rec in acc:
            yield rec[1]
    finally:
        for s in sorters:
            s.close()


def _combine(op: int, left: Iterator[Any], right: Iterator[Any], last: bool) -> Iterator[Any]:
    merged = heapq.merge(((k, 0, r) for k, r in left), ((k, 1, r) for k, r in right),
                         key=_key_order)
    for k, recs in groupby(merged, key=itemgetter(0)):
        lrow = rrow = None
        lseen = rseen = False
        for _, side, r in recs:
            if side == 0:
                if last or not lseen:
                    lrow, lseen = r, True
            elif last or not rseen:
                rrow, rseen = r, True
        if op == UNION:
            yield k, (rrow if rseen else lrow)
        elif lseen and rseen == (op == INTERSECT):
            yield k, lrow
