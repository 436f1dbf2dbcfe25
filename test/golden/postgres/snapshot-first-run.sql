-- transactional: true
-- remove a leftover from an interrupted run
drop table if exists "pg_temp"."orders__strata_snap";
-- copy the source rows into a session-private table
create temporary table "orders__strata_snap" as
select 1 as id -- trailing comment
;
-- check the source has one row per unique_key (fails when rows come back)
select "id", count(*) as row_count from "pg_temp"."orders__strata_snap" group by "id" having count(*) > 1 limit 5;
-- create the snapshot with one current row per key
create table "db"."analytics"."orders" as
select S.*, md5(coalesce(cast(S."id" as varchar), '') || '|' || coalesce(cast(S."updated_at" as varchar), '')) as "strata_scd_id", S."updated_at" as "strata_updated_at", S."updated_at" as "strata_valid_from", nullif(S."updated_at", S."updated_at") as "strata_valid_to", false as "strata_is_deleted"
from "pg_temp"."orders__strata_snap" as S
;
-- drop the staging table
drop table if exists "pg_temp"."orders__strata_snap";
