select 'before';
.read witherror.sql
select 'after';
