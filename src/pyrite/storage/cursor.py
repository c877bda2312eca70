"""Cursors over table and index B-trees, and the fast scans built on them.

Owns positions, never pages: a cursor is a stack of (page, index) from the
root down (B1: at most MAX_DEPTH deep, no page twice). Interior cells of index
B-trees are entries themselves (in-order: child(i) subtree, cell i, child(i+1)),
interior cells of table B-trees only route.

A cursor remembers the key of its entry. When the pager's change generation
moved (any page was written, by this cursor or another), the next move first
re-seeks by that key: next() goes to the first entry after it, prev() to the
last before it. So delete() followed by next() lands on the entry that followed
the deleted one, as INTERFACES.md requires.

Scans keep what they decode (_ROWS): scan_rows keeps a table leaf's rows as
tuples, iter_index an index page's keys, each good while the page holds the same
bytes, so repeated reads of unchanged pages skip the record format entirely.
Searches use them too: an index seek bisects a kept page's keys in C when Python's
order is SQLite's for the probe (_plain; else cell by cell), a range held in one
leaf is found from the root with no cursor (_kept_range), and table_payload finds
a row by rowid through the pages' rowid lists (_ROWIDS) with no cursor."""

from __future__ import annotations

import functools
import struct
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from operator import itemgetter
from typing import Any, TypeVar

from pyrite.errors import CorruptError

from . import record as _record
from .btree import (
    INTERIOR_INDEX,
    INTERIOR_TABLE,
    LEAF_INDEX,
    LEAF_TABLE,
    MAX_DEPTH,
    Page,
    TablePos,
    _decode_key,
    _interior_rowid,
    _leaf_rowid,
    _page_header,
    _payload_at,
    index_delete,
    index_insert,
    key_comparer,
    table_delete,
    table_insert,
)
from .pager import Pager
from .record import BINARY_KEY, KeyInfo, Value
from .varint import get_varint

_u32 = struct.Struct(">I").unpack_from
_F = TypeVar("_F", bound=Callable[..., Any])
_MALFORMED = (IndexError, struct.error, ValueError, OverflowError, RecursionError)


def _guard(fn: _F) -> _F:
    """Bytes read from disk that break the format surface as CorruptError, nothing else."""
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except _MALFORMED as exc:
            raise CorruptError() from exc
    return wrapper  # type: ignore[return-value]
# Per pager (by id; the pager is held, at most _ROWIDS_PAGERS of them): (pager, change
# generation, {pgno: (page, its rowids, or how often seen before they are decoded)}).
# Decoding waits for _ROWIDS_AFTER visits without a write between them, so a write
# loop (a few descents per statement) never pays for it. A write moves the
# pager's generation (monotonic per pager) and so empties it; a page object replaced
# (reloaded, or routed to another image) fails the identity check. At most
# _ROWIDS_MAX pages per pager.
_ROWIDS: dict[int, tuple[object, int, dict[int, tuple[Page, list[int] | int]]]] = {}
_ROWIDS_AFTER = 8
_ROWIDS_MAX = 512
_ROWIDS_PAGERS = 4
_MAX_ROWID = (1 << 63) - 1
_MIN_ROWID = -(1 << 63)


class _Cursor:
    """Stack mechanics shared by table and index cursors."""

    _leaf_type = LEAF_TABLE
    _interior_type = INTERIOR_TABLE
    _entries_inside = False  # index trees: interior cells are entries

    def __init__(self, pager: Pager, root: int) -> None:
        self.pager = pager
        self.root = root
        self._pg: list[Page] = []
        self._pn: list[int] = []
        self._ix: list[int] = []
        self._nc: list[int] = []
        self._pt: list[int] = []
        self._rt: list[int] = []
        self.valid = False
        self._gen = -1

    def _reset(self) -> None:
        self._pg.clear()
        self._pn.clear()
        self._ix.clear()
        self._nc.clear()
        self._pt.clear()
        self._rt.clear()
        self.valid = False

    def _push(self, pgno: int) -> tuple[Page, int, int, int]:
        if len(self._pn) >= MAX_DEPTH or pgno in self._pn:
            raise CorruptError()
        page, typ, n, ptr, right = _page_header(self.pager, pgno)
        if typ != self._leaf_type and typ != self._interior_type:
            raise CorruptError()
        self._pg.append(page)
        self._pn.append(pgno)
        self._ix.append(0)
        self._nc.append(n)
        self._pt.append(ptr)
        self._rt.append(right)
        return page, n, ptr, right

    def _pop(self) -> None:
        self._pg.pop()
        self._pn.pop()
        self._ix.pop()
        self._nc.pop()
        self._pt.pop()
        self._rt.pop()

    def _child(self, i: int) -> int:
        n = self._nc[-1]
        if i < n:
            page = self._pg[-1]
            p = self._pt[-1] + 2 * i
            return int(_u32(page, (page[p] << 8) | page[p + 1])[0])
        return self._rt[-1]

    def _off(self) -> int:
        page = self._pg[-1]
        p = self._pt[-1] + 2 * self._ix[-1]
        off = (page[p] << 8) | page[p + 1]
        if off >= self.pager.usable_size:
            raise CorruptError()
        return off

    def _descend_first(self, pgno: int) -> None:
        while True:
            _, n, _, right = self._push(pgno)
            if not right:
                return
            pgno = self._child(0)

    def _descend_last(self, pgno: int) -> None:
        while True:
            _, n, _, right = self._push(pgno)
            if not right:
                self._ix[-1] = n - 1
                return
            self._ix[-1] = n
            pgno = right

    def _climb_next(self) -> bool:
        """The top leaf is exhausted: move to the next entry up and to the right."""
        while True:
            self._pop()
            if not self._pn:
                self.valid = False
                return False
            i = self._ix[-1]
            if i < self._nc[-1]:
                if self._entries_inside:
                    return self._arrived()
                self._ix[-1] = i + 1
                self._descend_first(self._child(i + 1))
                if self._ix[-1] < self._nc[-1]:
                    return self._arrived()

    def _climb_prev(self) -> bool:
        while True:
            self._pop()
            if not self._pn:
                self.valid = False
                return False
            i = self._ix[-1]
            if i > 0:
                if self._entries_inside:
                    self._ix[-1] = i - 1
                    return self._arrived()
                self._ix[-1] = i - 1
                self._descend_last(self._child(i - 1))
                if self._ix[-1] >= 0:
                    return self._arrived()

    def _arrived(self) -> bool:
        raise NotImplementedError

    def _settle_forward(self) -> bool:
        if self._ix[-1] < self._nc[-1]:
            return self._arrived()
        return self._climb_next()

    def _settle_backward(self) -> bool:
        if self._ix[-1] >= 0:
            return self._arrived()
        return self._climb_prev()

    @_guard
    def first(self) -> bool:
        """Move to the first entry; False when the tree is empty."""
        self._reset()
        self._descend_first(self.root)
        return self._settle_forward()

    @_guard
    def last(self) -> bool:
        """Move to the last entry; False when the tree is empty."""
        self._reset()
        self._descend_last(self.root)
        return self._settle_backward()

    def _step_next(self) -> bool:
        if self._rt[-1]:
            # On an interior cell (index trees): its successor is the first entry of child(i+1).
            i = self._ix[-1] + 1
            self._ix[-1] = i
            self._descend_first(self._child(i))
            return self._settle_forward()
        i = self._ix[-1] + 1
        if i < self._nc[-1]:
            self._ix[-1] = i
            return self._arrived()
        return self._climb_next()

    def _step_prev(self) -> bool:
        if self._rt[-1]:
            self._descend_last(self._child(self._ix[-1]))
            return self._settle_backward()
        i = self._ix[-1] - 1
        if i >= 0:
            self._ix[-1] = i
            return self._arrived()
        return self._climb_prev()


class TableCursor(_Cursor):
    """A cursor over a rowid table B-tree."""

    def __init__(self, pager: Pager, root: int) -> None:
        super().__init__(pager, root)
        self._rowid = 0
        # After seek() missed: (rowid, gen, page numbers, indexes, cell counts, leaf
        # index) of where that rowid would go, for the insert that usually follows.
        self._miss: tuple[int, int, tuple[int, ...], tuple[int, ...], tuple[int, ...],
                          int] | None = None

    def _arrived(self) -> bool:
        self._rowid = _leaf_rowid(self._pg[-1], self._off())
        self._gen = self.pager.gen
        self.valid = True
        return True

    @property
    def rowid(self) -> int:
        return self._rowid

    @_guard
    def payload(self) -> bytes:
        """The whole record of the current entry (overflow pages read)."""
        if self._gen != self.pager.gen:
            if not self.seek(self._rowid):
                raise CorruptError("cursor entry no longer exists")
        return _cell_payload(self.pager, self._pg[-1], self._off())

    def _descend(self, rowid: int) -> int:
        """Descend to the leaf where rowid belongs; returns the leaf's lower-bound index.
        A page met twice with no write in between gets its rowids decoded into a list
        once (_ROWIDS), and later descents bisect that list in C."""
        self._reset()
        pager = self.pager
        gen = pager.gen
        st = _ROWIDS.get(id(pager))
        if st is None or st[0] is not pager or st[1] != gen:
            if st is None and len(_ROWIDS) >= _ROWIDS_PAGERS:
                _ROWIDS.clear()
            st = _ROWIDS[id(pager)] = (pager, gen, {})
        known = st[2]
        pgno = self.root
        while True:
            page, n, ptr, right = self._push(pgno)
            ent = known.get(pgno)
            if ent is not None and ent[0] is page:
                got = ent[1]
                keys: list[int] | None = None
                if isinstance(got, list):
                    keys = got
                elif got < _ROWIDS_AFTER:
                    known[pgno] = (page, got + 1)
                else:
                    offs = struct.unpack_from(f">{n}H", page, ptr)
                    get = _interior_rowid if right else _leaf_rowid
                    keys = [get(page, off) for off in offs]
                    known[pgno] = (page, keys)
                if keys is not None:
                    lo = bisect_left(keys, rowid)
                    self._ix[-1] = lo
                    if not right:
                        return lo
                    pgno = self._child(lo)
                    continue
            else:
                if len(known) >= _ROWIDS_MAX:
                    known.clear()
                known[pgno] = (page, 1)
            lo, hi = 0, n
            if not right:
                while lo < hi:
                    mid = (lo + hi) >> 1
                    q = ptr + 2 * mid
                    if _leaf_rowid(page, (page[q] << 8) | page[q + 1]) < rowid:
                        lo = mid + 1
                    else:
                        hi = mid
                self._ix[-1] = lo
                return lo
            while lo < hi:
                mid = (lo + hi) >> 1
                q = ptr + 2 * mid
                if _interior_rowid(page, (page[q] << 8) | page[q + 1]) < rowid:
                    lo = mid + 1
                else:
                    hi = mid
            self._ix[-1] = lo
            pgno = self._child(lo)

    @_guard
    def seek(self, rowid: int) -> bool:
        """True iff an entry with this rowid exists (cursor on it); else on a neighbour."""
        lo = self._descend(rowid)
        n = self._nc[-1]
        if lo < n:
            self._arrived()
            if self._rowid == rowid:
                return True
            self._miss = (rowid, self._gen, tuple(self._pn), tuple(self._ix),
                          tuple(self._nc), lo)
            return False
        self._miss = (rowid, self.pager.gen, tuple(self._pn), tuple(self._ix),
                      tuple(self._nc), lo)
        if n:
            self._ix[-1] = n - 1
            self._arrived()
            return False
        self._climb_next()
        return False

    @_guard
    def seek_ge(self, rowid: int) -> bool:
        """Move to the first entry with rowid >= the given one; False if none."""
        self._descend(rowid)
        return self._settle_forward()

    @_guard
    def seek_le(self, rowid: int) -> bool:
        """Move to the last entry with rowid <= the given one; False if none."""
        lo = self._descend(rowid)
        if lo < self._nc[-1]:
            self._arrived()
            if self._rowid == rowid:
                return True
        self._ix[-1] = lo - 1
        return self._settle_backward()

    def next(self) -> bool:
        if not self.valid:
            return False
        if self._gen != self.pager.gen:
            return self._rowid < _MAX_ROWID and self.seek_ge(self._rowid + 1)
        try:
            return self._step_next()
        except _MALFORMED as exc:
            raise CorruptError() from exc

    def prev(self) -> bool:
        if not self.valid:
            return False
        if self._gen != self.pager.gen:
            return self._rowid > _MIN_ROWID and self.seek_le(self._rowid - 1)
        try:
            return self._step_prev()
        except _MALFORMED as exc:
            raise CorruptError() from exc

    def _here(self, rowid: int) -> TablePos | None:
        """Where the cursor rests, as btree._table_path would find `rowid`; None unless
        it rests on that rowid and no page changed since it arrived."""
        if not self.valid or self._gen != self.pager.gen or self._rowid != rowid:
            m = self._miss
            if m is None or m[0] != rowid or m[1] != self.pager.gen:
                return None
            _, _, pn, mix, mnc, lo = m
            return (list(zip(pn[:-1], mix[:-1], strict=True)), pn[-1], lo, False,
                    all(mix[i] >= mnc[i] for i in range(len(mix) - 1)))
        ix = self._ix
        nc = self._nc
        path = list(zip(self._pn[:-1], ix[:-1], strict=True))
        rightmost = all(ix[i] >= nc[i] for i in range(len(ix) - 1))
        return path, self._pn[-1], ix[-1], True, rightmost

    @_guard
    def insert(self, rowid: int, payload: bytes) -> None:
        """Insert the entry (replacing one with the same rowid); the cursor rests on it."""
        table_insert(self.pager, self.root, rowid, payload, self._here(rowid))
        self._rowid = rowid
        self.valid = True
        self._gen = -1

    @_guard
    def delete(self) -> None:
        """Delete the current entry; next() then moves to the entry that followed it."""
        if not self.valid:
            raise CorruptError("delete on an invalid cursor")
        table_delete(self.pager, self.root, self._rowid, self._here(self._rowid))
        self._gen = -1

    @_guard
    def max_rowid(self) -> int:
        """The largest rowid in the table, 0 when it is empty."""
        return self._rowid if self.last() else 0


def _cell_payload(pager: Pager, page: Page, off: int) -> bytes:
    """The record of the table leaf cell at `off` (its overflow pages read)."""
    b = page[off]
    if b < 0x80:
        n = b
        p = off + 1
    else:
        n, p = get_varint(page, off)
    if page[p] < 0x80:  # the rowid
        p += 1
    else:
        _, p = get_varint(page, p)
    return _payload_at(pager, page, p, n, True)


def table_payload(pager: Pager, root: int, rowid: int) -> bytes | None:
    """table_payload(pager, root, rowid) -> the record of the entry with this rowid
    (overflow pages read), or None when there is none. Descends by the pages' rowid
    lists (_ROWIDS) with no cursor when every page on the way has one; otherwise by
    a TableCursor seek, which counts the visits that make those lists."""
    try:
        st = _ROWIDS.get(id(pager))
        if st is not None and st[0] is pager and st[1] == pager.gen:
            known = st[2]
            pgno = root
            for _ in range(MAX_DEPTH):
                # a page whose rowid list is held is the page _push checked, unchanged
                page = pager.get_page(pgno)
                ent = known.get(pgno)
                if ent is None or ent[0] is not page or not isinstance(ent[1], list):
                    break
                keys = ent[1]
                n = len(keys)
                i = bisect_left(keys, rowid)
                hoff = 100 if pgno == 1 else 0
                typ = page[hoff]
                if typ == INTERIOR_TABLE:
                    if i < n:
                        q = hoff + 12 + 2 * i
                        pgno = _u32(page, (page[q] << 8) | page[q + 1])[0]
                    else:
                        pgno = _u32(page, hoff + 8)[0]
                    continue
                if typ != LEAF_TABLE:
                    raise CorruptError()
                ptr = hoff + 8
                if i >= n or keys[i] != rowid:
                    return None
                q = ptr + 2 * i
                return _cell_payload(pager, page, (page[q] << 8) | page[q + 1])
            else:
                raise CorruptError()
        c = TableCursor(pager, root)
        return c.payload() if c.seek(rowid) else None
    except _MALFORMED as exc:
        raise CorruptError() from exc


class IndexCursor(_Cursor):
    """A cursor over an index B-tree (also WITHOUT ROWID tables)."""

    _leaf_type = LEAF_INDEX
    _interior_type = INTERIOR_INDEX
    _entries_inside = True

    def __init__(self, pager: Pager, root: int, key_info: KeyInfo = BINARY_KEY) -> None:
        super().__init__(pager, root)
        self.key_info = key_info
        self._key: tuple[Value, ...] = ()
        self._kept: list[tuple[Value, ...]] | None = None  # the leaf's kept keys, after a seek

    def _arrived(self) -> bool:
        typ = INTERIOR_INDEX if self._rt[-1] else LEAF_INDEX
        self._key = tuple(_decode_key(self.pager, self._pg[-1], self._off(), typ))
        self._gen = self.pager.gen
        self.valid = True
        return True

    def values(self) -> tuple[Value, ...]:
        """The decoded key record of the current entry (all columns)."""
        return self._key

    def _descend_key(self, key: Sequence[Value], after_equal: bool) -> int:
        """Descend to a leaf; at each page take the first cell that is > key
        (after_equal) or >= key (not after_equal). Returns the leaf index.
        A page whose keys are kept decoded (_index_page) is bisected in C when Python's
        order is SQLite's for this key (_plain), else cells are compared one by one."""
        self._reset()
        self._kept = None
        pager = self.pager
        kc: Callable[[Page, int, int], int] | None = None
        pgno = self.root
        known = _rows_cache(pager) if _plain(key, self.key_info) else None
        while True:
            page, n, ptr, right = self._push(pgno)
            if known is not None:
                ent = known.get(-pgno)
                if ent is None or not (ent[0] is page or ent[0] == page):
                    # a leaf is counted (and decoded) by iter_index, which reads it next
                    ent = _index_page(pager, known, pgno, page, ptr, n, True) \
                        if right and _hot(pager, pgno) else None
                if ent is not None:
                    lo = _bisect_kept(ent, key, after_equal, 0, n)
                    if lo >= 0:
                        self._ix[-1] = lo
                        if not right:
                            self._kept = ent[1]
                            return lo
                        pgno = self._child(lo)
                        continue
            if kc is None:
                kc = key_comparer(pager, key, self.key_info)
            typ = INTERIOR_INDEX if right else LEAF_INDEX
            lo, hi = 0, n
            while lo < hi:
                mid = (lo + hi) >> 1
                q = ptr + 2 * mid
                c = kc(page, (page[q] << 8) | page[q + 1], typ)
                if c < 0 or (c == 0 and after_equal):
                    lo = mid + 1
                else:
                    hi = mid
            self._ix[-1] = lo
            if not right:
                return lo
            pgno = self._child(lo)

    @_guard
    def seek_ge(self, key: Sequence[Value], *, inclusive: bool = True) -> bool:
        """First entry whose leading len(key) columns are >= key (> key if not inclusive)."""
        lo = self._descend_key(key, not inclusive)
        kept = self._kept
        if kept is not None and lo < len(kept):
            self._key = kept[lo]  # the decoded key is at hand: no _arrived decode
            self._gen = self.pager.gen
            self.valid = True
            return True
        return self._settle_forward()

    @_guard
    def seek_le(self, key: Sequence[Value], *, inclusive: bool = True) -> bool:
        """Last entry whose leading columns are <= key (< key if not inclusive)."""
        lo = self._descend_key(key, inclusive)
        self._ix[-1] = lo - 1
        return self._settle_backward()

    def next(self) -> bool:
        if not self.valid:
            return False
        if self._gen != self.pager.gen:
            return self.seek_ge(self._key, inclusive=False)
        try:
            return self._step_next()
        except _MALFORMED as exc:
            raise CorruptError() from exc

    def prev(self) -> bool:
        if not self.valid:
            return False
        if self._gen != self.pager.gen:
            return self.seek_le(self._key, inclusive=False)
        try:
            return self._step_prev()
        except _MALFORMED as exc:
            raise CorruptError() from exc

    @_guard
    def insert(self, values: Sequence[Value]) -> None:
        """Encode and insert a key (an equal full key is replaced); the cursor rests on it."""
        fmt = self.pager.header_get("schema_format") or 4
        index_insert(self.pager, self.root, values, self.key_info, fmt)
        self._key = tuple(values)
        self.valid = True
        self._gen = -1

    @_guard
    def delete_values(self, values: Sequence[Value]) -> bool:
        """Delete the entry equal to `values`; False when there is none."""
        ok = index_delete(self.pager, self.root, values, self.key_info)
        self._gen = -1
        return ok

    @_guard
    def delete(self) -> None:
        """Delete the current entry; next() then moves to the entry that followed it."""
        if not self.valid:
            raise CorruptError("delete on an invalid cursor")
        index_delete(self.pager, self.root, self._key, self.key_info)
        self._gen = -1


# == scans ==================================================================

def iter_table(pager: Pager, root: int) -> Iterator[tuple[int, bytes]]:
    """iter_table(pager, root) -> (rowid, payload) for every entry, in rowid order."""
    return _scan_table(pager, root, None)


def iter_table_from(pager: Pager, root: int, rowid: int) -> Iterator[tuple[int, bytes]]:
    """iter_table_from(pager, root, rowid) -> entries with rowid >= the given one."""
    return _scan_table(pager, root, rowid)


def _scan_table(pager: Pager, root: int, start: int | None) -> Iterator[tuple[int, bytes]]:
    try:
        yield from _scan_leaves(pager, root, start)
    except _MALFORMED as exc:
        raise CorruptError() from exc


def _scan_leaves(pager: Pager, root: int, start: int | None) -> Iterator[tuple[int, bytes]]:
    c = TableCursor(pager, root)
    ok = c.first() if start is None else c.seek_ge(start)
    usable = pager.usable_size
    x = usable - 35
    seen: set[int] = set()
    while ok:
        page = c._pg[-1]
        leaf = c._pn[-1]
        if leaf in seen:
            raise CorruptError()
        seen.add(leaf)
        ptr = c._pt[-1]
        n = c._nc[-1]
        i = c._ix[-1]
        gen = pager.gen
        rowid = 0
        while i < n:
            q = ptr + 2 * i
            off = (page[q] << 8) | page[q + 1]
            b = page[off]
            if b < 0x80:
                size = b
                p = off + 1
            else:
                size, p = get_varint(page, off)
            b = page[p]
            if b < 0x80:
                rowid = b
                p += 1
            elif page[p + 1] < 0x80:  # a two-byte rowid varint (rowids below 16384)
                rowid = ((b & 0x7F) << 7) | page[p + 1]
                p += 2
            else:
                rowid, p = get_varint(page, p)
            if size <= x and p + size <= usable:
                data = page[p:p + size]
                if type(data) is not bytes:
                    data = bytes(data)
            else:
                data = _payload_at(pager, page, p, size, True)
            yield rowid, data
            if pager.gen != gen:
                break
            i += 1
        if pager.gen != gen or c._gen != pager.gen:
            # The tree changed under the scan: continue after the last rowid returned.
            seen.clear()
            ok = rowid < _MAX_ROWID and c.seek_ge(rowid + 1)
            continue
        c._ix[-1] = n - 1
        ok = c._climb_next()


# Decoded rows of table leaves (scan_rows), per pager (by id; the pager is held, at most
# _ROWS_PAGERS of them): {pgno: (page image, [(rowid, row tuple), ...])}. An entry
# is good while the page holds the same bytes (the same object, or equal: a page
# reloaded unchanged, or a written page compared with the copy kept), so a write
# elsewhere does not drop it. Only leaves read whole without a write in between and
# with no overflow cell are kept; at most _ROWS_BUDGET payload bytes over all
# pagers, the oldest pages dropped first.
_Kept = dict[int, tuple[bytes, list[Any], int, Any]]
_ROWS: dict[int, tuple[object, _Kept]] = {}
_ROWS_PAGERS = 4
_ROWS_BUDGET = 1 << 20
_rows_held = [0]


def _rows_cache(pager: Pager) -> _Kept:
    st = _ROWS.get(id(pager))
    if st is None or st[0] is not pager:
        if len(_ROWS) >= _ROWS_PAGERS:
            rows_cache_clear()
        st = _ROWS[id(pager)] = (pager, {})
    return st[1]


# Visits of index pages: (id(pager), pgno) -> (pager generation, visits). A page is
# decoded whole (_index_page) at its _HOT_AFTER-th visit with no write in between, so
# a write loop (a UNIQUE probe per INSERT) never pays for decoding a whole page.
_HOT: dict[tuple[int, int], tuple[int, int]] = {}
_HOT_AFTER = 2


def _hot(pager: Pager, pgno: int) -> bool:
    k = (id(pager), pgno)
    g = pager.gen
    v = _HOT.get(k)
    if v is None or v[0] != g:
        if len(_HOT) >= 4096:
            _HOT.clear()
        _HOT[k] = (g, 1)
        return False
    if v[1] + 1 >= _HOT_AFTER:
        return True
    _HOT[k] = (g, v[1] + 1)
    return False


def rows_cache_clear() -> None:
    """Drop every decoded leaf kept by scan_rows."""
    _ROWS.clear()
    _rows_held[0] = 0


def _rows_store(known: _Kept, pgno: int, page: bytes, rows: list[Any], size: int,
                aux: Any = None) -> None:
    if size > _ROWS_BUDGET >> 2:
        return
    try:
        old = known.pop(pgno, None)
        if old is not None:
            _rows_held[0] -= old[2]
        if _rows_held[0] + size > _ROWS_BUDGET and len(_ROWS) > 1:
            # other pagers' pages go first (another connection or database file)
            for pid, st in list(_ROWS.items()):
                if st[1] is not known:
                    _ROWS.pop(pid, None)
            _rows_held[0] = sum(e[2] for e in list(known.values()))
        while _rows_held[0] + size > _ROWS_BUDGET and known:
            _rows_held[0] -= known.pop(next(iter(known)))[2]
    except (RuntimeError, StopIteration, KeyError):  # another thread changed it meanwhile
        rows_cache_clear()
        return
    known[pgno] = (page, rows, size, aux)
    _rows_held[0] += size


def _table_leaf(pager: Pager, known: _Kept, pgno: int, page: Page, ptr: int, n: int,
                decode: Callable[[Any, str], tuple[Value, ...]], codec: str
                ) -> tuple[bytes, list[Any], int, Any] | None:
    """All rows of a table leaf decoded and kept (_ROWS); None when a cell overflows
    (the caller reads it cell by cell)."""
    usable = pager.usable_size
    x = usable - 35
    rows: list[tuple[int, tuple[Value, ...]]] = []
    app = rows.append
    size = 0
    for off in struct.unpack_from(f">{n}H", page, ptr):
        sz = page[off]
        if sz < 0x80:
            p = off + 1
        else:
            sz, p = get_varint(page, off)
        b = page[p]
        if b < 0x80:
            rowid = b
            p += 1
        else:
            d = page[p + 1]
            if d < 0x80:
                rowid = ((b & 0x7F) << 7) | d
                p += 2
            else:
                rowid, p = get_varint(page, p)
        if sz > x or p + sz > usable:
            return None
        app((rowid, decode(page[p:p + sz], codec)))
        size += sz
    img = page if type(page) is bytes else bytes(page)
    _rows_store(known, pgno, img, rows, size)
    return img, rows, size, None


def scan_rows(pager: Pager, root: int) -> Iterator[tuple[int, tuple[Value, ...]]]:
    """scan_rows(pager, root) -> (rowid, decoded record as a tuple) for every entry,
    in rowid order. A clean leaf read whole keeps its decoded rows (_ROWS): a later
    scan of the unchanged page reuses them. A page changed under the scan (the
    pager's generation moved) is left for a re-seek after the last rowid returned,
    as iter_table does; from then on rows are decoded one by one and not kept."""
    return _scan_decoded(pager, root, False)


def scan_leaf_rows(pager: Pager, root: int) -> Iterator[list[tuple[int, tuple[Value, ...]]]]:
    """scan_leaf_rows(pager, root) -> the rows of scan_rows, a list per table leaf (the
    kept list itself: never change it). For a reader that writes nothing while it
    walks a list (an aggregate, a sorter's input): a write seen after a list is
    handled as scan_rows does, re-seeking after the list's last rowid."""
    return _scan_decoded(pager, root, True)


def _scan_decoded(pager: Pager, root: int, leaves: bool) -> Iterator[Any]:
    try:
        c = TableCursor(pager, root)
        ok = c.first()
        known = _rows_cache(pager)
        usable = pager.usable_size
        x = usable - 35
        seen: set[int] = set()
        keep = True
        decode = _record.decode_row
        codec = pager.codec
        # Within a leaf, a write is seen on the shared pager's own counter (one attribute
        # read per row); the view's full generation is compared once per leaf.
        real: Any = getattr(pager, "real", pager)
        rowid = 0
        while ok:
            page = c._pg[-1]
            leaf = c._pn[-1]
            if leaf in seen:
                raise CorruptError()
            seen.add(leaf)
            n = c._nc[-1]
            i = c._ix[-1]
            gen = pager.gen
            rgen = real.gen
            ent = known.get(leaf) if keep else None
            if i == 0 and keep and (ent is None or not (ent[0] is page or ent[0] == page)):
                ent = _table_leaf(pager, known, leaf, page, c._pt[-1], n, decode, codec)
            if ent is not None and i == 0 and (ent[0] is page or ent[0] == page):
                if leaves:
                    yield ent[1]
                    if ent[1]:
                        rowid = ent[1][-1][0]
                for item in () if leaves else ent[1]:
                    yield item
                    if real.gen != rgen:
                        rowid = item[0]
                        break
                else:
                    if ent[1]:
                        rowid = ent[1][-1][0]
            else:
                whole = keep and i == 0
                rows: list[tuple[int, tuple[Value, ...]]] = []
                app = rows.append
                size = 0
                ptr = c._pt[-1]
                while i < n:
                    q = ptr + 2 * i
                    off = (page[q] << 8) | page[q + 1]
                    b = page[off]
                    if b < 0x80:
                        sz = b
                        p = off + 1
                    else:
                        sz, p = get_varint(page, off)
                    b = page[p]
                    if b < 0x80:
                        rowid = b
                        p += 1
                    else:
                        rowid, p = get_varint(page, p)
                    if sz <= x and p + sz <= usable:
                        data = page[p:p + sz]
                    else:
                        data = _payload_at(pager, page, p, sz, True)
                        whole = False
                    item = (rowid, decode(data, codec))
                    if whole:
                        app(item)
                        size += sz
                    yield [item] if leaves else item
                    if real.gen != rgen:
                        break
                    i += 1
                else:
                    if whole:
                        _rows_store(known, leaf, page if type(page) is bytes else bytes(page),
                                    rows, size)
            if pager.gen != gen or c._gen != pager.gen:
                # The tree changed under the scan: continue after the last rowid returned.
                keep = False
                seen.clear()
                ok = rowid < _MAX_ROWID and c.seek_ge(rowid + 1)
                continue
            c._ix[-1] = n - 1
            ok = c._climb_next()
    except _MALFORMED as exc:
        raise CorruptError() from exc


def _index_page(pager: Pager, known: _Kept, pgno: int, page: Page, ptr: int, n: int,
                interior: bool = False) -> tuple[bytes, list[Any], int, Any]:
    """The decoded keys of an index page's cells, and aux = (their first columns, all
    of them numbers, an interior page's child page numbers with the right child
    last or None); kept (under -pgno in _ROWS) unless a cell overflows."""
    codec = pager.codec
    decode = _record.decode_row
    plans = _record._PLANS  # decode_row's readers by record header, called here directly
    x = ((pager.usable_size - 12) * 64 // 255) - 23
    keys: list[tuple[Value, ...]] = []
    app = keys.append
    whole = True
    size = 0
    skip = 4 if interior else 0
    img = page if type(page) is bytes else bytes(page)
    for off in struct.unpack_from(f">{n}H", img, ptr):
        p = off + skip
        sz = img[p]
        if sz < 0x80:
            p += 1
        else:
            sz, p = get_varint(img, p)
        if sz <= x:
            data = img[p:p + sz]
            plan = plans.get(data[:data[0]]) if sz else None
            app(plan[0](data, codec) if plan is not None and plan[1] <= sz
                else decode(data, codec))
        else:
            app(decode(_payload_at(pager, page, p, sz, False), codec))
            whole = False
        size += sz
    firsts = [k[0] if k else None for k in keys]
    kids = None
    if interior:
        hoff = 100 if pgno == 1 else 0
        kids = [_u32(img, off)[0] for off in struct.unpack_from(f">{n}H", img, ptr)]
        kids.append(_u32(img, hoff + 8)[0])
    aux = (firsts, set(map(type, firsts)) <= _NUMBERS, kids)
    if whole:
        _rows_store(known, -pgno, img, keys, size, aux)
    return img, keys, size, aux


_NUMBERS = {int, float}
_PLAIN_TYPES = {type(None), int, float, str, bytes}
_PREFIX = [itemgetter(slice(0, m)) for m in range(17)]


def _plain(key: Sequence[Value], ki: KeyInfo) -> bool:
    """Does Python's order agree with record.compare(_, key, ki) wherever comparing a
    kept key with `key` does not raise TypeError? Yes when every column of `key` is
    ASC, a plain value (no NaN), and BINARY or not text: then int/float compare
    exactly, text by code point, blobs by bytes, NULL equals NULL, and values of two
    storage classes (or NULL against a value) raise TypeError instead of ordering."""
    if not key or len(key) >= len(_PREFIX):
        return False
    colls = ki.collations
    desc = ki.desc
    for i, v in enumerate(key):
        t = type(v)
        if t not in _PLAIN_TYPES or v != v and t is float:
            return False
        if i < len(desc) and desc[i]:
            return False
        if t is str and i < len(colls) and colls[i] is not None:
            return False
    return True


def _bisect_kept(ent: tuple[bytes, list[Any], int, Any], key: Sequence[Value],
                 after_equal: bool, lo: int, hi: int) -> int:
    """The first of the kept keys ent[1][lo:hi] whose leading len(key) columns are
    > key (after_equal) or >= key, by bisection; -1 when a comparison raised
    TypeError (two storage classes met: the caller compares cell by cell). Only
    for a key that _plain accepts."""
    try:
        if len(key) == 1:
            return (bisect_right if after_equal else bisect_left)(ent[3][0], key[0], lo, hi)
        t = tuple(key)
        if after_equal:
            return bisect_right(ent[1], t, lo, hi, key=_PREFIX[len(t)])
        return bisect_left(ent[1], t, lo, hi)
    except TypeError:
        return -1


def _kept_range(pager: Pager, root: int, lo: Sequence[Value], lo_incl: bool,
                hi: Sequence[Value], hi_incl: bool, key_info: KeyInfo
                ) -> tuple[list[tuple[Value, ...]], int, int] | None:
    """(kept keys of a leaf, start, end) when the entries within [lo, hi] are keys
    [start:end] of one leaf, found by bisecting kept pages (_index_page) from the root
    down with no cursor; None when a page on the way is not kept, a key is not _plain,
    or the range may go on past the leaf (the caller walks a cursor)."""
    if not _plain(lo, key_info) or hi is not lo and not _plain(hi, key_info):
        return None
    known = _rows_cache(pager)
    pgno = root
    for _ in range(MAX_DEPTH):
        # a kept page holds the bytes of the page _push checked when it was decoded
        page = pager.get_page(pgno)
        ent = known.get(-pgno)
        if ent is None or not (ent[0] is page or ent[0] == page):
            return None
        n = len(ent[1])
        i = _bisect_kept(ent, lo, not lo_incl, 0, n)
        if i < 0:
            return None
        kids = ent[3][2]
        if kids is not None:
            pgno = kids[i]
            continue
        end = _bisect_kept(ent, hi, hi_incl, i, n)
        if end < 0 or end >= n:
            return None
        return ent[1], i, end
    raise CorruptError()


def iter_index(pager: Pager, root: int, key_info: KeyInfo = BINARY_KEY,
               lo: Sequence[Value] | None = None, lo_incl: bool = True,
               hi: Sequence[Value] | None = None, hi_incl: bool = True,
               reverse: bool = False, leaves: bool = False) -> Iterator[Any]:
    """iter_index(...) -> decoded index records within [lo, hi] (prefix compare), in order.
    Forward, the keys of a leaf are decoded once and kept while the page is unchanged
    (_ROWS, under -pgno); the end of the range in a kept leaf is found by bisection
    when the bound allows it (_plain). A range held in one leaf is found with no
    cursor at all when every page on the way is kept (_kept_range).

    leaves=True yields lists of records instead (a leaf's run at a time, the others
    alone), each leaf decoded whole at its first visit: for a reader that writes
    nothing while it walks a list (an aggregate); a write seen after a list is
    handled as between records, going on after the list's last record."""
    cmp = _record.compare
    if reverse:
        c = IndexCursor(pager, root, key_info)
        ok = c.last() if hi is None else c.seek_le(hi, inclusive=hi_incl)
        while ok:
            key = c._key
            if lo is not None:
                r = cmp(key, lo, key_info)
                if r < 0 or (r == 0 and not lo_incl):
                    return
            yield [key] if leaves else key
            ok = c.prev()
        return
    real: Any = getattr(pager, "real", pager)  # see scan_rows
    try:
        got = _kept_range(pager, root, lo, lo_incl, hi, hi_incl, key_info) \
            if lo is not None and hi is not None else None
    except _MALFORMED as exc:
        raise CorruptError() from exc
    if got is None:
        c = IndexCursor(pager, root, key_info)
        ok = c.first() if lo is None else c.seek_ge(lo, inclusive=lo_incl)
    else:
        keys, i, end = got
        rgen = real.gen
        if leaves:
            if i < end:
                yield keys[i:end]
                j = end - 1
        else:
            for j in range(i, end):
                yield keys[j]
                if real.gen != rgen:
                    break
        if real.gen == rgen or i >= end:
            return
        c = IndexCursor(pager, root, key_info)
        c._key = keys[j]  # the tree changed: go on after that key
        c.valid = True
        c._gen = -1
        ok = c.next()
    try:
        known = _rows_cache(pager)
        h: Any = hi[0] if hi is not None and len(hi) == 1 else None
        fast = type(h) in _NUMBERS and h == h and not key_info.desc[:1] == (True,)
        plain = hi is not None and _plain(hi, key_info)
        decode = _record.decode_row
        codec = pager.codec
        xloc = ((pager.usable_size - 12) * 64 // 255) - 23
        while ok:
            if c._rt[-1]:  # an interior cell: an entry too
                key = c._key
                if hi is not None:
                    r = cmp(key, hi, key_info)
                    if r > 0 or (r == 0 and not hi_incl):
                        return
                yield [key] if leaves else key
                ok = c.next()
                continue
            page = c._pg[-1]
            leaf = c._pn[-1]
            n = c._nc[-1]
            i = c._ix[-1]
            ent = known.get(-leaf)
            if ent is None or not (ent[0] is page or ent[0] == page):
                if not leaves and not _hot(pager, leaf):
                    # not read often enough (without a write) to decode it whole:
                    # the entries in range only, one by one
                    gen = pager.gen
                    rgen = real.gen
                    ptr = c._pt[-1]
                    last: tuple[Value, ...] | None = None
                    while i < n:
                        q = ptr + 2 * i
                        p = (page[q] << 8) | page[q + 1]
                        b = page[p]
                        if b < 0x80:
                            sz = b
                            p += 1
                        else:
                            sz, p = get_varint(page, p)
                        key = decode(page[p:p + sz] if sz <= xloc
                                     else _payload_at(pager, page, p, sz, False), codec)
                        if hi is not None:
                            k0 = key[0] if key else None
                            if fast and type(k0) in _NUMBERS:
                                if k0 > h or (k0 == h and not hi_incl):
                                    return
                            else:
                                r = cmp(key, hi, key_info)
                                if r > 0 or (r == 0 and not hi_incl):
                                    return
                        last = key
                        yield key
                        if real.gen != rgen:
                            break
                        i += 1
                    if last is not None and (real.gen != rgen or pager.gen != gen):
                        c._key = last
                        c.valid = True
                        c._gen = -1
                        ok = c.next()
                        continue
                    c._ix[-1] = n - 1
                    ok = c._climb_next()
                    continue
                ent = _index_page(pager, known, leaf, page, c._pt[-1], n)
            keys = ent[1]
            end = n
            if hi is not None:
                end = _bisect_kept(ent, hi, hi_incl, i, n) if plain else -1
                if end < 0:
                    end = i
                    while end < n:
                        r = cmp(keys[end], hi, key_info)
                        if r > 0 or (r == 0 and not hi_incl):
                            break
                        end += 1
            gen = pager.gen
            rgen = real.gen
            last = None
            if leaves:
                if i < end:
                    last = keys[end - 1]
                    yield keys[i:end]
            else:
                for j in range(i, end):
                    last = keys[j]
                    yield last
                    if real.gen != rgen:
                        break
            if last is not None and (real.gen != rgen or pager.gen != gen):
                # the tree changed under the scan: go on after the last key
                c._key = last
                c.valid = True
                c._gen = -1
                ok = c.next()
                continue
            if end < n:
                return
            c._ix[-1] = n - 1
            ok = c._climb_next()
    except _MALFORMED as exc:
        raise CorruptError() from exc
