-- lamindb-rs core tables, SQLite.
-- Statements are copied verbatim from the sqlite_master of a fresh LaminDB 2.12.1 instance
-- (/work/shared/reference/lamindb-core-schema.sqlite.sql; only "IF NOT EXISTS" dropped, which the
-- sqlite3 shell adds when dumping), so Python LaminDB's Django ORM can read and write the file.
-- lamindb_artifact.schema_id references lamindb_schema, which this migration does not create.


CREATE TABLE "lamindb_user" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "uid" varchar(8) NOT NULL UNIQUE, "handle" varchar(30) NOT NULL UNIQUE, "name" varchar(150) NULL, "created_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL, "updated_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL);
CREATE INDEX "lamindb_user_name_af988e15" ON "lamindb_user" ("name");
CREATE INDEX "lamindb_user_created_at_86fee59f" ON "lamindb_user" ("created_at");
CREATE INDEX "lamindb_user_updated_at_aad9685e" ON "lamindb_user" ("updated_at");

CREATE TABLE "lamindb_space" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(100) NOT NULL, "uid" varchar(12) NOT NULL UNIQUE, "description" text NULL, "created_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL, "created_by_id" integer NULL REFERENCES "lamindb_user" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE INDEX "lamindb_space_name_f78e59a7" ON "lamindb_space" ("name");
CREATE INDEX "lamindb_space_created_at_3fdfdb86" ON "lamindb_space" ("created_at");
CREATE INDEX "lamindb_space_created_by_id_1bf8d6b3" ON "lamindb_space" ("created_by_id");
CREATE UNIQUE INDEX "unique_space_name_lower" ON "lamindb_space" ((LOWER("name")));

CREATE TABLE "lamindb_branch" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(100) NOT NULL, "uid" varchar(12) NOT NULL UNIQUE, "description" text NULL, "created_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL, "_status_code" smallint DEFAULT 0 NOT NULL, "_aux" text DEFAULT 'null' NULL CHECK ((JSON_VALID("_aux") OR "_aux" IS NULL)), "space_id" smallint DEFAULT 1 NOT NULL REFERENCES "lamindb_space" ("id") DEFERRABLE INITIALLY DEFERRED, "created_by_id" integer NOT NULL REFERENCES "lamindb_user" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE INDEX "lamindb_branch_name_6f42d7e8" ON "lamindb_branch" ("name");
CREATE INDEX "lamindb_branch_created_at_0ee049d8" ON "lamindb_branch" ("created_at");
CREATE INDEX "lamindb_branch__status_code_cfe261eb" ON "lamindb_branch" ("_status_code");
CREATE INDEX "lamindb_branch_space_id_6ea137c6" ON "lamindb_branch" ("space_id");
CREATE INDEX "lamindb_branch_created_by_id_95d1377c" ON "lamindb_branch" ("created_by_id");
CREATE UNIQUE INDEX "unique_branch_name_lower" ON "lamindb_branch" ((LOWER("name")));

CREATE TABLE "lamindb_storage" ("is_locked" bool DEFAULT 0 NOT NULL, "_aux" text DEFAULT 'null' NULL CHECK ((JSON_VALID("_aux") OR "_aux" IS NULL)), "created_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL, "updated_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL, "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "uid" varchar(12) NOT NULL UNIQUE, "root" varchar(255) NOT NULL UNIQUE, "description" text NULL, "type" varchar(30) NOT NULL, "region" varchar(64) NULL, "instance_uid" varchar(12) NULL, "branch_id" integer DEFAULT 1 NOT NULL REFERENCES "lamindb_branch" ("id") DEFERRABLE INITIALLY DEFERRED, "created_on_id" integer DEFAULT 1 NOT NULL REFERENCES "lamindb_branch" ("id") DEFERRABLE INITIALLY DEFERRED, "run_id" bigint NULL REFERENCES "lamindb_run" ("id") DEFERRABLE INITIALLY DEFERRED, "space_id" smallint DEFAULT 1 NOT NULL REFERENCES "lamindb_space" ("id") DEFERRABLE INITIALLY DEFERRED, "created_by_id" integer NOT NULL REFERENCES "lamindb_user" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE INDEX "lamindb_storage_created_at_d40673d1" ON "lamindb_storage" ("created_at");
CREATE INDEX "lamindb_storage_updated_at_dc97b073" ON "lamindb_storage" ("updated_at");
CREATE INDEX "lamindb_storage_type_4a5ba526" ON "lamindb_storage" ("type");
CREATE INDEX "lamindb_storage_region_dd14e9d1" ON "lamindb_storage" ("region");
CREATE INDEX "lamindb_storage_instance_uid_f43953af" ON "lamindb_storage" ("instance_uid");
CREATE INDEX "lamindb_storage_branch_id_8bef5e4f" ON "lamindb_storage" ("branch_id");
CREATE INDEX "lamindb_storage_created_on_id_871e62a3" ON "lamindb_storage" ("created_on_id");
CREATE INDEX "lamindb_storage_run_id_0d1016d8" ON "lamindb_storage" ("run_id");
CREATE INDEX "lamindb_storage_space_id_ed0c976a" ON "lamindb_storage" ("space_id");
CREATE INDEX "lamindb_storage_created_by_id_ca966092" ON "lamindb_storage" ("created_by_id");

CREATE TABLE "lamindb_transform" ("version_tag" varchar(30) NULL, "is_latest" bool NOT NULL, "is_locked" bool DEFAULT 0 NOT NULL, "_aux" text DEFAULT 'null' NULL CHECK ((JSON_VALID("_aux") OR "_aux" IS NULL)), "created_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL, "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "uid" varchar(16) NOT NULL UNIQUE, "key" varchar(1024) NOT NULL, "description" text NULL, "kind" varchar(20) NOT NULL, "source_code" text NULL, "hash" varchar(22) NULL, "reference" varchar(255) NULL, "reference_type" varchar(25) NULL, "updated_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL, "branch_id" integer DEFAULT 1 NOT NULL REFERENCES "lamindb_branch" ("id") DEFERRABLE INITIALLY DEFERRED, "created_on_id" integer DEFAULT 1 NOT NULL REFERENCES "lamindb_branch" ("id") DEFERRABLE INITIALLY DEFERRED, "environment_id" integer NULL REFERENCES "lamindb_artifact" ("id") DEFERRABLE INITIALLY DEFERRED, "plan_id" integer NULL REFERENCES "lamindb_artifact" ("id") DEFERRABLE INITIALLY DEFERRED, "run_id" bigint NULL REFERENCES "lamindb_run" ("id") DEFERRABLE INITIALLY DEFERRED, "space_id" smallint DEFAULT 1 NOT NULL REFERENCES "lamindb_space" ("id") DEFERRABLE INITIALLY DEFERRED, "created_by_id" integer NOT NULL REFERENCES "lamindb_user" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE INDEX "lamindb_transform_version_tag_551a2b67" ON "lamindb_transform" ("version_tag");
CREATE INDEX "lamindb_transform_is_latest_41419770" ON "lamindb_transform" ("is_latest");
CREATE INDEX "lamindb_transform_created_at_be62433a" ON "lamindb_transform" ("created_at");
CREATE INDEX "lamindb_transform_key_b2415e27" ON "lamindb_transform" ("key");
CREATE INDEX "lamindb_transform_description_39cc41aa" ON "lamindb_transform" ("description");
CREATE INDEX "lamindb_transform_kind_2860ad2c" ON "lamindb_transform" ("kind");
CREATE INDEX "lamindb_transform_hash_b961ba69" ON "lamindb_transform" ("hash");
CREATE INDEX "lamindb_transform_reference_fdc76b6f" ON "lamindb_transform" ("reference");
CREATE INDEX "lamindb_transform_reference_type_b394b6c5" ON "lamindb_transform" ("reference_type");
CREATE INDEX "lamindb_transform_updated_at_a2a5b4c4" ON "lamindb_transform" ("updated_at");
CREATE INDEX "lamindb_transform_branch_id_fb4d8548" ON "lamindb_transform" ("branch_id");
CREATE INDEX "lamindb_transform_created_on_id_2ede4c15" ON "lamindb_transform" ("created_on_id");
CREATE INDEX "lamindb_transform_environment_id_1ebc265b" ON "lamindb_transform" ("environment_id");
CREATE INDEX "lamindb_transform_plan_id_7da3845a" ON "lamindb_transform" ("plan_id");
CREATE INDEX "lamindb_transform_run_id_4afba308" ON "lamindb_transform" ("run_id");
CREATE INDEX "lamindb_transform_space_id_a31a0739" ON "lamindb_transform" ("space_id");
CREATE INDEX "lamindb_transform_created_by_id_4ed051ed" ON "lamindb_transform" ("created_by_id");
CREATE UNIQUE INDEX "lamindb_transform_key_hash_0e2c4304_uniq" ON "lamindb_transform" ("key", "hash");

CREATE TABLE "lamindb_run" ("is_locked" bool DEFAULT 0 NOT NULL, "_aux" text DEFAULT 'null' NULL CHECK ((JSON_VALID("_aux") OR "_aux" IS NULL)), "updated_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL, "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "uid" varchar(20) NOT NULL UNIQUE, "name" varchar(150) NULL, "description" text NULL, "entrypoint" varchar(255) NULL, "started_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL, "finished_at" datetime NULL, "params" text NULL CHECK ((JSON_VALID("params") OR "params" IS NULL)), "extra_data" text NULL CHECK ((JSON_VALID("extra_data") OR "extra_data" IS NULL)), "reference" varchar(255) NULL, "reference_type" varchar(25) NULL, "cli_args" varchar(1024) NULL, "created_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL, "_is_consecutive" bool NULL, "_status_code" smallint DEFAULT -3 NOT NULL, "branch_id" integer DEFAULT 1 NOT NULL REFERENCES "lamindb_branch" ("id") DEFERRABLE INITIALLY DEFERRED, "created_on_id" integer DEFAULT 1 NOT NULL REFERENCES "lamindb_branch" ("id") DEFERRABLE INITIALLY DEFERRED, "environment_id" integer NULL REFERENCES "lamindb_artifact" ("id") DEFERRABLE INITIALLY DEFERRED, "plan_id" integer NULL REFERENCES "lamindb_artifact" ("id") DEFERRABLE INITIALLY DEFERRED, "report_id" integer NULL REFERENCES "lamindb_artifact" ("id") DEFERRABLE INITIALLY DEFERRED, "space_id" smallint DEFAULT 1 NOT NULL REFERENCES "lamindb_space" ("id") DEFERRABLE INITIALLY DEFERRED, "transform_id" integer NOT NULL REFERENCES "lamindb_transform" ("id") DEFERRABLE INITIALLY DEFERRED, "created_by_id" integer NOT NULL REFERENCES "lamindb_user" ("id") DEFERRABLE INITIALLY DEFERRED, "initiated_by_run_id" bigint NULL REFERENCES "lamindb_run" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE INDEX "lamindb_run_updated_at_1e065083" ON "lamindb_run" ("updated_at");
CREATE INDEX "lamindb_run_name_5f7d1338" ON "lamindb_run" ("name");
CREATE INDEX "lamindb_run_entrypoint_b975ef98" ON "lamindb_run" ("entrypoint");
CREATE INDEX "lamindb_run_started_at_cda108ff" ON "lamindb_run" ("started_at");
CREATE INDEX "lamindb_run_finished_at_29e196c6" ON "lamindb_run" ("finished_at");
CREATE INDEX "lamindb_run_reference_f6bd0521" ON "lamindb_run" ("reference");
CREATE INDEX "lamindb_run_reference_type_fc8e7274" ON "lamindb_run" ("reference_type");
CREATE INDEX "lamindb_run_created_at_17990779" ON "lamindb_run" ("created_at");
CREATE INDEX "lamindb_run__status_code_db3629a1" ON "lamindb_run" ("_status_code");
CREATE INDEX "lamindb_run_branch_id_fe8c68b5" ON "lamindb_run" ("branch_id");
CREATE INDEX "lamindb_run_created_on_id_1a1f024f" ON "lamindb_run" ("created_on_id");
CREATE INDEX "lamindb_run_environment_id_c1f28211" ON "lamindb_run" ("environment_id");
CREATE INDEX "lamindb_run_plan_id_a12ea246" ON "lamindb_run" ("plan_id");
CREATE INDEX "lamindb_run_report_id_b7ddb8f1" ON "lamindb_run" ("report_id");
CREATE INDEX "lamindb_run_space_id_37b6cf48" ON "lamindb_run" ("space_id");
CREATE INDEX "lamindb_run_transform_id_a2621a0c" ON "lamindb_run" ("transform_id");
CREATE INDEX "lamindb_run_created_by_id_902b75a0" ON "lamindb_run" ("created_by_id");
CREATE INDEX "lamindb_run_initiated_by_run_id_44ca8181" ON "lamindb_run" ("initiated_by_run_id");

CREATE TABLE "lamindb_artifact" ("version_tag" varchar(30) NULL, "is_latest" bool NOT NULL, "is_locked" bool DEFAULT 0 NOT NULL, "_aux" text DEFAULT 'null' NULL CHECK ((JSON_VALID("_aux") OR "_aux" IS NULL)), "created_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL, "updated_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL, "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "uid" varchar(20) NOT NULL UNIQUE, "key" varchar(1024) NULL, "_real_key" varchar(1024) NULL, "description" text NULL, "suffix" varchar(30) NOT NULL, "kind" varchar(20) NULL, "otype" varchar(64) NULL, "size" bigint NULL, "hash" varchar(22) NULL, "n_files" bigint NULL, "n_observations" bigint NULL, "_hash_type" varchar(30) NULL, "extra_data" text NULL CHECK ((JSON_VALID("extra_data") OR "extra_data" IS NULL)), "_key_is_virtual" bool NOT NULL, "_overwrite_versions" bool NOT NULL, "branch_id" integer DEFAULT 1 NOT NULL REFERENCES "lamindb_branch" ("id") DEFERRABLE INITIALLY DEFERRED, "created_on_id" integer DEFAULT 1 NOT NULL REFERENCES "lamindb_branch" ("id") DEFERRABLE INITIALLY DEFERRED, "run_id" bigint NULL REFERENCES "lamindb_run" ("id") DEFERRABLE INITIALLY DEFERRED, "schema_id" integer NULL REFERENCES "lamindb_schema" ("id") DEFERRABLE INITIALLY DEFERRED, "space_id" smallint DEFAULT 1 NOT NULL REFERENCES "lamindb_space" ("id") DEFERRABLE INITIALLY DEFERRED, "storage_id" integer NOT NULL REFERENCES "lamindb_storage" ("id") DEFERRABLE INITIALLY DEFERRED, "created_by_id" integer NOT NULL REFERENCES "lamindb_user" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE INDEX "lamindb_artifact_version_tag_fd70fe89" ON "lamindb_artifact" ("version_tag");
CREATE INDEX "lamindb_artifact_is_latest_75d6184f" ON "lamindb_artifact" ("is_latest");
CREATE INDEX "lamindb_artifact_created_at_ba21c92d" ON "lamindb_artifact" ("created_at");
CREATE INDEX "lamindb_artifact_updated_at_4b318136" ON "lamindb_artifact" ("updated_at");
CREATE INDEX "lamindb_artifact_key_72efe08c" ON "lamindb_artifact" ("key");
CREATE INDEX "lamindb_artifact__real_key_85b6ad14" ON "lamindb_artifact" ("_real_key");
CREATE INDEX "lamindb_artifact_description_02ec4baf" ON "lamindb_artifact" ("description");
CREATE INDEX "lamindb_artifact_suffix_a189c922" ON "lamindb_artifact" ("suffix");
CREATE INDEX "lamindb_artifact_kind_bfcdd1f5" ON "lamindb_artifact" ("kind");
CREATE INDEX "lamindb_artifact_otype_67e292ab" ON "lamindb_artifact" ("otype");
CREATE INDEX "lamindb_artifact_size_28b8aa28" ON "lamindb_artifact" ("size");
CREATE INDEX "lamindb_artifact_hash_5f705017" ON "lamindb_artifact" ("hash");
CREATE INDEX "lamindb_artifact_n_files_517cea6c" ON "lamindb_artifact" ("n_files");
CREATE INDEX "lamindb_artifact_n_observations_2e209c2d" ON "lamindb_artifact" ("n_observations");
CREATE INDEX "lamindb_artifact__hash_type_66add0ff" ON "lamindb_artifact" ("_hash_type");
CREATE INDEX "lamindb_artifact_branch_id_7b77c0fe" ON "lamindb_artifact" ("branch_id");
CREATE INDEX "lamindb_artifact_created_on_id_1f1ad42a" ON "lamindb_artifact" ("created_on_id");
CREATE INDEX "lamindb_artifact_run_id_c4c44d46" ON "lamindb_artifact" ("run_id");
CREATE INDEX "lamindb_artifact_schema_id_36e6cebc" ON "lamindb_artifact" ("schema_id");
CREATE INDEX "lamindb_artifact_space_id_9bc91777" ON "lamindb_artifact" ("space_id");
CREATE INDEX "lamindb_artifact_storage_id_c4474241" ON "lamindb_artifact" ("storage_id");
CREATE INDEX "lamindb_artifact_created_by_id_9139b007" ON "lamindb_artifact" ("created_by_id");
CREATE UNIQUE INDEX "unique_artifact_storage_key_hash_not_null" ON "lamindb_artifact" ("storage_id", "key", "hash") WHERE "key" IS NOT NULL;
CREATE UNIQUE INDEX "unique_artifact_storage_hash_null_key" ON "lamindb_artifact" ("storage_id", "hash") WHERE "key" IS NULL;

CREATE TABLE "lamindb_ulabel" ("is_type" bool DEFAULT 0 NOT NULL, "is_locked" bool DEFAULT 0 NOT NULL, "_aux" text DEFAULT 'null' NULL CHECK ((JSON_VALID("_aux") OR "_aux" IS NULL)), "created_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL, "updated_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL, "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "uid" varchar(8) NOT NULL UNIQUE, "name" varchar(150) NOT NULL, "description" text NULL, "reference" varchar(255) NULL, "reference_type" varchar(25) NULL, "branch_id" integer DEFAULT 1 NOT NULL REFERENCES "lamindb_branch" ("id") DEFERRABLE INITIALLY DEFERRED, "created_on_id" integer DEFAULT 1 NOT NULL REFERENCES "lamindb_branch" ("id") DEFERRABLE INITIALLY DEFERRED, "run_id" bigint NULL REFERENCES "lamindb_run" ("id") DEFERRABLE INITIALLY DEFERRED, "space_id" smallint DEFAULT 1 NOT NULL REFERENCES "lamindb_space" ("id") DEFERRABLE INITIALLY DEFERRED, "created_by_id" integer NOT NULL REFERENCES "lamindb_user" ("id") DEFERRABLE INITIALLY DEFERRED, "type_id" integer NULL REFERENCES "lamindb_ulabel" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE INDEX "lamindb_ulabel_is_type_6311eb25" ON "lamindb_ulabel" ("is_type");
CREATE INDEX "lamindb_ulabel_created_at_faf98bb1" ON "lamindb_ulabel" ("created_at");
CREATE INDEX "lamindb_ulabel_updated_at_79cd5308" ON "lamindb_ulabel" ("updated_at");
CREATE INDEX "lamindb_ulabel_name_267a9ffa" ON "lamindb_ulabel" ("name");
CREATE INDEX "lamindb_ulabel_reference_86953238" ON "lamindb_ulabel" ("reference");
CREATE INDEX "lamindb_ulabel_reference_type_dd8c96d4" ON "lamindb_ulabel" ("reference_type");
CREATE INDEX "lamindb_ulabel_branch_id_4b101058" ON "lamindb_ulabel" ("branch_id");
CREATE INDEX "lamindb_ulabel_created_on_id_2de61515" ON "lamindb_ulabel" ("created_on_id");
CREATE INDEX "lamindb_ulabel_run_id_615937d4" ON "lamindb_ulabel" ("run_id");
CREATE INDEX "lamindb_ulabel_space_id_10d6fdb9" ON "lamindb_ulabel" ("space_id");
CREATE INDEX "lamindb_ulabel_created_by_id_1fc16367" ON "lamindb_ulabel" ("created_by_id");
CREATE INDEX "lamindb_ulabel_type_id_8be437ee" ON "lamindb_ulabel" ("type_id");

CREATE TABLE "lamindb_artifactulabel" ("created_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL, "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "artifact_id" integer NOT NULL REFERENCES "lamindb_artifact" ("id") DEFERRABLE INITIALLY DEFERRED, "feature_id" integer NULL REFERENCES "lamindb_feature" ("id") DEFERRABLE INITIALLY DEFERRED, "run_id" bigint NULL REFERENCES "lamindb_run" ("id") DEFERRABLE INITIALLY DEFERRED, "ulabel_id" integer NOT NULL REFERENCES "lamindb_ulabel" ("id") DEFERRABLE INITIALLY DEFERRED, "created_by_id" integer NOT NULL REFERENCES "lamindb_user" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE INDEX "lamindb_artifactulabel_created_at_70d620e3" ON "lamindb_artifactulabel" ("created_at");
CREATE INDEX "lamindb_artifactulabel_artifact_id_5eb7f95f" ON "lamindb_artifactulabel" ("artifact_id");
CREATE INDEX "lamindb_artifactulabel_feature_id_ddc41e3a" ON "lamindb_artifactulabel" ("feature_id");
CREATE INDEX "lamindb_artifactulabel_run_id_1367fa39" ON "lamindb_artifactulabel" ("run_id");
CREATE INDEX "lamindb_artifactulabel_ulabel_id_702c5a34" ON "lamindb_artifactulabel" ("ulabel_id");
CREATE INDEX "lamindb_artifactulabel_created_by_id_906e593e" ON "lamindb_artifactulabel" ("created_by_id");
CREATE UNIQUE INDEX "unique_artifactulabel" ON "lamindb_artifactulabel" ("artifact_id", "ulabel_id", "feature_id") WHERE "feature_id" IS NOT NULL;
CREATE UNIQUE INDEX "unique_artifactulabel_null_feature" ON "lamindb_artifactulabel" ("artifact_id", "ulabel_id") WHERE "feature_id" IS NULL;

CREATE TABLE "lamindb_feature" ("is_type" bool DEFAULT 0 NOT NULL, "is_locked" bool DEFAULT 0 NOT NULL, "_aux" text DEFAULT 'null' NULL CHECK ((JSON_VALID("_aux") OR "_aux" IS NULL)), "created_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL, "updated_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL, "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "uid" varchar(12) NOT NULL UNIQUE, "name" varchar(150) NOT NULL, "_dtype_str" varchar(255) NULL, "_ounit_str" varchar(255) NULL, "unit" varchar(30) NULL, "description" text NULL, "array_rank" smallint NOT NULL, "array_size" integer NOT NULL, "array_shape" text DEFAULT 'null' NULL CHECK ((JSON_VALID("array_shape") OR "array_shape" IS NULL)), "synonyms" text NULL, "default_value" text NULL CHECK ((JSON_VALID("default_value") OR "default_value" IS NULL)), "nullable" bool NULL, "coerce" bool NULL, "branch_id" integer DEFAULT 1 NOT NULL REFERENCES "lamindb_branch" ("id") DEFERRABLE INITIALLY DEFERRED, "created_on_id" integer DEFAULT 1 NOT NULL REFERENCES "lamindb_branch" ("id") DEFERRABLE INITIALLY DEFERRED, "run_id" bigint NULL REFERENCES "lamindb_run" ("id") DEFERRABLE INITIALLY DEFERRED, "space_id" smallint DEFAULT 1 NOT NULL REFERENCES "lamindb_space" ("id") DEFERRABLE INITIALLY DEFERRED, "created_by_id" integer NOT NULL REFERENCES "lamindb_user" ("id") DEFERRABLE INITIALLY DEFERRED, "type_id" integer NULL REFERENCES "lamindb_feature" ("id") DEFERRABLE INITIALLY DEFERRED, CONSTRAINT "feature_dtype_str_not_null_when_is_type_false" CHECK (("is_type" OR "_dtype_str" IS NOT NULL)));
CREATE INDEX "lamindb_feature_is_type_e859d024" ON "lamindb_feature" ("is_type");
CREATE INDEX "lamindb_feature_created_at_95e147e3" ON "lamindb_feature" ("created_at");
CREATE INDEX "lamindb_feature_updated_at_461ec765" ON "lamindb_feature" ("updated_at");
CREATE INDEX "lamindb_feature_name_a1509cfb" ON "lamindb_feature" ("name");
CREATE INDEX "lamindb_feature__dtype_str_d4f32cfe" ON "lamindb_feature" ("_dtype_str");
CREATE INDEX "lamindb_feature__ounit_str_265854a5" ON "lamindb_feature" ("_ounit_str");
CREATE INDEX "lamindb_feature_unit_a1271aa9" ON "lamindb_feature" ("unit");
CREATE INDEX "lamindb_feature_array_rank_7e94b66d" ON "lamindb_feature" ("array_rank");
CREATE INDEX "lamindb_feature_array_size_d86387e2" ON "lamindb_feature" ("array_size");
CREATE INDEX "lamindb_feature_branch_id_3f23992a" ON "lamindb_feature" ("branch_id");
CREATE INDEX "lamindb_feature_created_on_id_0193ed2c" ON "lamindb_feature" ("created_on_id");
CREATE INDEX "lamindb_feature_run_id_941242a2" ON "lamindb_feature" ("run_id");
CREATE INDEX "lamindb_feature_space_id_31635d02" ON "lamindb_feature" ("space_id");
CREATE INDEX "lamindb_feature_created_by_id_fec4c06c" ON "lamindb_feature" ("created_by_id");
CREATE INDEX "lamindb_feature_type_id_f38b6888" ON "lamindb_feature" ("type_id");

CREATE TABLE "lamindb_ulabel_parents" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "from_ulabel_id" integer NOT NULL REFERENCES "lamindb_ulabel" ("id") DEFERRABLE INITIALLY DEFERRED, "to_ulabel_id" integer NOT NULL REFERENCES "lamindb_ulabel" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE UNIQUE INDEX "lamindb_ulabel_parents_from_ulabel_id_to_ulabel_id_0d1363ca_uniq" ON "lamindb_ulabel_parents" ("from_ulabel_id", "to_ulabel_id");
CREATE INDEX "lamindb_ulabel_parents_from_ulabel_id_c7b512bd" ON "lamindb_ulabel_parents" ("from_ulabel_id");
CREATE INDEX "lamindb_ulabel_parents_to_ulabel_id_30830c4f" ON "lamindb_ulabel_parents" ("to_ulabel_id");
