-- transactional: true
-- put back the previous files if an interrupted build left them aside
-- restore /lake/.orders.csv.strata-old -> /lake/orders.csv;
-- remove a leftover from an interrupted build
-- remove /lake/.orders.csv.strata-tmp;
-- create the folder the files go in
-- mkdir -> /lake;
-- write the rows beside the destination
copy (
select * from (
select 1 as id, 2 as day -- trailing comment
) as model_subq
) to '/lake/.orders.csv.strata-tmp' (format csv, header true, delimiter ';');
-- move the old files aside
-- move /lake/orders.csv -> /lake/.orders.csv.strata-old;
-- move the new files into place
-- move /lake/.orders.csv.strata-tmp -> /lake/orders.csv;
-- drop the table this model was before it wrote files
drop table if exists "db"."analytics"."orders";
-- create the view over the files
create view "db"."analytics"."orders" as
select * from read_csv('/lake/orders.csv', header = true, delim = ';')
;
-- remove the old files
-- remove /lake/.orders.csv.strata-old;
-- on failure: restore /lake/.orders.csv.strata-old -> /lake/orders.csv
-- on failure: remove /lake/.orders.csv.strata-tmp
