create table t(a, b);
.headers on
.mode list
select * from t;
.mode csv
select * from t;
.mode json
select * from t;
.mode column
select * from t;
.mode box
select * from t;
.mode line
select * from t;
select 'nonempty' as x;
