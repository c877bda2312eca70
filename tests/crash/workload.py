"""The deterministic transaction stream shared by the crash programs.

Transaction `seq` of a stream with seed `seed` is a fixed list of operations on
`rows(k INTEGER PRIMARY KEY, seq INTEGER, v BLOB)` plus one row in
`log(seq INTEGER PRIMARY KEY, n INTEGER)`. It depends only on (seed, seq), never
on the database, so the expected content after transactions 1..L is a replay, and
a partial transaction shows up as a mismatch against every replay."""

from __future__ import annotations

import hashlib
import random
from typing import Any

SCHEMA = (
    "CREATE TABLE rows(k INTEGER PRIMARY KEY, seq INTEGER, v BLOB)",
    "CREATE TABLE log(seq INTEGER PRIMARY KEY, n INTEGER)",
    "CREATE INDEX rows_seq ON rows(seq)",
)
KEYS = 120


def value(seed: int, seq: int, k: int) -> bytes:
    """The blob transaction `seq` writes under key `k` (0..9000 bytes: often overflow)."""
    rnd = random.Random(f"{seed}/{seq}/{k}")
    n = rnd.choice((0, 10, 200, 1500, 4000, 9000))
    block = hashlib.sha256(f"{seed}/{seq}/{k}".encode()).digest()
    return (block * (n // 32 + 1))[:n]


def ops(seed: int, seq: int) -> list[tuple[str, int]]:
    """[("put"|"del", k), ...]: what transaction `seq` does."""
    rnd = random.Random(f"ops/{seed}/{seq}")
    out = [("put", rnd.randrange(KEYS)) for _ in range(rnd.randint(2, 8))]
    out += [("del", rnd.randrange(KEYS)) for _ in range(rnd.randint(0, 2))]
    rnd.shuffle(out)
    return out


def apply(model: dict[int, int], seed: int, seq: int) -> None:
    """Apply transaction `seq` to a model {k: seq that wrote it}."""
    for op, k in ops(seed, seq):
        if op == "put":
            model[k] = seq
        else:
            model.pop(k, None)


def run_txn(con: Any, seed: int, seq: int) -> None:
    """Run transaction `seq` on a DB-API connection in autocommit mode (isolation_level=None)."""
    con.execute("BEGIN IMMEDIATE")
    try:
        todo = ops(seed, seq)
        for op, k in todo:
            if op == "put":
                con.execute("INSERT OR REPLACE INTO rows VALUES (?, ?, ?)",
                            (k, seq, value(seed, seq, k)))
            else:
                con.execute("DELETE FROM rows WHERE k = ?", (k,))
        con.execute("INSERT INTO log VALUES (?, ?)", (seq, len(todo)))
        con.execute("COMMIT")
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise


def check_content(con: Any, seed: int, model: dict[int, int]) -> list[str]:
    """Differences between the `rows` table behind `con` and the model ([] when equal)."""
    problems = []
    got = {k: (s, v) for k, s, v in con.execute("SELECT k, seq, v FROM rows")}
    if set(got) != set(model):
        problems.append(f"keys differ: extra {sorted(set(got) - set(model))[:10]} "
                        f"missing {sorted(set(model) - set(got))[:10]}")
    for k in sorted(set(got) & set(model)):
        s, v = got[k]
        if s != model[k] or bytes(v) != value(seed, model[k], k):
            problems.append(f"row {k}: has seq {s}, expected seq {model[k]}")
            if len(problems) > 10:
                break
    return problems
