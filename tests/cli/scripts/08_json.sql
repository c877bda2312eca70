.mode json
create table t(a, b, c);
insert into t values(1, 'quote " and \ backslash', NULL);
insert into t values(2.5, 'tab	nl
cr' || char(13) || 'ctl' || char(1), x'00ff41');
insert into t values(-3, 'ünïcödé 日本', '');
select * from t;
select * from t where 0;
select 1 as "a""b", 2 as "c\d";
select 'x' as one;
