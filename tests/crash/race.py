"""A sqlite3 process and a pyrite process writing one database file at the same time.

Each worker runs transactions (BEGIN IMMEDIATE; insert rows tagged (who, seq) with
large values; read-modify-write of one shared counter row; insert into `log`;
COMMIT) and prints "who seq" after each COMMIT returns. Short busy timeouts make
them collide: a worker that gets SQLITE_BUSY must get it as OperationalError with
sqlite_errorcode 5 ("database is locked"), roll back and retry; any other error
ends the run. In WAL mode pyrite holds an exclusive lock for as long as its
connection is open unless it shares SQLite's wal-index (-shm), so by default both
workers reopen their connection every few transactions; --hold keeps them open
(WAL mode then needs the shared wal-index). Afterwards:

  R1  `log` holds exactly the acknowledged (who, seq) pairs of both workers;
  R2  every transaction's rows are all there (none partial), with their values;
  R3  the counter equals the number of commits (no lost update: each writer read
      the other's latest commit);
  R4  PRAGMA integrity_check is ok in sqlite3 and in pyrite.

    python -m tests.crash.race --mode delete --txns 1000
    python -m tests.crash.race --mode wal --txns 300 --hold"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SQLITE_BUSY = 5
MAX_BUSY_IN_A_ROW = 1000  # retries without a commit between them: a livelock, not a race


def _value(who: str, seq: int, i: int) -> bytes:
    n = random.Random(f"{who}/{seq}/{i}").choice((10, 300, 2000, 6000))
    return (hashlib.sha256(f"{who}/{seq}/{i}".encode()).digest() * (n // 32 + 1))[:n]


def _rows(who: str, seq: int) -> int:
    return random.Random(f"n/{who}/{seq}").randint(1, 4)


# -- the workers -----------------------------------------------------------------------
def _is_busy(exc: BaseException) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == SQLITE_BUSY


def worker(engine: str, path: str, mode: str, txns: int, seed: int, hold: bool = False) -> None:
    if engine == "pyrite":
        import pyrite as db
    else:
        db = sqlite3  # type: ignore[no-redef]
    rnd = random.Random(f"{seed}/{engine}")
    who = engine
    per_connection = 1_000_000 if mode == "delete" or hold else rnd.randint(2, 6)
    con: Any = None
    busy = 0
    in_a_row = 0  # BUSY answers since the last commit
    seq = 0
    out = sys.stdout
    while seq < txns:
        try:
            if con is None:
                con = db.connect(path, timeout=0.02, isolation_level=None)
                opened = 0
            con.execute("BEGIN IMMEDIATE")
            try:
                for i in range(_rows(who, seq + 1)):
                    con.execute("INSERT INTO t(who, seq, i, v) VALUES (?, ?, ?, ?)",
                                (who, seq + 1, i, _value(who, seq + 1, i)))
                (n,) = con.execute("SELECT n FROM counter WHERE id = 1").fetchone()
                con.execute("UPDATE counter SET n = ? WHERE id = 1", (n + 1,))
                con.execute("INSERT INTO log(who, seq) VALUES (?, ?)", (who, seq + 1))
                con.execute("COMMIT")
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
            seq += 1
            in_a_row = 0
            out.write(f"{who} {seq}\n")
            out.flush()
            opened += 1
            if opened >= per_connection:
                con.close()
                con = None
                time.sleep(rnd.uniform(0.0, 0.03))  # let the other one in
            elif rnd.random() < 0.3:
                time.sleep(rnd.uniform(0.0, 0.005))
        except db.OperationalError as exc:
            if not _is_busy(exc):
                raise
            if str(exc) != "database is locked":
                raise AssertionError(f"SQLITE_BUSY with the message {str(exc)!r}") from exc
            busy += 1
            in_a_row += 1
            if in_a_row >= MAX_BUSY_IN_A_ROW:
                raise AssertionError(f"{who}: {in_a_row} SQLITE_BUSY in a row after commit "
                                     f"{seq}: the lock is never granted (livelock)") from exc
            if con is not None and mode == "wal" and not hold and rnd.random() < 0.5:
                con.close()
                con = None
            time.sleep(rnd.uniform(0.0, 0.01))
    if con is not None:
        con.close()
    out.write(f"busy {busy}\n")
    out.flush()


# -- the parent ------------------------------------------------------------------------
@dataclass
class RaceStats:
    commits: dict[str, int]
    busy: dict[str, int]


class RaceFailed(AssertionError):
    pass


def setup(path: Path, mode: str) -> None:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA page_size = 1024")
    con.execute(f"PRAGMA journal_mode = {mode}")
    con.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, who TEXT, seq INTEGER, i INTEGER, v BLOB)")
    con.execute("CREATE INDEX t_who ON t(who, seq, i)")
    con.execute("CREATE TABLE log(who TEXT, seq INTEGER, PRIMARY KEY (who, seq))")
    con.execute("CREATE TABLE counter(id INTEGER PRIMARY KEY, n INTEGER)")
    con.execute("INSERT INTO counter VALUES (1, 0)")
    con.close()


def run(mode: str, txns: int, seed: int, directory: Path | None = None,
        timeout: float = 600.0, hold: bool = False) -> RaceStats:
    """Race the two workers; `hold`: each keeps one connection open for the whole run
    (in WAL mode that needs pyrite's shared wal-index)."""
    base = Path(tempfile.mkdtemp(prefix="pyrite-race-")) if directory is None else directory
    path = base / "race.db"
    for s in ("", "-journal", "-wal", "-shm"):
        Path(str(path) + s).unlink(missing_ok=True)
    setup(path, mode)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    procs = {
        engine: subprocess.Popen(
            [sys.executable, "-m", "tests.crash.race", "--worker", engine, "--path", str(path),
             "--mode", mode, "--txns", str(txns), "--seed", str(seed)]
            + (["--hold"] if hold else []),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env)
        for engine in ("sqlite3", "pyrite")}
    acked: dict[str, list[int]] = {}
    busy: dict[str, int] = {}
    errors = []
    for engine, proc in procs.items():
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            for p in procs.values():
                p.kill()
            raise RaceFailed(f"--mode {mode} --seed {seed}: {engine} worker did not finish "
                             f"in {timeout} s") from None
        lines = out.decode().split()
        pairs = list(zip(lines[::2], lines[1::2], strict=False))
        acked[engine] = [int(s) for w, s in pairs if w == engine]
        busy[engine] = sum(int(s) for w, s in pairs if w == "busy")
        if proc.returncode != 0:
            errors.append(f"{engine} worker failed (rc {proc.returncode}):\n"
                          f"{err.decode()[-3000:]}")
    problems = list(errors)
    con = sqlite3.connect(path)
    try:
        check = [r[0] for r in con.execute("PRAGMA integrity_check")]
        if check != ["ok"]:
            problems.append(f"sqlite3 integrity_check: {check[:5]}")
        log = sorted(con.execute("SELECT who, seq FROM log"))
        want = sorted((w, s) for w, seqs in acked.items() for s in seqs)
        if log != want:
            extra, missing = set(log) - set(want), set(want) - set(log)
            problems.append(f"log differs from the acknowledged commits: extra "
                            f"{sorted(extra)[:10]}, missing {sorted(missing)[:10]}")
        rows: dict[tuple[str, int], dict[int, bytes]] = {}
        for who, seq, i, v in con.execute("SELECT who, seq, i, v FROM t"):
            rows.setdefault((who, seq), {})[i] = v
        for who, seq in log:
            got = rows.pop((who, seq), {})
            exp = {i: _value(who, seq, i) for i in range(_rows(who, seq))}
            if got != exp:
                problems.append(f"transaction {who} {seq}: rows {sorted(got)} of "
                                f"{sorted(exp)} or wrong values")
        if rows:
            problems.append(f"rows of transactions not in log: {sorted(rows)[:10]}")
        (n,) = con.execute("SELECT n FROM counter").fetchone()
        if n != len(log):
            problems.append(f"counter is {n} after {len(log)} commits: lost updates")
    finally:
        con.close()
    import pyrite

    pcon = pyrite.connect(str(path))
    try:
        check = [r[0] for r in pcon.execute("PRAGMA integrity_check").fetchall()]
        if check != ["ok"]:
            problems.append(f"pyrite integrity_check: {check[:5]}")
        (cnt,) = pcon.execute("SELECT count(*) FROM log").fetchone()
        if cnt != len(want):
            problems.append(f"pyrite counts {cnt} log rows, sqlite3 {len(want)}")
    except pyrite.Error as exc:
        problems.append(f"pyrite reading the final file: {exc!r}")
    finally:
        pcon.close()
    if problems:
        raise RaceFailed(f"--mode {mode} --seed {seed} --txns {txns} (files kept in {base}): "
                         + "; ".join(problems))
    if directory is None:
        for f in base.iterdir():
            f.unlink()
        base.rmdir()
    return RaceStats({e: len(a) for e, a in acked.items()}, busy)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mode", choices=("delete", "wal"), default="delete")
    ap.add_argument("--txns", type=int, default=200, help="transactions per worker")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--hold", action="store_true",
                    help="keep both connections open all along (WAL: needs the shared -shm)")
    ap.add_argument("--worker", choices=("sqlite3", "pyrite"), help=argparse.SUPPRESS)
    ap.add_argument("--path", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    if args.worker:
        worker(args.worker, args.path, args.mode, args.txns, seed, args.hold)
        return 0
    t = time.monotonic()
    for r in range(args.rounds):
        try:
            st = run(args.mode, args.txns, seed + r, hold=args.hold)
        except RaceFailed as exc:
            print(f"FAILED: {exc}", flush=True)
            return 1
        print(f"round {r} (seed {seed + r}): ok, commits {st.commits}, busy retries {st.busy}, "
              f"{time.monotonic() - t:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
