.mode column --wrap 10
select 'the quick brown fox jumps over the lazy dog' as sentence, 'short' as s;
.mode column --wrap 10 --wordwrap on
select 'the quick brown fox jumps over the lazy dog' as sentence, 'short' as s;
.mode box --wrap 8 --ww
select 'alpha beta gamma delta epsilon' as g;
.mode table --wrap 5
select 'abcdefghijklmnopqrstuvwxyz' as alpha, 12345678901 as n;
