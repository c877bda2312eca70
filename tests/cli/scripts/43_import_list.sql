create table p(a, b, c);
.import pipes.txt p
select * from p;
.mode csv
.import people.csv csvmode
.mode list
select * from csvmode;
