"""The parser against sqlite3 as oracle: error texts, schema SQL, column names."""

from __future__ import annotations

import sqlite3

import pytest

from pyrite.errors import SqlSyntaxError
from pyrite.sql import ast as A
from pyrite.sql import parse

# Messages the parser owns; anything else sqlite3 says comes from a later stage.
PARSER_MESSAGES = ("near \"", "incomplete input", "unrecognized token", "parser stack overflow",
                   "Expression tree is too large", "variable number", "hex literal",
                   "unknown join", "a NATURAL", "a JOIN clause", "unknown table option",
                   "ORDER BY clause should", "LIMIT clause should", "too many terms",
                   "ORDER BY without LIMIT")

BAD = [
    "select", "select 1 +", "select * from", "selec 1", "select 1 from t where", "select (1",
    "select 1)", "select 1,", "select ,1", "select 'abc", 'select "abc', "select [abc",
    "select x'a'", "select x'zz'", "select 1e", "select 1e+", "select 0x", "select 12abc",
    "select 1.2.3", "select $", "select @", "select :", "select #", "select ?0",
    "select ?250001", "select !", "select 1 ! 2", "select `a", "select /* x",
    "insert into t values", "insert into t values (1", "insert t values(1)",
    "insert into t default", "update t set", "update t set a", "update t set a=", "update t a=1",
    "delete t", "delete from", "delete from t where", "create table", "create table tt",
    "create table tt(", "create table tt()", "create table tt(a,)", "create table tt(a b c d e(1)",
    "create table tt(a) without", "create table tt(a) without foo", "create table tt(a) strict2",
    "create index on t(a)", "create index i on t", "create index i on t()", "create view v",
    "create view v as", "create trigger tr after insert on t begin",
    "create trigger tr after insert on t begin select 1;",
    "create trigger tr after insert on t begin end",
    "create trigger tr insert on t begin select 1 end", "drop", "drop table", "drop foo x",
    "alter table t", "alter table t add", "alter table t rename", "begin foo", "commit foo bar",
    "rollback to", "savepoint", "release", "pragma", "pragma foo =", "pragma foo(", "attach",
    "attach 'x'", "detach", "explain", "explain query", "explain query plan",
    "select * from t outer join u", "select * from t cross left join u",
    "select * from t on 1", "select * from t using (a)", "select 1 union", "select 1 union all",
    "select 1 order by", "select 1 limit", "select 1 limit 1,", "select case when 1 then 2",
    "select case end", "select cast(1 as)", "select cast(1)", "select count(*",
    "select a from t group", "select a from t group by", "select 1 where 1 having",
    "with x as select 1", "with x as (select 1)", "with x(select 1) select 2", "select 1 in",
    "select 1 in (", "select 1 between 1", "select 1 between 1 and", "select 1 is",
    "select 1 like", "select 1 not", "select not", "select -", "select ~", "select 1 collate",
    "select count(*) over (", "select count(*) over (rows", "select count(*) over (rows between)",
    "select * from t window w as", "select * from t window w as (", "values", "values (",
    "values ()", "values (1),", "select 1 select 2", "select 1 2", "select a b c from t",
    "select 1 as", "select t. from t", "insert into t select",
    "insert into t(a) values(1) on conflict do",
    "insert into t(a) values(1) on conflict (a) do update",
    "insert into t(a) values(1) returning", "create table tt(a primary key asc desc)",
    "create table tt(a check)", "create table tt(a check(", "create table tt(a default)",
    "create table tt(a default -x)", "create table tt(a references)",
    "create table tt(a, primary key)", "create table tt(a, foreign key(a) references)",
    "create table tt(a constraint)", "create virtual table", "create virtual table v using",
    "create virtual table v using m(", "create temp index i on t(a)",
    "create unique view v as select 1", "select 0x1ffffffffffffffff", "select -0x8000000000000000",
    "select 1 /", "select * from (select 1", "select * from ()", "select ?, :a, ?999999",
    "select 1 from t indexed", "select 1 from t not indexed by i", "update or t set a=1",
    "insert or into t values(1)", "replace t values(1)", "select raise(foo, 'x')",
    "select exists", "select exists (1)", "select 1 = = 2", "select 1 <> > 2",
    "create table tt(a int(", "create table tt(a int(1,", "create table tt(a int(1,2,3))",
    "create table tt(a int(x))", "create table tt(a as)", "select 1 from t t2 t3",
    "select 1 from t as", "with recursive", "with recursive x", "with x as (select 1), select 2",
    "analyze a.b.c", "vacuum into", "reindex a.", "end transaction x y",
    "begin immediate exclusive", "savepoint a b", "rollback transaction to savepoint",
    "\n\nselect * from\n\n", "select 1 from t where a = 'it''s", "create table [t", 'select "a""b',
    "select 1; select 2 +", "select 1 ;; select (", "select 1 -- ; x\n )",
    "values(1) order by 1", "select 1 union values(2) order by 1",
    "select 1 order by 1 union select 2", "select 1 limit 1 union select 2 order by 1",
    "select 1 union select 2 limit 1 union select 3", "select 1 order by 1 union select 2 )",
    "select 1 order by 1 union select", "select * from (values(1) order by 1)",
    " union ".join(["select 1"] * 501), "select raise(abort, 1)",
    "select * from t outer release join = u", "create table tt(a) ,",
    "select a from t not 's'", "select 1 is distinct indexed b",
    "select a from t order by a nulls delete", "insert into t values (1) on 1",
    "select count(*) over (partition) from t", "create table tt(a) , strict2",
    "update t set a = 1 order by a", "delete from t order by a",
    "insert into t select * from u on conflict do nothing",
    "insert into t default values on conflict do nothing", "pragma foo = null",
    "create table tt(a default 1 + 1)", "select * from t as x(a)",
]
GOOD_ODDITIES = [
    "select * from t left right join u", "select count(distinct) from t",
    "create table tt(a constraint c)", "create table tt(a generated always)",
    "select 0x1g from t", "select 1 from t as 'x' where 'x'.a", "create table tt(a int key)",
    "create table rollback(a)", "select 1 as window", "select replace from (select 1 replace)",
    "select * from t natural left outer join u", "select 1 not null",
    "create table tt(a int) , strict", "create table tt(a int) strict, without rowid",
    "select raise(abort, x)", "select 1 union select 2 limit 1", "select 1 order by 1 limit 2",
]


def sqlite_error(sql: str) -> str:
    con = sqlite3.connect(":memory:")
    con.execute("create table t(a, b, c)")
    con.execute("create table u(a, b, c)")
    try:
        con.executescript(sql)
    except sqlite3.Error as e:
        return str(e)
    finally:
        con.close()
    return "OK"


def pyrite_error(sql: str) -> str:
    try:
        parse(sql)
    except SqlSyntaxError as e:
        return str(e)
    return "OK"


@pytest.mark.parametrize("sql", BAD + GOOD_ODDITIES, ids=lambda s: s[:60])
def test_error_text_matches_sqlite(sql: str) -> None:
    expected = sqlite_error(sql)
    if not expected.startswith(PARSER_MESSAGES):
        expected = "OK"  # sqlite3 parsed it and failed later (no such table …)
    assert pyrite_error(sql) == expected


CREATES = [
    'create   temp table if not exists "t x" ( a int )  ',
    "create table main.u(a)",
    "create table v1 ( a ) /* c */ ",
    "create table v2(a int primary key) without rowid , strict ",
    "CREATE  unique  INDEX  if not exists main.i1  ON  u ( a ) where a > 1  ",
    "create index i2 on u(a) -- x\n",
    "create view  vv  ( x ) as select  1 ",
    "create temp view  tv as select 1 -- hi",
    "create trigger  tr1  after insert on u begin select 1; end",
    "create temp trigger tr2 before delete on u for each row begin delete from u; end ;",
    'create table "a""b" (x)',
    "create table [q r](x)",
    "create table 'ss'(x)",
    "create virtual table vt using  fts4( a , b )",
    "create virtual table vt2 using fts4",
]


def test_schema_sql_matches_sqlite_schema() -> None:
    con = sqlite3.connect(":memory:")
    expected = {}
    for sql in CREATES:
        con.execute(sql)
    for name, sql in con.execute(
            "select name, sql from sqlite_schema union all select name, sql "
            "from sqlite_temp_schema"):
        expected[name] = sql
    for sql in CREATES:
        stmt = parse(sql)[0].statement
        assert isinstance(stmt, (A.CreateTable, A.CreateIndex, A.CreateView, A.CreateTrigger,
                                 A.CreateVirtualTable))
        assert stmt.schema_sql == expected[stmt.name], sql


@pytest.mark.parametrize("sql", [
    "select a+1, a + 1, a  *  2, 'x', abs(-1), count(*), 1 /* c */ + 2, -a, a collate "
    "nocase, cast(a as text), case when a then 1 end, a is not null, ?, :p, x'ab', 1.50, "
    "t.a||'z', a  between 1 and 2, exists (select 1), (select 1) from t",
    "select a+1 from t union select 2",
])
def test_result_column_text_is_sqlite_column_name(sql: str) -> None:
    con = sqlite3.connect(":memory:")
    con.execute("create table t(a, b, c)")
    names = [d[0] for d in con.execute(sql, (1, 2)[:sql.count("?") + sql.count(":p")]).description]
    stmt = parse(sql)[0].statement
    assert isinstance(stmt, A.Select)
    body = stmt.body
    while isinstance(body, A.Compound):
        body = body.left
    assert isinstance(body, A.SelectCore)
    assert [c.text for c in body.columns] == names


@pytest.mark.parametrize("sql", [
    "select ?, ?5, ?, :a, @b, :a, $c, ?2", "select :x, ?1, :y", "select ?3, ?, :z",
    "select ?2, :a", "select @a, @a, ?",
])
def test_parameter_count_matches_sqlite(sql: str) -> None:
    import re
    con = sqlite3.connect(":memory:")
    with pytest.raises(sqlite3.ProgrammingError) as ei:
        con.execute(sql, ())
    m = re.search(r"uses (\d+)", str(ei.value))
    assert m is not None
    assert parse(sql)[0].param_count == int(m.group(1))
