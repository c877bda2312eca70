.import --csv crlf.csv c
select a, b, length(b) from c;
.mode csv
.import crlf.csv c2
select * from c2;
