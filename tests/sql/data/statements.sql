select * from t where a in (select a from u) and b not in t
select a, count(*) over w from t window w as (partition by b order by c groups between 1 preceding and 1 following exclude current row)
select a from t where a glob 'x*' and b regexp 'y' and c match 'z'
select * from t as x join u as y on x.a=y.a left join (select 1 as a) z using (a)
select * from (t join u using(a))
select * from (t) as q
select * from main.t
select t.a, main.t.b from main.t
select distinct * from t order by 1 collate nocase desc nulls first limit 1 offset 2
insert into t default values returning rowid, *
insert or replace into t(a) select a from u where true on conflict(a) do nothing
insert into t(a,b) values (1,2) on conflict (a) where b>0 do update set (b,c) = (select 1, 2) where excluded.b > 1
update t set a = a + 1 where rowid in (select rowid from t order by a limit 1)
update t set a=1 from u where t.a=u.a returning t.a
delete from t where a is null returning *
create table tt (a text collate nocase primary key on conflict ignore, b blob unique not null check (length(b) > 0), c real default 0.5 references u(a) on update restrict deferrable initially immediate, d as (a || b) virtual, e integer constraint e_ck check(e>0) constraint e_nn not null)
create table t2 (a, b, primary key (a, b), unique (b) on conflict fail, foreign key (a, b) references t(a, b) on delete set default match full not deferrable) without rowid
create table t3 (a int, b text) strict
create table t4 as select * from t
create index ix on t (a collate nocase desc, b + 1) where a not null
create unique index if not exists ux on t(a)
create view v1 (x, y) as with q as (select 1, 2) select * from q
create trigger tg1 before delete on t when old.a > 0 begin select raise(abort, 'nope') where old.b; update u set a = old.a where b = old.b; insert into u values (old.a, old.b, old.c); delete from u where a = old.a; end
create trigger tg2 instead of insert on v1 begin insert into t(a) values (new.x); end
create trigger if not exists tg3 after update of a, b on t for each row begin replace into u values (1,2,3); end
create virtual table vt using fts5(content, tokenize='unicode61')
drop view if exists v1
drop index main.ix
alter table t add column z int default 5 not null
alter table t rename column a to aa
alter table t rename to t9
alter table t drop column c
begin deferred transaction
begin
commit transaction
end
rollback transaction
savepoint sp1
release sp1
rollback to savepoint sp1
pragma table_info(t)
pragma main.cache_size = -1000
pragma journal_mode = wal
pragma foreign_keys = on
pragma integrity_check
pragma user_version = 5
pragma encoding = 'UTF-8'
pragma auto_vacuum = full
pragma synchronous = normal
pragma wal_checkpoint(truncate)
analyze
analyze main
analyze main.t
reindex
reindex t
vacuum
vacuum into 'backup.db'
attach database ':memory:' as aux
attach ':memory:' as 'aux2'
detach database aux
explain select 1
explain query plan select * from t where a = 1
select cast(a as integer), cast(b as varchar(10)), cast(c as "double precision") from t
select case a when 1 then 'one' when 2 then 'two' else 'many' end from t
select a from t where exists (select 1 from u where u.a = t.a) and not exists (select 1)
select (select max(a) from t), (1, 2) = (1, 2), (a, b) in (select a, b from u) from t
select x'', x'00', 1e10, .5, 5., 0x7fffffffffffffff, -0x7fffffffffffffff from t
select a -> '$.x', a ->> '$.y' from t
select json_extract(a, '$'), json_group_array(a) filter (where a > 1) from t
select first_value(a) over (order by b rows unbounded preceding), lag(a, 1, 0) over (partition by b) from t
select a from t where a between 1 and 2 and b not between 3 and 4
select a is distinct from b, a is not distinct from b from t
select a from t indexed by ix where a = 1
select a from t not indexed
select count(distinct a), total(b), group_concat(c, ',') from t group by a having count(*) > 1
with recursive cnt(x) as (values(1) union all select x+1 from cnt limit 100) select x from cnt
with a as materialized (select 1), b as not materialized (select 2) select * from a, b
values (1, 2), (3, 4)
select 1 union select 2 union all select 3 intersect select 4 except select 5 order by 1 limit 2
select * from t natural join u
select * from t cross join u
select * from t left outer join u on t.a = u.a right join t as t2 on 1 full outer join u as u2 on 1
select * from json_each('[1,2]') as j, json_tree('{}')
select * from generate_series(1, 10)
select a from t where a like '%x%' escape '\'
select a collate binary, a collate "nocase", a collate rtrim from t
select +a, -a, ~a, not a, - - a, + - ~ a from t
select a<<2, a>>1, a&3, a|4, a%5, a||'x' from t
select "a", [b], `c`, 'd' from t
select * from t where a = :name and b = @other and c = $var and a = ?3 and b = ?
select current_date, current_time, current_timestamp
select rowid, oid, _rowid_ from t
select likely(a), unlikely(b), coalesce(a, b, c), ifnull(a, 1), nullif(a, b), iif(a, b, c) from t
select a from t where a in ()
select a from t order by a asc, b desc
select abs(-9223372036854775808)
select 9223372036854775807 + 1
select 1 where 1
select *, a from t
select t.*, u.* from t, u
create temp table tmp(x)
create temporary view tv as select 1
select replace(a, 'x', 'y'), like(a, 'b'), glob('a', 'b'), key from (select 1 as a, 2 as key)
select count(*) as "count", a as 'alias' from t
create table key(key, action, text, replace, if, temp, without, rowid)
select key.action, key.text from key where key.replace = 1
select * from t as left
select a over from t
