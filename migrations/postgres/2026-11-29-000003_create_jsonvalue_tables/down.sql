-- Reverse of up.sql.
DROP TABLE IF EXISTS "lamindb_artifactjsonvalue" CASCADE;
DROP TABLE IF EXISTS "lamindb_jsonvalue" CASCADE;
