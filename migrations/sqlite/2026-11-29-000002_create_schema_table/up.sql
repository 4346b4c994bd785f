-- lamindb-rs: lamindb_schema table, SQLite.
-- Statements are copied verbatim from the sqlite_master of a LaminDB 2.12.1 instance (same
-- provenance as step 1). Needed because lamindb_artifact.schema_id REFERENCES "lamindb_schema":
-- with PRAGMA foreign_keys=ON, writes to lamindb_artifact fail while that table is missing.

CREATE TABLE "lamindb_schema" ("is_type" bool DEFAULT 0 NOT NULL, "is_locked" bool DEFAULT 0 NOT NULL, "_aux" text DEFAULT 'null' NULL CHECK ((JSON_VALID("_aux") OR "_aux" IS NULL)), "created_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL, "updated_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL, "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "uid" varchar(16) NOT NULL UNIQUE, "name" varchar(150) NULL, "description" text NULL, "n_members" integer NULL, "coerce" bool NULL, "flexible" bool NULL, "itype" varchar(120) NULL, "otype" varchar(64) NULL, "_dtype_str" varchar(64) NULL, "hash" varchar(22) NULL, "minimal_set" bool NOT NULL, "ordered_set" bool NOT NULL, "maximal_set" bool NOT NULL, "branch_id" integer DEFAULT 1 NOT NULL REFERENCES "lamindb_branch" ("id") DEFERRABLE INITIALLY DEFERRED, "created_on_id" integer DEFAULT 1 NOT NULL REFERENCES "lamindb_branch" ("id") DEFERRABLE INITIALLY DEFERRED, "run_id" bigint NULL REFERENCES "lamindb_run" ("id") DEFERRABLE INITIALLY DEFERRED, "space_id" smallint DEFAULT 1 NOT NULL REFERENCES "lamindb_space" ("id") DEFERRABLE INITIALLY DEFERRED, "created_by_id" integer NOT NULL REFERENCES "lamindb_user" ("id") DEFERRABLE INITIALLY DEFERRED, "type_id" integer NULL REFERENCES "lamindb_schema" ("id") DEFERRABLE INITIALLY DEFERRED, "suffix" varchar(30) NULL);
CREATE INDEX "lamindb_schema_is_type_9aa2ac9d" ON "lamindb_schema" ("is_type");
CREATE INDEX "lamindb_schema_created_at_f453bbe0" ON "lamindb_schema" ("created_at");
CREATE INDEX "lamindb_schema_updated_at_b8d4c9e3" ON "lamindb_schema" ("updated_at");
CREATE INDEX "lamindb_schema_name_41f0c881" ON "lamindb_schema" ("name");
CREATE INDEX "lamindb_schema_itype_982fda80" ON "lamindb_schema" ("itype");
CREATE INDEX "lamindb_schema_otype_9e367a19" ON "lamindb_schema" ("otype");
CREATE INDEX "lamindb_schema_hash_a701c396" ON "lamindb_schema" ("hash");
CREATE INDEX "lamindb_schema_minimal_set_880bac17" ON "lamindb_schema" ("minimal_set");
CREATE INDEX "lamindb_schema_ordered_set_287c50e3" ON "lamindb_schema" ("ordered_set");
CREATE INDEX "lamindb_schema_maximal_set_9f4c1a3a" ON "lamindb_schema" ("maximal_set");
CREATE INDEX "lamindb_schema_branch_id_bc2f9149" ON "lamindb_schema" ("branch_id");
CREATE INDEX "lamindb_schema_created_on_id_f4019605" ON "lamindb_schema" ("created_on_id");
CREATE INDEX "lamindb_schema_run_id_5f9173fe" ON "lamindb_schema" ("run_id");
CREATE INDEX "lamindb_schema_space_id_b91d50af" ON "lamindb_schema" ("space_id");
CREATE INDEX "lamindb_schema_created_by_id_28773f72" ON "lamindb_schema" ("created_by_id");
CREATE INDEX "lamindb_schema_type_id_c514c0d7" ON "lamindb_schema" ("type_id");
CREATE INDEX "lamindb_schema_suffix_0f27032e" ON "lamindb_schema" ("suffix");
