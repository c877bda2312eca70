create table t(a); create table log(x);
create trigger tr after insert on t begin
  insert into log values(new.a);
  insert into log values(new.a * 10);
end;
insert into t values(1); insert into t values(2);
select * from log;
.schema tr
