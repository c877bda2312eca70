"""UPDATE … FROM and row-value SET, against sqlite3 as the oracle."""

from __future__ import annotations

import pytest
from tests.exec.oracle import same_as_sqlite

BASE = ["create table t(a, b, c)", "insert into t values (1, 2, 3), (4, 5, 6)",
        "create table u(x, y)", "insert into u values (1, 10), (2, 20), (2, 21), (5, 50)"]

ROW_VALUES = [
    ["update t set (a, b) = (b, a)", "select * from t"],
    ["update t set (a, b) = (1, 2, 3)", "update t set (a, b) = (select 1)",
     "update t set (a, b) = 1", "update t set (a, b) = (1, (select 1, 2))",
     "update t set (a, zz) = (1, 2)", "select * from t"],
    ["update t set (a, c) = (select 9, 8)", "select * from t"],
    ["update t set (b, c) = (select a * 10, a * 100 from t as v where v.a = t.a)",
     "select * from t"],
    ["update t set (a) = (7)", "update t set (a, a) = (3, 4)", "select * from t"],
    ["update t set (a, b) = (select 1, 2 union select 3, 4)", "select * from t"],
    ["update t set (a, b) = (select 1, 2 where 0)", "select * from t"],
    ["create unique index tc on t(c)", "insert into t values (5, 5, 3) on conflict(c) "
     "do update set (a, b) = (excluded.a, excluded.b * 2)", "select * from t order by c"],
]

UPDATE_FROM = [
    ["update t set b = u.y from u where u.x = t.a returning *", "select * from t"],
    ["update t set b = y from u as uu where uu.x = t.a", "select * from t"],
    ["update t set b = 9 from (select 1 as a) as z where z.a = t.a returning b"],
    ["update t set b = -1 from u join (select 2 as q) on q = u.x where u.x = t.a returning *"],
    ["update t set b = x from u", "select * from t"],
    ["update t as tt set b = tt.a + u.y from u where u.x = tt.a", "select * from t"],
    ["create table w(k primary key, v) without rowid", "insert into w values ('a', 1), ('b', 2)",
     "update w set v = u.y from u where u.x = w.v returning *", "select * from w"],
    ["update t set b = zz from u", "update t set b = 1 from t",
     "update t as x set b = 1 from t as x", "update t set b = a from t as t2 where t2.a = t.a"],
    ["update t set b = u.y from u join u as u2 using (x) where u.x = t.a returning *"],
    ["with c(z) as (select 4) update t set b = z from c where c.z = t.a", "select * from t"],
    ["update t set b = u.y from u left join u as u3 on u3.x = u.y where u.x = t.a",
     "select * from t"],
    ["update t set b = u.y from u where u.x = t.a order by u.y limit 1", "select * from t"],
]


@pytest.mark.parametrize("case", ROW_VALUES + UPDATE_FROM)
def test_update(case: list[str]) -> None:
    same_as_sqlite(BASE + case)
