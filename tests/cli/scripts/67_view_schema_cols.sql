create table "select"("from", "where" int, normal);
create view "my view" as select * from "select";
.schema
.dump
.mode insert
select * from "select";
.headers on
insert into "select" values(1, 2, 3);
select "from", "where" from "select";
