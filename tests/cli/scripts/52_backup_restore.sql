create table t(a); insert into t values(1), (2);
.backup bk.db
delete from t;
select count(*) from t;
.restore bk.db
select * from t;
.open bk.db
select * from t;
select count(*) from t;
