"""Fixtures for the DB-API tests: pyrite beside CPython's sqlite3 (the oracle).

The engine behind `pyrite.connect()` is pyrite's own (`pyrite.exec.Session`).
PYRITE_API_BACKEND=sqlite3 swaps in the development adapter
(tests/api/sqlite3_session.py) — a stand-in only, never the tested result.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
BACKEND = os.environ.get("PYRITE_API_BACKEND", "pyrite")

import pyrite  # noqa: E402
import pyrite.api.connection  # noqa: E402

if BACKEND == "sqlite3":
    sys.path.insert(0, str(HERE))
    import sqlite3_session  # noqa: E402

    pyrite.api.connection.session_factory[0] = sqlite3_session.Session


DBAPI_NAMES = {"Warning", "Error", "InterfaceError", "DatabaseError", "DataError",
               "OperationalError", "IntegrityError", "InternalError", "ProgrammingError",
               "NotSupportedError"}


def exc_name(exc: BaseException) -> str:
    """The DB-API class name of exc (pyrite's finer subclasses such as
    SqlSyntaxError count as their DB-API base), else its own class name."""
    for cls in type(exc).__mro__:
        if cls.__name__ in DBAPI_NAMES:
            return cls.__name__
    return type(exc).__name__


def outcome(fn: Callable[[Any], Any], mod: Any) -> Any:
    """fn(mod)'s result, or ('raises', ExceptionClassName, message)."""
    try:
        return fn(mod)
    except Exception as exc:  # noqa: BLE001 - the outcome is what we compare
        return ("raises", exc_name(exc), str(exc))


def same(fn: Callable[[Any], Any]) -> Any:
    """Run fn with the sqlite3 module and with pyrite; assert equal outcomes."""
    expected = outcome(fn, sqlite3)
    actual = outcome(fn, pyrite)
    assert actual == expected
    return actual


@pytest.fixture
def both() -> Callable[[Callable[[Any], Any]], Any]:
    return same


@pytest.fixture(params=["sqlite3", "pyrite"])
def mod(request: pytest.FixtureRequest) -> Any:
    """Each test runs with the oracle and with pyrite: the same assertions hold."""
    return sqlite3 if request.param == "sqlite3" else pyrite


@pytest.fixture
def cx(mod: Any) -> Iterator[Any]:
    con = mod.connect(":memory:")
    yield con
    con.close()
