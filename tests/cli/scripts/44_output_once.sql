create table t(a); insert into t values(1), (2);
.output out1.txt
select * from t;
.print printed to file
.output
.once once.txt
select 'only this';
select 'back on stdout';
.read readme.sql
select 'after read';
