select 1;
SELEC 1;
select 2;
select 1 +;
select * from;
select (1));
  select   'ok' ;
select 1 from t where;
