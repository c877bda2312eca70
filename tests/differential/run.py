"""Differential testing: the same generated SQL on pyrite and on sqlite3, compared.

Owns the comparison and the minimizer; the statements come from gen.py. Any
two DB-API modules can be compared (``--engine``, ``--oracle``).

    python -m tests.differential.run --seed 1 --statements 10000

The run is a series of rounds. Each round opens a fresh in-memory database on
both engines, creates a random schema, fills it, and runs random statements.
Every statement's outcome is compared: error or not (and the DB-API error
class), result rows with their Python types (as a list when ORDER BY orders
every output column, else as a multiset), and after a DML statement the whole
changed table. The first disagreement of a round ends it; the round's history
is then minimized (statements removed while the last one still disagrees and
every earlier one still agrees) and printed as a small SQL repro.
"""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from .gen import Case, Generator

STATEMENTS_PER_ROUND = 40
ROWS_PER_TABLE = (4, 12)
STATEMENT_TIMEOUT = 20.0  # seconds; an engine that takes longer has hung
COMPARE_ERROR_CLASSES = True  # IntegrityError vs OperationalError is a disagreement

Value = tuple[str, str]  # (Python type name, repr): -0.0, 1 and 1.0 all differ
Outcome = tuple[str, Any]  # ("error", class name) | ("rows", rows) | ("timeout", None)


class StatementTimeout(BaseException):
    """A statement ran past STATEMENT_TIMEOUT (BaseException: engines must not swallow it)."""


DBAPI_ERRORS = (
    "IntegrityError", "OperationalError", "ProgrammingError", "DataError", "InternalError",
    "NotSupportedError", "InterfaceError", "DatabaseError", "Error", "Warning",
)


def error_class(exc: BaseException) -> str:
    """The DB-API class an exception is (a subclass of IntegrityError counts as IntegrityError)."""
    for cls in type(exc).__mro__:
        if cls.__name__ in DBAPI_ERRORS:
            return cls.__name__
    return type(exc).__name__  # not a DB-API error at all: a bug the comparison shows


def _norm(value: Any) -> Value:
    if isinstance(value, bytearray | memoryview):
        value = bytes(value)
    return type(value).__name__, repr(value)


def _on_alarm(signum: int, frame: object) -> None:
    raise StatementTimeout()


class Session:
    """One engine's connection to a fresh in-memory database."""

    def __init__(self, engine: ModuleType) -> None:
        self.engine = engine
        try:
            self.con = engine.connect(":memory:", isolation_level=None)
        except TypeError:
            self.con = engine.connect(":memory:")

    def close(self) -> None:
        try:
            self.con.close()
        except Exception:
            pass

    def run(self, case: Case) -> Outcome:
        """The outcome of one case; for DML, the changed table's rows after it."""
        alarm = threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGALRM")
        if alarm:
            signal.signal(signal.SIGALRM, _on_alarm)
            signal.setitimer(signal.ITIMER_REAL, STATEMENT_TIMEOUT)
        try:
            outcome = self._run(case)
        except StatementTimeout:
            outcome = ("timeout", None)
        finally:
            if alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
        return outcome

    def _run(self, case: Case) -> Outcome:
        try:
            cur = self.con.cursor()
            cur.execute(case.sql)
            rows = [tuple(_norm(v) for v in row) for row in cur.fetchall()]
        except Exception as exc:  # any engine error, including the engine's own bugs
            return "error", error_class(exc)
        if case.mutates is not None:
            try:
                cur = self.con.cursor()
                cur.execute(f"SELECT * FROM {case.mutates}")
                rows = [tuple(_norm(v) for v in row) for row in cur.fetchall()]
            except Exception as exc:
                return "error", f"snapshot failed: {error_class(exc)}"
            return "rows", sorted(rows)
        return "rows", rows if case.ordered else sorted(rows)


def _equivalent(value: Value) -> tuple[str, Any]:
    """The value as ORDER BY sees it: 1 and 1.0 tie, so their order is unspecified."""
    kind, text = value
    if kind in ("int", "float"):
        return "num", float(text) if kind == "float" else int(text)
    return kind, text


def agree(a: Outcome, b: Outcome, case: Case | None = None) -> bool:
    if a == b:
        return True
    if a[0] == b[0] == "error" and not COMPARE_ERROR_CLASSES:
        return True
    if case is None or not case.ordered or a[0] != "rows" or b[0] != "rows":
        return False
    # Ordered results may differ only inside ties of equal values (1 before or after 1.0).
    keys_a = [tuple(_equivalent(v) for v in row) for row in a[1]]
    keys_b = [tuple(_equivalent(v) for v in row) for row in b[1]]
    if keys_a != keys_b:
        return False
    return "LIMIT" in case.sql or sorted(a[1]) == sorted(b[1])


def describe(outcome: Outcome, limit: int = 8) -> str:
    kind, data = outcome
    if kind != "rows":
        return f"{kind}: {data}" if data else kind
    shown = [tuple(f"{r}" if t in ("str", "bytes") else f"{r}:{t}" for t, r in row) for row in data[:limit]]
    more = f" ... ({len(data)} rows)" if len(data) > limit else ""
    return f"{len(data)} rows {shown}{more}"


@dataclass(slots=True)
class Disagreement:
    seed: int
    round: int
    statement: Case
    engine_outcome: Outcome
    oracle_outcome: Outcome
    repro: list[Case]

    def render(self, engine: str, oracle: str) -> str:
        lines = [
            f"-- DISAGREEMENT (seed {self.seed}, round {self.round}); repro of {len(self.repro)} statements:",
        ]
        lines += [case.sql + ";" for case in self.repro]
        lines.append(f"-- {engine}: {describe(self.engine_outcome)}")
        lines.append(f"-- {oracle}: {describe(self.oracle_outcome)}")
        return "\n".join(lines)


def replay(engine: ModuleType, oracle: ModuleType, cases: Sequence[Case]) -> tuple[Outcome, Outcome] | None:
    """Run `cases` on fresh databases; the last case's outcomes if only it disagrees, else None."""
    a, b = Session(engine), Session(oracle)
    try:
        for i, case in enumerate(cases):
            x, y = a.run(case), b.run(case)
            if i == len(cases) - 1:
                return None if agree(x, y, case) else (x, y)
            if not agree(x, y, case):
                return None
        return None
    finally:
        a.close()
        b.close()


def minimize(engine: ModuleType, oracle: ModuleType, history: list[Case]) -> list[Case]:
    """Drop statements before the last one while the last one still disagrees alone."""
    last = history[-1]
    prefix = [c for c in history[:-1] if not c.sql.startswith("SELECT")]  # SELECTs change nothing
    if replay(engine, oracle, prefix + [last]) is None:
        prefix = history[:-1]
    chunk = max(len(prefix) // 2, 1)
    while prefix:
        i = 0
        removed = False
        while i < len(prefix):
            candidate = prefix[:i] + prefix[i + chunk :]
            if replay(engine, oracle, candidate + [last]) is not None:
                prefix = candidate
                removed = True
            else:
                i += chunk
        if chunk == 1 and not removed:
            break
        chunk = max(chunk // 2, 1)
    return prefix + [last]


@dataclass(slots=True)
class Summary:
    statements: int = 0
    rounds: int = 0
    seconds: float = 0.0
    disagreements: list[Disagreement] | None = None


def run(
    engine: ModuleType,
    oracle: ModuleType,
    seed: int,
    statements: int,
    max_disagreements: int = 5,
    minimize_repros: bool = True,
    echo: bool = False,
    rounds: int | None = None,
) -> Summary:
    """Run about `statements` generated statements (or exactly `rounds` rounds) and compare.

    The statements of round k depend only on the seed and k, never on what the
    engines answered, so a (seed, round) pair names the same SQL every time."""
    start = time.perf_counter()
    summary = Summary(disagreements=[])
    assert summary.disagreements is not None
    gen = Generator(seed)

    def more() -> bool:
        if rounds is not None:
            return summary.rounds < rounds
        return summary.statements < statements and len(summary.disagreements or []) < max_disagreements

    while more():
        summary.rounds += 1
        cases = gen.schema() + gen.data(gen.rng.randint(*ROWS_PER_TABLE))
        cases += [gen.statement() for _ in range(STATEMENTS_PER_ROUND)]
        a, b = Session(engine), Session(oracle)
        try:
            for i, case in enumerate(cases):
                summary.statements += 1
                x, y = a.run(case), b.run(case)
                if agree(x, y, case):
                    continue
                history = cases[: i + 1]
                repro = minimize(engine, oracle, history) if minimize_repros else history
                found = replay(engine, oracle, repro) or (x, y)
                d = Disagreement(seed, summary.rounds, case, found[0], found[1], repro)
                summary.disagreements.append(d)
                if echo:
                    print(d.render(engine.__name__, oracle.__name__), flush=True)
                break
        finally:
            a.close()
            b.close()
    summary.seconds = time.perf_counter() - start
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="pyrite vs sqlite3 on random SQL")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--statements", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=None,
                        help="run exactly this many rounds (past disagreements) instead")
    parser.add_argument("--engine", default="pyrite", help="DB-API module under test")
    parser.add_argument("--oracle", default="sqlite3", help="DB-API module taken as right")
    parser.add_argument("--max-disagreements", type=int, default=5)
    parser.add_argument("--no-minimize", action="store_true")
    parser.add_argument("--no-error-classes", action="store_true",
                        help="compare errors as error/no-error only, not by DB-API class")
    parser.add_argument("--print-statements", type=int, default=0,
                        help="just print the first N generated statements of the seed")
    args = parser.parse_args(argv)
    if args.print_statements:
        gen = Generator(args.seed)
        cases = gen.schema() + gen.data(ROWS_PER_TABLE[0])
        cases += [gen.statement() for _ in range(args.print_statements)]
        print("\n".join(c.sql + ";" for c in cases[: args.print_statements]))
        return 0
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))
    global COMPARE_ERROR_CLASSES
    COMPARE_ERROR_CLASSES = not args.no_error_classes
    engine = importlib.import_module(args.engine)
    oracle = importlib.import_module(args.oracle)
    summary = run(engine, oracle, args.seed, args.statements, args.max_disagreements,
                  not args.no_minimize, echo=True, rounds=args.rounds)
    found = len(summary.disagreements or [])
    print(f"{summary.statements} statements in {summary.rounds} rounds, {found} disagreements "
          f"(rounds {sorted(d.round for d in summary.disagreements or [])}), "
          f"{summary.seconds:.1f} s (seed {args.seed}, {args.engine} vs {args.oracle})")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
