"""The module surface: names, constants, exception tree, helpers (vs sqlite3)."""

from __future__ import annotations

import datetime
import sqlite3
import subprocess
import sys
import warnings
from typing import Any

import pytest

import pyrite

MODULE_NAMES = [n for n in dir(sqlite3) if not n.startswith("_")
                and n not in ("collections", "datetime", "time", "dbapi2")]


def test_module_has_every_public_name_of_sqlite3() -> None:
    missing = [n for n in MODULE_NAMES if not hasattr(pyrite, n)]
    assert missing == []


@pytest.mark.parametrize("name", ["apilevel", "paramstyle", "threadsafety", "version",
                                  "version_info", "sqlite_version", "sqlite_version_info",
                                  "PARSE_COLNAMES", "PARSE_DECLTYPES"])
def test_module_constants(name: str) -> None:
    assert getattr(pyrite, name) == getattr(sqlite3, name)


def test_sqlite_constants_equal() -> None:
    for name in MODULE_NAMES:
        if name.startswith("SQLITE_"):
            assert getattr(pyrite, name) == getattr(sqlite3, name), name


def test_all_lists_only_existing_names() -> None:
    assert all(hasattr(pyrite, n) for n in pyrite.__all__)


@pytest.mark.parametrize("name", ["Warning", "Error", "InterfaceError", "DatabaseError",
                                  "DataError", "OperationalError", "IntegrityError",
                                  "InternalError", "ProgrammingError", "NotSupportedError"])
def test_exception_tree(name: str) -> None:
    ours, theirs = getattr(pyrite, name), getattr(sqlite3, name)
    assert [c.__name__ for c in ours.__mro__] == [c.__name__ for c in theirs.__mro__]
    assert getattr(pyrite.Connection, name) is ours


def test_optimized_unicode_is_deprecated_alias(mod: Any) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert mod.OptimizedUnicode is str
    assert caught and caught[0].category is DeprecationWarning
    with pytest.raises(AttributeError):
        mod.NoSuchName  # noqa: B018


@pytest.mark.parametrize("text", ["select 1;", "select 1", "", ";", "select 'a;", "-- x\n;",
                                  "create trigger t after insert on a begin select 1; end;",
                                  "create trigger t after insert on a begin select 1;",
                                  "select 1; /* c */", "select [a;b];", "select \"x;\""])
def test_complete_statement(text: str) -> None:
    assert pyrite.complete_statement(text) == sqlite3.complete_statement(text)


def test_complete_statement_type_error(both: Any) -> None:
    both(lambda m: m.complete_statement(1))


def test_type_constructors(mod: Any) -> None:
    assert mod.Date(2020, 1, 2) == datetime.date(2020, 1, 2)
    assert mod.Time(1, 2, 3) == datetime.time(1, 2, 3)
    assert mod.Timestamp(2020, 1, 2, 3, 4, 5) == datetime.datetime(2020, 1, 2, 3, 4, 5)
    assert mod.DateFromTicks(0) == sqlite3.DateFromTicks(0)
    assert mod.TimeFromTicks(0) == sqlite3.TimeFromTicks(0)
    assert mod.TimestampFromTicks(0) == sqlite3.TimestampFromTicks(0)
    assert mod.Binary is memoryview


def test_adapt(both: Any) -> None:
    class P:
        def __conform__(self, proto: Any) -> Any:
            return "conformed"

    both(lambda m: m.adapt(P()))
    both(lambda m: m.adapt(5, m.PrepareProtocol, "alt"))
    both(lambda m: m.adapt(object()))
    both(lambda m: m.adapt(datetime.date(2001, 2, 3)))
    both(lambda m: m.adapt(datetime.datetime(2001, 2, 3, 4, 5, 6, 7)))


def test_register_adapter_and_converter_registries(mod: Any) -> None:
    class Point:
        pass

    mod.register_adapter(Point, lambda p: "point")
    try:
        assert mod.adapt(Point()) == "point"
        assert (Point, mod.PrepareProtocol) in mod.adapters
    finally:
        del mod.adapters[(Point, mod.PrepareProtocol)]
    mod.register_converter("myType", bytes.upper)
    try:
        assert mod.converters["MYTYPE"] is bytes.upper
    finally:
        del mod.converters["MYTYPE"]


def test_enable_callback_tracebacks_and_shared_cache(mod: Any) -> None:
    mod.enable_callback_tracebacks(False)
    with pytest.warns(DeprecationWarning):
        mod.enable_shared_cache(False)


def test_import_is_light() -> None:
    code = ("import sys, pyrite; heavy = [m for m in ('pyrite.exec', 'pyrite.storage', "
            "'pyrite.planner', 'sqlite3') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": str(pyrite.__path__[0].rsplit('/', 1)[0])})
    assert out.stdout.strip() == "[]"


def test_load_extension_not_supported() -> None:
    con = pyrite.connect(":memory:")
    with pytest.raises(pyrite.NotSupportedError, match="extension"):
        con.enable_load_extension(True)
    with pytest.raises(pyrite.NotSupportedError, match="extension"):
        con.load_extension("x")
    con.close()
