"""exec.Session end to end, compared with Python's sqlite3 as the oracle."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from pyrite import errors
from pyrite.exec.session import Session

SCHEMA = """
CREATE TABLE t1(a INTEGER PRIMARY KEY, b TEXT, c REAL, d, e INT);
CREATE TABLE t2(x INT, y TEXT COLLATE NOCASE, z BLOB);
CREATE INDEX t1b ON t1(b);
CREATE INDEX t2xy ON t2(x, y);
CREATE VIEW v1 AS SELECT a, b FROM t1 WHERE a > 2;
INSERT INTO t1 VALUES(1, 'one', 1.5, NULL, 10);
INSERT INTO t1 VALUES(2, 'two', 2.5, 'txt', 20);
INSERT INTO t1 VALUES(3, 'Three', NULL, x'00ff', 30);
INSERT INTO t1 VALUES(4, NULL, 4.0, 4, NULL);
INSERT INTO t1(b, c, d, e) VALUES('five', -5.25, 5.0, '50');
INSERT INTO t2 VALUES(1, 'One', x'01'), (2, 'two', NULL), (2, 'TWO', x'02'), (NULL, 'x', NULL),
  ('3', 'three', 'blobish'), (10, 'ten', 10);
"""

QUERIES = [
    "SELECT * FROM t1",
    "SELECT a, b, c+1, d, e*2 FROM t1 WHERE a > 1 AND b IS NOT NULL",
    "SELECT a+1, t1.b, b AS bee, 'lit', NULL, 1.0, -0.0 FROM t1",
    "SELECT * FROM t1 WHERE b = 'two'",
    "SELECT * FROM t1 WHERE a = 3",
    "SELECT * FROM t1 WHERE a = '3'",
    "SELECT * FROM t1 WHERE a IN (1, 3, '4')",
    "SELECT * FROM t1 WHERE a BETWEEN 2 AND 4",
    "SELECT * FROM t1 WHERE a > 2 AND a <= 4",
    "SELECT * FROM t1 WHERE e = '20'",
    "SELECT * FROM t1 WHERE e > '15'",
    "SELECT * FROM t1 WHERE d = 4",
    "SELECT * FROM t1 WHERE d = '4'",
    "SELECT * FROM t2 WHERE y = 'TWO'",
    "SELECT * FROM t2 WHERE x = 2 AND y = 'two'",
    "SELECT * FROM t2 WHERE x = '3'",
    "SELECT * FROM t2 WHERE y IN ('ONE', 'ten')",
    "SELECT y FROM t2 ORDER BY y",
    "SELECT y FROM t2 ORDER BY y COLLATE BINARY DESC",
    "SELECT x, count(*), sum(x), avg(x), min(y), max(y), total(x), group_concat(y) FROM t2 GROUP BY x",
    "SELECT count(*), count(x), count(DISTINCT x), sum(DISTINCT x) FROM t2",
    "SELECT x, count(*) AS n FROM t2 GROUP BY x HAVING n > 1",
    "SELECT count(*) FROM t1 WHERE 0",
    "SELECT max(a), b FROM t1",
    "SELECT b FROM t1 ORDER BY b NULLS LAST",
    "SELECT b FROM t1 ORDER BY b DESC NULLS FIRST",
    "SELECT a, b FROM t1 ORDER BY 2 DESC, 1 LIMIT 2 OFFSET 1",
    "SELECT a AS q FROM t1 ORDER BY q DESC",
    "SELECT DISTINCT x FROM t2 ORDER BY x",
    "SELECT * FROM t1 JOIN t2 ON t1.a = t2.x ORDER BY 1, 6",
    "SELECT * FROM t1 LEFT JOIN t2 ON t1.a = t2.x ORDER BY 1, 6",
    "SELECT t1.a, t2.y FROM t1, t2 WHERE t1.a = t2.x AND t2.y > 'a' ORDER BY 1, 2",
    "SELECT * FROM t1 CROSS JOIN (SELECT 1 AS k UNION ALL SELECT 2) ORDER BY a, k",
    "SELECT a, (SELECT count(*) FROM t2 WHERE t2.x = t1.a) FROM t1",
    "SELECT a FROM t1 WHERE EXISTS (SELECT 1 FROM t2 WHERE t2.x = t1.a)",
    "SELECT a FROM t1 WHERE a IN (SELECT x FROM t2)",
    "SELECT a FROM t1 WHERE a NOT IN (SELECT x FROM t2 WHERE x IS NOT NULL)",
    "SELECT a FROM t1 WHERE a NOT IN (SELECT x FROM t2)",
    "SELECT a FROM t1 UNION SELECT x FROM t2",
    "SELECT a FROM t1 UNION ALL SELECT x FROM t2 ORDER BY 1",
    "SELECT a FROM t1 INTERSECT SELECT x FROM t2",
    "SELECT a FROM t1 EXCEPT SELECT x FROM t2",
    "VALUES(1, 'a'), (2, 'b')",
    "SELECT * FROM v1",
    "WITH c(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM c WHERE n < 10) SELECT sum(n) FROM c",
    "WITH RECURSIVE c(n) AS (SELECT 1 UNION SELECT n % 3 + 1 FROM c) SELECT n FROM c ORDER BY n",
    "SELECT CASE a WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END FROM t1",
    "SELECT CASE WHEN c > 2 THEN 'big' WHEN c IS NULL THEN 'null' END FROM t1",
    "SELECT CAST(c AS INTEGER), CAST(b AS BLOB), CAST('12abc' AS INT), CAST(a AS TEXT) FROM t1",
    "SELECT b LIKE 't%', b GLOB 'T*', b NOT LIKE '%e' FROM t1",
    "SELECT 1 = 1.0, '1' = 1, 'a' < 'b', x'01' > 'z', NULL = NULL, NULL IS NULL, 1 IS NOT 2",
    "SELECT 5 / 2, 5.0 / 2, 5 % 3, -5 % 3, 1 / 0, 9223372036854775807 + 1, 'a' || 1 || 2.5",
    "SELECT typeof(a), typeof(b), typeof(c), typeof(d), typeof(e) FROM t1",
    "SELECT abs(-3), length('abc'), upper(b), coalesce(NULL, b, 'z'), ifnull(c, 0) FROM t1",
    "SELECT rowid, oid, _rowid_ FROM t2",
    "SELECT * FROM t1 NATURAL JOIN (SELECT 2 AS a, 'extra' AS w)",
    "SELECT * FROM t1 JOIN (SELECT 3 AS a) USING (a)",
    "SELECT a FROM t1 WHERE b IS NULL OR c IS NULL",
    "SELECT (SELECT max(x) FROM t2), (SELECT y FROM t2 WHERE x = 99)",
    "SELECT a, e FROM t1 WHERE e IN ('10', 30)",
    "SELECT count(*) FROM t1 a, t1 b WHERE a.a < b.a",
    "SELECT sum(e), total(e), avg(c) FROM t1",
    "SELECT x FROM t2 WHERE x > 1 ORDER BY x DESC LIMIT 1",
    "SELECT * FROM (SELECT a, b FROM t1 ORDER BY a DESC LIMIT 3) ORDER BY a",
]


def load(con: Any) -> None:
    con.executescript(SCHEMA) if isinstance(con, sqlite3.Connection) else con.execute_script(SCHEMA)


def oracle(sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    con = sqlite3.connect(":memory:")
    load(con)
    cur = con.execute(sql)
    return [d[0] for d in cur.description], cur.fetchall()


@pytest.fixture()
def session() -> Any:
    s = Session(":memory:")
    load(s)
    yield s
    s.close()


def run(s: Session, sql: str, params: Any = ()) -> tuple[list[str], list[tuple[Any, ...]]]:
    st, _ = s.prepare(sql)
    assert st is not None
    st.bind(params)
    rows = []
    while (r := st.step()) is not None:
        rows.append(r)
    st.reset()
    return st.column_names, rows


def _norm(rows: list[tuple[Any, ...]], ordered: bool) -> list[tuple[Any, ...]]:
    return rows if ordered else sorted(rows, key=repr)


@pytest.mark.parametrize("sql", QUERIES)
def test_matches_sqlite(session: Session, sql: str) -> None:
    names, rows = run(session, sql)
    onames, orows = oracle(sql)
    assert names == onames
    ordered = "ORDER BY" in sql
    got = [tuple((type(v).__name__, v) for v in r) for r in rows]
    want = [tuple((type(v).__name__, v) for v in r) for r in orows]
    assert _norm(got, ordered) == _norm(want, ordered)


def test_hostile_identifiers_and_values_never_become_code(session: Session) -> None:
    evil = "'); import os; os.system('echo pwned') #"
    s = session
    s.execute_script('CREATE TABLE "x""); import os #"("a\'); os.system(1) #" TEXT, "b" INT)')
    s.execute('INSERT INTO "x""); import os #" VALUES(?, 1)', (evil,))
    s.execute(f"INSERT INTO \"x\"\"); import os #\" VALUES('{evil.replace(chr(39), chr(39) * 2)}', 2)")
    names, rows = run(s, 'SELECT "a\'); os.system(1) #", b FROM "x""); import os #" ORDER BY b')
    assert names == ["a'); os.system(1) #", "b"]
    assert rows == [(evil, 1), (evil, 2)]
    st, _ = s.prepare("SELECT 'import os' AS \"os.system('x')\", ?")
    assert st is not None
    assert "import os" not in st.program.source
    assert "os.system" not in st.program.source


def test_errors_have_sqlite_messages(session: Session) -> None:
    s = session
    cases = [
        ("SELECT * FROM nope", "no such table: nope"),
        ("SELECT nope FROM t1", "no such column: nope"),
        ("SELECT t1.nope FROM t1", "no such column: t1.nope"),
        ("SELECT a FROM t1, t1 AS u", "ambiguous column name: a"),
        ("CREATE TABLE t1(x)", "table t1 already exists"),
        ("SELECT count(*) FROM t1 WHERE count(*) > 1", "misuse of aggregate: count()"),
        ("SELECT a FROM t1 WHERE count(*) > 1", "misuse of aggregate function count()"),
        ("SELECT nosuchfunc(1)", "no such function: nosuchfunc"),
        ("DROP TABLE nope", "no such table: nope"),
        ("SELECT a FROM t1 ORDER BY 5", "1st ORDER BY term out of range - should be between 1 and 1"),
        ("INSERT INTO t1(zz) VALUES(1)", "table t1 has no column named zz"),
        ("INSERT INTO t1 VALUES(1)", "table t1 has 5 columns but 1 values were supplied"),
    ]
    for sql, msg in cases:
        with pytest.raises(errors.OperationalError) as ei:
            run(s, sql)
        assert str(ei.value) == msg, sql
        with pytest.raises(sqlite3.OperationalError) as oi:
            oracle(sql)
        assert str(oi.value) == msg, sql


def test_constraints(session: Session) -> None:
    s = session
    s.execute_script("CREATE TABLE c(id INTEGER PRIMARY KEY, u TEXT UNIQUE, n INT NOT NULL,"
                     " k INT CHECK (k > 0), UNIQUE(n, k))")
    s.execute("INSERT INTO c VALUES(1, 'a', 1, 1)")
    for sql, msg in [
        ("INSERT INTO c VALUES(1, 'b', 2, 2)", "UNIQUE constraint failed: c.id"),
        ("INSERT INTO c VALUES(2, 'a', 2, 2)", "UNIQUE constraint failed: c.u"),
        ("INSERT INTO c VALUES(2, 'b', NULL, 2)", "NOT NULL constraint failed: c.n"),
        ("INSERT INTO c VALUES(2, 'b', 1, 1)", "UNIQUE constraint failed: c.n, c.k"),
        ("UPDATE c SET u = NULL, n = NULL", "NOT NULL constraint failed: c.n"),
    ]:
        with pytest.raises(errors.IntegrityError) as ei:
            s.execute(sql)
        assert str(ei.value) == msg
    with pytest.raises(errors.IntegrityError) as ei:
        s.execute("INSERT INTO c VALUES(3, 'z', 3, -1)")
    assert str(ei.value).startswith("CHECK constraint failed")
    s.execute("INSERT OR IGNORE INTO c VALUES(1, 'q', 5, 5)")
    s.execute("INSERT OR REPLACE INTO c VALUES(7, 'a', 7, 7)")
    assert s.execute("SELECT * FROM c ORDER BY id") == [(7, "a", 7, 7)]
    s.execute("REPLACE INTO c VALUES(7, 'b', 8, 8)")
    assert s.execute("SELECT * FROM c") == [(7, "b", 8, 8)]
    assert s.execute("SELECT * FROM c WHERE u = 'b'") == [(7, "b", 8, 8)]
    assert s.execute("PRAGMA integrity_check") == [("ok",)]


def test_statement_atomicity_and_transactions(session: Session) -> None:
    s = session
    s.execute_script("CREATE TABLE a(x INTEGER PRIMARY KEY, y UNIQUE)")
    s.execute("BEGIN")
    assert not s.autocommit and s.in_transaction
    s.execute("INSERT INTO a VALUES(1, 1)")
    with pytest.raises(errors.IntegrityError):
        s.execute("INSERT INTO a SELECT x + 10, 1 FROM (SELECT 1 AS x UNION ALL SELECT 2)")
    assert s.execute("SELECT * FROM a") == [(1, 1)]
    s.execute("SAVEPOINT sp1")
    s.execute("INSERT INTO a VALUES(2, 2)")
    s.execute("ROLLBACK TO sp1")
    s.execute("INSERT INTO a VALUES(3, 3)")
    s.execute("RELEASE sp1")
    s.execute("COMMIT")
    assert s.autocommit
    assert s.execute("SELECT * FROM a") == [(1, 1), (3, 3)]
    s.execute("BEGIN")
    s.execute("DELETE FROM a")
    assert s.changes == 2
    s.execute("ROLLBACK")
    assert s.execute("SELECT count(*) FROM a") == [(2,)]
    s.execute("INSERT INTO a(y) VALUES(9)")
    assert s.last_insert_rowid == 4
    with pytest.raises(errors.OperationalError, match="no transaction is active"):
        s.execute("COMMIT")


def test_update_delete_keep_indexes(session: Session) -> None:
    s = session
    s.execute_script("CREATE TABLE u(a INTEGER PRIMARY KEY, b, c); CREATE INDEX ub ON u(b);"
                     "CREATE UNIQUE INDEX uc ON u(c)")
    for i in range(200):
        s.execute("INSERT INTO u(b, c) VALUES(?, ?)", (i % 7, i))
    s.execute("UPDATE u SET b = b + 100 WHERE b = 3")
    n3 = len([i for i in range(200) if i % 7 == 3])
    assert s.changes == n3
    assert s.execute("SELECT count(*) FROM u WHERE b = 103") == [(n3,)]
    assert s.execute("SELECT count(*) FROM u WHERE b = 3") == [(0,)]
    s.execute("DELETE FROM u WHERE c >= 100")
    assert s.execute("SELECT count(*), sum(c) FROM u") == [(100, sum(range(100)))]
    s.execute("UPDATE u SET a = a + 1000 WHERE a = 5")
    assert s.execute("SELECT a, c FROM u WHERE c = 4") == [(1005, 4)]
    assert s.execute("PRAGMA integrity_check") == [("ok",)]


def test_schema_rows_and_pragmas(session: Session) -> None:
    s = session
    s.execute_script("CREATE TABLE p(id INTEGER PRIMARY KEY, a TEXT NOT NULL DEFAULT 'x', b UNIQUE,"
                     " c INT)")
    rows = s.execute("SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE tbl_name = 'p'")
    assert rows[0][:3] == ("table", "p", "p")
    assert rows[1][:3] == ("index", "sqlite_autoindex_p_1", "p") and rows[1][3] is None
    assert s.execute("PRAGMA table_info(p)")[:2] == [
        (0, "id", "INTEGER", 0, None, 1), (1, "a", "TEXT", 1, "'x'", 0)]
    assert s.execute("PRAGMA index_list(p)") == [(0, "sqlite_autoindex_p_1", 1, "u", 0)]
    s.execute("PRAGMA user_version = 7")
    assert s.execute("PRAGMA user_version") == [(7,)]
    v = s.execute("PRAGMA schema_version")[0][0]
    s.execute("CREATE INDEX pa ON p(a)")
    assert s.execute("PRAGMA schema_version") == [(v + 1,)]
    s.execute("DROP TABLE p")
    assert s.execute("SELECT count(*) FROM sqlite_schema WHERE tbl_name = 'p'") == [(0,)]
    s.execute("CREATE TABLE IF NOT EXISTS t1(z)")
    s.execute("DROP TABLE IF EXISTS nope")


def test_statement_cache_hits_do_not_reparse(session: Session, monkeypatch: Any) -> None:
    s = session
    st1, _ = s.prepare("SELECT a FROM t1 WHERE a = ?")
    import pyrite.sql as sqlmod

    def boom(*a: Any, **k: Any) -> Any:
        raise AssertionError("parsed again")
    monkeypatch.setattr(sqlmod, "parse_one", boom)
    st2, _ = s.prepare("SELECT a FROM t1 WHERE a = ?")
    assert st2 is not None and st1 is not None and st2.program is st1.program
    st2.bind((2,))
    assert st2.step() == (2,)


def test_schema_change_recompiles(session: Session) -> None:
    s = session
    st, _ = s.prepare("SELECT * FROM t1 WHERE a = 1")
    assert st is not None
    s.execute("CREATE INDEX t1e ON t1(e)")
    assert st.step() == (1, "one", 1.5, None, 10)


def test_named_parameters(session: Session) -> None:
    names, rows = run(session, "SELECT :x + 1, @y, $z", {"x": 1, "y": "b", "z": None})
    assert rows == [(2, "b", None)]


def test_create_table_as_select(session: Session) -> None:
    s = session
    s.execute("CREATE TABLE c2 AS SELECT a, b AS bee, c * 2 AS cc, 1 AS one FROM t1")
    sql = s.execute("SELECT sql FROM sqlite_schema WHERE name = 'c2'")[0][0]
    con = sqlite3.connect(":memory:")
    load(con)
    con.execute("CREATE TABLE c2 AS SELECT a, b AS bee, c * 2 AS cc, 1 AS one FROM t1")
    assert sql == con.execute("SELECT sql FROM sqlite_schema WHERE name = 'c2'").fetchone()[0]
    assert s.execute("SELECT * FROM c2") == con.execute("SELECT * FROM c2").fetchall()


def test_explain_query_plan(session: Session) -> None:
    s = session
    assert s.execute("EXPLAIN QUERY PLAN SELECT * FROM t1") == [(1, 0, 0, "SCAN t1")]
    assert s.execute("EXPLAIN QUERY PLAN SELECT * FROM t1 WHERE a = 1") == [
        (1, 0, 0, "SEARCH t1 USING INTEGER PRIMARY KEY (rowid=?)")]
    assert s.execute("EXPLAIN QUERY PLAN SELECT * FROM t1 WHERE b = 'x'") == [
        (1, 0, 0, "SEARCH t1 USING INDEX t1b (b=?)")]


def test_file_database_round_trip(tmp_path: Any) -> None:
    path = str(tmp_path / "x.db")
    s = Session(path)
    s.execute_script(SCHEMA)
    s.close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("SELECT count(*) FROM t1").fetchone() == (5,)
    con.execute("INSERT INTO t1(b) VALUES('from sqlite')")
    con.commit()
    con.close()
    s = Session(path)
    assert s.execute("SELECT b FROM t1 WHERE a = 6") == [("from sqlite",)]
    s.close()


def test_returning_and_upsert_match_sqlite() -> None:
    sqls = [
        "CREATE TABLE t(id INTEGER PRIMARY KEY, k TEXT UNIQUE, n INT DEFAULT 0)",
        "INSERT INTO t(k) VALUES('a'),('b') RETURNING id, k, n",
        "INSERT INTO t(k, n) VALUES('a', 5) ON CONFLICT(k) DO UPDATE SET n = n + excluded.n RETURNING *",
        "INSERT INTO t(k, n) VALUES('b', 5) ON CONFLICT DO NOTHING",
        "INSERT INTO t(id, k) VALUES(1, 'z') ON CONFLICT(id) DO UPDATE SET k = excluded.k || 'x' WHERE n > 0",
        "UPDATE t SET n = n * 10 WHERE k = 'b' RETURNING id, n",
        "DELETE FROM t WHERE id = 2 RETURNING k",
        "SELECT * FROM t",
    ]
    s = Session(":memory:")
    con = sqlite3.connect(":memory:")
    for q in sqls:
        assert s.execute(q) == con.execute(q).fetchall(), q
    s.close()


def test_alter_table_matches_sqlite() -> None:
    sqls = [
        "CREATE TABLE t(id INTEGER PRIMARY KEY, k TEXT UNIQUE)", "INSERT INTO t(k) VALUES('a'),('b')",
        "ALTER TABLE t ADD COLUMN n INT DEFAULT 7", "ALTER TABLE t ADD z TEXT", "SELECT * FROM t",
        "INSERT INTO t(k) VALUES('c')", "UPDATE t SET z = 'q' WHERE id = 1",
        "SELECT * FROM t ORDER BY id", "ALTER TABLE t RENAME TO t2",
        "SELECT type, name, tbl_name, sql FROM sqlite_schema", "SELECT * FROM t2 WHERE k = 'b'",
    ]
    s = Session(":memory:")
    con = sqlite3.connect(":memory:")
    for q in sqls:
        assert s.execute(q) == con.execute(q).fetchall(), q
    assert s.execute("PRAGMA integrity_check") == [("ok",)]
    s.close()


def test_constraint_error_class_is_public(session: Session) -> None:
    session.execute_script("CREATE TABLE q(a UNIQUE)")
    session.execute("INSERT INTO q VALUES(1)")
    with pytest.raises(errors.IntegrityError) as ei:
        session.execute("INSERT INTO q VALUES(1)")
    assert type(ei.value) is errors.ConstraintError
    assert ei.value.sqlite_errorname == "SQLITE_CONSTRAINT_UNIQUE"


def test_join_of_many_tables_compiles() -> None:
    s = Session(":memory:")
    con = sqlite3.connect(":memory:")
    n = 25
    for i in range(n):
        for q in (f"CREATE TABLE t{i}(a INT, b INT)",
                  f"INSERT INTO t{i} VALUES(0, 1), (1, 2), (2, 3)"):
            s.execute(q)
            con.execute(q)
    frm = ",".join(f"t{i}" for i in range(n))
    where = " AND ".join(f"t{i}.a = t{i + 1}.a" for i in range(n - 1))
    for q in (f"SELECT t0.a, t24.b FROM {frm} WHERE {where} ORDER BY 1",
              f"SELECT count(*), sum(t3.b) FROM {frm} WHERE {where}",
              f"SELECT t5.a, count(*) FROM {frm} WHERE {where} GROUP BY 1"):
        assert s.execute(q) == con.execute(q).fetchall()
    s.close()


def test_triggers_match_sqlite() -> None:
    sqls = [
        "CREATE TABLE t(id INTEGER PRIMARY KEY, k TEXT, n INT)", "CREATE TABLE log(ev TEXT, a, b)",
        "CREATE TRIGGER ti AFTER INSERT ON t BEGIN INSERT INTO log VALUES('ins', new.id, new.k); END",
        "CREATE TRIGGER tu BEFORE UPDATE OF n ON t WHEN new.n > 100 BEGIN SELECT RAISE(ABORT, 'too big'); END",
        "CREATE TRIGGER tu2 AFTER UPDATE ON t BEGIN INSERT INTO log VALUES('upd', old.n, new.n); END",
        "CREATE TRIGGER td BEFORE DELETE ON t BEGIN INSERT INTO log SELECT 'del', old.id, count(*) FROM t; END",
        "CREATE TRIGGER tig BEFORE INSERT ON t WHEN new.k = 'skip' BEGIN SELECT RAISE(IGNORE); END",
        "INSERT INTO t(k, n) VALUES('a', 1), ('b', 2), ('skip', 3)",
        "UPDATE t SET n = n + 10",
        "UPDATE t SET n = 500 WHERE id = 1",
        "DELETE FROM t WHERE id = 2",
        "SELECT * FROM t", "SELECT * FROM log", "DROP TRIGGER ti", "INSERT INTO t(k) VALUES('c')",
        "SELECT count(*) FROM log",
    ]
    s = Session(":memory:")
    con = sqlite3.connect(":memory:")
    for q in sqls:
        try:
            got: Any = s.execute(q)
        except errors.Error as e:
            got = (errors.IntegrityError if isinstance(e, errors.IntegrityError) else type(e), str(e))
        try:
            want: Any = con.execute(q).fetchall()
        except sqlite3.Error as e:
            want = (errors.IntegrityError if isinstance(e, sqlite3.IntegrityError) else type(e), str(e))
        assert got == want, q
    s.close()


WINDOW_QUERIES = [
    "SELECT g, x, row_number() OVER (PARTITION BY g ORDER BY x) FROM w ORDER BY g, x",
    "SELECT g, x, rank() OVER v, dense_rank() OVER v FROM w WINDOW v AS (ORDER BY x) ORDER BY x",
    "SELECT g, x, sum(x) OVER (PARTITION BY g ORDER BY x) FROM w ORDER BY g, x",
    "SELECT x, sum(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM w ORDER BY x",
    "SELECT x, avg(y) OVER (), count(*) OVER (PARTITION BY g) FROM w ORDER BY x, y",
    "SELECT x, lag(x) OVER (ORDER BY x), lead(x, 2, -1) OVER (ORDER BY x),"
    " first_value(x) OVER (PARTITION BY g ORDER BY x DESC) FROM w ORDER BY 1, 2, 3, 4",
    "SELECT g, sum(x), rank() OVER (ORDER BY sum(x) DESC) FROM w GROUP BY g ORDER BY g",
    "SELECT x, sum(x) OVER (ORDER BY x RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM w ORDER BY x",
    "SELECT x, group_concat(g) OVER (ORDER BY x GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW)"
    " FROM w ORDER BY x, g",
    "SELECT x, ntile(2) OVER (ORDER BY x), percent_rank() OVER (ORDER BY x),"
    " cume_dist() OVER (ORDER BY x) FROM w ORDER BY x",
]


@pytest.mark.parametrize("sql", WINDOW_QUERIES)
def test_window_functions_match_sqlite(sql: str) -> None:
    setup = ["CREATE TABLE w(g TEXT, x INT, y REAL)",
             "INSERT INTO w VALUES('a',1,1.5),('a',2,2.5),('b',3,3.5),('a',2,0.5),('b',5,NULL),"
             "('c',7,7.0)"]
    s = Session(":memory:")
    con = sqlite3.connect(":memory:")
    for q in setup:
        s.execute(q)
        con.execute(q)
    assert s.execute(sql) == con.execute(sql).fetchall()
    s.close()


def test_temp_tables_stay_out_of_the_file(tmp_path: Any) -> None:
    path = str(tmp_path / "t.db")
    s = Session(path)
    s.execute("CREATE TABLE m(a)")
    s.execute("CREATE TEMP TABLE tt(a INTEGER PRIMARY KEY, b UNIQUE)")
    s.execute("INSERT INTO tt(b) VALUES('x'), ('y')")
    s.execute("CREATE INDEX ttb2 ON tt(b)")
    assert s.execute("SELECT * FROM tt WHERE b = 'y'") == [(2, "y")]
    s.execute("BEGIN")
    s.execute("INSERT INTO tt(b) VALUES('z')")
    s.execute("ROLLBACK")
    assert s.execute("SELECT count(*) FROM tt") == [(2,)]
    with pytest.raises(errors.IntegrityError):
        s.execute("INSERT INTO tt(b) VALUES('x')")
    s.execute("INSERT INTO m SELECT b FROM tt")
    s.close()
    con = sqlite3.connect(path)
    assert con.execute("SELECT name FROM sqlite_schema").fetchall() == [("m",)]
    assert con.execute("SELECT * FROM m").fetchall() == [("x",), ("y",)]


def test_order_by_from_access_path_matches_sqlite() -> None:
    import random

    s = Session(":memory:")
    con = sqlite3.connect(":memory:")
    for q in ("CREATE TABLE t(a INTEGER PRIMARY KEY, b INT, c TEXT)", "CREATE INDEX tb ON t(b)"):
        s.execute(q)
        con.execute(q)
    rnd = random.Random(1)
    for i in range(300):
        p = (rnd.choice([None, rnd.randint(0, 50)]), str(i))
        s.execute("INSERT INTO t(b, c) VALUES(?, ?)", p)
        con.execute("INSERT INTO t(b, c) VALUES(?, ?)", p)
    for q in ("SELECT * FROM t ORDER BY a DESC LIMIT 5", "SELECT * FROM t ORDER BY rowid",
              "SELECT a, b FROM t ORDER BY b LIMIT 20", "SELECT b FROM t ORDER BY b DESC LIMIT 10",
              "SELECT a, b FROM t WHERE c > '5' ORDER BY b LIMIT 7 OFFSET 3"):
        assert s.execute(q) == con.execute(q).fetchall(), q
    assert s.execute("EXPLAIN QUERY PLAN SELECT a, b FROM t ORDER BY b LIMIT 3") == [
        (1, 0, 0, "SCAN t USING COVERING INDEX tb")]
    assert s.execute("EXPLAIN QUERY PLAN SELECT a, c FROM t ORDER BY c") == [
        (1, 0, 0, "SCAN t"), (2, 0, 0, "USE TEMP B-TREE FOR ORDER BY")]
    s.close()


def test_autoincrement_matches_sqlite(tmp_path: Any) -> None:
    sqls = ["CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT, v)",
            "INSERT INTO t(v) VALUES(1),(2),(3)", "DELETE FROM t WHERE id = 3",
            "INSERT INTO t(v) VALUES(4)", "SELECT * FROM t", "SELECT * FROM sqlite_sequence",
            "INSERT INTO t VALUES(100, 5)", "DELETE FROM t", "INSERT INTO t(v) VALUES(6)",
            "SELECT * FROM t", "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema",
            "DROP TABLE t", "SELECT * FROM sqlite_sequence"]
    path = str(tmp_path / "a.db")
    s = Session(path)
    con = sqlite3.connect(":memory:")
    for q in sqls:
        assert s.execute(q) == con.execute(q).fetchall(), q
    s.close()
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_analyze_writes_sqlite_stat1_like_sqlite() -> None:
    sqls = ["CREATE TABLE t(a INTEGER PRIMARY KEY, b, c)", "CREATE INDEX tbc ON t(b, c)",
            "CREATE TABLE u(x)", "CREATE TABLE e(x)",
            "INSERT INTO t(b, c) VALUES(1,1),(1,2),(2,1),(2,1),(3,5),(3,6),(3,7)",
            "INSERT INTO u VALUES(1),(2)", "ANALYZE",
            "SELECT * FROM sqlite_stat1 ORDER BY tbl, idx", "SELECT name FROM sqlite_schema"]
    s = Session(":memory:")
    con = sqlite3.connect(":memory:")
    for q in sqls:
        assert s.execute(q) == con.execute(q).fetchall(), q
    s.close()


def test_interrupt(session: Session) -> None:
    st, _ = session.prepare("SELECT * FROM t1")
    assert st is not None
    assert st.step() is not None
    session.interrupt()
    with pytest.raises(errors.OperationalError, match="interrupted"):
        st.step()
    assert session.execute("SELECT count(*) FROM t1") == [(5,)]


def test_min_max_shortcut_and_bare_columns() -> None:
    s = Session(":memory:")
    con = sqlite3.connect(":memory:")
    for q in ("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT COLLATE NOCASE, c INT)",
              "CREATE INDEX tb ON t(b)", "CREATE INDEX tc ON t(c)"):
        s.execute(q)
        con.execute(q)
    qs = ["SELECT min(a), max(a) FROM t", "SELECT max(a) FROM t", "SELECT min(c) FROM t",
          "SELECT count(*) FROM t"]
    for q in qs:
        assert s.execute(q) == con.execute(q).fetchall(), q
    for p in [(None, None), ("B", 5), ("a", None), ("C", -3), (None, 10), ("b", 2.5)]:
        s.execute("INSERT INTO t(b, c) VALUES(?, ?)", p)
        con.execute("INSERT INTO t(b, c) VALUES(?, ?)", p)
    qs += ["SELECT min(b) FROM t", "SELECT max(b) FROM t", "SELECT max(c) FROM t",
           "SELECT min(c), b FROM t", "SELECT max(c), a FROM t", "SELECT b, max(c), a FROM t GROUP BY b"]
    for q in qs:
        assert s.execute(q) == con.execute(q).fetchall(), q
    assert s.execute("EXPLAIN QUERY PLAN SELECT max(c) FROM t") == [
        (1, 0, 0, "SEARCH t USING COVERING INDEX tc")]
    s.close()


def test_partial_index_maintained_like_sqlite(tmp_path: Any) -> None:
    path = str(tmp_path / "p.db")
    s = Session(path)
    con = sqlite3.connect(":memory:")
    sqls = ["CREATE TABLE t(a INTEGER PRIMARY KEY, b, c)",
            "INSERT INTO t(b, c) VALUES(1, 'x'), (2, NULL), (3, 'y')",
            "CREATE UNIQUE INDEX tp ON t(b) WHERE c IS NOT NULL",
            "INSERT INTO t(b, c) VALUES(2, 'z')", "INSERT INTO t(b, c) VALUES(4, NULL), (4, NULL)",
            "UPDATE t SET c = 'w' WHERE a = 2", "DELETE FROM t WHERE b = 3",
            "SELECT * FROM t ORDER BY a"]
    for q in sqls:
        try:
            got: Any = s.execute(q)
        except errors.Error as e:
            got = str(e)
        try:
            want: Any = con.execute(q).fetchall()
        except sqlite3.Error as e:
            want = str(e)
        assert got == want, q
    s.close()
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchall() == [("ok",)]
