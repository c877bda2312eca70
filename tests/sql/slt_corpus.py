"""SQL texts of the sqllogictest corpus, for parser tests (and a whole-corpus run).

`python tests/sql/slt_corpus.py` parses every statement and query record that
runs for `sqlite` and reports any text pyrite rejects while sqlite3 accepts it
(sqlite3 is the oracle: a text it rejects with a syntax error may fail here)."""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "sqllogictest"
SYNTAX_MESSAGES = ("near \"", "incomplete input", "unrecognized token", "parser stack overflow",
                   "Expression tree is too large")


def records(path: Path) -> Iterator[tuple[int, str, str]]:
    """(line number, "statement ok" | "statement error" | "query", sql) of each record run
    for sqlite."""
    lines = path.read_bytes().decode("utf-8", "replace").split("\n")
    i, n = 0, len(lines)
    while i < n:
        line = lines[i].rstrip("\r")
        if not line.strip() or line.startswith("#"):
            i += 1
            continue
        skip = False
        while line.startswith(("skipif", "onlyif")):
            parts = line.split()
            db = parts[1].lower() if len(parts) > 1 else ""
            if (parts[0] == "skipif" and db == "sqlite") or (parts[0] == "onlyif" and db != "sqlite"):
                skip = True
            i += 1
            line = lines[i].rstrip("\r") if i < n else ""
        header = line.split()
        start = i + 1
        i += 1
        body: list[str] = []
        while i < n:
            ln = lines[i].rstrip("\r")
            if not ln.strip():
                break
            if not ln.startswith("#"):
                body.append(ln)
            i += 1
        if skip or not header:
            continue
        if header[0] == "statement":
            kind = "statement error" if header[1:2] == ["error"] else "statement ok"
            yield start, kind, "\n".join(body)
        elif header[0] == "query":
            sql: list[str] = []
            for ln in body:
                if ln.startswith("----"):
                    break
                sql.append(ln)
            yield start, "query", "\n".join(sql)


def sqlite_syntax_error(sql: str) -> str | None:
    """The syntax error sqlite3 reports for sql on an empty database, or None."""
    con = sqlite3.connect(":memory:")
    try:
        con.executescript(sql)
    except sqlite3.Error as e:
        msg = str(e)
        return msg if msg.startswith(SYNTAX_MESSAGES) else None
    finally:
        con.close()
    return None


def check(sql: str) -> str | None:
    """None if pyrite parses sql or sqlite3 rejects its syntax too; else pyrite's error."""
    from pyrite.errors import SqlSyntaxError
    from pyrite.sql import parse

    try:
        parse(sql)
        return None
    except SqlSyntaxError as e:
        if sqlite_syntax_error(sql) is not None:
            return None
        return str(e)


def main() -> int:
    from pyrite.errors import SqlSyntaxError
    from pyrite.sql import parse

    files = sorted(CORPUS.rglob("*.test"))
    total = failures = missed_errors = 0
    t0 = time.perf_counter()
    for path in files:
        for line, kind, sql in records(path):
            total += 1
            try:
                parse(sql)
            except SqlSyntaxError as e:
                if sqlite_syntax_error(sql) is None:
                    failures += 1
                    print(f"{path.relative_to(CORPUS)}:{line}: {e}\n    {sql[:300]!r}")
                continue
            if kind == "statement error" and sqlite_syntax_error(sql) is not None:
                missed_errors += 1
                print(f"{path.relative_to(CORPUS)}:{line}: accepted, sqlite3 says "
                      f"{sqlite_syntax_error(sql)}\n    {sql[:300]!r}")
    dt = time.perf_counter() - t0
    print(f"{total} texts, {failures} rejected wrongly, {missed_errors} syntax errors missed, "
          f"{dt:.1f} s")
    return 1 if failures or missed_errors else 0


if __name__ == "__main__":
    sys.exit(main())
