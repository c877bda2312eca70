-- args: -readonly ro.sqlite
select * from t;
insert into t values(99);
select count(*) from t;
