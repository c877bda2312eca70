"""printf()/format() against CPython's sqlite3 (SQLite 3.40.1): every
conversion, flag, width and precision over hostile arguments, and the
long-double digit generation of %f/%e/%g."""

from __future__ import annotations

import itertools
import sqlite3
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyrite.exec.values import _atof
from pyrite.functions.printf import sql_printf
from pyrite.functions.scalar import f_printf

CON = sqlite3.connect(":memory:")
CON.text_factory = lambda b: b.decode("utf-8", "replace")

ARGS: list[Any] = [None, 0, 1, -1, 42, 1234567, -1234567, 2**63 - 1, -(2**63), 0.0, -0.0, 0.5,
                   1.5, 2.5, -2.5, 0.15, 0.1 + 0.2, 1e100, 1e-100, 1e308, 123.456, 1e15 + 0.3,
                   9.9999999, 'abc', "it's", 'ÄÖx', '', '12', b'\x41\x42', 'a"b']
CONVERSIONS = ["d", "i", "u", "x", "X", "o", "p", "c", "s", "z", "q", "Q", "w", "f", "e", "E",
               "g", "G", "r", "n", "%"]
FLAGS = ["", "-", "+", " ", "#", "0", "!", ",", "-0", "+0", "#0"]
WIDTHS = ["", "1", "8", "25"]
PRECISIONS = ["", ".0", ".1", ".3", ".10", ".20"]


def oracle(fmt: str, *args: Any) -> Any:
    return CON.execute(f"SELECT printf({', '.join('?' * (1 + len(args)))})",
                       (fmt, *args)).fetchone()[0]


@pytest.mark.parametrize("conv", CONVERSIONS)
def test_conversion_grid(conv: str) -> None:
    failures = []
    for flag, width, prec in itertools.product(FLAGS, WIDTHS, PRECISIONS):
        fmt = f"[%{flag}{width}{prec}{conv}]"
        for a in ARGS:
            want = oracle(fmt, a)
            got = f_printf(fmt, a)
            if want != got:
                failures.append(f"{fmt!r} {a!r}: sqlite={want!r} pyrite={got!r}")
    assert failures == [], "\n".join(failures[:25])


@pytest.mark.parametrize("fmt", [
    "", "abc", "%", "abc%", "%%", "%5%", "%y rest", "x%Ty", "%S", "%*d|", "%-*d|", "%.*f",
    "%*.*f", "%lld", "%ld", "%l", "%5.2lf", "%.*s", "% 5d", "%+ d", "%d %d %d", "%s%s",
    "%0*d", "%!.3s", "%.3s", "%!5s|", "%5s|", "%.0c", "%3c|", "%-3c|", "%c",
    "%.2q", "%!.2Q", "%!w", "%#.3g", "%#.0f", "%#.0e", "%!.0f", "%!.0e", "a\x00b%d",
])
def test_format_edge_cases(fmt: str) -> None:
    for args in [(), (3,), (-3, 2.5), ("ÄÖx", 7, 1.25), (None, None), (10, 3, "x", "y")]:
        assert f_printf(fmt, *args) == oracle(fmt, *args), (fmt, args)


def test_null_format_and_no_args() -> None:
    assert f_printf(None, 1) is None
    assert f_printf() is None
    assert sql_printf("", []) is None


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False), st.sampled_from(["f", "e", "g", "!.15g", "!.20e", ".3f",
                                                    ".17g", "!.25f", ".0f", "#.5g", "40.30e"]))
def test_float_digits_random(x: float, spec: str) -> None:
    fmt = "%" + spec if not spec[0].isalpha() else "%" + spec
    assert f_printf(fmt, x) == oracle(fmt, x)


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"\A[ ]?-?[0-9]{0,25}(\.[0-9]{0,25})?([eE][+-]?[0-9]{1,3})?\Z"))
def test_text_to_real_is_bit_identical(s: str) -> None:
    """sqlite3AtoF's long-double computation, including its rounding quirks."""
    want = CON.execute("SELECT CAST(? AS REAL)", (s,)).fetchone()[0]
    got = _atof(s)[1]
    assert want == got or (want != want and got != got), (s, want, got)
    assert repr(want) == repr(got)
