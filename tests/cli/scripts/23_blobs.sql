create table b(x);
insert into b values(x''), (x'41424344'), (x'00414243'), (x'e697a5e69cac'), (x'ff');
select x, length(x), typeof(x) from b;
.mode quote
select * from b;
.mode json
select * from b;
.mode column
select hex(x) as h, x from b;
