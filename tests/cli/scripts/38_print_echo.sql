.print hello world
.print "quoted  arg" 'single  arg' unquoted\ttab
.print
.echo on
select 1;
.print after echo
-- comment
select 2; select 3;
.echo off
select 4;
