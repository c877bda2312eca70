.mode line
create table t(a, longer_name, c);
insert into t values(1, 'x', NULL), (2, 'multi
line', 3.5);
select * from t;
select 1 as a;
select 1 as "日本語", 2 as b;
