//! The record layer of lamindb-rs: registries, records, queries, SQL on SQLite and PostgreSQL,
//! instances and their settings.
//!
//! Start with [`Instance`]: [`Instance::init`] creates an instance in LaminDB's format,
//! [`Instance::current`] opens the current one. Records of every registry ([`models`]) are read and
//! written through the [`SQLRecord`] trait.
//!
//! Cargo features (none by default): `postgres` (PostgreSQL databases; without it a
//! `postgresql://` URL gives [`Error::NotBuiltIn`]), `s3` and `gcs` (cloud storage locations,
//! forwarded to lamindb-storage), `tokio` (the `*_async` variants).

#![warn(missing_docs)]

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
pub mod annotate;
mod artifact;
#[cfg(feature = "tokio")]
mod asyncio;
mod collection;
mod db;
pub mod doctor;
pub mod error;
pub mod fields;
pub mod instance;
pub mod io;
mod lease;
pub mod lineage;
mod migrations;
pub mod models;
mod pool;
pub mod query;
mod records;
pub mod registry;
pub mod run_owner;
pub mod settings;
mod statcache;
mod storage;
pub mod track;
pub mod transfer;
pub mod uid;
mod validate;
pub mod value;

/// The traits a program working with records needs in scope: `use lamindb_core::prelude::*;`.
pub mod prelude {
    pub use crate::records::{Delete, Trash};
    pub use crate::registry::{SQLRecord, TracksRun, TracksUpdates};
}

pub use annotate::ArtifactLabel;
pub use artifact::{
    ArtifactOptions, ArtifactOutcome, ArtifactSource, NewArtifact, NoProgress, Progress, SaveSummary,
};
use db::Dialect;
pub use db::{is_postgres_url, postgres_built_in, redact_url};
pub use error::{Error, FieldError, Refusal, Result};
pub use instance::{DeleteReport, InitOptions, InitOutcome, Instance, InstanceInfo};
pub use io::Tables;
pub use lineage::{Input, Provenance};
pub use models::{
    Artifact, ArtifactULabel, Branch, Collection, Feature, Project, Record, Reference, Run, Schema, Space,
    Storage, Transform, ULabel, User,
};
pub use query::{Col, FieldSet, Lookup, Order, Q, Query, QuerySet, Rel, Where};
pub use records::{BulkCreated, Created, Delete, Deleted, FromValues, NameMatch, RegistryRecords, Trash};
pub use registry::{Field, Registry, SQLRecord, SaveContext, TracksRun, TracksUpdates};
pub use settings::{InstanceSettings, SettingsDir};
pub use storage::{StorageLocations, StorageOutcome, WriteAction};
pub use track::{RunStatus, TrackOptions, TrackedRun};
pub use transfer::{TransferFrom, TransferSummary};
pub use value::{SqlType, Value};
