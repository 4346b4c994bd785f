//! The record layer of lamindb-rs: registries, records, queries, SQL on SQLite and PostgreSQL,
//! instances and their settings.
//!
//! Start with [`Instance`]: [`Instance::init`] creates an instance in LaminDB's format,
//! [`Instance::current`] opens the current one. Records of every registry ([`models`]) are read and
//! written through the [`Record`] trait.

pub mod artifact;
pub mod db;
pub mod error;
pub mod instance;
pub mod migrations;
pub mod models;
pub mod query;
pub mod records;
pub mod registry;
pub mod settings;
pub mod storage;
pub mod uid;
pub mod value;

pub use artifact::{ArtifactOptions, ArtifactOutcome, ArtifactSource, NoProgress, Progress};
pub use db::{Db, Dialect};
pub use error::{Error, Result};
pub use instance::{InitOptions, InitOutcome, Instance, InstanceInfo};
pub use models::{Artifact, ArtifactULabel, Branch, Feature, Run, Space, Storage, Transform, ULabel, User};
pub use query::{Lookup, Q, Query, QuerySet};
pub use registry::{Field, Record, Registry, SaveContext, TracksRun, TracksUpdates};
pub use settings::{InstanceSettings, SettingsDir};
pub use storage::{StorageOutcome, WriteAction};
pub use value::{SqlType, Value};
