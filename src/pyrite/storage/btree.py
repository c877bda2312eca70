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

Balance here is simpler than SQLite's balance_nonroot but keeps every page
valid: an overfull page is split into as many siblings as needed (dividers go
up; a full root moves down into a new child); an ascending append on the
rightmost leaf starts a new right sibling (SQLite's balance_quick); an emptied
page is removed from its parent, and a root left with no cells takes in its only
child. Underfull pages are legal (integrity_check does not require fill).

Invariants:
  B1: cursor stacks are at most MAX_DEPTH deep; a deeper tree is corrupt.
  B2: an overflow chain is followed only as far as its payload needs, never through
      the same page twice.
  B3: every page rewritten is rebuilt whole (no freeblocks, no fragments).
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pyrite.errors import CorruptError

from . import record as _record
from .freelist import allocate_page, free_page
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
    """-> (type, raw cells in order, right child) of one page."""
    page, typ, n, ptr, right = _page_header(pager, pgno)
    usable = pager.usable_size
    cells: list[bytes] = []
    for i in range(n):
        off = (page[ptr + 2 * i] << 8) | page[ptr + 2 * i + 1]
        if off < ptr + 2 * n or off >= usable:
            raise CorruptError()
        cells.append(bytes(page[off:off + _cell_size(page, off, typ, usable)]))
    return typ, cells, right


def _cell_off(page: Page, ptr: int, i: int) -> int:
    return (page[ptr + 2 * i] << 8) | page[ptr + 2 * i + 1]


def _leaf_rowid(page: Page, off: int) -> int:
    """The rowid of the table-leaf cell at off (skips the payload-size varint)."""
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
    return get_varint(page, off)[0]


def _interior_rowid(page: Page, off: int) -> int:
    b = page[off + 4]
    if b < 0x80:
        return b
    c = page[off + 5]
    if c < 0x80:
        return ((b & 0x7F) << 7) | c
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
    content = usable
    ptrs = bytearray(2 * n)
    padded: list[bytes] = []
    for i, c in enumerate(cells):
        if len(c) < 4:
            c = c + bytes(4 - len(c))
        content -= len(c)
        ptrs[2 * i] = content >> 8
        ptrs[2 * i + 1] = content & 0xFF
        padded.append(c)
    assert content >= ptr + 2 * n, "page overfull"
    page[hoff] = typ
    page[hoff + 1:hoff + 8] = bytes((0, 0, n >> 8, n & 0xFF, (content >> 8) & 0xFF,
                                     content & 0xFF, 0))
    if not leaf:
        page[hoff + 8:hoff + 12] = _p32(right)
    page[ptr:ptr + 2 * n] = ptrs
    padded.reverse()
    page[content:usable] = b"".join(padded)


def _insert_in_gap(pager: Pager, pgno: int, idx: int, cell: bytes) -> bool:
    """Insert a cell as cell `idx` using only the unallocated gap; False if it does not fit."""
    page, typ, n, ptr, _ = _page_header(pager, pgno)
    sz = len(cell) if len(cell) >= 4 else 4
    hoff = 100 if pgno == 1 else 0
    content = ((page[hoff + 5] << 8) | page[hoff + 6]) or 65536
    if content - (ptr + 2 * n) < sz + 2 or content > pager.usable_size:
        return False
    w = pager.write_page(pgno)
    new = content - sz
    w[new:new + len(cell)] = cell
    a = ptr + 2 * idx
    w[a + 2:ptr + 2 * n + 2] = w[a:ptr + 2 * n]
    w[a] = new >> 8
    w[a + 1] = new & 0xFF
    w[hoff + 3] = (n + 1) >> 8
    w[hoff + 4] = (n + 1) & 0xFF
    w[hoff + 5] = new >> 8
    w[hoff + 6] = new & 0xFF
    return True


def _fits(pager: Pager, pgno: int, typ: int, cells: Sequence[bytes]) -> bool:
    need = (100 if pgno == 1 else 0) + (8 if typ >= 10 else 12)
    for c in cells:
        need += 2 + (len(c) if len(c) >= 4 else 4)
    return need <= pager.usable_size


Path = list[tuple[int, int]]  # (interior pgno, child index taken) from the root down


def _store(pager: Pager, path: Path, pgno: int, typ: int, cells: list[bytes], right: int,
           quick: bool = False) -> None:
    """Write `cells` to page pgno, splitting upward as needed."""
    if _fits(pager, pgno, typ, cells):
        _build_page(pager, pgno, typ, cells, right)
        return
    if not path:
        _probe("root_split")
        child = allocate_page(pager)
        _build_page(pager, pgno, INTERIOR_TABLE if typ in (5, 13) else INTERIOR_INDEX, [], child)
        path = [(pgno, 0)]
        pgno = child
    _split(pager, path, pgno, typ, cells, right, quick)


def _partition(sizes: list[int], cap: int, div: bool, quick: bool) -> list[tuple[int, int]]:
    """Split cells into consecutive groups that each fit `cap`; with `div`, the cell
    after each group but the last is a divider that goes up to the parent."""
    count = len(sizes)
    if quick:
        groups = [(0, count - 2), (count - 1, count)] if div else [(0, count - 1),
                                                                   (count - 1, count)]
        if groups[0][1] > groups[0][0] and sum(sizes[groups[0][0]:groups[0][1]]) <= cap:
            return groups
    total = sum(sizes)
    start_n = max(2, -(-total // cap))
    for n in range(start_n, count + 1):
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


def _split(pager: Pager, path: Path, pgno: int, typ: int, cells: list[bytes], right: int,
           quick: bool) -> None:
    leaf = typ >= 10
    table = typ in (5, 13)
    cap = pager.usable_size - (8 if leaf else 12)
    sizes = [2 + (len(c) if len(c) >= 4 else 4) for c in cells]
    div = not (leaf and table)
    groups = _partition(sizes, cap, div, quick)
    if len(groups) > 2:
        _probe("split_many")
    pages = [pgno] + [allocate_page(pager) for _ in groups[1:]]
    last = len(groups) - 1
    up: list[bytes] = []
    for j, (a, b) in enumerate(groups):
        page_right = 0
        if j < last:
            if table and leaf:
                c = cells[b - 1]
                _, p = get_varint(c, 0)
                key, _ = get_varint(c, p)
                up.append(_p32(pages[j]) + put_varint(key))
            else:
                d = cells[b]
                if leaf:
                    up.append(_p32(pages[j]) + d)
                else:
                    page_right = _u32(d, 0)[0]
                    up.append(_p32(pages[j]) + d[4:])
        elif not leaf:
            page_right = right
        _build_page(pager, pages[j], typ, cells[a:b], page_right)
    ppg, ci = path[-1]
    ptyp, pcells, pright = _read_cells(pager, ppg)
    if ci < len(pcells):
        pcells[ci] = _p32(pages[-1]) + pcells[ci][4:]
    else:
        pright = pages[-1]
    pcells[ci:ci] = up
    _store(pager, path[:-1], ppg, ptyp, pcells, pright)


def _remove_child(pager: Pager, path: Path) -> bytes | None:
    """Drop the (already freed) child path[-1] from its parent. Returns an index cell
    (leaf format) that lost its place and must be inserted again, or None."""
    ppg, ci = path[-1]
    ptyp, pcells, pright = _read_cells(pager, ppg)
    table = ptyp == INTERIOR_TABLE
    orphan: bytes | None = None
    if ci < len(pcells):
        removed = pcells.pop(ci)
        if not table:
            orphan = removed[4:]
    elif pcells:
        removed = pcells.pop()
        pright = _u32(removed, 0)[0]
        if not table:
            orphan = removed[4:]
    else:
        # The parent had only this child: it is empty too.
        if len(path) == 1:
            _build_page(pager, ppg, LEAF_TABLE if table else LEAF_INDEX, [], 0)
            return None
        free_page(pager, ppg)
        return _remove_child(pager, path[:-1])
    _parent_shrunk(pager, path[:-1], ppg, ptyp, pcells, pright)
    return orphan


def _parent_shrunk(pager: Pager, path: Path, pgno: int, typ: int, cells: list[bytes],
                   right: int) -> None:
    """Interior page pgno lost a cell: store it, or repair it when none are left."""
    if cells:
        _build_page(pager, pgno, typ, cells, right)
    elif path:
        _fix_lonely(pager, path, pgno, typ, right)
    else:
        _root_shallower(pager, pgno, typ, right)


def _underfull(pager: Pager, pgno: int, cells: list[bytes]) -> bool:
    used = sum(2 + len(c) for c in cells)
    return used < pager.usable_size // 3


def _merge_leaf(pager: Pager, path: Path, pgno: int, typ: int, cells: list[bytes]) -> bool:
    """Leaf pgno (not the root) is underfull: fold it and a sibling into one page when
    they fit (an index separator comes down between them). False if they do not."""
    ppg, ci = path[-1]
    ptyp, pcells, pright = _read_cells(pager, ppg)
    n = len(pcells)
    if n == 0:
        return False
    if ci < n:
        k = ci
        left, right = pgno, (_u32(pcells[ci + 1], 0)[0] if ci + 1 < n else pright)
        ltyp, rtyp = typ, _page_header(pager, right)[1]
        if rtyp != typ:
            raise CorruptError()
        lcells, rcells = cells, _read_cells(pager, right)[1]
    else:
        k = n - 1
        left, right = _u32(pcells[k], 0)[0], pgno
        ltyp, lcells, _ = _read_cells(pager, left)
        if ltyp != typ:
            raise CorruptError()
        rcells = cells
    merged = lcells + ([pcells[k][4:]] if typ == LEAF_INDEX else []) + rcells
    if not _fits(pager, right, typ, merged):
        return False
    _probe("merge_leaf")
    _build_page(pager, right, typ, merged, 0)
    free_page(pager, left)
    del pcells[k]
    _parent_shrunk(pager, path[:-1], ppg, ptyp, pcells, pright)
    return True


def _root_shallower(pager: Pager, root: int, typ: int, only_child: int) -> None:
    """The root lost its last cell: take in its only child when it fits (depth drops by one
    everywhere, so the tree stays balanced)."""
    _probe("root_shallower")
    ctyp, ccells, cright = _read_cells(pager, only_child)
    if _fits(pager, root, ctyp, ccells):
        _build_page(pager, root, ctyp, ccells, cright)
        free_page(pager, only_child)
    else:
        _build_page(pager, root, typ, [], only_child)


def _fix_lonely(pager: Pager, path: Path, pgno: int, typ: int, only_child: int) -> None:
    """Interior page pgno (not the root) has no cells left, only `only_child`. Merge it
    with a sibling through their separator, or rotate one cell through the parent, so
    that every leaf stays at the same depth."""
    _probe("fix_lonely")
    gp, gci = path[-1]
    gtyp, gcells, gright = _read_cells(pager, gp)
    ng = len(gcells)
    if ng == 0:
        free_page(pager, pgno)
        if len(path) > 1:
            _fix_lonely(pager, path[:-1], gp, gtyp, only_child)
        else:
            _root_shallower(pager, gp, gtyp, only_child)
        return
    if gci > 0:
        k = gci - 1
        sep = gcells[k]
        left = _u32(sep, 0)[0]
        ltyp, lcells, lright = _read_cells(pager, left)
        merged = lcells + [_p32(lright) + sep[4:]]
        if _fits(pager, pgno, typ, merged):
            _build_page(pager, pgno, typ, merged, only_child)
            free_page(pager, left)
            del gcells[k]
        else:
            last = lcells.pop()
            _build_page(pager, left, ltyp, lcells, _u32(last, 0)[0])
            _build_page(pager, pgno, typ, [_p32(lright) + sep[4:]], only_child)
            gcells[k] = _p32(left) + last[4:]
    else:
        sep = gcells[0]
        sib = _u32(gcells[1], 0)[0] if ng > 1 else gright
        styp, scells, sright = _read_cells(pager, sib)
        merged = [_p32(only_child) + sep[4:]] + scells
        if _fits(pager, sib, styp, merged):
            _build_page(pager, sib, styp, merged, sright)
            free_page(pager, pgno)
            del gcells[0]
        else:
            first = scells.pop(0)
            _build_page(pager, pgno, typ, [_p32(only_child) + sep[4:]], _u32(first, 0)[0])
            _build_page(pager, sib, styp, scells, sright)
            gcells[0] = _p32(pgno) + first[4:]
    if gcells:
        _store(pager, path[:-1], gp, gtyp, gcells, gright)
    elif len(path) > 1:
        _fix_lonely(pager, path[:-1], gp, gtyp, gright)
    else:
        _root_shallower(pager, gp, gtyp, gright)


# == 4. tree operations =====================================================

@_guard
def create_table(pager: Pager) -> int:
    """create_table(pager) -> root page of a new, empty table B-tree."""
    pgno = allocate_page(pager)
    _build_page(pager, pgno, LEAF_TABLE, [], 0)
    return pgno


@_guard
def create_index(pager: Pager) -> int:
    """create_index(pager) -> root page of a new, empty index B-tree."""
    pgno = allocate_page(pager)
    _build_page(pager, pgno, LEAF_INDEX, [], 0)
    return pgno


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
def drop_tree(pager: Pager, root: int) -> None:
    """drop_tree(pager, root): free every page of the tree, the root included."""
    _free_subtree(pager, root, 0, root != 1)


def _table_path(pager: Pager, root: int, rowid: int) -> tuple[Path, int, int, bool, bool]:
    """-> (path, leaf pgno, index of first cell >= rowid, exact, rightmost)."""
    path: Path = []
    pgno = root
    rightmost = True
    for _ in range(MAX_DEPTH):
        page, typ, n, ptr, right = _page_header(pager, pgno)
        lo, hi = 0, n
        if typ == LEAF_TABLE:
            if n and _leaf_rowid(page, _cell_off(page, ptr, n - 1)) < rowid:
                lo = n  # appending: past the last cell
            while lo < hi:
                mid = (lo + hi) >> 1
                if _leaf_rowid(page, _cell_off(page, ptr, mid)) < rowid:
                    lo = mid + 1
                else:
                    hi = mid
            exact = lo < n and _leaf_rowid(page, _cell_off(page, ptr, lo)) == rowid
            return path, pgno, lo, exact, rightmost
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


@_guard
def table_insert(pager: Pager, root: int, rowid: int, payload: bytes) -> None:
    """Insert (or replace) the entry with `rowid`."""
    path, pgno, idx, exact, rightmost = _table_path(pager, root, rowid)
    cell = _make_cell(pager, put_varint(len(payload)) + put_varint(rowid), payload, True)
    if not exact and _insert_in_gap(pager, pgno, idx, cell):
        return
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


@_guard
def table_delete(pager: Pager, root: int, rowid: int) -> bool:
    """Delete the entry with `rowid`; False if there was none."""
    path, pgno, idx, exact, _ = _table_path(pager, root, rowid)
    if not exact:
        return False
    typ, cells, right = _read_cells(pager, pgno)
    _free_cell_overflow(pager, cells[idx], typ)
    del cells[idx]
    if cells and path and _underfull(pager, pgno, cells) and _merge_leaf(
            pager, path, pgno, typ, cells):
        return True
    if cells or not path:
        _build_page(pager, pgno, typ, cells, right)
    else:
        free_page(pager, pgno)
        _remove_child(pager, path)
    return True


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


def _index_path(pager: Pager, root: int, key: Sequence[Value], ki: KeyInfo, strict: bool,
                left_bias: bool = False) -> tuple[Path, int, int, bool]:
    """Descend to where `key` belongs: -> (path, pgno, idx, found). Stops at an interior
    cell that compares equal unless left_bias (then keeps going to the leaf copy)."""
    cmp = _record.compare
    path: Path = []
    pgno = root
    nk = len(key)
    for _ in range(MAX_DEPTH):
        page, typ, n, ptr, right = _page_header(pager, pgno)
        if typ not in (LEAF_INDEX, INTERIOR_INDEX):
            raise CorruptError()
        lo, hi = 0, n
        found = False
        while lo < hi:
            mid = (lo + hi) >> 1
            c = cmp(_decode_key(pager, page, _cell_off(page, ptr, mid), typ, nk), key, ki)
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
    payload = _record.encode(values, schema_format, pager.codec)
    cell = _make_cell(pager, put_varint(len(payload)), payload, False)
    _index_insert_cell(pager, root, values, cell, ki)


@_guard
def index_delete(pager: Pager, root: int, values: Sequence[Value], ki: KeyInfo) -> bool:
    """Delete the entry equal to `values`; False if there was none."""
    path, pgno, idx, found = _index_path(pager, root, values, ki, False)
    if not found:
        return False
    page, typ, n, ptr, right = _page_header(pager, pgno)
    if typ == LEAF_INDEX:
        _, cells, _ = _read_cells(pager, pgno)
        _free_cell_overflow(pager, cells[idx], typ)
        del cells[idx]
        _index_leaf_shrunk(pager, root, path, pgno, cells, ki)
        return True
    # Interior entry: replace it with its predecessor, the last entry of child(idx).
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
    pred_off = _cell_off(spage, sptr, sn - 1)
    pred = bytes(spage[pred_off:pred_off + _cell_size(spage, pred_off, LEAF_INDEX,
                                                     pager.usable_size)])
    pred_key = _decode_key(pager, spage, pred_off, LEAF_INDEX)
    _free_cell_overflow(pager, cells[idx], typ)
    cells[idx] = cells[idx][:4] + pred
    _store(pager, path, pgno, typ, cells, right)
    # Now remove the leaf copy of the predecessor (its overflow chain moved up).
    lpath, lpg, lidx, lfound = _index_path(pager, root, pred_key, ki, False, left_bias=True)
    ltyp, lcells, _ = _read_cells(pager, lpg)
    if not lfound or ltyp != LEAF_INDEX:
        raise CorruptError()
    del lcells[lidx]
    _index_leaf_shrunk(pager, root, lpath, lpg, lcells, ki)
    return True


def _index_leaf_shrunk(pager: Pager, root: int, path: Path, pgno: int, cells: list[bytes],
                       ki: KeyInfo) -> None:
    if cells and path and _underfull(pager, pgno, cells) and _merge_leaf(
            pager, path, pgno, LEAF_INDEX, cells):
        return
    if cells or not path:
        _build_page(pager, pgno, LEAF_INDEX, cells, 0)
        return
    free_page(pager, pgno)
    orphan = _remove_child(pager, path)
    if orphan is not None:
        _probe("index_reinsert_separator")
        key = _record.decode(_index_cell_payload(pager, orphan, LEAF_INDEX), pager.codec)
        _index_insert_cell(pager, root, key, orphan, ki)
