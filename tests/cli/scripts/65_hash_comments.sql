# hash comment line
select 1;
   # indented hash is not a comment
select 2;
/* unterminated block comment at start
select 3;
*/ select 4;
