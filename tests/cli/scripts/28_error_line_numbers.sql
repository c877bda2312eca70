select 1;

select
  nosuch_column
  from (select 1);
select 2;
select 1; select x; select 3;
create table t(a);
insert into t values
  (1),
  (2,3);
select 'after';
