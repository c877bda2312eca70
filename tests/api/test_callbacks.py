"""User functions, aggregates, collations and the trace callback, vs sqlite3."""

from __future__ import annotations

import sys
from typing import Any

import pytest


def test_scalar_functions(both: Any) -> None:
    def run(m: Any) -> Any:
        con = m.connect(":memory:")
        con.create_function("twice", 1, lambda x: x * 2)
        con.create_function("nargs", -1, lambda *a: len(a), deterministic=True)
        con.create_function("types", 5, lambda *a: ",".join(type(x).__name__ for x in a))
        con.create_function("nan", 0, lambda: float("nan"))
        con.create_function("ba", 0, lambda: bytearray(b"ab"))
        return con.execute("select twice(2), twice('a'), nargs(), nargs(1, 2, 3), "
                           "types(1, 1.5, 'x', x'00', NULL), nan(), ba()").fetchone()

    both(run)


@pytest.mark.parametrize("result", [2 ** 63, object(), "\ud800", memoryview(b"abcd")[::2]])
def test_function_bad_results(both: Any, result: Any) -> None:
    def run(m: Any) -> Any:
        con = m.connect(":memory:")
        con.create_function("f", 0, lambda: result)
        return con.execute("select f()").fetchone()

    both(run)


@pytest.mark.parametrize("exc", [
    ValueError("x"), ZeroDivisionError(), OverflowError(),
    pytest.param(MemoryError(), marks=pytest.mark.xfail(
        reason="engine gap: exec turns MemoryError into OperationalError", strict=False)),
])
def test_function_raises(both: Any, exc: BaseException) -> None:
    def run(m: Any) -> Any:
        def f() -> None:
            raise exc

        con = m.connect(":memory:")
        con.create_function("f", 0, f)
        return con.execute("select f()").fetchone()

    both(run)


def test_function_registration_errors(both: Any) -> None:
    both(lambda m: m.connect(":memory:").create_function("f", -2, int))
    both(lambda m: m.connect(":memory:").create_function("f", 128, int))
    both(lambda m: m.connect(":memory:").create_function(1, 0, int))
    both(lambda m: m.connect(":memory:").create_aggregate("f", -2, object))


class MySum:
    def __init__(self) -> None:
        self.total = 0

    def step(self, value: Any) -> None:
        self.total += value

    def finalize(self) -> Any:
        return self.total


class NoStep:
    def finalize(self) -> int:
        return 1


class BadInit:
    def __init__(self) -> None:
        raise ValueError("init")

    def step(self, x: Any) -> None:
        pass

    def finalize(self) -> int:
        return 1


class BadFinalize(MySum):
    def finalize(self) -> Any:
        raise ValueError("finalize")


@pytest.mark.parametrize("cls", [MySum, NoStep, BadInit, BadFinalize])
def test_aggregates(both: Any, cls: type) -> None:
    def run(m: Any) -> Any:
        con = m.connect(":memory:")
        con.execute("create table t(x)")
        con.executemany("insert into t values (?)", [(1,), (2,), (3,)])
        con.create_aggregate("agg", 1, cls)
        return con.execute("select agg(x) from t").fetchone(), \
            con.execute("select agg(x) from t where 0").fetchone()

    both(run)


def test_collation(both: Any) -> None:
    def run(m: Any) -> Any:
        con = m.connect(":memory:")
        con.create_collation("rev", lambda a, b: (a < b) - (a > b))
        con.execute("create table t(s)")
        con.executemany("insert into t values (?)", [("a",), ("c",), ("b",)])
        return con.execute("select s from t order by s collate rev").fetchall()

    both(run)
    both(lambda m: m.connect(":memory:").create_collation("x", 1))
    both(lambda m: m.connect(":memory:").create_collation(None, len))


def test_trace_callback(both: Any) -> None:
    def run(m: Any) -> Any:
        con = m.connect(":memory:")
        traced: list[str] = []
        con.set_trace_callback(traced.append)
        con.execute("create table t(x)")
        con.executemany("insert into t values (?)", [(1,), ("it's",), (b"\x01",), (2.5,)])
        con.commit()
        con.execute("select :a, :b, :a", {"a": None, "b": 1e100})
        con.execute("select ?2, ?1", (1, "two"))
        con.executescript("select 1; -- c\n select 2;")
        con.set_trace_callback(None)
        con.execute("select 3")
        return traced

    both(run)


def test_callback_tracebacks(mod: Any) -> None:
    seen: list[Any] = []
    old = sys.unraisablehook
    sys.unraisablehook = seen.append
    mod.enable_callback_tracebacks(True)
    try:
        def boom() -> None:
            raise ZeroDivisionError("boom")

        con = mod.connect(":memory:")
        con.create_function("boom", 0, boom)
        with pytest.raises(mod.OperationalError, match="user-defined function raised"):
            con.execute("select boom()").fetchone()
    finally:
        mod.enable_callback_tracebacks(False)
        sys.unraisablehook = old
    assert seen and seen[0].exc_type is ZeroDivisionError and seen[0].object is boom
