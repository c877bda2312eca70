.mode quote
create table t(a, b, c);
insert into t values(1, 'it''s', x'0001ff'), (2.5, 'nl
here', NULL);
select * from t;
.headers on
select * from t;
select 'a' as "q'uote";
