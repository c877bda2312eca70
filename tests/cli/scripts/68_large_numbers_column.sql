.mode box
select 1e308 as big, -1.5e-308 as small, 123456789012345678 as i, 0.1 + 0.2 as sum;
.mode line
select 1e308 as big, 0.1 + 0.2 as sum;
