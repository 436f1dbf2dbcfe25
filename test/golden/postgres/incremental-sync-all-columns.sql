-- transactional: true
-- remove a leftover from an interrupted run
drop table if exists "pg_temp"."orders__strata_incr";
-- build the new rows in a session-private table
create temporary table "orders__strata_incr" as
select 1 as id -- trailing comment
;
-- add new column note
alter table "db"."analytics"."orders" add column "note" VARCHAR;
-- change the type of status to BIGINT
alter table "db"."analytics"."orders" alter column "status" type BIGINT using cast("status" as BIGINT);
-- append the new rows
insert into "db"."analytics"."orders" ("id", "note", "status")
select "id", "note", "status" from "pg_temp"."orders__strata_incr";
-- drop the new-rows table
drop table if exists "pg_temp"."orders__strata_incr";
