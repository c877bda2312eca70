create table t(a integer primary key, b text);
create index ti on t(b);
create table "quoted name"(x);
create view v as select a, b from t;
create view v2(p, q) as select 1, 2;
create trigger tr after insert on t begin select 1; end;
create table s(id integer primary key autoincrement, v);
create table u(x -- comment
);
.schema
.schema t
.schema T%
.schema v*
.schema nomatch
.schema --nosys
