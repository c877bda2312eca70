"""Parser: the AST shape of each construct (pyrite.sql.ast)."""

from __future__ import annotations

import pytest

from pyrite.errors import SqlSyntaxError
from pyrite.sql import ast as A
from pyrite.sql import parse, parse_one


def one(text: str) -> A.Statement:
    parsed = parse(text)
    assert len(parsed) == 1
    return parsed[0].statement


def expr(text: str) -> A.Expr:
    stmt = one("SELECT " + text)
    assert isinstance(stmt, A.Select) and isinstance(stmt.body, A.SelectCore)
    e = stmt.body.columns[0].expr
    assert e is not None
    return e


def col(name: str, table: str | None = None) -> A.ColumnRef:
    return A.ColumnRef(None, table, name)


L = A.Literal

# --------------------------------------------------------------------------- expressions


def test_literals() -> None:
    assert expr("1") == L(1)
    assert expr("0x10") == L(16)
    assert expr("0xffffffffffffffff") == L(-1)
    assert expr("1.5") == L(1.5)
    assert expr(".5e1") == L(5.0)
    assert expr("'it''s'") == L("it's")
    assert expr("x'00ff'") == L(b"\x00\xff")
    assert expr("NULL") == L(None)
    assert expr("9223372036854775807") == L(9223372036854775807)
    assert expr("9223372036854775808") == L(9.223372036854776e18)
    assert expr("-9223372036854775808") == L(-9223372036854775808)
    assert expr("-1") == A.Unary("-", L(1))
    assert expr("current_timestamp") == A.CurrentTime("CURRENT_TIMESTAMP")


def test_precedence() -> None:
    assert expr("1 + 2 * 3") == A.Binary("+", L(1), A.Binary("*", L(2), L(3)))
    assert expr("1 - 2 - 3") == A.Binary("-", A.Binary("-", L(1), L(2)), L(3))
    assert expr("a OR b AND c") == A.Binary("OR", col("a"), A.Binary("AND", col("b"), col("c")))
    assert expr("NOT a = b") == A.Unary("NOT", A.Binary("=", col("a"), col("b")))
    assert expr("a < b = c") == A.Binary("=", A.Binary("<", col("a"), col("b")), col("c"))
    assert expr("a & b + c") == A.Binary("&", col("a"), A.Binary("+", col("b"), col("c")))
    assert expr("a || b * c") == A.Binary("*", A.Binary("||", col("a"), col("b")), col("c"))
    assert expr("-a || b") == A.Binary("||", A.Unary("-", col("a")), col("b"))
    assert expr("-a COLLATE nocase") == A.Unary("-", A.Collate(col("a"), "nocase"))
    assert expr("a == b <> c") == A.Binary("!=", A.Binary("=", col("a"), col("b")), col("c"))
    assert expr("a -> '$.x' ->> 'y'") == A.Binary(
        "->>", A.Binary("->", col("a"), L("$.x")), L("y"))
    assert expr("~a << 2") == A.Binary("<<", A.Unary("~", col("a")), L(2))
    assert expr("1 = NOT 0") == A.Binary("=", L(1), A.Unary("NOT", L(0)))


def test_is_and_null_tests() -> None:
    assert expr("a IS NOT NULL") == A.Binary("IS NOT", col("a"), L(None))
    assert expr("a IS b") == A.Binary("IS", col("a"), col("b"))
    assert expr("a IS DISTINCT FROM b") == A.Binary("IS NOT", col("a"), col("b"))
    assert expr("a IS NOT DISTINCT FROM b") == A.Binary("IS", col("a"), col("b"))
    assert expr("a ISNULL") == A.IsNull(col("a"), False)
    assert expr("a NOTNULL") == A.IsNull(col("a"), True)
    assert expr("a NOT NULL") == A.IsNull(col("a"), True)


def test_like_between_in() -> None:
    assert expr("a NOT LIKE 'x%' ESCAPE '!'") == A.Like("LIKE", col("a"), L("x%"), L("!"), True)
    assert expr("a GLOB b") == A.Like("GLOB", col("a"), col("b"), None, False)
    assert expr("a regexp b") == A.Like("REGEXP", col("a"), col("b"), None, False)
    assert expr("a BETWEEN 1 AND 2 AND b") == A.Binary(
        "AND", A.Between(col("a"), L(1), L(2), False), col("b"))
    assert expr("a NOT BETWEEN b + 1 AND c") == A.Between(
        col("a"), A.Binary("+", col("b"), L(1)), col("c"), True)
    assert expr("a IN ()") == A.InList(col("a"), (), False)
    assert expr("a NOT IN (1, 2)") == A.InList(col("a"), (L(1), L(2)), True)
    e = expr("(a, b) IN (SELECT 1, 2)")
    assert isinstance(e, A.InSelect) and e.expr == A.RowValue((col("a"), col("b")))
    assert expr("a IN main.t") == A.InTable(col("a"), "main", "t", None, False)
    assert expr("a IN f(1)") == A.InTable(col("a"), None, "f", (L(1),), False)


def test_names_and_calls() -> None:
    assert expr("s.t.c") == A.ColumnRef("s", "t", "c")
    assert expr('"a b"') == A.ColumnRef(None, None, "a b", True)
    assert expr("[a b]") == A.ColumnRef(None, None, "a b", False)
    assert expr("key") == col("key")
    assert expr("replace(a, 'x', 'y')") == A.FunctionCall("replace", (col("a"), L("x"), L("y")))
    assert expr("count(*)") == A.FunctionCall("count", (), star=True)
    assert expr("count(DISTINCT a)") == A.FunctionCall("count", (col("a"),), distinct=True)
    assert expr("f()") == A.FunctionCall("f", ())
    assert expr("group_concat(a ORDER BY b DESC)") == A.FunctionCall(
        "group_concat", (col("a"),), order_by=(A.OrderingTerm(col("b"), True),))


def test_window_calls() -> None:
    e = expr("sum(a) FILTER (WHERE a > 0) OVER (w PARTITION BY b ORDER BY c "
             "RANGE BETWEEN UNBOUNDED PRECEDING AND 2 FOLLOWING EXCLUDE TIES)")
    assert e == A.FunctionCall(
        "sum", (col("a"),), filter=A.Binary(">", col("a"), L(0)),
        over=A.WindowSpec("w", (col("b"),), (A.OrderingTerm(col("c")),), "RANGE",
                          A.FrameBound("UNBOUNDED PRECEDING", None),
                          A.FrameBound("FOLLOWING", L(2)), "TIES"))
    e = expr("row_number() OVER win")
    assert isinstance(e, A.FunctionCall) and e.over == A.WindowSpec(
        "win", (), (), None, None, None, None)
    e = expr("sum(a) OVER (ROWS 3 PRECEDING EXCLUDE NO OTHERS)")
    assert isinstance(e, A.FunctionCall) and e.over is not None
    assert e.over.frame_start == A.FrameBound("PRECEDING", L(3))
    assert e.over.frame_end == A.FrameBound("CURRENT ROW", None)
    assert e.over.exclude == "NO OTHERS"
    # FILTER/OVER/WINDOW stay identifiers elsewhere.
    assert expr("filter") == col("filter")
    assert expr("over + window") == A.Binary("+", col("over"), col("window"))


def test_case_cast_exists_subquery_raise() -> None:
    assert expr("CASE a WHEN 1 THEN 'x' ELSE 'y' END") == A.Case(
        col("a"), ((L(1), L("x")),), L("y"))
    assert expr("CASE WHEN a THEN 1 END") == A.Case(None, ((col("a"), L(1)),), None)
    assert expr("CAST(a AS unsigned big int)") == A.Cast(col("a"), "unsigned big int")
    assert expr("CAST(a AS VARCHAR(10))") == A.Cast(col("a"), "VARCHAR(10)")
    assert isinstance(expr("EXISTS (SELECT 1)"), A.Exists)
    assert isinstance(expr("NOT EXISTS (SELECT 1)"), A.Unary)
    assert isinstance(expr("(SELECT 1)"), A.Subquery)
    assert expr("(1)") == L(1)
    assert expr("(1, 2)") == A.RowValue((L(1), L(2)))
    assert expr("RAISE(IGNORE)") == A.Raise("IGNORE", None)
    assert expr("RAISE(ABORT, 'no')") == A.Raise("ABORT", L("no"))


def test_parameters_numbering() -> None:
    p = parse("SELECT ?, ?5, ?, :a, @b, :a, $c, ?2")[0]
    stmt = p.statement
    assert isinstance(stmt, A.Select) and isinstance(stmt.body, A.SelectCore)
    params = [c.expr for c in stmt.body.columns]
    assert params == [A.Param(1, None), A.Param(5, "?5"), A.Param(6, None), A.Param(7, ":a"),
                      A.Param(8, "@b"), A.Param(7, ":a"), A.Param(9, "$c"), A.Param(2, "?2")]
    assert p.param_count == 9
    assert p.param_names == (None, "?2", None, None, "?5", None, ":a", "@b", "$c")


# --------------------------------------------------------------------------- SELECT


def test_result_columns_text_and_alias() -> None:
    stmt = one("SELECT a+1, b AS x, c y, 'lit' \"z\", t.*, *, count(*) FROM t")
    assert isinstance(stmt, A.Select) and isinstance(stmt.body, A.SelectCore)
    cols = stmt.body.columns
    assert [(c.text, c.alias, c.table) for c in cols] == [
        ("a+1", None, None), ("b", "x", None), ("c", "y", None), ("'lit'", "z", None),
        ("t.*", None, "t"), ("*", None, None), ("count(*)", None, None)]
    assert cols[4].expr is None and cols[5].expr is None


def test_select_clauses() -> None:
    stmt = one("SELECT DISTINCT a FROM t WHERE a > 1 GROUP BY a, b HAVING count(*) > 1 "
               "WINDOW w AS (ORDER BY a) ORDER BY a DESC NULLS LAST, b LIMIT 10 OFFSET 5")
    assert isinstance(stmt, A.Select)
    core = stmt.body
    assert isinstance(core, A.SelectCore)
    assert core.distinct and core.from_ == A.TableRef(None, "t")
    assert core.group_by == (col("a"), col("b"))
    assert core.windows == (A.NamedWindow("w", A.WindowSpec(
        None, (), (A.OrderingTerm(col("a")),), None, None, None, None)),)
    assert stmt.order_by == (A.OrderingTerm(col("a"), True, "LAST"), A.OrderingTerm(col("b")))
    assert (stmt.limit, stmt.offset) == (L(10), L(5))
    stmt = one("SELECT 1 LIMIT 5, 10")
    assert isinstance(stmt, A.Select) and (stmt.limit, stmt.offset) == (L(10), L(5))


def test_compounds_nest_left_and_values() -> None:
    stmt = one("SELECT 1 UNION VALUES (3), (4) EXCEPT SELECT 2 ORDER BY 1 LIMIT 1")
    assert isinstance(stmt, A.Select) and isinstance(stmt.body, A.Compound)
    assert stmt.body.op == "EXCEPT"
    assert isinstance(stmt.body.left, A.Compound) and stmt.body.left.op == "UNION"
    assert stmt.body.left.right == A.Values(((L(3),), (L(4),)))
    assert stmt.order_by == (A.OrderingTerm(L(1)),) and stmt.limit == L(1)
    stmt = one("SELECT 1 UNION ALL SELECT 2 INTERSECT SELECT 3")
    assert isinstance(stmt, A.Select) and isinstance(stmt.body, A.Compound)
    assert isinstance(stmt.body.left, A.Compound) and stmt.body.left.op == "UNION ALL"


def test_with() -> None:
    stmt = one("WITH RECURSIVE c(n) AS NOT MATERIALIZED (SELECT 1), d AS MATERIALIZED "
               "(SELECT 2) SELECT * FROM c, d")
    assert isinstance(stmt, A.Select) and stmt.with_ is not None
    assert stmt.with_.recursive
    assert [(c.name, c.columns, c.materialized) for c in stmt.with_.ctes] == [
        ("c", ("n",), False), ("d", (), True)]


def test_joins() -> None:
    stmt = one("SELECT * FROM a AS x NATURAL JOIN b LEFT OUTER JOIN c ON x.i = c.i "
               "RIGHT JOIN d USING (i, j) FULL JOIN e CROSS JOIN f, g INNER JOIN h")
    assert isinstance(stmt, A.Select) and isinstance(stmt.body, A.SelectCore)
    j = stmt.body.from_
    kinds = []
    while isinstance(j, A.Join):
        kinds.append((j.kind, j.natural, j.on is not None, j.using))
        j = j.left
    assert j == A.TableRef(None, "a", "x")
    assert kinds[::-1] == [("INNER", True, False, None), ("LEFT", False, True, None),
                           ("RIGHT", False, False, ("i", "j")), ("FULL", False, False, None),
                           ("CROSS", False, False, None), (",", False, False, None),
                           ("INNER", False, False, None)]


def test_from_items() -> None:
    stmt = one("SELECT * FROM main.t INDEXED BY i, u NOT INDEXED, json_each(x) AS j, "
               "(SELECT 1) s, (a JOIN b)")
    assert isinstance(stmt, A.Select) and isinstance(stmt.body, A.SelectCore)
    items = []
    j = stmt.body.from_
    while isinstance(j, A.Join) and j.kind == ",":
        items.append(j.right)
        j = j.left
    items.append(j)
    items.reverse()
    assert items[0] == A.TableRef("main", "t", None, "i")
    assert items[1] == A.TableRef(None, "u", None, None, True)
    assert items[2] == A.TableFunctionRef(None, "json_each", (col("x"),), "j")
    assert isinstance(items[3], A.SubqueryRef) and items[3].alias == "s"
    assert isinstance(items[4], A.Join)


def test_keyword_fallback_as_names() -> None:
    stmt = one("SELECT key, action, replace, text, desc FROM temp AS if WHERE end = 1")
    assert isinstance(stmt, A.Select) and isinstance(stmt.body, A.SelectCore)
    assert [c.expr for c in stmt.body.columns] == [
        col("key"), col("action"), col("replace"), col("text"), col("desc")]
    assert stmt.body.from_ == A.TableRef(None, "temp", "if")
    stmt = one("SELECT a desc FROM t")  # an alias without AS
    assert isinstance(stmt, A.Select) and isinstance(stmt.body, A.SelectCore)
    assert stmt.body.columns[0].alias == "desc"


# --------------------------------------------------------------------------- DML


def test_insert() -> None:
    stmt = one("INSERT OR IGNORE INTO main.t AS x (a, b) VALUES (1, 2), (3, 4)")
    assert isinstance(stmt, A.Insert)
    assert stmt.table == A.TableRef("main", "t", "x")
    assert stmt.columns == ("a", "b") and stmt.conflict == "IGNORE"
    assert stmt.source == A.Select(A.Values(((L(1), L(2)), (L(3), L(4)))))
    stmt = one("REPLACE INTO t DEFAULT VALUES")
    assert isinstance(stmt, A.Insert) and stmt.source is None and stmt.conflict == "REPLACE"
    stmt = one("WITH c AS (SELECT 1) INSERT INTO t SELECT * FROM c")
    assert isinstance(stmt, A.Insert) and stmt.with_ is not None


def test_upsert_and_returning() -> None:
    stmt = one("INSERT INTO t VALUES (1) ON CONFLICT (a COLLATE nocase) WHERE a > 0 DO UPDATE "
               "SET b = excluded.b, (c, d) = (1, 2) WHERE b < 3 ON CONFLICT DO NOTHING "
               "RETURNING a, b AS bb")
    assert isinstance(stmt, A.Insert)
    first, second = stmt.upsert
    assert first.target == (A.IndexedColumn(col("a"), "nocase"),)
    assert first.target_where == A.Binary(">", col("a"), L(0))
    assert first.sets == (A.SetClause(("b",), col("b", "excluded")),
                          A.SetClause(("c", "d"), A.RowValue((L(1), L(2)))))
    assert first.where == A.Binary("<", col("b"), L(3))
    assert second == A.Upsert((), None, None, None)
    assert [(r.text, r.alias) for r in stmt.returning] == [("a", None), ("b", "bb")]


def test_update() -> None:
    stmt = one("UPDATE OR REPLACE t AS x INDEXED BY i SET a = 1, (b, c) = (SELECT 1, 2) "
               "FROM u WHERE x.k = u.k RETURNING * ORDER BY a LIMIT 1 OFFSET 2")
    assert isinstance(stmt, A.Update)
    assert stmt.table == A.TableRef(None, "t", "x", "i") and stmt.conflict == "REPLACE"
    assert stmt.sets[0] == A.SetClause(("a",), L(1))
    assert stmt.from_ == A.TableRef(None, "u")
    assert stmt.returning[0].expr is None
    assert (stmt.limit, stmt.offset) == (L(1), L(2)) and len(stmt.order_by) == 1


def test_delete() -> None:
    stmt = one("DELETE FROM s.t WHERE a = 1 RETURNING a")
    assert isinstance(stmt, A.Delete)
    assert stmt.table == A.TableRef("s", "t") and stmt.where == A.Binary("=", col("a"), L(1))


# --------------------------------------------------------------------------- DDL


def test_create_table_columns() -> None:
    stmt = one("CREATE TEMP TABLE IF NOT EXISTS main.t ("
               "id INTEGER PRIMARY KEY DESC ON CONFLICT REPLACE AUTOINCREMENT, "
               "name varchar ( 10 ) CONSTRAINT nn NOT NULL UNIQUE COLLATE nocase, "
               "d DEFAULT (1 + 2), e DEFAULT -5, f DEFAULT 'x', g DEFAULT abc, h DEFAULT true, "
               "i CHECK (i > 0) REFERENCES p(x) ON DELETE SET NULL ON UPDATE CASCADE "
               "DEFERRABLE INITIALLY DEFERRED, "
               "j AS (i * 2) STORED, k INT GENERATED ALWAYS AS (1), l \"my type\", m)")
    assert isinstance(stmt, A.CreateTable)
    assert (stmt.schema, stmt.name, stmt.temp, stmt.if_not_exists) == ("main", "t", True, True)
    c = {cd.name: cd for cd in stmt.columns}
    assert c["id"].type_name == "INTEGER"
    assert c["id"].constraints == (A.ColumnConstraint(
        "PRIMARY KEY", conflict="REPLACE", desc=True, autoincrement=True),)
    assert c["name"].type_name == "varchar ( 10 )"
    assert [k.kind for k in c["name"].constraints] == ["NOT NULL", "UNIQUE", "COLLATE"]
    assert c["name"].constraints[0].name == "nn"
    assert c["name"].constraints[2].collation == "nocase"
    assert c["d"].constraints[0].expr == A.Binary("+", L(1), L(2))
    assert c["d"].constraints[0].text == "1 + 2"
    assert c["e"].constraints[0].expr == A.Unary("-", L(5))
    assert c["e"].constraints[0].text == "-5"
    assert c["g"].constraints[0].expr == L("abc")
    assert c["h"].constraints[0].expr == L(1)
    fk = c["i"].constraints[1].foreign_key
    assert fk == A.ForeignKeyClause("p", ("x",), "SET NULL", "CASCADE", True, True)
    assert c["j"].constraints[0].kind == "GENERATED" and c["j"].constraints[0].stored
    assert c["k"].type_name == "INT" and c["k"].constraints[0].kind == "GENERATED"
    assert c["l"].type_name == "my type"
    assert c["m"].type_name is None and c["m"].constraints == ()


def test_create_table_constraints_and_options() -> None:
    stmt = one("CREATE TABLE t (a, b, c, CONSTRAINT pk PRIMARY KEY (a DESC, b COLLATE nocase) "
               "ON CONFLICT ABORT, UNIQUE (c) CHECK (a > b) FOREIGN KEY (c) REFERENCES u "
               "ON DELETE NO ACTION) WITHOUT ROWID, STRICT")
    assert isinstance(stmt, A.CreateTable)
    assert stmt.without_rowid and stmt.strict
    pk, uq, ck, fk = stmt.constraints
    assert pk == A.TableConstraint("PRIMARY KEY", "pk", (
        A.IndexedColumn(col("a"), None, True), A.IndexedColumn(col("b"), "nocase")),
        conflict="ABORT")
    assert uq.kind == "UNIQUE" and ck.expr == A.Binary(">", col("a"), col("b"))
    assert fk.foreign_key == A.ForeignKeyClause("u", (), "NO ACTION")
    assert fk.columns == (A.IndexedColumn(col("c")),)


def test_create_table_as_select() -> None:
    stmt = one("CREATE TABLE t AS SELECT 1 AS x")
    assert isinstance(stmt, A.CreateTable) and stmt.as_select is not None
    assert stmt.columns == ()


def test_create_index() -> None:
    stmt = one("CREATE UNIQUE INDEX IF NOT EXISTS s.i ON t (a, lower(b) DESC) WHERE a > 0")
    assert isinstance(stmt, A.CreateIndex)
    assert (stmt.schema, stmt.name, stmt.table, stmt.unique) == ("s", "i", "t", True)
    assert stmt.columns == (A.IndexedColumn(col("a")),
                            A.IndexedColumn(A.FunctionCall("lower", (col("b"),)), None, True))
    assert stmt.where == A.Binary(">", col("a"), L(0))


def test_create_view() -> None:
    stmt = one("CREATE TEMP VIEW v (x, y) AS SELECT 1, 2")
    assert isinstance(stmt, A.CreateView)
    assert (stmt.name, stmt.columns, stmt.temp) == ("v", ("x", "y"), True)


def test_create_trigger() -> None:
    stmt = one("CREATE TRIGGER IF NOT EXISTS tr INSTEAD OF UPDATE OF a, b ON v FOR EACH ROW "
               "WHEN new.a IS NOT old.a BEGIN INSERT INTO log VALUES (new.a); "
               "UPDATE t SET x = 1; DELETE FROM t WHERE 0; SELECT RAISE(IGNORE); END")
    assert isinstance(stmt, A.CreateTrigger)
    assert (stmt.timing, stmt.event, stmt.update_columns, stmt.table) == (
        "INSTEAD OF", "UPDATE", ("a", "b"), "v")
    assert stmt.for_each_row and stmt.if_not_exists
    assert [type(s) for s in stmt.body] == [A.Insert, A.Update, A.Delete, A.Select]
    stmt = one("CREATE TEMP TRIGGER tr DELETE ON t BEGIN SELECT 1; END")
    assert isinstance(stmt, A.CreateTrigger) and stmt.timing == "BEFORE" and stmt.temp


def test_create_virtual_table() -> None:
    stmt = one("CREATE VIRTUAL TABLE IF NOT EXISTS v USING fts5(a, b UNINDEXED, "
               "tokenize = 'porter ascii', x(1, 2))")
    assert isinstance(stmt, A.CreateVirtualTable)
    assert stmt.module == "fts5"
    assert stmt.args == ("a", "b UNINDEXED", "tokenize = 'porter ascii'", "x(1, 2)")
    stmt = one("CREATE VIRTUAL TABLE v USING m")
    assert isinstance(stmt, A.CreateVirtualTable) and stmt.args == ()


def test_drop_and_alter() -> None:
    assert one("DROP TABLE IF EXISTS s.t") == A.Drop("TABLE", "s", "t", True)
    assert one("DROP TRIGGER x") == A.Drop("TRIGGER", None, "x")
    assert one("ALTER TABLE t RENAME TO u") == A.AlterTable(None, "t", "RENAME", "u")
    assert one("ALTER TABLE s.t RENAME COLUMN a TO b") == A.AlterTable(
        "s", "t", "RENAME COLUMN", "b", "a")
    assert one("ALTER TABLE t RENAME a TO b") == A.AlterTable(None, "t", "RENAME COLUMN", "b", "a")
    assert one("ALTER TABLE t ADD COLUMN c INT NOT NULL DEFAULT 0") == A.AlterTable(
        None, "t", "ADD COLUMN", column_def=A.ColumnDef("c", "INT", (
            A.ColumnConstraint("NOT NULL"), A.ColumnConstraint("DEFAULT", expr=L(0), text="0"))))
    assert one("ALTER TABLE t DROP c") == A.AlterTable(None, "t", "DROP COLUMN", column="c")


# --------------------------------------------------------------------------- other statements


@pytest.mark.parametrize("text,node", [
    ("BEGIN", A.Begin()), ("BEGIN DEFERRED TRANSACTION", A.Begin("DEFERRED")),
    ("BEGIN IMMEDIATE", A.Begin("IMMEDIATE")), ("BEGIN EXCLUSIVE TRANSACTION x",
                                                 A.Begin("EXCLUSIVE")),
    ("BEGIN CONCURRENT", A.Begin("CONCURRENT")),
    ("COMMIT", A.Commit()), ("END TRANSACTION", A.Commit()), ("ROLLBACK", A.Rollback()),
    ("ROLLBACK TRANSACTION TO SAVEPOINT s", A.Rollback("s")), ("ROLLBACK TO s", A.Rollback("s")),
    ("SAVEPOINT s", A.Savepoint("s")), ("RELEASE s", A.Release("s")),
    ("RELEASE SAVEPOINT s", A.Release("s")),
    ("PRAGMA foreign_keys", A.Pragma(None, "foreign_keys")),
    ("PRAGMA main.journal_mode = WAL", A.Pragma("main", "journal_mode", L("WAL"))),
    ("PRAGMA cache_size = -2000", A.Pragma(None, "cache_size", L(-2000))),
    ("PRAGMA table_info('t')", A.Pragma(None, "table_info", L("t"))),
    ("PRAGMA foreign_keys = ON", A.Pragma(None, "foreign_keys", L("ON"))),
    ("ANALYZE", A.Analyze()), ("ANALYZE s.t", A.Analyze("s", "t")), ("ANALYZE t", A.Analyze(None, "t")),
    ("VACUUM", A.Vacuum()), ("VACUUM main INTO 'f.db'", A.Vacuum("main", L("f.db"))),
    ("REINDEX", A.Reindex()), ("REINDEX nocase", A.Reindex(None, "nocase")),
    ("ATTACH DATABASE 'f.db' AS aux", A.Attach(L("f.db"), col("aux"))),
    ("ATTACH 'f.db' AS 'aux'", A.Attach(L("f.db"), L("aux"))),
    ("DETACH aux", A.Detach("aux")), ("DETACH DATABASE 'aux'", A.Detach("aux")),
])
def test_other_statements(text: str, node: A.Statement) -> None:
    assert one(text) == node


def test_explain() -> None:
    stmt = one("EXPLAIN QUERY PLAN SELECT 1")
    assert isinstance(stmt, A.Explain) and stmt.query_plan
    assert isinstance(stmt.statement, A.Select)
    stmt = one("EXPLAIN DELETE FROM t")
    assert isinstance(stmt, A.Explain) and not stmt.query_plan


# --------------------------------------------------------------------------- statement lists


def test_parse_many_and_offsets() -> None:
    text = "  SELECT 1 ;; -- c\n INSERT INTO t VALUES(?) ; /* end */ "
    ps = parse(text)
    assert [text[p.start:p.end] for p in ps] == ["SELECT 1", "INSERT INTO t VALUES(?)"]
    assert ps[1].param_count == 1 and ps[0].param_count == 0
    first, after = parse_one(text)
    assert first is not None and text[after:].startswith(";")
    second, after = parse_one(text, after)
    assert second is not None and isinstance(second.statement, A.Insert)
    assert parse_one(text, after) == (None, len(text))
    assert parse("") == [] and parse(" ; -- x") == []


def test_later_statement_error_is_not_raised_early() -> None:
    first, after = parse_one("SELECT 1; SELECT 'unterminated")
    assert first is not None
    with pytest.raises(SqlSyntaxError, match="unrecognized token"):
        parse_one("SELECT 1; SELECT 'unterminated", after)


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    for text in ["SELECT " + "(" * 10000 + "1" + ")" * 10000,
                 "SELECT " + "- " * 10000 + "1",
                 "SELECT " + "NOT " * 10000 + "1",
                 "SELECT " + "(SELECT " * 2000 + "1" + ")" * 2000,
                 "SELECT " + "f(" * 5000 + "1" + ")" * 5000,
                 "SELECT " + "CASE WHEN 1 THEN " * 3000 + "1" + " END" * 3000]:
        with pytest.raises(SqlSyntaxError, match="parser stack overflow"):
            parse(text)
    for joiner in (" + ", " AND ", " OR ", " || "):
        with pytest.raises(SqlSyntaxError,
                           match=r"^Expression tree is too large \(maximum depth 1000\)$"):
            parse("SELECT " + joiner.join(["1"] * 10000))
    parse("SELECT " + " + ".join(["1"] * 1000))  # depth 1000 is allowed
