.mode column
create table u(k, v);
insert into u values('日本語', 'wide'), ('héllo', 'accents'), ('emoji 😀', 'astral'), ('a', 'ascii');
select * from u;
select v, k from u;
.mode table
select * from u;
.mode box
select * from u;
.mode markdown
select * from u;
