-- args: -quote
create table t(a, b); insert into t values(1, 'x y'), (NULL, 'ü
v'), (2.5, '');
select * from t;
select a as "only" from t where a is not null;
