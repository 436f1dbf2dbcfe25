-- transactional: true
-- create the view
create view "db"."analytics"."orders" as
select 1 as id -- trailing comment
;
