"""Progress handler and interrupt() act while a statement runs, not only between
statements: one long step (an aggregate over a join) is stopped with
OperationalError("interrupted"), and the connection stays usable."""

from __future__ import annotations

import threading
import time

import pytest

import pyrite

LONG = "SELECT count(*) FROM t a, t b WHERE a.a < 400 AND a.b || b.b = 'y'"


@pytest.fixture
def con() -> pyrite.Connection:
    c = pyrite.connect(":memory:", check_same_thread=False)
    c.execute("CREATE TABLE t(a INTEGER PRIMARY KEY, b)")
    c.executemany("INSERT INTO t VALUES (?, ?)", [(i, "x" * 100) for i in range(20000)])
    c.commit()
    return c


def test_progress_handler_called_during_one_step(con: pyrite.Connection) -> None:
    calls = []

    def progress() -> int:
        calls.append(1)
        return len(calls) > 20

    con.set_progress_handler(progress, 100)
    with pytest.raises(pyrite.OperationalError, match="interrupted"):
        con.execute(LONG).fetchone()
    assert len(calls) == 21
    con.set_progress_handler(None, 0)
    assert con.execute("SELECT count(*) FROM t").fetchone() == (20000,)


def test_progress_handler_abort_rolls_back_statement(con: pyrite.Connection) -> None:
    con.set_progress_handler(lambda: 1, 1)
    with pytest.raises(pyrite.OperationalError, match="interrupted"):
        con.execute("UPDATE t SET b = 'z'")
    con.set_progress_handler(None, 0)
    assert con.execute("SELECT count(*) FROM t WHERE b = 'z'").fetchone() == (0,)


def test_interrupt_from_another_thread(con: pyrite.Connection) -> None:
    timer = threading.Timer(0.2, con.interrupt)
    timer.start()
    t0 = time.monotonic()
    with pytest.raises(pyrite.OperationalError, match="interrupted") as ei:
        con.execute(LONG).fetchone()
    timer.join()
    assert time.monotonic() - t0 < 5
    assert ei.value.sqlite_errorcode == pyrite.SQLITE_INTERRUPT  # type: ignore[attr-defined]
    assert con.execute("SELECT count(*) FROM t").fetchone() == (20000,)
