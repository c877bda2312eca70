create table t(a);
.changes on
insert into t values(1), (2), (3);
update t set a = a + 1;
delete from t where a > 2;
select * from t;
.changes off
insert into t values(9);
