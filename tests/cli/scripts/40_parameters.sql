.parameter init
.parameter set :a 5
.parameter set @b hello
.parameter set $c 1+2
.parameter set :d 'quoted text'
.parameter list
select :a, @b, $c, :d, :missing;
select :a + 1 as plus;
.parameter unset @b
.parameter list
.parameter clear
.parameter list
select :a;
