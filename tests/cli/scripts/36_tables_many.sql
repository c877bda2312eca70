create table t01(a); create table t02(a); create table t03(a); create table t04(a);
create table t05(a); create table t06(a); create table t07(a); create table t08(a);
create table t09(a); create table t10(a); create table t11(a); create table t12(a);
create table t13(a); create table t14(a); create table t15(a);
.tables
create table medium_length_name(a);
.tables
