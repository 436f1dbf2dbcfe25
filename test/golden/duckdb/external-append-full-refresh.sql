-- transactional: true
-- put back the previous files if an interrupted build left them aside
-- restore /lake/.orders.strata-old -> /lake/orders;
-- remove a leftover from an interrupted build
-- remove /lake/.orders.strata-tmp;
-- create the folder the files go in
-- mkdir -> /lake;
-- write the rows beside the destination
copy (
select * from (
select 1 as id, 2 as day -- trailing comment
) as model_subq
) to '/lake/.orders.strata-tmp' (format parquet, partition_by ("day"));
-- move the old files aside
-- move /lake/orders -> /lake/.orders.strata-old;
-- move the new files into place
-- move /lake/.orders.strata-tmp -> /lake/orders;
-- create the view over the files
create or replace view "db"."analytics"."orders" as
select * from read_parquet('/lake/orders/*/*.parquet', hive_partitioning = true)
;
-- remove the old files
-- remove /lake/.orders.strata-old;
-- on failure: restore /lake/.orders.strata-old -> /lake/orders
-- on failure: remove /lake/.orders.strata-tmp
