//! Typed fields and relations of every registry, for queries (see [`Col`] and [`Rel`]).
//!
//! `fields::<registry>::<FIELD>` is a column (`ulabel::NAME`, `artifact::SIZE`), typed by its
//! registry and its column's kind; `fields::<registry>::<RELATION>` is a relation by LaminDB's
//! name (`artifact::ULABELS`, `artifact::CREATED_BY`, `storage::ARTIFACTS`), chained with
//! [`Rel::then`] and [`Rel::then_rel`] into fields of the registry the path starts from.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let tmp = tempfile::tempdir()?;
//! # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
//! # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
//! # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
//! use lamindb_core::{Artifact, SQLRecord, fields::{artifact, user}};
//!
//! let mine = Artifact::filter(artifact::CREATED_BY.then(user::HANDLE).eq("anonymous"))
//!     .order_by(artifact::CREATED_AT.desc())
//!     .all(&inst)?;
//! assert!(mine.is_empty());
//! # Ok(()) }
//! ```

pub use crate::query::{Col, Order, Rel, Where};

macro_rules! relations {
    ($( $module:ident ($from:ident) { $( $konst:ident: $to:ident = $name:literal; )* } )*) => {$(
        #[doc = concat!("Fields and relations of [`", stringify!($from), "`](crate::", stringify!($from), ").")]
        pub mod $module {
            pub use crate::models::$module::*;
            use crate::models::*;
            $(
                #[doc = concat!("The `", $name, "` relation.")]
                pub const $konst: super::Rel<$from, $to> = super::Rel::new($name);
            )*
        }
    )*};
}

relations! {
    user (User) {
        CREATED_ARTIFACTS: Artifact = "created_artifacts";
        CREATED_RUNS: Run = "created_runs";
        CREATED_TRANSFORMS: Transform = "created_transforms";
    }
    space (Space) {
        CREATED_BY: User = "created_by";
    }
    branch (Branch) {
        SPACE: Space = "space";
        CREATED_BY: User = "created_by";
    }
    storage (Storage) {
        ARTIFACTS: Artifact = "artifacts";
        BRANCH: Branch = "branch";
        SPACE: Space = "space";
        CREATED_BY: User = "created_by";
        RUN: Run = "run";
    }
    transform (Transform) {
        RUNS: Run = "runs";
        BRANCH: Branch = "branch";
        SPACE: Space = "space";
        CREATED_BY: User = "created_by";
        RUN: Run = "run";
    }
    run (Run) {
        TRANSFORM: Transform = "transform";
        OUTPUT_ARTIFACTS: Artifact = "output_artifacts";
        INPUT_ARTIFACTS: Artifact = "input_artifacts";
        RECREATED_ARTIFACTS: Artifact = "recreated_artifacts";
        INITIATED_BY_RUN: Run = "initiated_by_run";
        INITIATED_RUNS: Run = "initiated_runs";
        REPORT: Artifact = "report";
        BRANCH: Branch = "branch";
        SPACE: Space = "space";
        CREATED_BY: User = "created_by";
    }
    ulabel (ULabel) {
        ARTIFACTS: Artifact = "artifacts";
        TYPE: ULabel = "type";
        ULABELS: ULabel = "ulabels";
        BRANCH: Branch = "branch";
        SPACE: Space = "space";
        CREATED_BY: User = "created_by";
        RUN: Run = "run";
    }
    artifact (Artifact) {
        ULABELS: ULabel = "ulabels";
        PROJECTS: Project = "projects";
        RECORDS: Record = "records";
        REFERENCES: Reference = "references";
        COLLECTIONS: Collection = "collections";
        INPUT_OF_RUNS: Run = "input_of_runs";
        RECREATING_RUNS: Run = "recreating_runs";
        SCHEMA: Schema = "schema";
        STORAGE: Storage = "storage";
        BRANCH: Branch = "branch";
        SPACE: Space = "space";
        CREATED_BY: User = "created_by";
        RUN: Run = "run";
    }
    artifactulabel (ArtifactULabel) {
        ARTIFACT: Artifact = "artifact";
        ULABEL: ULabel = "ulabel";
        FEATURE: Feature = "feature";
    }
    feature (Feature) {
        TYPE: Feature = "type";
        FEATURES: Feature = "features";
        BRANCH: Branch = "branch";
        SPACE: Space = "space";
        CREATED_BY: User = "created_by";
        RUN: Run = "run";
    }
    project (Project) {
        ARTIFACTS: Artifact = "artifacts";
        PARENTS: Project = "parents";
        CHILDREN: Project = "children";
        TYPE: Project = "type";
        PROJECTS: Project = "projects";
        CREATED_BY: User = "created_by";
        RUN: Run = "run";
    }
    reference (Reference) {
        ARTIFACTS: Artifact = "artifacts";
        TYPE: Reference = "type";
        CREATED_BY: User = "created_by";
        RUN: Run = "run";
    }
    collection (Collection) {
        ARTIFACTS: Artifact = "artifacts";
        META_ARTIFACT: Artifact = "meta_artifact";
        CREATED_BY: User = "created_by";
        RUN: Run = "run";
    }
    record (Record) {
        ARTIFACTS: Artifact = "artifacts";
        PARENTS: Record = "parents";
        TYPE: Record = "type";
        RECORDS: Record = "records";
        CREATED_BY: User = "created_by";
        RUN: Run = "run";
    }
    schema (Schema) {
        ARTIFACTS: Artifact = "artifacts";
        TYPE: Schema = "type";
        CREATED_BY: User = "created_by";
        RUN: Run = "run";
    }
}
