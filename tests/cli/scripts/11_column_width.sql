.mode column
.width 3 -8 0
select 'abcdefgh' as a, 'xy' as b, 'right' as c;
select 12345, 'a very long value that wraps', 1;
.width 0 0
select 'abc' as long_header_name, 1 as b;
.width -10
select 'r' as col;
.width
select 'reset' as w;
