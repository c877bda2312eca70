"""sqlite3.Row semantics, compared with sqlite3."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

import pyrite


def row(m: Any, sql: str = "select 1 as a_1, 2 as B, 'x' as \xff") -> Any:
    con = m.connect(":memory:")
    con.row_factory = m.Row
    return con.execute(sql).fetchone()


def test_index_and_names(both: Any) -> None:
    both(lambda m: (row(m)[0], row(m)[-1], row(m)["A_1"], row(m)["b"], row(m)["\xff"]))
    both(lambda m: row(m)[1:], )
    both(lambda m: row(m)[::-2])
    both(lambda m: row(m).keys())
    both(lambda m: (len(row(m)), list(row(m)), tuple(row(m)), list(reversed(row(m)))))
    both(lambda m: dict(row(m)))


def test_index_errors(both: Any) -> None:
    for key in (3, -4, "c", "\u0178", "a_\x11", 2 ** 1000, 0j, 1.5):
        both(lambda m, k=key: row(m)[k])


def test_equality_and_hash(both: Any) -> None:
    def run(m: Any) -> Any:
        r1, r2 = row(m, "select 1 as a, 2 as b"), row(m, "select 1 as a, 2 as b")
        r3, r4 = row(m, "select 1 as a, 3 as b"), row(m, "select 1 as b, 2 as a")
        return (r1 == r2, r1 != r2, r1 == r3, r1 == r4, r1 == (1, 2), hash(r1) == hash(r2))

    both(run)
    with pytest.raises(TypeError):
        row(pyrite) < row(pyrite)  # noqa: B015


def test_row_is_sequence_and_constructor(both: Any) -> None:
    def run(m: Any) -> Any:
        con = m.connect(":memory:")
        cur = con.execute("select 1 as x")
        r = m.Row(cur, (5,))
        return isinstance(r, Sequence), r["x"], r.keys()

    both(run)
    both(lambda m: m.Row(object(), ()))
    both(lambda m: m.Row(m.connect(":memory:").cursor(), [1]))


def test_row_factory_on_cursor(both: Any) -> None:
    def run(m: Any) -> Any:
        con = m.connect(":memory:")
        cur = con.cursor()
        cur.row_factory = m.Row
        r = cur.execute("select 1 as one").fetchone()
        plain = con.execute("select 1 as one").fetchone()
        return r["one"], plain

    both(run)
