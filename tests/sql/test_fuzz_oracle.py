"""Seeded mutations of valid statements: pyrite and sqlite3 agree on syntax errors.

Each case deletes, inserts or replaces a few tokens of a statement from
data/statements.sql. When sqlite3 accepts the text or rejects it with a parser
message, pyrite must give the same answer with the same text; never any other
exception. (A text sqlite3 rejects for another reason — no such table — is
skipped: sqlite3 stopped before parsing all of it.)"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from pyrite.errors import SqlSyntaxError
from pyrite.sql import parse
from pyrite.sql.tokenizer import tokenize_all
from pyrite.sql.tokens import TokenKind

STATEMENTS = (Path(__file__).parent / "data" / "statements.sql").read_text().splitlines()
PARSER_MESSAGES = ("near \"", "incomplete input", "unrecognized token", "parser stack overflow",
                   "Expression tree is too large", "variable number", "hex literal",
                   "unknown join", "a NATURAL", "a JOIN clause", "unknown table option",
                   "ORDER BY clause should", "LIMIT clause should", "too many terms")
VOCAB = ("select from where ( ) , and or not null is in between like escape case when then "
         "else end as on using join left natural group having limit offset union all "
         "distinct * + - = 1 's' a t key filter over window partition rows range current row "
         "preceding unbounded collate nocase cast exists values default insert into update set "
         "delete create table index view trigger begin primary unique check references if "
         "temp with recursive returning conflict do nothing replace ; ? ?1 :a x'00' 0x1 . "
         "indexed generated always desc asc nulls first -> || <> == != <= raise abort ignore "
         "without rowid strict materialized exclude ties others no foreign deferrable "
         "initially deferred to rename add column drop savepoint release transaction pragma "
         "explain query plan").split()
SCHEMA = ("create table t(a, b, c); create table u(a, b, c); "
          "create view v1 as select 1 x, 2 y;")


def mutate(rng: random.Random, sql: str) -> str:
    toks = [sql[t.start:t.end] for t in tokenize_all(sql) if t.kind != TokenKind.SPACE]
    for _ in range(rng.randint(1, 3)):
        r = rng.random()
        if r < 0.35 and toks:
            del toks[rng.randrange(len(toks))]
        elif r < 0.7:
            toks.insert(rng.randrange(len(toks) + 1), rng.choice(VOCAB))
        elif toks:
            toks[rng.randrange(len(toks))] = rng.choice(VOCAB)
    return " ".join(toks)


def cases(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    return [mutate(rng, rng.choice(STATEMENTS)) for _ in range(n)]


@pytest.mark.parametrize("seed", range(6))
def test_mutations_agree_with_sqlite(seed: int) -> None:
    mismatches = []
    for sql in cases(seed, 300):
        con = sqlite3.connect(":memory:")
        con.executescript(SCHEMA)
        try:
            con.executescript(sql)
            expected = "OK"
        except sqlite3.Error as e:
            expected = str(e)
        finally:
            con.close()
        if expected != "OK" and not expected.startswith(PARSER_MESSAGES):
            continue
        try:
            parse(sql)
            got = "OK"
        except SqlSyntaxError as e:
            got = str(e)
        if got != expected:
            mismatches.append(f"{sql!r}\n  sqlite3: {expected}\n  pyrite:  {got}")
    assert not mismatches, "\n".join(mismatches)


def test_valid_statements_parse() -> None:
    for sql in STATEMENTS:
        parse(sql)
