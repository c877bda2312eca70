create table t(a, b);
insert into t values(1, 'one'), (2, 'two
lines'), (3, x'00ff'), (4, 4.5), (NULL, NULL);
create index tb on t(b);
.output dump.sql
.dump
.output
.open fresh.db
.read dump.sql
select * from t;
.schema
.dump t
