.nullvalue NULL
select NULL, 1, NULL;
.nullvalue (null)
.mode column
.headers on
select NULL as a, 'x' as b;
.mode csv
select NULL, '';
.nullvalue ''
select NULL;
.mode json
select NULL as n;
.mode line
select NULL as n;
