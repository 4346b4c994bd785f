-- Reverse of up.sql.
ALTER TABLE "lamindb_artifact" DROP CONSTRAINT IF EXISTS "lamindb_artifact_schema_id_36e6cebc_fk_lamindb_schema_id";
DROP TABLE IF EXISTS "lamindb_schema" CASCADE;
