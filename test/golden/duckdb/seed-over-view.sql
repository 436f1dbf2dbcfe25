-- transactional: true
-- remove a leftover from an interrupted run
drop table if exists "db"."analytics"."orders__strata_tmp";
-- load the CSV beside the old table
create table "db"."analytics"."orders__strata_tmp" as
select * from read_csv('/project/seeds/orders.csv', header = true, auto_detect = true);
-- drop the old view
drop view if exists "db"."analytics"."orders";
-- move the new table into place
alter table "db"."analytics"."orders__strata_tmp" rename to "orders";
