"""Aggregates where SQLite refuses them, with SQLite 3.40.1's two messages
("misuse of aggregate function f()" at resolve time in a non-aggregate query,
"misuse of aggregate: f()" when coded in an aggregate one) and the HAVING rule
(only result columns and GROUP BY make a query an aggregate one)."""

from __future__ import annotations

import pytest
from tests.exec.oracle import same_as_sqlite

BASE = ["create table t(a, b)", "insert into t values (1, 2)", "insert into t values (3, 4)"]

QUERIES = [
    "select a from t where max(a) > 1", "select * from t where sum(a)", "select max(count(*)) from t",
    "select a from t order by min(a)", "select a from t order by 1, min(a)",
    "select max(a) from t order by min(a)", "select a from t group by a order by min(b)",
    "update t set a = max(a)", "select a from t limit max(1)", "delete from t where max(a)",
    "select a, sum(b) over () from t order by max(a)",
    "select a from t where a = 1 order by count(*) desc",
    "select max(a) from t where max(a) > 1", "select a from t where count(*) > 1",
    "select count(*) from t where max(a) > 1", "select a from t where max(a) group by a",
    "select a, count(*) from t where max(a) group by a", "select count() from t where count()",
    "select a from t having a > 0", "select a from t having max(a)",
    "select count(*) from t having max(a) > 0", "select 1 from t having count(*) > 0",
    "select max(a) from t having 1", "select a from t group by a having max(b) > 2",
    "select (select max(t.a) from t u) from t", "select a from t where (select max(t.a))",
]

# An aggregate belongs to the innermost query whose FROM its arguments (or FILTER)
# name (resolve.c, sqlite3ReferencesSrcList), which may be an outer one; ORDER BY
# and GROUP BY see only their own query's columns.
OUTER = ["create table u(x, y)", "insert into u values (10, 1), (20, 2)", "create table e(z)"]
OWNER_QUERIES = [
    "select (select sum(t.a) from u) from t", "select (select sum(a) from u) from t",
    "select (select sum(t.a) from e) from t", "select (select sum(t.a + u.x) from u) from t",
    "select (select (select sum(t.a) from e) from u) from t",
    "select (select (select sum(t.a) from u) from u) from t",
    "select (select (select sum(u.x) from t) from u) from t",
    "select (select (select sum(t.a + u.x) from e) from u) from t",
    "select b, (select sum(t.a) from u) from t group by b",
    "select b from t group by b having (select sum(t.a) from u) > 4",
    "select b from t group by b order by (select sum(t.a) from u) desc",
    "select count(*) from t where (select max(t.a))",
    "select (select count(*) from u where u.x < max(t.a) * 5) from t",
    "select (select x from u where u.x < max(t.a) * 5) from t",
    "select b from t group by (select sum(t.a))",
    "select (select sum(t.a) + t.b from u) from t", "select (select sum(t.a) + count(*) from u) from t",
    "select (select count(*) from u where x > (select sum(t.a))) from t",
    "select a from t order by (select sum(t.a))", "select sum(a) from t order by (select sum(t.a))",
    "select (select max(t.a) filter (where u.x > 10) from u) from t",
    "select (select max(t.a) filter (where t.b > 2) from u) from t",
    "select exists (select sum(t.a) from u) from t", "select t.a in (select sum(t.a) from u) from t",
    "select sum(a), (select sum(t.a) from u) from t", "select (select sum(t.a) over () from u) from t",
    "select (select group_concat(t.a) from u) from t", "select (select sum(t.a) from u group by x) from t",
    "select (select total(t.b) from u having count(*) > 1) from t",
    "select a from t where exists (select 1 from u having sum(t.a) > 1)",
    "select b, (select sum(t.a) from u) from t group by b having count(*) > 1",
    "select (select sum(t.a) from u) from t where a > 1", "select (select sum(t.a) from u) from t limit 0",
    "select (select sum(a) from (select x as a from u)) from t",
    "select (select sum(a) from (select * from u)) from t",
    "select (select sum(a) from u natural join t) from t",
    "select (select sum(rowid) from u) from t", "select (select sum(t.rowid) from u) from t",
    "with c(a) as (select 7) select (select sum(a) from c) from t",
    "with c as (select 7 as q) select (select sum(a) from c) from t",
    "select (select sum(a) from json_each('[1,2]')) from t",
    "select (select sum(t.a) from u), sum(b) over () from t",
    "select b, sum(b) over () from t group by b having (select sum(t.a) from u) > 1",
    "select (select x from u order by sum(t.a)) from t", "select (select x from u order by t.a) from t",
    "select (select x as a from u order by a desc) from t", "select (select x from u group by t.a) from t",
    "select * from t where exists (select 1 from u where x > t.a order by t.b)",
    "select (select x from u order by (select t.a)) from t",
    "select (select x from u union all select t.a order by 1) from t",
    "update t set a = (select sum(t.a) from u)", "delete from t where a = (select max(t.a) from u)",
]


@pytest.mark.parametrize("query", OWNER_QUERIES)
def test_aggregate_owner(query: str) -> None:
    same_as_sqlite(BASE + OUTER + [query, "select * from t"])


def test_aggregate_owner_view() -> None:
    same_as_sqlite(BASE + OUTER + ["create view v as select x as a2, y from u",
                                   "select (select sum(t.a) from v) from t",
                                   "select (select sum(a) from v) from t",
                                   "select (select sum(a2) from v) from t"])


@pytest.mark.parametrize("query", QUERIES)
def test_aggregate_misuse(query: str) -> None:
    same_as_sqlite(BASE + [query])
