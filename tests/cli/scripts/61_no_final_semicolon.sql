create table t(a);
insert into t values(1);
select a + 1 from t
