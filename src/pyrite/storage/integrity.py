"""integrity_check: walk every B-tree and the freelist; report what breaks the format.

Owns only reading. The walk, its order and its messages are SQLite 3.40.1's
(btree.c sqlite3BtreeIntegrityCheck, checkTreePage, checkList, checkPtrmap), so that
PRAGMA integrity_check prints what sqlite3 prints for the same damaged file:

    Main freelist: 2nd reference to page 7         (checkList, isFreeList)
    Main freelist: size is 3 but should be 4
    Main freelist: freelist leaf count too big on page 9
    Page 5: btreeInitPage() returns error code 11   (bad page type / cell count)
    Page 5: free space corruption                   (freeblock chain, header offsets)
    On tree page 5 cell 2: Offset 9 out of range 480..508
    On tree page 5 cell 2: Extends off end of page
    On tree page 5 cell 2: Rowid 17 out of order
    On tree page 5 cell 2: invalid page number 99   (child or overflow page)
    On tree page 5 cell 2: 2nd reference to page 6
    On tree page 5 cell 2: overflow list length is 2 but should be 3
    On tree page 5 cell 2: Child page depth differs
    On page 5 at right child: Bad ptr map entry key=6 expected=(5,5) got=(5,4)
    Multiple uses for byte 400 of page 5
    Fragmentation of 7 bytes reported as 0 on page 5
    max rootpage (4) disagrees with header (5)
    Page 8 is never used
    Pointer map page 2 is referenced

Walk order: the freelist, then each root in the order given (the caller passes
SQLite's: sqlite_schema's hash order of tables, each table then its indexes, see
`schema_order`); inside a page the right child first, then cells from the last
to the first, each cell's overflow chain before its left child. At most `max_errors`
messages; the walk stops when they run out (PRAGMA integrity_check(N)).

Beyond SQLite: when `key_infos` gives an index root its KeyInfo, index keys are
checked for order too ("On tree page P cell i: index keys out of order"); the PRAGMA
does not ask for it (sqlite3 finds such damage as "row N missing from index")."""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from pyrite.errors import CorruptError, Error

from . import record as _record
from .btree import MAX_DEPTH, _decode_key
from .freelist import (
    PTRMAP_BTREE,
    PTRMAP_FREEPAGE,
    PTRMAP_OVERFLOW1,
    PTRMAP_OVERFLOW2,
    PTRMAP_ROOTPAGE,
    pending_byte_page,
    ptrmap_pageno,
)
from .pager import Pager
from .record import KeyInfo, Value

_u32 = struct.Struct(">I").unpack_from
_LARGEST_INT64 = (1 << 63) - 1
_PAD = bytes(32)  # SQLite pages carry zeroed slack: varints near the end read zeros


def _u16(data: bytes, off: int) -> int:
    return (data[off] << 8) | data[off + 1]


def _varint(data: bytes, off: int) -> tuple[int, int]:
    """sqlite3GetVarint: (value as a signed 64-bit int, bytes used)."""
    v = 0
    for i in range(8):
        b = data[off + i]
        v = (v << 7) | (b & 0x7F)
        if b < 0x80:
            break
    else:
        v = (v << 8) | data[off + 8]
        i = 8
    v &= 0xFFFFFFFFFFFFFFFF
    return (v - (1 << 64) if v >> 63 else v), i + 1


def _payload_size(data: bytes, off: int) -> tuple[int, int]:
    """btreeParseCellPtr's payload-size varint: 7 bits from each of up to 9 bytes, as a
    u32 -> (value, bytes used)."""
    n = data[off]
    if n < 0x80:
        return n, 1
    n &= 0x7F
    i = off
    end = off + 8
    while True:
        i += 1
        n = ((n << 7) | (data[i] & 0x7F)) & 0xFFFFFFFF
        if data[i] < 0x80 or i >= end:
            break
    return n, i - off + 1


class _Checker:
    def __init__(self, pager: Pager, max_errors: int) -> None:
        self.pager = pager
        self.errors: list[str] = []
        self.mx = max_errors
        self.n_page = pager.page_count
        self.used: set[int] = set()
        # zPfx and its arguments v1, v2, as SQLite keeps them (a message's prefix is
        # whatever they are when it is made: a child's bad reference carries its
        # parent's cell prefix, cells after an auto_vacuum right child its prefix)
        self.pfx = ""
        self.v1 = 0
        self.v2 = 0
        usable = pager.usable_size
        self.usable = usable
        self.av = self.n_page > 0 and _u32(pager.get_page(1), 52)[0] != 0
        self.max_local = (usable - 12) * 64 // 255 - 23
        self.min_local = (usable - 12) * 32 // 255 - 23
        self.max_leaf = usable - 35
        self.mx_cell = (pager.page_size - 8) // 6
        self.key_infos: dict[int, KeyInfo] = {}

    # -- checkAppendMsg / checkRef / checkPtrmap --------------------------------
    def err(self, msg: str) -> None:
        if self.mx <= 0:
            return
        self.mx -= 1
        pfx = self.pfx
        if pfx == "cell":
            pfx = f"On tree page {self.v1} cell {self.v2}: "
        elif pfx == "page":
            pfx = f"Page {self.v1}: "
        elif pfx == "right":
            pfx = f"On page {self.v1} at right child: "
        self.errors.append(pfx + msg)

    def ref(self, pgno: int) -> bool:
        """checkRef: True when pgno must not be visited (invalid or seen before)."""
        if pgno > self.n_page or pgno == 0:
            self.err(f"invalid page number {pgno}")
            return True
        if pgno in self.used:
            self.err(f"2nd reference to page {pgno}")
            return True
        self.used.add(pgno)
        return False

    def ptrmap(self, child: int, typ: int, parent: int) -> None:
        p = self.pager
        pm = ptrmap_pageno(p, child)
        off = 5 * (child - pm - 1)
        if pm < 1 or off < 0 or pm > self.n_page:
            got = None  # SQLite reads page 0 (an error) or a zeroed page: type 0
        else:
            page = p.get_page(pm)
            got = (page[off], _u32(page, off + 1)[0])
            if not 1 <= got[0] <= 5:
                got = None
        if got is None:
            self.err(f"Failed to read ptrmap key={child}")
        elif got != (typ, parent):
            self.err(f"Bad ptr map entry key={child} expected=({typ},{parent}) "
                     f"got=({got[0]},{got[1]})")

    # -- checkList ----------------------------------------------------------------
    def list(self, is_freelist: bool, pgno: int, n: int) -> None:
        expected = n
        errs_at_start = len(self.errors)
        m = 0xFFFFFFFF
        while pgno != 0 and self.mx > 0:
            if self.ref(pgno):
                break
            n = (n - 1) & m
            data = self.pager.get_page(pgno)
            if is_freelist:
                cnt = _u32(data, 4)[0]
                if self.av:
                    self.ptrmap(pgno, PTRMAP_FREEPAGE, 0)
                if cnt > self.usable // 4 - 2:
                    self.err(f"freelist leaf count too big on page {pgno}")
                    n = (n - 1) & m
                else:
                    for i in range(cnt):
                        leaf = _u32(data, 8 + 4 * i)[0]
                        if self.av:
                            self.ptrmap(leaf, PTRMAP_FREEPAGE, 0)
                        self.ref(leaf)
                    n = (n - cnt) & m
            elif self.av and n > 0:
                self.ptrmap(_u32(data, 0)[0], PTRMAP_OVERFLOW2, pgno)
            pgno = _u32(data, 0)[0]
        if n and errs_at_start == len(self.errors):
            what = "size" if is_freelist else "overflow list length"
            self.err(f"{what} is {(expected - n) & m} but should be {expected}")

    # -- checkTreePage --------------------------------------------------------------
    def tree_page(self, pgno: int, max_key: int, depth_now: int = 0,
                  ki: KeyInfo | None = None) -> tuple[int, int]:
        """checkTreePage -> (depth, smallest rowid seen: SQLite's *piMinKey)."""
        if pgno == 0:
            return 0, max_key
        if self.ref(pgno):
            return 0, max_key
        saved = self.pfx, self.v1, self.v2
        try:
            return self._tree_page(pgno, max_key, depth_now, ki)
        finally:
            self.pfx, self.v1, self.v2 = saved

    def _tree_page(self, pgno: int, max_key: int, depth_now: int,
                   ki: KeyInfo | None) -> tuple[int, int]:
        usable = self.usable
        self.pfx = "page"
        self.v1 = pgno
        if depth_now > MAX_DEPTH:  # beyond SQLite: Python's stack is not a C stack
            self.err("btreeInitPage() returns error code 11")
            return 0, max_key
        raw = self.pager.get_page(pgno)
        hdr = 100 if pgno == 1 else 0
        data = bytes(raw) + _PAD
        # btreeInitPage: decodeFlags and the cell count
        flags = data[hdr]
        if flags not in (2, 5, 10, 13):
            self.err("btreeInitPage() returns error code 11")
            return 0, max_key
        leaf = flags >= 10
        int_key = flags in (5, 13)
        n_cell = _u16(data, hdr + 3)
        if n_cell > self.mx_cell:
            self.err("btreeInitPage() returns error code 11")
            return 0, max_key
        content = _u16(data, hdr + 5) or 65536
        cell_start = hdr + 12 - 4 * leaf
        # btreeComputeFreeSpace
        if not self._free_space_ok(data, hdr, content, cell_start + 2 * n_cell):
            self.err("free space corruption")
            return 0, max_key
        self.pfx = "cell"
        if int_key and leaf:
            max_local, min_local = self.max_leaf, self.min_local
        else:
            max_local, min_local = self.max_local, self.min_local
        depth = -1
        key_can_be_equal = True
        if not leaf:
            right = _u32(data, hdr + 8)[0]
            if self.av:
                self.pfx = "right"
                self.ptrmap(right, PTRMAP_BTREE, pgno)
            depth, max_key = self.tree_page(right, max_key, depth_now + 1, ki)
            key_can_be_equal = False
        heap: list[int] = []
        coverage = True
        prev_key: object = None
        for i in range(n_cell - 1, -1, -1):
            if self.mx <= 0:
                break
            self.v2 = i
            pc = _u16(data, cell_start + 2 * i)
            if pc < content or pc > usable - 4:
                self.err(f"Offset {pc} out of range {content}..{usable - 4}")
                coverage = False
                continue
            size, key, payload, local = self._parse(data, pc, flags, max_local, min_local)
            if pc + size > usable:
                self.err("Extends off end of page")
                coverage = False
                continue
            if int_key:
                if key > max_key if key_can_be_equal else key >= max_key:
                    self.err(f"Rowid {key} out of order")
                max_key = key
                key_can_be_equal = False
            elif ki is not None:
                prev_key = self._index_order(raw, pc, flags, ki, prev_key)
            if payload > local:
                n_ovfl = (payload - local + usable - 5) // (usable - 4)
                first = _u32(data, pc + size - 4)[0]
                if self.av:
                    self.ptrmap(first, PTRMAP_OVERFLOW1, pgno)
                self.list(False, first, n_ovfl)
            if not leaf:
                child = _u32(data, pc)[0]
                if self.av:
                    self.ptrmap(child, PTRMAP_BTREE, pgno)
                d2, max_key = self.tree_page(child, max_key, depth_now + 1, ki)
                key_can_be_equal = False
                if d2 != depth:
                    self.err("Child page depth differs")
                    depth = d2
            else:
                heap.append((pc << 16) | (pc + size - 1))
        self.pfx = ""
        if coverage and self.mx > 0:
            if not leaf:
                heap = []
                for i in range(n_cell - 1, -1, -1):
                    pc = _u16(data, cell_start + 2 * i)
                    size = self._parse(data, pc, flags, max_local, min_local)[0]
                    heap.append((pc << 16) | (pc + size - 1))
            i = _u16(data, hdr + 1)
            while i > 0:
                size = _u16(data, i + 2)
                heap.append(((i << 16) | (i + size - 1)) & 0xFFFFFFFF)
                i = _u16(data, i)
            heap.sort()
            frag = 0
            prev = content - 1
            left = len(heap)
            for x in heap:
                left -= 1
                if (prev & 0xFFFF) >= (x >> 16):
                    self.err(f"Multiple uses for byte {x >> 16} of page {pgno}")
                    break
                frag += (x >> 16) - (prev & 0xFFFF) - 1
                prev = x
            else:
                left = 0
            frag += usable - (prev & 0xFFFF) - 1
            if left == 0 and frag != data[hdr + 7]:
                self.err(f"Fragmentation of {frag} bytes reported as {data[hdr + 7]} "
                         f"on page {pgno}")
        return depth + 1, max_key

    def _free_space_ok(self, data: bytes, hdr: int, top: int, first_cell: int) -> bool:
        """btreeComputeFreeSpace's checks of the freeblock chain and header offsets."""
        usable = self.usable
        last = usable - 4
        pc = _u16(data, hdr + 1)
        n_free = data[hdr + 7] + top
        if pc > 0:
            if pc < top:
                return False
            while True:
                if pc > last:
                    return False
                nxt = _u16(data, pc)
                size = _u16(data, pc + 2)
                n_free += size
                if nxt <= pc + size + 3:
                    break
                pc = nxt
            if nxt > 0 or pc + size > usable:
                return False
        return first_cell <= n_free <= usable

    def _parse(self, data: bytes, pc: int, flags: int, max_local: int, min_local: int
               ) -> tuple[int, int, int, int]:
        """xParseCell -> (nSize, nKey, nPayload, nLocal)."""
        if flags == 5:  # table interior: child pointer and rowid, no payload
            key, n = _varint(data, pc + 4)
            return 4 + n, key, 0, 0
        at = pc + (4 if flags == 2 else 0)
        payload, n = _payload_size(data, at)
        at += n
        key = payload
        if flags == 13:
            key, n = _varint(data, at)
            at += n
        head = at - pc
        if payload <= max_local:
            return max(payload + head, 4) & 0xFFFF, key, payload, payload
        surplus = min_local + ((payload - min_local) & 0xFFFFFFFF) % (self.usable - 4)
        local = surplus if surplus <= max_local else min_local
        return (head + local + 4) & 0xFFFF, key, payload, local

    def _index_order(self, page: bytes | bytearray, pc: int, flags: int, ki: KeyInfo,
                     later: object) -> object:
        """Beyond SQLite: cells are walked last to first, so each key must sort before
        the one walked just before it."""
        try:
            key = tuple(_decode_key(self.pager, page, pc, flags))
        except (CorruptError, IndexError, struct.error, ValueError):
            return None
        if later is not None and _record.compare(key, later, ki) >= 0:  # type: ignore[arg-type]
            self.err("index keys out of order")
        return key


def integrity_check(pager: Pager, roots: list[tuple[int, bool]],
                    key_infos: dict[int, KeyInfo] | None = None,
                    max_errors: int = 100, partial: bool = False) -> list[str]:
    """integrity_check(pager, [(root, is_table), ...]) -> problems ([] when sound).

    SQLite's B-tree check over the roots in the given order (the page type decides
    table or index; is_table is not consulted), at most max_errors messages; with
    partial=True (PRAGMA integrity_check(TABLE)) the "never used" sweep is left out,
    and the freelist too unless the first root is sqlite_schema's.
    Index key order is checked only for roots given a KeyInfo in `key_infos`."""
    chk = _Checker(pager, max_errors)
    if chk.n_page == 0 or max_errors <= 0:
        return []
    chk.key_infos = key_infos or {}
    pend = pending_byte_page(pager)
    if pend <= chk.n_page:
        chk.used.add(pend)
    p1 = pager.get_page(1)
    if not partial or roots and roots[0][0] == 1:
        chk.pfx = "Main freelist: "
        chk.list(True, _u32(p1, 32)[0], _u32(p1, 36)[0])
        chk.pfx = ""
    av = chk.av
    if partial:
        pass
    elif av:
        mx = max((r for r, _ in roots), default=0)
        in_hdr = _u32(p1, 52)[0]
        if mx != in_hdr:
            chk.err(f"max rootpage ({mx}) disagrees with header ({in_hdr})")
    elif _u32(p1, 64)[0] != 0:
        chk.err("incremental_vacuum enabled with a max rootpage of zero")
    for root, _is_table in roots:
        if chk.mx <= 0:
            break
        if root == 0:
            continue
        if av and root > 1:
            chk.ptrmap(root, PTRMAP_ROOTPAGE, 0)
        try:
            chk.tree_page(root, _LARGEST_INT64, 0, chk.key_infos.get(root))
        except (CorruptError, IndexError, struct.error, ValueError, RecursionError):
            chk.pfx = ""
            chk.err(f"Page {root}: btreeInitPage() returns error code 11")
    if not partial:
        for pgno in range(1, chk.n_page + 1):
            if chk.mx <= 0:
                break
            is_pm = av and ptrmap_pageno(pager, pgno) == pgno
            if pgno not in chk.used and not is_pm:
                chk.err(f"Page {pgno} is never used")
            if pgno in chk.used and is_pm:
                chk.err(f"Pointer map page {pgno} is referenced")
    return chk.errors


def schema_order(names: list[str]) -> list[int]:
    """Positions into `names` in the order SQLite 3.40's schema hash lists its tables
    (the order PRAGMA integrity_check checks them in).

    `names` are sqlite_schema itself ("sqlite_master") and then every table in
    sqlite_schema rowid order (the order the schema was loaded). With fewer than 10
    entries the hash lists them in reverse; from then on elements sit in buckets of a
    table of 2*count slots (rehashed as it grows), each new element going in front of
    its bucket's first one, or at the very front when its bucket is empty."""
    order: list[int] = []  # the hash's element list, first to last
    buckets: dict[int, int] = {}  # bucket -> its first element
    htsize = 0
    for pos, name in enumerate(names):
        count = len(order) + 1
        if count >= 10 and count > 2 * htsize:
            htsize = 2 * count
            old = order
            order = []
            buckets = {}
            for el in old:
                _hash_insert(order, buckets, el, _str_hash(names[el]) % htsize)
        if htsize == 0:
            order.insert(0, pos)
        else:
            _hash_insert(order, buckets, pos, _str_hash(name) % htsize)
    return order


def _hash_insert(order: list[int], buckets: dict[int, int], el: int, h: int) -> None:
    head = buckets.get(h)
    buckets[h] = el
    order.insert(0 if head is None else order.index(head), el)


def _str_hash(name: str) -> int:
    h = 0
    for c in name.encode("utf-8"):
        if 65 <= c <= 90:
            c += 32
        h = ((h + c) * 0x9E3779B1) & 0xFFFFFFFF
    return h


# -- PRAGMA integrity_check / quick_check as a whole --------------------------------------
#
# After the B-tree walk SQLite's pragma program reads every table row by row: it
# fetches each row's right-most column (parsing the whole record header: a bad one
# ends the check with the row "database disk image is malformed"), checks NOT NULL
# columns and a STRICT table's types, CHECK constraints, and (integrity_check only)
# looks every row up in each index and counts the index entries. A damaged page met
# on that walk is an error of the statement itself (CorruptError), as it is in
# sqlite3. The caller (the SQL layer) describes the tables and passes in what needs
# SQL: the CHECK constraints, index expressions and partial-index WHERE clauses, and
# VIRTUAL generated columns, as functions of a row; storage does the reading.
#
#     NULL value in t.a                  (NOT NULL, table order, the rowid alias skipped)
#     non-INTEGER value in t.a           (STRICT: the declared type's name)
#     CHECK constraint failed in t       (one per row, whichever constraint failed)
#     row 7 missing from index i         (7: the row's position in the table's walk)
#     non-unique entry in index i
#     wrong # of entries in index i      (after the table's last row)

@dataclass
class IndexSpec:
    """One index to verify row by row. Its entry for a row is the values at `cols`
    (record positions, -1 = the rowid: the key columns, then the rowid or, WITHOUT
    ROWID, the PRIMARY KEY columns the key lacks); or, when `entry` is given (an
    expression or partial index: the SQL layer evaluates it), entry(row, rowid) with
    the row from TableSpec.row, None when the row is not in the (partial) index."""

    name: str
    root: int
    cols: list[int]
    key_info: KeyInfo  # of the whole entry
    unique: bool
    not_null: list[bool]  # per key column: declared NOT NULL (a NULL does not excuse it)
    entry: Callable[[list[Value], int], list[Value] | None] | None = None


@dataclass
class ColumnSpec:
    """A column each row's value is checked in: NOT NULL, or a STRICT table's type."""

    pos: int  # record position; -1: not in the record (VIRTUAL: TableSpec.row has it)
    col: int  # table position (in TableSpec.row's rows)
    name: str
    not_null: bool
    strict_type: str | None  # STRICT: "INT", "INTEGER", "REAL", "TEXT" or "BLOB"


# a STRICT column's storage classes, as OP_IsNullOrType sees the value OP_Column read
# (REAL columns read integers as reals: sqlite3ExprCodeGetColumnOfTable)
_STRICT_TYPES: dict[str, tuple[type, ...]] = {
    "INT": (int,), "INTEGER": (int,), "REAL": (int, float), "TEXT": (str,), "BLOB": (bytes,)}


@dataclass
class TableSpec:
    """One table, in the order SQLite's schema hash lists it."""

    name: str
    root: int
    without_rowid: bool
    n_cols: int  # columns stored in the record: the right-most is fetched
    btrees: list[int]  # the table's B-tree (if it has rowids), then its indexes' (pIndex order)
    columns: list[ColumnSpec] = field(default_factory=list)  # in table order
    indexes: list[IndexSpec] = field(default_factory=list)  # pIndex order
    pk_key: KeyInfo | None = None  # WITHOUT ROWID: the PRIMARY KEY's (rows in its order)
    pk_cols: int = 0
    defaults: list[Value] = field(default_factory=list)  # per record position: the value
    # of a field a short record lacks (ALTER TABLE ADD COLUMN ... DEFAULT)
    # The SQL layer's part: row(record values, rowid) -> the row as `check` and the
    # indexes' `entry` take it (columns in table order, VIRTUAL ones computed);
    # check(row, rowid) -> True when a CHECK constraint fails for the row.
    row: Callable[[list[Value], int], list[Value]] | None = None
    check: Callable[[list[Value], int], bool] | None = None


class _Halt(Exception):
    pass


class _Malformed(Exception):
    pass


def pragma_check(pager: Pager, tables: list[TableSpec], max_errors: int = 100,
                 quick: bool = False, partial: bool = False,
                 database: str = "main") -> list[str]:
    """The result rows of PRAGMA integrity_check(N) / quick_check(N), as SQLite 3.40.1:
    the B-tree findings in one row ("*** in database main ***" and one line each),
    then one row per row-level finding, at most N findings in all; ["ok"] if none.
    CorruptError when a damaged page stops the row-level walk (as sqlite3 fails)."""
    mx = max_errors if max_errors > 0 else 100
    rows: list[str] = []
    left = [mx - 1]  # SQLite's register 1: findings still allowed after this one

    def emit(msg: str) -> None:
        rows.append(msg)
        if left[0] > 0:
            left[0] -= 1
        else:
            raise _Halt

    roots = [(r, True) for t in tables for r in t.btrees]
    found = integrity_check(pager, roots, None, mx, partial)
    try:
        if found:
            left[0] -= len(found) - 1
            emit(f"*** in database {database} ***\n" + "\n".join(found))
        if pager.page_count > 0:
            rc = _RowChecker(pager, emit, quick)
            for t in tables:
                rc.table(t)
    except _Halt:
        return rows
    except _Malformed:
        rows.append("database disk image is malformed")
        return rows
    return rows if left[0] + 1 - mx else ["ok"]


_FIXED_SIZE = (0, 1, 2, 3, 4, 6, 8, 8, 0, 0, 0, 0)


def _serial_len(t: int) -> int:
    return _FIXED_SIZE[t] if t < 12 else (t - 12) >> 1


_Page = tuple[bytes, int, int, int]  # an index page: bytes, type, cells, pointer array
_Path = list[tuple[_Page, int]]  # root to entry: (page, cell or child index) per level


class _RowChecker:
    def __init__(self, pager: Pager, emit: Callable[[str], None], quick: bool) -> None:
        self.pager = pager
        self.emit = emit
        self.quick = quick
        self.n_page = pager.page_count
        self.usable = pager.usable_size
        self.page_size = pager.page_size
        self.max_local = (self.usable - 12) * 64 // 255 - 23
        self.min_local = (self.usable - 12) * 32 // 255 - 23
        self.max_leaf = self.usable - 35
        self.mx_cell = (pager.page_size - 8) // 6

    # -- a cursor's walk, with the checks SQLite's cursor makes on its way ----------------
    def _walk(self, root: int, int_key: bool) -> Iterator[tuple[int, int, bytes, int, int]]:
        """-> (rowid, payload size, page bytes, payload offset, nLocal) per entry."""
        yield from self._visit(root, int_key, 0)

    def _visit(self, pgno: int, int_key: bool, depth: int
               ) -> Iterator[tuple[int, int, bytes, int, int]]:
        if pgno < 1 or pgno > self.n_page or depth >= 20:
            raise CorruptError()
        data = bytes(self.pager.get_page(pgno)) + _PAD
        hdr = 100 if pgno == 1 else 0
        flags = data[hdr]
        if flags not in (2, 5, 10, 13) or (flags in (5, 13)) != int_key:
            raise CorruptError()
        n = _u16(data, hdr + 3)
        if n > self.mx_cell or depth > 0 and n == 0:
            raise CorruptError()
        leaf = flags >= 10
        cell_start = hdr + 12 - 4 * leaf
        mask = self.page_size - 1
        if flags == 13:
            max_local = self.max_leaf
        else:
            max_local = self.max_local
        for i in range(n):
            pc = _u16(data, cell_start + 2 * i) & mask
            if not leaf:
                yield from self._visit(_u32(data, pc)[0], int_key, depth + 1)
                if flags == 5:
                    continue
            at = pc + (4 if flags == 2 else 0)
            payload, k = _payload_size(data, at)
            at += k
            key = 0
            if flags == 13:
                key, k = _varint(data, at)
                at += k
            if payload <= max_local:
                local = payload
            else:
                surplus = self.min_local + ((payload - self.min_local) & 0xFFFFFFFF) % (
                    self.usable - 4)
                local = surplus if surplus <= max_local else self.min_local
            yield key, payload, data, at, local
        if not leaf:
            yield from self._visit(_u32(data, hdr + 8)[0], int_key, depth + 1)

    def _page(self, pgno: int, depth: int) -> _Page:
        """An index page as SQLite's cursor takes it -> (bytes, type, cells, pointers)."""
        if pgno < 1 or pgno > self.n_page or depth >= 20:
            raise CorruptError()
        data = bytes(self.pager.get_page(pgno)) + _PAD
        hdr = 100 if pgno == 1 else 0
        flags = data[hdr]
        n = _u16(data, hdr + 3)
        if flags not in (2, 10) or n > self.mx_cell or depth > 0 and n == 0:
            raise CorruptError()
        return data, flags, n, hdr + 12 - 4 * (flags == 10)

    def _entry(self, page: _Page, i: int) -> bytes:
        """The payload of index cell i (overflow read), as sqlite3BtreeIndexMoveto gets it:
        a payload that fits locally is taken as it lies, unchecked."""
        data, flags, _n, ptr = page
        at = (_u16(data, ptr + 2 * i) & (self.page_size - 1)) + (4 if flags == 2 else 0)
        n, k = _payload_size(data, at)
        at += k
        if n <= self.max_local:
            return data[at:at + n]
        surplus = self.min_local + ((n - self.min_local) & 0xFFFFFFFF) % (self.usable - 4)
        local = surplus if surplus <= self.max_local else self.min_local
        if n < 2 or n // self.usable > self.n_page or at + local > self.usable:
            raise CorruptError()
        from .btree import _read_overflow

        return data[at:at + local] + _read_overflow(self.pager, _u32(data, at + local)[0],
                                                    n - local)

    def _key_at(self, page: _Page, i: int) -> list[Value]:
        return _record.decode_columns(self._entry(page, i), 1 << 30, self.pager.codec)

    def _compare(self, page: _Page, i: int, key: list[Value],
                 ki: KeyInfo) -> int:
        """sqlite3VdbeRecordCompare(cell i, key): field by field up to the first that
        differs (damage further on is not seen). A record that runs out of fields
        before the key does while all were equal is SQLite's "Corrupt index"
        (errCode): CorruptError."""
        rec = self._entry(page, i)
        codec = self.pager.codec
        try:
            vals = _record.decode_columns(rec, len(key), codec)
        except CorruptError:
            for k in range(1, len(key) + 1):
                try:
                    vals = _record.decode_columns(rec, k, codec)
                except CorruptError:
                    if k > 1:
                        raise  # a field running past the record: SQLite's errCode too
                    return -1  # no header to speak of: SQLite compares garbage
                if len(vals) < k:
                    raise CorruptError() from None
                c = _record.compare(vals, key[:k], ki)
                if c:
                    return c
            return 0
        if len(vals) < len(key):
            c = _record.compare(vals, key[:len(vals)], ki)
            if c == 0:
                raise CorruptError()
            return c
        return _record.compare(vals, key, ki)

    def _child(self, page: _Page, i: int) -> int:
        data, _flags, n, ptr = page
        if i >= n:
            return int(_u32(data, ptr - 4)[0])
        return int(_u32(data, _u16(data, ptr + 2 * i) & (self.page_size - 1))[0])

    def _find(self, root: int, key: list[Value], ki: KeyInfo, cur: list[_Path | None]
              ) -> bool:
        """sqlite3BtreeIndexMoveto's search for the whole entry (OP_Found) -> found.

        `cur[0]` is the index cursor (the path to its entry: page and cell index per
        level; None when not on an entry), moved as SQLite moves it: when it stands on
        the last leaf, its entry or that leaf's first one may answer without a descent
        from the root. On a sound index that changes nothing; on one whose entries are
        out of order it decides which rows are reported missing."""
        path = cur[0]
        cur[0] = None
        if path is not None:
            page, ix = path[-1]
            if page[1] == 10 and all(i == p[2] for p, i in path[:-1]):
                bypass = False
                try:
                    if ix == page[2] - 1:
                        c = self._compare(page, ix, key, ki)
                        if c <= 0:
                            cur[0] = path
                            return c == 0
                    bypass = len(path) > 1 and self._compare(page, 0, key, ki) <= 0
                except CorruptError:
                    pass  # pIdxKey->errCode: the shortcut is not taken
                if bypass:  # bypass_moveto_root: the search starts on this leaf
                    return self._search(page, path[:-1], key, ki, cur)
        return self._search(self._page(root, 0), [], key, ki, cur)

    def _search(self, page: _Page, path: _Path, key: list[Value], ki: KeyInfo,
                cur: list[_Path | None]) -> bool:
        """The binary search of sqlite3BtreeIndexMoveto from `page` (reached by `path`)
        down; leaves the cursor on the entry found, or on the leaf cell compared last."""
        while True:
            n = page[2]
            if n == 0:
                return False
            lwr, upr = 0, n - 1
            i = upr >> 1
            while True:
                c = self._compare(page, i, key, ki)
                if c < 0:
                    lwr = i + 1
                elif c > 0:
                    upr = i - 1
                else:
                    path.append((page, i))
                    cur[0] = path
                    return True
                if lwr > upr:
                    break
                i = (lwr + upr) >> 1
            if page[1] == 10:
                path.append((page, i))
                cur[0] = path
                return False
            path.append((page, lwr))
            page = self._page(self._child(page, lwr), len(path))

    def _advance(self, path: _Path) -> _Path | None:
        """OP_Next from the entry `path` leads to -> the path to the next entry, or None
        at the end."""
        page, i = path[-1]
        if page[1] == 2:  # an interior entry: the leftmost entry right of it
            out = path[:-1] + [(page, i + 1)]
            pgno = self._child(page, i + 1)
            while True:
                p = self._page(pgno, len(out))
                out.append((p, 0))
                if p[1] == 10:
                    return out
                pgno = self._child(p, 0)
        if i + 1 < page[2]:
            return path[:-1] + [(page, i + 1)]
        for k in range(len(path) - 2, -1, -1):
            p, j = path[k]
            if j < p[2]:
                return path[:k] + [(p, j)]
        return None

    def _count(self, root: int) -> int:
        return sum(1 for _ in self._walk(root, False))

    def _payload(self, payload: int, data: bytes, at: int, local: int, need: int) -> bytes:
        """The first `need` bytes of the payload (accessPayload: overflow pages read)."""
        if at > self.usable - local:
            raise CorruptError()
        if need <= local or payload <= local:
            return data[at:at + min(local, payload)]
        from .btree import _read_overflow

        first = _u32(data, at + local)[0]
        return data[at:at + local] + _read_overflow(self.pager, first, payload - local)

    # -- one table --------------------------------------------------------------------
    def table(self, t: TableSpec) -> None:
        """SQLite's per-row loop: PRIMARY KEY order (WITHOUT ROWID), then per column in
        table order NOT NULL and the STRICT type, then CHECK constraints, then
        (integrity_check only) the row's entry in each index; then the index counts."""
        if t.root <= 0:
            return
        idx = [] if self.quick else t.indexes
        counts = [0] * len(idx)
        row = 0
        mx_col = t.n_cols - 1
        pk = None if self.quick else t.pk_key
        prev_pk: list[Value] | None = None
        sql_part = t.check is not None or any(x.entry is not None for x in idx) or any(
            c.pos < 0 for c in t.columns)
        to_row = t.row if sql_part else None
        assert to_row is not None or not sql_part
        if to_row is not None:
            need = mx_col
        else:
            need = max([c.pos for c in t.columns] + [c for x in idx for c in x.cols]
                       + [t.pk_cols - 1 if pk is not None else -1])
        defaults = t.defaults
        fast = [self._sorted_entries(x) for x in idx]
        cursors: list[list[_Path | None]] = [[None] for _ in idx]
        for rowid, payload, data, at, local in self._walk(t.root, not t.without_rowid):
            row += 1
            avail = max(0, min(local, self.page_size - at))
            rec = data[at:at + avail]
            hs, types, ends = self._header(rec, payload, data, at, local, mx_col)
            if need < 0:
                continue
            vals = self._values(hs, types, ends, rec, payload, data, at, local, need)
            if len(vals) <= need:
                vals.extend(defaults[len(vals):need + 1])
                vals.extend([None] * (need + 1 - len(vals)))
            if pk is not None:
                cur_pk = vals[:t.pk_cols]
                if (prev_pk is not None and prev_pk and prev_pk[0] is not None
                        and _record.compare(cur_pk, prev_pk, pk) <= 0):
                    self.emit(f"row not in PRIMARY KEY order for {t.name}")
                prev_pk = cur_pk
            full = to_row(vals, rowid) if to_row is not None else vals
            for c in t.columns:
                v = vals[c.pos] if c.pos >= 0 else full[c.col]
                if v is None:
                    if c.not_null:
                        self.emit(f"NULL value in {t.name}.{c.name}")
                elif c.strict_type is not None and not isinstance(
                        v, _STRICT_TYPES[c.strict_type]):
                    self.emit(f"non-{c.strict_type} value in {t.name}.{c.name}")
            if t.check is not None and t.check(full, rowid):
                self.emit(f"CHECK constraint failed in {t.name}")
            for j, x in enumerate(idx):
                if x.entry is not None:
                    key = x.entry(full, rowid)
                    if key is None:
                        continue  # not in the partial index
                else:
                    key = [rowid if c < 0 else vals[c] for c in x.cols]
                counts[j] += 1
                nk = len(x.not_null)
                check_unique = x.unique and not any(
                    v is None and not nn for v, nn in zip(key, x.not_null, strict=False))
                fj = fast[j]
                if fj is not None:  # a sound index: the same answers, without a descent
                    entries, where = fj
                    at_ = where(key)
                    if at_ < 0:
                        self.emit(f"row {row} missing from index {x.name}")
                    elif check_unique and at_ + 1 < len(entries) and _record.compare(
                            entries[at_ + 1][:nk], key[:nk], x.key_info) <= 0:
                        self.emit(f"non-unique entry in index {x.name}")
                    continue
                cur = cursors[j]
                if not self._find(x.root, key, x.key_info, cur):
                    self.emit(f"row {row} missing from index {x.name}")
                    continue
                if check_unique:
                    path = cur[0]
                    assert path is not None
                    cur[0] = path = self._advance(path)  # OP_Next, then OP_IdxGT
                    if path is not None and _record.compare(
                            self._key_at(*path[-1])[:nk], key[:nk], x.key_info) <= 0:
                        self.emit(f"non-unique entry in index {x.name}")
        for j, x in enumerate(idx):
            fj = fast[j]
            if (len(fj[0]) if fj is not None else self._count(x.root)) != counts[j]:
                self.emit(f"wrong # of entries in index {x.name}")

    def _sorted_entries(self, x: IndexSpec) -> tuple[list[tuple[Value, ...]],
                                                       Callable[[list[Value]], int]] | None:
        """When index x is sound (every page well formed, every entry decodable, with one
        field per key column and the rowid, in strictly ascending order), a binary
        search finds an entry exactly when it is there: -> (entries in order, key ->
        position or -1). None otherwise (the lookups then descend as SQLite's do)."""
        codec = self.pager.codec
        ki = x.key_info
        width = len(x.cols) if x.entry is None else len(ki.collations)
        entries: list[tuple[Value, ...]] = []
        try:
            for _k, payload, data, at, local in self._walk(x.root, False):
                e = tuple(_record.decode_columns(
                    self._payload(payload, data, at, local, payload), width + 1, codec))
                if len(e) != width or entries and _record.compare(entries[-1], e, ki) >= 0:
                    return None
                entries.append(e)
        except (Error, ValueError, IndexError, struct.error, RecursionError):
            return None
        if all(c is None for c in ki.collations) and not any(
                isinstance(v, float) and v != v for e in entries for v in e):
            pos = {e: i for i, e in enumerate(entries)}
            if len(pos) == len(entries):  # BINARY: equal under compare() is ==

                def where(key: list[Value]) -> int:
                    return pos.get(tuple(key), -1)

                return entries, where

        def search(key: list[Value]) -> int:
            lo, hi = 0, len(entries)
            while lo < hi:
                mid = (lo + hi) >> 1
                if _record.compare(entries[mid], key, ki) < 0:
                    lo = mid + 1
                else:
                    hi = mid
            if lo < len(entries) and _record.compare(entries[lo], key, ki) == 0:
                return lo
            return -1

        return entries, search

    def _header(self, rec: bytes, payload: int, data: bytes, at: int, local: int,
                p2: int) -> tuple[int, list[int], list[int]]:
        """OP_Column's header parse up to field p2 -> (header size, serial types, end
        offsets); _Malformed where SQLite jumps to "database disk image is malformed"."""
        if not rec:
            rec = bytes(1)
        hs, k = (rec[0], 1) if rec[0] < 0x80 else _varint(rec, 0)
        hs &= 0xFFFFFFFF
        if len(rec) < hs:
            if hs > 98307 or hs > payload:
                raise _Malformed
            rec = self._payload(payload, data, at, local, hs)
        buf = rec + _PAD
        z = k
        off = hs
        types: list[int] = []
        ends: list[int] = []
        while True:
            t = buf[z]
            if t < 0x80:
                z += 1
            else:
                t, n = _varint(buf, z)
                t &= 0xFFFFFFFF
                z += n
            off += _serial_len(t)
            types.append(t)
            ends.append(off)
            if len(types) > p2 or z >= hs:
                break
        if (z >= hs and (z > hs or off != payload)) or off > payload:
            if hs != 0:
                raise _Malformed
            return hs, [], []
        return hs, types, ends

    def _values(self, hs: int, types: list[int], ends: list[int], rec: bytes, payload: int,
                data: bytes, at: int, local: int, need: int) -> list[Value]:
        n = min(need + 1, len(types))
        if n <= 0:
            return []
        end = ends[n - 1]
        if end > len(rec):
            rec = self._payload(payload, data, at, local, end)
        try:
            return _record.decode_columns(rec[:end], n, self.pager.codec)
        except Error:
            raise
        except (ValueError, IndexError, struct.error) as exc:
            raise CorruptError() from exc
