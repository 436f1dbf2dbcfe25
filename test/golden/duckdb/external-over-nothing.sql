-- transactional: true
-- put back the previous files if an interrupted build left them aside
-- restore /lake/.orders.parquet.strata-old -> /lake/orders.parquet;
-- remove a leftover from an interrupted build
-- remove /lake/.orders.parquet.strata-tmp;
-- create the folder the files go in
-- mkdir -> /lake;
-- write the rows beside the destination
copy (
select * from (
select 1 as id, 2 as day -- trailing comment
) as model_subq
) to '/lake/.orders.parquet.strata-tmp' (format parquet);
-- move the old files aside
-- move /lake/orders.parquet -> /lake/.orders.parquet.strata-old;
-- move the new files into place
-- move /lake/.orders.parquet.strata-tmp -> /lake/orders.parquet;
-- create the view over the files
create view "db"."analytics"."orders" as
select * from read_parquet('/lake/orders.parquet')
;
-- remove the old files
-- remove /lake/.orders.parquet.strata-old;
-- on failure: restore /lake/.orders.parquet.strata-old -> /lake/orders.parquet
-- on failure: remove /lake/.orders.parquet.strata-tmp
