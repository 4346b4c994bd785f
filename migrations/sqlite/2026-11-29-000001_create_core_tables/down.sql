-- Reverse of up.sql.
DROP TABLE IF EXISTS "lamindb_ulabel_parents";
DROP TABLE IF EXISTS "lamindb_feature";
DROP TABLE IF EXISTS "lamindb_artifactulabel";
DROP TABLE IF EXISTS "lamindb_ulabel";
DROP TABLE IF EXISTS "lamindb_artifact";
DROP TABLE IF EXISTS "lamindb_run";
DROP TABLE IF EXISTS "lamindb_transform";
DROP TABLE IF EXISTS "lamindb_storage";
DROP TABLE IF EXISTS "lamindb_branch";
DROP TABLE IF EXISTS "lamindb_space";
DROP TABLE IF EXISTS "lamindb_user";
