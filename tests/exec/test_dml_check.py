"""CHECK constraint messages (source text of an unnamed CHECK) and the
AST -> SQL renderer that labels CHECKs built without source text."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

import pyrite
from pyrite.sql import parse, render

DDL = [
    "create table t(a check(a  >  0), b check( b<>'x' ), c, check (c  IS  NOT null /*c*/ ))",
    "create table t(a, constraint foo check(a>0))",
    "create table t(a constraint bar check(a>0))",
    "create table t(a check((a)>0 AND length(a)<10))",
    "create table t(a, check(\n a > 0\n))",
    "create table t(a, b, check(a<b), check(\tb < 100 ))",
]
DML = ["insert into t values(-1,1,1)", "insert into t values(1,'x',1)",
       "insert into t values(1,1,null)", "insert into t values(0)", "insert into t values(0, 1)",
       "insert into t values(1, 200)", "insert into t values(1)", "update t set a=-1",
       "insert or ignore into t values(0)", "insert or replace into t values(0)"]


def _run(mod: Any, ddl: str) -> list[Any]:
    con = mod.connect(":memory:")
    con.execute(ddl)
    out: list[Any] = []
    for s in DML:
        try:
            con.execute(s)
            out.append(con.execute("select * from t").fetchall())
        except mod.Error as e:
            base = "IntegrityError" if isinstance(e, mod.IntegrityError) else "OperationalError"
            out.append((base, str(e)))
    return out


@pytest.mark.parametrize("ddl", DDL)
def test_check_message(ddl: str) -> None:
    assert _run(pyrite, ddl) == _run(sqlite3, ddl)


EXPRS = [
    "a + b * c", "(a + b) * c", "a - (b - c)", "NOT (a AND b) OR c", "- -a",
    "x BETWEEN 1 AND 2 AND y", "a NOT IN (SELECT b FROM t WHERE c > 1 ORDER BY 1 LIMIT 2)",
    "a LIKE 'x%' ESCAPE '\\'", "CASE WHEN a THEN 'it''s' ELSE X'00ff' END",
    "CAST(a AS VARCHAR(10))", "a COLLATE nocase = b",
    "count(*) FILTER (WHERE a > 1) OVER (PARTITION BY b ORDER BY c DESC "
    "ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)",
    "(a, b) = (1, 2)", '"select" + "a b"', "a ISNULL", "EXISTS (SELECT 1)",
    "1.5e300 + 9223372036854775807 - -9223372036854775808", "a = b = c", "(a = b) < c",
    "?1 + :x + @y + $z", "a IN ()",
    "(SELECT max(a) FROM t AS u JOIN v USING (a) LEFT JOIN w ON w.a = u.a GROUP BY b HAVING c)",
    "(SELECT 1 UNION ALL SELECT 2 EXCEPT VALUES (3))",
]


@pytest.mark.parametrize("text", EXPRS)
def test_render_round_trip(text: str) -> None:
    def expr(sql: str) -> Any:
        st = parse("SELECT " + sql)[0].statement
        return st.body.columns[0].expr  # type: ignore[union-attr]

    e = expr(text)
    assert expr(render.render_expr(e)) == e


def test_quote_id() -> None:
    assert render.quote_id("abc_1") == "abc_1"
    assert render.quote_id("select") == '"select"'
    assert render.quote_id('a"b') == '"a""b"'
