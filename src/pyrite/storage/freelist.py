"""The freelist: allocating pages and giving them back.

File format §1.5. Header offset 32 holds the first trunk page, offset 36 the
number of free pages. A trunk page is: next trunk (4) | leaf count L (4) |
L leaf page numbers (4 each). pyrite fills a trunk with at most
usable/4 - 8 leaves, as SQLite does for compatibility with old readers.
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


def allocate_page(pager: Pager) -> int:
    """allocate_page(pager) -> pgno of a zeroed page, from the freelist when it has one."""
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
    pgno = pager.page_count + 1
    if pgno == pending_byte_page(pager):
        pager.new_page(pgno)
        pgno += 1
    pager.new_page(pgno)
    return pgno


def free_page(pager: Pager, pgno: int) -> None:
    """free_page(pager, pgno): put a page on the freelist (as a leaf of the first trunk)."""
    if pgno < 2 or pgno > pager.page_count:
        raise CorruptError()
    p1 = pager.write_page(1)
    trunk = _u32(p1, 32)[0]
    count = _u32(p1, 36)[0]
    _p32(p1, 36, count + 1)
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
