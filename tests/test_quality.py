"""The project's guard rails, checked on every CI run: the engine is typed
(mypy --strict), lint-clean (ruff), and never imports another SQL engine."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "pyrite"
FORBIDDEN = re.compile(
    r"^\s*(import|from)\s+(sqlite3|apsw|turso|libsql|pysqlite3|duckdb)\b", re.MULTILINE
)


def test_engine_never_imports_another_sql_engine() -> None:
    offenders = [
        str(p.relative_to(ROOT)) for p in SRC.rglob("*.py") if FORBIDDEN.search(p.read_text())
    ]
    assert offenders == []


def test_ruff_clean() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "src/pyrite"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "src/pyrite"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-2000:]
