-- text that is not UTF-8 passes through the shell as bytes, both ways
create table t(x);
insert into t values ('þÿ'), ('aÿb'), ('ok');
select x, hex(x), length(x) from t;
select 'aÿb', length('aÿb');
.mode json
select x from t;
.mode quote
select x from t;
.mode box
select x, 'ab' from t;
.mode line
select 'xÿþy' as v, 'Ã©' as w;
.mode list
select "colÿ" from (select 1 as "colÿ");
.dump
