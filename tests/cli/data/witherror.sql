select 'in file';
select nosuch;
select 'still in file';
