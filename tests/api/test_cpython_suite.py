"""CPython's own test.test_sqlite3, run against pyrite (tests/api/run_cpython_suite.py).

Fails on regression: fewer passing tests than the baseline recorded in
tests/api/CPYTHON_SUITE.md, or a failing test that the page does not list."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
PAGE = HERE / "CPYTHON_SUITE.md"


def _baseline() -> int:
    match = re.search(r"Baseline: \*\*(\d+)\*\* passed", PAGE.read_text())
    assert match, "CPYTHON_SUITE.md must state 'Baseline: **N** passed'"
    return int(match.group(1))


def _base_id(test_id: str) -> str:
    """'test.test_sqlite3.test_x.C.test_y (sub=1)' -> 'test_x.C.test_y'."""
    return test_id.split(" ", 1)[0].removeprefix("test.test_sqlite3.")


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    try:
        import test.test_sqlite3  # noqa: F401
    except ImportError:
        pytest.skip("CPython's test.test_sqlite3 is not installed with this Python")
    out = tmp_path_factory.mktemp("cpython") / "result.json"
    proc = subprocess.run(
        [sys.executable, str(HERE / "run_cpython_suite.py"), "--backend", "pyrite",
         "--json", str(out), "--timeout", "240"],
        capture_output=True, text=True, timeout=300,
    )
    assert out.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    data: dict[str, object] = json.loads(out.read_text())
    return data


def test_pass_count_at_least_baseline(result: dict[str, object]) -> None:
    assert isinstance(result["passed"], int)
    assert result["passed"] >= _baseline(), result


def test_every_failure_is_documented(result: dict[str, object]) -> None:
    page = PAGE.read_text()
    failing = result["failing"]
    assert isinstance(failing, list)
    undocumented = sorted({_base_id(t) for t, _ in failing if _base_id(t) not in page})
    assert undocumented == []
