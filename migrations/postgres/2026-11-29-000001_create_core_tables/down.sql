-- Reverse of up.sql.
DROP TABLE IF EXISTS "lamindb_ulabel_parents" CASCADE;
DROP TABLE IF EXISTS "lamindb_feature" CASCADE;
DROP TABLE IF EXISTS "lamindb_artifactulabel" CASCADE;
DROP TABLE IF EXISTS "lamindb_ulabel" CASCADE;
DROP TABLE IF EXISTS "lamindb_artifact" CASCADE;
DROP TABLE IF EXISTS "lamindb_run" CASCADE;
DROP TABLE IF EXISTS "lamindb_transform" CASCADE;
DROP TABLE IF EXISTS "lamindb_storage" CASCADE;
DROP TABLE IF EXISTS "lamindb_branch" CASCADE;
DROP TABLE IF EXISTS "lamindb_space" CASCADE;
DROP TABLE IF EXISTS "lamindb_user" CASCADE;
