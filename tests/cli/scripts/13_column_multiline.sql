.mode column
create table m(a, b);
insert into m values('line1
line2
line3', 'x'), ('single', 'two
lines'), ('tab	in	it', 'crlf' || char(13) || char(10) || 'end');
select * from m;
select 'only' as one;
select 'trailing newline
' as t, 2 as u;
