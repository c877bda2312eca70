create table t1(a, b, c);
insert into t1 values(1, 'one', 1.5), (2, NULL, -0.25), (3, 'three', 1e100);
select * from t1;
select a, b from t1 where a > 1;
select count(*), sum(a), avg(c) from t1;
