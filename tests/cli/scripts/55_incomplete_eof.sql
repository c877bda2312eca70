select 1;
select 'unterminated
