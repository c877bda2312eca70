"""CREATE INDEX over a filled rowid table through the plain-column path of
fill_index (only the leading columns decoded, Python tuple sort when every key
column is all TEXT or all numbers), against sqlite3: orders, uniqueness, NULLs,
mixed types, the INTEGER PRIMARY KEY and rowid in the key, short records."""

from __future__ import annotations

import pytest
from tests.exec.oracle import same_as_sqlite

FILL = ("insert into t(a, b, c) values (3, 'b', 1.5), (1, 'a', 2), (2, 'B', -7), "
        "(5, 'ä', 2.0), (4, 'A', null), (6, '', 9223372036854775807), (7, 'b', 1.5)")

CHECKS = ["pragma integrity_check", "select a, b, c from t order by b, a",
          "select a from t indexed by ti order by 1"]

CASES = [
    ["create table t(a integer primary key, b text, c)", FILL,
     "create index ti on t(b)", "select a, b from t indexed by ti where b > 'a' order by b, a",
     *CHECKS],
    ["create table t(a integer primary key, b text, c)", FILL,
     "create index ti on t(c, b)", "select c, b from t indexed by ti where c >= 1.5", *CHECKS],
    ["create table t(a integer primary key, b text, c)", FILL,
     "create unique index ti on t(b)", "select count(*) from t", *CHECKS],
    ["create table t(a integer primary key, b text, c)", FILL, "delete from t where a = 7",
     "create unique index ti on t(b)", "insert into t(b) values ('a')", *CHECKS],
    ["create table t(a integer primary key, b text, c)", FILL,
     "create unique index ti on t(c)", "update t set c = a * 1.0",
     "create unique index ti on t(c)", "insert into t(c) values (3)", *CHECKS],
    ["create table t(a integer primary key, b text, c)", FILL, "update t set c = null",
     "create unique index ti on t(c)", "insert into t(c) values (null)", *CHECKS],
    ["create table t(a integer primary key, b text, c)", FILL,
     "create index ti on t(b collate nocase)", "create index tj on t(c desc)",
     "select a from t indexed by tj order by c desc, a", *CHECKS],
    ["create table t(a integer primary key, b text, c)", FILL,
     "insert into t(b, c) values (x'00', 'text'), (1, x'ff')",
     "create index ti on t(c, a)", "create unique index tj on t(a, b)",
     "select a, c from t indexed by ti where c > 0 order by c, a", *CHECKS],
    ["create table t(a integer primary key, b text, c)", FILL,
     "create index ti on t(a, b)", "create index tj on t(c, a)",
     "select a, b from t indexed by ti where a > 2", "select c, a from t indexed by tj order by c, a",
     *CHECKS],
    ["create table t(a integer primary key, b text)",
     "insert into t values (1, 'x'), (2, 'y'), (3, null)", "alter table t add column c",
     "insert into t values (4, 'z', 'w')", "create index ti on t(c)",
     "select a, c from t indexed by ti where c is null", *CHECKS],
    ["create table t(a, b, c)", FILL, "create index ti on t(a)", "create index tk on t(c, b)",
     "select rowid, a from t indexed by ti where a > 2", *CHECKS],
    ["create table t(a integer primary key, b text, c)", "create index ti on t(b)",
     "create unique index tj on t(c)", *CHECKS],
]


@pytest.mark.parametrize("case", CASES)
def test_statements(case: list[str]) -> None:
    same_as_sqlite(case)


def test_many_rows_many_pages() -> None:
    rows = ", ".join(f"({i}, 'n{(i * 7919) % 1000:04d}', {(i * 31) % 97})" for i in range(1, 1500))
    same_as_sqlite(["create table t(a integer primary key, b text, c)",
                    f"insert into t values {rows}", "create index ti on t(b)",
                    "create index tj on t(c, b)", "create unique index tk on t(b, c)",
                    "pragma integrity_check",
                    "select count(*), min(b), max(b) from t indexed by ti where b > 'n05'",
                    "select c, b, a from t indexed by tj where c = 5"])
