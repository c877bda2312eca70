.mode html
.headers on
create table t(a, b);
insert into t values(1, '<b>bold</b> & "q" ''s'''), (NULL, 'x');
select * from t;
.headers off
select * from t;
