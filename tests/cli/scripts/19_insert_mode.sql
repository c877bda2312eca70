.mode insert
create table t(a, b, c, d);
insert into t values(1, 'text', 2.5, x'deadbeef'), (NULL, 'it''s', -0.5, ''), (3, 'multi
line', 1e10, 'cr' || char(13) || 'here');
select * from t;
.mode insert "my table"
select a, b from t;
.headers on
.mode insert other
select a, b as "select", c as "x y" from t;
