"""pandas on pyrite: `read_sql`/`DataFrame.to_sql` with a pyrite connection (pandas'
sqlite3 fallback path) and through SQLAlchemy (`create_engine("sqlite://",
module=pyrite)`), each checked against the same calls on Python's sqlite3.

Skipped when pandas (or SQLAlchemy) is not installed (both are in the `test` extra)."""

from __future__ import annotations

import datetime
import sqlite3
import warnings
from pathlib import Path
from typing import Any

import pytest

import pyrite

pd = pytest.importorskip("pandas")


def _frame() -> Any:
    return pd.DataFrame({
        "i": [1, 2, 3],
        "f": [1.5, None, -2.25],
        "s": ["a", None, "ü"],
        "b": [True, False, True],
        "t": [datetime.datetime(2024, 1, 2, 3, 4, 5), None, datetime.datetime(1999, 12, 31)],
    })


def _roundtrip(con: Any) -> tuple[Any, Any]:
    with warnings.catch_warnings():
        # pandas warns that a DBAPI2 connection other than sqlite3 is not tested by it
        warnings.simplefilter("ignore", UserWarning)
        _frame().to_sql("df", con, index=False)
        _frame().to_sql("df", con, index=False, if_exists="append")
        whole = pd.read_sql("SELECT * FROM df ORDER BY i, rowid", con)
        part = pd.read_sql("SELECT i, s FROM df WHERE f > ? ORDER BY i", con, params=(0,))
    return whole, part


def test_dbapi_connection_matches_sqlite3() -> None:
    oracle = sqlite3.connect(":memory:")
    con = pyrite.connect(":memory:")
    want = _roundtrip(oracle)
    got = _roundtrip(con)
    for g, w in zip(got, want, strict=True):
        pd.testing.assert_frame_equal(g, w)
    assert len(got[0]) == 6
    oracle.close()
    con.close()


def test_sqlalchemy_engine_matches_sqlite3(tmp_path: Path) -> None:
    sa = pytest.importorskip("sqlalchemy")
    results = []
    for mod, name in ((sqlite3, "oracle.db"), (pyrite, "pyrite.db")):
        eng = sa.create_engine(f"sqlite:///{tmp_path / name}", module=mod)
        _frame().to_sql("df", eng, index=False)
        _frame().to_sql("df", eng, index=False, if_exists="append", chunksize=2)
        whole = pd.read_sql("SELECT * FROM df ORDER BY i, rowid", eng)
        table = pd.read_sql_table("df", eng)
        query = pd.read_sql(sa.text("SELECT s, count(*) AS n FROM df GROUP BY s ORDER BY s"),
                            eng)
        results.append((whole, table, query))
        eng.dispose()
    for g, w in zip(results[1], results[0], strict=True):
        pd.testing.assert_frame_equal(g, w)
    # the file pyrite wrote is a database sqlite3 reads back
    ref = sqlite3.connect(tmp_path / "pyrite.db")
    assert ref.execute("SELECT count(*) FROM df").fetchone() == (6,)
    assert ref.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    ref.close()
