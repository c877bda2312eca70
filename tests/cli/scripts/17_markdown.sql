.mode markdown
create table t(a, b);
insert into t values(1, 'pipe | inside'), (2, 'x');
select * from t;
select a as "h1", b as "a longer header" from t;
