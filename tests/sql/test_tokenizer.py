"""Tokenizer: SQLite's lexical rules and sqlite3_complete."""

from __future__ import annotations

import sqlite3

import pytest

from pyrite.errors import SqlSyntaxError
from pyrite.sql import TokenKind, complete_statement, tokenize
from pyrite.sql.tokenizer import tokenize_all
from pyrite.sql.tokens import FALLBACK, KEYWORDS

K = TokenKind


def kinds(text: str) -> list[tuple[TokenKind, str]]:
    return [(t.kind, text[t.start:t.end]) for t in tokenize(text)[:-1]]


def test_keywords_case_insensitive_and_identifiers() -> None:
    assert kinds("SeLeCt abc _x x1$ é") == [
        (K.KEYWORD, "SeLeCt"), (K.ID, "abc"), (K.ID, "_x"), (K.ID, "x1$"), (K.ID, "é")]
    assert tokenize("select")[0].value == "SELECT"


def test_context_keywords_are_identifiers() -> None:
    assert [t.kind for t in tokenize("filter over window")[:-1]] == [K.ID] * 3


@pytest.mark.parametrize("text", ['"a b"', '"a""b"', "[a b]", "`a``b`"])
def test_quoted_identifiers(text: str) -> None:
    assert kinds(text) == [(K.ID, text)]


def test_literals() -> None:
    assert kinds("'it''s' x'0aFF' X'' 12 0x1F 1.5 .5 1e5 1E-5 1. 3e+2") == [
        (K.STRING, "'it''s'"), (K.BLOB, "x'0aFF'"), (K.BLOB, "X''"), (K.INTEGER, "12"),
        (K.INTEGER, "0x1F"), (K.FLOAT, "1.5"), (K.FLOAT, ".5"), (K.FLOAT, "1e5"),
        (K.FLOAT, "1E-5"), (K.FLOAT, "1."), (K.FLOAT, "3e+2")]


def test_parameters() -> None:
    assert kinds("? ?12 :a @b $c $a::b(x) #d") == [
        (K.VARIABLE, "?"), (K.VARIABLE, "?12"), (K.VARIABLE, ":a"), (K.VARIABLE, "@b"),
        (K.VARIABLE, "$c"), (K.VARIABLE, "$a::b(x)"), (K.VARIABLE, "#d")]


def test_operators() -> None:
    ops = "( ) ; + * % , & ~ - / = == < <= <> << > >= >> != | || . -> ->>"
    toks = tokenize(ops)[:-1]
    assert all(t.kind == K.OP for t in toks)
    assert [t.value for t in toks] == [
        "(", ")", ";", "+", "*", "%", ",", "&", "~", "-", "/", "=", "=", "<", "<=", "!=",
        "<<", ">", ">=", ">>", "!=", "|", "||", ".", "->", "->>"]


def test_comments_and_space_are_skipped_but_kept_by_tokenize_all() -> None:
    text = "a -- c\n/* d */ b /* open"
    assert kinds(text) == [(K.ID, "a"), (K.ID, "b")]
    assert [t.kind for t in tokenize_all(text)] == [
        K.ID, K.SPACE, K.COMMENT, K.COMMENT, K.SPACE, K.ID, K.SPACE, K.COMMENT]


@pytest.mark.parametrize("text,bad", [
    ("'abc", "'abc"), ('"abc', '"abc'), ("[abc", "[abc"), ("x'a'", "x'a'"),
    ("x'zz'", "x'zz'"), ("1e", "1e"), ("0x", "0x"), ("12abc", "12abc"), ("$", "$"),
    ("#", "#"), ("!", "!"), ("1e+", "1e"), ("0xg", "0xg"), ("1.5e", "1.5e"), ("$a(b c)", "$a(b"),
    ("$(x)", "$"), ("x'abc' 1", "x'abc'"), ("1_000", "1_000"),
])
def test_unrecognized_tokens(text: str, bad: str) -> None:
    with pytest.raises(SqlSyntaxError) as ei:
        tokenize("select " + text)
    assert str(ei.value) == f'unrecognized token: "{bad}"'
    with pytest.raises(sqlite3.OperationalError) as oracle:
        sqlite3.connect(":memory:").execute("select " + text)
    assert str(oracle.value) == str(ei.value)


def test_keyword_tables() -> None:
    assert len(KEYWORDS) == 147
    assert "KEY" in FALLBACK and "SELECT" not in FALLBACK


@pytest.mark.parametrize("text", [
    "", ";", "select 1", "select 1;", "select 1; ", "select 1;--x", "select 1; /* x",
    "select ';", "select 'a;';", 'select "a;', "select [a;", "create trigger t after insert on x "
    "begin select 1; end;", "create trigger t after insert on x begin select 1;",
    "create temp trigger t after insert on x begin select 1; end", "explain select 1;",
    "create table t(a); create trigger x", "CREATE TRIGGER t BEGIN; END;", "-- x\n;",
    "select 1 /* ; */", "select x'ab';", "end;", "create view trigger as select 1;",
])
def test_complete_statement_matches_sqlite(text: str) -> None:
    assert complete_statement(text) == sqlite3.complete_statement(text)
