"""Token kinds and the Token tuple produced by the tokenizer.

Owns the lexical vocabulary of SQLite: the keyword table (lang_keywords.html,
SQLite 3.40), the keywords that fall back to identifiers (parse.y %fallback),
and the token classes the grammar uses (id, idj, nm, ids). Knows nothing of
the grammar beyond those classes.

A Token is (kind, start, end, value): text[start:end] is its source text;
`value` is the upper-case keyword for KEYWORD, the operator text for OP, and
"" otherwise. Tokens are immutable tuples (cheap to make: one per lexeme on
the path of every uncached statement).
"""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple


class TokenKind(IntEnum):
    SPACE = 0  # white space (never returned by tokenize())
    COMMENT = 1  # -- and /* */ comments (never returned by tokenize())
    ID = 2  # identifier, bare or quoted with "", [] or ``
    KEYWORD = 3
    STRING = 4  # '...'
    BLOB = 5  # X'...'
    INTEGER = 6
    FLOAT = 7
    VARIABLE = 8  # ?, ?NNN, :a, @a, $a, #a
    OP = 9  # punctuation and operators
    ILLEGAL = 10  # an unrecognized token
    EOF = 11


class Token(NamedTuple):
    kind: TokenKind
    start: int
    end: int
    value: str


KEYWORDS: frozenset[str] = frozenset("""
ABORT ACTION ADD AFTER ALL ALTER ALWAYS ANALYZE AND AS ASC ATTACH AUTOINCREMENT
BEFORE BEGIN BETWEEN BY CASCADE CASE CAST CHECK COLLATE COLUMN COMMIT CONFLICT
CONSTRAINT CREATE CROSS CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP
DATABASE DEFAULT DEFERRABLE DEFERRED DELETE DESC DETACH DISTINCT DO DROP EACH
ELSE END ESCAPE EXCEPT EXCLUDE EXCLUSIVE EXISTS EXPLAIN FAIL FILTER FIRST
FOLLOWING FOR FOREIGN FROM FULL GENERATED GLOB GROUP GROUPS HAVING IF IGNORE
IMMEDIATE IN INDEX INDEXED INITIALLY INNER INSERT INSTEAD INTERSECT INTO IS
ISNULL JOIN KEY LAST LEFT LIKE LIMIT MATCH MATERIALIZED NATURAL NO NOT NOTHING
NOTNULL NULL NULLS OF OFFSET ON OR ORDER OTHERS OUTER OVER PARTITION PLAN
PRAGMA PRECEDING PRIMARY QUERY RAISE RANGE RECURSIVE REFERENCES REGEXP REINDEX
RELEASE RENAME REPLACE RESTRICT RETURNING RIGHT ROLLBACK ROW ROWS SAVEPOINT
SELECT SET TABLE TEMP TEMPORARY THEN TIES TO TRANSACTION TRIGGER UNBOUNDED
UNION UNIQUE UPDATE USING VACUUM VALUES VIEW VIRTUAL WHEN WHERE WINDOW WITH
WITHOUT
""".split())
assert len(KEYWORDS) == 147

# FILTER, OVER and WINDOW are keywords only in context (SQLite's tokenizer
# looks ahead for them); pyrite's tokenizer returns them as ID and the parser
# recognises them where the grammar allows.
CONTEXT_KEYWORDS: frozenset[str] = frozenset({"FILTER", "OVER", "WINDOW"})

# parse.y: %fallback ID ... — keywords that turn into an identifier where the
# grammar has no use for them as keywords. TEMPORARY is TEMP's spelling;
# CURRENT_* are CTIME_KW; LIKE/GLOB/REGEXP are LIKE_KW; COLUMN is COLUMNKW.
FALLBACK: frozenset[str] = frozenset("""
ABORT ACTION AFTER ALWAYS ANALYZE ASC ATTACH BEFORE BEGIN BY CASCADE CAST
COLUMN CONFLICT CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP DATABASE
DEFERRED DESC DETACH DO EACH END EXCLUDE EXCLUSIVE EXPLAIN FAIL FIRST FOLLOWING
FOR GENERATED GLOB GROUPS IF IGNORE IMMEDIATE INITIALLY INSTEAD KEY LAST LIKE
MATCH MATERIALIZED NO NULLS OF OFFSET OTHERS PARTITION PLAN PRAGMA PRECEDING
QUERY RAISE RANGE RECURSIVE REGEXP REINDEX RELEASE RENAME REPLACE RESTRICT
ROLLBACK ROW ROWS SAVEPOINT TEMP TEMPORARY TIES TRIGGER UNBOUNDED VACUUM VIEW
VIRTUAL WITH WITHOUT
""".split())
assert FALLBACK <= KEYWORDS

JOIN_KW: frozenset[str] = frozenset({"CROSS", "FULL", "INNER", "LEFT", "NATURAL", "OUTER", "RIGHT"})

# Keywords usable where the grammar says `id` (ID|INDEXED plus fallbacks),
# `idj` (id|JOIN_KW) and `nm` (idj|STRING).
ID_KEYWORDS: frozenset[str] = FALLBACK | {"INDEXED"}
IDJ_KEYWORDS: frozenset[str] = ID_KEYWORDS | JOIN_KW
