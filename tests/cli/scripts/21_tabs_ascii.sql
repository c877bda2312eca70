.mode tabs
.headers on
select 1 as a, 'two' as b, NULL as c;
.mode ascii
select 1 as a, 'two' as b;
.mode list
select 'back to list', 1;
