-- transactional: true
-- drop the table this view replaces
drop table if exists "db"."analytics"."orders";
-- create the view
create view "db"."analytics"."orders" as
select 1 as id -- trailing comment
;
