create table t(a, b);
create index ta on t(a);
explain query plan select * from t where a = 1;
explain query plan select * from t where b = 1 order by a;
explain query plan select * from t as x join t as y on x.a = y.b;
.eqp on
select b from t where a = 2;
.eqp off
select 'done';
