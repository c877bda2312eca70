create table t(a);
begin;
insert into t values(1);
savepoint s1;
insert into t values(2);
rollback to s1;
commit;
select * from t;
begin;
insert into t values(3);
rollback;
select count(*) from t;
.databases
