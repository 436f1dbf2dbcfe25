-- transactional: true
-- remove a leftover from an interrupted run
drop table if exists "pg_temp"."orders__strata_incr";
-- build the new rows in a session-private table
create temporary table "orders__strata_incr" as
select 1 as id -- trailing comment
;
-- append the new rows
insert into "db"."analytics"."orders" ("id", "status")
select "id", "status" from "pg_temp"."orders__strata_incr";
-- drop the new-rows table
drop table if exists "pg_temp"."orders__strata_incr";
