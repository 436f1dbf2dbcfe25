-- transactional: true
-- write the rows to the location
copy (
select * from (
select 1 as id, 2 as day -- trailing comment
) as model_subq
) to 's3://bucket/orders.parquet' (format parquet);
-- create the view over the files
create or replace view "db"."analytics"."orders" as
select * from read_parquet('s3://bucket/orders.parquet')
;
