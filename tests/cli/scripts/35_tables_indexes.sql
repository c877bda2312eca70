.tables
create table zeta(a); create table alpha(b); create table "Mid Name"(c);
create view vv as select 1;
create index i1 on zeta(a); create index i2 on alpha(b);
create table t_with_a_rather_long_name_for_columns(x unique);
.tables
.tables a%
.tables nomatch
.indexes
.indexes zeta
.indices alpha
