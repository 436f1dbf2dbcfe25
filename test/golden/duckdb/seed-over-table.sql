-- transactional: true
-- remove a leftover from an interrupted run
drop table if exists "db"."analytics"."orders__strata_tmp";
-- create the new table beside the old relation
create table "db"."analytics"."orders__strata_tmp" (
  "id" INTEGER,
  "Customer Name" VARCHAR,
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
