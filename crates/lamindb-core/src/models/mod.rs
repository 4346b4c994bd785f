//! The core registries, each declared once with [`registry!`](crate::registry!).
//!
//! Field order is LaminDB's model order (own fields, then the common SQLRecord, TracksRun and
//! TracksUpdates fields); table and column names are LaminDB's.

use chrono::{DateTime, Utc};

use crate::registry::{Field, TracksRun, TracksUpdates};
use crate::value::Json;
use crate::value::SqlType::{BigInt, Bool, DateTime as Dt, Int, Json as JsonT, SmallInt, Text, Varchar};

crate::registry! {
    /// A user of the instance (`lamindb_user`). The anonymous user has uid `00000000`.
    pub struct User {
        name: "User", table: "lamindb_user", uid_len: Some(8), name_field: "handle",
        soft_delete: false, versioned: false;
        id: Option<i64> = Field::new("id", Int);
        uid: String = Field::new("uid", Varchar(8));
        handle: String = Field::new("handle", Varchar(30));
        name: Option<String> = Field::new("name", Varchar(150)).null();
        created_at: Option<DateTime<Utc>> = Field::new("created_at", Dt);
        updated_at: Option<DateTime<Utc>> = Field::new("updated_at", Dt);
    }
}

crate::registry! {
    /// A space (`lamindb_space`); space 1 `all` is seeded at init.
    pub struct Space {
        name: "Space", table: "lamindb_space", uid_len: Some(12), name_field: "name",
        soft_delete: false, versioned: false;
        id: Option<i64> = Field::new("id", SmallInt);
        name: String = Field::new("name", Varchar(100));
        uid: String = Field::new("uid", Varchar(12));
        description: Option<String> = Field::new("description", Text).null();
        created_at: Option<DateTime<Utc>> = Field::new("created_at", Dt);
        created_by_id: Option<i64> = Field::new("created_by_id", Int).null().fk("User");
    }
}

crate::registry! {
    /// A branch (`lamindb_branch`): −1 trash, 0 archive, 1 main are seeded at init.
    pub struct Branch {
        name: "Branch", table: "lamindb_branch", uid_len: Some(12), name_field: "name",
        soft_delete: false, versioned: false;
        id: Option<i64> = Field::new("id", Int);
        name: String = Field::new("name", Varchar(100));
        uid: String = Field::new("uid", Varchar(12));
        description: Option<String> = Field::new("description", Text).null();
        created_at: Option<DateTime<Utc>> = Field::new("created_at", Dt);
        status_code: Option<i64> = Field::new("_status_code", SmallInt);
        aux: Option<Json> = Field::new("_aux", JsonT).null();
        space_id: Option<i64> = Field::new("space_id", SmallInt).fk("Space");
        created_by_id: Option<i64> = Field::new("created_by_id", Int).fk("User");
    }
}

crate::registry! {
    /// A storage location (`lamindb_storage`): a local directory, an S3 or GCS bucket or prefix.
    pub struct Storage {
        name: "Storage", table: "lamindb_storage", uid_len: Some(12), name_field: "root",
        soft_delete: false, versioned: false;
        id: Option<i64> = Field::new("id", Int);
        uid: String = Field::new("uid", Varchar(12));
        root: String = Field::new("root", Varchar(255));
        description: Option<String> = Field::new("description", Text).null();
        type_: String = Field::new("type", Varchar(30));
        region: Option<String> = Field::new("region", Varchar(64)).null();
        instance_uid: Option<String> = Field::new("instance_uid", Varchar(12)).null();
        is_locked: bool = Field::new("is_locked", Bool);
        aux: Option<Json> = Field::new("_aux", JsonT).null();
        created_at: Option<DateTime<Utc>> = Field::new("created_at", Dt);
        branch_id: Option<i64> = Field::new("branch_id", Int).fk("Branch");
        created_on_id: Option<i64> = Field::new("created_on_id", Int).fk("Branch");
        space_id: Option<i64> = Field::new("space_id", SmallInt).fk("Space");
        created_by_id: Option<i64> = Field::new("created_by_id", Int).fk("User");
        run_id: Option<i64> = Field::new("run_id", BigInt).null().fk("Run");
        updated_at: Option<DateTime<Utc>> = Field::new("updated_at", Dt);
    }
}

crate::registry! {
    /// A transform (`lamindb_transform`): a script, notebook, pipeline or function; versioned.
    pub struct Transform {
        name: "Transform", table: "lamindb_transform", uid_len: Some(16), name_field: "key",
        soft_delete: true, versioned: true;
        id: Option<i64> = Field::new("id", Int);
        uid: String = Field::new("uid", Varchar(16));
        key: String = Field::new("key", Varchar(1024));
        description: Option<String> = Field::new("description", Text).null();
        kind: String = Field::new("kind", Varchar(20));
        source_code: Option<String> = Field::new("source_code", Text).null();
        hash: Option<String> = Field::new("hash", Varchar(22)).null();
        reference: Option<String> = Field::new("reference", Varchar(255)).null();
        reference_type: Option<String> = Field::new("reference_type", Varchar(25)).null();
        version_tag: Option<String> = Field::new("version_tag", Varchar(30)).null();
        is_latest: bool = Field::new("is_latest", Bool);
        is_locked: bool = Field::new("is_locked", Bool);
        aux: Option<Json> = Field::new("_aux", JsonT).null();
        created_at: Option<DateTime<Utc>> = Field::new("created_at", Dt);
        branch_id: Option<i64> = Field::new("branch_id", Int).fk("Branch");
        created_on_id: Option<i64> = Field::new("created_on_id", Int).fk("Branch");
        space_id: Option<i64> = Field::new("space_id", SmallInt).fk("Space");
        environment_id: Option<i64> = Field::new("environment_id", Int).null().fk("Artifact");
        plan_id: Option<i64> = Field::new("plan_id", Int).null().fk("Artifact");
        created_by_id: Option<i64> = Field::new("created_by_id", Int).fk("User");
        run_id: Option<i64> = Field::new("run_id", BigInt).null().fk("Run");
        updated_at: Option<DateTime<Utc>> = Field::new("updated_at", Dt);
    }
}

crate::registry! {
    /// A run of a transform (`lamindb_run`).
    pub struct Run {
        name: "Run", table: "lamindb_run", uid_len: Some(16), name_field: "name",
        soft_delete: true, versioned: false;
        id: Option<i64> = Field::new("id", BigInt);
        uid: String = Field::new("uid", Varchar(20));
        name: Option<String> = Field::new("name", Varchar(150)).null();
        description: Option<String> = Field::new("description", Text).null();
        entrypoint: Option<String> = Field::new("entrypoint", Varchar(255)).null();
        started_at: Option<DateTime<Utc>> = Field::new("started_at", Dt);
        finished_at: Option<DateTime<Utc>> = Field::new("finished_at", Dt).null();
        params: Option<Json> = Field::new("params", JsonT).null();
        extra_data: Option<Json> = Field::new("extra_data", JsonT).null();
        reference: Option<String> = Field::new("reference", Varchar(255)).null();
        reference_type: Option<String> = Field::new("reference_type", Varchar(25)).null();
        cli_args: Option<String> = Field::new("cli_args", Varchar(1024)).null();
        is_consecutive: Option<bool> = Field::new("_is_consecutive", Bool).null();
        status_code: Option<i64> = Field::new("_status_code", SmallInt);
        is_locked: bool = Field::new("is_locked", Bool);
        aux: Option<Json> = Field::new("_aux", JsonT).null();
        created_at: Option<DateTime<Utc>> = Field::new("created_at", Dt);
        branch_id: Option<i64> = Field::new("branch_id", Int).fk("Branch");
        created_on_id: Option<i64> = Field::new("created_on_id", Int).fk("Branch");
        space_id: Option<i64> = Field::new("space_id", SmallInt).fk("Space");
        transform_id: i64 = Field::new("transform_id", Int).fk("Transform");
        report_id: Option<i64> = Field::new("report_id", Int).null().fk("Artifact");
        environment_id: Option<i64> = Field::new("environment_id", Int).null().fk("Artifact");
        plan_id: Option<i64> = Field::new("plan_id", Int).null().fk("Artifact");
        initiated_by_run_id: Option<i64> = Field::new("initiated_by_run_id", BigInt).null().fk("Run");
        created_by_id: Option<i64> = Field::new("created_by_id", Int).fk("User");
        updated_at: Option<DateTime<Utc>> = Field::new("updated_at", Dt);
    }
}

crate::registry! {
    /// A universal label (`lamindb_ulabel`).
    pub struct ULabel {
        name: "ULabel", table: "lamindb_ulabel", uid_len: Some(8), name_field: "name",
        soft_delete: true, versioned: false;
        id: Option<i64> = Field::new("id", Int);
        uid: String = Field::new("uid", Varchar(8));
        name: String = Field::new("name", Varchar(150));
        description: Option<String> = Field::new("description", Text).null();
        reference: Option<String> = Field::new("reference", Varchar(255)).null();
        reference_type: Option<String> = Field::new("reference_type", Varchar(25)).null();
        is_type: bool = Field::new("is_type", Bool);
        is_locked: bool = Field::new("is_locked", Bool);
        aux: Option<Json> = Field::new("_aux", JsonT).null();
        created_at: Option<DateTime<Utc>> = Field::new("created_at", Dt);
        branch_id: Option<i64> = Field::new("branch_id", Int).fk("Branch");
        created_on_id: Option<i64> = Field::new("created_on_id", Int).fk("Branch");
        space_id: Option<i64> = Field::new("space_id", SmallInt).fk("Space");
        created_by_id: Option<i64> = Field::new("created_by_id", Int).fk("User");
        run_id: Option<i64> = Field::new("run_id", BigInt).null().fk("Run");
        type_id: Option<i64> = Field::new("type_id", Int).null().fk("ULabel");
        updated_at: Option<DateTime<Utc>> = Field::new("updated_at", Dt);
    }
}

crate::registry! {
    /// A dataset or model file or folder (`lamindb_artifact`); versioned.
    pub struct Artifact {
        name: "Artifact", table: "lamindb_artifact", uid_len: Some(20), name_field: "key",
        soft_delete: true, versioned: true;
        id: Option<i64> = Field::new("id", Int);
        uid: String = Field::new("uid", Varchar(20));
        key: Option<String> = Field::new("key", Varchar(1024)).null();
        description: Option<String> = Field::new("description", Text).null();
        suffix: String = Field::new("suffix", Varchar(30));
        kind: Option<String> = Field::new("kind", Varchar(20)).null();
        otype: Option<String> = Field::new("otype", Varchar(64)).null();
        size: Option<i64> = Field::new("size", BigInt).null();
        hash: Option<String> = Field::new("hash", Varchar(22)).null();
        n_files: Option<i64> = Field::new("n_files", BigInt).null();
        n_observations: Option<i64> = Field::new("n_observations", BigInt).null();
        extra_data: Option<Json> = Field::new("extra_data", JsonT).null();
        version_tag: Option<String> = Field::new("version_tag", Varchar(30)).null();
        is_latest: bool = Field::new("is_latest", Bool);
        is_locked: bool = Field::new("is_locked", Bool);
        created_at: Option<DateTime<Utc>> = Field::new("created_at", Dt);
        branch_id: Option<i64> = Field::new("branch_id", Int).fk("Branch");
        created_on_id: Option<i64> = Field::new("created_on_id", Int).fk("Branch");
        space_id: Option<i64> = Field::new("space_id", SmallInt).fk("Space");
        storage_id: i64 = Field::new("storage_id", Int).fk("Storage");
        run_id: Option<i64> = Field::new("run_id", BigInt).null().fk("Run");
        schema_id: Option<i64> = Field::new("schema_id", Int).null();
        created_by_id: Option<i64> = Field::new("created_by_id", Int).fk("User");
        real_key: Option<String> = Field::new("_real_key", Varchar(1024)).null();
        hash_type: Option<String> = Field::new("_hash_type", Varchar(30)).null();
        key_is_virtual: bool = Field::new("_key_is_virtual", Bool);
        overwrite_versions: bool = Field::new("_overwrite_versions", Bool);
        aux: Option<Json> = Field::new("_aux", JsonT).null();
        updated_at: Option<DateTime<Utc>> = Field::new("updated_at", Dt);
    }
}

crate::registry! {
    /// The link between an artifact and a label (`lamindb_artifactulabel`).
    pub struct ArtifactULabel {
        name: "ArtifactULabel", table: "lamindb_artifactulabel", uid_len: None, name_field: "id",
        soft_delete: false, versioned: false;
        id: Option<i64> = Field::new("id", Int);
        artifact_id: i64 = Field::new("artifact_id", Int).fk("Artifact");
        ulabel_id: i64 = Field::new("ulabel_id", Int).fk("ULabel");
        feature_id: Option<i64> = Field::new("feature_id", Int).null().fk("Feature");
        run_id: Option<i64> = Field::new("run_id", BigInt).null().fk("Run");
        created_by_id: Option<i64> = Field::new("created_by_id", Int).fk("User");
        created_at: Option<DateTime<Utc>> = Field::new("created_at", Dt);
    }
}

crate::registry! {
    /// A feature (`lamindb_feature`): a named, typed dimension of metadata.
    pub struct Feature {
        name: "Feature", table: "lamindb_feature", uid_len: Some(12), name_field: "name",
        soft_delete: true, versioned: false;
        id: Option<i64> = Field::new("id", Int);
        uid: String = Field::new("uid", Varchar(12));
        name: String = Field::new("name", Varchar(150));
        dtype_str: Option<String> = Field::new("_dtype_str", Varchar(255)).null();
        ounit_str: Option<String> = Field::new("_ounit_str", Varchar(255)).null();
        unit: Option<String> = Field::new("unit", Varchar(30)).null();
        description: Option<String> = Field::new("description", Text).null();
        array_rank: i64 = Field::new("array_rank", SmallInt);
        array_size: i64 = Field::new("array_size", Int);
        array_shape: Option<Json> = Field::new("array_shape", JsonT).null();
        synonyms: Option<String> = Field::new("synonyms", Text).null();
        default_value: Option<Json> = Field::new("default_value", JsonT).null();
        nullable: Option<bool> = Field::new("nullable", Bool).null();
        coerce: Option<bool> = Field::new("coerce", Bool).null();
        is_type: bool = Field::new("is_type", Bool);
        is_locked: bool = Field::new("is_locked", Bool);
        aux: Option<Json> = Field::new("_aux", JsonT).null();
        created_at: Option<DateTime<Utc>> = Field::new("created_at", Dt);
        branch_id: Option<i64> = Field::new("branch_id", Int).fk("Branch");
        created_on_id: Option<i64> = Field::new("created_on_id", Int).fk("Branch");
        space_id: Option<i64> = Field::new("space_id", SmallInt).fk("Space");
        created_by_id: Option<i64> = Field::new("created_by_id", Int).fk("User");
        run_id: Option<i64> = Field::new("run_id", BigInt).null().fk("Run");
        type_id: Option<i64> = Field::new("type_id", Int).null().fk("Feature");
        updated_at: Option<DateTime<Utc>> = Field::new("updated_at", Dt);
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

tracks!(run: Storage, Transform, ULabel, Artifact, Feature);
tracks!(updates: User, Storage, Transform, Run, ULabel, Artifact, Feature);

/// Every core registry, for lookups by name (case-insensitive, as the CLI accepts them).
pub fn registry_by_name(name: &str) -> Option<&'static crate::registry::Registry> {
    use crate::registry::Record;
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
    ]
    .into_iter()
    .find(|r| r.name.eq_ignore_ascii_case(name))
}

/// A relation that is not a foreign-key column of the registry itself: the reverse side of a
/// foreign key, or a many-to-many link. (Forward relations are the `fk` fields.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// Records of `registry` whose column `fk` points to this record (`Storage.artifacts`).
    Reverse {
        /// LaminDB's related name.
        name: &'static str,
        /// The registry on the other side.
        registry: &'static str,
        /// The foreign-key column in that registry's table.
        fk: &'static str,
    },
    /// Records of `registry` linked through `link_table` (`Artifact.ulabels`).
    ManyToMany {
        /// LaminDB's related name.
        name: &'static str,
        /// The registry on the other side.
        registry: &'static str,
        /// The link table.
        link_table: &'static str,
        /// The link table's column pointing to this registry.
        self_fk: &'static str,
        /// The link table's column pointing to the other registry.
        other_fk: &'static str,
    },
}

impl Relation {
    /// LaminDB's name of the relation.
    pub fn name(&self) -> &'static str {
        match self {
            Relation::Reverse { name, .. } | Relation::ManyToMany { name, .. } => name,
        }
    }
}

/// The reverse and many-to-many relations of a registry, by LaminDB's related names.
pub fn relations(registry: &str) -> &'static [Relation] {
    const ARTIFACT_ULABELS: Relation = Relation::ManyToMany {
        name: "ulabels",
        registry: "ULabel",
        link_table: "lamindb_artifactulabel",
        self_fk: "artifact_id",
        other_fk: "ulabel_id",
    };
    const ULABEL_ARTIFACTS: Relation = Relation::ManyToMany {
        name: "artifacts",
        registry: "Artifact",
        link_table: "lamindb_artifactulabel",
        self_fk: "ulabel_id",
        other_fk: "artifact_id",
    };
    match registry {
        "Storage" => &[Relation::Reverse { name: "artifacts", registry: "Artifact", fk: "storage_id" }],
        "Transform" => &[Relation::Reverse { name: "runs", registry: "Run", fk: "transform_id" }],
        "Run" => &[Relation::Reverse { name: "output_artifacts", registry: "Artifact", fk: "run_id" }],
        "Artifact" => &[ARTIFACT_ULABELS],
        "ULabel" => {
            &[ULABEL_ARTIFACTS, Relation::Reverse { name: "ulabels", registry: "ULabel", fk: "type_id" }]
        }
        "Feature" => &[Relation::Reverse { name: "features", registry: "Feature", fk: "type_id" }],
        "User" => &[
            Relation::Reverse { name: "created_artifacts", registry: "Artifact", fk: "created_by_id" },
            Relation::Reverse { name: "created_runs", registry: "Run", fk: "created_by_id" },
            Relation::Reverse { name: "created_transforms", registry: "Transform", fk: "created_by_id" },
        ],
        _ => &[],
    }
}
