create table t(
  a integer,
  b text
);
insert into t
  values (1, 'x'),
         (2, 'y');
select a,
       b
  from t
 where a >
 1;
select 1; select 2;
select 3
; select 4;
select 'semicolon ; in string', "x;y" from (select 1 as "x;y");
-- a comment line
select 5; -- trailing comment
/* block
comment */ select 6;
