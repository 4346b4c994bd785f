-- Reverse of up.sql.
DROP TABLE IF EXISTS "lamindb_schema";
