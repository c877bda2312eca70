"""pyrite beside sqlite3 and pyturso on the same workloads, each run in a fresh process.

    python bench/run.py [--rows 20000] [--rounds 3] [--engines pyrite,sqlite3,turso]
                        [--only W1,W2] [--large] [--timeout 120] [--markdown FILE]

Every (round, workload, engine) runs in its own child process (this file with
--child), on a new database file in a temporary folder, so no engine profits
from another's caches or from an earlier workload. Engines are interleaved and
their order rotates each round; the reported time is the median of the rounds.
Every engine gets the same PRAGMA journal_mode and synchronous (WAL and NORMAL
by default: pyturso supports only WAL). Setup (filling tables) is not timed;
each workload times only its own part. A child past --timeout is killed and
reported as such. Peak memory is the child's ru_maxrss.

Speed is reported, never asserted: the table is for bench/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import math
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ENGINES = ("pyrite", "sqlite3", "turso")  # turso is the pyturso package
BASELINE = "sqlite3"
LARGE_ROWS = 1_000_000

Workload = Callable[[ModuleType, str, int], float]  # (engine, db path, rows) -> seconds timed
WORKLOADS: dict[str, Workload] = {}
LARGE_WORKLOADS: dict[str, Workload] = {}


def workload(name: str, large: bool = False) -> Callable[[Workload], Workload]:
    def register(fn: Workload) -> Workload:
        (LARGE_WORKLOADS if large else WORKLOADS)[name] = fn
        return fn

    return register


# --------------------------------------------------------------------------
# Helpers shared by workloads (run inside the child)
# --------------------------------------------------------------------------

JOURNAL_MODE = "wal"
SYNCHRONOUS = "normal"


def connect(engine: ModuleType, path: str) -> Any:
    """Autocommit connection (explicit BEGIN/COMMIT) with the run's journal settings."""
    try:
        con = engine.connect(path, isolation_level=None)
    except TypeError:
        con = engine.connect(path)
    con.execute(f"PRAGMA journal_mode={JOURNAL_MODE}").fetchall()
    con.execute(f"PRAGMA synchronous={SYNCHRONOUS}").fetchall()
    return con


def make_row(i: int) -> tuple[int, str, int, float, int]:
    """Row i of table t: (id, name, value, score, grp), deterministic."""
    rng = random.Random(i)
    return (i, f"name-{rng.randrange(10**9):09d}-{i}", rng.randrange(1_000_000), rng.random(), i % 100)


T_SCHEMA = "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, value INTEGER, score REAL, grp INTEGER)"


def fill(con: Any, rows: int, table: str = "t") -> None:
    con.execute(T_SCHEMA.replace(" t ", f" {table} ", 1))
    con.execute("BEGIN")
    batch = 5000
    for start in range(1, rows + 1, batch):
        con.executemany(
            f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?)",
            [make_row(i) for i in range(start, min(start + batch, rows + 1))],
        )
    con.execute("COMMIT")


def filled(engine: ModuleType, path: str, rows: int, *indexes: str) -> Any:
    con = connect(engine, path)
    fill(con, rows)
    for sql in indexes:
        con.execute(sql)
    return con


CHECK: list[Any] = []  # what the timed part computed, compared across engines


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def check(con: Any, sql: str = "SELECT count(*), sum(value), min(score), max(score), max(name) FROM t") -> None:
    """Record a summary of the database after the workload, so a fast wrong answer shows."""
    CHECK.append([list(r) for r in con.execute(sql).fetchall()])


def probes(rows: int, count: int, seed: int = 7) -> list[int]:
    rng = random.Random(seed)
    return [rng.randint(1, rows) for _ in range(count)]


# --------------------------------------------------------------------------
# Workloads
# --------------------------------------------------------------------------


@workload("insert row-at-a-time (1 txn)")
def insert_rows(engine: ModuleType, path: str, rows: int) -> float:
    con = connect(engine, path)
    con.execute(T_SCHEMA)
    data = [make_row(i) for i in range(1, rows + 1)]

    def run() -> None:
        con.execute("BEGIN")
        for row in data:
            con.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)", row)
        con.execute("COMMIT")

    seconds = timed(run)
    check(con)
    return seconds


@workload("insert executemany (1 txn)")
def insert_many(engine: ModuleType, path: str, rows: int) -> float:
    con = connect(engine, path)
    con.execute(T_SCHEMA)
    data = [make_row(i) for i in range(1, rows + 1)]

    def run() -> None:
        con.execute("BEGIN")
        con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", data)
        con.execute("COMMIT")

    seconds = timed(run)
    check(con)
    return seconds


@workload("point select by rowid")
def point_select(engine: ModuleType, path: str, rows: int) -> float:
    con = filled(engine, path, rows)
    keys = probes(rows, rows)

    def run() -> None:
        for k in keys:
            row = con.execute("SELECT * FROM t WHERE id = ?", (k,)).fetchone()
        CHECK.append(list(row))

    return timed(run)


@workload("lookup via text index")
def text_lookup(engine: ModuleType, path: str, rows: int) -> float:
    con = filled(engine, path, rows, "CREATE INDEX t_name ON t(name)")
    names = [make_row(k)[1] for k in probes(rows, rows)]

    def run() -> None:
        for name in names:
            rows = con.execute("SELECT id, value FROM t WHERE name = ?", (name,)).fetchall()
        CHECK.append(rows)

    return timed(run)


@workload("index range + aggregate")
def range_aggregate(engine: ModuleType, path: str, rows: int) -> float:
    con = filled(engine, path, rows, "CREATE INDEX t_value ON t(value)")
    starts = [random.Random(s).randrange(990_000) for s in range(200)]

    def run() -> None:
        for lo in starts:
            rows = con.execute("SELECT count(*), sum(value) FROM t WHERE value BETWEEN ? AND ?",
                               (lo, lo + 10_000)).fetchall()
        CHECK.append(rows)

    return timed(run)


@workload("full-scan aggregate")
def scan_aggregate(engine: ModuleType, path: str, rows: int) -> float:
    con = filled(engine, path, rows)

    def run() -> None:
        for _ in range(10):
            rows = con.execute("SELECT sum(value), count(*) FROM t WHERE score > 0.5").fetchall()
        CHECK.append(rows)

    return timed(run)


@workload("fetch all rows")
def fetch_all(engine: ModuleType, path: str, rows: int) -> float:
    con = filled(engine, path, rows)

    def run() -> None:
        for _ in range(5):
            rows = con.execute("SELECT * FROM t").fetchall()
        CHECK.append([len(rows), list(rows[-1])])

    return timed(run)


@workload("GROUP BY")
def group_by(engine: ModuleType, path: str, rows: int) -> float:
    con = filled(engine, path, rows)

    def run() -> None:
        for _ in range(5):
            rows = con.execute("SELECT grp, count(*), sum(value), max(score) FROM t GROUP BY grp").fetchall()
        CHECK.append(sorted(rows))

    return timed(run)


@workload("ORDER BY ... LIMIT (no index)")
def order_limit(engine: ModuleType, path: str, rows: int) -> float:
    con = filled(engine, path, rows)

    def run() -> None:
        for _ in range(10):
            rows = con.execute("SELECT * FROM t ORDER BY score DESC LIMIT 10").fetchall()
        CHECK.append(rows)

    return timed(run)


@workload("join through an index")
def join_index(engine: ModuleType, path: str, rows: int) -> float:
    con = filled(engine, path, rows)
    con.execute("CREATE TABLE u (id INTEGER PRIMARY KEY, t_id INTEGER, qty INTEGER)")
    con.execute("BEGIN")
    con.executemany("INSERT INTO u VALUES (?, ?, ?)",
                    [(i, (i * 7919) % rows + 1, i % 13) for i in range(1, rows + 1)])
    con.execute("COMMIT")
    con.execute("CREATE INDEX u_t ON u(t_id)")

    def run() -> None:
        for g in range(20):
            rows = con.execute("SELECT count(*), sum(u.qty * t.value) FROM t JOIN u ON u.t_id = t.id "
                               "WHERE t.grp = ?", (g,)).fetchall()
            CHECK.append(rows)

    return timed(run)


@workload("UPDATE by rowid")
def update_rowid(engine: ModuleType, path: str, rows: int) -> float:
    con = filled(engine, path, rows)
    keys = probes(rows, rows)

    def run() -> None:
        con.execute("BEGIN")
        for k in keys:
            con.execute("UPDATE t SET value = value + 1 WHERE id = ?", (k,))
        con.execute("COMMIT")

    seconds = timed(run)
    check(con)
    return seconds


@workload("DELETE by rowid")
def delete_rowid(engine: ModuleType, path: str, rows: int) -> float:
    con = filled(engine, path, rows)
    keys = list(range(1, rows + 1, 2))
    random.Random(3).shuffle(keys)

    def run() -> None:
        con.execute("BEGIN")
        for k in keys:
            con.execute("DELETE FROM t WHERE id = ?", (k,))
        con.execute("COMMIT")

    seconds = timed(run)
    check(con)
    return seconds


@workload("CREATE INDEX on filled table")
def create_index(engine: ModuleType, path: str, rows: int) -> float:
    con = filled(engine, path, rows)
    seconds = timed(lambda: con.execute("CREATE INDEX t_name ON t(name)"))
    check(con, "SELECT count(*), min(name), max(name) FROM t INDEXED BY t_name WHERE name > 'name-5'")
    return seconds


@workload("many small transactions")
def small_transactions(engine: ModuleType, path: str, rows: int) -> float:
    con = connect(engine, path)
    con.execute(T_SCHEMA)
    count = max(rows // 20, 10)

    def run() -> None:
        for i in range(1, count + 1):
            con.execute("BEGIN")
            con.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)", make_row(i))
            con.execute("COMMIT")

    seconds = timed(run)
    check(con)
    return seconds


@workload("connect + first query")
def connect_first(engine: ModuleType, path: str, rows: int) -> float:
    filled(engine, path, rows).close()

    def run() -> None:
        con = engine.connect(path)
        CHECK.append(con.execute("SELECT * FROM t WHERE id = 1").fetchall())
        con.close()

    return timed(run)


@workload("1M-row table scan", large=True)
def big_scan(engine: ModuleType, path: str, rows: int) -> float:
    """Scan a LARGE_ROWS table built by sqlite3 (same file format), streaming rows."""
    con = connect(engine, path)

    def run() -> None:
        total = 0
        for row in con.execute("SELECT * FROM t"):
            total += row[2]
        CHECK.append(total)

    return timed(run)


def prepare_large(folder: Path) -> Path:
    """The 1M-row database, written once per run by sqlite3 (rollback journal, then WAL)."""
    import sqlite3

    path = folder / "large.db"
    if not path.exists():
        con = sqlite3.connect(path, isolation_level=None)
        fill(con, LARGE_ROWS)
        con.execute(f"PRAGMA journal_mode={JOURNAL_MODE}").fetchall()
        con.close()
    return path


# --------------------------------------------------------------------------
# Child process
# --------------------------------------------------------------------------


def child(engine_name: str, name: str, rows: int, db: str) -> None:
    engine = importlib.import_module(engine_name)
    fn = WORKLOADS.get(name) or LARGE_WORKLOADS[name]
    seconds = fn(engine, db, rows)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    digest = hashlib.sha1(repr(CHECK).encode()).hexdigest()[:12]
    print(json.dumps({"seconds": seconds, "peak_kb": peak_kb, "check": digest}))


# --------------------------------------------------------------------------
# Parent
# --------------------------------------------------------------------------


def available(engine: str) -> str | None:
    """None if the engine imports and connects in a child, else why not."""
    code = f"import {engine}; {engine}.connect(':memory:').execute('select 1').fetchall()"
    proc = subprocess.run([sys.executable, "-c", code], env=child_env(), capture_output=True,
                          text=True, timeout=60)
    if proc.returncode == 0:
        return None
    lines = proc.stderr.strip().splitlines()
    return lines[-1] if lines else f"exit {proc.returncode}"


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    return env


def run_child(engine: str, name: str, rows: int, folder: Path, timeout: float,
              db: Path | None) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(dir=folder))
    try:
        path = db if db is not None else work / "bench.db"
        if db is not None:  # a shared prebuilt file: give each child its own copy
            path = work / db.name
            shutil.copy(db, path)
            for suffix in ("-wal", "-shm"):
                if Path(str(db) + suffix).exists():
                    shutil.copy(Path(str(db) + suffix), Path(str(path) + suffix))
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", engine, name, str(rows),
               str(path), "--journal-mode", JOURNAL_MODE, "--synchronous", SYNCHRONOUS]
        try:
            proc = subprocess.run(cmd, env=child_env(), capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"error": f"timeout {timeout:.0f}s"}
        if proc.returncode != 0:
            lines = proc.stderr.strip().splitlines()
            return {"error": (lines[-1] if lines else f"exit {proc.returncode}")[:120]}
        return dict(json.loads(proc.stdout.strip().splitlines()[-1]))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def fmt_seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def main(argv: list[str] | None = None) -> int:
    global JOURNAL_MODE, SYNCHRONOUS
    parser = argparse.ArgumentParser(description="pyrite / sqlite3 / pyturso benchmarks")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--only", default="", help="comma-separated substrings of workload names")
    parser.add_argument("--large", action="store_true", help=f"also the {LARGE_ROWS:,}-row scan")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per child process")
    parser.add_argument("--journal-mode", default="wal")
    parser.add_argument("--synchronous", default="normal")
    parser.add_argument("--markdown", type=Path, default=None, help="also write the tables here")
    parser.add_argument("--child", nargs=4, metavar=("ENGINE", "WORKLOAD", "ROWS", "DB"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    JOURNAL_MODE, SYNCHRONOUS = args.journal_mode, args.synchronous
    if args.child:
        engine, name, rows, db = args.child
        child(engine, name, int(rows), db)
        return 0

    engines: list[str] = []
    notes: list[str] = []
    for engine in args.engines.split(","):
        why = available(engine)
        if why is None:
            engines.append(engine)
        else:
            note = f"{engine}: not run ({why})"
            if engine == "turso":
                note += "; install with `pip install pyturso`"
            notes.append(note)
    chosen = dict(WORKLOADS)
    if args.large:
        chosen.update(LARGE_WORKLOADS)
    if args.only:
        wanted = [w.strip().lower() for w in args.only.split(",")]
        chosen = {k: v for k, v in chosen.items() if any(w in k.lower() for w in wanted)}

    results: dict[tuple[str, str], list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="pyrite-bench-") as tmp:
        folder = Path(tmp)
        large_db = prepare_large(folder) if any(k in LARGE_WORKLOADS for k in chosen) else None
        for rnd in range(args.rounds):
            order = engines[rnd % len(engines):] + engines[: rnd % len(engines)] if engines else []
            for name in chosen:
                rows = LARGE_ROWS if name in LARGE_WORKLOADS else args.rows
                db = large_db if name in LARGE_WORKLOADS else None
                for engine in order:
                    out = run_child(engine, name, rows, folder, args.timeout, db)
                    results.setdefault((name, engine), []).append(out)
                    shown = fmt_seconds(out["seconds"]) if "seconds" in out else out["error"]
                    print(f"round {rnd + 1}  {name:<32} {engine:<8} {shown}", file=sys.stderr, flush=True)

    text = report(args, chosen, engines, results, notes)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n")
    return 0


def report(args: argparse.Namespace, chosen: dict[str, Workload], engines: list[str],
           results: dict[tuple[str, str], list[dict[str, Any]]], notes: list[str]) -> str:
    def median(name: str, engine: str, key: str) -> float | None:
        runs = [r[key] for r in results.get((name, engine), []) if key in r]
        # a workload counts only if every round finished
        if not runs or len(runs) < len(results.get((name, engine), [])):
            return None
        return float(statistics.median(runs))

    def error(name: str, engine: str) -> str:
        errs = [r["error"] for r in results.get((name, engine), []) if "error" in r]
        return f"fails: {errs[0]}" if errs else "—"

    others = [e for e in engines if e != BASELINE]
    head = ["workload"] + engines + [f"{e}/{BASELINE}" for e in others if BASELINE in engines]
    lines = [
        f"date {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; rows {args.rows:,}; "
        f"rounds {args.rounds} (median); journal_mode={JOURNAL_MODE} synchronous={SYNCHRONOUS}; "
        f"Python {sys.version.split()[0]}; {os.cpu_count()} CPUs",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" + "---:|" * (len(head) - 1),
    ]
    ratios: dict[str, list[float]] = {e: [] for e in others}
    wrong_answers: list[str] = []
    for name in chosen:
        cells = [name]
        base_checks = {r.get("check") for r in results.get((name, BASELINE), [])} - {None}
        for engine in engines:
            t = median(name, engine, "seconds")
            checks = {r.get("check") for r in results.get((name, engine), [])} - {None}
            wrong = bool(base_checks) and bool(checks) and checks != base_checks
            if wrong:
                wrong_answers.append(f"{engine}: {name}")
            cells.append((fmt_seconds(t) if t is not None else error(name, engine)) + (" WRONG" if wrong else ""))
        if BASELINE in engines:
            base = median(name, BASELINE, "seconds")
            for engine in others:
                t = median(name, engine, "seconds")
                if t is not None and base:
                    ratios[engine].append(t / base)
                    cells.append(f"{t / base:.1f}x")
                else:
                    cells.append("—")
        lines.append("| " + " | ".join(cells) + " |")
    if BASELINE in engines:
        cells = ["**geometric mean**"] + [""] * len(engines)
        for engine in others:
            r = ratios[engine]
            cells.append(f"**{math.exp(sum(map(math.log, r)) / len(r)):.2f}x** ({len(r)} workloads)" if r else "—")
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "Peak memory (ru_maxrss of the child, MB, median):", "",
              "| workload | " + " | ".join(engines) + " |", "|---|" + "---:|" * len(engines)]
    for name in chosen:
        cells = [name]
        for engine in engines:
            kb = median(name, engine, "peak_kb")
            cells.append(f"{kb / 1024:.0f}" if kb is not None else "—")
        lines.append("| " + " | ".join(cells) + " |")
    if wrong_answers:
        lines += ["", "WRONG: the result check differs from sqlite3's for: " + "; ".join(wrong_answers)]
    if notes:
        lines += [""] + [f"- {n}" for n in notes]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
