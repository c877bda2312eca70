.mode column
select 1 as a; select 22 as bb;
select 'x' as c
union all select 'yy';
.mode table
select 1 as a; select 2 as a;
