-- transactional: true
-- remove a leftover from an interrupted run
drop table if exists "db"."analytics"."orders__strata_tmp";
-- build the new rows beside the old relation
create table "db"."analytics"."orders__strata_tmp" as
select 1 as id -- trailing comment
;
-- move the old table aside
alter table "db"."analytics"."orders" rename to "orders__strata_backup";
-- move the new table into place
alter table "db"."analytics"."orders__strata_tmp" rename to "orders";
-- re-point dependent view marts.orders_report at the new table
create or replace view "db"."marts"."orders_report" as
SELECT id FROM analytics.orders
;
-- drop the old table
drop table if exists "db"."analytics"."orders__strata_backup";
