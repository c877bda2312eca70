"""Date and time functions against CPython's sqlite3 (SQLite 3.40.1)."""

from __future__ import annotations

import itertools
import sqlite3
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyrite.functions import datetime as D

CON = sqlite3.connect(":memory:")
CON.text_factory = lambda b: b.decode("utf-8", "replace")

TIMES: list[Any] = [
    None, 0, -1, 2459000.5, 2459000.25, 5373484.4, 5373484.5, 1600000000, 1e10, -1e10, 0.5,
    "2020-01-01", "2020-02-31", "2020-1-1", " 2020-01-01", "2020-01-01 ", "2020-01-01T10:20",
    "2020-01-01 10:20:30", "2020-01-01 10:20:30.123456", "2020-01-01 10:20:30.9999",
    "2020-01-01 10:20:60", "2020-01-01 24:00", "2020-01-01 10:00+05:30", "2020-01-01 10:00Z",
    "2020-01-01 10:00 -14:00", "2020-01-01 10:00 +15:00", "12:30", "12:30:45.5", "24:00:00",
    "-0001-02-03 04:05:06", "0000-01-01", "9999-12-31 23:59:59.999", "-4713-11-24 12:00:00",
    "-4713-11-24 11:59:59", "2459000.5", "1600000000", "abc", "", "2020-01-01 garbage",
    "2000-02-29", "1900-02-29", "2020-13-01", "2020-12-32", b"2020-01-01", "1969-07-20 20:17:40",
]
MODIFIERS: list[Any] = [
    None, "+1 day", "-1 days", "+1.5 days", "+25 hours", "-90 minutes", "+30 seconds",
    "+1 month", "-13 months", "+1.5 months", "+1 year", "-2000 years", "+10000 years",
    "start of month", "start of year", "start of day", "start of week", "weekday 0",
    "weekday 3", "weekday 7", "weekday 1.5", "unixepoch", "julianday", "auto", "+01:30",
    "-01:30:15.5", "12:00", "+1 fortnight", "+1", "+1 dayss", "utc", "localtime",
    "  +1 day", "+1 DAY", "Start Of Month", "+5373485 days", "-4.6e14 seconds",
]
FUNCS = [("date", D.f_date), ("time", D.f_time), ("datetime", D.f_datetime),
         ("julianday", D.f_julianday), ("unixepoch", D.f_unixepoch)]


def _oracle(sql: str, args: tuple[Any, ...]) -> Any:
    return CON.execute(sql, args).fetchone()[0]


@pytest.mark.parametrize("name,fn", FUNCS, ids=[n for n, _ in FUNCS])
def test_time_values(name: str, fn: Any) -> None:
    failures = []
    for t in TIMES:
        want = _oracle(f"SELECT {name}(?)", (t,))
        got = fn(t)
        if want != got or type(want) is not type(got):
            failures.append(f"{name}({t!r}): sqlite={want!r} pyrite={got!r}")
    assert failures == [], "\n".join(failures[:20])


@pytest.mark.parametrize("name,fn", FUNCS, ids=[n for n, _ in FUNCS])
def test_modifiers(name: str, fn: Any) -> None:
    failures = []
    for t, m in itertools.product(TIMES[:25:2] + [1600000000, "1600000000"], MODIFIERS):
        want = _oracle(f"SELECT {name}(?, ?)", (t, m))
        got = fn(t, m)
        if want != got or type(want) is not type(got):
            failures.append(f"{name}({t!r}, {m!r}): sqlite={want!r} pyrite={got!r}")
    assert failures == [], "\n".join(failures[:20])


def test_modifier_chains() -> None:
    chains = [("2020-01-31", "+1 month", "start of month", "-1 day"),
              ("2021-03-04 05:06:07", "start of year", "+6 months", "weekday 5"),
              (1600000000, "unixepoch", "localtime", "start of day"),
              (1600000000, "+1 day", "unixepoch"), ("2020-01-01", "unixepoch")]
    for c in chains:
        sql = f"SELECT datetime({', '.join('?' * len(c))})"
        assert D.f_datetime(*c) == _oracle(sql, c), c


FORMATS = ["%d %f %H %j %J %m %M %s %S %w %W %Y %%", "", "plain", "%Q", "%", "a%Yb%mc",
           "%W-%j", "%f"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_strftime(fmt: str) -> None:
    for t in TIMES:
        assert D.f_strftime(fmt, t) == _oracle("SELECT strftime(?, ?)", (fmt, t)), (fmt, t)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=-210866760000, max_value=253402300799),
       st.sampled_from(["%Y-%m-%d %H:%M:%f %j %W %w %J %s", "%j"]))
def test_random_instants(t: int, fmt: str) -> None:
    assert D.f_strftime(fmt, t, "unixepoch") == _oracle("SELECT strftime(?, ?, 'unixepoch')",
                                                        (fmt, t))


def test_now_is_frozen_per_statement() -> None:
    D.begin_statement()
    try:
        a = D.f_julianday("now")
        b = D.f_julianday("now")
        assert a == b
        assert D.current_timestamp() == D.f_datetime("now")
    finally:
        D.end_statement()
    assert D.current_date() == _oracle("SELECT CURRENT_DATE", ())
