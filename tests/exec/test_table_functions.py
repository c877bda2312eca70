"""Table-valued functions in FROM (exec/tablefunc.py) against sqlite3: json_each
and json_tree (every column, node ids, fullkey/path quoting, path argument,
errors), the pragma_* functions, joins with tables, correlated (lateral)
arguments, subqueries, aggregates, ORDER BY, hidden columns, column names and
EXPLAIN QUERY PLAN lines."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from tests.exec.oracle import same_as_sqlite

import pyrite

DOCS = [
    "CREATE TABLE t(id INTEGER PRIMARY KEY, doc)",
    "INSERT INTO t VALUES (1, '{\"a\":1,\"b\":[1,2],\"c\":{\"d\":null}}'), (2, '[3,4,[5]]'), "
    "(3, NULL), (4, '7'), (5, '{\"a b\":{\"x.y\":[true,false]},\"\":\"e\",\"a\\\"q\":1.5}')",
]

CASES = [
    # json_each / json_tree, every column, over documents of every shape
    [
        "SELECT * FROM json_each('[1,2]')",
        "SELECT *, json, root FROM json_each('[1,2]')",
        "SELECT *, json, root FROM json_tree('{\"a\":{\"b c\":[1,{\"x\":null}]}}')",
        "SELECT * FROM json_each('{\"a\":1,\"b\":[2,{\"c\":3}],\"d\":{}}')",
        "SELECT * FROM json_tree('{\"a\":1,\"b\":[2,{\"c\":3}],\"d\":{}}')",
        "SELECT * FROM json_each('5')", "SELECT * FROM json_tree('5')",
        "SELECT *, json FROM json_each(12.5)", "SELECT * FROM json_each(x'5b315d')",
        "SELECT * FROM json_each('[]')", "SELECT * FROM json_tree('{}')",
        "SELECT * FROM json_each('  [1 , 2]  ')",
        "SELECT value, type, atom FROM json_each('[1,2.5,\"x\",null,true,false,{\"a\":[]},[]]')",
        "SELECT type, atom, id, parent FROM json_tree('[1,2.5,\"x\",null,true,false,{\"a\":[]},[]]')",
        "SELECT * FROM json_each('[9223372036854775807, 9223372036854775808, -0.0, 1e400, -5]')",
        "SELECT * FROM json_each('[\"\\u00e9\\n\", \"a\\\\\"b\", \"\\ud83d\\ude00\"]')",
        "SELECT count(*), max(id) FROM json_tree('[[[[[[1]]]]]]')",
        "SELECT * FROM json_each('{\"a\":1,\"a\":2}')",
    ],
    # hostile keys: fullkey/path quote what is not a plain identifier
    [
        "SELECT key, fullkey, path FROM json_each('{\"a_b\":1,\"é\":2,\"a\\\"b\":3,\"\":4,"
        "\"1a\":5,\"ab1\":6,\"a.b\":7,\"a[0]\":8,\"$\":9,\"A\":10}')",
        "SELECT key, fullkey, path FROM json_tree('{\"a b\":{\"c.d\":[1,[2]]},\"\\u0041\":1,"
        "\"a\\nb\":{\"x\":2}}')",
        "SELECT key, value FROM json_each('{\"k\\u0000z\":1}')",
    ],
    # the path argument: quirks of 3.40's json_tree kept
    [
        "SELECT * FROM json_each('{\"a\":[1,{\"b\":2}]}', '$.a')",
        "SELECT * FROM json_tree('{\"a\":[1,{\"b\":2}]}', '$.a')",
        "SELECT * FROM json_tree('{\"a\":[1,{\"b\":2}]}', '$.a[1]')",
        "SELECT * FROM json_tree('[5,[1,2]]', '$[1]')",
        "SELECT * FROM json_tree('{\"a\":1}', '$.a')",
        "SELECT *, json, root FROM json_each('{\"a\":1}', '$.a')",
        "SELECT * FROM json_each('{\"a\":{\"b\":[5]}}', '$.a.b')",
        "SELECT * FROM json_each('[1]', '$[0]')", "SELECT * FROM json_each('[[1]]', '$[#-1]')",
        "SELECT * FROM json_each('{\"a b\":[1]}', '$.\"a b\"')",
        "SELECT * FROM json_each('[1,2]', '$')", "SELECT * FROM json_each('[1]', '$.x')",
        "SELECT * FROM json_each('[1]', NULL)", "SELECT * FROM json_each(NULL, '$')",
    ],
    # NULL and missing arguments, errors
    [
        "SELECT * FROM json_each(NULL)", "SELECT * FROM json_each()", "SELECT * FROM json_each",
        "SELECT * FROM json_tree", "SELECT * FROM json_each('{x')", "SELECT * FROM json_tree('[1,')",
        "SELECT * FROM json_each('[1,', NULL)", "SELECT * FROM json_each('[1]', 'x')",
        "SELECT * FROM json_each('[1]', '$[')", "SELECT * FROM json_each('[1]', '$', 3)",
        "SELECT * FROM json_tree('[1]', '$', 3, 4)", "SELECT * FROM foo(1)",
        "SELECT * FROM nosuch_tvf", "CREATE TABLE x(a)", "SELECT * FROM x(1)",
        "SELECT * FROM json_each('[1]') j WHERE j.nosuch = 1",
        "SELECT * FROM nosuch.foo(1)", "SELECT * FROM main.foo", "SELECT * FROM temp.json_each('[1]')",
        "SELECT * FROM json_each('{\"a\":[1]}', '$.')", "SELECT * FROM json_each('[1]', '$[a]')",
        "SELECT * FROM json_each('{\"a\":[1]}', '$.a.')", "SELECT * FROM json_each('[1]', '$[#]')",
        "SELECT * FROM json_each('{\"a\":[1]}', '$.\"a')", "SELECT * FROM json_each('[1]', ' $')",
        "SELECT * FROM json_each('{\"a\":[1]}', 5)", "SELECT * FROM json_each(' ')",
        "SELECT * FROM json_each('')",
    ],
    # names, aliases, hidden columns in WHERE
    [
        "SELECT json_each.key FROM json_each('[1]')",
        "SELECT key FROM json_each('[1]') AS j WHERE j.key = 0",
        "SELECT j.* FROM json_each('[1]') j",
        "SELECT * FROM json_each('[1]') WHERE json = '[2]'",
        "SELECT * FROM json_each('[1]') WHERE root = '$'",
        "SELECT * FROM main.json_each('[1]')",
        "SELECT * FROM json_each('[1,2]') NATURAL JOIN json_each('[1]')",
        "SELECT a.value, b.value FROM json_each('[1,2]') a JOIN json_each('[2,3]') b USING (value)",
        "CREATE TABLE k(key, json)", "INSERT INTO k VALUES (0, 'zz'), (1, '[5,6]')",
        "SELECT * FROM k NATURAL JOIN json_each('[5,6]')",
        "SELECT * FROM json_each('[5,6]') NATURAL JOIN k",
        "SELECT * FROM k JOIN json_each('[5,6]') USING (json)",
        "SELECT * FROM json_each('[7]') a NATURAL JOIN json_each('[7]') b NATURAL JOIN k",
    ],
    # joins with tables, correlated (lateral) arguments, subqueries, aggregates, ORDER BY
    DOCS + [
        "SELECT t.id, j.* FROM t, json_each(t.doc) j ORDER BY t.id, j.id",
        "SELECT t.id, j.key FROM json_each(t.doc) j, t ORDER BY 1, 2",
        "SELECT t.id, j.fullkey, j.type FROM t JOIN json_tree(t.doc) j WHERE j.atom IS NOT NULL "
        "ORDER BY t.id, j.id",
        "SELECT t.id, j.key FROM t LEFT JOIN json_each(t.doc) j ORDER BY t.id, j.key",
        "SELECT t.id, j.value FROM t, json_each(t.doc) AS j WHERE j.type = 'integer' ORDER BY 1, 2",
        "SELECT t.id, count(*), sum(j.value) FROM t, json_each(t.doc) j GROUP BY t.id",
        "SELECT j.type, count(*) FROM t, json_tree(t.doc) j GROUP BY j.type ORDER BY 1",
        "SELECT t.id, (SELECT count(*) FROM json_each(t.doc)) FROM t ORDER BY t.id",
        "SELECT id FROM t WHERE EXISTS (SELECT 1 FROM json_each(t.doc) WHERE value = 3)",
        "SELECT id FROM t WHERE 2 IN (SELECT value FROM json_each(t.doc))",
        "SELECT id FROM t WHERE (SELECT max(key) FROM json_tree(t.doc)) = 'c' ORDER BY id",
        "SELECT key, value FROM json_each('{\"b\":2,\"a\":1,\"c\":[3]}') ORDER BY key DESC",
        "SELECT * FROM json_each('[1,2,3]') a, json_each('[10,20]') b WHERE a.value * 10 = b.value",
        "SELECT a.key, b.key, b.value FROM json_each('[[1,2],[3]]') a, json_each(a.value) b",
        "SELECT a.key, b.key FROM json_each('[[1,2],[3]]') a JOIN json_each(a.value) b "
        "ON b.value > 1",
        "SELECT t.id, j.value FROM t, json_each(t.doc, '$.b') j",
        "SELECT t.id, j.key FROM t, json_each(t.doc) j WHERE j.key IN ('a', 'b') ORDER BY 1, 2",
        "SELECT DISTINCT j.type FROM t, json_tree(t.doc) j ORDER BY 1",
        "SELECT group_concat(value, '|') FROM (SELECT value FROM json_each('[3,1,2]') "
        "ORDER BY value)",
        "SELECT t.id, j.value FROM t, json_each(t.doc) j ORDER BY j.value DESC, t.id LIMIT 3",
        "WITH d(x) AS (SELECT '[1,[2,3]]') SELECT j.fullkey FROM d, json_tree(d.x) j",
        "CREATE VIEW keys AS SELECT t.id, j.key FROM t, json_each(t.doc) j",
        "SELECT * FROM keys ORDER BY 1, 2",
        "SELECT id, (SELECT group_concat(key) FROM json_each(doc) WHERE type <> 'null') FROM t",
        "SELECT t.id, j.key FROM t, json_each(t.doc) j WHERE t.id = 1 AND j.value = 1",
        "SELECT count(*) FROM t, json_each(t.doc) a, json_each(t.doc) b WHERE a.key = b.key",
        "SELECT json_group_array(value) FROM json_each('[1,\"a\",null]')",
        "UPDATE t SET doc = json_set(doc, '$.z', 9) WHERE id IN (SELECT t.id FROM t, "
        "json_each(t.doc) j WHERE j.key = 'a')",
        "SELECT t.id, j.key FROM t, json_each(t.doc) j WHERE j.key = 'z'",
        "SELECT * FROM t, json_each(t.id)",
    ],
    # malformed JSON met per outer row
    [
        "CREATE TABLE m(doc)", "INSERT INTO m VALUES ('[1]'), ('[2'), ('[3]')",
        "SELECT j.value FROM m, json_each(m.doc) j",
        "SELECT j.value FROM m, json_each(m.doc) j WHERE m.doc <> '[2'",
    ],
    # hidden columns held by WHERE/ON terms instead of arguments (SQLite's own form)
    DOCS + [
        "SELECT * FROM json_each WHERE json = '[2]'",
        "SELECT * FROM json_each j WHERE j.json = '[2,3]' AND root = '$'",
        "SELECT * FROM json_tree WHERE root = '$.a' AND json = '{\"a\":[1]}'",
        "SELECT * FROM json_each WHERE json = 5", "SELECT * FROM json_each WHERE '[3]' = json",
        "SELECT * FROM json_each WHERE json = '[2]' AND json = '[3]'",
        "SELECT t.id, j.key FROM t, json_each j WHERE j.json = t.doc ORDER BY 1, 2",
        "SELECT t.id, j.key FROM json_each j, t WHERE j.json = t.doc ORDER BY 1, 2",
        "SELECT t.id, j.key FROM t LEFT JOIN json_each j ON j.json = t.doc ORDER BY 1, 2",
        "SELECT * FROM pragma_table_info WHERE arg = 't'",
        "SELECT * FROM pragma_table_info p WHERE p.arg = 't' AND p.schema = 'main'",
        "SELECT name FROM sqlite_master WHERE type = 'table' AND EXISTS (SELECT 1 FROM "
        "pragma_table_info(name) WHERE name = 'doc')",
    ],
    # json_each's value keeps the JSON subtype as an argument of a JSON function
    DOCS + [
        "SELECT json_array(value), json_array(atom), json_object('k', j.value) "
        "FROM json_each('[[1],{\"a\":2},3,\"s\"]') j",
        "SELECT json_group_array(value) FROM json_each('[[1],{\"a\":2},3]')",
        "SELECT t.id, json_group_array(j.value) FROM t LEFT JOIN json_each(t.doc) j GROUP BY t.id",
        "SELECT json_array(+value, value COLLATE nocase, CASE WHEN 1 THEN value END) "
        "FROM json_each('[[1]]')",
        "SELECT json_array(v) FROM (SELECT value AS v FROM json_each('[[1]]') ORDER BY 1)",
        "SELECT value FROM json_each('[[1]]') WHERE json_array(value) = '[[1]]'",
        "SELECT json_group_object(key, value) FROM json_tree('{\"a\":{\"b\":[1]}}') "
        "WHERE type = 'object'",
    ],
    # other statement shapes: compound, window, CTE shadowing, triggers, UPDATE, DELETE
    DOCS + [
        "SELECT key FROM json_each('[1,2]') UNION SELECT key FROM json_tree('{\"a\":1}') "
        "ORDER BY 1",
        "SELECT key, row_number() OVER (ORDER BY value DESC) FROM json_each('[3,1,2]')",
        "WITH json_each(x) AS (SELECT 5) SELECT * FROM json_each",
        "SELECT * FROM t FULL JOIN json_each('[1,9]') j ON j.value = t.id",
        "SELECT * FROM json_each('[1,2]') j RIGHT JOIN t ON j.value = t.id",
        "SELECT * FROM json_each(t.doc) j RIGHT JOIN t ON 1",
        "SELECT * FROM json_each(t.doc) j LEFT JOIN t ON 1",
        "CREATE TABLE log(k, v)",
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log SELECT key, value "
        "FROM json_each(new.doc); END",
        "INSERT INTO t VALUES (10, '[7,8]')", "SELECT * FROM log",
        "UPDATE t SET doc = (SELECT json_group_array(value * 2) FROM json_each(t.doc)) "
        "WHERE id = 2",
        "SELECT * FROM t WHERE id = 2",
        "DELETE FROM t WHERE id IN (SELECT t.id FROM t, json_each(t.doc) WHERE value = 8)",
        "SELECT id FROM t", "SELECT (SELECT key FROM json_each('[1,2]') LIMIT 1 OFFSET 1)",
        "SELECT * FROM json_each(json_array(1, 2, 3)) WHERE value > 1",
    ],
    # pragma_foreign_key_list, read from the CREATE TABLE text
    [
        "CREATE TABLE p(a, b, c, PRIMARY KEY(a, b))",
        "CREATE TABLE q(x REFERENCES p, y, z, w REFERENCES p(c) ON DELETE CASCADE ON UPDATE "
        "SET NULL DEFERRABLE INITIALLY DEFERRED, FOREIGN KEY (y, z) REFERENCES p(a, b) ON "
        "DELETE SET DEFAULT, FOREIGN KEY(y) REFERENCES \"Other T\" MATCH FULL, FOREIGN KEY "
        "(x) REFERENCES p ON DELETE RESTRICT ON UPDATE NO ACTION)",
        "CREATE TABLE r(a INTEGER REFERENCES q(x) ON DELETE SET NULL)",
        "SELECT *, arg, schema FROM pragma_foreign_key_list('q')",
        "SELECT * FROM pragma_foreign_key_list('nope')", "SELECT * FROM pragma_foreign_key_list('p')",
        "SELECT * FROM pragma_foreign_key_list", "SELECT * FROM pragma_foreign_key_list('R', 'main')",
        "SELECT m.name, f.* FROM sqlite_master m, pragma_foreign_key_list(m.name) f ORDER BY 1",
        "SELECT * FROM pragma_foreign_key_list('q', 'nosuch')",
    ],
    # pragma_index_xinfo / pragma_index_info, rowid and WITHOUT ROWID tables
    [
        "CREATE TABLE u(a, b COLLATE nocase, c, d UNIQUE)",
        "CREATE INDEX i1 ON u(b DESC, a COLLATE rtrim)", "CREATE INDEX i2 ON u(a + 1, c)",
        "CREATE TABLE w(x, y, z, PRIMARY KEY(y DESC, x)) WITHOUT ROWID",
        "CREATE INDEX wi ON w(z)", "CREATE INDEX wi2 ON w(x, z)",
        "CREATE TABLE w2(x TEXT COLLATE nocase PRIMARY KEY, y AS (x || 1), z) WITHOUT ROWID",
        "SELECT i.name, x.* FROM sqlite_master i, pragma_index_xinfo(i.name) x "
        "WHERE i.type = 'index' ORDER BY 1, 2",
        "SELECT * FROM pragma_index_xinfo('sqlite_autoindex_w_1')",
        "SELECT * FROM pragma_index_xinfo('sqlite_autoindex_w2_1')",
        "SELECT * FROM pragma_index_xinfo('nope')", "SELECT * FROM pragma_index_xinfo('u')",
        "SELECT *, arg, schema FROM pragma_index_xinfo('I1')",
        "SELECT * FROM pragma_index_info('sqlite_autoindex_w_1')",
        "SELECT * FROM pragma_index_info('i2')", "SELECT * FROM pragma_index_info('wi')",
    ],
    # the pragma_* functions
    [
        "CREATE TABLE u(a INTEGER PRIMARY KEY, b TEXT NOT NULL DEFAULT 'x', c REAL UNIQUE, "
        "d AS (a + 1))",
        "CREATE INDEX ui ON u(b, c)", "CREATE TABLE w(x, y)",
        "SELECT * FROM pragma_table_info('u')", "SELECT *, arg, schema FROM pragma_table_info('u')",
        "SELECT name FROM pragma_table_info('u') ORDER BY cid",
        "SELECT * FROM pragma_table_xinfo('u')", "SELECT * FROM pragma_index_list('u')",
        "SELECT * FROM pragma_index_info('ui')", "SELECT * FROM pragma_table_info('u', 'main')",
        "SELECT * FROM pragma_table_info('u', 'MAIN')", "SELECT * FROM pragma_table_info('u', 'temp')",
        "SELECT * FROM pragma_table_info('u', 'nosuch')", "SELECT * FROM pragma_table_info('nope')",
        "SELECT * FROM pragma_table_info()", "SELECT * FROM pragma_table_info",
        "SELECT * FROM pragma_table_info(NULL)", "SELECT *, arg FROM pragma_table_info(1.5)",
        "SELECT * FROM pragma_table_info('u', 'main', 1)", "SELECT * FROM pragma_user_version(1)",
        "SELECT * FROM pragma_user_version", "SELECT * FROM pragma_application_id",
        "SELECT * FROM pragma_schema_version", "SELECT * FROM pragma_freelist_count",
        "SELECT * FROM pragma_encoding", "SELECT * FROM pragma_foreign_keys",
        "SELECT * FROM pragma_journal_mode", "SELECT * FROM pragma_journal_mode('main')",
        "SELECT * FROM pragma_page_size", "SELECT * FROM pragma_page_count",
        "SELECT * FROM pragma_cache_size", "SELECT * FROM pragma_synchronous",
        "SELECT * FROM pragma_busy_timeout", "SELECT * FROM pragma_integrity_check",
        "SELECT * FROM pragma_quick_check", "SELECT * FROM pragma_integrity_check('u')",
        "SELECT m.name, p.name, p.pk FROM sqlite_master m, pragma_table_info(m.name) p "
        "WHERE m.type = 'table' ORDER BY 1, p.cid",
        "SELECT t.name, i.name FROM sqlite_schema t JOIN pragma_index_list(t.name) i ORDER BY 1, 2",
        "SELECT p.name FROM pragma_table_info('u') p WHERE p.pk",
        "SELECT count(*) FROM pragma_table_info('u')",
        "SELECT name FROM sqlite_master WHERE type = 'table' AND EXISTS (SELECT 1 FROM "
        "pragma_table_info(name) WHERE name = 'x')",
        "SELECT * FROM pragma_nosuch_pragma",
    ],
]


@pytest.mark.parametrize("stmts", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_same_as_sqlite(stmts: list[str]) -> None:
    same_as_sqlite(stmts)


NAMES = [
    "SELECT * FROM json_each('[1]')",
    "SELECT *, json, root FROM json_tree('[1]')",
    "SELECT j.* FROM json_each('[1]') AS j",
    "SELECT * FROM pragma_table_info('t')",
    "SELECT *, arg, schema FROM pragma_index_list('t')",
    "SELECT * FROM pragma_busy_timeout",
    "SELECT * FROM t, json_each(t.doc)",
]


def _open(mod: Any) -> Any:
    con = mod.connect(":memory:")
    for s in DOCS:
        con.execute(s)
    return con


@pytest.mark.parametrize("q", NAMES)
def test_column_names(q: str) -> None:
    want = [d[0] for d in _open(sqlite3).execute(q).description]
    got = [d[0] for d in _open(pyrite).execute(q).description]
    assert got == want


PLANS = [
    "SELECT * FROM json_each('[1,2]')",
    "SELECT * FROM json_each()",
    "SELECT * FROM json_tree('[1,2]', '$')",
    "SELECT * FROM t, json_each(t.doc)",
    "SELECT * FROM json_each(t.doc), t",
    "SELECT * FROM t LEFT JOIN json_each(t.doc) j",
    "SELECT * FROM pragma_table_info('t')",
    "SELECT * FROM t, pragma_table_info('t')",
    "SELECT * FROM t WHERE EXISTS (SELECT 1 FROM json_each(t.doc) WHERE value = 3)",
    "SELECT * FROM json_each('[1,2]') j, t WHERE t.id = j.value",
    "SELECT * FROM t, json_each('[1,2]') j WHERE t.id = j.value",
    "SELECT * FROM t, json_each(t.doc) j WHERE t.id = 1",
    "SELECT * FROM json_each('[1]') a, json_each('[2]') b, t",
    "SELECT * FROM json_each('[1]') a, json_each(a.value) b, t WHERE t.id = b.value",
    "SELECT * FROM json_each WHERE json = '[2]'",
]


def _tree(rows: list[Any]) -> list[tuple[int, str]]:
    depth: dict[int, int] = {0: -1}
    out = []
    for i, parent, _, detail in rows:
        depth[i] = depth.get(parent, -1) + 1
        out.append((depth[i], detail))
    return out


@pytest.mark.parametrize("q", PLANS)
def test_query_plan(q: str) -> None:
    want = _tree(_open(sqlite3).execute("EXPLAIN QUERY PLAN " + q).fetchall())
    got = _tree(_open(pyrite).execute("EXPLAIN QUERY PLAN " + q).fetchall())
    assert got == want


def test_arguments_evaluated_per_outer_row() -> None:
    """A correlated argument is re-read for every row of the outer loop: each
    document's own elements come out, none of another row's."""
    con = pyrite.connect(":memory:")
    con.execute("CREATE TABLE d(n INTEGER PRIMARY KEY, doc)")
    con.executemany("INSERT INTO d VALUES (?, ?)",
                    [(i, "[" + ",".join(str(i * 100 + k) for k in range(i % 4)) + "]")
                     for i in range(1, 41)])
    got = con.execute("SELECT d.n, j.value FROM d, json_each(d.doc) j").fetchall()
    assert got == [(i, i * 100 + k) for i in range(1, 41) for k in range(i % 4)]


def test_deep_document_no_recursion_error() -> None:
    doc = "[" * 1500 + "1" + "]" * 1500
    for mod in (sqlite3, pyrite):
        con = mod.connect(":memory:")
        got = con.execute("SELECT count(*), max(id), max(length(fullkey)) FROM json_tree(?)",
                          (doc,)).fetchall()
        if mod is sqlite3:
            want = got
    assert got == want
