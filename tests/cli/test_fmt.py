"""SQLite's %!.15g / %!.20g rendering of REAL values (pyrite.cli.fmt), against
strings printed by sqlite3 3.40.1 on x86-64 (long double digit generation)."""

from __future__ import annotations

import pytest

from pyrite.cli.fmt import sqlite_g

CASES_20 = [
    (0.1, "0.10000000000000000555"),
    (1.0 / 3, "0.33333333333333331482"),
    (123.456, "123.45600000000000307"),
    (1e-300, "1.000000000000000025e-300"),
    (1.5e300, "1.5000000000000000071e+300"),
    (9007199254740992.0, "9007199254740991.9999"),
    (1e17, "100000000000000000.0"),
    (12345678901234567890.0, "12345678901234567167.0"),
    (2.675, "2.6749999999999998223"),
    (100.0, "100.0"),
    (0.000123456, "0.00012345600000000000518"),
    (8879375555888239616.0, "8879375555888239616.1"),
    (float("inf"), "Inf"),
    (float("-inf"), "-Inf"),
]
CASES_15 = [
    (1.0, "1.0"), (0.0, "0.0"), (-0.0, "0.0"), (1e20, "1.0e+20"), (-2.5, "-2.5"),
    (1.0 / 3, "0.333333333333333"), (1.4142135623730951, "1.4142135623731"),
    (9007199254740992.0, "9.00719925474099e+15"), (1e15, "1.0e+15"), (1e-300, "1.0e-300"),
    (3.14159e-5, "3.14159e-05"), (0.000123456, "0.000123456"),
]


@pytest.mark.parametrize(("value", "text"), CASES_20)
def test_percent_bang_20g(value: float, text: str) -> None:
    assert sqlite_g(value, 20) == text


@pytest.mark.parametrize(("value", "text"), CASES_15)
def test_percent_bang_15g(value: float, text: str) -> None:
    assert sqlite_g(value, 15) == text
