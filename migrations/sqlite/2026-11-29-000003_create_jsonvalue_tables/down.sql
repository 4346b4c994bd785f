-- Reverse of up.sql.
DROP TABLE IF EXISTS "lamindb_artifactjsonvalue";
DROP TABLE IF EXISTS "lamindb_jsonvalue";
