//! LaminDB's table names that are not the table of a registry declared here: the link tables
//! between registries and the JSON feature values. Each name is written once, here (or, for a
//! link table declared as a registry, in its declaration); the relations (`relations.rs`), the
//! registries' `links` and every statement take them from here.
//!
//! ```
//! assert_eq!(lamindb_core::models::tables::JSONVALUE, "lamindb_jsonvalue");
//! ```

/// Artifacts and ULabels, with the feature when the label is a feature value (the table of
/// [`ArtifactULabel`](super::ArtifactULabel)).
pub const ARTIFACT_ULABEL: &str = "lamindb_artifactulabel";
/// Artifacts and Projects, with the feature (the table of [`ArtifactProject`](super::ArtifactProject)).
pub const ARTIFACT_PROJECT: &str = "lamindb_artifactproject";
/// Artifacts and Records, with the feature (the table of [`ArtifactRecord`](super::ArtifactRecord)).
pub const ARTIFACT_RECORD: &str = "lamindb_artifactrecord";
/// Artifacts and References (`artifact_id`, `reference_id`).
pub const ARTIFACT_REFERENCE: &str = "lamindb_artifactreference";
/// Artifacts and the JSON feature values annotating them (`artifact_id`, `jsonvalue_id`).
pub const ARTIFACT_JSONVALUE: &str = "lamindb_artifactjsonvalue";
/// LaminDB's feature values of non-categorical dtypes: one row per feature and value hash
/// (`feature_id`, `value`, `hash`), shared by the artifacts linked to it.
pub const JSONVALUE: &str = "lamindb_jsonvalue";
/// The members of collections, in order (`collection_id`, `artifact_id`).
pub const COLLECTION_ARTIFACT: &str = "lamindb_collectionartifact";
/// The artifacts a run read (`Run.input_artifacts`, `Artifact.input_of_runs`).
pub const ARTIFACT_INPUT_OF_RUNS: &str = "lamindb_artifact_input_of_runs";
/// The runs that saved an artifact that existed already (`Artifact.recreating_runs`).
pub const ARTIFACT_RECREATING_RUNS: &str = "lamindb_artifact_recreating_runs";
/// Project parents (`from_project_id` the child, `to_project_id` the parent).
pub const PROJECT_PARENTS: &str = "lamindb_project_parents";
/// Record parents (`from_record_id`, `to_record_id`).
pub const RECORD_PARENTS: &str = "lamindb_record_parents";
/// ULabel parents (`from_ulabel_id`, `to_ulabel_id`).
pub const ULABEL_PARENTS: &str = "lamindb_ulabel_parents";
/// The prefix of every table of LaminDB's core app (`lamindb_artifact`, …); other modules' tables
/// have their own (`bionty_`, `pertdb_`).
pub const TABLE_PREFIX: &str = "lamindb_";
