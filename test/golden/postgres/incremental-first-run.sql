-- transactional: true
-- remove a leftover from an interrupted run
drop table if exists "db"."analytics"."orders__strata_tmp";
-- build the new rows beside the old relation
create table "db"."analytics"."orders__strata_tmp" as
select 1 as id -- trailing comment
;
-- move the new table into place
alter table "db"."analytics"."orders__strata_tmp" rename to "orders";
