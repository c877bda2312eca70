-- args: -header -column -nullvalue NIL -cmd ".print from cmd" -cmd "select 'cmd sql'"
select NULL as a, 1 as b;
