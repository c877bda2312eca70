select 1
go
select 2
/
create table t(a)
GO
select count(*) from t
;
