-- transactional: true
-- remove a leftover from an interrupted run
drop view if exists "db"."analytics"."orders__strata_tmp";
-- create the new view beside the old relation
create view "db"."analytics"."orders__strata_tmp" as
select 1 as id -- trailing comment
;
-- move the old view aside
alter view "db"."analytics"."orders" rename to "orders__strata_backup";
-- move the new view into place
alter view "db"."analytics"."orders__strata_tmp" rename to "orders";
-- drop the old view
drop view if exists "db"."analytics"."orders__strata_backup";
