"""btree._leaf_search (the table-leaf search by rowid: last cell, first cell, then
guesses from the rowids on either side alternating with halving) against bisect over
the same rowids: dense, sparse, negative (9-byte varints) and 64-bit rowids."""

from __future__ import annotations

import bisect
import random

import pytest

from pyrite.storage import btree
from pyrite.storage.varint import put_varint


def _leaf(rowids: list[int], rng: random.Random) -> tuple[bytes, list[int]]:
    """A table-leaf image (header at 0, pointers from 8) holding these rowids."""
    page = bytearray(65536)
    pos = len(page)
    offs = []
    for r in rowids:
        payload = bytes(rng.randrange(1, 200))  # 1- and 2-byte payload-size varints
        cell = put_varint(len(payload)) + put_varint(r) + payload
        pos -= len(cell)
        page[pos:pos + len(cell)] = cell
        offs.append(pos)
    for i, o in enumerate(offs):
        page[8 + 2 * i:10 + 2 * i] = o.to_bytes(2, "big")
    return bytes(page), offs


@pytest.mark.parametrize("seed", range(6))
def test_leaf_search_matches_bisect(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(300):
        n = rng.randrange(0, 120)
        kind = rng.randrange(4)
        if kind == 0:
            rs = sorted({rng.randrange(-2**63, 2**63) for _ in range(n)})
        elif kind == 1:
            base = rng.randrange(-1000, 10**7)
            rs = list(range(base, base + n))
        elif kind == 2:
            rs = sorted(rng.sample(range(rng.choice([200, 5000, 3 * 10**6])), n))
        else:  # dense with a far outlier at one end: guesses go wrong, halving saves it
            rs = list(range(1, n)) + [2**62]
        page, offs = _leaf(rs, rng)
        probes = set(rs) | {r + 1 for r in rs} | {r - 1 for r in rs} | {
            rng.randrange(-2**63, 2**63) for _ in range(5)}
        for q in probes:
            i = bisect.bisect_left(rs, q)
            want = (i, offs[i] if i < len(rs) and rs[i] == q else -1)
            assert btree._leaf_search(page, 8, len(rs), q) == want
