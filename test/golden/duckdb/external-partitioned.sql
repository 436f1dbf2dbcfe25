-- transactional: true
-- put back the previous files if an interrupted build left them aside
-- restore /project/out/.orders.strata-old -> /project/out/orders;
-- remove a leftover from an interrupted build
-- remove /project/out/.orders.strata-tmp;
-- create the folder the files go in
-- mkdir -> /project/out;
-- write the rows beside the destination
copy (
select * from (
select 1 as id, 2 as day -- trailing comment
) as model_subq
) to '/project/out/.orders.strata-tmp' (format parquet, partition_by ("day"), compression 'zstd');
-- move the old files aside
-- move /project/out/orders -> /project/out/.orders.strata-old;
-- move the new files into place
-- move /project/out/.orders.strata-tmp -> /project/out/orders;
-- create the view over the files
create or replace view "db"."analytics"."orders" as
select * from read_parquet('/project/out/orders/*/*.parquet', hive_partitioning = true)
;
-- remove the old files
-- remove /project/out/.orders.strata-old;
-- on failure: restore /project/out/.orders.strata-old -> /project/out/orders
-- on failure: remove /project/out/.orders.strata-tmp
