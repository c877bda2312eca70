create table apple(x);
create table banana(y);
create table apricot(z);
insert into apple values(1);
insert into banana values(2);
insert into apricot values(3);
create index ai on apple(x);
.dump ap%
.dump banana
.dump nomatch
