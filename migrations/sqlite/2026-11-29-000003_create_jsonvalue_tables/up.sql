-- lamindb-rs: lamindb_jsonvalue and lamindb_artifactjsonvalue, SQLite.
-- Statements are copied verbatim from the sqlite_master of a LaminDB 2.12.1 instance (same
-- provenance as step 1; `IF NOT EXISTS` dropped). These tables hold the values of
-- non-categorical features (int, float, str, bool, datetime, dict, …) and link them to
-- artifacts; `df(features=…)` reads them.

CREATE TABLE "lamindb_jsonvalue" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "is_locked" bool DEFAULT 0 NOT NULL, "_aux" text DEFAULT 'null' NULL CHECK ((JSON_VALID("_aux") OR "_aux" IS NULL)), "created_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL, "value" text NOT NULL CHECK ((JSON_VALID("value") OR "value" IS NULL)), "hash" varchar(22) NULL, "branch_id" integer DEFAULT 1 NOT NULL REFERENCES "lamindb_branch" ("id") DEFERRABLE INITIALLY DEFERRED, "created_on_id" integer DEFAULT 1 NOT NULL REFERENCES "lamindb_branch" ("id") DEFERRABLE INITIALLY DEFERRED, "feature_id" integer NULL REFERENCES "lamindb_feature" ("id") DEFERRABLE INITIALLY DEFERRED, "run_id" bigint NULL REFERENCES "lamindb_run" ("id") DEFERRABLE INITIALLY DEFERRED, "space_id" smallint DEFAULT 1 NOT NULL REFERENCES "lamindb_space" ("id") DEFERRABLE INITIALLY DEFERRED, "created_by_id" integer NOT NULL REFERENCES "lamindb_user" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE INDEX "lamindb_jsonvalue_created_at_533fba02" ON "lamindb_jsonvalue" ("created_at");
CREATE INDEX "lamindb_jsonvalue_hash_f903a6b7" ON "lamindb_jsonvalue" ("hash");
CREATE INDEX "lamindb_jsonvalue_branch_id_198d0cd5" ON "lamindb_jsonvalue" ("branch_id");
CREATE INDEX "lamindb_jsonvalue_created_on_id_07b772e6" ON "lamindb_jsonvalue" ("created_on_id");
CREATE INDEX "lamindb_jsonvalue_feature_id_eafe0ebc" ON "lamindb_jsonvalue" ("feature_id");
CREATE INDEX "lamindb_jsonvalue_run_id_db061922" ON "lamindb_jsonvalue" ("run_id");
CREATE INDEX "lamindb_jsonvalue_space_id_aa6399b5" ON "lamindb_jsonvalue" ("space_id");
CREATE INDEX "lamindb_jsonvalue_created_by_id_d9b7fdf2" ON "lamindb_jsonvalue" ("created_by_id");
CREATE UNIQUE INDEX "lamindb_jsonvalue_feature_id_hash_21a74ed4_uniq" ON "lamindb_jsonvalue" ("feature_id", "hash");
CREATE TABLE "lamindb_artifactjsonvalue" ("created_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL, "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "artifact_id" integer NOT NULL REFERENCES "lamindb_artifact" ("id") DEFERRABLE INITIALLY DEFERRED, "jsonvalue_id" bigint NOT NULL REFERENCES "lamindb_jsonvalue" ("id") DEFERRABLE INITIALLY DEFERRED, "run_id" bigint NULL REFERENCES "lamindb_run" ("id") DEFERRABLE INITIALLY DEFERRED, "created_by_id" integer NOT NULL REFERENCES "lamindb_user" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE INDEX "lamindb_artifactjsonvalue_created_at_3e609092" ON "lamindb_artifactjsonvalue" ("created_at");
CREATE INDEX "lamindb_artifactjsonvalue_artifact_id_d5191144" ON "lamindb_artifactjsonvalue" ("artifact_id");
CREATE INDEX "lamindb_artifactjsonvalue_jsonvalue_id_80b79a73" ON "lamindb_artifactjsonvalue" ("jsonvalue_id");
CREATE INDEX "lamindb_artifactjsonvalue_run_id_58463322" ON "lamindb_artifactjsonvalue" ("run_id");
CREATE INDEX "lamindb_artifactjsonvalue_created_by_id_da0666a3" ON "lamindb_artifactjsonvalue" ("created_by_id");
CREATE UNIQUE INDEX "lamindb_artifactjsonvalue_artifact_id_jsonvalue_id_ec171cea_uniq" ON "lamindb_artifactjsonvalue" ("artifact_id", "jsonvalue_id");
