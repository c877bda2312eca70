"""Cursors over table and index B-trees, and the fast scans built on them.

Owns positions, never pages: a cursor is a stack of (page, index) from the
root down (B1: at most MAX_DEPTH deep, no page twice). Interior cells of index
B-trees are entries themselves (in-order: child(i) subtree, cell i, child(i+1)),
interior cells of table B-trees only route.

A cursor remembers the key of its entry. When the pager's change generation
moved (any page was written, by this cursor or another), the next move first
re-seeks by that key: next() goes to the first entry after it, prev() to the
last before it. So delete() followed by next() lands on the entry that followed
the deleted one, as INTERFACES.md requires."""

from __future__ import annotations

import functools
import struct
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
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
        page = self._pg[-1]
        off = self._off()
        b = page[off]
        if b < 0x80:
            n = b
            p = off + 1
        else:
            n, p = get_varint(page, off)
        if page[p] < 0x80:
            p += 1
        else:
            _, p = get_varint(page, p)
        return _payload_at(self.pager, page, p, n, True)

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


class IndexCursor(_Cursor):
    """A cursor over an index B-tree (also WITHOUT ROWID tables)."""

    _leaf_type = LEAF_INDEX
    _interior_type = INTERIOR_INDEX
    _entries_inside = True

    def __init__(self, pager: Pager, root: int, key_info: KeyInfo = BINARY_KEY) -> None:
        super().__init__(pager, root)
        self.key_info = key_info
        self._key: tuple[Value, ...] = ()

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
        (after_equal) or >= key (not after_equal). Returns the leaf index."""
        self._reset()
        kc = key_comparer(self.pager, key, self.key_info)
        pgno = self.root
        while True:
            page, n, ptr, right = self._push(pgno)
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
        self._descend_key(key, not inclusive)
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


def iter_index(pager: Pager, root: int, key_info: KeyInfo = BINARY_KEY,
               lo: Sequence[Value] | None = None, lo_incl: bool = True,
               hi: Sequence[Value] | None = None, hi_incl: bool = True,
               reverse: bool = False) -> Iterator[tuple[Value, ...]]:
    """iter_index(...) -> decoded index records within [lo, hi] (prefix compare), in order."""
    c = IndexCursor(pager, root, key_info)
    cmp = _record.compare
    if not reverse:
        ok = c.first() if lo is None else c.seek_ge(lo, inclusive=lo_incl)
        while ok:
            key = c._key
            if hi is not None:
                r = cmp(key, hi, key_info)
                if r > 0 or (r == 0 and not hi_incl):
                    return
            yield key
            ok = c.next()
    else:
        ok = c.last() if hi is None else c.seek_le(hi, inclusive=hi_incl)
        while ok:
            key = c._key
            if lo is not None:
                r = cmp(key, lo, key_info)
                if r < 0 or (r == 0 and not lo_incl):
                    return
            yield key
            ok = c.prev()
