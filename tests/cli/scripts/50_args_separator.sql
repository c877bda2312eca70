-- args: -separator ";" -newline "|\n" -noheader
select 1, 2;
select 'a', NULL;
