"""Microbenchmarks of pyrite's hot path: varints, records, B-tree seeks, a compiled WHERE.

    python bench/micro.py [--repeat 5] [--only NAME]

These import pyrite internals (pyrite.storage.varint, .record, .btree,
.cursor, .pager, pyrite.io.memory) as they are today; a benchmark whose
internals are missing or have changed prints "skipped" with the reason
instead of failing. Times are the best of --repeat runs, per operation.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

Bench = Callable[[], tuple[Callable[[], object], int]]  # setup -> (run once, operations per run)
BENCHES: dict[str, Bench] = {}


def bench(name: str) -> Callable[[Bench], Bench]:
    def register(fn: Bench) -> Bench:
        BENCHES[name] = fn
        return fn

    return register


def _rows(n: int) -> list[list[Any]]:
    rng = random.Random(1)
    return [[i, f"name-{rng.randrange(10**9)}", rng.randrange(10**6), rng.random(), None] for i in range(n)]


@bench("varint decode (get_varint, mixed sizes)")
def varint_decode() -> tuple[Callable[[], object], int]:
    from pyrite.storage.varint import get_varint, put_varint

    values = [0, 1, 127, 128, 300, 16383, 2**21, 2**35, 2**56, 2**63 - 1] * 100
    buf = b"".join(put_varint(v) for v in values)

    def run() -> None:
        pos = 0
        end = len(buf)
        while pos < end:
            _, pos = get_varint(buf, pos)

    return run, len(values)


@bench("varint encode (put_varint)")
def varint_encode() -> tuple[Callable[[], object], int]:
    from pyrite.storage.varint import put_varint

    values = [0, 1, 127, 128, 300, 16383, 2**21, 2**35, 2**56, 2**63 - 1] * 100

    def run() -> None:
        for v in values:
            put_varint(v)

    return run, len(values)


@bench("record decode, 5 columns (record.decode)")
def record_decode() -> tuple[Callable[[], object], int]:
    from pyrite.storage import record

    payloads = [record.encode(r) for r in _rows(1000)]

    def run() -> None:
        for p in payloads:
            record.decode(p)

    return run, len(payloads)


@bench("record decode, 1 of 5 columns (record.decode_columns)")
def record_decode_one() -> tuple[Callable[[], object], int]:
    from pyrite.storage import record

    payloads = [record.encode(r) for r in _rows(1000)]
    record.decode_columns(payloads[0], 1)

    def run() -> None:
        for p in payloads:
            record.decode_columns(p, 1)

    return run, len(payloads)


@bench("record decode, 5 columns, reader planned per header (record.decode_row)")
def record_decode_row() -> tuple[Callable[[], object], int]:
    from pyrite.storage import record

    payloads = [record.encode(r) for r in _rows(1000)]

    def run() -> None:
        for p in payloads:
            record.decode_row(p)

    return run, len(payloads)


@bench("record encode, 5 columns (record.encode)")
def record_encode() -> tuple[Callable[[], object], int]:
    from pyrite.storage import record

    rows = _rows(1000)

    def run() -> None:
        for r in rows:
            record.encode(r)

    return run, len(rows)


def _memory_pager() -> Any:
    from pyrite.io.memory import MemoryFile, MemoryVfs
    from pyrite.storage.pager import Pager

    pager = Pager(MemoryFile(), journal_path=None, vfs=MemoryVfs())
    pager.begin_write()
    return pager


@bench("B-tree seek by rowid, 20k-row table (TableCursor.seek)")
def btree_seek() -> tuple[Callable[[], object], int]:
    from pyrite.storage import btree, record
    from pyrite.storage.cursor import TableCursor

    pager = _memory_pager()
    root = btree.create_table(pager)
    for i, row in enumerate(_rows(20_000), start=1):
        btree.table_insert(pager, root, i, record.encode(row))
    keys = [random.Random(k).randint(1, 20_000) for k in range(2000)]
    cursor = TableCursor(pager, root)

    def run() -> None:
        for k in keys:
            cursor.seek(k)

    return run, len(keys)


@bench("page cell search: index seek in a one-page index (IndexCursor.seek_ge)")
def cell_search() -> tuple[Callable[[], object], int]:
    from pyrite.storage import btree
    from pyrite.storage.cursor import IndexCursor
    from pyrite.storage.record import BINARY_KEY

    pager = _memory_pager()
    root = btree.create_index(pager)
    for i in range(150):
        btree.index_insert(pager, root, [i * 2, i], BINARY_KEY)
    keys = [[random.Random(k).randint(0, 300)] for k in range(2000)]
    cursor = IndexCursor(pager, root, BINARY_KEY)

    def run() -> None:
        for k in keys:
            cursor.seek_ge(k)

    return run, len(keys)


@bench("B-tree replace by rowid, same-size row, 20k-row table (btree.table_insert)")
def btree_replace() -> tuple[Callable[[], object], int]:
    from pyrite.storage import btree, record

    pager = _memory_pager()
    root = btree.create_table(pager)
    rows = _rows(20_000)
    for i, row in enumerate(rows, start=1):
        btree.table_insert(pager, root, i, record.encode(row))
    keys = [random.Random(k).randint(1, 20_000) for k in range(2000)]
    payloads = [record.encode(rows[k - 1]) for k in keys]

    def run() -> None:
        for k, p in zip(keys, payloads, strict=True):
            btree.table_insert(pager, root, k, p)

    return run, len(keys)


def _text_index(pager: Any, n: int) -> tuple[int, list[tuple[Any, ...]]]:
    from pyrite.storage import btree, record

    entries = [(row[1], row[0]) for row in _rows(n)]
    root = btree.create_index(pager)
    btree.index_build(pager, root, record.sort_keys(entries))
    return root, entries


@bench("index seek, 20k-entry text index (IndexCursor.seek_ge)")
def index_seek_text() -> tuple[Callable[[], object], int]:
    from pyrite.storage.cursor import IndexCursor
    from pyrite.storage.record import BINARY_KEY

    pager = _memory_pager()
    root, entries = _text_index(pager, 20_000)
    keys = [[entries[random.Random(k).randrange(len(entries))][0]] for k in range(2000)]
    cursor = IndexCursor(pager, root, BINARY_KEY)

    def run() -> None:
        for k in keys:
            cursor.seek_ge(k)

    return run, len(keys)


@bench("index bulk build, 20k text keys, per key (record.sort_keys + btree.index_build)")
def index_bulk_build() -> tuple[Callable[[], object], int]:
    pager = _memory_pager()

    def run() -> None:
        _text_index(pager, 20_000)

    return run, 20_000


@bench("compiled WHERE over 20k rows, per row (SELECT count(*) ... WHERE b > ? AND c = ?)")
def compiled_where() -> tuple[Callable[[], object], int]:
    import pyrite

    con = pyrite.connect(":memory:")
    con.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b INTEGER, c TEXT)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?)", [(i, i % 1000, f"v{i % 7}") for i in range(20_000)])
    con.commit()
    sql = "SELECT count(*) FROM t WHERE b > ? AND c = ?"
    con.execute(sql, (500, "v3")).fetchall()  # compile once: later runs hit the statement cache

    def run() -> None:
        con.execute(sql, (500, "v3")).fetchall()

    return run, 20_000


def _scan_table(keep: bool) -> tuple[Callable[[], object], int]:
    from pyrite.storage import btree, record
    from pyrite.storage.cursor import rows_cache_clear, scan_rows

    pager = _memory_pager()
    root = btree.create_table(pager)
    for r in _rows(20_000):
        btree.table_insert(pager, root, r[0], record.encode(r[1:]))

    def run() -> None:
        if not keep:
            rows_cache_clear()
        for _ in scan_rows(pager, root):
            pass

    run()
    return run, 20_000


@bench("table scan, 20k rows, per row, leaves decoded (cursor.scan_rows, first read)")
def scan_first() -> tuple[Callable[[], object], int]:
    return _scan_table(False)


@bench("table scan, 20k rows, per row, leaves kept (cursor.scan_rows, later reads)")
def scan_kept() -> tuple[Callable[[], object], int]:
    return _scan_table(True)


@bench("index range, 200 of 20k integer keys, per entry (cursor.iter_index, kept leaves)")
def index_range() -> tuple[Callable[[], object], int]:
    from pyrite.storage import btree
    from pyrite.storage.cursor import iter_index

    pager = _memory_pager()
    root = btree.create_index(pager)
    rng = random.Random(3)
    keys = sorted(((rng.randrange(10**6), i) for i in range(20_000)), key=lambda k: k)
    btree.index_build(pager, root, keys)
    starts = [rng.randrange(990_000) for _ in range(50)]

    def run() -> None:
        for lo in starts:
            for _ in iter_index(pager, root, lo=(lo,), hi=(lo + 10_000,)):
                pass

    run()
    run()
    return run, 50 * 200


def measure(fn: Bench, repeat: int) -> float:
    run, ops = fn()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best / ops


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="pyrite hot-path microbenchmarks")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="")
    args = parser.parse_args(argv)
    print("| microbenchmark | time per operation |")
    print("|---|---:|")
    for name, fn in BENCHES.items():
        if args.only and args.only.lower() not in name.lower():
            continue
        try:
            per_op = measure(fn, args.repeat)
        except Exception as exc:  # internals missing or changed: say so, go on
            print(f"| {name} | skipped: {type(exc).__name__}: {str(exc)[:80]} |", flush=True)
            continue
        shown = f"{per_op * 1e9:.0f} ns" if per_op < 1e-5 else f"{per_op * 1e6:.1f} µs"
        print(f"| {name} | {shown} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
