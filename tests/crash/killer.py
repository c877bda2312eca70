"""kill -9 crash test: a child process commits transactions through pyrite.connect, the
parent SIGKILLs it at a random moment, then checks the files it left.

After each kill (the database carries over from round to round, so later children
start by recovering a hot journal or a WAL left by the previous one, and may be
killed while doing so):
  * the files are copied twice; pyrite recovers one copy, sqlite3 the other;
  * both hold exactly transactions 1..L of the stream (workload.py), where L is the
    last commit the child acknowledged or the one after it (in flight at the kill);
  * no partial transaction: `rows` equals the replay of 1..L row by row, `log` is 1..L;
  * PRAGMA integrity_check is "ok" in pyrite and in sqlite3 (also sqlite3 on the
    copy pyrite recovered).

    python -m tests.crash.killer --rounds 1000 --mode delete
    python -m tests.crash.killer --rounds 1000 --mode wal --seed 7

A failing round prints its seed and round; the kill moments are random, so rerun
with the same --seed to replay the stream (the kill moment itself is timing)."""

from __future__ import annotations

import argparse
import os
import random
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import workload

ROOT = Path(__file__).resolve().parents[2]
SUFFIXES = ("", "-journal", "-wal")


# -- the child ------------------------------------------------------------------
def child(path: str, mode: str, seed: int, page_size: int) -> None:
    """Open (recovering whatever a killed predecessor left), then commit forever."""
    import pyrite

    con = pyrite.connect(path, isolation_level=None)
    if mode in ("truncate", "persist"):  # not recorded in the file: set on every open
        con.execute(f"PRAGMA journal_mode = {mode}").fetchall()
    have = {r[0] for r in con.execute("SELECT name FROM sqlite_master").fetchall()}
    if "rows" not in have:
        # fetchall(): a statement left unfinished keeps pyrite's COMMIT from writing
        # (see test_kill.py::test_commit_with_unfinished_select_is_durable)
        con.execute(f"PRAGMA page_size = {page_size}").fetchall()
        con.execute(f"PRAGMA journal_mode = {mode}").fetchall()
        con.execute("BEGIN IMMEDIATE")
        for sql in workload.SCHEMA:
            con.execute(sql)
        con.execute("COMMIT")
    seq = con.execute("SELECT coalesce(max(seq), 0) FROM log").fetchone()[0]
    out = sys.stdout
    out.write(f"ready {seq}\n")
    out.flush()
    while True:
        seq += 1
        workload.run_txn(con, seed, seq)
        out.write(f"{seq}\n")
        out.flush()


# -- the parent -----------------------------------------------------------------
@dataclass
class Stats:
    rounds: int = 0
    acked: int = 0
    in_flight_durable: int = 0
    killed_before_ready: int = 0
    hot_files: dict[str, int] = field(default_factory=dict)


class CrashCheckFailed(AssertionError):
    pass


def _spawn(path: str, mode: str, seed: int, page_size: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.Popen(
        [sys.executable, "-m", "tests.crash.killer", "--child", path, "--mode", mode,
         "--seed", str(seed), "--page-size", str(page_size)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env)


def _run_and_kill(proc: subprocess.Popen[bytes], rnd: random.Random,
                  stats: Stats) -> tuple[int | None, bool]:
    """Kill the child at a random moment; (last acknowledged seq or None, was it ready)."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    buf = b""
    lines: list[str] = []
    early = rnd.random() < 0.15  # sometimes kill while it is still opening / recovering
    delay = rnd.uniform(0.0, 0.4) if early else rnd.uniform(0.02, 1.2)
    start = time.monotonic() if early else None
    ready = False
    while True:
        now = time.monotonic()
        if start is not None and now - start >= delay:
            break
        timeout = 0.05 if start is None else max(0.0, delay - (now - start))
        r, _, _ = select.select([fd], [], [], timeout)
        if r:
            chunk = os.read(fd, 65536)
            if not chunk:
                break  # the child died on its own: checked below
            buf += chunk
            *done, buf = buf.split(b"\n")
            lines += [ln.decode() for ln in done]
            if not ready and any(ln.startswith("ready") for ln in lines):
                ready = True
                if start is None:
                    start = time.monotonic()
        if proc.poll() is not None and not r:
            break
    died_alone = proc.poll() is not None
    if not died_alone:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    rest = proc.stdout.read()
    buf += rest
    lines += [ln.decode() for ln in buf.split(b"\n") if ln]
    err = proc.stderr.read().decode() if proc.stderr is not None else ""
    if died_alone:
        raise CrashCheckFailed(f"child exited by itself (rc={proc.returncode}):\n{err[-3000:]}")
    if not ready:
        stats.killed_before_ready += 1
    acks = [int(ln) for ln in lines if ln and not ln.startswith("ready")]
    return (acks[-1] if acks else None), ready


def _copy(path: Path, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for s in SUFFIXES:
        src = Path(str(path) + s)
        if src.exists():
            shutil.copyfile(src, Path(str(dest / path.name) + s))


def _read_state(con: Any) -> tuple[list[str], int, list[int]]:
    """(integrity_check lines, L, log seqs); a database killed while its schema was being
    created must hold all of the schema or none of it."""
    integrity = [r[0] for r in con.execute("PRAGMA integrity_check")]
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    if not names:
        return integrity, 0, []
    if names != {"rows", "log", "rows_seq"}:
        raise CrashCheckFailed(f"partial schema: {sorted(names)}")
    logs = [r[0] for r in con.execute("SELECT seq FROM log ORDER BY seq")]
    return integrity, (logs[-1] if logs else 0), logs


def _content(con: Any, seed: int, model: dict[int, int], L: int) -> list[str]:
    if L == 0 and not con.execute("SELECT 1 FROM sqlite_master").fetchall():
        return []
    return workload.check_content(con, seed, model)


def check_files(path: Path, work: Path, seed: int, model_at: ModelCache,
                allowed: tuple[int, ...]) -> int:
    """Check the files a killed child left; returns the L they hold."""
    import pyrite

    by_pyrite, by_sqlite = work / "p", work / "s"
    shutil.rmtree(work, ignore_errors=True)
    _copy(path, by_pyrite)
    _copy(path, by_sqlite)
    results = {}
    pcon = pyrite.connect(str(by_pyrite / path.name), isolation_level=None)
    try:
        results["pyrite"] = pcon, _read_state(pcon)
        L = results["pyrite"][1][1]
        problems = _content(pcon, seed, model_at.get(L), L)
    finally:
        pcon.close()
    scon = sqlite3.connect(by_sqlite / path.name)
    try:
        results["sqlite3"] = scon, _read_state(scon)
        L2 = results["sqlite3"][1][1]
        problems += [f"sqlite3: {p}" for p in _content(scon, seed, model_at.get(L2), L2)]
    finally:
        scon.close()
    scon = sqlite3.connect(by_pyrite / path.name)
    try:
        after = [r[0] for r in scon.execute("PRAGMA integrity_check")]
    finally:
        scon.close()
    for engine, (_, (integrity, last, logs)) in results.items():
        if integrity != ["ok"]:
            problems.append(f"{engine} integrity_check: {integrity[:5]}")
        if logs != list(range(1, last + 1)):
            problems.append(f"{engine}: log is not 1..{last}")
        if last not in allowed:
            problems.append(f"{engine}: holds transactions 1..{last}, expected one of {allowed}")
    if after != ["ok"]:
        problems.append(f"sqlite3 integrity_check of the pyrite-recovered file: {after[:5]}")
    if L != L2:
        problems.append(f"pyrite recovered 1..{L}, sqlite3 recovered 1..{L2}")
    if problems:
        raise CrashCheckFailed("; ".join(problems))
    return L


class ModelCache:
    """Expected {k: seq} after transactions 1..L, replayed incrementally."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.states: dict[int, dict[int, int]] = {0: {}}

    def get(self, L: int) -> dict[int, int]:
        if L not in self.states:
            base = max(x for x in self.states if x <= L)
            m = dict(self.states[base])
            for s in range(base + 1, L + 1):
                workload.apply(m, self.seed, s)
            self.states[L] = m
            if len(self.states) > 8:
                for x in sorted(self.states)[1:-4]:
                    del self.states[x]
        return self.states[L]


def run(rounds: int, mode: str, seed: int, directory: Path | None = None,
        page_size: int = 0, log: bool = False) -> Stats:
    """Run `rounds` kill rounds on one database; raise CrashCheckFailed on the first bad one."""
    rnd = random.Random(seed)
    stats = Stats()
    own = directory is None
    base = Path(tempfile.mkdtemp(prefix="pyrite-kill-")) if directory is None else directory
    page_size = page_size or rnd.choice((512, 1024, 4096))
    path = base / "kill.db"
    models = ModelCache(seed)
    L = 0
    try:
        for rnd_no in range(rounds):
            proc = _spawn(str(path), mode, seed, page_size)
            last_ack, _ = _run_and_kill(proc, rnd, stats)
            hot = [s for s in SUFFIXES[1:] if Path(str(path) + s).exists()]
            for s in hot:
                stats.hot_files[s] = stats.hot_files.get(s, 0) + 1
            floor = last_ack if last_ack is not None else L
            try:
                newL = check_files(path, base / "check", seed, models, (floor, floor + 1))
            except CrashCheckFailed as exc:
                raise CrashCheckFailed(f"--seed {seed} --mode {mode} round {rnd_no} "
                                       f"(page size {page_size}, acked {last_ack}, "
                                       f"previous L {L}, files left {hot}): {exc}") from None
            if newL == floor + 1:
                stats.in_flight_durable += 1
            if last_ack is not None:
                stats.acked += last_ack - L
            L = newL
            stats.rounds += 1
            if log:
                print(f"round {rnd_no}: acked {last_ack}, holds 1..{L}, files left {hot}",
                      flush=True)
    finally:
        if own:
            shutil.rmtree(base, ignore_errors=True)
    return stats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--mode", choices=("delete", "wal", "truncate", "persist"), default="delete")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--page-size", type=int, default=0)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    if args.child:
        child(args.child, args.mode, seed, args.page_size or 4096)
        return 0
    print(f"kill -9 test: {args.rounds} rounds, mode {args.mode}, seed {seed}", flush=True)
    t = time.monotonic()
    try:
        stats = run(args.rounds, args.mode, seed, page_size=args.page_size, log=args.verbose)
    except CrashCheckFailed as exc:
        print(f"FAILED: {exc}", flush=True)
        return 1
    print(f"ok: {stats.rounds} rounds, {stats.acked} acknowledged commits checked, "
          f"{stats.in_flight_durable} in-flight commits found durable, "
          f"{stats.killed_before_ready} kills during open/recovery, files left at kill "
          f"{stats.hot_files}, {time.monotonic() - t:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
