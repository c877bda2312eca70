"""storage.text_index: index records of a one-column TEXT index made from the table
records' bytes equal record.encode of the (value, rowid) entries, sorted as
record.sort_keys sorts them; anything but TEXT/NULL, a short or broken record
hands back to the caller (None)."""

from __future__ import annotations

import random

import pytest

from pyrite.storage import record
from pyrite.storage.text_index import text_index_records


def _ids(kind: str, rng: random.Random) -> list[int]:
    if kind == "small":
        return list(range(1, 3000))
    if kind == "spread":
        return list(range(-200, 40000, 13))
    return sorted({rng.randrange(-2**63, 2**63) for _ in range(3000)} | {0, 1, -1, 2**63 - 1, -2**63})


@pytest.mark.parametrize("kind", ["small", "spread", "wide"])
def test_records_equal_encoded_sorted_entries(kind: str) -> None:
    rng = random.Random(kind)
    rows, entries = [], []
    for i in _ids(kind, rng):
        v = rng.choice([None, "a", "é", "x" * rng.randrange(0, 300), "", "zz\x00z", "B", "\U0001f600"])
        entries.append((v, i))
        rows.append((i, record.encode((None, i % 1000, v, 2.5))))
    made = text_index_records(rows, 2)
    assert made is not None
    want = [record.encode(e) for e in record.sort_keys(entries)]
    assert made[0] == want
    values = [v for v, _ in entries if v is not None]
    assert made[1] == (len(values) != len(set(values)))


def test_unique_values_report_no_duplicate() -> None:
    rows = [(i, record.encode((f"k{i}", i))) for i in range(1, 500)]
    rows += [(1000, record.encode((None, 1))), (1001, record.encode((None, 2)))]
    made = text_index_records(rows, 0)
    assert made is not None and made[1] is False
    assert made[0][:2] == [record.encode((None, 1000)), record.encode((None, 1001))]


@pytest.mark.parametrize("rec", [record.encode((None, 5)), record.encode((None, 2.5)),
                                 record.encode((None, b"x")), record.encode((None,)),
                                 record.encode((None, "abc"))[:-1], b""])
def test_other_values_or_broken_records_hand_back(rec: bytes) -> None:
    rows = [(1, record.encode((None, "a"))), (2, rec)]
    assert text_index_records(rows, 1) is None
