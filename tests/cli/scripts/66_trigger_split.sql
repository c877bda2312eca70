create table t(a); create table u(b); create trigger tr after insert on t begin insert into u values(new.a); end; insert into t values(7); select * from u;
select 'a;b'; select 'end';
