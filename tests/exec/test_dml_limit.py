"""UPDATE/DELETE … ORDER BY … LIMIT … OFFSET against sqlite3 as the oracle
(SQLITE_ENABLE_UPDATE_DELETE_LIMIT is on in the sqlite3 this project tests with)."""

from __future__ import annotations

import pytest
from tests.exec.oracle import same_as_sqlite

BASE = ["create table t(a, b)",
        "insert into t values (3,'c'),(1,'a'),(2,'b'),(5,'e'),(4,'d')"]

CASES = [
    ["update t set b=b||b order by a limit 2", "select * from t order by rowid"],
    ["update t set b=upper(b) order by a desc limit 1 offset 1", "select * from t order by rowid"],
    ["delete from t order by b limit 2", "select * from t order by rowid"],
    ["delete from t limit 1", "select * from t order by rowid"],
    ["delete from t limit -1 offset 1", "select * from t order by rowid"],
    ["update t set a=a+1 limit 0", "select * from t order by rowid"],
    ["delete from t as x where x.a>1 order by x.a limit 1", "select * from t order by rowid"],
    ["update t set a=-a where a<>2 returning a order by a limit 2", "select * from t"],
    ["delete from t returning a, b order by b desc limit 2 offset 1", "select * from t"],
    ["delete from t limit 'x'", "delete from t limit 1.5",
     "select * from t"],
    ["delete from t order by a", "update t set a=1 order by a"],
    ["update t set a = (select count(*) from t) order by b limit 2", "select * from t"],
    ["create table log(x)",
     "create trigger tr after delete on t begin insert into log values (old.a); end",
     "delete from t order by a desc limit 2", "select * from log", "select * from t"],
    ["create table u(a integer primary key, b)", "insert into u values (1,1),(2,2),(3,3)",
     "update u set a=a+10 order by a desc limit 2", "select * from u",
     "delete from u order by b limit 1 offset 1", "select * from u"],
    ["create index ta on t(a)", "update t set a=a*10 where a>1 order by a limit 2",
     "select a from t order by a", "delete from t where a>=10 limit 1",
     "select a from t order by rowid"],
]


@pytest.mark.parametrize("case", CASES)
def test_limit(case: list[str]) -> None:
    same_as_sqlite(BASE + case)
