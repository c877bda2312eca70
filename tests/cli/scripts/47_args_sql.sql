-- args: :memory: "create table t(a)" "insert into t values(42)" "select * from t" ".mode json" "select a, 'x' as b from t"
select 'stdin is not read';
