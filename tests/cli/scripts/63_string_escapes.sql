select 'single''quote', "double""quote" from (select 1 as "double""quote");
select 'tab	in', 'nul' || char(0) || 'after', length('nul' || char(0) || 'after');
select char(1, 2, 31), char(127), char(233), char(19968);
.mode json
select char(1, 8, 9, 10, 12, 13, 31, 34, 92, 127) as ctl;
.mode csv
select char(127) as del, 'é' as acc;
