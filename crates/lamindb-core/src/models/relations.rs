//! The relations of each registry that are not foreign-key columns of its own: the reverse
//! side of a foreign key and many-to-many links, by LaminDB's related names (`Storage.artifacts`,
//! `Artifact.ulabels`, `Transform.runs`). Each registry's declaration names its list here
//! (`relations: relations::ARTIFACT`); forward relations are its `fk` fields.

use super::tables::*;
pub use crate::registry::decl::Relation;

/// A many-to-many relation through a link table (`link`, its two foreign-key columns).
const fn m2m(
    name: &'static str,
    registry: &'static str,
    link_table: &'static str,
    self_fk: &'static str,
    other_fk: &'static str,
) -> Relation {
    Relation::ManyToMany { name, registry, link_table, self_fk, other_fk }
}

const fn rev(name: &'static str, registry: &'static str, fk: &'static str) -> Relation {
    Relation::Reverse { name, registry, fk }
}

pub(crate) const STORAGE: &[Relation] = &[rev("artifacts", "Artifact", "storage_id")];
pub(crate) const TRANSFORM: &[Relation] = &[rev("runs", "Run", "transform_id")];
pub(crate) const RUN: &[Relation] = &[
    rev("output_artifacts", "Artifact", "run_id"),
    m2m("input_artifacts", "Artifact", ARTIFACT_INPUT_OF_RUNS, "run_id", "artifact_id"),
    m2m("recreated_artifacts", "Artifact", ARTIFACT_RECREATING_RUNS, "run_id", "artifact_id"),
    rev("initiated_runs", "Run", "initiated_by_run_id"),
];
pub(crate) const ARTIFACT: &[Relation] = &[
    m2m("ulabels", "ULabel", ARTIFACT_ULABEL, "artifact_id", "ulabel_id"),
    m2m("projects", "Project", ARTIFACT_PROJECT, "artifact_id", "project_id"),
    m2m("records", "Record", ARTIFACT_RECORD, "artifact_id", "record_id"),
    m2m("references", "Reference", ARTIFACT_REFERENCE, "artifact_id", "reference_id"),
    m2m("collections", "Collection", COLLECTION_ARTIFACT, "artifact_id", "collection_id"),
    m2m("input_of_runs", "Run", ARTIFACT_INPUT_OF_RUNS, "artifact_id", "run_id"),
    m2m("recreating_runs", "Run", ARTIFACT_RECREATING_RUNS, "artifact_id", "run_id"),
];
pub(crate) const PROJECT: &[Relation] = &[
    m2m("artifacts", "Artifact", ARTIFACT_PROJECT, "project_id", "artifact_id"),
    m2m("parents", "Project", PROJECT_PARENTS, "from_project_id", "to_project_id"),
    m2m("children", "Project", PROJECT_PARENTS, "to_project_id", "from_project_id"),
    rev("projects", "Project", "type_id"),
];
pub(crate) const REFERENCE: &[Relation] = &[
    m2m("artifacts", "Artifact", ARTIFACT_REFERENCE, "reference_id", "artifact_id"),
    rev("references", "Reference", "type_id"),
];
pub(crate) const COLLECTION: &[Relation] =
    &[m2m("artifacts", "Artifact", COLLECTION_ARTIFACT, "collection_id", "artifact_id")];
pub(crate) const RECORD: &[Relation] = &[
    m2m("artifacts", "Artifact", ARTIFACT_RECORD, "record_id", "artifact_id"),
    m2m("parents", "Record", RECORD_PARENTS, "from_record_id", "to_record_id"),
    rev("records", "Record", "type_id"),
];
pub(crate) const SCHEMA: &[Relation] = &[rev("artifacts", "Artifact", "schema_id")];
pub(crate) const ULABEL: &[Relation] = &[
    m2m("artifacts", "Artifact", ARTIFACT_ULABEL, "ulabel_id", "artifact_id"),
    rev("ulabels", "ULabel", "type_id"),
];
pub(crate) const FEATURE: &[Relation] = &[rev("features", "Feature", "type_id")];
pub(crate) const USER: &[Relation] = &[
    rev("created_artifacts", "Artifact", "created_by_id"),
    rev("created_runs", "Run", "created_by_id"),
    rev("created_transforms", "Transform", "created_by_id"),
];
