"""FOREIGN KEY enforcement with PRAGMA foreign_keys=ON (exec/fkey.py), statement by
statement against sqlite3: immediate checks, actions, deferred keys, DROP TABLE."""

from __future__ import annotations

import pytest
from tests.exec.oracle import same_as_sqlite

ON = ["PRAGMA foreign_keys=ON"]


def test_off_by_default_and_flag() -> None:
    same_as_sqlite([
        "PRAGMA foreign_keys",
        "CREATE TABLE p(id INTEGER PRIMARY KEY)",
        "CREATE TABLE c(a, pid REFERENCES p(id))",
        "INSERT INTO c VALUES (1, 99)",
        "PRAGMA foreign_keys=ON", "PRAGMA foreign_keys",
        "INSERT INTO c VALUES (2, 98)",
        "SELECT * FROM c",
        "DELETE FROM c WHERE a=1",
        "INSERT INTO p VALUES (98)",
        "INSERT INTO c VALUES (2, 98)",
        "SELECT * FROM c",
    ])


def test_immediate_child_and_parent() -> None:
    same_as_sqlite(ON + [
        "CREATE TABLE p(id INTEGER PRIMARY KEY, x)",
        "CREATE TABLE c(a INTEGER PRIMARY KEY, pid REFERENCES p(id))",
        "INSERT INTO p VALUES (1,'a'),(2,'b'),(3,'c')",
        "INSERT INTO c VALUES (1, 1)",
        "INSERT INTO c VALUES (2, 99)",
        "INSERT INTO c VALUES (3, NULL)",
        "INSERT INTO c VALUES (4, '2')",
        "INSERT INTO c VALUES (5, 2.0)",
        "INSERT INTO c VALUES (6, 'x')",
        "INSERT INTO c VALUES (7, 3), (8, 77)",
        "INSERT OR IGNORE INTO c VALUES (9, 77)",
        "INSERT OR REPLACE INTO c VALUES (1, 55)",
        "SELECT * FROM c ORDER BY a",
        "DELETE FROM p WHERE id=1",
        "DELETE FROM p WHERE id=3",
        "UPDATE p SET x='z' WHERE id=1",
        "UPDATE p SET id=10 WHERE id=1",
        "UPDATE c SET pid=3 WHERE a=1",
        "UPDATE c SET pid=33 WHERE a=1",
        "UPDATE c SET pid=NULL WHERE a=1",
        "DELETE FROM p WHERE id=1",
        "SELECT * FROM p ORDER BY id",
        "SELECT * FROM c ORDER BY a",
        "DELETE FROM p",
        "DELETE FROM c",
        "DELETE FROM p",
        "SELECT count(*) FROM p",
    ])


def test_statement_end_no_action() -> None:
    same_as_sqlite(ON + [
        "CREATE TABLE p(id INTEGER PRIMARY KEY)",
        "CREATE TABLE c(pid REFERENCES p)",
        "INSERT INTO p VALUES (1),(2),(3)",
        "INSERT INTO c VALUES (1),(2),(3)",
        "UPDATE p SET id=id+1",
        "UPDATE p SET id=id-1 WHERE id>0",
        "UPDATE p SET id=id+10",
        "SELECT * FROM p ORDER BY id",
        "INSERT INTO c SELECT id+100 FROM p",
        "SELECT count(*) FROM c",
    ])


def test_orphan_rows_and_set_columns() -> None:
    same_as_sqlite([
        "CREATE TABLE p(id INTEGER PRIMARY KEY)",
        "CREATE TABLE c(a, pid REFERENCES p)",
        "INSERT INTO c VALUES (1, 5), (2, 6)",
        "PRAGMA foreign_keys=ON",
        "UPDATE c SET a=a+1",
        "UPDATE c SET pid=pid",
        "UPDATE c SET pid=pid WHERE a=100",
        "DELETE FROM c WHERE a=2",
        "INSERT INTO p VALUES (6)",
        "SELECT * FROM c ORDER BY a",
    ])


def test_unique_and_composite_keys() -> None:
    same_as_sqlite(ON + [
        "CREATE TABLE p(a, b, n TEXT UNIQUE, PRIMARY KEY(a, b))",
        "CREATE TABLE c(x, y, FOREIGN KEY(x, y) REFERENCES p(a, b))",
        "CREATE TABLE d(name REFERENCES p(n))",
        "CREATE TABLE e(y, x, FOREIGN KEY(y, x) REFERENCES p(b, a))",
        "INSERT INTO p VALUES (1, 'one', 'first'), (2, 'two', 'second')",
        "INSERT INTO c VALUES (1, 'one')",
        "INSERT INTO c VALUES (1, 'two')",
        "INSERT INTO c VALUES (1, NULL)",
        "INSERT INTO c VALUES (NULL, 'zzz')",
        "INSERT INTO d VALUES ('first')",
        "INSERT INTO d VALUES ('third')",
        "INSERT INTO e VALUES ('two', 2)",
        "INSERT INTO e VALUES ('two', 1)",
        "DELETE FROM p WHERE a=1",
        "DELETE FROM p WHERE a=2",
        "UPDATE p SET n='other' WHERE a=1",
        "UPDATE p SET b='uno' WHERE a=1",
        "SELECT * FROM c", "SELECT * FROM d", "SELECT * FROM e",
    ])


def test_mismatch_and_missing_parent() -> None:
    same_as_sqlite(ON + [
        "CREATE TABLE p(id, v)",
        "CREATE TABLE c(pid REFERENCES p(v))",
        "CREATE TABLE c2(pid REFERENCES nope(id))",
        "CREATE TABLE c3(pid REFERENCES p)",
        "INSERT INTO p VALUES (1, 2)",
        "INSERT INTO c VALUES (1)",
        "INSERT INTO c2 VALUES (1)",
        "INSERT INTO c2 VALUES (NULL)",
        "INSERT INTO c3 VALUES (1)",
        "DELETE FROM p",
    ])


def test_self_reference() -> None:
    same_as_sqlite(ON + [
        "CREATE TABLE t(id INTEGER PRIMARY KEY, up REFERENCES t(id))",
        "INSERT INTO t VALUES (1, NULL)",
        "INSERT INTO t VALUES (2, 1)",
        "INSERT INTO t VALUES (3, 3)",
        "INSERT INTO t VALUES (4, 5)",
        "INSERT INTO t VALUES (4, 5), (5, 4)",
        "SELECT * FROM t ORDER BY id",
        "DELETE FROM t WHERE id=1",
        "DELETE FROM t WHERE id=3",
        "UPDATE t SET id=6, up=6 WHERE id=4",
        "UPDATE t SET id=id+10",
        "DELETE FROM t",
        "SELECT count(*) FROM t",
    ])


def test_cascade_set_null_set_default() -> None:
    same_as_sqlite(ON + [
        "CREATE TABLE p(id INTEGER PRIMARY KEY, k TEXT UNIQUE)",
        "CREATE TABLE c1(a, pid REFERENCES p(id) ON DELETE CASCADE ON UPDATE CASCADE)",
        "CREATE TABLE c2(a, pk REFERENCES p(k) ON DELETE SET NULL ON UPDATE SET NULL)",
        "CREATE TABLE c3(a, pid DEFAULT 0 REFERENCES p ON DELETE SET DEFAULT"
        " ON UPDATE SET DEFAULT)",
        "INSERT INTO p VALUES (0, 'zero'), (1, 'one'), (2, 'two'), (3, 'three')",
        "INSERT INTO c1 VALUES (10, 1), (11, 1), (12, 2)",
        "INSERT INTO c2 VALUES (20, 'one'), (21, 'two')",
        "INSERT INTO c3 VALUES (30, 1), (31, 2), (32, 3)",
        "DELETE FROM p WHERE id=1",
        "SELECT * FROM c1 ORDER BY a", "SELECT * FROM c2 ORDER BY a",
        "SELECT * FROM c3 ORDER BY a",
        "UPDATE p SET id=5 WHERE id=2",
        "UPDATE p SET k='TWO' WHERE k='two'",
        "SELECT * FROM c1 ORDER BY a", "SELECT * FROM c2 ORDER BY a",
        "SELECT * FROM c3 ORDER BY a",
        "UPDATE p SET id=id WHERE id=3",
        "SELECT * FROM c3 ORDER BY a",
        "DELETE FROM p WHERE id=0",
        "DELETE FROM c3 WHERE pid=0",
        "DELETE FROM p WHERE id=0",
        "DELETE FROM p",
        "SELECT (SELECT count(*) FROM c1), (SELECT count(*) FROM c2),"
        " (SELECT count(*) FROM c3)",
    ])


def test_set_default_without_parent_fails() -> None:
    same_as_sqlite(ON + [
        "CREATE TABLE p(id INTEGER PRIMARY KEY)",
        "CREATE TABLE c(pid DEFAULT 42 REFERENCES p ON DELETE SET DEFAULT)",
        "INSERT INTO p VALUES (1)", "INSERT INTO c VALUES (1)",
        "DELETE FROM p WHERE id=1",
        "INSERT INTO p VALUES (42)",
        "DELETE FROM p WHERE id=1",
        "SELECT * FROM c",
    ])


def test_cascade_three_levels() -> None:
    same_as_sqlite(ON + [
        "CREATE TABLE a(id INTEGER PRIMARY KEY)",
        "CREATE TABLE b(id INTEGER PRIMARY KEY, aid REFERENCES a ON DELETE CASCADE"
        " ON UPDATE CASCADE)",
        "CREATE TABLE c(id INTEGER PRIMARY KEY, bid REFERENCES b ON DELETE CASCADE)",
        "CREATE TABLE d(id INTEGER PRIMARY KEY, cid REFERENCES c)",
        "INSERT INTO a VALUES (1), (2)",
        "INSERT INTO b VALUES (10, 1), (11, 1), (12, 2)",
        "INSERT INTO c VALUES (100, 10), (101, 11), (102, 12)",
        "INSERT INTO d VALUES (1000, 102)",
        "DELETE FROM a WHERE id=1",
        "SELECT (SELECT count(*) FROM b), (SELECT count(*) FROM c)",
        "DELETE FROM a WHERE id=2",
        "UPDATE a SET id=7 WHERE id=2",
        "SELECT * FROM b",
        "DELETE FROM d",
        "DELETE FROM a",
        "SELECT (SELECT count(*) FROM a), (SELECT count(*) FROM b), (SELECT count(*) FROM c)",
    ])


def test_cascade_self_reference_tree() -> None:
    same_as_sqlite(ON + [
        "CREATE TABLE t(id INTEGER PRIMARY KEY, up REFERENCES t ON DELETE CASCADE)",
        "INSERT INTO t VALUES (1, NULL), (2, 1), (3, 2), (4, 3), (5, NULL), (6, 5)",
        "DELETE FROM t WHERE id=2",
        "SELECT * FROM t ORDER BY id",
    ])


def test_restrict() -> None:
    same_as_sqlite(ON + [
        "CREATE TABLE p(id INTEGER PRIMARY KEY)",
        "CREATE TABLE c(pid REFERENCES p ON DELETE RESTRICT ON UPDATE RESTRICT"
        " DEFERRABLE INITIALLY DEFERRED)",
        "INSERT INTO p VALUES (1), (2)", "INSERT INTO c VALUES (1)",
        "DELETE FROM p WHERE id=1",
        "UPDATE p SET id=3 WHERE id=1",
        "UPDATE p SET id=1 WHERE id=1",
        "DELETE FROM p WHERE id=2",
        "SELECT * FROM p ORDER BY id",
    ])


def test_deferred() -> None:
    same_as_sqlite(ON + [
        "CREATE TABLE p(id INTEGER PRIMARY KEY)",
        "CREATE TABLE c(pid REFERENCES p DEFERRABLE INITIALLY DEFERRED)",
        "BEGIN",
        "INSERT INTO c VALUES (1)",
        "SELECT * FROM c",
        "COMMIT",
        "SELECT * FROM c",
        "INSERT INTO p VALUES (1)",
        "COMMIT",
        "SELECT * FROM c",
        "BEGIN",
        "DELETE FROM p",
        "COMMIT",
        "ROLLBACK",
        "SELECT * FROM p",
        "BEGIN",
        "INSERT INTO c VALUES (2)",
        "SAVEPOINT s",
        "INSERT INTO c VALUES (3)",
        "ROLLBACK TO s",
        "INSERT INTO p VALUES (2)",
        "COMMIT",
        "SELECT * FROM c ORDER BY pid",
    ])


def test_deferred_failed_statement_restores_count() -> None:
    same_as_sqlite(ON + [
        "CREATE TABLE p(id INTEGER PRIMARY KEY)",
        "CREATE TABLE c(pid REFERENCES p DEFERRABLE INITIALLY DEFERRED UNIQUE)",
        "BEGIN",
        "INSERT INTO c VALUES (1), (1)",
        "COMMIT",
        "SELECT count(*) FROM c",
    ])


def test_not_deferrable_and_initially_immediate() -> None:
    same_as_sqlite(ON + [
        "CREATE TABLE p(id INTEGER PRIMARY KEY)",
        "CREATE TABLE c1(pid REFERENCES p NOT DEFERRABLE INITIALLY DEFERRED)",
        "CREATE TABLE c2(pid REFERENCES p DEFERRABLE INITIALLY IMMEDIATE)",
        "CREATE TABLE c3(pid REFERENCES p DEFERRABLE)",
        "BEGIN",
        "INSERT INTO c1 VALUES (1)", "INSERT INTO c2 VALUES (1)", "INSERT INTO c3 VALUES (1)",
        "COMMIT",
    ])


def test_defer_foreign_keys_pragma() -> None:
    same_as_sqlite(ON + [
        "CREATE TABLE p(id INTEGER PRIMARY KEY)",
        "CREATE TABLE c(pid REFERENCES p)",
        "BEGIN",
        "PRAGMA defer_foreign_keys=ON",
        "PRAGMA defer_foreign_keys",
        "INSERT INTO c VALUES (1)",
        "COMMIT",
        "INSERT INTO p VALUES (1)",
        "COMMIT",
        "PRAGMA defer_foreign_keys",
        "BEGIN",
        "PRAGMA defer_foreign_keys=ON",
        "INSERT INTO c VALUES (2)",
        "PRAGMA defer_foreign_keys=OFF",
        "COMMIT",
        "SELECT * FROM c ORDER BY pid",
    ])


def test_drop_table() -> None:
    same_as_sqlite(ON + [
        "CREATE TABLE p(id INTEGER PRIMARY KEY)",
        "CREATE TABLE c(pid REFERENCES p)",
        "CREATE TABLE k(pid REFERENCES p ON DELETE CASCADE)",
        "INSERT INTO p VALUES (1), (2)",
        "INSERT INTO c VALUES (1)", "INSERT INTO k VALUES (2)",
        "DROP TABLE p",
        "SELECT count(*) FROM p",
        "DELETE FROM c",
        "DROP TABLE p",
        "SELECT count(*) FROM k",
        "INSERT INTO c VALUES (1)",
        "DROP TABLE c",
        "DROP TABLE k",
    ])


def test_without_rowid_and_triggers() -> None:
    same_as_sqlite(ON + [
        "CREATE TABLE p(k TEXT PRIMARY KEY, v) WITHOUT ROWID",
        "CREATE TABLE c(id INTEGER PRIMARY KEY, pk REFERENCES p ON DELETE CASCADE)",
        "CREATE TABLE log(x)",
        "CREATE TRIGGER tp AFTER DELETE ON p BEGIN INSERT INTO log VALUES (old.k); END",
        "INSERT INTO p VALUES ('a', 1), ('b', 2)",
        "INSERT INTO c VALUES (1, 'a'), (2, 'b'), (3, 'a')",
        "INSERT INTO c VALUES (4, 'zz')",
        "DELETE FROM p WHERE k='a'",
        "SELECT * FROM c ORDER BY id", "SELECT * FROM log",
        "UPDATE p SET k='c' WHERE k='b'",
        "CREATE TABLE w(k PRIMARY KEY, up REFERENCES p) WITHOUT ROWID",
        "INSERT INTO w VALUES (1, 'b')",
        "INSERT INTO w VALUES (2, 'q')",
        "DELETE FROM c",
        "DELETE FROM p",
    ])


def test_upsert_and_returning() -> None:
    same_as_sqlite(ON + [
        "CREATE TABLE p(id INTEGER PRIMARY KEY)",
        "CREATE TABLE c(id INTEGER PRIMARY KEY, pid REFERENCES p)",
        "INSERT INTO p VALUES (1), (2)",
        "INSERT INTO c VALUES (1, 1) RETURNING *",
        "INSERT INTO c VALUES (1, 3) ON CONFLICT(id) DO UPDATE SET pid=excluded.pid",
        "INSERT INTO c VALUES (1, 2) ON CONFLICT(id) DO UPDATE SET pid=excluded.pid",
        "DELETE FROM p WHERE id=2 RETURNING id",
        "SELECT * FROM c",
    ])


@pytest.mark.parametrize("collate", ["", " COLLATE NOCASE"])
def test_collation_and_affinity(collate: str) -> None:
    same_as_sqlite(ON + [
        f"CREATE TABLE p(k TEXT{collate} PRIMARY KEY)",
        "CREATE TABLE c(k REFERENCES p)",
        "INSERT INTO p VALUES ('Abc'), ('5')",
        "INSERT INTO c VALUES ('Abc')",
        "INSERT INTO c VALUES ('abc')",
        "INSERT INTO c VALUES (5)",
        "DELETE FROM p WHERE k='5'",
        "SELECT * FROM c",
    ])


def test_action_rows_fire_child_triggers_and_checks() -> None:
    same_as_sqlite(ON + [
        "CREATE TABLE p(id INTEGER PRIMARY KEY)",
        "CREATE TABLE c(id INTEGER PRIMARY KEY, pid REFERENCES p ON DELETE CASCADE"
        " ON UPDATE CASCADE)",
        "CREATE TABLE n(pid NOT NULL REFERENCES p ON DELETE SET NULL)",
        "CREATE TABLE k(pid REFERENCES p ON UPDATE CASCADE CHECK (pid < 100))",
        "CREATE TABLE log(what, x, y)",
        "CREATE TRIGGER cd BEFORE DELETE ON c BEGIN INSERT INTO log VALUES ('del', old.id, old.pid); END",
        "CREATE TRIGGER cu AFTER UPDATE OF pid ON c BEGIN"
        " INSERT INTO log VALUES ('upd', old.pid, new.pid); END",
        "INSERT INTO p VALUES (1), (2), (3)",
        "INSERT INTO c VALUES (10, 1), (11, 2)",
        "INSERT INTO n VALUES (3)", "INSERT INTO k VALUES (2)",
        "DELETE FROM p WHERE id=1",
        "UPDATE p SET id=20 WHERE id=2",
        "UPDATE p SET id=200 WHERE id=20",
        "DELETE FROM p WHERE id=3",
        "SELECT * FROM log", "SELECT * FROM c", "SELECT * FROM k",
    ])


def test_autocommit_deferred() -> None:
    import sqlite3

    import pyrite

    stmts = ["PRAGMA foreign_keys=ON", "CREATE TABLE p(id INTEGER PRIMARY KEY)",
             "CREATE TABLE c(pid REFERENCES p DEFERRABLE INITIALLY DEFERRED)",
             "INSERT INTO c VALUES (1)", "SELECT * FROM c",
             "BEGIN", "INSERT INTO c VALUES (1)", "SAVEPOINT a", "INSERT INTO c VALUES (2)",
             "RELEASE a", "COMMIT", "INSERT INTO p VALUES (1), (2)", "COMMIT",
             "SAVEPOINT x", "DELETE FROM p", "RELEASE x", "ROLLBACK", "SELECT count(*) FROM p"]

    def run(mod: object) -> list[object]:
        con = mod.connect(":memory:", isolation_level=None)  # type: ignore[attr-defined]
        out: list[object] = []
        for s in stmts:
            try:
                out.append((s, con.execute(s).fetchall(), con.total_changes, con.in_transaction))
            except mod.Error as e:  # type: ignore[attr-defined]
                out.append((s, type(e).__name__, str(e), con.in_transaction))
        return out

    assert run(pyrite) == run(sqlite3)


def test_child_index_lookups() -> None:
    same_as_sqlite(ON + [
        "CREATE TABLE p(a INTEGER, b TEXT COLLATE NOCASE, PRIMARY KEY(a, b))",
        "CREATE TABLE c(id INTEGER PRIMARY KEY, y TEXT COLLATE NOCASE, x INTEGER,"
        " FOREIGN KEY(x, y) REFERENCES p(a, b) ON UPDATE CASCADE ON DELETE SET NULL)",
        "CREATE INDEX cyx ON c(y, x, id)",
        "CREATE TABLE t(id INTEGER PRIMARY KEY, up INTEGER REFERENCES t ON DELETE CASCADE)",
        "CREATE INDEX tup ON t(up)",
        "INSERT INTO p VALUES (1, 'a'), (2, 'b')",
        "INSERT INTO c VALUES (1, 'A', 1), (2, 'a', 1), (3, 'b', 2), (4, 'B', 1)",
        "INSERT INTO c VALUES (5, 'A', 1)",
        "UPDATE p SET a=10 WHERE a=1",
        "SELECT * FROM c ORDER BY id",
        "DELETE FROM p WHERE b='B'",
        "SELECT * FROM c ORDER BY id",
        "INSERT INTO t VALUES (1, NULL), (2, 1), (3, 2), (4, 1), (5, 5), (6, 5)",
        "DELETE FROM t WHERE id=1",
        "DELETE FROM t WHERE id=5",
        "SELECT * FROM t ORDER BY id",
    ])


def test_replace_upsert_and_ignore() -> None:
    same_as_sqlite(ON + [
        "CREATE TABLE p(id INTEGER PRIMARY KEY, x UNIQUE)",
        "CREATE TABLE c(a INTEGER PRIMARY KEY, pid REFERENCES p(id), px REFERENCES p(x) ON DELETE CASCADE)",
        "INSERT INTO p VALUES (1,'a'),(2,'b')",
        "INSERT INTO c VALUES (1, 1, NULL), (2, NULL, 'b')",
        "INSERT OR REPLACE INTO p VALUES (1, 'z')",
        "INSERT OR REPLACE INTO p VALUES (3, 'b')",
        "SELECT * FROM c", "SELECT * FROM p",
        "UPDATE OR REPLACE p SET id=1 WHERE id=3",
        "INSERT INTO p VALUES (1, 'q') ON CONFLICT(id) DO UPDATE SET id=7",
        "INSERT INTO c VALUES (9, 5, NULL) ON CONFLICT DO NOTHING",
        "INSERT OR IGNORE INTO c VALUES (9, 5, NULL)",
        "SELECT * FROM c", "SELECT * FROM p",
        "CREATE TABLE g(a INTEGER PRIMARY KEY, b REFERENCES p(x) ON UPDATE CASCADE)",
        "INSERT INTO g VALUES (1, 'z')",
        "UPDATE p SET x = 'zz'",
        "SELECT * FROM g",
        "REPLACE INTO p VALUES (1, 'zz')",
        "SELECT * FROM g",
    ])
