-- transactional: true
-- keep other writers (and other snapshot runs) out until this run commits
lock table "db"."analytics"."orders" in share row exclusive mode;
-- remove a leftover from an interrupted run
drop table if exists "pg_temp"."orders__strata_snap";
-- copy the source rows into a session-private table
create temporary table "orders__strata_snap" as
select 1 as id -- trailing comment
;
-- check the source has one row per unique_key (fails when rows come back)
select "id", count(*) as row_count from "pg_temp"."orders__strata_snap" group by "id" having count(*) > 1 limit 5;
-- close the current row of every changed key
update "db"."analytics"."orders" as T
set "strata_valid_to" = S."updated_at"
from "pg_temp"."orders__strata_snap" as S
where T."id" is not distinct from S."id"
  and T."strata_valid_to" is null
  and (S."updated_at" > T."strata_updated_at" or T."strata_is_deleted");
-- record keys that vanished from the source as deleted rows
insert into "db"."analytics"."orders" ("id", "status", "updated_at", "strata_scd_id", "strata_updated_at", "strata_valid_from", "strata_valid_to", "strata_is_deleted")
select T."id", T."status", T."updated_at", md5(coalesce(cast(T."id" as varchar), '') || '|' || coalesce(cast(cast(current_timestamp as timestamp) as varchar), '')), cast(current_timestamp as timestamp), cast(current_timestamp as timestamp), nullif(cast(current_timestamp as timestamp), cast(current_timestamp as timestamp)), true
from "db"."analytics"."orders" as T
where T."strata_valid_to" is null and not coalesce(T."strata_is_deleted", false) and not exists (select 1 from "pg_temp"."orders__strata_snap" as S where T."id" is not distinct from S."id");
-- close the current row of every key that vanished from the source
update "db"."analytics"."orders" as T
set "strata_valid_to" = cast(current_timestamp as timestamp)
where T."strata_valid_to" is null and not coalesce(T."strata_is_deleted", false)
  and not exists (select 1 from "pg_temp"."orders__strata_snap" as S where T."id" is not distinct from S."id");
-- insert a current row for every new or changed key
insert into "db"."analytics"."orders" ("id", "status", "updated_at", "strata_scd_id", "strata_updated_at", "strata_valid_from", "strata_valid_to", "strata_is_deleted")
select S."id", S."status", S."updated_at", md5(coalesce(cast(S."id" as varchar), '') || '|' || coalesce(cast(S."updated_at" as varchar), '')), S."updated_at", S."updated_at", nullif(S."updated_at", S."updated_at"), false
from "pg_temp"."orders__strata_snap" as S
where not exists (select 1 from "db"."analytics"."orders" as T where T."id" is not distinct from S."id" and T."strata_valid_to" is null);
-- drop the staging table
drop table if exists "pg_temp"."orders__strata_snap";
