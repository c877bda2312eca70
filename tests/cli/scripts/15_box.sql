.mode box
create table t(a, b, c);
insert into t values(1, 'one', NULL), (22, 'twenty-two', 2.5), (333, '', x'414243');
select * from t;
select a from t;
select * from t where 0;
.headers off
select * from t;
