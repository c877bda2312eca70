"""UPDATE whose SET (or WHERE) subqueries read the table being updated, against
sqlite3. SQLite picks the rows first, then computes and writes them one at a time
in scan order: a correlated subquery of a later row sees the earlier rows' new
values; an uncorrelated one is computed once, at the first row; `x IN (SELECT col
FROM t)` with an index on col probes that index live. (Seed 40, round 4 of the
differential run found the IN case.)"""

from __future__ import annotations

import pytest
from tests.exec.oracle import same_as_sqlite

CASES = [
    # the minimized repro of seed 40 round 4
    ["CREATE TABLE t2 (c0 DOUBLE DEFAULT 100, c1 TEXT UNIQUE, c2 REAL, c3 DECIMAL(10,2))",
     "CREATE INDEX i17 ON t2 (c2)",
     "INSERT OR IGNORE INTO t2 (c0, c1, c2, c3) VALUES ('1e3', ' 12', NULL, "
     "'-9223372036854775809'), (100, 123456789.125, 'it''s', NULL)",
     "REPLACE INTO t2 (c0, c1, c2, c3) VALUES (0.5, 'A', '9223372036854775808', '3.0')",
     "UPDATE t2 SET c3 = (42 IN (SELECT c2 FROM t2)), c2 = (SELECT min(c1) FROM t2) "
     "WHERE c3 IS NOT NULL",
     "SELECT * FROM t2"],
    ["CREATE TABLE t(a INTEGER PRIMARY KEY, b, c)",
     "INSERT INTO t VALUES (1, 10, 'x'), (2, 20, 'y'), (3, 30, 'z'), (4, NULL, 'w')",
     "UPDATE t SET b = (SELECT max(b) FROM t) + 1 WHERE a > 1", "SELECT * FROM t",
     "UPDATE t SET b = (SELECT max(b) FROM t t2 WHERE t2.a < t.a) + 1 WHERE a > 1",
     "SELECT * FROM t",
     "UPDATE t SET b = (SELECT sum(b) FROM t t2 WHERE t2.a <> t.a)", "SELECT * FROM t",
     "UPDATE t SET c = (SELECT group_concat(c, '') FROM t t2 WHERE t2.a != t.a)",
     "SELECT * FROM t",
     "UPDATE t SET b = (SELECT count(*) FROM t t2 WHERE t2.b > t.b) "
     "WHERE EXISTS (SELECT 1 FROM t t3 WHERE t3.a = t.a + 1)", "SELECT * FROM t",
     "UPDATE t SET b = 5 WHERE b = (SELECT min(b) FROM t)", "SELECT * FROM t",
     "CREATE INDEX tb ON t(b)",
     "UPDATE t SET b = (7 IN (SELECT b FROM t)) + 6", "SELECT * FROM t",
     "UPDATE t SET c = (3 IN (SELECT b FROM t)), b = b + 1 WHERE a % 2 = 1", "SELECT * FROM t",
     "UPDATE t SET c = (a + 1 IN (SELECT b FROM t)), b = a + 1", "SELECT * FROM t",
     "UPDATE t SET c = EXISTS (SELECT 1 FROM t WHERE b = 100), b = 100 WHERE a = 2 OR a = 3",
     "SELECT * FROM t",
     "UPDATE t SET b = (SELECT max(b) FROM t t2 WHERE t2.a < t.a) + 1 "
     "WHERE a IN (SELECT a FROM t ORDER BY a DESC LIMIT 3)", "SELECT * FROM t",
     "UPDATE t SET b = (SELECT max(b) FROM t t2 WHERE t2.a > t.a) + 1 WHERE b > 0",
     "SELECT * FROM t",
     "UPDATE t SET (b, c) = (SELECT max(b) + 1, count(*) FROM t t2 WHERE t2.a <= t.a)",
     "SELECT * FROM t"],
    ["CREATE TABLE u(k TEXT PRIMARY KEY, v) WITHOUT ROWID",
     "INSERT INTO u VALUES ('a', 1), ('b', 2), ('c', 3)",
     "UPDATE u SET v = (SELECT sum(v) FROM u u2 WHERE u2.k < u.k)", "SELECT * FROM u",
     "UPDATE u SET v = (SELECT max(v) FROM u) + 1", "SELECT * FROM u"],
    ["CREATE TABLE v(x UNIQUE, y)", "INSERT INTO v VALUES (1, 'a'), (2, 'b'), (3, 'c')",
     "UPDATE OR REPLACE v SET x = (SELECT max(x) FROM v v2 WHERE v2.x < v.x) WHERE x > 1",
     "SELECT * FROM v",
     "UPDATE v SET y = (SELECT group_concat(y, '') FROM v v2) || y", "SELECT * FROM v",
     "UPDATE v SET x = x + 10, y = (SELECT max(x) FROM v) RETURNING *", "SELECT * FROM v"],
    # a trigger changing or deleting a later row: the second pass reads each row again
    ["CREATE TABLE t(a INTEGER PRIMARY KEY, b)", "INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)",
     "CREATE TRIGGER tr AFTER UPDATE ON t WHEN new.a = 1 BEGIN "
     "UPDATE t SET b = b + 1000 WHERE a = 3; END",
     "UPDATE t SET b = b + 1", "SELECT * FROM t",
     "CREATE TRIGGER tr2 BEFORE UPDATE ON t WHEN new.a = 1 BEGIN DELETE FROM t WHERE a = 2; END",
     "UPDATE t SET b = b + 1", "SELECT * FROM t",
     "CREATE TABLE w(a INTEGER PRIMARY KEY, b)", "INSERT INTO w VALUES (1, 1), (2, 2), (3, 3)",
     "CREATE TRIGGER tw BEFORE UPDATE ON w BEGIN UPDATE w SET b = b + 100 WHERE a > new.a; END",
     "UPDATE w SET b = (SELECT sum(b) FROM w) WHERE a < 3", "SELECT * FROM w"],
    # UPDATE/DELETE inside a trigger body keep the trigger's own OLD and NEW rows
    ["CREATE TABLE p(a INTEGER PRIMARY KEY, b)", "CREATE TABLE c(x, y)",
     "INSERT INTO c VALUES (1, 0), (1, 0), (2, 0)",
     "CREATE TRIGGER tp AFTER INSERT ON p BEGIN UPDATE c SET y = new.b + y WHERE x = new.a; END",
     "INSERT INTO p VALUES (1, 100)", "SELECT * FROM c",
     "CREATE TRIGGER tu AFTER UPDATE ON p BEGIN UPDATE c SET y = new.b + old.b WHERE x = new.a; "
     "DELETE FROM c WHERE x = old.a + 5; INSERT INTO c VALUES (old.a, new.b); END",
     "UPDATE p SET b = 7", "SELECT * FROM c",
     "CREATE TABLE v(a INTEGER PRIMARY KEY, b)", "INSERT INTO v VALUES (1, 1), (2, 2), (3, 3)",
     "CREATE TABLE lg(x)",
     "CREATE TRIGGER tv AFTER UPDATE ON v BEGIN UPDATE v SET b = b * 10 WHERE a = new.a + 1; "
     "INSERT INTO lg VALUES (old.b || ' ' || new.b); END",
     "UPDATE v SET b = b + 1", "SELECT * FROM v", "SELECT * FROM lg",
     "CREATE TABLE d(a INTEGER PRIMARY KEY, b)", "INSERT INTO d VALUES (1, 1), (2, 2), (3, 3), (4, 4)",
     "CREATE TABLE lg2(x)",
     "CREATE TRIGGER td AFTER DELETE ON d BEGIN DELETE FROM d WHERE a = old.a + 1; "
     "INSERT INTO lg2 VALUES (old.a); END",
     "DELETE FROM d WHERE a IN (1, 3)", "SELECT * FROM d", "SELECT * FROM lg2"],
]


@pytest.mark.parametrize("case", CASES)
def test_update_reading_its_table(case: list[str]) -> None:
    same_as_sqlite(case)
