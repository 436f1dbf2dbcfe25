-- transactional: true
-- remove the old rows
delete from "db"."analytics"."orders";
-- load the CSV rows
-- bulk load models/orders.sql into "db"."analytics"."orders";
