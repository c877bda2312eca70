-- args: -csv -header
create table t(a, b, c);
insert into t values(1, 'plain', 'with,comma');
insert into t values(2, 'with "quote"', 'multi
line');
insert into t values(3, ' lead space', NULL);
insert into t values(4, '', 'é');
insert into t values(5, 'it''s', 2.5);
select * from t;
select 'x' as "col,1", 'y' as "col""2";
