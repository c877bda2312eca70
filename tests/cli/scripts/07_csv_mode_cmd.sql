.mode csv
select 1, 'a', NULL, 2.5, x'41';
.headers on
select 1 as x, 'tab	here' as y;
.separator ;
select 1, 'a;b', 'c';
