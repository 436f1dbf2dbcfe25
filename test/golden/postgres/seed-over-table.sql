-- transactional: true
-- wait until other loads of this seed have finished
select pg_advisory_xact_lock(hashtextextended('"db"."analytics"."orders"', 0));
-- remove a leftover from an interrupted run
drop table if exists "db"."analytics"."orders__strata_tmp";
-- create the new table beside the old relation
create table "db"."analytics"."orders__strata_tmp" (
  "id" integer,
  "Customer Name" text,
  "amount" decimal(12, 2)
);
-- load the CSV rows
-- bulk load models/orders.sql into "db"."analytics"."orders__strata_tmp";
-- move the old table aside
alter table "db"."analytics"."orders" rename to "orders__strata_backup";
-- move the new table into place
alter table "db"."analytics"."orders__strata_tmp" rename to "orders";
-- drop the old table
drop table if exists "db"."analytics"."orders__strata_backup";
