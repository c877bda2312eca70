.import --csv people.csv people
.schema people
.mode box
select * from people;
create table nums(a, b);
.import --csv --skip 1 people.csv nums
select * from nums;
.import --csv ragged.csv ragged
select * from ragged;
.import --csv nosuchfile.csv x
