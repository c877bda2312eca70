"""The sqllogictest runner itself: parsing, value conversions, comparison rules.

Checked with sqlite3 as the engine, on small .test texts written here."""

from __future__ import annotations

import hashlib
import importlib.util
import sqlite3
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent


def _load_runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("slt_runner", HERE / "slt.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


slt = _load_runner()


def run_text(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "case.test"
    path.write_bytes(text.encode("latin-1"))
    return slt.run_file(sqlite3, path, "case.test", timeout=30)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2.0625, "2.063"),  # halves away from zero, where Python's %.3f gives 2.062
        (-9223372036854775808.0, "-9223372036854776000.000"),  # 16 digits, rounded (SQLite >= 3.47)
        (-0.0, "0.000"),
        (-0.0004, "-0.000"),
        (0.0005, "0.001"),
        (-0.8005, "-0.800"),  # the double is 0.80049999...
        (20.4055, "20.406"),  # the double is 20.40549999999999997...
        (1e20, "100000000000000000000.000"),
        (float("inf"), "Inf"),
    ],
)
def test_format_real_like_sqlite_printf(value: float, expected: str) -> None:
    assert slt.format_real(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12x", 12), (" 12", 12), ("abc", 0), ("", 0), ("1e3", 1), ("-7.9", -7), (b"42", 42),
        (3.99, 3), (-3.99, -3), (1e300, -1),  # saturates at 2**63-1, whose low 32 bits are -1
        (2**32 + 5, 5), (2**31, -(2**31)), ("99999999999999999999", -1),
    ],
)
def test_column_int_like_sqlite3_column_int(value: object, expected: int) -> None:
    assert slt.column_int(value) == expected


def test_column_text_prints_bytes_outside_printable_ascii_as_at() -> None:
    assert slt.column_text("a\u00e9\x01b") == "a@@@b"  # é is two UTF-8 bytes
    assert slt.column_text("") == "(empty)"
    assert slt.column_text(b"ab\x00cd") == "ab"  # the harness reads a C string
    assert slt.format_value(None, "I") == "NULL"


def test_parse_drops_comments_strips_cr_and_applies_conditionals() -> None:
    text = (
        "# comment\r\nstatement ok\r\nCREATE TABLE t(a)\r\n\r\n"
        "skipif sqlite # not us\r\nstatement ok\r\nBAD SQL\r\n\r\n"
        "onlyif SQLite\r\nquery I nosort\r\nSELECT 1\r\n# inside\r\n----\r\n1\r\n"
    )
    records = slt.parse(text)
    assert [r.kind for r in records] == ["statement", "statement", "query"]
    assert [r.skip for r in records] == [False, True, False]
    assert records[2].sql == "SELECT 1" and records[2].expected == ("1",)
    assert records[0].line == 2


def test_a_small_file_passes_and_a_wrong_answer_fails(tmp_path: Path) -> None:
    values = [str(i) for i in range(10)]
    digest = hashlib.md5("".join(v + "\n" for v in sorted(values)).encode()).hexdigest()
    text = "\n".join([
        "statement ok", "CREATE TABLE t(a INTEGER, b TEXT)", "",
        "statement ok", "INSERT INTO t VALUES(1,'x'); INSERT INTO t VALUES(2,'')", "",
        "statement error", "INSERT INTO nowhere VALUES(1)", "",
        "query IT rowsort", "SELECT a, b FROM t", "----", "1", "x", "2", "(empty)", "",
        "query I valuesort label-1", "WITH RECURSIVE c(x) AS (VALUES(0) UNION ALL SELECT x+1 FROM c WHERE x<9)"
        " SELECT x FROM c", "----", f"10 values hashing to {digest}", "",
        "query I nosort label-1", "SELECT 1", "----", "1", "",  # same label, other hash: fails
        "query R nosort", "SELECT 2.0625", "----", "2.063", "",
        "query I nosort", "SELECT sum(a) FROM (SELECT 9223372036854775807 AS a UNION ALL SELECT 1)",
        "----", "",  # "integer overflow" while stepping: the result is empty
        "query I nosort", "SELECT a FROM t ORDER BY a", "----", "1", "3", "",  # wrong
        "query II nosort", "SELECT 1", "----", "1", "",  # wrong column count
    ])
    result = run_text(tmp_path, text)
    assert result.statements_passed == result.statements_run == 3
    assert result.queries_run == 7
    failed = {f.line: f.reason for f in result.failures}
    lines = text.split("\n")
    label_line = lines.index("query I nosort label-1") + 1
    wrong_line = lines.index("SELECT a FROM t ORDER BY a")
    assert set(failed) == {label_line, wrong_line, lines.index("query II nosort") + 1}, failed


def test_time_budget_stops_a_file_without_hanging(tmp_path: Path) -> None:
    slow = "WITH RECURSIVE c(x) AS (VALUES(0) UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c"
    text = f"query I nosort\n{slow}\n----\n1\n\nquery I nosort\nSELECT 1\n----\n1\n"
    path = tmp_path / "slow.test"
    path.write_text(text)
    result = slt.run_file(sqlite3, path, "slow.test", timeout=0.5)
    assert result.timed_out or result.failed == 2
    assert result.failed >= 1 and result.seconds < 10
