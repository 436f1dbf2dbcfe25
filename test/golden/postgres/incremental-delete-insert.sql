-- transactional: true
-- remove a leftover from an interrupted run
drop table if exists "pg_temp"."orders__strata_incr";
-- build the new rows in a session-private table
create temporary table "orders__strata_incr" as
select 1 as id -- trailing comment
;
-- delete the rows being replaced
delete from "db"."analytics"."orders" as DBT_INTERNAL_DEST
using "pg_temp"."orders__strata_incr" as DBT_INTERNAL_SOURCE
where DBT_INTERNAL_DEST."id" is not distinct from DBT_INTERNAL_SOURCE."id"
  and DBT_INTERNAL_DEST."status" is not distinct from DBT_INTERNAL_SOURCE."status"
  and DBT_INTERNAL_DEST.status <> 'archived';
-- insert the new rows
insert into "db"."analytics"."orders" ("id", "status")
select "id", "status" from "pg_temp"."orders__strata_incr";
-- drop the new-rows table
drop table if exists "pg_temp"."orders__strata_incr";
