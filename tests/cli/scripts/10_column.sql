.mode column
create table t(id, name, score);
insert into t values(1, 'alice', 90.5), (2, 'bob', NULL), (10, 'charlotte', 7);
select * from t;
.headers off
select * from t;
.headers on
select name from t where id = 99;
select id, name || ' ' || name as doubled from t;
