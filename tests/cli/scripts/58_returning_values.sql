create table t(a integer primary key, b);
.headers on
insert into t(b) values('x'), ('y') returning a, b;
update t set b = upper(b) returning *;
values(1, 'a'), (2, 'b');
with recursive c(n) as (select 1 union all select n + 1 from c where n < 5) select n, n * n from c;
