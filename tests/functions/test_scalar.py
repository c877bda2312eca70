"""pyrite.functions.scalar against CPython's sqlite3 (SQLite 3.40.1) as the
oracle: every core and math function over a grid of hostile values, comparing
value *and* storage class (and error messages)."""

from __future__ import annotations

import itertools
import math
import sqlite3
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyrite.errors import Error
from pyrite.functions import SCALARS, find_scalar
from pyrite.storage.record import TEXT_ERRORS

GRID: list[Any] = [
    None, 0, -0.0, 1, -1, 2, 3, -3, 2**63 - 1, -(2**63), 1e308, 0.1, 1.5, -2.5, 2.675, 1e20,
    'abc', 'ABC', '12', ' 12 ', '12abc', '0x1A', '', 'ÄÖ', 'a b', '  x  ', '3.0', 'b', 'ab',
    b'\x00\xff', b'', b'AB', 'a\x00b',
]
SMALL: list[Any] = [None, 0, -1, 2, 1.5, -0.0, 'abc', '12', '', 'ÄÖx', b'\x01\x02', 2**63 - 1]

CON = sqlite3.connect(":memory:")
# TEXT that is not UTF-8 keeps its bytes on both sides (as surrogate escapes in pyrite)
CON.text_factory = lambda b: b.decode("utf-8", "surrogateescape")
_COLL_FUNCS = {"max", "min", "nullif"}


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if type(a) is float:
        if math.isnan(a) and math.isnan(b):
            return True
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if type(a) is str:
        return a.encode("utf-8", TEXT_ERRORS) == b.encode("utf-8", TEXT_ERRORS)
    return bool(a == b)


def call(name: str, *args: Any) -> Any:
    fd = find_scalar(name, len(args))
    assert fd is not None, name
    assert fd.func is not None
    try:
        if fd.needs_collation:
            return fd.func(None, *args)
        return fd.func(*args)
    except Error as e:
        return ("error", str(e))


def oracle(name: str, *args: Any) -> Any:
    sql = f"SELECT {name}({', '.join('?' * len(args))})"
    try:
        return CON.execute(sql, args).fetchone()[0]
    except sqlite3.Error as e:
        return ("error", str(e))


def _diff(name: str, grid: list[Any], nargs: int) -> list[str]:
    failures = []
    for args in itertools.product(grid, repeat=nargs):
        want = oracle(name, *args)
        got = call(name, *args)
        ok = want == got if isinstance(want, tuple) or isinstance(got, tuple) else _same(want, got)
        if not ok:
            failures.append(f"{name}{args!r}: sqlite={want!r} pyrite={got!r}")
    return failures


ONE_ARG = ["abs", "char", "hex", "length", "likely", "lower", "ltrim",
           "quote", "round", "rtrim", "sign", "trim", "typeof", "unicode", "unlikely",
           "upper", "zeroblob", "soundex",
           "acos", "acosh", "asin", "asinh", "atan", "atanh", "ceil", "ceiling", "cos", "cosh",
           "degrees", "exp", "floor", "ln", "log", "log10", "log2", "radians", "sin", "sinh",
           "sqrt", "tan", "tanh", "trunc"]
TWO_ARG = ["char", "coalesce", "glob", "ifnull", "instr", "like", "ltrim", "max",
           "min", "nullif", "printf", "round", "rtrim", "substr", "substring", "trim", "atan2",
           "log", "mod", "pow", "power"]
THREE_ARG = ["iif", "replace", "substr", "like", "max", "printf", "coalesce"]


@pytest.mark.parametrize("name", ONE_ARG)
def test_one_arg(name: str) -> None:
    failures = _diff(name, GRID, 1)
    assert failures == [], "\n".join(failures[:20])


@pytest.mark.parametrize("name", TWO_ARG)
def test_two_args(name: str) -> None:
    failures = _diff(name, GRID, 2)
    assert failures == [], "\n".join(failures[:20])


@pytest.mark.parametrize("name", THREE_ARG)
def test_three_args(name: str) -> None:
    failures = _diff(name, SMALL, 3)
    assert failures == [], "\n".join(failures[:20])


def test_zero_arg_functions() -> None:
    assert call("sqlite_version") == sqlite3.sqlite_version == "3.40.1"
    assert call("pi") == oracle("pi")
    assert call("sqlite_source_id") == oracle("sqlite_source_id")
    r = call("random")
    assert type(r) is int and -(2**63) <= r < 2**63
    assert type(call("randomblob", 5)) is bytes and len(call("randomblob", 5)) == 5
    assert len(call("randomblob", -3)) == 1


@pytest.mark.parametrize("start", [-7, -5, -3, -1, 0, 1, 2, 5, 6, 2**32 + 2, None])
@pytest.mark.parametrize("length", [-7, -3, -1, 0, 1, 2, 10, 2**32 - 1, None])
@pytest.mark.parametrize("subject", ["hello", "häll€", b"\x01\x02\x03\x04\x05", 12345, ""])
def test_substr_indexes(subject: Any, start: Any, length: Any) -> None:
    assert _same(call("substr", subject, start, length), oracle("substr", subject, start, length))
    assert _same(call("substr", subject, start), oracle("substr", subject, start))


@pytest.mark.parametrize("x", [0.5, 1.5, 2.5, -0.5, -2.5, 1.005, 2.675, 0.15, 0.285, 1e15 + 0.5,
                               123.456, -123.456, 1e-10, 9.995, 4503599627370497.0, 0.0])
@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 10, 20, 40, -1])
def test_round(x: float, n: int) -> None:
    assert _same(call("round", x, n), oracle("round", x, n))


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e17, max_value=1e17),
       st.integers(min_value=0, max_value=17))
def test_round_random(x: float, n: int) -> None:
    assert _same(call("round", x, n), oracle("round", x, n))


def test_trim_with_character_set() -> None:
    for s, cs in itertools.product(["xxaxx", "abcba", "ÄaÄ", "  a  ", ""], ["x", "ab", "Ä", "", None]):
        for name in ("trim", "ltrim", "rtrim"):
            assert call(name, s, cs) == oracle(name, s, cs), (name, s, cs)


def test_wrong_argument_counts() -> None:
    assert find_scalar("coalesce", 1) is None
    assert find_scalar("max", 0) is None
    assert find_scalar("substr", 1) is None


def test_abs_overflow() -> None:
    assert call("abs", -(2**63)) == ("error", "integer overflow") == oracle("abs", -(2**63))


def test_every_registered_function_is_callable() -> None:
    for name, defs in SCALARS.items():
        for fd in defs:
            assert fd.name == name
            assert fd.func is not None or fd.needs_context
