"""The freelist: allocating pages and giving them back.

File format §1.5. Header offset 32 holds the first trunk page, offset 36 the
number of free pages. A trunk page is: next trunk (4) | leaf count L (4) |
L leaf page numbers (4 each). pyrite fills a trunk with at most
usable/4 - 8 leaves, as SQLite does for compatibility with old readers.

Pointer map (§1.8, auto_vacuum files only: header offset 52 nonzero). Page 2
is the first pointer-map page; each covers the J = usable/5 pages after it, so
pointer-map pages are 2, 2+J+1, 2+2(J+1), ... (the lock-byte page is skipped).
Entry for page P on map page M is 5 bytes at 5*(P-M-1): type(1) parent(4).

    type 1 ROOTPAGE   parent 0        root page of a B-tree
    type 2 FREEPAGE   parent 0        on the freelist
    type 3 OVERFLOW1  parent = B-tree page whose cell points at this first overflow page
    type 4 OVERFLOW2  parent = previous page of the overflow chain
    type 5 BTREE      parent = parent B-tree page

Invariant F1 (auto_vacuum): every page but page 1, the pointer-map pages and
the lock-byte page has an entry that is right at every commit. This module
keeps FREEPAGE entries; btree.py keeps the others (its page builder points the
entries of every child and first overflow page at the page it builds).
Knows nothing of B-trees."""

from __future__ import annotations

import struct

from pyrite.errors import CorruptError
from pyrite.io import PENDING_BYTE

from .pager import Pager

_U32 = struct.Struct(">I")
_u32 = _U32.unpack_from
_p32 = _U32.pack_into


def pending_byte_page(pager: Pager) -> int:
    """The page holding the lock bytes: part of the file, never used."""
    return PENDING_BYTE // pager.page_size + 1


PTRMAP_ROOTPAGE = 1
PTRMAP_FREEPAGE = 2
PTRMAP_OVERFLOW1 = 3
PTRMAP_OVERFLOW2 = 4
PTRMAP_BTREE = 5


def is_autovacuum(pager: Pager) -> bool:
    """True when the file keeps pointer maps (header: largest root page nonzero)."""
    return pager.page_count > 0 and _u32(pager.get_page(1), 52)[0] != 0


def ptrmap_pageno(pager: Pager, pgno: int) -> int:
    """The pointer-map page holding the entry for pgno (0 for page 1)."""
    if pgno < 2:
        return 0
    per = pager.usable_size // 5 + 1
    ret = (pgno - 2) // per * per + 2
    if ret == pending_byte_page(pager):
        ret += 1
    return ret


def is_ptrmap_page(pager: Pager, pgno: int) -> bool:
    return ptrmap_pageno(pager, pgno) == pgno


def ptrmap_put(pager: Pager, pgno: int, typ: int, parent: int) -> None:
    """Set the pointer-map entry of pgno (written only when it changes)."""
    pm = ptrmap_pageno(pager, pgno)
    if pm == pgno or pm < 2 or pm > pager.page_count:
        raise CorruptError()
    off = 5 * (pgno - pm - 1)
    page = pager.get_page(pm)
    if page[off] == typ and _u32(page, off + 1)[0] == parent:
        return
    w = pager.write_page(pm)
    w[off] = typ
    _p32(w, off + 1, parent)


def ptrmap_get(pager: Pager, pgno: int) -> tuple[int, int]:
    """-> (type, parent) of pgno's pointer-map entry; CorruptError if out of range."""
    pm = ptrmap_pageno(pager, pgno)
    if pm == pgno or pm < 2 or pm > pager.page_count:
        raise CorruptError()
    off = 5 * (pgno - pm - 1)
    page = pager.get_page(pm)
    return page[off], _u32(page, off + 1)[0]


def allocate_page(pager: Pager) -> int:
    """allocate_page(pager) -> pgno of a zeroed page, from the freelist when it has one.

    In an auto_vacuum file an appended page that falls on a pointer-map page number
    makes that page a (zeroed) pointer-map page and the next one is returned."""
    page1 = pager.get_page(1)
    trunk = _u32(page1, 32)[0]
    count = _u32(page1, 36)[0]
    if trunk:
        if trunk > pager.page_count or trunk == 1:
            raise CorruptError()
        t = pager.get_page(trunk)
        nleaf = _u32(t, 4)[0]
        if nleaf > pager.usable_size // 4 - 2:
            raise CorruptError()
        p1 = pager.write_page(1)
        _p32(p1, 36, max(count, 1) - 1)
        if nleaf:
            leaf = _u32(t, 8 + 4 * (nleaf - 1))[0]
            if leaf < 2 or leaf > pager.page_count or leaf == trunk:
                raise CorruptError()
            _p32(pager.write_page(trunk), 4, nleaf - 1)
            pager.new_page(leaf)
            return int(leaf)
        _p32(p1, 32, _u32(t, 0)[0])
        pager.new_page(trunk)
        return int(trunk)
    av = _u32(page1, 52)[0] != 0
    pgno = pager.page_count + 1
    while pgno == pending_byte_page(pager) or av and is_ptrmap_page(pager, pgno):
        pager.new_page(pgno)
        pgno += 1
    pager.new_page(pgno)
    return pgno


def allocate_exact(pager: Pager, pgno: int) -> bool:
    """Take page pgno off the freelist (zeroed); False when it is not on it.

    A trunk that is taken hands its role to its first leaf (SQLite does the same)."""
    p1 = pager.get_page(1)
    prev = 0
    trunk = _u32(p1, 32)[0]
    seen: set[int] = set()
    while trunk:
        if trunk in seen or trunk > pager.page_count or trunk < 2:
            raise CorruptError()
        seen.add(trunk)
        t = pager.get_page(trunk)
        nleaf = _u32(t, 4)[0]
        if nleaf > pager.usable_size // 4 - 2:
            raise CorruptError()
        nxt = _u32(t, 0)[0]
        if trunk == pgno:
            if nleaf:
                heir = _u32(t, 8)[0]
                if heir < 2 or heir > pager.page_count:
                    raise CorruptError()
                h = pager.write_page(heir)
                _p32(h, 0, nxt)
                _p32(h, 4, nleaf - 1)
                h[8:8 + 4 * (nleaf - 1)] = t[12:8 + 4 * nleaf]
                nxt = heir
            if prev:
                _p32(pager.write_page(prev), 0, nxt)
            else:
                _p32(pager.write_page(1), 32, nxt)
            break
        for i in range(nleaf):
            if _u32(t, 8 + 4 * i)[0] == pgno:
                tw = pager.write_page(trunk)
                if i != nleaf - 1:
                    tw[8 + 4 * i:12 + 4 * i] = tw[4 + 4 * nleaf:8 + 4 * nleaf]
                _p32(tw, 4, nleaf - 1)
                break
        else:
            prev = trunk
            trunk = nxt
            continue
        break
    else:
        return False
    p1w = pager.write_page(1)
    _p32(p1w, 36, max(_u32(p1w, 36)[0], 1) - 1)
    pager.new_page(pgno)
    return True


def allocate_at_most(pager: Pager, limit: int) -> int:
    """A page from the freelist numbered <= limit (zeroed); CorruptError when there is none."""
    trunk = _u32(pager.get_page(1), 32)[0]
    if 2 <= trunk <= pager.page_count:
        # Usually a leaf of the first trunk will do: take it without walking the list.
        t = pager.get_page(trunk)
        nleaf = _u32(t, 4)[0]
        if nleaf <= pager.usable_size // 4 - 2:
            for i in range(nleaf - 1, -1, -1):
                leaf = _u32(t, 8 + 4 * i)[0]
                if 2 <= leaf <= limit and leaf != trunk:
                    tw = pager.write_page(trunk)
                    if i != nleaf - 1:
                        tw[8 + 4 * i:12 + 4 * i] = tw[4 + 4 * nleaf:8 + 4 * nleaf]
                    _p32(tw, 4, nleaf - 1)
                    p1 = pager.write_page(1)
                    _p32(p1, 36, max(_u32(p1, 36)[0], 1) - 1)
                    pager.new_page(leaf)
                    return int(leaf)
    for pgno in freelist_pages(pager):
        if 2 <= pgno <= limit:
            if not allocate_exact(pager, pgno):
                raise CorruptError()
            return pgno
    raise CorruptError()


def free_page(pager: Pager, pgno: int) -> None:
    """free_page(pager, pgno): put a page on the freelist (as a leaf of the first trunk)."""
    if pgno < 2 or pgno > pager.page_count:
        raise CorruptError()
    p1 = pager.write_page(1)
    trunk = _u32(p1, 32)[0]
    count = _u32(p1, 36)[0]
    _p32(p1, 36, count + 1)
    if _u32(p1, 52)[0]:
        ptrmap_put(pager, pgno, PTRMAP_FREEPAGE, 0)
    if trunk:
        if trunk > pager.page_count:
            raise CorruptError()
        t = pager.get_page(trunk)
        nleaf = _u32(t, 4)[0]
        if nleaf < pager.usable_size // 4 - 8:
            tw = pager.write_page(trunk)
            _p32(tw, 8 + 4 * nleaf, pgno)
            _p32(tw, 4, nleaf + 1)
            return
    page = pager.write_page(pgno)
    _p32(page, 0, trunk)
    _p32(page, 4, 0)
    _p32(p1, 32, pgno)


def freelist_pages(pager: Pager) -> list[int]:
    """Every page on the freelist (trunks and leaves), in chain order; CorruptError on a cycle."""
    out: list[int] = []
    seen: set[int] = set()
    trunk = _u32(pager.get_page(1), 32)[0]
    limit = pager.page_count
    while trunk:
        if trunk in seen or trunk > limit:
            raise CorruptError()
        seen.add(trunk)
        out.append(trunk)
        t = pager.get_page(trunk)
        n = _u32(t, 4)[0]
        if n > pager.usable_size // 4 - 2:
            raise CorruptError()
        for i in range(n):
            out.append(_u32(t, 8 + 4 * i)[0])
        trunk = _u32(t, 0)[0]
    return out
