select 'from readme';
.print readme dot
