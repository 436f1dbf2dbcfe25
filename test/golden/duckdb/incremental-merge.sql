-- transactional: true
-- remove a leftover from an interrupted run
drop table if exists "temp"."main"."orders__strata_incr";
-- build the new rows in a session-private table
create temporary table "orders__strata_incr" as
select 1 as id -- trailing comment
;
-- check the new rows have one row per unique_key (fails when rows come back)
select "id", count(*) as row_count from "temp"."main"."orders__strata_incr" group by "id" having count(*) > 1 limit 5;
-- merge the new rows
merge into "db"."analytics"."orders" as DBT_INTERNAL_DEST
using "temp"."main"."orders__strata_incr" as DBT_INTERNAL_SOURCE
on DBT_INTERNAL_DEST."id" is not distinct from DBT_INTERNAL_SOURCE."id"
when matched then update set "id" = DBT_INTERNAL_SOURCE."id"
when not matched then insert ("id", "status") values (DBT_INTERNAL_SOURCE."id", DBT_INTERNAL_SOURCE."status");
-- drop the new-rows table
drop table if exists "temp"."main"."orders__strata_incr";
