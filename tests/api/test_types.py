"""Adapters, converters, PARSE_DECLTYPES / PARSE_COLNAMES, default date adapters."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def converters(mod: Any) -> Iterator[None]:
    saved = dict(mod.converters)
    mod.register_converter("upper", lambda b: b.decode().upper())
    mod.register_converter("point", lambda b: tuple(map(float, b.split(b";"))))
    yield
    mod.converters.clear()
    mod.converters.update(saved)


def test_decltypes(mod: Any) -> None:
    con = mod.connect(":memory:", detect_types=mod.PARSE_DECLTYPES)
    con.execute("create table t(u upper, p point(10), d date, ts timestamp, n number)")
    con.execute("insert into t values (?, ?, ?, ?, ?)",
                ("abc", "1;2", datetime.date(2020, 1, 2),
                 datetime.datetime(2020, 1, 2, 3, 4, 5, 600), 5))
    assert con.execute("select * from t").fetchone() == (
        "ABC", (1.0, 2.0), datetime.date(2020, 1, 2),
        datetime.datetime(2020, 1, 2, 3, 4, 5, 600), 5)
    assert con.execute("select u || '' from t").fetchone() == ("abc",)
    con.execute("insert into t(u) values (NULL)")
    assert con.execute("select u from t where u is null").fetchone() == (None,)


def test_colnames(mod: Any) -> None:
    con = mod.connect(":memory:", detect_types=mod.PARSE_COLNAMES)
    cur = con.execute('select \'abc\' as "x [upper]", \'1;2\' as "y [POINT]", 1 as "z [none]"')
    assert cur.fetchone() == ("ABC", (1.0, 2.0), 1)
    assert [d[0] for d in cur.description] == ["x", "y", "z"]


def test_colnames_without_flag_keep_brackets(mod: Any) -> None:
    con = mod.connect(":memory:")
    cur = con.execute('select 1 as "x [upper]"')
    assert cur.description[0][0] == "x [upper]"


def test_converter_receives_bytes_of_numbers(both: Any) -> None:
    def run(m: Any) -> Any:
        m.register_converter("raw", lambda b: b)
        con = m.connect(":memory:", detect_types=m.PARSE_DECLTYPES)
        con.execute("create table t(x raw)")
        con.executemany("insert into t values (?)",
                        [(1,), (2.5,), (1e20,), ("t",), (b"\x00b",), (b"",), ("",), (None,)])
        return con.execute("select x from t").fetchall()

    both(run)


def test_adapters(both: Any) -> None:
    class Point:
        def __init__(self, x: int, y: int) -> None:
            self.x, self.y = x, y

    def run(m: Any) -> Any:
        m.register_adapter(Point, lambda p: f"{p.x};{p.y}")
        try:
            con = m.connect(":memory:")
            return con.execute("select ?", (Point(1, 2),)).fetchone()
        finally:
            del m.adapters[(Point, m.PrepareProtocol)]

    both(run)


def test_adapting_base_types(both: Any) -> None:
    def run(m: Any) -> Any:
        m.register_adapter(int, lambda i: i * 10)
        try:
            return m.connect(":memory:").execute("select ?, ?", (1, True)).fetchone()
        finally:
            del m.adapters[(int, m.PrepareProtocol)]

    both(run)


def test_default_datetime_roundtrip(both: Any) -> None:
    def run(m: Any) -> Any:
        con = m.connect(":memory:", detect_types=m.PARSE_DECLTYPES | m.PARSE_COLNAMES)
        con.execute("create table t(d date, ts timestamp)")
        con.execute("insert into t values (?, ?)",
                    (datetime.date(1999, 12, 31), datetime.datetime(2000, 1, 1, 0, 0, 1, 5)))
        con.execute("insert into t values ('2012-04-04', '2012-04-04 15:06:00.456')")
        return con.execute("select d, ts from t").fetchall(), \
            con.execute('select \'2004-02-14 07:15:00\' as "x [timestamp]"').fetchone()

    both(run)


def test_value_types_roundtrip(both: Any) -> None:
    def run(m: Any) -> Any:
        con = m.connect(":memory:")
        values = (None, 0, -1, 2 ** 63 - 1, -(2 ** 63), 1.5, float("inf"), "", "\u20ac",
                  b"", b"\x00\xff", float("nan"))
        return con.execute("select " + ", ".join("?" * len(values)), values).fetchone()

    both(run)
