.mode table
create table t(a, b);
insert into t values(1, 'x'), (NULL, 'yy'), (3.25, NULL);
select * from t;
select b, a, b from t;
.nullvalue -
select * from t;
