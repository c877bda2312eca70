-- args: -bail
select 1;
select nosuch;
select 2;
