.show
.mode
.mode column
.mode
.mode qbox
.show
.mode csv
.headers on
.nullvalue NIL
.width 1 2 3
.show
.mode bogus
.mode l
.mode
