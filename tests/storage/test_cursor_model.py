"""Cursor moves against a sorted-list model: random seeks and steps in both directions,
with DESC columns and a NOCASE collation, interleaved with inserts and deletes."""

from __future__ import annotations

import bisect
import functools
import random
from pathlib import Path

import pytest

from pyrite.storage import IndexCursor, KeyInfo, TableCursor, btree
from pyrite.storage import record as rec
from pyrite.storage.record import compare

from .helpers import open_pager


def _nocase(a: str, b: str) -> int:
    x, y = a.lower(), b.lower()
    return (x > y) - (x < y)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_index_cursor_against_model(tmp_path: Path, seed: int) -> None:
    rnd = random.Random(seed)
    ki = KeyInfo((_nocase, None), (False, True))
    key = functools.cmp_to_key(lambda a, b: compare(a, b, ki))
    p = open_pager(tmp_path / "m.db")
    p.set_page_size(512)
    p.begin_write()
    root = btree.create_index(p)
    c = IndexCursor(p, root, ki)
    model: list[tuple[object, ...]] = []
    words = ["ab", "AB", "b", "Ba", "c", "x" * 120, "é", "Z"]
    for step in range(1500):
        op = rnd.random()
        if op < 0.45:
            v = (rnd.choice(words) + str(rnd.randint(0, 30)), rnd.randint(0, 50), step)
            c.insert(v)
            i = bisect.bisect_left(model, key(v), key=key)
            if i < len(model) and compare(model[i], v, ki) == 0:
                model[i] = v
            else:
                model.insert(i, v)
        elif op < 0.6 and model:
            v = rnd.choice(model)
            assert c.delete_values(v)
            model.remove(v)
        else:
            probe = (rnd.choice(words) + str(rnd.randint(0, 30)), rnd.randint(0, 50))[
                : rnd.randint(1, 2)]
            incl = rnd.random() < 0.5
            kp = functools.cmp_to_key(lambda a, b: compare(a, b, ki))
            if rnd.random() < 0.5:
                ok = c.seek_ge(probe, inclusive=incl)
                pos = (bisect.bisect_left if incl else bisect.bisect_right)(
                    model, kp(probe), key=kp)
                assert ok == (pos < len(model))
                steps = 1
            else:
                ok = c.seek_le(probe, inclusive=incl)
                pos = (bisect.bisect_right if incl else bisect.bisect_left)(
                    model, kp(probe), key=kp) - 1
                assert ok == (pos >= 0)
                steps = -1
            if ok:
                assert c.values() == model[pos]
                for _ in range(rnd.randint(0, 8)):
                    if rnd.random() < 0.5:
                        pos += steps
                        moved = c.next() if steps == 1 else c.prev()
                    else:
                        pos -= steps
                        moved = c.prev() if steps == 1 else c.next()
                    if not 0 <= pos < len(model):
                        assert not moved
                        break
                    assert moved and c.values() == model[pos]
    p.rollback()
    p.close()


def test_table_cursor_against_model(tmp_path: Path) -> None:
    rnd = random.Random(4)
    p = open_pager(tmp_path / "t.db")
    p.set_page_size(512)
    p.begin_write()
    root = btree.create_table(p)
    c = TableCursor(p, root)
    model: list[int] = []
    for _ in range(3000):
        op = rnd.random()
        k = rnd.randint(-500, 500)
        if op < 0.4:
            c.insert(k, rec.encode(["p" * rnd.randint(0, 700)]))
            if k not in model:
                bisect.insort(model, k)
        elif op < 0.55:
            if c.seek(k):
                c.delete()
                model.remove(k)
                nxt = c.next()
                pos = bisect.bisect_right(model, k)
                assert nxt == (pos < len(model))
                if nxt:
                    assert c.rowid == model[pos]
        else:
            ok = c.seek_le(k)
            pos = bisect.bisect_right(model, k) - 1
            assert ok == (pos >= 0)
            if ok:
                assert c.rowid == model[pos]
                while rnd.random() < 0.8:
                    pos -= 1
                    if not c.prev():
                        assert pos < 0
                        break
                    assert c.rowid == model[pos]
    assert c.max_rowid() == (model[-1] if model else 0)
    p.rollback()
    p.close()
