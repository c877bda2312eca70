create table t(a integer primary key, b text, c);
insert into t values(1, 'x''y', x'0102'), (2, NULL, 1.5), (3, 'a
b', 1e999), (4, 'cr' || char(13) || 'x', -0.0), (5, 'ünï', 0.1);
create index ti on t(b);
create table "odd name"("col 1", [x], "select");
insert into "odd name" values(1, 2, 3);
create view v as select * from t;
create trigger tr after insert on t begin select 1; end;
create table s(id integer primary key autoincrement, v);
insert into s(v) values(5), (6);
create table w(k primary key, v) without rowid;
insert into w values('k', 1);
create table e(x);
.dump
