"""A sqllogictest runner for any DB-API module (pyrite, or sqlite3 as the oracle).

Owns the corpus format of ../shared/sqllogictest (its README is the spec this
file follows, rule by rule) and SQLite's value-to-text conversions, which are
done here in Python so that the engine under test is never asked to format its
own answers. Knows nothing of pyrite's internals: the engine is a module with
``connect()``.

    python tests/conformance/slt.py [--engine pyrite|sqlite3] [--max-records N]
        [--timeout-per-file S] [--results FILE] PATHS...

Rules implemented (README "File format"):
  * lines: one trailing CR stripped; ``#`` lines dropped anywhere; records
    are separated by whitespace-only lines; only 4 header tokens count.
  * ``skipif``/``onlyif`` (second token, case-insensitive); the engine name
    is always ``sqlite``.
  * ``statement ok|error``: the whole text is run (several statements as a
    script); ``error`` means any error.
  * ``query <types> [<sortmode> [<label>]]``: a prepare error fails; a step
    error ends the result; values printed as sqlite3_column_int (I),
    SQLite's printf ``%.3f`` with 16-digit rounding (R), and column text with
    bytes outside 0x20-0x7E as ``@`` (T); NULL and ``(empty)``; nosort,
    rowsort, valuesort; hash threshold and MD5; labels share one MD5.
  * ``hash-threshold N``, ``halt``; an unknown header stops the file.
Each file runs on a fresh in-memory database, within a time budget.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import math
import os
import re
import signal
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

ENGINE_NAME = "sqlite"
DEFAULT_HASH_THRESHOLD = 8
REPO_ROOT = Path(__file__).resolve().parents[2]


def corpus_root() -> Path:
    """The corpus folder: $PYRITE_SLT_DIR, else ../shared/sqllogictest beside the repo."""
    env = os.environ.get("PYRITE_SLT_DIR")
    if env:
        return Path(env)
    return REPO_ROOT.parent / "shared" / "sqllogictest"


# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Record:
    """One record: its header tokens, SQL, expected lines and conditionals."""

    line: int  # 1-based line of the header
    kind: str  # "statement", "query", "hash-threshold", "halt" or the unknown word
    tokens: tuple[str, ...]  # the header's first 4 tokens
    sql: str
    expected: tuple[str, ...]
    skip: bool  # skipped by skipif/onlyif for ENGINE_NAME
    has_separator: bool  # a query had a "----" line


def _is_skipped(conditions: Sequence[tuple[str, str]]) -> bool:
    for word, db in conditions:
        if word == "skipif" and db == ENGINE_NAME:
            return True
        if word == "onlyif" and db != ENGINE_NAME:
            return True
    return False


def parse(text: str) -> list[Record]:
    """Split a .test file's text into records, per the README's line rules."""
    groups: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if line.startswith("#"):
            continue  # a comment is dropped wherever it is, and is not blank
        if not line.strip():
            if current:
                groups.append(current)
                current = []
            continue
        current.append((number, line))
    if current:
        groups.append(current)

    records: list[Record] = []
    for group in groups:
        conditions: list[tuple[str, str]] = []
        i = 0
        while i < len(group):
            words = group[i][1].split()
            if words[0] in ("skipif", "onlyif") and len(words) >= 2:
                conditions.append((words[0], words[1].lower()))
                i += 1
            else:
                break
        if i == len(group):
            continue  # conditionals with no header: nothing to run
        number, header = group[i]
        tokens = tuple(header.split()[:4])
        body = [text for _, text in group[i + 1 :]]
        kind = tokens[0]
        sql = ""
        expected: tuple[str, ...] = ()
        has_separator = False
        if kind == "statement":
            sql = "\n".join(body)
        elif kind == "query":
            if "----" in body:
                cut = body.index("----")
                sql = "\n".join(body[:cut])
                expected = tuple(body[cut + 1 :])
                has_separator = True
            else:
                sql = "\n".join(body)
        records.append(
            Record(number, kind, tokens, sql, expected, _is_skipped(conditions), has_separator)
        )
    return records


# --------------------------------------------------------------------------
# SQLite's value conversions (sqlite3_column_int / _double / _text)
# --------------------------------------------------------------------------

_SPACE = rb" \t\n\v\f\r"
_LEADING_INT = re.compile(rb"[" + _SPACE + rb"]*([+-]?)([0-9]*)")
_LEADING_REAL = re.compile(
    rb"[" + _SPACE + rb"]*([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
)
_I64_MIN = -(2**63)
_I64_MAX = 2**63 - 1


def _as_bytes(value: str | bytes | bytearray | memoryview) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    return bytes(value)


def _low32(value: int) -> int:
    """The low 32 bits as a C int, as sqlite3_column_int keeps them."""
    return ((value + 2**31) & 0xFFFFFFFF) - 2**31


def _real_to_int64(value: float) -> int:
    """SQLite's doubleToInt64: truncate toward zero, saturate at the limits."""
    if math.isnan(value):
        return 0
    if value <= -9223372036854775808.0:
        return _I64_MIN
    if value >= 9223372036854775808.0:
        return _I64_MAX
    return int(value)


def _text_to_int64(data: bytes) -> int:
    """sqlite3Atoi64's value: the leading integer of the text, saturated."""
    match = _LEADING_INT.match(data)
    assert match is not None  # the pattern matches the empty string
    digits = match.group(2)
    if not digits:
        return 0
    number = int(digits)
    if match.group(1) == b"-":
        return max(-number, _I64_MIN)
    return min(number, _I64_MAX)


def _text_to_real(data: bytes) -> float:
    """sqlite3AtoF's value: the leading real number of the text, else 0.0."""
    match = _LEADING_REAL.match(data)
    if match is None:
        return 0.0
    return float(match.group(1))


def column_int(value: Any) -> int:
    """sqlite3_column_int of a non-NULL value."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return _low32(value)
    if isinstance(value, float):
        return _low32(_real_to_int64(value))
    return _low32(_text_to_int64(_as_bytes(value)))


def column_double(value: Any) -> float:
    """sqlite3_column_double of a non-NULL value."""
    if isinstance(value, int | float):
        return float(value)
    return _text_to_real(_as_bytes(value))


_PRECISION = 3  # the corpus's "%.3f"
_MAX_DIGITS = 16  # sqlite3FpDecode's mxRound for %f
_DECODE_DIGITS = 18


def _pwr10to2(p: int) -> int:
    return (p * 108853) >> 15  # floor(log2(10**p)), as SQLite computes it


def _pwr2to10(p: int) -> int:
    return (p * 78913) >> 18  # floor(log10(2**p))


def _power_of_ten(p: int) -> int:
    """sqlite3PowerOfTen[p]: 10**p scaled to 64 bits (top bit set), truncated."""
    shift = 63 - _pwr10to2(p)
    power = int(10 ** abs(p))
    if p >= 0:
        return power << shift if shift >= 0 else power >> -shift
    return (1 << shift) // power


def _decode_digits(value: float) -> tuple[str, int]:
    """sqlite3FpDecode's digits of a finite value > 0 (sqlite3Fp2Convert10, n=17).

    Returns (digits, exponent): value ~= int(digits) * 10**exponent."""
    bits = struct.unpack("<Q", struct.pack("<d", value))[0]
    biased = (bits >> 52) & 0x7FF
    mantissa = bits & 0x000FFFFFFFFFFFFF
    if biased == 0:  # subnormal
        lead = 64 - mantissa.bit_length()
        m, e = mantissa << lead, -1074 - lead
    else:
        m, e = (mantissa << 11) | (1 << 63), biased - 1086
    p = _DECODE_DIGITS - 1 - _pwr2to10(e + 63)
    high = (m * _power_of_ten(p)) >> 64
    out = high >> -(e + _pwr10to2(p) + 3)
    return str((out + 2 + ((out >> 2) & 1)) >> 2), -p


def format_real(value: float) -> str:
    """SQLite's printf("%.3f") as SQLite >= 3.47 does it.

    sqlite3FpDecode: about 18 significant digits from a 64x64-bit multiply by
    a power of ten, rounded half-up once, at the third decimal or the 16th
    significant digit, whichever comes first; later places print as zeros.
    Against SQLite 3.53.4's printf over 600k random doubles this agrees on
    all but 0.03 %: values whose 18th-19th digits sit next to a rounding
    boundary. SQLite 3.40.1 truncated at the 16th digit (README, "R")."""
    if math.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    if math.isnan(value):
        return "NaN"
    if value == 0:
        return "0.000"  # -0.0 < 0 is false in C: no sign
    sign = "-" if value < 0 else ""
    digits, exponent = _decode_digits(abs(value))
    point = len(digits) + exponent  # digits[:point] is the integer part
    cut = point + _PRECISION
    if cut == 0 and digits[0] >= "5":
        digits, point, cut = "0" + digits, point + 1, 1
    if cut > 0 and (cut < len(digits) or len(digits) > _MAX_DIGITS):
        cut = min(cut, _MAX_DIGITS)
        head = digits[:cut]
        if digits[cut] >= "5":
            rounded = str(int(head) + 1)
            if len(rounded) > len(head):
                point += 1
            head = rounded
        digits = head
    whole = digits[:point].ljust(point, "0") if point > 0 else "0"
    fraction = "".join(
        digits[i] if 0 <= i < len(digits) else "0" for i in range(point, point + _PRECISION)
    )
    return f"{sign}{whole}.{fraction}"


def real_to_text(value: float) -> str:
    """SQLite's REAL-to-text ("%!.15g", then 17 digits if that does not round-trip)."""
    if math.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    text = f"{value:.15g}"
    if float(text) != value:
        text = f"{value:.17g}"
    if "e" not in text and "." not in text:
        text += ".0"
    return text


def column_text(value: Any) -> str:
    """sqlite3_column_text as the harness prints it: C string, bytes outside 0x20-0x7E -> @."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return real_to_text(value)
    data = _as_bytes(value).split(b"\0", 1)[0]  # the harness reads a C string
    if not data:
        return "(empty)"
    return "".join(chr(b) if 0x20 <= b <= 0x7E else "@" for b in data)


def format_value(value: Any, letter: str) -> str:
    """One result value as the corpus prints it for a column of type `letter`."""
    if value is None:
        return "NULL"
    if letter == "I":
        return str(column_int(value))
    if letter == "R":
        return format_real(column_double(value))
    return column_text(value)


def md5_of(values: Iterable[str]) -> str:
    digest = hashlib.md5()
    for value in values:
        digest.update(value.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


# --------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------


class FileTimeout(BaseException):
    """The file's time budget ran out (a BaseException so engines cannot swallow it)."""


@dataclass(slots=True)
class Failure:
    path: str
    line: int
    sql: str
    reason: str
    expected: list[str] = field(default_factory=list)
    got: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    def render(self) -> str:
        parts = [f"FAIL {self.where}: {self.reason}", "  sql: " + self.sql.replace("\n", "\n       ")]
        if self.expected or self.got:
            parts.append("  expected: " + _preview(self.expected))
            parts.append("  got:      " + _preview(self.got))
        return "\n".join(parts)


def _preview(lines: Sequence[str], limit: int = 12) -> str:
    shown = " | ".join(lines[:limit])
    if len(lines) > limit:
        shown += f" | ... ({len(lines)} lines)"
    return shown or "(nothing)"


@dataclass(slots=True)
class FileResult:
    path: str
    records: int = 0  # every record in the file (or in the first --max-records)
    statements_run: int = 0
    statements_passed: int = 0
    queries_run: int = 0
    queries_passed: int = 0
    skipped: int = 0
    seconds: float = 0.0
    timed_out: bool = False
    failures: list[Failure] = field(default_factory=list)

    @property
    def run(self) -> int:
        return self.statements_run + self.queries_run

    @property
    def passed(self) -> int:
        return self.statements_passed + self.queries_passed

    @property
    def failed(self) -> int:
        return self.run - self.passed


def load_engine(name: str) -> ModuleType:
    return importlib.import_module(name)


def open_connection(engine: ModuleType) -> Any:
    """A fresh in-memory database in autocommit mode (statements run like sqlite3_exec)."""
    try:
        return engine.connect(":memory:", isolation_level=None)
    except TypeError:
        con = engine.connect(":memory:")
        try:
            con.isolation_level = None
        except Exception:
            pass
        return con


def _is_script(sql: str) -> bool:
    return ";" in sql.strip().rstrip(";")


def run_statement(con: Any, sql: str) -> Exception | None:
    """Run every statement in `sql`; the engine's error, or None."""
    try:
        if _is_script(sql):
            con.executescript(sql)
        else:
            cur = con.cursor()
            cur.execute(sql)
            cur.fetchall()
            cur.close()
    except Exception as exc:  # any engine error, including its own bugs
        return exc
    return None


def run_query(con: Any, sql: str) -> tuple[int | None, list[tuple[Any, ...]]] | Exception:
    """(column count, rows) of a query, or the prepare error.

    A step error ends the result (README: "How errors count"). DB-API execute()
    prepares *and* takes the first step, so when it fails the statement is
    prepared again with EXPLAIN: if that works, the error was a step error."""
    cur = con.cursor()
    try:
        cur.execute(sql)
    except Exception as exc:
        try:
            con.cursor().execute("EXPLAIN " + sql).fetchall()
        except Exception:
            return exc
        return None, []  # step error at the first row: columns unknown, no rows
    ncols = len(cur.description) if cur.description else 0
    rows: list[tuple[Any, ...]] = []
    try:
        for row in cur:
            rows.append(tuple(row))
    except Exception:
        pass  # a step error ends the result
    return ncols, rows


def _expected_hash(record: Record) -> str:
    if record.expected:
        match = re.fullmatch(r"\d+ values hashing to ([0-9a-f]{32})", record.expected[0])
        if match:
            return match.group(1)
    return md5_of(record.expected)


def _check_query(
    record: Record,
    ncols: int | None,
    rows: list[tuple[Any, ...]],
    threshold: int,
    labels: dict[str, str],
) -> tuple[str, list[str]] | None:
    """None if the result matches, else (reason, what we got)."""
    types = record.tokens[1] if len(record.tokens) > 1 else ""
    sortmode = record.tokens[2] if len(record.tokens) > 2 else "nosort"
    if ncols is not None and ncols != len(types):
        return f"expected {len(types)} columns, got {ncols}", []
    if rows and any(len(row) != len(types) for row in rows):
        return f"expected {len(types)} columns, got rows of another width", []
    printed = [[format_value(v, letter) for v, letter in zip(row, types, strict=True)] for row in rows]
    if sortmode == "rowsort":
        printed.sort()
    values = [v for row in printed for v in row]
    if sortmode == "valuesort":
        values.sort()
    elif sortmode not in ("nosort", "rowsort"):
        return f"unknown sort mode {sortmode!r}", values
    digest: str | None = None
    if threshold > 0 and len(values) > threshold:
        digest = md5_of(values)
        got = [f"{len(values)} values hashing to {digest}"]
        if list(record.expected[:1]) != got or len(record.expected) > 1:
            return "wrong result", got
    elif list(record.expected) != values:
        return "wrong result", values
    if len(record.tokens) > 3:
        key = record.tokens[3][:20]
        digest = digest or md5_of(values)
        if labels.setdefault(key, _expected_hash(record)) != digest:
            return f"label {key} gave a different hash", values
    return None


class _Budget:
    """A per-file time budget: SIGALRM in the main thread, plus interrupt() for C engines."""

    def __init__(self, seconds: float | None, con: Any) -> None:
        self.seconds = seconds
        self.con = con
        self._timer: threading.Timer | None = None
        self._alarm = False

    def __enter__(self) -> _Budget:
        if not self.seconds:
            return self
        if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGALRM"):
            signal.signal(signal.SIGALRM, self._on_alarm)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
            self._alarm = True
        interrupt = getattr(self.con, "interrupt", None)
        if callable(interrupt):
            self._timer = threading.Timer(self.seconds + 0.05, _quietly(interrupt))
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
        if self._timer is not None:
            self._timer.cancel()

    @staticmethod
    def _on_alarm(signum: int, frame: object) -> None:
        raise FileTimeout()


def _quietly(fn: Callable[[], object]) -> Callable[[], None]:
    def call() -> None:
        try:
            fn()
        except Exception:
            pass

    return call


def run_file(
    engine: ModuleType,
    path: Path,
    name: str,
    max_records: int | None = None,
    timeout: float | None = None,
) -> FileResult:
    """Run one .test file on a fresh in-memory database."""
    records = parse(path.read_bytes().decode("latin-1"))
    if max_records is not None:
        records = records[:max_records]
    result = FileResult(name, records=len(records))
    start = time.perf_counter()
    labels: dict[str, str] = {}
    threshold = DEFAULT_HASH_THRESHOLD
    position = 0
    try:
        con = open_connection(engine)
    except Exception as exc:
        for record in records:
            if record.kind in ("statement", "query") and not record.skip:
                _count_run(result, record)
                result.failures.append(Failure(name, record.line, record.sql, f"connect failed: {exc!r}"))
        result.seconds = time.perf_counter() - start
        return result
    try:
        with _Budget(timeout, con):
            for position, record in enumerate(records):  # noqa: B007 - used after the loop
                if timeout and time.perf_counter() - start > timeout:
                    raise FileTimeout()
                if record.skip:
                    result.skipped += 1
                    if record.kind == "query" and len(record.tokens) > 3:
                        labels.setdefault(record.tokens[3][:20], _expected_hash(record))
                    continue
                if record.kind == "hash-threshold":
                    threshold = int(record.tokens[1])
                elif record.kind == "halt":
                    break
                elif record.kind == "statement":
                    _run_statement_record(con, record, result)
                elif record.kind == "query":
                    _run_query_record(con, record, result, threshold, labels)
                else:
                    result.failures.append(
                        Failure(name, record.line, "", f"unknown header {record.tokens[0]!r}: file stopped")
                    )
                    break
            position = len(records)
    except FileTimeout:
        result.timed_out = True
        for record in records[position:]:
            if record.kind in ("statement", "query") and not record.skip:
                _count_run(result, record)
                result.failures.append(
                    Failure(name, record.line, record.sql, f"not run: file time budget ({timeout} s) spent")
                )
    finally:
        try:
            con.close()
        except Exception:
            pass
    result.seconds = time.perf_counter() - start
    return result


def _count_run(result: FileResult, record: Record) -> None:
    if record.kind == "statement":
        result.statements_run += 1
    else:
        result.queries_run += 1


def _run_statement_record(con: Any, record: Record, result: FileResult) -> None:
    result.statements_run += 1
    error = run_statement(con, record.sql)
    want_error = len(record.tokens) > 1 and record.tokens[1] == "error"
    if want_error and error is None:
        result.failures.append(Failure(result.path, record.line, record.sql, "expected an error, got none"))
    elif not want_error and error is not None:
        result.failures.append(
            Failure(result.path, record.line, record.sql, f"unexpected error: {_describe(error)}")
        )
    else:
        result.statements_passed += 1


def _run_query_record(
    con: Any, record: Record, result: FileResult, threshold: int, labels: dict[str, str]
) -> None:
    result.queries_run += 1
    outcome = run_query(con, record.sql)
    if isinstance(outcome, Exception):
        if len(record.tokens) > 3:
            labels.setdefault(record.tokens[3][:20], _expected_hash(record))
        result.failures.append(
            Failure(result.path, record.line, record.sql, f"error: {_describe(outcome)}", list(record.expected))
        )
        return
    ncols, rows = outcome
    try:
        problem = _check_query(record, ncols, rows, threshold, labels)
    except Exception as exc:  # a value the conversions cannot read: the engine's fault
        problem = (f"unprintable result: {_describe(exc)}", [])
    if problem is None:
        result.queries_passed += 1
    else:
        reason, got = problem
        result.failures.append(Failure(result.path, record.line, record.sql, reason, list(record.expected), got))


def _describe(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}"[:300]


def collect(paths: Iterable[str]) -> list[tuple[Path, str]]:
    """(.test file, display name) for every file or folder given, in sorted order."""
    root = corpus_root().resolve()
    found: list[Path] = []
    for given in paths:
        p = Path(given)
        if not p.exists() and not p.is_absolute() and (root / p).exists():
            p = root / p
        if p.is_dir():
            found.extend(sorted(p.rglob("*.test")))
        else:
            found.append(p)
    out: list[tuple[Path, str]] = []
    for p in found:
        resolved = p.resolve()
        try:
            name = str(resolved.relative_to(root))
        except ValueError:
            name = str(p)
        out.append((p, name))
    return out


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------


def results_table(results: Sequence[FileResult]) -> str:
    rows = [
        "| file | records | statements passed / run | queries passed / run | run | passed | failed | skipped | seconds |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        note = " (time budget spent)" if r.timed_out else ""
        rows.append(
            f"| {r.path}{note} | {r.records:,} | {r.statements_passed:,} / {r.statements_run:,} | "
            f"{r.queries_passed:,} / {r.queries_run:,} | {r.run:,} | {r.passed:,} | {r.failed:,} | "
            f"{r.skipped:,} | {r.seconds:.1f} |"
        )
    t = FileResult("**total**")
    for r in results:
        t.records += r.records
        t.statements_run += r.statements_run
        t.statements_passed += r.statements_passed
        t.queries_run += r.queries_run
        t.queries_passed += r.queries_passed
        t.skipped += r.skipped
        t.seconds += r.seconds
    rows.append(
        f"| **total ({len(results)} files)** | {t.records:,} | {t.statements_passed:,} / {t.statements_run:,} | "
        f"{t.queries_passed:,} / {t.queries_run:,} | {t.run:,} | {t.passed:,} | {t.failed:,} | "
        f"{t.skipped:,} | {t.seconds:.1f} |"
    )
    return "\n".join(rows)


def engine_version(engine: ModuleType) -> str:
    version = getattr(engine, "sqlite_version", None) or getattr(engine, "__version__", "?")
    return f"{engine.__name__} (sqlite_version {version})"


def write_results(
    path: Path, engine: ModuleType, argv: Sequence[str], results: Sequence[FileResult]
) -> None:
    failures = [f for r in results for f in r.failures]
    lines = [
        "# sqllogictest results",
        "",
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- engine: {engine_version(engine)}, run as `{ENGINE_NAME}`; Python {sys.version.split()[0]}",
        f"- command: `python tests/conformance/slt.py {' '.join(argv)}`",
        "",
        results_table(results),
        "",
    ]
    if failures:
        lines += ["## Failures (first 200)", ""]
        lines += [f"- `{f.where}` {f.reason}" for f in failures[:200]]
        lines.append("")
    path.write_text("\n".join(lines))


def _known_failures_header(path: Path) -> list[str]:
    """The '#' comment lines and whole-file ("file:*") entries of an existing list, kept."""
    if not path.exists():
        return []
    keep = []
    for line in path.read_text().splitlines(keepends=True):
        word = line.split(maxsplit=1)[0] if line.strip() else ""
        if line.startswith("#") or word.endswith(":*"):
            keep.append(line)
    return keep


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", help=".test files or folders (relative to the corpus is fine)")
    parser.add_argument("--engine", default="pyrite", help="DB-API module to test (pyrite, sqlite3, ...)")
    parser.add_argument("--max-records", type=int, default=None, help="run only the first N records of each file")
    parser.add_argument("--timeout-per-file", type=float, default=600.0, help="seconds per file (0: none)")
    parser.add_argument("--results", type=Path, default=None, help="write the markdown results table here")
    parser.add_argument("--exclude", action="append", default=[], metavar="FILE",
                        help="leave out this file (name relative to the corpus); repeatable")
    parser.add_argument("--show", type=int, default=10, help="failures printed in full per file")
    parser.add_argument("--known-failures-out", type=Path, default=None,
                        help="write every failure as 'file:line  reason' (known_failures.txt format)")
    args = parser.parse_args(argv)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))

    engine = load_engine(args.engine)
    files = [(p, n) for p, n in collect(args.paths) if n not in set(args.exclude)]
    results: list[FileResult] = []
    for path, name in files:
        result = run_file(engine, path, name, args.max_records, args.timeout_per_file or None)
        results.append(result)
        for failure in result.failures[: args.show]:
            print(failure.render())
        if len(result.failures) > args.show:
            print(f"... {len(result.failures) - args.show} more failures in {name}")
        print(
            f"{name}: {result.passed}/{result.run} passed, {result.failed} failed, "
            f"{result.skipped} skipped, {result.seconds:.1f} s" + (" [TIME BUDGET SPENT]" if result.timed_out else ""),
            flush=True,
        )
    print()
    print(results_table(results))
    if args.results:
        write_results(args.results, engine, list(argv if argv is not None else sys.argv[1:]), results)
    if args.known_failures_out:
        header = _known_failures_header(args.known_failures_out)
        args.known_failures_out.write_text(
            "".join(header) + "".join(f"{f.where}  {f.reason}\n" for r in results for f in r.failures)
        )
    return 0 if all(r.failed == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
