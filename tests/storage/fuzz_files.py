"""Mutated database files: pyrite must answer a damaged file with a DB-API error only.

Base files are made by sqlite3: several page sizes, overflow-heavy rows, indexes,
WITHOUT ROWID, freelists after deletes, autovacuum, UTF-16, and a WAL database
with frames still in its -wal file. Each case damages one copy -- random bytes,
a truncation, a zeroed or duplicated page, a garbage header field, a cycle in an
overflow chain, in the freelist or through a child pointer, a pointer out of
range, a bad root page in sqlite_schema, a damaged WAL frame -- then opens it with
pyrite.connect and runs queries, PRAGMA integrity_check and writes.

Rules: every exception that escapes pyrite is a pyrite.Error (the DB-API tree);
nothing hangs (each case runs under a SIGALRM guard). Which case failed is printed
with its number; `--case N` replays it exactly.

    python -m tests.storage.fuzz_files --count 10000
    python -m tests.storage.fuzz_files --case 1234 -v      # replay one case, traceback"""

from __future__ import annotations

import argparse
import random
import signal
import sqlite3
import struct
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyrite

CASE_TIMEOUT = 20.0  # seconds: a hang guard, far above any case's running time


class Hang(BaseException):
    """Raised by the SIGALRM guard (BaseException: pyrite must not be able to swallow it)."""


@contextmanager
def guard(seconds: float) -> Iterator[None]:
    def on_alarm(signum: int, frame: Any) -> None:
        raise Hang(f"no answer after {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# -- base files ------------------------------------------------------------------------
@dataclass
class Base:
    name: str
    main: bytes
    wal: bytes | None
    page_size: int
    tables: list[str]
    overflow_chains: list[list[int]] = field(default_factory=list)  # first..last page
    interior: list[int] = field(default_factory=list)  # interior b-tree pages
    leaves: list[int] = field(default_factory=list)
    roots: dict[str, int] = field(default_factory=dict)


def _fill(con: sqlite3.Connection, rnd: random.Random, rows: int, big: int) -> None:
    con.executemany("INSERT INTO t(a, b, c) VALUES (?, ?, ?)", [
        (rnd.randint(-10**6, 10**6), "x" * rnd.choice((0, 10, 100, big)),
         rnd.choice((None, 1.5, b"\x00" * rnd.randint(0, big), "txt")))
        for _ in range(rows)])


def _make(path: Path, name: str) -> None:
    rnd = random.Random(name)
    con = sqlite3.connect(path, isolation_level=None)
    spec = {
        "p512": (512, "", 300, 1500),
        "p1024_wr": (1024, "", 200, 900),
        "p4096_big": (4096, "", 60, 20000),
        "p8192_autovac": (8192, "full", 120, 9000),
        "p1024_incr": (1024, "incremental", 150, 3000),
        "utf16": (2048, "", 100, 2500),
        "wal": (1024, "", 150, 2000),
    }[name]
    ps, av, rows, big = spec
    con.execute(f"PRAGMA page_size = {ps}")
    if av:
        con.execute(f"PRAGMA auto_vacuum = {av}")
    if name == "utf16":
        con.execute("PRAGMA encoding = 'UTF-16le'")
    if name == "wal":
        con.execute("PRAGMA journal_mode = wal")
        con.execute("PRAGMA wal_autocheckpoint = 0")
    con.execute("BEGIN")
    con.execute("CREATE TABLE t(a INTEGER, b TEXT, c)")
    con.execute("CREATE INDEX ta ON t(a)")
    con.execute("CREATE INDEX tb ON t(b, a)")
    con.execute("CREATE TABLE u(k TEXT PRIMARY KEY, v) WITHOUT ROWID")
    con.execute("CREATE TABLE s(x INTEGER PRIMARY KEY AUTOINCREMENT, y)")
    _fill(con, rnd, rows, big)
    con.executemany("INSERT INTO u VALUES (?, ?)",
                    [(f"k{i:05d}" + "z" * rnd.choice((0, 50, big // 4)), i) for i in range(rows)])
    con.executemany("INSERT INTO s(y) VALUES (?)", [(i * 7,) for i in range(rows // 2)])
    con.execute("COMMIT")
    con.execute("DELETE FROM t WHERE a % 3 = 0")  # pages to the freelist
    con.execute("DELETE FROM u WHERE v % 4 = 0")
    if name == "wal":
        _fill(con, rnd, 40, big)  # frames that stay in the -wal file
        con.execute("UPDATE u SET v = v + 1 WHERE v % 5 = 0")
        blob = {s: Path(str(path) + s).read_bytes() for s in ("", "-wal")}
        con.close()
        path.write_bytes(blob[""])
        Path(str(path) + "-wal").write_bytes(blob["-wal"])
        return
    con.close()


def build_bases(directory: Path) -> list[Base]:
    bases = []
    for name in ("p512", "p1024_wr", "p4096_big", "p8192_autovac", "p1024_incr", "utf16",
                 "wal"):
        path = directory / f"{name}.db"
        for s in ("", "-wal", "-shm"):
            Path(str(path) + s).unlink(missing_ok=True)
        _make(path, name)
        wal_path = Path(str(path) + "-wal")
        wal = wal_path.read_bytes() if wal_path.exists() else None
        main = path.read_bytes()
        # the page structure, from sqlite3's dbstat (read on a checkpointed copy)
        probe = directory / "probe.db"
        probe.write_bytes(main)
        Path(str(probe) + "-wal").unlink(missing_ok=True)
        if wal is not None:
            Path(str(probe) + "-wal").write_bytes(wal)
        con = sqlite3.connect(probe)
        if wal is not None:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        ps = con.execute("PRAGMA page_size").fetchone()[0]
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        roots = dict(con.execute("SELECT name, rootpage FROM sqlite_master WHERE rootpage > 0"))
        b = Base(name, main, wal, ps, tables, roots=roots)
        chains: dict[str, list[int]] = {}
        for path_, pgno, kind in con.execute("SELECT path, pageno, pagetype FROM dbstat"):
            if kind == "overflow":
                chains.setdefault(path_.split("+")[0], []).append(pgno)
            elif kind == "internal":
                b.interior.append(pgno)
            elif kind == "leaf":
                b.leaves.append(pgno)
        b.overflow_chains = [c for c in chains.values() if c]
        con.close()
        if wal is not None:
            # mutations by page number apply to the main file: take the structure of the
            # file as it is on disk (frames not yet copied in)
            b.overflow_chains = [c for c in b.overflow_chains
                                 if max(c) * ps <= len(main)]
            b.interior = [p for p in b.interior if p * ps <= len(main)]
            b.leaves = [p for p in b.leaves if p * ps <= len(main)]
        bases.append(b)
    return bases


# -- mutations --------------------------------------------------------------------------
Mutation = Callable[[random.Random, Base, bytearray], str]
_U32 = struct.Struct(">I")


def _page_off(b: Base, pgno: int) -> int:
    return (pgno - 1) * b.page_size + (100 if pgno == 1 else 0)


def m_bytes(rnd: random.Random, b: Base, d: bytearray) -> str:
    n = rnd.choice((1, 2, 5, 20, 100))
    for _ in range(n):
        d[rnd.randrange(len(d))] = rnd.randrange(256)
    return f"{n} random bytes"


def m_header(rnd: random.Random, b: Base, d: bytearray) -> str:
    off = rnd.choice((16, 17, 18, 19, 20, 21, 22, 23, 28, 32, 36, 40, 44, 48, 52, 56, 64, 92, 96))
    width = 2 if off == 16 else 1 if off < 24 else 4
    val = rnd.choice((0, 1, 2, 3, 255, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, rnd.randrange(1 << 32)))
    d[off:off + width] = (val & ((1 << (8 * width)) - 1)).to_bytes(width, "big")
    return f"header offset {off} = {val:#x}"


def m_truncate(rnd: random.Random, b: Base, d: bytearray) -> str:
    cut = rnd.choice((rnd.randrange(len(d)), rnd.randrange(1, len(d) // b.page_size) * b.page_size,
                      50, 100, b.page_size + rnd.randrange(200)))
    del d[cut:]
    return f"truncated to {cut}"


def m_zero_page(rnd: random.Random, b: Base, d: bytearray) -> str:
    pg = rnd.randrange(1, len(d) // b.page_size + 1)
    start = (pg - 1) * b.page_size + (100 if pg == 1 and rnd.random() < 0.7 else 0)
    d[start:pg * b.page_size] = bytes(pg * b.page_size - start)
    return f"page {pg} zeroed"


def m_copy_page(rnd: random.Random, b: Base, d: bytearray) -> str:
    n = len(d) // b.page_size
    src, dst = rnd.randrange(1, n + 1), rnd.randrange(2, n + 1)
    ps = b.page_size
    d[(dst - 1) * ps:dst * ps] = d[(src - 1) * ps:src * ps]
    return f"page {src} copied over page {dst}"


def m_overflow_cycle(rnd: random.Random, b: Base, d: bytearray) -> str:
    if not b.overflow_chains:
        return m_bytes(rnd, b, d)
    chain = rnd.choice(b.overflow_chains)
    i = rnd.randrange(len(chain))
    target = rnd.choice(chain[: i + 1] + [1, 0xFFFFFFFF, len(d) // b.page_size + 5]
                        + b.interior[:3] + b.leaves[:3])
    _U32.pack_into(d, (chain[i] - 1) * b.page_size, target)
    return f"overflow page {chain[i]} (#{i} of {len(chain)}) -> {target}"


def _freelist_trunks(b: Base, d: bytes) -> list[int]:
    out: list[int] = []
    t = _U32.unpack_from(d, 32)[0]
    n = len(d) // b.page_size
    while 0 < t <= n and t not in out:
        out.append(t)
        t = _U32.unpack_from(d, (t - 1) * b.page_size)[0]
    return out


def m_freelist(rnd: random.Random, b: Base, d: bytearray) -> str:
    trunks = _freelist_trunks(b, d)
    if not trunks:
        return m_header(rnd, b, d)
    t = rnd.choice(trunks)
    base = (t - 1) * b.page_size
    what = rnd.randrange(4)
    if what == 0:
        target = rnd.choice(trunks[: trunks.index(t) + 1])
        _U32.pack_into(d, base, target)
        return f"freelist trunk {t} -> {target} (cycle)"
    if what == 1:
        _U32.pack_into(d, base + 4, rnd.choice((0xFFFFFFFF, b.page_size, b.page_size // 4 - 1)))
        return f"freelist trunk {t}: leaf count garbage"
    count = _U32.unpack_from(d, base + 4)[0]
    if count == 0 or 8 + 4 * count > b.page_size:
        _U32.pack_into(d, 36, rnd.choice((0, 1, 0xFFFFFFFF)))
        return "freelist count garbage"
    j = rnd.randrange(count)
    target = rnd.choice([1, t, 0, 0xFFFFFFFF, *b.interior[:2], *b.leaves[:2]])
    _U32.pack_into(d, base + 8 + 4 * j, target)
    return f"freelist trunk {t} leaf #{j} -> {target}"


def m_child(rnd: random.Random, b: Base, d: bytearray) -> str:
    if not b.interior:
        return m_zero_page(rnd, b, d)
    pg = rnd.choice(b.interior)
    off = _page_off(b, pg)
    if off + 12 > len(d):
        return m_bytes(rnd, b, d)
    target = rnd.choice((pg, 1, 0, 0xFFFFFFFF, len(d) // b.page_size + 3,
                         *b.interior[:3], *b.leaves[:2]))
    if rnd.random() < 0.5:
        _U32.pack_into(d, off + 8, target)
        return f"interior page {pg}: right child -> {target}"
    ncells = struct.unpack_from(">H", d, off + 3)[0]
    if ncells == 0:
        return m_bytes(rnd, b, d)
    i = rnd.randrange(ncells)
    cell = struct.unpack_from(">H", d, off + 12 + 2 * i)[0]
    cell_at = (pg - 1) * b.page_size + cell
    if cell_at + 4 > len(d):
        return f"interior page {pg}: cell {i} beyond the file (left alone)"
    _U32.pack_into(d, cell_at, target)
    return f"interior page {pg}: cell {i} child -> {target}"


def m_page_header(rnd: random.Random, b: Base, d: bytearray) -> str:
    pg = rnd.choice(b.interior + b.leaves or [1])
    off = _page_off(b, pg)
    field_, width = rnd.choice(((0, 1), (1, 2), (3, 2), (5, 2), (7, 1)))
    val = rnd.choice((0, 1, 0xFF, 0xFFFF, b.page_size, b.page_size - 1, rnd.randrange(1 << 16)))
    d[off + field_:off + field_ + width] = (val & ((1 << (8 * width)) - 1)).to_bytes(width, "big")
    return f"page {pg} header byte {field_} = {val:#x}"


def m_cell_pointer(rnd: random.Random, b: Base, d: bytearray) -> str:
    pg = rnd.choice(b.interior + b.leaves or [1])
    off = _page_off(b, pg)
    hdr = 12 if d[off] in (2, 5) else 8
    ncells = struct.unpack_from(">H", d, off + 3)[0]
    if ncells == 0:
        return m_page_header(rnd, b, d)
    i = rnd.randrange(ncells)
    val = rnd.choice((0, 1, 7, b.page_size - 1, b.page_size, 0xFFFF, rnd.randrange(b.page_size)))
    struct.pack_into(">H", d, off + hdr + 2 * i, val)
    return f"page {pg}: cell pointer {i} = {val}"


def m_schema(rnd: random.Random, b: Base, d: bytearray) -> str:
    """A bad root page number (or SQL text) in sqlite_schema, rewritten by sqlite3 itself."""
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "s.db"
        p.write_bytes(bytes(d))
        con = sqlite3.connect(p)
        con.execute("PRAGMA writable_schema = ON")
        name = rnd.choice(sorted(b.roots))
        choice = rnd.randrange(3)
        n = len(d) // b.page_size
        if choice == 0:
            root = rnd.choice((1, 0, -1, n + 10, 2**31, *b.overflow_chains[0][:1],
                               *b.roots.values()))
            con.execute("UPDATE sqlite_master SET rootpage = ? WHERE name = ?", (root, name))
            what = f"sqlite_schema: {name} rootpage = {root}"
        elif choice == 1:
            sql = rnd.choice(("CREATE TABLE t(", "CREATE TABLE t(a, b, c, d, e)", "garbage",
                              "CREATE INDEX ta ON nosuch(a)", "CREATE TABLE u(k)", ""))
            con.execute("UPDATE sqlite_master SET sql = ? WHERE name = ?", (sql, name))
            what = f"sqlite_schema: {name} sql = {sql!r}"
        else:
            con.execute("UPDATE sqlite_master SET type = 'index' WHERE name = ?", (name,))
            what = f"sqlite_schema: {name} type = index"
        con.commit()
        con.close()
        d[:] = p.read_bytes()
    return what


MUTATIONS: tuple[tuple[str, Mutation, int], ...] = (
    ("bytes", m_bytes, 6), ("header", m_header, 3), ("truncate", m_truncate, 2),
    ("zero_page", m_zero_page, 2), ("copy_page", m_copy_page, 2),
    ("overflow_cycle", m_overflow_cycle, 3), ("freelist", m_freelist, 3),
    ("child", m_child, 3), ("page_header", m_page_header, 2),
    ("cell_pointer", m_cell_pointer, 2), ("schema", m_schema, 2),
)


def mutate_wal(rnd: random.Random, wal: bytes, page_size: int) -> tuple[bytes, str]:
    w = bytearray(wal)
    choice = rnd.randrange(4)
    if choice == 0:
        n = rnd.choice((1, 4, 30))
        for _ in range(n):
            w[rnd.randrange(len(w))] = rnd.randrange(256)
        return bytes(w), f"wal: {n} random bytes"
    if choice == 1:
        cut = rnd.randrange(len(w))
        return bytes(w[:cut]), f"wal: truncated to {cut}"
    frames = (len(w) - 32) // (24 + page_size)
    if frames == 0:
        return bytes(w), "wal: no frames"
    i = rnd.randrange(frames)
    off = 32 + i * (24 + page_size)
    fld = rnd.choice((0, 4))  # page number, commit size
    val = rnd.choice((0, 1, 0xFFFFFFFF, 2, 10**6))
    _U32.pack_into(w, off + fld, val)
    if choice == 3:
        # a consistent checksum chain over the damage would need the salts: header garbage
        _U32.pack_into(w, 8, rnd.choice((0, 3, 512, 1 << 20)))
        return bytes(w), f"wal: frame {i} field {fld} = {val:#x}, page size field garbage"
    return bytes(w), f"wal: frame {i} field {fld} = {val:#x}"


# -- running a case -----------------------------------------------------------------------
@dataclass
class Result:
    outcome: str  # "ok", "dberror:<class>", "BAD:<class>", "HANG"
    detail: str = ""


def exercise(path: str, tables: list[str], rnd: random.Random) -> None:
    """Everything a user might do with the file; pyrite.Error may stop it at any point."""
    con = pyrite.connect(path, isolation_level=None, timeout=0.0)
    try:
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()]
        for t in tables:
            if t not in names:
                continue
            con.execute(f"SELECT count(*) FROM {t}").fetchall()
            con.execute(f"SELECT * FROM {t}").fetchall()
        if "t" in names:
            con.execute("SELECT * FROM t WHERE a BETWEEN ? AND ?", (-5000, 400000)).fetchall()
            con.execute("SELECT b, a FROM t WHERE b > 'x' ORDER BY b DESC LIMIT 20").fetchall()
            con.execute("SELECT max(rowid), min(a), sum(length(c)) FROM t").fetchall()
        if "u" in names:
            con.execute("SELECT v FROM u WHERE k >= 'k00100' ORDER BY k LIMIT 30").fetchall()
        con.execute("PRAGMA integrity_check").fetchall()
        con.execute("PRAGMA quick_check").fetchall()
        if "t" in names:
            con.execute("BEGIN")
            con.execute("INSERT INTO t(a, b, c) VALUES (?, ?, ?)",
                        (rnd.randint(0, 10**6), "w" * rnd.choice((5, 3000)), b"\x01" * 700))
            con.execute("UPDATE t SET b = b || 'q' WHERE a % 7 = 1")
            con.execute("DELETE FROM t WHERE a % 5 = 2")
            con.execute("COMMIT")
            con.execute("SELECT count(*) FROM t").fetchall()
        if "s" in names:
            con.execute("INSERT INTO s(y) VALUES (1)")
        if "u" in names:
            con.execute("INSERT OR REPLACE INTO u VALUES ('k00007', 77)")
    finally:
        con.close()


def run_case(case: int, bases: list[Base], work: Path, verbose: bool = False,
             timeout: float = CASE_TIMEOUT, keep: Path | None = None) -> Result:
    rnd = random.Random(case)
    b = bases[case % len(bases)]
    data = bytearray(b.main)
    wal = b.wal
    names = [m[0] for m in MUTATIONS]
    weights = [m[2] for m in MUTATIONS]
    desc = []
    try:
        for _ in range(rnd.choice((1, 1, 1, 2, 3))):
            if wal is not None and rnd.random() < 0.3:
                wal, what = mutate_wal(rnd, wal, b.page_size)
            else:
                i = rnd.choices(range(len(names)), weights)[0]
                try:
                    what = MUTATIONS[i][1](rnd, b, data)
                except (ValueError, IndexError, struct.error):  # too little file left
                    what = f"({names[i]} skipped: file too short)"
            desc.append(what)
    except sqlite3.DatabaseError as exc:  # sqlite3 refused to rewrite the schema: skip it
        desc.append(f"(sqlite3 could not apply the mutation: {exc})")
    label = f"case {case} [{b.name}]: " + "; ".join(desc)
    path = work / f"case{case}.db"
    for s in ("", "-journal", "-wal", "-shm"):
        Path(str(path) + s).unlink(missing_ok=True)
    path.write_bytes(bytes(data))
    if wal is not None:
        Path(str(path) + "-wal").write_bytes(wal)
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        (keep / path.name).write_bytes(bytes(data))
        if wal is not None:
            (keep / (path.name + "-wal")).write_bytes(wal)
    try:
        with guard(timeout):
            exercise(str(path), b.tables, rnd)
        result = Result("ok", label)
    except pyrite.Error as exc:
        result = Result(f"dberror:{type(exc).__name__}", f"{label}: {exc}")
    except Hang as exc:
        where = "".join(traceback.format_exception(exc)[-4:-1])
        result = Result("HANG", f"{label}\n{where}")
    except Exception as exc:  # noqa: BLE001 - anything else is what we are looking for
        tb = traceback.format_exc() if verbose else \
            "".join(traceback.format_exception(exc)[-3:])
        result = Result(f"BAD:{type(exc).__name__}", f"{label}: {exc!r}\n{tb}")
    finally:
        _forget(path)
        for s in ("", "-journal", "-wal", "-shm"):
            Path(str(path) + s).unlink(missing_ok=True)
    return result


def _forget(path: Path) -> None:
    """After a Hang the connection may not have closed: drop pyrite's shared Database."""
    import os

    from pyrite.database import Database

    db = Database._registry.pop(os.path.realpath(path), None)
    if db is not None:
        try:
            db.pager.close()
        except Exception:  # noqa: BLE001 - best effort after an interrupted case
            pass


def run(cases: range | list[int], work: Path | None = None, verbose: bool = False,
        report: Callable[[str], None] = print, keep: Path | None = None) -> Counter[str]:
    own = work is None
    work = Path(tempfile.mkdtemp(prefix="pyrite-fuzz-")) if work is None else work
    try:
        bases = build_bases(work)
        tally: Counter[str] = Counter()
        for case in cases:
            r = run_case(case, bases, work, verbose, keep=keep)
            tally[r.outcome] += 1
            if r.outcome.startswith("BAD") or r.outcome == "HANG" or verbose:
                report(f"{r.outcome}: {r.detail}")
        return tally
    finally:
        if own:
            for f in work.iterdir():
                f.unlink()
            work.rmdir()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--case", type=int, help="replay one case")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--keep", type=Path, help="save each mutated file (before pyrite opens it) here")
    args = ap.parse_args(argv)
    cases = [args.case] if args.case is not None else range(args.start, args.start + args.count)
    t = time.monotonic()
    tally = run(cases, verbose=args.verbose or args.case is not None,
                report=lambda s: print(s, flush=True), keep=args.keep)
    bad = sum(n for k, n in tally.items() if k.startswith("BAD") or k == "HANG")
    print(f"{len(cases)} cases in {time.monotonic() - t:.0f} s: {bad} bad; "
          + ", ".join(f"{k} {n}" for k, n in sorted(tally.items())), flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
