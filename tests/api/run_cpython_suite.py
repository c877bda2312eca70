"""Run CPython's own `test.test_sqlite3` suite with `sqlite3` pointing at pyrite.

    python3 tests/api/run_cpython_suite.py [--backend pyrite|sqlite3] [--list] [--json FILE]
                                           [-k SUBSTRING] [--timeout SECONDS]

`sys.modules['sqlite3']` and `sys.modules['sqlite3.dbapi2']` are replaced by
`pyrite` before the suite is imported, so every `import sqlite3` in the suite
gets pyrite. The backend is the engine behind `pyrite.connect()`: `pyrite`
(the real engine, `pyrite.exec.Session`, the default) or `sqlite3` (the
development adapter `tests/api/sqlite3_session.py`, a stand-in only).

Prints one line `passed=N failed=N errors=N skipped=N total=N`; with --list,
every failing test id and the last line of its error. Exits 0 whatever the
result: the pytest wrapper (test_cpython_suite.py) compares with the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import unittest
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def install(backend: str) -> None:
    """Point `sqlite3` at pyrite, with the chosen engine behind connect()."""
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(HERE))
    if backend == "sqlite3":
        import sqlite3_session  # noqa: F401 - imports the real sqlite3 first

        import pyrite.api.connection as connection

        connection.session_factory[0] = sqlite3_session.Session
    import pyrite

    sys.modules["sqlite3"] = pyrite
    sys.modules["sqlite3.dbapi2"] = pyrite
    pyrite.dbapi2 = pyrite  # type: ignore[attr-defined]


class _Result(unittest.TextTestResult):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.passed: list[str] = []

    def addSuccess(self, test: unittest.TestCase) -> None:  # noqa: N802 - unittest API
        super().addSuccess(test)
        self.passed.append(test.id())


def _last_line(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1] if lines else ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", choices=("pyrite", "sqlite3"),
                    default=os.environ.get("PYRITE_API_BACKEND", "pyrite"))
    ap.add_argument("--list", action="store_true", help="list failing tests")
    ap.add_argument("--json", help="write the result as JSON to this file")
    ap.add_argument("-k", dest="pattern", help="run only tests whose id contains this")
    ap.add_argument("--timeout", type=int, default=600, help="abort after this many seconds")
    args = ap.parse_args(argv)

    if hasattr(signal, "SIGALRM"):
        signal.alarm(args.timeout)
    install(args.backend)
    from test.support import os_helper

    loader = unittest.TestLoader()
    suite = loader.loadTestsFromName("test.test_sqlite3")
    if args.pattern:
        def flatten(s: unittest.TestSuite) -> list[unittest.TestCase]:
            out: list[unittest.TestCase] = []
            for t in s:
                out.extend(flatten(t) if isinstance(t, unittest.TestSuite) else [t])
            return out
        suite = unittest.TestSuite(t for t in flatten(suite) if args.pattern in t.id())

    # The suite creates files named TESTFN in the current directory.
    with os_helper.temp_cwd(), open(os.devnull, "w") as devnull:
        runner = unittest.TextTestRunner(stream=devnull, resultclass=_Result, verbosity=0)
        result: Any = runner.run(suite)

    failures = [(t.id(), _last_line(tb)) for t, tb in result.failures]
    errors = [(t.id(), _last_line(tb)) for t, tb in result.errors]
    failures += [(t.id(), "unexpected success") for t in result.unexpectedSuccesses]
    summary = {
        "backend": args.backend,
        "passed": len(result.passed),
        "failed": len(failures),
        "errors": len(errors),
        "skipped": len(result.skipped),
        "total": result.testsRun,
        "failing": sorted(failures + errors),
    }
    if args.list:
        for test_id, line in summary["failing"]:
            print(f"{test_id}: {line}")
    print(f"backend={args.backend} passed={summary['passed']} failed={summary['failed']} "
          f"errors={summary['errors']} skipped={summary['skipped']} total={summary['total']}")
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1))
    sys.stdout.flush()
    os._exit(0)  # threads left by failing tests must not keep the process alive


if __name__ == "__main__":
    main()
