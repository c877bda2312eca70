"""B-trees: cell layout, overflow chains, search, insert, delete, balance, cursors.

File format §1.6 (B-tree pages) and §1.7 (cell payload and overflow). Owns
the cells of table B-trees (rowid -> record) and index B-trees (key record,
also WITHOUT ROWID tables). Knows nothing of SQL: keys compare with
record.compare and a KeyInfo.

Cell layouts:
    table leaf (13):     varint payload_size | varint rowid | local payload | [u32 first overflow]
    table interior (5):  u32 left child | varint rowid
    index leaf (10):     varint payload_size | local payload | [u32 first overflow]
    index interior (2):  u32 left child | varint payload_size | local payload | [u32 overflow]

Local payload (U = usable size, P = payload size): X = U-35 for table leaves,
else ((U-12)*64/255)-23; M = ((U-12)*32/255)-23; if P <= X all of it is local,
else K = M+((P-M) % (U-4)) and local = K if K <= X else M. Overflow pages hold
a u32 next pointer and U-4 bytes.

Sections: 1 page reading; 2 payload and overflow; 3 page writing and balance;
4 tree operations; 5 cursors; 6 scans.

Balance follows SQLite's fill rules (_store): a page that overflows, or that is
not the root and falls below a third full, is balanced together with its
siblings (one neighbour on overflow, two when low; _balance_nonroot: cells and dividers pooled, laid out again on as few
pages as hold them, evenly), at every level up the tree; an overflowing root moves
down into a new child (balance_deeper) and an interior root left with no cells
takes in its only child (balance_shallower); an ascending append on the
rightmost leaf starts a new right sibling (balance_quick).

Invariants:
  B1: cursor stacks are at most MAX_DEPTH deep; a deeper tree is corrupt.
  B2: an overflow chain is followed only as far as its payload needs, never through
      the same page twice.
  B3: every page written stays packed (no freeblocks, no fragments): rebuilt whole,
      or, for one replaced/deleted/added cell, edited in place on a packed page.
"""

from __future__ import annotations

import functools
import struct
from bisect import bisect_left
from collections.abc import Callable, Sequence
from itertools import accumulate
from typing import Any, TypeVar

from pyrite.errors import CorruptError

from . import record as _record
from .encode import encode_row
from .freelist import (
    PTRMAP_BTREE,
    PTRMAP_FREEPAGE,
    PTRMAP_OVERFLOW1,
    PTRMAP_OVERFLOW2,
    PTRMAP_ROOTPAGE,
    allocate_at_most,
    allocate_exact,
    allocate_page,
    free_page,
    is_autovacuum,
    is_ptrmap_page,
    pending_byte_page,
    ptrmap_get,
    ptrmap_pageno,
    ptrmap_put,
)
from .pager import Pager
from .record import KeyInfo, Value
from .varint import get_varint, put_varint

Page = bytes | bytearray

_U32 = struct.Struct(">I")
_U16 = struct.Struct(">H")
_u32 = _U32.unpack_from
_u16 = _U16.unpack_from
_p32 = _U32.pack
MAX_DEPTH = 20

LEAF_TABLE = 13
INTERIOR_TABLE = 5
LEAF_INDEX = 10
INTERIOR_INDEX = 2
_VALID_TYPES = (2, 5, 10, 13)

PROBES: dict[str, int] = {}
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


def _probe(name: str) -> None:
    """Named probe for rarely reached branches (STYLE 5)."""
    PROBES[name] = PROBES.get(name, 0) + 1


# == 1. page reading ========================================================

def _page_header(pager: Pager, pgno: int) -> tuple[Page, int, int, int, int]:
    """-> (page, type, ncells, pointer-array start, right child or 0); CorruptError if bad."""
    page = pager.get_page(pgno)
    hoff = 100 if pgno == 1 else 0
    typ = page[hoff]
    if typ not in _VALID_TYPES:
        raise CorruptError()
    n = (page[hoff + 3] << 8) | page[hoff + 4]
    if typ >= 10:
        ptr = hoff + 8
        right = 0
    else:
        ptr = hoff + 12
        right = _u32(page, hoff + 8)[0]
        if right == 0 or right > pager.page_count:
            raise CorruptError()
    if ptr + 2 * n > pager.usable_size:
        raise CorruptError()
    return page, typ, n, ptr, right


def _max_local(usable: int, table_leaf: bool) -> int:
    return usable - 35 if table_leaf else ((usable - 12) * 64 // 255) - 23


def _local_size(n: int, usable: int, table_leaf: bool) -> int:
    x = usable - 35 if table_leaf else ((usable - 12) * 64 // 255) - 23
    if n <= x:
        return n
    m = ((usable - 12) * 32 // 255) - 23
    k = m + (n - m) % (usable - 4)
    return k if k <= x else m


def _cell_size(page: Page, off: int, typ: int, usable: int) -> int:
    """Bytes of the cell at `off` (without SQLite's 4-byte minimum)."""
    if typ == INTERIOR_TABLE:
        p = off + 4
        while page[p] & 0x80 and p < off + 12:
            p += 1
        return p + 1 - off
    p = off + 4 if typ == INTERIOR_INDEX else off
    n, p = get_varint(page, p)
    if typ == LEAF_TABLE:
        _, p = get_varint(page, p)
    if n < 0:
        raise CorruptError()
    local = _local_size(n, usable, typ == LEAF_TABLE)
    end = p + local + (4 if local < n else 0)
    if end > usable:
        raise CorruptError()
    return end - off


def _read_cells(pager: Pager, pgno: int) -> tuple[int, list[bytes], int]:
    """-> (type, raw cells in order, right child) of one page (varints decoded inline:
    this runs for every page a balance touches)."""
    page, typ, n, ptr, right = _page_header(pager, pgno)
    usable = pager.usable_size
    mv = memoryview(page)
    cells: list[bytes] = []
    append = cells.append
    lo = ptr + 2 * n
    if typ == INTERIOR_TABLE:
        for i in range(n):
            q = ptr + 2 * i
            off = (page[q] << 8) | page[q + 1]
            if off < lo or off + 5 > usable:
                raise CorruptError()
            p = off + 4
            while page[p] & 0x80 and p < off + 12:
                p += 1
            append(mv[off:p + 1].tobytes())
        return typ, cells, right
    leaf_table = typ == LEAF_TABLE
    x = usable - 35 if leaf_table else ((usable - 12) * 64 // 255) - 23
    pre = 4 if typ == INTERIOR_INDEX else 0
    for i in range(n):
        q = ptr + 2 * i
        off = (page[q] << 8) | page[q + 1]
        if off < lo or off >= usable:
            raise CorruptError()
        p = off + pre
        b = page[p]
        if b < 0x80:
            size = b
            p += 1
        else:
            size, p = get_varint(page, p)
        if leaf_table:
            r = p
            while page[r] & 0x80 and r < p + 8:
                r += 1
            p = r + 1
        if size <= x:
            end = p + size
        else:
            end = p + _local_size(size, usable, leaf_table) + 4
        if end > usable:
            raise CorruptError()
        append(mv[off:end].tobytes())
    return typ, cells, right


def _cell_off(page: Page, ptr: int, i: int) -> int:
    return (page[ptr + 2 * i] << 8) | page[ptr + 2 * i + 1]


def _leaf_rowid(page: Page, off: int) -> int:
    """The rowid of the table-leaf cell at off (skips the payload-size varint).
    Varints of up to 3 bytes (rowids below 2**21) are decoded inline."""
    if page[off] >= 0x80:
        off += 1
        if page[off] >= 0x80:
            _, off = get_varint(page, off - 1)
            off -= 1
    off += 1
    b = page[off]
    if b < 0x80:
        return b
    c = page[off + 1]
    if c < 0x80:
        return ((b & 0x7F) << 7) | c
    d = page[off + 2]
    if d < 0x80:
        return ((b & 0x7F) << 14) | ((c & 0x7F) << 7) | d
    return get_varint(page, off)[0]


def _leaf_search(page: Page, ptr: int, n: int, rowid: int) -> tuple[int, int]:
    """-> (index of the first cell of the table leaf whose rowid is >= rowid, that
    cell's offset when its rowid equals rowid, else -1). The last cell is tried first
    (appends), then the first; then the rowids known on either side of the answer
    guess where it is, as if evenly spaced (they mostly are: the first guess lands),
    every other probe halving instead, so that uneven rowids cost at most twice a
    binary search's probes. Cells are read by _leaf_cell_rowid."""
    if n <= 0:
        return 0, -1
    b = n - 1
    rb, off = _leaf_cell_rowid(page, ptr, b)
    if rb < rowid:
        return n, -1
    if rb == rowid:
        return b, off
    if b == 0:
        return 0, -1
    ra, off = _leaf_cell_rowid(page, ptr, 0)
    if ra > rowid:
        return 0, -1
    if ra == rowid:
        return 0, off
    a = 0  # known: cell a's rowid ra < rowid < rb, cell b's; the answer is in (a, b]
    guess = True
    while b - a > 1:
        if guess:
            mid = a + (rowid - ra) * (b - a) // (rb - ra)
            if mid <= a:
                mid = a + 1
        else:
            mid = (a + b) >> 1
        guess = not guess
        r, off = _leaf_cell_rowid(page, ptr, mid)
        if r < rowid:
            a, ra = mid, r
        elif r > rowid:
            b, rb = mid, r
        else:
            return mid, off
    return b, -1


def _leaf_cell_rowid(page: Page, ptr: int, i: int) -> tuple[int, int]:
    """-> (rowid, offset) of cell i of a table leaf: _leaf_rowid by cell index, for
    _leaf_search's probes (varints of up to 3 bytes, rowids below 2**21, read inline)."""
    q = ptr + 2 * i
    off = (page[q] << 8) | page[q + 1]
    p = off
    if page[p] >= 0x80:
        p += 1
        if page[p] >= 0x80:
            _, p = get_varint(page, off)
            p -= 1
    p += 1
    b = page[p]
    if b < 0x80:
        return b, off
    c = page[p + 1]
    if c < 0x80:
        return ((b & 0x7F) << 7) | c, off
    d = page[p + 2]
    if d < 0x80:
        return ((b & 0x7F) << 14) | ((c & 0x7F) << 7) | d, off
    return get_varint(page, p)[0], off


def _interior_rowid(page: Page, off: int) -> int:
    b = page[off + 4]
    if b < 0x80:
        return b
    c = page[off + 5]
    if c < 0x80:
        return ((b & 0x7F) << 7) | c
    d = page[off + 6]
    if d < 0x80:
        return ((b & 0x7F) << 14) | ((c & 0x7F) << 7) | d
    return get_varint(page, off + 4)[0]


# == 2. payload and overflow ================================================

def _read_overflow(pager: Pager, pgno: int, need: int) -> bytes:
    """`need` bytes from the overflow chain starting at `pgno` (B2: bounded, cycle-safe)."""
    per = pager.usable_size - 4
    parts: list[bytes] = []
    seen: set[int] = set()
    while need > 0:
        if pgno in seen or pgno < 2 or pgno > pager.page_count:
            raise CorruptError()
        seen.add(pgno)
        page = pager.get_page(pgno)
        take = per if need > per else need
        parts.append(bytes(page[4:4 + take]))
        need -= take
        pgno = _u32(page, 0)[0]
    return b"".join(parts)


def _overflow_pages(pager: Pager, pgno: int, need: int) -> list[int]:
    """The page numbers of an overflow chain holding `need` bytes."""
    per = pager.usable_size - 4
    out: list[int] = []
    seen: set[int] = set()
    while need > 0:
        if pgno in seen or pgno < 2 or pgno > pager.page_count:
            raise CorruptError()
        seen.add(pgno)
        out.append(pgno)
        need -= per
        pgno = _u32(pager.get_page(pgno), 0)[0]
    return out


def _payload_at(pager: Pager, page: Page, p: int, n: int, table_leaf: bool) -> bytes:
    """The whole payload of n bytes whose local part starts at p."""
    usable = pager.usable_size
    x = usable - 35 if table_leaf else ((usable - 12) * 64 // 255) - 23
    if n <= x:
        if p + n > usable:
            raise CorruptError()
        data = page[p:p + n]
        return data if type(data) is bytes else bytes(data)
    local = _local_size(n, usable, table_leaf)
    if p + local + 4 > usable:
        raise CorruptError()
    return bytes(page[p:p + local]) + _read_overflow(pager, _u32(page, p + local)[0], n - local)


def _cell_overflow(pager: Pager, cell: bytes, typ: int) -> tuple[int, int]:
    """-> (first overflow page, bytes on the chain) of a raw cell, or (0, 0)."""
    if typ == INTERIOR_TABLE:
        return 0, 0
    p = 4 if typ == INTERIOR_INDEX else 0
    n, p = get_varint(cell, p)
    if typ == LEAF_TABLE:
        _, p = get_varint(cell, p)
    local = _local_size(n, pager.usable_size, typ == LEAF_TABLE)
    if local == n:
        return 0, 0
    return _u32(cell, p + local)[0], n - local


def _free_cell_overflow(pager: Pager, cell: bytes, typ: int) -> None:
    first, need = _cell_overflow(pager, cell, typ)
    if first:
        for pg in _overflow_pages(pager, first, need):
            free_page(pager, pg)


def _make_cell(pager: Pager, prefix: bytes, payload: bytes, table_leaf: bool) -> bytes:
    """Build a leaf-format cell (prefix = size and rowid varints), spilling to overflow pages."""
    n = len(payload)
    usable = pager.usable_size
    local = _local_size(n, usable, table_leaf)
    if local == n:
        return prefix + payload
    _probe("overflow_spill")
    per = usable - 4
    rest = memoryview(payload)[local:]
    chunks = [rest[i:i + per] for i in range(0, len(rest), per)]
    pages = [allocate_page(pager) for _ in chunks]
    for i, chunk in enumerate(chunks):
        pg = pager.write_page(pages[i])
        pg[0:4] = _p32(pages[i + 1] if i + 1 < len(pages) else 0)
        pg[4:4 + len(chunk)] = chunk
    if is_autovacuum(pager):
        # F1: the first page's OVERFLOW1 entry is set by the page the cell lands on.
        for i in range(1, len(pages)):
            ptrmap_put(pager, pages[i], PTRMAP_OVERFLOW2, pages[i - 1])
    return prefix + payload[:local] + _p32(pages[0])


def _index_cell_payload(pager: Pager, cell: bytes, typ: int) -> bytes:
    p = 4 if typ == INTERIOR_INDEX else 0
    n, p = get_varint(cell, p)
    return _payload_at(pager, cell, p, n, False)


# == 3. page writing and balance ============================================

def _build_page(pager: Pager, pgno: int, typ: int, cells: Sequence[bytes], right: int) -> None:
    """Lay out a page from scratch: header, pointer array, cells packed at the end (B3)."""
    page = pager.write_page(pgno)
    hoff = 100 if pgno == 1 else 0
    usable = pager.usable_size
    leaf = typ >= 10
    ptr = hoff + (8 if leaf else 12)
    n = len(cells)
    sizes = list(map(len, cells))
    if n and min(sizes) < 4:
        cells = [c if len(c) >= 4 else c + bytes(4 - len(c)) for c in cells]
        sizes = list(map(len, cells))
    offs = [usable - a for a in accumulate(sizes)]
    content = offs[-1] if n else usable
    assert content >= ptr + 2 * n, "page overfull"
    page[hoff] = typ
    page[hoff + 1:hoff + 8] = bytes((0, 0, n >> 8, n & 0xFF, (content >> 8) & 0xFF,
                                     content & 0xFF, 0))
    if not leaf:
        page[hoff + 8:hoff + 12] = _p32(right)
    page[ptr:ptr + 2 * n] = struct.pack(f">{n}H", *offs)
    page[content:usable] = b"".join(reversed(cells))
    if _u32(pager.get_page(1), 52)[0]:
        _set_child_ptrmaps(pager, pgno, typ, cells, right)


def _set_child_ptrmaps(pager: Pager, pgno: int, typ: int, cells: Sequence[bytes],
                       right: int) -> None:
    """F1: point the pointer-map entries of pgno's children and first overflow pages at it."""
    for c in cells:
        if typ < 10:
            ptrmap_put(pager, _u32(c, 0)[0], PTRMAP_BTREE, pgno)
        first, _ = _cell_overflow(pager, c, typ)
        if first:
            ptrmap_put(pager, first, PTRMAP_OVERFLOW1, pgno)
    if right:
        ptrmap_put(pager, right, PTRMAP_BTREE, pgno)


def _insert_in_gap(pager: Pager, pgno: int, idx: int, cell: bytes) -> int:
    """Insert a cell as cell `idx` using only the unallocated gap; returns the page's
    new cell count, 0 if it does not fit."""
    page, typ, n, ptr, _ = _page_header(pager, pgno)
    sz = len(cell) if len(cell) >= 4 else 4
    hoff = 100 if pgno == 1 else 0
    content = ((page[hoff + 5] << 8) | page[hoff + 6]) or 65536
    if content - (ptr + 2 * n) < sz + 2 or content > pager.usable_size:
        return 0
    w = pager.write_page(pgno)
    new = content - sz
    w[new:new + len(cell)] = cell
    a = ptr + 2 * idx
    if idx < n:
        w[a + 2:ptr + 2 * n + 2] = w[a:ptr + 2 * n]
    w[a] = new >> 8
    w[a + 1] = new & 0xFF
    w[hoff + 3] = (n + 1) >> 8
    w[hoff + 4] = (n + 1) & 0xFF
    w[hoff + 5] = new >> 8
    w[hoff + 6] = new & 0xFF
    if _u32(w if pgno == 1 else pager.get_page(1), 52)[0]:
        _set_child_ptrmaps(pager, pgno, typ, (cell,), 0)
    return n + 1


def _edit_in_place(pager: Pager, path: Path, pgno: int, idx: int, cell: bytes | None) -> bool:
    """Replace (cell given) or delete (None) cell `idx` of the leaf pgno by moving bytes,
    without reading every cell. Only on a packed page (no freeblocks, no fragments:
    content area = cells, so B3 holds afterwards) whose result needs no balance (fits,
    and not below a third full unless it is the root); False when it does not apply."""
    page, typ, n, ptr, _ = _page_header(pager, pgno)
    hoff = 100 if pgno == 1 else 0
    if page[hoff + 1] or page[hoff + 2] or page[hoff + 7] or typ < 10 or idx >= n:
        return False
    usable = pager.usable_size
    content = ((page[hoff + 5] << 8) | page[hoff + 6]) or 65536
    q = ptr + 2 * idx
    off = (page[q] << 8) | page[q + 1]
    if off < content or content < ptr + 2 * n or content > usable:
        return False
    if typ == LEAF_TABLE and page[off] < 0x80:
        # a payload under 128 bytes is all local: the cell is its one-byte size, the
        # rowid varint and the payload
        p = off + 1
        while page[p] & 0x80 and p < off + 9:  # the rowid varint (9 bytes at most)
            p += 1
        size = p + 1 + page[off] - off
        spills = False
    else:
        size = _cell_size(page, off, typ, usable)
        spills = True  # the old cell may start an overflow chain
    so = size if size >= 4 else 4
    if off + so > usable:
        return False
    sn = 0
    if cell is not None:
        sn = len(cell)
        if sn < 4:
            cell = cell + bytes(4 - sn)
            sn = 4
    delta = so - sn
    n2 = n if cell is not None else n - 1
    new_content = content + delta
    if new_content < ptr + 2 * n2:
        return False
    if path and ((8 + usable - new_content + 2 * n2) * 3 < usable):
        return False  # would run low: the caller balances
    old = bytes(page[off:off + size]) if spills else b""
    w = pager.write_page(pgno)
    if not delta and cell is not None:  # same size: the pointers stay as they are
        w[off:off + so] = cell
        if spills:
            _free_cell_overflow(pager, old, typ)
        if _u32(pager.get_page(1), 52)[0]:
            _set_child_ptrmaps(pager, pgno, typ, (cell,), 0)
        return True
    if delta:
        w[new_content:off + delta] = w[content:off]
    raw = None
    if delta >= 0 and usable <= 0x8000:
        # the pointers below off move by delta: all at once, 16-bit lanes of one int
        raw = bytes(w[ptr:ptr + 2 * n])
        if delta:
            raw = _shift_ptrs(raw, n, off, delta)
    if raw is not None:
        a = 2 * idx
        if cell is not None:
            w[off + delta:off + so] = cell
            w[ptr:ptr + 2 * n2] = raw[:a] + (off + delta).to_bytes(2, "big") + raw[a + 2:]
        else:
            w[ptr:ptr + 2 * n2] = raw[:a] + raw[a + 2:]
    else:
        if delta:
            ptrs = [v + delta if v < off else v
                    for v in struct.unpack_from(f">{n}H", w, ptr)]
        else:
            ptrs = list(struct.unpack_from(f">{n}H", w, ptr))
        if cell is not None:
            w[off + delta:off + so] = cell
            ptrs[idx] = off + delta
        else:
            del ptrs[idx]
        w[ptr:ptr + 2 * n2] = struct.pack(f">{n2}H", *ptrs)
    w[hoff + 3] = n2 >> 8
    w[hoff + 4] = n2 & 0xFF
    nc = new_content if new_content < 65536 else 0
    w[hoff + 5] = nc >> 8
    w[hoff + 6] = nc & 0xFF
    if spills:
        _free_cell_overflow(pager, old, typ)
    if cell is not None and _u32(pager.get_page(1), 52)[0]:
        _set_child_ptrmaps(pager, pgno, typ, (cell,), 0)
    return True


_LANES: dict[int, tuple[int, int]] = {}  # n -> (0x0001 in n 16-bit lanes, 0x8000 in them)


def _shift_ptrs(raw: bytes, n: int, off: int, delta: int) -> bytes | None:
    """The cell-pointer array `raw` (n big-endian u16) with delta (> 0) added to every
    pointer below off (<= 0x8000, and off + delta <= 0x8000): a lane-wise compare and
    add on one integer, no borrow or carry crossing a lane. None when a pointer is
    0x8000 or more (a corrupt page: the caller goes the slow way)."""
    lanes = _LANES.get(n)
    if lanes is None:
        if len(_LANES) > 256:
            _LANES.clear()
        one = int.from_bytes(b"\x00\x01" * n, "big")
        lanes = _LANES[n] = (one, one << 15)
    one, high = lanes
    p = int.from_bytes(raw, "big")
    if p & high:
        return None
    below = (~((p | high) - off * one) & high) >> 15  # 1 in each lane holding a value < off
    return (p + below * delta).to_bytes(2 * n, "big")


def _fits(pager: Pager, pgno: int, typ: int, cells: Sequence[bytes]) -> bool:
    return ((100 if pgno == 1 else 0) + (8 if typ >= 10 else 12) + _cells_space(cells)
            <= pager.usable_size)


def _cells_space(cells: Sequence[bytes]) -> int:
    """Bytes the cells take on a page: each, at least 4 bytes, and its 2-byte pointer."""
    n = len(cells)
    if not n:
        return 0
    sizes = list(map(len, cells))
    total = sum(sizes) + 2 * n
    if min(sizes) < 4:
        total += sum(4 - x for x in sizes if x < 4)
    return total


Path = list[tuple[int, int]]  # (interior pgno, child index taken) from the root down


def _store(pager: Pager, path: Path, pgno: int, typ: int, cells: list[bytes], right: int,
           quick: bool = False) -> None:
    """Make page pgno hold `cells` (they may not fit, or be few) and keep the tree
    balanced, as SQLite's balance(): a non-root page that overflows or falls below a
    third full is balanced with its siblings (_balance_nonroot); a root that overflows
    moves down one level (balance_deeper); an interior root left without cells takes
    in its only child when it fits (balance_shallower)."""
    if not path:
        if _fits(pager, pgno, typ, cells):
            if not cells and right:
                _balance_shallower(pager, pgno, typ, right)
            else:
                _build_page(pager, pgno, typ, cells, right)
            return
        _probe("balance_deeper")
        child = allocate_page(pager)
        _build_page(pager, pgno, INTERIOR_TABLE if typ in (5, 13) else INTERIOR_INDEX, [], child)
        _balance_nonroot(pager, [(pgno, 0)], child, typ, cells, right, quick)
        return
    if _fits(pager, pgno, typ, cells) and not _underfull(pager, typ, cells):
        _build_page(pager, pgno, typ, cells, right)
        return
    _balance_nonroot(pager, path, pgno, typ, cells, right, quick)


def _underfull(pager: Pager, typ: int, cells: Sequence[bytes]) -> bool:
    """Less than a third of the page in use (SQLite: nFree > 2/3 of the usable size)."""
    return ((8 if typ >= 10 else 12) + _cells_space(cells)) * 3 < pager.usable_size


def _partition(sizes: list[int], cap: int, div: bool, quick: bool) -> list[tuple[int, int]]:
    """Split cells into the fewest consecutive groups that each fit `cap`, filled evenly;
    with `div`, the cell after each group but the last is a divider that goes up to the
    parent. `quick`: the last cell alone starts a new page (SQLite's balance_quick)."""
    count = len(sizes)
    if quick and count >= 3:
        groups = [(0, count - 2), (count - 1, count)] if div else [(0, count - 1),
                                                                   (count - 1, count)]
        if sum(sizes[groups[0][0]:groups[0][1]]) <= cap:
            return groups
    total = sum(sizes)
    if total <= cap:
        return [(0, count)]
    for n in range(max(2, -(-total // cap)), count + 1):
        target = total / n
        groups = []
        i = 0
        ok = True
        while i < count:
            if len(groups) == n - 1:
                if sum(sizes[i:]) > cap:
                    ok = False
                    break
                groups.append((i, count))
                i = count
                break
            s = i
            used = 0
            while i < count and used + sizes[i] <= cap and (
                    used == 0 or used + sizes[i] / 2 <= target):
                used += sizes[i]
                i += 1
            if i == s:
                ok = False
                break
            groups.append((s, i))
            if div and i < count:
                i += 1
                if i >= count:
                    ok = False
                    break
        if ok and len(groups) >= 2:
            return groups
    raise CorruptError("cell too large for page")


# A page that overflows is balanced with one neighbour, a page that runs low with two
# (SQLite takes up to three either way). Measured: random inserts leave pyrite within
# 4% of sqlite3's page count (tests/storage/test_balance.py) at 40% less balancing work.
OVERFLOW_SIBLINGS = 2


def _balance_nonroot(pager: Pager, path: Path, pgno: int, typ: int, cells: list[bytes],
                     right: int, quick: bool) -> None:
    """SQLite's balance_nonroot: page pgno (child path[-1] of its parent) should hold
    `cells`. Take it and up to two neighbours, pool their cells with the dividers
    between them, and lay the pool out again on as few pages as hold it, filled
    evenly (old page numbers reused, extra ones allocated or freed). The parent's
    dividers are replaced, and the parent is stored the same way (so balancing walks
    up the tree as far as pages overflow or run low)."""
    ppg, ci = path[-1]
    ptyp, pcells, pright = _read_cells(pager, ppg)
    np_ = len(pcells)
    if ci > np_:
        raise CorruptError()
    if quick:
        first, nold = ci, 1
    elif OVERFLOW_SIBLINGS == 2 and not _fits(pager, pgno, typ, cells) and np_ >= 1:
        first, nold = (ci, 2) if ci < np_ else (ci - 1, 2)
    elif np_ < 2:
        first, nold = 0, np_ + 1
    else:
        first = 0 if ci == 0 else (np_ - 2 if ci == np_ else ci - 1)
        nold = 3
    leaf = typ >= 10
    table = typ in (5, 13)
    olds: list[int] = []
    pool: list[bytes] = []
    for j in range(first, first + nold):
        child = _u32(pcells[j], 0)[0] if j < np_ else pright
        if j == ci:
            if child != pgno:
                raise CorruptError()
            ccells, cright = cells, right
        else:
            if child in olds or child == pgno or child < 2 or child > pager.page_count:
                raise CorruptError()
            ctyp, ccells, cright = _read_cells(pager, child)
            if ctyp != typ:
                raise CorruptError()
        olds.append(child)
        pool.extend(ccells)
        if j < first + nold - 1:
            d = pcells[j]
            if not leaf:
                pool.append(_p32(cright) + d[4:])
            elif not table:
                pool.append(d[4:])
        else:
            right = cright
    cap = pager.usable_size - (8 if leaf else 12)
    sizes = [2 + (len(c) if len(c) >= 4 else 4) for c in pool]
    groups = _partition(sizes, cap, not (leaf and table), quick)
    k = len(groups)
    _probe("balance_split" if k > nold else "balance_merge" if k < nold else "balance_even")
    pages = olds[:k] + [allocate_page(pager) for _ in range(k - nold)]
    up: list[bytes] = []
    for j, (a, b) in enumerate(groups):
        page_right = 0
        if j < k - 1:
            if table and leaf:
                c = pool[b - 1]
                _, p = get_varint(c, 0)
                key, _ = get_varint(c, p)
                up.append(_p32(pages[j]) + put_varint(key))
            else:
                d = pool[b]
                if leaf:
                    up.append(_p32(pages[j]) + d)
                else:
                    page_right = _u32(d, 0)[0]
                    up.append(_p32(pages[j]) + d[4:])
        elif not leaf:
            page_right = right
        _build_page(pager, pages[j], typ, pool[a:b], page_right)
    for extra in olds[k:]:
        free_page(pager, extra)
    tail = pcells[first + nold - 1:]
    if tail:
        tail[0] = _p32(pages[-1]) + tail[0][4:]
    else:
        pright = pages[-1]
    _store(pager, path[:-1], ppg, ptyp, pcells[:first] + up + tail, pright)


def _balance_shallower(pager: Pager, root: int, typ: int, only_child: int) -> None:
    """The root lost its last cell: take in its only child when it fits (depth drops by
    one everywhere, so the tree stays balanced)."""
    ctyp, ccells, cright = _read_cells(pager, only_child)
    if _fits(pager, root, ctyp, ccells):
        _probe("balance_shallower")
        _build_page(pager, root, ctyp, ccells, cright)
        free_page(pager, only_child)
    else:
        _build_page(pager, root, typ, [], only_child)


# == 4. tree operations =====================================================

@_guard
def create_table(pager: Pager) -> int:
    """create_table(pager) -> root page of a new, empty table B-tree."""
    pgno = _new_root(pager)
    _build_page(pager, pgno, LEAF_TABLE, [], 0)
    return pgno


@_guard
def create_index(pager: Pager) -> int:
    """create_index(pager) -> root page of a new, empty index B-tree."""
    pgno = _new_root(pager)
    _build_page(pager, pgno, LEAF_INDEX, [], 0)
    return pgno


def _new_root(pager: Pager) -> int:
    """A page for a new root. In an auto_vacuum file roots are kept at the front, as
    SQLite keeps them: the new root is the page after the largest root (header
    offset 52), and whatever lived there is moved to a free page first (A1)."""
    if not is_autovacuum(pager):
        return allocate_page(pager)
    root = int(_u32(pager.get_page(1), 52)[0]) + 1
    while root == pending_byte_page(pager) or is_ptrmap_page(pager, root):
        root += 1
    if root > pager.page_count:
        while pager.page_count < root - 1:
            pager.new_page(pager.page_count + 1)  # pointer-map / lock-byte pages only
        pager.new_page(root)
    elif not allocate_exact(pager, root):
        _probe("autovacuum_root_move")
        typ, parent = ptrmap_get(pager, root)
        if typ in (PTRMAP_ROOTPAGE, PTRMAP_FREEPAGE):
            raise CorruptError()
        dest = allocate_page(pager)
        _relocate(pager, root, typ, parent, dest)
        pager.new_page(root)
    ptrmap_put(pager, root, PTRMAP_ROOTPAGE, 0)
    _U32.pack_into(pager.write_page(1), 52, root)
    return root


def _free_subtree(pager: Pager, pgno: int, depth: int, free_self: bool) -> int:
    """Free every page under pgno (and pgno when free_self); returns entries seen."""
    if depth > MAX_DEPTH:
        raise CorruptError()
    typ, cells, right = _read_cells(pager, pgno)
    count = 0
    if typ != INTERIOR_TABLE:
        count += len(cells)
    for c in cells:
        _free_cell_overflow(pager, c, typ)
        if typ < 10:
            count += _free_subtree(pager, _u32(c, 0)[0], depth + 1, True)
    if right:
        count += _free_subtree(pager, right, depth + 1, True)
    if free_self:
        free_page(pager, pgno)
    return count


@_guard
def clear_tree(pager: Pager, root: int) -> int:
    """clear_tree(pager, root) -> entries deleted; the root stays, as an empty leaf."""
    typ = _page_header(pager, root)[1]
    n = _free_subtree(pager, root, 0, False)
    _build_page(pager, root, LEAF_TABLE if typ in (5, 13) else LEAF_INDEX, [], 0)
    return n


@_guard
def drop_tree(pager: Pager, root: int) -> tuple[int, int] | None:
    """drop_tree(pager, root): free every page of the tree, the root included.

    In an auto_vacuum file roots stay packed at the front (A1): when `root` is not
    the largest root page, the tree rooted there is moved into `root` and the
    result is (moved_from, moved_to) = (largest root, root). The sqlite_schema row
    that said moved_from is changed to moved_to here (as SQLite's OP_Destroy and
    its UPDATE of sqlite_master do); the caller must forget cached root numbers
    (bump the schema cookie) and, dropping several trees, delete their schema rows
    first and go in descending root order (as SQLite does). Returns None when
    nothing moved (always outside auto_vacuum)."""
    if root == 1 or not is_autovacuum(pager):
        _free_subtree(pager, root, 0, root != 1)
        return None
    _free_subtree(pager, root, 0, False)
    top = _u32(pager.get_page(1), 52)[0]
    moved: tuple[int, int] | None = None
    if root == top:
        free_page(pager, root)
    else:
        if top < root or top > pager.page_count or ptrmap_get(pager, top)[0] != PTRMAP_ROOTPAGE:
            raise CorruptError()
        _probe("autovacuum_drop_move")
        _relocate(pager, top, PTRMAP_ROOTPAGE, 0, root)
        free_page(pager, top)
        moved = (top, root)
        _schema_root_moved(pager, top, root)
    top -= 1
    while top > 1 and (top == pending_byte_page(pager) or is_ptrmap_page(pager, top)):
        top -= 1
    _U32.pack_into(pager.write_page(1), 52, top)
    return moved


def _schema_root_moved(pager: Pager, old: int, new: int) -> None:
    """Point the sqlite_schema rows whose rootpage is `old` at `new`."""
    from .cursor import iter_table

    fmt = _u32(pager.get_page(1), 44)[0] or 4
    for rowid, payload in list(iter_table(pager, 1)):
        row = _record.decode(payload, pager.codec)
        if len(row) >= 4 and row[3] == old:
            row[3] = new
            table_insert(pager, 1, rowid, _record.encode(row, fmt, pager.codec))


def _table_path(pager: Pager, root: int, rowid: int) -> tuple[Path, int, int, bool, bool]:
    """-> (path, leaf pgno, index of first cell >= rowid, exact, rightmost)."""
    path: Path = []
    pgno = root
    rightmost = True
    for _ in range(MAX_DEPTH):
        page, typ, n, ptr, right = _page_header(pager, pgno)
        lo, hi = 0, n
        if typ == LEAF_TABLE:
            lo, off = _leaf_search(page, ptr, n, rowid)
            return path, pgno, lo, off >= 0, rightmost
        if typ != INTERIOR_TABLE:
            raise CorruptError()
        if n and _interior_rowid(page, _cell_off(page, ptr, n - 1)) < rowid:
            lo = n
        while lo < hi:
            mid = (lo + hi) >> 1
            if _interior_rowid(page, _cell_off(page, ptr, mid)) < rowid:
                lo = mid + 1
            else:
                hi = mid
        path.append((pgno, lo))
        if lo < n:
            rightmost = False
            pgno = _u32(page, _cell_off(page, ptr, lo))[0]
        else:
            pgno = right
        if pgno > pager.page_count or pgno < 2:
            raise CorruptError()
    raise CorruptError()


TablePos = tuple[Path, int, int, bool, bool]  # what _table_path returns


# Ascending appends: per (pager, root) where the last append landed, while no page
# changed since -- (pager, its gen after that append, path, rightmost leaf, its cell
# count, the largest rowid). A rowid above it belongs at the end of that leaf, so
# table_locate answers without a descent. Any write moves gen and so retires it.
_APPEND: dict[tuple[int, int], tuple[Pager, int, Path, int, int, int]] = {}
_APPEND_MAX = 8


def table_locate(pager: Pager, root: int, rowid: int) -> TablePos:
    """-> where `rowid` is or belongs (as _table_path: path, leaf, index, exact,
    rightmost); for table_insert(at=...) while no page changes in between."""
    h = _APPEND.get((id(pager), root))
    if h is not None and h[0] is pager and rowid > h[5] and h[1] == pager.gen:
        return h[2], h[3], h[4], False, True
    return _guard_path(pager, root, rowid)


# Interior table pages met by table_find, decoded once: (pager, pgno) -> (the page
# image object, a copy of its bytes, cell rowids, cell children). An entry counts
# only while the image is the same object holding the same bytes (a memcmp), so a
# write loop, which changes leaves, keeps its interior pages decoded.
_INTERIOR: dict[tuple[int, int], tuple[Page, bytes, list[int], list[int]]] = {}
_INTERIOR_MAX = 64


def table_find(pager: Pager, root: int, rowid: int) -> tuple[TablePos, bytes | None]:
    """-> (where rowid is or belongs, as table_locate; its payload when it exists).
    For a lookup by rowid whose update or delete follows (at=...)."""
    try:
        return _table_find(pager, root, rowid)
    except _MALFORMED as exc:
        raise CorruptError() from exc


def _table_find(pager: Pager, root: int, rowid: int) -> tuple[TablePos, bytes | None]:
    path: Path = []
    pgno = root
    rightmost = True
    pid = id(pager)
    for _ in range(MAX_DEPTH):
        page, typ, n, ptr, right = _page_header(pager, pgno)
        if typ == LEAF_TABLE:
            lo, off = _leaf_search(page, ptr, n, rowid)
            if off >= 0:
                size = page[off]
                p = off + 1
                if size >= 0x80:
                    size, p = get_varint(page, off)
                end = p + 8
                while page[p] & 0x80 and p < end:  # the rowid varint (9 bytes at most)
                    p += 1
                p += 1
                usable = pager.usable_size
                if size <= usable - 35 and p + size <= usable:
                    payload = page[p:p + size]  # all on the page
                    if type(payload) is not bytes:
                        payload = bytes(payload)
                else:
                    payload = _payload_at(pager, page, p, size, True)
                return (path, pgno, lo, True, rightmost), payload
            return (path, pgno, lo, False, rightmost), None
        if typ != INTERIOR_TABLE:
            raise CorruptError()
        ent = _INTERIOR.get((pid, pgno))
        if ent is None or ent[0] is not page or ent[1] != page:
            offs = struct.unpack_from(f">{n}H", page, ptr)
            ent = (page, bytes(page), [_interior_rowid(page, o) for o in offs],
                   [_u32(page, o)[0] for o in offs])
            if len(_INTERIOR) >= _INTERIOR_MAX:
                _INTERIOR.clear()
            _INTERIOR[(pid, pgno)] = ent
        lo = bisect_left(ent[2], rowid)
        path.append((pgno, lo))
        if lo < n:
            rightmost = False
            pgno = ent[3][lo]
        else:
            pgno = right
        if pgno > pager.page_count or pgno < 2:
            raise CorruptError()
    raise CorruptError()


def _guard_path(pager: Pager, root: int, rowid: int) -> TablePos:
    try:
        return _table_path(pager, root, rowid)
    except _MALFORMED as exc:
        raise CorruptError() from exc


def table_insert(pager: Pager, root: int, rowid: int, payload: bytes,
                 at: TablePos | None = None) -> None:
    """Insert (or replace) the entry with `rowid`. `at`: where _table_path would land,
    from a cursor already resting on that rowid with no page changed since."""
    try:
        pager.spill_if_needed()
        path, pgno, idx, exact, rightmost = at or _table_path(pager, root, rowid)
        if exact and _overwrite_payload(pager, pgno, idx, payload):
            return
        n = len(payload)
        prefix = (bytes((n,)) if n < 0x80 else put_varint(n)) + (
            bytes((rowid,)) if 0 <= rowid < 0x80 else bytes((0x80 | (rowid >> 7), rowid & 0x7F))
            if 0 <= rowid < 0x4000 else put_varint(rowid))
        cell = prefix + payload if n <= pager.usable_size - 35 else (
            _make_cell(pager, prefix, payload, True))
        if exact:
            if _edit_in_place(pager, path, pgno, idx, cell):
                return
        else:
            count = _insert_in_gap(pager, pgno, idx, cell)
            if count:
                if rightmost and idx + 1 == count:  # appended at the end of the last leaf
                    if len(_APPEND) >= _APPEND_MAX:
                        _APPEND.clear()
                    _APPEND[(id(pager), root)] = (pager, pager.gen, path, pgno, count, rowid)
                return
        _table_insert_balance(pager, path, pgno, idx, exact, rightmost, cell)
    except _MALFORMED as exc:
        raise CorruptError() from exc


def _overwrite_payload(pager: Pager, pgno: int, idx: int, payload: bytes) -> bool:
    """Replace the payload of cell idx of the table leaf pgno by one of the same size
    held all on the page (so was the old one: no overflow chain to free, no pointer-map
    entry to move; B3 holds, nothing moves). False when that is not the case."""
    page = pager.get_page(pgno)
    hoff = 100 if pgno == 1 else 0
    n = len(payload)
    if page[hoff] != LEAF_TABLE or n > pager.usable_size - 35 or idx >= (
            (page[hoff + 3] << 8) | page[hoff + 4]):
        return False
    q = hoff + 8 + 2 * idx
    p = (page[q] << 8) | page[q + 1]
    b = page[p]
    if b < 0x80:
        size = b
        p += 1
    else:
        size, p = get_varint(page, p)
    if size != n:
        return False
    end = p + 8
    while page[p] & 0x80 and p < end:  # the rowid varint (its 9th byte is its last)
        p += 1
    p += 1
    if p + n > pager.usable_size:
        raise CorruptError()
    pager.write_page(pgno)[p:p + n] = payload
    return True


def _table_insert_balance(pager: Pager, path: Path, pgno: int, idx: int, exact: bool,
                          rightmost: bool, cell: bytes) -> None:
    """table_insert when the cell does not fit in place: the leaf's cells re-laid out."""
    typ, cells, right = _read_cells(pager, pgno)
    if exact:
        _free_cell_overflow(pager, cells[idx], typ)
        cells[idx] = cell
    else:
        cells.insert(idx, cell)
    n = len(cells) - (0 if exact else 1)
    quick = (not exact) and rightmost and idx == n and n > 0
    if quick:
        _probe("append_quick")
    _store(pager, path, pgno, typ, cells, right, quick)


def table_delete(pager: Pager, root: int, rowid: int, at: TablePos | None = None) -> bool:
    """Delete the entry with `rowid`; False if there was none (`at` as for table_insert)."""
    try:
        pager.spill_if_needed()
        path, pgno, idx, exact, _ = at or _table_path(pager, root, rowid)
        if not exact:
            return False
        if _edit_in_place(pager, path, pgno, idx, None):
            return True
        typ, cells, right = _read_cells(pager, pgno)
        _free_cell_overflow(pager, cells[idx], typ)
        del cells[idx]
        _store(pager, path, pgno, typ, cells, right)
        return True
    except _MALFORMED as exc:
        raise CorruptError() from exc


def _decode_key(pager: Pager, page: Page, off: int, typ: int,
                ncols: int = 1 << 30) -> list[Value]:
    """The key record of the index cell at `off` (its first `ncols` columns)."""
    p = off + 4 if typ == INTERIOR_INDEX else off
    b = page[p]
    if b < 0x80:
        n = b
        p += 1
    else:
        n, p = get_varint(page, p)
    return _record.decode_columns(_payload_at(pager, page, p, n, False), ncols, pager.codec)


_INT_TYPES = (1, 2, 3, 4, 5, 6, 8, 9)


def key_comparer(pager: Pager, key: Sequence[Value],
                 ki: KeyInfo) -> Callable[[Page, int, int], int]:
    """-> cmp(page, cell offset, page type): record.compare(cell's key, key, ki) for the
    index cell at that offset, computed when it can from the first column's raw bytes
    (a UTF-8 text under BINARY, or an integer) without decoding the record; otherwise,
    and when the first columns tie with more to compare, by decoding (_decode_key)."""
    cmp = _record.compare
    nk = len(key)

    def slow(page: Page, off: int, typ: int) -> int:
        return cmp(_decode_key(pager, page, off, typ, nk), key, ki)
    if not nk:
        return slow
    k0 = key[0]
    tk = type(k0)
    coll0 = ki.collations[0] if ki.collations else None
    neg = bool(ki.desc and ki.desc[0])
    if tk is str and coll0 is None and pager.codec == "utf-8":
        kb = k0.encode("utf-8", _record.TEXT_ERRORS)  # stored bytes, invalid UTF-8 too
        text = True
    elif tk is int:
        kb = b""
        text = False
    else:
        return slow
    x = _max_local(pager.usable_size, False)
    u8 = _record._u8
    u16 = _record._u16
    u32 = _record._u32
    u64 = _record._u64
    ufl = _record._uf
    more = nk > 1

    def fast(page: Page, off: int, typ: int) -> int:
        p = off + 4 if typ == INTERIOR_INDEX else off
        n = page[p]
        hs = page[p + 1]
        t = page[p + 2]
        if n >= 0x80 or n > x or hs >= 0x80 or hs < 2 or t >= 0x80:
            return slow(page, off, typ)
        b = p + 1 + hs  # body of the record
        if text:
            if t >= 13 and t & 1:
                v = page[b:b + ((t - 13) >> 1)]
                c = -1 if v < kb else (1 if v > kb else 0)
            elif t >= 12:
                c = 1  # a blob sorts after any text
            elif t == 10 or t == 11:
                return slow(page, off, typ)
            else:
                c = -1  # NULL and numbers sort before text
        elif t in _INT_TYPES:
            if t == 1:
                iv = u8(page, b)[0]
            elif t == 2:
                iv = u16(page, b)[0]
            elif t == 4:
                iv = u32(page, b)[0]
            elif t == 6:
                iv = u64(page, b)[0]
            elif t >= 8:
                iv = t - 8
            else:
                iv = int.from_bytes(page[b:b + (3 if t == 3 else 6)], "big", signed=True)
            c = -1 if iv < k0 else (1 if iv > k0 else 0)
        elif t == 7:
            fv = ufl(page, b)[0]
            if fv != fv:
                c = -1  # NaN reads as NULL
            else:
                c = -1 if fv < k0 else (1 if fv > k0 else 0)
        elif t == 0:
            c = -1
        elif t >= 12:
            c = 1
        else:
            return slow(page, off, typ)
        if c == 0:
            return slow(page, off, typ) if more else 0
        return -c if neg else c
    return fast


def _index_path(pager: Pager, root: int, key: Sequence[Value], ki: KeyInfo, strict: bool,
                left_bias: bool = False) -> tuple[Path, int, int, bool]:
    """Descend to where `key` belongs: -> (path, pgno, idx, found). Stops at an interior
    cell that compares equal unless left_bias (then keeps going to the leaf copy)."""
    cmp = _record.compare
    path: Path = []
    pgno = root
    kc = key_comparer(pager, key, ki)
    for _ in range(MAX_DEPTH):
        page, typ, n, ptr, right = _page_header(pager, pgno)
        if typ not in (LEAF_INDEX, INTERIOR_INDEX):
            raise CorruptError()
        lo, hi = 0, n
        found = False
        while lo < hi:
            mid = (lo + hi) >> 1
            q = ptr + 2 * mid
            c = kc(page, (page[q] << 8) | page[q + 1], typ)
            if c < 0 or (c == 0 and strict):
                lo = mid + 1
            else:
                hi = mid
        if lo < n and not strict:
            found = cmp(_decode_key(pager, page, _cell_off(page, ptr, lo), typ), key, ki) == 0
        if typ == LEAF_INDEX:
            return path, pgno, lo, found
        if found and not left_bias:
            return path, pgno, lo, True
        path.append((pgno, lo))
        pgno = _u32(page, _cell_off(page, ptr, lo))[0] if lo < n else right
        if pgno > pager.page_count or pgno < 2:
            raise CorruptError()
    raise CorruptError()


def _index_insert_cell(pager: Pager, root: int, key: Sequence[Value], cell: bytes,
                       ki: KeyInfo) -> None:
    """Insert a leaf-format cell whose key is `key` (replacing an equal key)."""
    path, pgno, idx, found = _index_path(pager, root, key, ki, False)
    if not found and _insert_in_gap(pager, pgno, idx, cell):
        return
    typ, cells, right = _read_cells(pager, pgno)
    if found:
        old = cells[idx]
        _free_cell_overflow(pager, old, typ)
        cells[idx] = old[:4] + cell if typ == INTERIOR_INDEX else cell
        _store(pager, path, pgno, typ, cells, right)
        return
    n = len(cells)
    cells.insert(idx, cell)
    quick = idx == n and n > 2 and _rightmost(pager, path)
    _store(pager, path, pgno, typ, cells, right, quick)


def _rightmost(pager: Pager, path: Path) -> bool:
    for pg, ci in path:
        if ci < _page_header(pager, pg)[2]:
            return False
    return True


@_guard
def index_insert(pager: Pager, root: int, values: Sequence[Value], ki: KeyInfo,
                 schema_format: int = 4) -> None:
    """Encode `values` and insert them into the index (an equal key is replaced)."""
    pager.spill_if_needed()
    payload = _record.encode(values, schema_format, pager.codec)
    cell = _make_cell(pager, put_varint(len(payload)), payload, False)
    _index_insert_cell(pager, root, values, cell, ki)


@_guard
def index_build(pager: Pager, root: int, entries: Sequence[Sequence[Value]],
                schema_format: int = 4) -> None:
    """Fill the empty index B-tree `root` with `entries`, already in key order and
    distinct (record.sort_keys), bottom-up: the leaf cells are laid out evenly on as
    few pages as hold them (_partition, as a balance would), the entry between two
    leaves goes up as their divider, and so on level by level until one page, the
    root, holds what is left. CREATE INDEX and REINDEX on a filled table. An entry
    given as bytes is its record, already encoded (storage.text_index)."""
    pager.spill_if_needed()
    typ, n, right = _page_header(pager, root)[1:3] + (0,)
    if typ != LEAF_INDEX or n:
        raise CorruptError("index_build needs an empty index")
    codec = pager.codec
    fast = codec == "utf-8" and schema_format >= 4
    usable = pager.usable_size
    x = _max_local(usable, False)
    pool: list[bytes] = []
    app = pool.append
    for e in entries:
        payload = e if type(e) is bytes else encode_row(e) if fast else _record.encode(
            e, schema_format, codec)
        ln = len(payload)
        if ln <= x:
            app((bytes((ln,)) if ln < 0x80 else put_varint(ln)) + payload)
        else:
            app(_make_cell(pager, put_varint(ln), payload, False))
    typ = LEAF_INDEX
    while True:
        if _fits(pager, root, typ, pool):
            _build_page(pager, root, typ, pool, right)
            return
        cap = usable - (8 if typ == LEAF_INDEX else 12)
        sizes = [2 + (len(c) if len(c) >= 4 else 4) for c in pool]
        groups = _partition(sizes, cap, True, False)
        up: list[bytes] = []
        last = len(groups) - 1
        for j, (a, b) in enumerate(groups):
            pgno = allocate_page(pager)
            page_right = right
            if j < last:
                d = pool[b]
                if typ == LEAF_INDEX:
                    page_right = 0
                    up.append(_p32(pgno) + d)
                else:
                    page_right = _u32(d, 0)[0]
                    up.append(_p32(pgno) + d[4:])
            elif typ == LEAF_INDEX:
                page_right = 0
            _build_page(pager, pgno, typ, pool[a:b], page_right)
            if j == last:
                right = pgno
        pool = up
        typ = INTERIOR_INDEX


@_guard
def index_delete(pager: Pager, root: int, values: Sequence[Value], ki: KeyInfo) -> bool:
    """Delete the entry equal to `values`; False if there was none."""
    pager.spill_if_needed()
    path, pgno, idx, found = _index_path(pager, root, values, ki, False)
    if not found:
        return False
    page, typ, n, ptr, right = _page_header(pager, pgno)
    if typ == LEAF_INDEX:
        if _edit_in_place(pager, path, pgno, idx, None):
            return True
        _, cells, _ = _read_cells(pager, pgno)
        _free_cell_overflow(pager, cells[idx], typ)
        del cells[idx]
        _store(pager, path, pgno, LEAF_INDEX, cells, 0)
        return True
    # Interior entry: replace it with its predecessor, the last entry of child(idx).
    # The leaf copy goes first (without rebalancing, so the interior cell stays where
    # it is), then the interior cell is replaced and stored; last the leaf, found again
    # just left of the predecessor, is balanced if it ran low.
    _probe("index_delete_interior")
    typ, cells, right = _read_cells(pager, pgno)
    sub = _u32(cells[idx], 0)[0]
    for _ in range(MAX_DEPTH):
        spage, styp, sn, sptr, sright = _page_header(pager, sub)
        if styp == LEAF_INDEX:
            break
        if styp != INTERIOR_INDEX:
            raise CorruptError()
        sub = sright
    else:
        raise CorruptError()
    if sn == 0:
        raise CorruptError()
    _, lcells, _ = _read_cells(pager, sub)
    pred = lcells.pop()
    pred_key = _decode_key(pager, spage, _cell_off(spage, sptr, sn - 1), LEAF_INDEX)
    _build_page(pager, sub, LEAF_INDEX, lcells, 0)
    _free_cell_overflow(pager, cells[idx], typ)
    cells[idx] = cells[idx][:4] + pred
    _store(pager, path, pgno, typ, cells, right)
    lpath, lpg, _, lfound = _index_path(pager, root, pred_key, ki, False, left_bias=True)
    ltyp, lcells, _ = _read_cells(pager, lpg)
    if lfound or ltyp != LEAF_INDEX:
        raise CorruptError()
    if lpath and _underfull(pager, LEAF_INDEX, lcells):
        _store(pager, lpath, lpg, LEAF_INDEX, lcells, 0)
    return True


# == 7. auto_vacuum =========================================================
#
# A1: in an auto_vacuum file every root page is numbered <= the largest root page
#     (header offset 52) and the pages 3..largest root are all roots (pointer-map
#     and lock-byte pages aside): create_table takes largest+1, drop_tree moves the
#     largest root into the hole.
# A2: FULL (header 64 = 0) leaves no free page behind a commit: before the journal
#     is written, pages at the end are moved into free pages and the file truncated
#     (SQLite's autoVacuumCommit). INCREMENTAL (64 = 1) does it only when asked,
#     incremental_vacuum(pager, n).

def _relocate(pager: Pager, src: int, typ: int, parent: int, dest: int) -> None:
    """Move page src to the (allocated) page dest and fix every pointer to it:
    the parent's child/overflow pointer and the pointer-map entries of its children."""
    data = bytes(pager.get_page(src))
    w = pager.write_page(dest)
    w[:] = data
    if typ in (PTRMAP_BTREE, PTRMAP_ROOTPAGE):
        ctyp, cells, right = _read_cells(pager, dest)
        _set_child_ptrmaps(pager, dest, ctyp, cells, right)
    else:
        nxt = _u32(data, 0)[0]
        if nxt:
            ptrmap_put(pager, nxt, PTRMAP_OVERFLOW2, dest)
    if typ == PTRMAP_ROOTPAGE:
        ptrmap_put(pager, dest, PTRMAP_ROOTPAGE, 0)
        return
    _repoint(pager, parent, typ, src, dest)
    ptrmap_put(pager, dest, typ, parent)


def _repoint(pager: Pager, parent: int, typ: int, old: int, new: int) -> None:
    """Change the pointer on page `parent` that leads to `old` so that it leads to `new`."""
    if parent < 1 or parent > pager.page_count:
        raise CorruptError()
    if typ == PTRMAP_OVERFLOW2:
        if _u32(pager.get_page(parent), 0)[0] != old:
            raise CorruptError()
        pager.write_page(parent)[0:4] = _p32(new)
        return
    page, ptyp, n, ptr, right = _page_header(pager, parent)
    usable = pager.usable_size
    at = -1
    if typ == PTRMAP_BTREE:
        if ptyp >= 10:
            raise CorruptError()
        for i in range(n):
            off = _cell_off(page, ptr, i)
            if _u32(page, off)[0] == old:
                at = off
                break
        else:
            if right == old:
                at = (100 if parent == 1 else 0) + 8
    else:
        for i in range(n):
            off = _cell_off(page, ptr, i)
            size = _cell_size(page, off, ptyp, usable)
            first, _ = _cell_overflow(pager, bytes(page[off:off + size]), ptyp)
            if first == old:
                at = off + size - 4
                break
    if at < 0:
        raise CorruptError()
    pager.write_page(parent)[at:at + 4] = _p32(new)


def _final_db_size(pager: Pager, norig: int, nfree: int) -> int:
    """The page count once `nfree` free pages are gone from a file of `norig` pages."""
    nentry = pager.usable_size // 5
    nptrmap = (nfree - norig + ptrmap_pageno(pager, norig) + nentry) // nentry
    nfin = norig - nfree - nptrmap
    pending = pending_byte_page(pager)
    if norig > pending and nfin < pending:
        nfin -= 1
    while nfin > 1 and (is_ptrmap_page(pager, nfin) or nfin == pending):
        nfin -= 1
    return nfin


def _vacuum_step(pager: Pager, nfin: int, last: int, commit: bool) -> bool:
    """Empty page `last` (the end of the file): a free page leaves the freelist, any
    other page moves into a free page <= nfin. False when the freelist is empty."""
    if not is_ptrmap_page(pager, last) and last != pending_byte_page(pager):
        if _u32(pager.get_page(1), 36)[0] == 0:
            return False
        typ, parent = ptrmap_get(pager, last)
        if typ == PTRMAP_ROOTPAGE or typ not in (2, 3, 4, 5):
            raise CorruptError()
        if typ == PTRMAP_FREEPAGE:
            if not commit and not allocate_exact(pager, last):
                raise CorruptError()
        else:
            if commit:
                while True:
                    if _u32(pager.get_page(1), 36)[0] == 0:
                        raise CorruptError()
                    before = pager.page_count
                    dest = allocate_page(pager)
                    if dest > before:  # appended: the header's free count lies
                        raise CorruptError()
                    if dest <= nfin:
                        break
            else:
                dest = allocate_at_most(pager, nfin)
            _relocate(pager, last, typ, parent, dest)
    if not commit:
        last -= 1
        while last > 1 and (last == pending_byte_page(pager) or is_ptrmap_page(pager, last)):
            last -= 1
        pager.truncate_pages(last)
    return True


@_guard
def incremental_vacuum(pager: Pager, n: int = 0) -> int:
    """incremental_vacuum(pager, n) -> free pages removed (at most n; all when n <= 0).

    PRAGMA incremental_vacuum(N) of an auto_vacuum file; 0 when the file is not one.
    Call inside a write transaction."""
    if not is_autovacuum(pager):
        return 0
    done = 0
    while n <= 0 or done < n:
        norig = pager.page_count
        nfree = _u32(pager.get_page(1), 36)[0]
        if nfree == 0:
            break
        nfin = _final_db_size(pager, norig, nfree)
        if norig < nfin or nfree >= norig:
            raise CorruptError()
        _probe("incremental_vacuum_step")
        pager.spill_if_needed()
        if not _vacuum_step(pager, nfin, norig, False):
            break
        done += 1
    return done


@_guard
def autovacuum_commit(pager: Pager) -> None:
    """A2: run by Pager.commit() before anything is written: a FULL auto_vacuum file
    moves its last pages into free ones and drops the freelist and the tail."""
    if not is_autovacuum(pager) or _u32(pager.get_page(1), 64)[0]:
        return
    nfree = _u32(pager.get_page(1), 36)[0]
    if nfree == 0:
        return
    norig = pager.page_count
    if is_ptrmap_page(pager, norig) or norig == pending_byte_page(pager):
        raise CorruptError()
    nfin = _final_db_size(pager, norig, nfree)
    if nfin > norig:
        raise CorruptError()
    _probe("autovacuum_commit")
    for last in range(norig, nfin, -1):
        if not _vacuum_step(pager, nfin, last, True):
            break
    p1 = pager.write_page(1)
    _U32.pack_into(p1, 32, 0)
    _U32.pack_into(p1, 36, 0)
    pager.truncate_pages(nfin)


@_guard
def set_auto_vacuum(pager: Pager, mode: int) -> bool:
    """set_auto_vacuum(pager, mode 0 NONE / 1 FULL / 2 INCREMENTAL) -> True if it took effect.

    Switching between FULL and INCREMENTAL always works; turning pointer maps on or
    off only while the database has no tables (page 1 is all there is), as in
    SQLite (otherwise VACUUM is needed). Call inside a write transaction."""
    av = is_autovacuum(pager)
    if bool(mode) != av:
        if pager.page_count > 1 or _page_header(pager, 1)[2] > 0:
            return False
        _U32.pack_into(pager.write_page(1), 52, 1 if mode else 0)
    _U32.pack_into(pager.write_page(1), 64, 1 if mode == 2 else 0)
    return True


Pager.commit_hooks.append(autovacuum_commit)
