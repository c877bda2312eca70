.foo
.headers
.headers maybe
.nullvalue
.separator
.bail
.read /nonexistent/file.sql
.mode insert a b c
.changes
select 'still alive';
