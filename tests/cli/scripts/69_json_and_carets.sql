create table t(id integer primary key, j);
insert into t(j) values ('{"a":[1,2,{"b":null}],"c":"x"}'), ('[1.50,2e3,-0]'), ('not json');
select id, json_valid(j), json_type(j) from t where id < 3;
select id, j -> '$.a', j ->> 'c', j -> 1 from t where id < 3;
.mode json
select json_object('id', id, 'doc', json(j)) as o from t where id = 1;
select json_group_array(json_extract(j, '$')) as g from t where id < 3;
.mode list
select json_set(j, '$.a[#]', json_array(3, 'y'), '$.d', 'z') from t where id = 1;
select json_patch(j, '{"a":null,"e":{"f":1,"g":null}}') from t where id = 1;
select json(j) from t where id < 3;
select json(j) from t where id = 3;
select json_extract(j, '$.a[') from t where id = 1;
select 'é€' || nosuch from t;
select json_array(x'00');
  select   id,   nofunc(j)   from t;
select id from t where json_extract(j, '$.c') = 'x' and zz;
select 'still running';
