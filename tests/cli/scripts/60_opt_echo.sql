-- args: -echo -header
select 1 as one;
.mode csv
  select 2 as two;   
select
  3;
