//! The core registries, each declared once with [`registry!`](crate::registry!).
//!
//! Field order is LaminDB's model order (own fields, then the common SQLRecord, TracksRun and
//! TracksUpdates fields); table and column names are LaminDB's.

mod new;
pub mod relations;
pub mod tables;

use chrono::{DateTime, Utc};

use crate::registry::{Field, TracksRun, TracksUpdates, TransferPolicy};
use crate::value::SqlType::{
    BigInt, Bool, Date, DateTime as Dt, Int, Json as JsonT, SmallInt, Text, Varchar,
};
use crate::value::{Internal, Json};

crate::registry! {
    /// A user of the instance (`lamindb_user`). The anonymous user has uid `00000000`.
    pub struct User {
        name: "User", module: user, table: "lamindb_user", uid_len: Some(8), name_field: "handle",
        soft_delete: false, versioned: false,
        relations: relations::USER, natural_keys: &["uid", "handle"];
        id: Option<i64> as ID = Field::new("id", Int);
        uid: String as UID = Field::new("uid", Varchar(8)).unique();
        handle: String as HANDLE = Field::new("handle", Varchar(30)).unique();
        name: Option<String> as NAME = Field::new("name", Varchar(150)).null();
        created_at: Option<DateTime<Utc>> as CREATED_AT = Field::new("created_at", Dt);
        updated_at: Option<DateTime<Utc>> as UPDATED_AT = Field::new("updated_at", Dt);
    }
}

crate::registry! {
    /// A space (`lamindb_space`); space 1 `all` is seeded at init.
    pub struct Space {
        name: "Space", module: space, table: "lamindb_space", uid_len: Some(12), name_field: "name",
        soft_delete: false, versioned: false, transfer: TransferPolicy::MatchedOnly;
        id: Option<i64> as ID = Field::new("id", SmallInt);
        name: String as NAME = Field::new("name", Varchar(100));
        uid: String as UID = Field::new("uid", Varchar(12)).unique();
        description: Option<String> as DESCRIPTION = Field::new("description", Text).null();
        created_at: Option<DateTime<Utc>> as CREATED_AT = Field::new("created_at", Dt);
        created_by_id: Option<i64> as CREATED_BY_ID = Field::new("created_by_id", Int).null().fk("User");
    }
}

crate::registry! {
    /// A branch (`lamindb_branch`): −1 trash, 0 archive, 1 main are seeded at init.
    pub struct Branch {
        name: "Branch", module: branch, table: "lamindb_branch", uid_len: Some(12), name_field: "name",
        soft_delete: false, versioned: false;
        id: Option<i64> as ID = Field::new("id", Int);
        name: String as NAME = Field::new("name", Varchar(100));
        uid: String as UID = Field::new("uid", Varchar(12)).unique();
        description: Option<String> as DESCRIPTION = Field::new("description", Text).null();
        created_at: Option<DateTime<Utc>> as CREATED_AT = Field::new("created_at", Dt);
        /// `_status_code`: −2 closed, −1 merged, 0 standalone, 1 draft, 2 review.
        status_code: Internal<Option<i64>> as STATUS_CODE = Field::new("_status_code", SmallInt).choices(&["-2", "-1", "0", "1", "2"]);
        /// LaminDB's auxiliary JSON (`_aux`) for internal state; `null` unless LaminDB needs it.
        aux: Internal<Option<Json>> as AUX = Field::new("_aux", JsonT).null();
        space_id: Option<i64> as SPACE_ID = Field::new("space_id", SmallInt).fk("Space");
        created_by_id: Option<i64> as CREATED_BY_ID = Field::new("created_by_id", Int).fk("User");
    }
}

crate::registry! {
    /// A storage location (`lamindb_storage`): a local directory, an S3 or GCS bucket or prefix.
    pub struct Storage {
        name: "Storage", module: storage, table: "lamindb_storage", uid_len: Some(12), name_field: "root",
        soft_delete: false, versioned: false,
        relations: relations::STORAGE, natural_keys: &["root"], transfer: TransferPolicy::Linked;
        id: Option<i64> as ID = Field::new("id", Int);
        uid: String as UID = Field::new("uid", Varchar(12)).unique();
        root: String as ROOT = Field::new("root", Varchar(255)).unique();
        description: Option<String> as DESCRIPTION = Field::new("description", Text).null();
        /// The kind of location: `local`, `s3`, `gs` (`type`).
        type_: String as TYPE = Field::new("type", Varchar(30));
        /// The S3 bucket's region, if known.
        region: Option<String> as REGION = Field::new("region", Varchar(64)).null();
        /// The uid of the instance that manages (writes to) this location; `None`: no instance does.
        instance_uid: Option<String> as INSTANCE_UID = Field::new("instance_uid", Varchar(12)).null();
        is_locked: bool as IS_LOCKED = Field::new("is_locked", Bool);
        /// LaminDB's auxiliary JSON (`_aux`) for internal state; `null` unless LaminDB needs it.
        aux: Internal<Option<Json>> as AUX = Field::new("_aux", JsonT).null();
        created_at: Option<DateTime<Utc>> as CREATED_AT = Field::new("created_at", Dt);
        branch_id: Option<i64> as BRANCH_ID = Field::new("branch_id", Int).fk("Branch");
        created_on_id: Option<i64> as CREATED_ON_ID = Field::new("created_on_id", Int).fk("Branch");
        space_id: Option<i64> as SPACE_ID = Field::new("space_id", SmallInt).fk("Space");
        created_by_id: Option<i64> as CREATED_BY_ID = Field::new("created_by_id", Int).fk("User");
        run_id: Option<i64> as RUN_ID = Field::new("run_id", BigInt).null().fk("Run");
        updated_at: Option<DateTime<Utc>> as UPDATED_AT = Field::new("updated_at", Dt);
    }
}

crate::registry! {
    /// A transform (`lamindb_transform`): a script, notebook, pipeline or function; versioned.
    pub struct Transform {
        name: "Transform", module: transform, table: "lamindb_transform", uid_len: Some(16), name_field: "key",
        soft_delete: true, versioned: true,
        relations: relations::TRANSFORM;
        id: Option<i64> as ID = Field::new("id", Int);
        uid: String as UID = Field::new("uid", Varchar(16)).unique();
        key: String as KEY = Field::new("key", Varchar(1024));
        description: Option<String> as DESCRIPTION = Field::new("description", Text).null();
        /// `pipeline`, `notebook`, `script` or `function`.
        kind: String as KIND = Field::new("kind", Varchar(20)).choices(&["pipeline", "notebook", "script", "function"]);
        source_code: Option<String> as SOURCE_CODE = Field::new("source_code", Text).null();
        /// LaminDB's hash of the source code, to tell versions apart (`None` without source).
        hash: Option<String> as HASH = Field::new("hash", Varchar(22)).null();
        reference: Option<String> as REFERENCE = Field::new("reference", Varchar(255)).null();
        reference_type: Option<String> as REFERENCE_TYPE = Field::new("reference_type", Varchar(25)).null();
        /// The user's version label (`"1.0"`); LaminDB's `version`.
        version_tag: Option<String> as VERSION_TAG = Field::new("version_tag", Varchar(30)).null();
        /// Whether this is the latest version of its family (same uid stem) on its branch.
        is_latest: bool as IS_LATEST = Field::new("is_latest", Bool);
        is_locked: bool as IS_LOCKED = Field::new("is_locked", Bool);
        /// LaminDB's auxiliary JSON (`_aux`) for internal state; `null` unless LaminDB needs it.
        aux: Internal<Option<Json>> as AUX = Field::new("_aux", JsonT).null();
        created_at: Option<DateTime<Utc>> as CREATED_AT = Field::new("created_at", Dt);
        branch_id: Option<i64> as BRANCH_ID = Field::new("branch_id", Int).fk("Branch");
        created_on_id: Option<i64> as CREATED_ON_ID = Field::new("created_on_id", Int).fk("Branch");
        space_id: Option<i64> as SPACE_ID = Field::new("space_id", SmallInt).fk("Space");
        environment_id: Option<i64> as ENVIRONMENT_ID = Field::new("environment_id", Int).null().fk("Artifact");
        plan_id: Option<i64> as PLAN_ID = Field::new("plan_id", Int).null().fk("Artifact");
        created_by_id: Option<i64> as CREATED_BY_ID = Field::new("created_by_id", Int).fk("User");
        run_id: Option<i64> as RUN_ID = Field::new("run_id", BigInt).null().fk("Run");
        updated_at: Option<DateTime<Utc>> as UPDATED_AT = Field::new("updated_at", Dt);
    }
}

crate::registry! {
    /// A run of a transform (`lamindb_run`).
    pub struct Run {
        name: "Run", module: run, table: "lamindb_run", uid_len: Some(16), name_field: "name",
        soft_delete: true, versioned: false,
        time_ordered_uid: true, relations: relations::RUN,
        links: &[(tables::ARTIFACT_INPUT_OF_RUNS, "run_id"), (tables::ARTIFACT_RECREATING_RUNS, "run_id")],
        transfer: TransferPolicy::NotAlong;
        id: Option<i64> as ID = Field::new("id", BigInt);
        uid: String as UID = Field::new("uid", Varchar(20)).unique();
        name: Option<String> as NAME = Field::new("name", Varchar(150)).null();
        description: Option<String> as DESCRIPTION = Field::new("description", Text).null();
        entrypoint: Option<String> as ENTRYPOINT = Field::new("entrypoint", Varchar(255)).null();
        started_at: Option<DateTime<Utc>> as STARTED_AT = Field::new("started_at", Dt);
        finished_at: Option<DateTime<Utc>> as FINISHED_AT = Field::new("finished_at", Dt).null();
        params: Option<Json> as PARAMS = Field::new("params", JsonT).null();
        extra_data: Option<Json> as EXTRA_DATA = Field::new("extra_data", JsonT).null();
        reference: Option<String> as REFERENCE = Field::new("reference", Varchar(255)).null();
        reference_type: Option<String> as REFERENCE_TYPE = Field::new("reference_type", Varchar(25)).null();
        cli_args: Option<String> as CLI_ARGS = Field::new("cli_args", Varchar(1024)).null();
        /// `_is_consecutive`: whether a notebook's cells ran in order.
        is_consecutive: Internal<Option<bool>> as IS_CONSECUTIVE = Field::new("_is_consecutive", Bool).null();
        /// `_status_code`: −3 scheduled, −2 restarted, −1 started, 0 completed, 1 errored, 2 aborted.
        status_code: Internal<Option<i64>> as STATUS_CODE = Field::new("_status_code", SmallInt).choices(&["-3", "-2", "-1", "0", "1", "2"]);
        is_locked: bool as IS_LOCKED = Field::new("is_locked", Bool);
        /// LaminDB's auxiliary JSON (`_aux`) for internal state; `null` unless LaminDB needs it.
        aux: Internal<Option<Json>> as AUX = Field::new("_aux", JsonT).null();
        created_at: Option<DateTime<Utc>> as CREATED_AT = Field::new("created_at", Dt);
        branch_id: Option<i64> as BRANCH_ID = Field::new("branch_id", Int).fk("Branch");
        created_on_id: Option<i64> as CREATED_ON_ID = Field::new("created_on_id", Int).fk("Branch");
        space_id: Option<i64> as SPACE_ID = Field::new("space_id", SmallInt).fk("Space");
        transform_id: i64 as TRANSFORM_ID = Field::new("transform_id", Int).fk("Transform");
        report_id: Option<i64> as REPORT_ID = Field::new("report_id", Int).null().fk("Artifact");
        environment_id: Option<i64> as ENVIRONMENT_ID = Field::new("environment_id", Int).null().fk("Artifact");
        plan_id: Option<i64> as PLAN_ID = Field::new("plan_id", Int).null().fk("Artifact");
        /// The run that started this one (e.g. the run of a transfer's caller).
        initiated_by_run_id: Option<i64> as INITIATED_BY_RUN_ID = Field::new("initiated_by_run_id", BigInt).null().fk("Run");
        created_by_id: Option<i64> as CREATED_BY_ID = Field::new("created_by_id", Int).fk("User");
        updated_at: Option<DateTime<Utc>> as UPDATED_AT = Field::new("updated_at", Dt);
    }
}

crate::registry! {
    /// A universal label (`lamindb_ulabel`).
    pub struct ULabel {
        name: "ULabel", module: ulabel, table: "lamindb_ulabel", uid_len: Some(8), name_field: "name",
        soft_delete: true, versioned: false,
        relations: relations::ULABEL,
        links: &[(tables::ARTIFACT_ULABEL, "ulabel_id"), (tables::ULABEL_PARENTS, "from_ulabel_id"), (tables::ULABEL_PARENTS, "to_ulabel_id")],
        natural_keys: &["uid", "name"];
        id: Option<i64> as ID = Field::new("id", Int);
        uid: String as UID = Field::new("uid", Varchar(8)).unique();
        name: String as NAME = Field::new("name", Varchar(150));
        description: Option<String> as DESCRIPTION = Field::new("description", Text).null();
        reference: Option<String> as REFERENCE = Field::new("reference", Varchar(255)).null();
        reference_type: Option<String> as REFERENCE_TYPE = Field::new("reference_type", Varchar(25)).null();
        /// Whether this record is a type that groups others (their `type_id` points here), not a value.
        is_type: bool as IS_TYPE = Field::new("is_type", Bool);
        is_locked: bool as IS_LOCKED = Field::new("is_locked", Bool);
        /// LaminDB's auxiliary JSON (`_aux`) for internal state; `null` unless LaminDB needs it.
        aux: Internal<Option<Json>> as AUX = Field::new("_aux", JsonT).null();
        created_at: Option<DateTime<Utc>> as CREATED_AT = Field::new("created_at", Dt);
        branch_id: Option<i64> as BRANCH_ID = Field::new("branch_id", Int).fk("Branch");
        created_on_id: Option<i64> as CREATED_ON_ID = Field::new("created_on_id", Int).fk("Branch");
        space_id: Option<i64> as SPACE_ID = Field::new("space_id", SmallInt).fk("Space");
        created_by_id: Option<i64> as CREATED_BY_ID = Field::new("created_by_id", Int).fk("User");
        run_id: Option<i64> as RUN_ID = Field::new("run_id", BigInt).null().fk("Run");
        /// The type record this one belongs to (`is_type` set there).
        type_id: Option<i64> as TYPE_ID = Field::new("type_id", Int).null().fk("ULabel");
        updated_at: Option<DateTime<Utc>> as UPDATED_AT = Field::new("updated_at", Dt);
    }
}

crate::registry! {
    /// A dataset or model file or folder (`lamindb_artifact`); versioned.
    pub struct Artifact {
        name: "Artifact", module: artifact, table: "lamindb_artifact", uid_len: Some(20), name_field: "key",
        soft_delete: true, versioned: true,
        time_ordered_uid: true, relations: relations::ARTIFACT,
        links: &[
            (tables::ARTIFACT_ULABEL, "artifact_id"), (tables::ARTIFACT_JSONVALUE, "artifact_id"),
            (tables::ARTIFACT_PROJECT, "artifact_id"), (tables::ARTIFACT_RECORD, "artifact_id"),
            (tables::ARTIFACT_REFERENCE, "artifact_id"), (tables::ARTIFACT_INPUT_OF_RUNS, "artifact_id"),
            (tables::ARTIFACT_RECREATING_RUNS, "artifact_id"),
        ],
        transfer: TransferPolicy::Own("transfer artifacts with transfer_artifacts"),
        updatable: Some(&["description", "kind"]), hidden_unless_asked: Some(("kind", "__lamindb"));
        id: Option<i64> as ID = Field::new("id", Int);
        uid: String as UID = Field::new("uid", Varchar(20)).unique();
        /// The user's path-like key (`raw/data.csv`); versions share it. `None` for artifacts saved without one.
        key: Option<String> as KEY = Field::new("key", Varchar(1024)).null();
        description: Option<String> as DESCRIPTION = Field::new("description", Text).null();
        suffix: String as SUFFIX = Field::new("suffix", Varchar(30));
        /// `dataset`, `model`, `plan`, LaminDB's `__lamindb_run__` / `__lamindb_config__`, or free text.
        kind: Option<String> as KIND = Field::new("kind", Varchar(20)).null();
        /// The object type the bytes load as: `DataFrame`, `AnnData`, `MuData`, `SpatialData`, `tiledbsoma`.
        otype: Option<String> as OTYPE = Field::new("otype", Varchar(64)).null();
        size: Option<i64> as SIZE = Field::new("size", BigInt).null();
        /// LaminDB's 22-character content hash (its algorithm in `_hash_type`); saves deduplicate by it.
        hash: Option<String> as HASH = Field::new("hash", Varchar(22)).null();
        /// The number of files of a folder artifact (`None` for a file).
        n_files: Option<i64> as N_FILES = Field::new("n_files", BigInt).null();
        /// The number of observations (rows) of a dataset, when known.
        n_observations: Option<i64> as N_OBSERVATIONS = Field::new("n_observations", BigInt).null();
        extra_data: Option<Json> as EXTRA_DATA = Field::new("extra_data", JsonT).null();
        /// The user's version label (`"1.0"`); LaminDB's `version`.
        version_tag: Option<String> as VERSION_TAG = Field::new("version_tag", Varchar(30)).null();
        /// Whether this is the latest version of its family (same uid stem) on its branch.
        is_latest: bool as IS_LATEST = Field::new("is_latest", Bool);
        is_locked: bool as IS_LOCKED = Field::new("is_locked", Bool);
        created_at: Option<DateTime<Utc>> as CREATED_AT = Field::new("created_at", Dt);
        branch_id: Option<i64> as BRANCH_ID = Field::new("branch_id", Int).fk("Branch");
        created_on_id: Option<i64> as CREATED_ON_ID = Field::new("created_on_id", Int).fk("Branch");
        space_id: Option<i64> as SPACE_ID = Field::new("space_id", SmallInt).fk("Space");
        storage_id: i64 as STORAGE_ID = Field::new("storage_id", Int).fk("Storage");
        run_id: Option<i64> as RUN_ID = Field::new("run_id", BigInt).null().fk("Run");
        schema_id: Option<i64> as SCHEMA_ID = Field::new("schema_id", Int).null().fk("Schema");
        created_by_id: Option<i64> as CREATED_BY_ID = Field::new("created_by_id", Int).fk("User");
        /// `_real_key`: where the bytes are, relative to the root, when an artifact registered in place was given a different (virtual) key.
        real_key: Internal<Option<String>> as REAL_KEY = Field::new("_real_key", Varchar(1024)).null();
        /// `_hash_type`: `md5`, `sha1-fl` (first and last 50 MiB), `md5-d` (folder), `md5-<parts>` (S3 multipart).
        hash_type: Internal<Option<String>> as HASH_TYPE = Field::new("_hash_type", Varchar(30)).null();
        /// `_key_is_virtual`: true when the bytes are stored as `.lamindb/<uid><suffix>`, false when registered in place at `key`.
        key_is_virtual: Internal<bool> as KEY_IS_VIRTUAL = Field::new("_key_is_virtual", Bool);
        /// `_overwrite_versions`: whether versions share one storage key (`.lamindb/<uid stem><suffix>`, the default for folders), each new version overwriting the last.
        overwrite_versions: Internal<bool> as OVERWRITE_VERSIONS = Field::new("_overwrite_versions", Bool);
        /// LaminDB's auxiliary JSON (`_aux`): `{"so": 1}` while the save's copy is unfinished.
        aux: Internal<Option<Json>> as AUX = Field::new("_aux", JsonT).null();
        updated_at: Option<DateTime<Utc>> as UPDATED_AT = Field::new("updated_at", Dt);
    }
}

crate::registry! {
    /// The link between an artifact and a label (`lamindb_artifactulabel`).
    pub struct ArtifactULabel {
        name: "ArtifactULabel", module: artifactulabel, table: tables::ARTIFACT_ULABEL, uid_len: None, name_field: "id",
        soft_delete: false, versioned: false;
        id: Option<i64> as ID = Field::new("id", Int);
        artifact_id: i64 as ARTIFACT_ID = Field::new("artifact_id", Int).fk("Artifact");
        ulabel_id: i64 as ULABEL_ID = Field::new("ulabel_id", Int).fk("ULabel");
        /// The feature whose value the label is, or `None` for a plain label.
        feature_id: Option<i64> as FEATURE_ID = Field::new("feature_id", Int).null().fk("Feature");
        run_id: Option<i64> as RUN_ID = Field::new("run_id", BigInt).null().fk("Run");
        created_by_id: Option<i64> as CREATED_BY_ID = Field::new("created_by_id", Int).fk("User");
        created_at: Option<DateTime<Utc>> as CREATED_AT = Field::new("created_at", Dt);
    }
}

crate::registry! {
    /// The link between an artifact and a record (`lamindb_artifactrecord`), with the feature
    /// when the record is a feature value.
    pub struct ArtifactRecord {
        name: "ArtifactRecord", module: artifactrecord, table: tables::ARTIFACT_RECORD, uid_len: None, name_field: "id",
        soft_delete: false, versioned: false;
        id: Option<i64> as ID = Field::new("id", BigInt);
        artifact_id: i64 as ARTIFACT_ID = Field::new("artifact_id", Int).fk("Artifact");
        record_id: i64 as RECORD_ID = Field::new("record_id", Int).fk("Record");
        feature_id: Option<i64> as FEATURE_ID = Field::new("feature_id", Int).null().fk("Feature");
        run_id: Option<i64> as RUN_ID = Field::new("run_id", BigInt).null().fk("Run");
        created_by_id: Option<i64> as CREATED_BY_ID = Field::new("created_by_id", Int).fk("User");
        created_at: Option<DateTime<Utc>> as CREATED_AT = Field::new("created_at", Dt);
    }
}

crate::registry! {
    /// The link between an artifact and a project (`lamindb_artifactproject`), with the feature
    /// when the project is a feature value.
    pub struct ArtifactProject {
        name: "ArtifactProject", module: artifactproject, table: tables::ARTIFACT_PROJECT, uid_len: None, name_field: "id",
        soft_delete: false, versioned: false;
        id: Option<i64> as ID = Field::new("id", BigInt);
        artifact_id: i64 as ARTIFACT_ID = Field::new("artifact_id", Int).fk("Artifact");
        project_id: i64 as PROJECT_ID = Field::new("project_id", Int).fk("Project");
        feature_id: Option<i64> as FEATURE_ID = Field::new("feature_id", Int).null().fk("Feature");
        run_id: Option<i64> as RUN_ID = Field::new("run_id", BigInt).null().fk("Run");
        created_by_id: Option<i64> as CREATED_BY_ID = Field::new("created_by_id", Int).fk("User");
        created_at: Option<DateTime<Utc>> as CREATED_AT = Field::new("created_at", Dt);
    }
}

crate::registry! {
    /// A feature (`lamindb_feature`): a named, typed dimension of metadata.
    pub struct Feature {
        name: "Feature", module: feature, table: "lamindb_feature", uid_len: Some(12), name_field: "name",
        soft_delete: true, versioned: false,
        relations: relations::FEATURE, links: &[(tables::ARTIFACT_ULABEL, "feature_id")], natural_keys: &["uid", "name"];
        id: Option<i64> as ID = Field::new("id", Int);
        uid: String as UID = Field::new("uid", Varchar(12)).unique();
        name: String as NAME = Field::new("name", Varchar(150));
        /// `_dtype_str`: the value type (`int`, `float`, `str`, `bool`, `datetime`, `cat[ULabel]`, `list[…]`, …); LaminDB's `dtype`.
        dtype_str: Internal<Option<String>> as DTYPE_STR = Field::new("_dtype_str", Varchar(255)).null().shown();
        /// `_ounit_str`: the unit as an ontology term, if any.
        ounit_str: Internal<Option<String>> as OUNIT_STR = Field::new("_ounit_str", Varchar(255)).null();
        unit: Option<String> as UNIT = Field::new("unit", Varchar(30)).null();
        description: Option<String> as DESCRIPTION = Field::new("description", Text).null();
        /// 0 for a scalar value, 1 for a list, more for arrays.
        array_rank: i64 as ARRAY_RANK = Field::new("array_rank", SmallInt);
        array_size: i64 as ARRAY_SIZE = Field::new("array_size", Int);
        array_shape: Option<Json> as ARRAY_SHAPE = Field::new("array_shape", JsonT).null();
        synonyms: Option<String> as SYNONYMS = Field::new("synonyms", Text).null();
        default_value: Option<Json> as DEFAULT_VALUE = Field::new("default_value", JsonT).null();
        nullable: Option<bool> as NULLABLE = Field::new("nullable", Bool).null();
        coerce: Option<bool> as COERCE = Field::new("coerce", Bool).null();
        /// Whether this record is a type that groups others (their `type_id` points here), not a value.
        is_type: bool as IS_TYPE = Field::new("is_type", Bool);
        is_locked: bool as IS_LOCKED = Field::new("is_locked", Bool);
        /// LaminDB's auxiliary JSON (`_aux`) for internal state; `null` unless LaminDB needs it.
        aux: Internal<Option<Json>> as AUX = Field::new("_aux", JsonT).null();
        created_at: Option<DateTime<Utc>> as CREATED_AT = Field::new("created_at", Dt);
        branch_id: Option<i64> as BRANCH_ID = Field::new("branch_id", Int).fk("Branch");
        created_on_id: Option<i64> as CREATED_ON_ID = Field::new("created_on_id", Int).fk("Branch");
        space_id: Option<i64> as SPACE_ID = Field::new("space_id", SmallInt).fk("Space");
        created_by_id: Option<i64> as CREATED_BY_ID = Field::new("created_by_id", Int).fk("User");
        run_id: Option<i64> as RUN_ID = Field::new("run_id", BigInt).null().fk("Run");
        type_id: Option<i64> as TYPE_ID = Field::new("type_id", Int).null().fk("Feature");
        updated_at: Option<DateTime<Utc>> as UPDATED_AT = Field::new("updated_at", Dt);
    }
}

crate::registry! {
    /// A project (`lamindb_project`): work that artifacts, transforms, runs and records belong to; with parents and predecessors.
    pub struct Project {
        name: "Project", module: project, table: "lamindb_project", uid_len: Some(12), name_field: "name",
        soft_delete: true, versioned: false,
        relations: relations::PROJECT,
        links: &[(tables::ARTIFACT_PROJECT, "project_id"), (tables::PROJECT_PARENTS, "from_project_id"), (tables::PROJECT_PARENTS, "to_project_id")],
        natural_keys: &["uid", "name"];
        /// Whether this record is a type that groups others (their `type_id` points here), not a value.
        is_type: bool as IS_TYPE = Field::new("is_type", Bool);
        is_locked: bool as IS_LOCKED = Field::new("is_locked", Bool);
        /// LaminDB's auxiliary JSON (`_aux`) for internal state; `null` unless LaminDB needs it.
        aux: Internal<Option<Json>> as AUX = Field::new("_aux", JsonT).null();
        created_at: Option<DateTime<Utc>> as CREATED_AT = Field::new("created_at", Dt);
        updated_at: Option<DateTime<Utc>> as UPDATED_AT = Field::new("updated_at", Dt);
        id: Option<i64> as ID = Field::new("id", Int);
        uid: String as UID = Field::new("uid", Varchar(12)).unique();
        name: String as NAME = Field::new("name", Varchar(255));
        description: Option<String> as DESCRIPTION = Field::new("description", Text).null();
        abbr: Option<String> as ABBR = Field::new("abbr", Varchar(32)).null();
        url: Option<String> as URL = Field::new("url", Varchar(255)).null();
        start_date: Option<String> as START_DATE(Date) = Field::new("start_date", Date).null();
        end_date: Option<String> as END_DATE(Date) = Field::new("end_date", Date).null();
        /// `_status_code`: the project's status.
        status_code: Internal<Option<i64>> as STATUS_CODE = Field::new("_status_code", SmallInt);
        branch_id: Option<i64> as BRANCH_ID = Field::new("branch_id", Int).fk("Branch");
        created_on_id: Option<i64> as CREATED_ON_ID = Field::new("created_on_id", Int).fk("Branch");
        run_id: Option<i64> as RUN_ID = Field::new("run_id", BigInt).null().fk("Run");
        space_id: Option<i64> as SPACE_ID = Field::new("space_id", SmallInt).fk("Space");
        created_by_id: Option<i64> as CREATED_BY_ID = Field::new("created_by_id", Int).fk("User");
        type_id: Option<i64> as TYPE_ID = Field::new("type_id", Int).null().fk("Project");
    }
}

crate::registry! {
    /// A reference (`lamindb_reference`): a publication, a web page or another source.
    pub struct Reference {
        name: "Reference", module: reference, table: "lamindb_reference", uid_len: Some(12), name_field: "name",
        soft_delete: true, versioned: false,
        relations: relations::REFERENCE, links: &[(tables::ARTIFACT_REFERENCE, "reference_id")];
        /// Whether this record is a type that groups others (their `type_id` points here), not a value.
        is_type: bool as IS_TYPE = Field::new("is_type", Bool);
        is_locked: bool as IS_LOCKED = Field::new("is_locked", Bool);
        /// LaminDB's auxiliary JSON (`_aux`) for internal state; `null` unless LaminDB needs it.
        aux: Internal<Option<Json>> as AUX = Field::new("_aux", JsonT).null();
        created_at: Option<DateTime<Utc>> as CREATED_AT = Field::new("created_at", Dt);
        updated_at: Option<DateTime<Utc>> as UPDATED_AT = Field::new("updated_at", Dt);
        id: Option<i64> as ID = Field::new("id", Int);
        uid: String as UID = Field::new("uid", Varchar(12)).unique();
        name: String as NAME = Field::new("name", Varchar(255));
        description: Option<String> as DESCRIPTION = Field::new("description", Text).null();
        abbr: Option<String> as ABBR = Field::new("abbr", Varchar(32)).null();
        url: Option<String> as URL = Field::new("url", Varchar(200)).null();
        pubmed_id: Option<i64> as PUBMED_ID = Field::new("pubmed_id", BigInt).null();
        doi: Option<String> as DOI = Field::new("doi", Varchar(255)).null();
        text: Option<String> as TEXT = Field::new("text", Text).null();
        date: Option<String> as DATE(Date) = Field::new("date", Date).null();
        branch_id: Option<i64> as BRANCH_ID = Field::new("branch_id", Int).fk("Branch");
        created_on_id: Option<i64> as CREATED_ON_ID = Field::new("created_on_id", Int).fk("Branch");
        run_id: Option<i64> as RUN_ID = Field::new("run_id", BigInt).null().fk("Run");
        space_id: Option<i64> as SPACE_ID = Field::new("space_id", SmallInt).fk("Space");
        created_by_id: Option<i64> as CREATED_BY_ID = Field::new("created_by_id", Int).fk("User");
        type_id: Option<i64> as TYPE_ID = Field::new("type_id", Int).null().fk("Reference");
    }
}

crate::registry! {
    /// A collection (`lamindb_collection`): an ordered set of artifacts; versioned.
    pub struct Collection {
        name: "Collection", module: collection, table: "lamindb_collection", uid_len: Some(20), name_field: "key",
        soft_delete: true, versioned: true,
        relations: relations::COLLECTION, links: &[(tables::COLLECTION_ARTIFACT, "collection_id")];
        /// The user's version label (`"1.0"`); LaminDB's `version`.
        version_tag: Option<String> as VERSION_TAG = Field::new("version_tag", Varchar(30)).null();
        /// Whether this is the latest version of its family (same uid stem) on its branch.
        is_latest: bool as IS_LATEST = Field::new("is_latest", Bool);
        is_locked: bool as IS_LOCKED = Field::new("is_locked", Bool);
        /// LaminDB's auxiliary JSON (`_aux`) for internal state; `null` unless LaminDB needs it.
        aux: Internal<Option<Json>> as AUX = Field::new("_aux", JsonT).null();
        created_at: Option<DateTime<Utc>> as CREATED_AT = Field::new("created_at", Dt);
        updated_at: Option<DateTime<Utc>> as UPDATED_AT = Field::new("updated_at", Dt);
        id: Option<i64> as ID = Field::new("id", Int);
        uid: String as UID = Field::new("uid", Varchar(20)).unique();
        key: String as KEY = Field::new("key", Varchar(255));
        description: Option<String> as DESCRIPTION = Field::new("description", Text).null();
        /// LaminDB's hash of the members' hashes.
        hash: Option<String> as HASH = Field::new("hash", Varchar(22)).null();
        reference: Option<String> as REFERENCE = Field::new("reference", Varchar(255)).null();
        reference_type: Option<String> as REFERENCE_TYPE = Field::new("reference_type", Varchar(25)).null();
        branch_id: Option<i64> as BRANCH_ID = Field::new("branch_id", Int).fk("Branch");
        created_on_id: Option<i64> as CREATED_ON_ID = Field::new("created_on_id", Int).fk("Branch");
        /// An artifact with metadata of the whole collection, if any.
        meta_artifact_id: Option<i64> as META_ARTIFACT_ID = Field::new("meta_artifact_id", Int).null().fk("Artifact");
        run_id: Option<i64> as RUN_ID = Field::new("run_id", BigInt).null().fk("Run");
        space_id: Option<i64> as SPACE_ID = Field::new("space_id", SmallInt).fk("Space");
        created_by_id: Option<i64> as CREATED_BY_ID = Field::new("created_by_id", Int).fk("User");
        schema_id: Option<i64> as SCHEMA_ID = Field::new("schema_id", Int).null().fk("Schema");
    }
}

crate::registry! {
    /// A record (`lamindb_record`): a row of a sheet-like type (`type_id`), with feature values.
    pub struct Record {
        name: "Record", module: record, table: "lamindb_record", uid_len: Some(16), name_field: "name",
        soft_delete: true, versioned: false,
        relations: relations::RECORD,
        links: &[(tables::ARTIFACT_RECORD, "record_id"), (tables::RECORD_PARENTS, "from_record_id"), (tables::RECORD_PARENTS, "to_record_id")],
        natural_keys: &["uid", "name"];
        /// Whether this record is a type (a sheet) whose rows are the records with `type_id` pointing here.
        is_type: bool as IS_TYPE = Field::new("is_type", Bool);
        is_locked: bool as IS_LOCKED = Field::new("is_locked", Bool);
        /// LaminDB's auxiliary JSON (`_aux`) for internal state; `null` unless LaminDB needs it.
        aux: Internal<Option<Json>> as AUX = Field::new("_aux", JsonT).null();
        created_at: Option<DateTime<Utc>> as CREATED_AT = Field::new("created_at", Dt);
        updated_at: Option<DateTime<Utc>> as UPDATED_AT = Field::new("updated_at", Dt);
        id: Option<i64> as ID = Field::new("id", Int);
        uid: String as UID = Field::new("uid", Varchar(16)).unique();
        name: Option<String> as NAME = Field::new("name", Varchar(150)).null();
        description: Option<String> as DESCRIPTION = Field::new("description", Text).null();
        reference: Option<String> as REFERENCE = Field::new("reference", Varchar(255)).null();
        reference_type: Option<String> as REFERENCE_TYPE = Field::new("reference_type", Varchar(25)).null();
        extra_data: Option<Json> as EXTRA_DATA = Field::new("extra_data", JsonT).null();
        branch_id: Option<i64> as BRANCH_ID = Field::new("branch_id", Int).fk("Branch");
        created_on_id: Option<i64> as CREATED_ON_ID = Field::new("created_on_id", Int).fk("Branch");
        run_id: Option<i64> as RUN_ID = Field::new("run_id", BigInt).null().fk("Run");
        schema_id: Option<i64> as SCHEMA_ID = Field::new("schema_id", Int).null().fk("Schema");
        space_id: Option<i64> as SPACE_ID = Field::new("space_id", SmallInt).fk("Space");
        created_by_id: Option<i64> as CREATED_BY_ID = Field::new("created_by_id", Int).fk("User");
        type_id: Option<i64> as TYPE_ID = Field::new("type_id", Int).null().fk("Record");
    }
}

crate::registry! {
    /// A schema (`lamindb_schema`): a set of features that validates datasets.
    pub struct Schema {
        name: "Schema", module: schema, table: "lamindb_schema", uid_len: Some(16), name_field: "name",
        soft_delete: true, versioned: false,
        relations: relations::SCHEMA, transfer: TransferPolicy::NotAlong;
        /// Whether this record is a type that groups others (their `type_id` points here), not a value.
        is_type: bool as IS_TYPE = Field::new("is_type", Bool);
        is_locked: bool as IS_LOCKED = Field::new("is_locked", Bool);
        /// LaminDB's auxiliary JSON (`_aux`) for internal state; `null` unless LaminDB needs it.
        aux: Internal<Option<Json>> as AUX = Field::new("_aux", JsonT).null();
        created_at: Option<DateTime<Utc>> as CREATED_AT = Field::new("created_at", Dt);
        updated_at: Option<DateTime<Utc>> as UPDATED_AT = Field::new("updated_at", Dt);
        id: Option<i64> as ID = Field::new("id", Int);
        uid: String as UID = Field::new("uid", Varchar(16)).unique();
        name: Option<String> as NAME = Field::new("name", Varchar(150)).null();
        description: Option<String> as DESCRIPTION = Field::new("description", Text).null();
        /// The number of features in the schema.
        n_members: Option<i64> as N_MEMBERS = Field::new("n_members", Int).null();
        coerce: Option<bool> as COERCE = Field::new("coerce", Bool).null();
        flexible: Option<bool> as FLEXIBLE = Field::new("flexible", Bool).null();
        /// The registry (and field) of the schema's members, e.g. `Feature`.
        itype: Option<String> as ITYPE = Field::new("itype", Varchar(120)).null();
        /// The object type it validates, e.g. `DataFrame`.
        otype: Option<String> as OTYPE = Field::new("otype", Varchar(64)).null();
        /// `_dtype_str`: the value type of all members, when they share one.
        dtype_str: Internal<Option<String>> as DTYPE_STR = Field::new("_dtype_str", Varchar(64)).null();
        /// LaminDB's hash of the member uids, to find an existing identical schema.
        hash: Option<String> as HASH = Field::new("hash", Varchar(22)).null();
        /// Whether every member must be present in a validated dataset.
        minimal_set: bool as MINIMAL_SET = Field::new("minimal_set", Bool);
        /// Whether the members must come in order.
        ordered_set: bool as ORDERED_SET = Field::new("ordered_set", Bool);
        /// Whether a validated dataset may hold no features other than the members.
        maximal_set: bool as MAXIMAL_SET = Field::new("maximal_set", Bool);
        branch_id: Option<i64> as BRANCH_ID = Field::new("branch_id", Int).fk("Branch");
        created_on_id: Option<i64> as CREATED_ON_ID = Field::new("created_on_id", Int).fk("Branch");
        run_id: Option<i64> as RUN_ID = Field::new("run_id", BigInt).null().fk("Run");
        space_id: Option<i64> as SPACE_ID = Field::new("space_id", SmallInt).fk("Space");
        created_by_id: Option<i64> as CREATED_BY_ID = Field::new("created_by_id", Int).fk("User");
        type_id: Option<i64> as TYPE_ID = Field::new("type_id", Int).null().fk("Schema");
        suffix: Option<String> as SUFFIX = Field::new("suffix", Varchar(30)).null();
    }
}

/// Implements [`TracksRun`] (and [`TracksUpdates`]) for registries with those columns.
macro_rules! tracks {
    (run: $($t:ty),*) => {$(
        impl TracksRun for $t {
            fn created_at(&self) -> Option<DateTime<Utc>> { self.created_at }
            fn created_by_id(&self) -> Option<i64> { self.created_by_id }
            fn run_id(&self) -> Option<i64> { self.run_id }
        }
    )*};
    (updates: $($t:ty),*) => {$(
        impl TracksUpdates for $t {
            fn updated_at(&self) -> Option<DateTime<Utc>> { self.updated_at }
        }
    )*};
}

tracks!(run: Storage, Transform, ULabel, Artifact, Feature, Project, Reference, Collection, Record, Schema);
tracks!(updates: User, Storage, Transform, Run, ULabel, Artifact, Feature, Project, Reference, Collection, Record, Schema);

pub use relations::Relation;

/// Every core registry, for lookups by name (case-insensitive, as the CLI accepts them).
pub fn registry_by_name(name: &str) -> Option<&'static crate::registry::Registry> {
    all_registries().into_iter().find(|r| r.name.eq_ignore_ascii_case(name))
}

/// Every core registry.
pub fn all_registries() -> [&'static crate::registry::Registry; 15] {
    use crate::registry::SQLRecord as _;
    [
        User::REGISTRY,
        Space::REGISTRY,
        Branch::REGISTRY,
        Storage::REGISTRY,
        Transform::REGISTRY,
        Run::REGISTRY,
        ULabel::REGISTRY,
        Artifact::REGISTRY,
        ArtifactULabel::REGISTRY,
        Feature::REGISTRY,
        Project::REGISTRY,
        Reference::REGISTRY,
        Collection::REGISTRY,
        <Record as crate::registry::SQLRecord>::REGISTRY,
        Schema::REGISTRY,
    ]
}

/// The reverse and many-to-many relations of the registry named `registry` (none for a name
/// that is not a registry).
///
/// ```
/// let names: Vec<_> = lamindb_core::models::relations("Transform").iter().map(|r| r.name()).collect();
/// assert_eq!(names, ["runs"]);
/// ```
pub fn relations(registry: &str) -> &'static [Relation] {
    registry_by_name(registry).map_or(&[], |r: &'static crate::registry::Registry| r.relations)
}
