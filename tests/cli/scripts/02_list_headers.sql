.headers on
create table t1(a, b, c);
insert into t1 values(1, 'x', NULL);
select * from t1;
select a as "first col", b || '!' from t1;
select * from t1 where 0;
.headers off
select * from t1;
