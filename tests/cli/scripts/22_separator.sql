.separator ", "
select 1, 2, 3;
.separator | "\n--\n"
select 1, 'a'; select 2, 'b';
.separator "\t" "\r\n"
select 'tab', 'sep';
.mode list
select 'list resets', 'seps';
.separator ::
.show
