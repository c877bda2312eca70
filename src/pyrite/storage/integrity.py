"""integrity_check: walk every B-tree and the freelist; report what breaks the format.

Owns only reading. Messages follow SQLite's wording where practical
("Page N: never used", "2nd reference to page N", "Rowid N out of order" ...).
Returns [] for a sound file (the caller prints "ok")."""

from __future__ import annotations

import struct

from pyrite.errors import CorruptError

from . import record as _record
from .btree import (
    INTERIOR_INDEX,
    INTERIOR_TABLE,
    LEAF_INDEX,
    LEAF_TABLE,
    MAX_DEPTH,
    _cell_overflow,
    _cell_size,
    _decode_key,
    _leaf_rowid,
    _page_header,
)
from .freelist import (
    PTRMAP_BTREE,
    PTRMAP_FREEPAGE,
    PTRMAP_OVERFLOW1,
    PTRMAP_OVERFLOW2,
    PTRMAP_ROOTPAGE,
    pending_byte_page,
    ptrmap_get,
    ptrmap_pageno,
)
from .pager import Pager
from .record import BINARY_KEY, KeyInfo

_u32 = struct.Struct(">I").unpack_from


class _Checker:
    def __init__(self, pager: Pager, max_errors: int) -> None:
        self.pager = pager
        self.errors: list[str] = []
        self.max_errors = max_errors
        self.used: dict[int, bool] = {}
        self.check_order = True
        self.av = pager.page_count > 0 and _u32(pager.get_page(1), 52)[0] != 0

    def ptrmap(self, pgno: int, typ: int, parent: int, ctx: str) -> None:
        """auto_vacuum files: the pointer-map entry of pgno must say (typ, parent)."""
        if not self.av or pgno < 2 or pgno > self.pager.page_count:
            return
        try:
            got = ptrmap_get(self.pager, pgno)
        except (CorruptError, IndexError, struct.error):
            self.err(f"{ctx}Failed to read ptrmap key={pgno}")
            return
        if got != (typ, parent):
            self.err(f"{ctx}Bad ptr map entry key={pgno} expected=({typ},{parent}) "
                     f"got=({got[0]},{got[1]})")

    def err(self, msg: str) -> None:
        if len(self.errors) < self.max_errors:
            self.errors.append(msg)

    def mark(self, pgno: int, ctx: str) -> bool:
        if pgno < 1 or pgno > self.pager.page_count:
            self.err(f"{ctx}invalid page number {pgno}")
            return False
        if pgno in self.used:
            self.err(f"{ctx}2nd reference to page {pgno}")
            return False
        self.used[pgno] = True
        return True

    def freelist(self) -> None:
        p1 = self.pager.get_page(1)
        trunk = _u32(p1, 32)[0]
        expected = _u32(p1, 36)[0]
        count = 0
        guard = self.pager.page_count + 1
        while trunk and guard > 0:
            guard -= 1
            if not self.mark(trunk, "Freelist: "):
                break
            self.ptrmap(trunk, PTRMAP_FREEPAGE, 0, "Freelist: ")
            count += 1
            t = self.pager.get_page(trunk)
            n = _u32(t, 4)[0]
            if n > self.pager.usable_size // 4 - 2:
                self.err(f"freelist leaf count too big on page {trunk}")
                break
            for i in range(n):
                leaf = _u32(t, 8 + 4 * i)[0]
                if self.mark(leaf, "Freelist: "):
                    self.ptrmap(leaf, PTRMAP_FREEPAGE, 0, "Freelist: ")
                count += 1
            trunk = _u32(t, 0)[0]
        if count != expected:
            self.err(f"Freelist: size is {count} but should be {expected}")

    def overflow(self, first: int, need: int, ctx: str, owner: int = 0) -> None:
        per = self.pager.usable_size - 4
        pgno = first
        prev = 0
        while need > 0:
            if not self.mark(pgno, ctx):
                return
            if prev:
                self.ptrmap(pgno, PTRMAP_OVERFLOW2, prev, ctx)
            else:
                self.ptrmap(pgno, PTRMAP_OVERFLOW1, owner, ctx)
            prev = pgno
            need -= per
            nxt = _u32(self.pager.get_page(pgno), 0)[0]
            if need > 0 and nxt == 0:
                self.err(f"{ctx}overflow list length is too short")
                return
            pgno = nxt

    def tree(self, root: int, is_table: bool, ki: KeyInfo | None) -> None:
        # The root's own page type decides (a WITHOUT ROWID table is an index B-tree).
        try:
            typ = _page_header(self.pager, root)[1]
            is_table = typ in (LEAF_TABLE, INTERIOR_TABLE)
        except CorruptError:
            pass
        self.check_order = is_table or ki is not None
        self._page(root, is_table, ki or BINARY_KEY, 0, None, None, f"Tree {root} ")

    def _page(self, pgno: int, is_table: bool, ki: KeyInfo, depth: int,
              lo: object, hi: object, ctx: str, parent: int = 0) -> int:
        """Check one page and its subtree; returns its depth (leaves = 0)."""
        if depth > MAX_DEPTH:
            self.err(f"{ctx}page {pgno}: tree too deep")
            return 0
        if not self.mark(pgno, ctx):
            return 0
        if pgno != 1:
            self.ptrmap(pgno, PTRMAP_BTREE if parent else PTRMAP_ROOTPAGE, parent, ctx)
        try:
            page, typ, n, ptr, right = _page_header(self.pager, pgno)
        except CorruptError:
            self.err(f"{ctx}page {pgno}: invalid page header")
            return 0
        want = (LEAF_TABLE, INTERIOR_TABLE) if is_table else (LEAF_INDEX, INTERIOR_INDEX)
        if typ not in want:
            self.err(f"{ctx}page {pgno}: wrong page type {typ}")
            return 0
        usable = self.pager.usable_size
        here = f"{ctx}page {pgno} cell "
        spans: list[tuple[int, int]] = []
        prev: object = lo
        child_depth = -1
        for i in range(n + (0 if typ >= 10 else 1)):
            try:
                if i < n:
                    q = ptr + 2 * i
                    off = (page[q] << 8) | page[q + 1]
                    if off < ptr + 2 * n or off + 4 > usable:
                        self.err(f"{here}{i}: Offset {off} out of range {ptr + 2 * n}..{usable}")
                        continue
                    size = _cell_size(page, off, typ, usable)
                    spans.append((off, off + max(size, 4)))
                    cell = bytes(page[off:off + size])
                    first, need = _cell_overflow(self.pager, cell, typ)
                    if first:
                        self.overflow(first, need, f"{here}{i}: ", pgno)
                    if typ == LEAF_TABLE:
                        key: object = _leaf_rowid(page, off)
                    elif typ == INTERIOR_TABLE:
                        key = _leaf_rowid(b"\x00" + page[off + 4:off + 13], 0)
                    else:
                        key = tuple(_decode_key(self.pager, page, off, typ))
                    child = _u32(page, off)[0] if typ < 10 else 0
                else:
                    key = hi
                    child = right
                if child:
                    d = self._page(child, is_table, ki, depth + 1, prev, key, f"{ctx}", pgno)
                    if child_depth >= 0 and d != child_depth:
                        self.err(f"{here}{i}: Child page depth differs")
                    child_depth = d
                if i < n and self.check_order:
                    if not self._in_order(prev, key, is_table, ki, typ, first_is_lo=True):
                        if is_table:
                            self.err(f"{here}{i}: Rowid {key} out of order")
                        else:
                            self.err(f"{here}{i}: index keys out of order")
                    if hi is not None and not self._le(key, hi, is_table, ki):
                        self.err(f"{here}{i}: key out of range")
                if i < n:
                    prev = key
            except (CorruptError, IndexError, struct.error, ValueError):
                self.err(f"{here}{i}: malformed cell")
        spans.sort()
        end = 0
        for a, b in spans:
            if a < end:
                self.err(f"{ctx}page {pgno}: multiple uses for byte {a}")
                break
            end = b
        return child_depth + 1 if child_depth >= 0 else 0

    @staticmethod
    def _le(a: object, b: object, is_table: bool, ki: KeyInfo) -> bool:
        if is_table:
            return bool(a <= b)  # type: ignore[operator]
        return _record.compare(a, b, ki) <= 0  # type: ignore[arg-type]

    def _in_order(self, prev: object, key: object, is_table: bool, ki: KeyInfo, typ: int,
                  first_is_lo: bool) -> bool:
        if prev is None:
            return True
        if is_table:
            # Leaf rowids strictly increase; an interior key may equal the largest below it.
            return bool(prev < key if typ == LEAF_TABLE else prev <= key)  # type: ignore[operator]
        return _record.compare(prev, key, ki) < 0  # type: ignore[arg-type]


def integrity_check(pager: Pager, roots: list[tuple[int, bool]],
                    key_infos: dict[int, KeyInfo] | None = None,
                    max_errors: int = 100) -> list[str]:
    """integrity_check(pager, [(root, is_table), ...]) -> problems ([] when sound).

    Index key order is checked only for roots given a KeyInfo in `key_infos` (without
    the index's collations and DESC flags the order cannot be judged); table and
    structural checks always run. The root page's type wins over `is_table`."""
    chk = _Checker(pager, max_errors)
    try:
        chk.freelist()
    except (CorruptError, IndexError, struct.error):
        chk.err("Freelist: corrupt")
    seen_roots: set[int] = set()
    for root, is_table in roots:
        if root in seen_roots or root == 0:
            continue
        seen_roots.add(root)
        ki = (key_infos or {}).get(root)
        try:
            chk.tree(root, is_table, ki)
        except (CorruptError, IndexError, struct.error, ValueError, RecursionError):
            chk.err(f"Tree {root}: corrupt")
    # auto_vacuum: pointer-map pages sit at 2, 2+(J+1), ... with J = usable/5 entries each
    av = _u32(pager.get_page(1), 52)[0] != 0
    pend = pending_byte_page(pager)
    for pgno in range(1, pager.page_count + 1):
        if pgno not in chk.used and pgno != pend and not (av and ptrmap_pageno(pager, pgno)
                                                           == pgno):
            chk.err(f"Page {pgno}: never used")
            if len(chk.errors) >= chk.max_errors:
                break  # a header claiming 2**31 pages must not take minutes
    return chk.errors
