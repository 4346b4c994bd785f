//! lamindb-rs in one crate: a LaminDB instance from Rust.
//!
//! A LaminDB instance is a registry of data: *artifacts* (files and folders in local or cloud
//! storage) and *records* about them (labels, features, transforms and their runs) in SQL —
//! SQLite embedded, or PostgreSQL. This crate reads and writes the same instances as Python
//! LaminDB 2.12.1, both ways.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let tmp = tempfile::tempdir()?;
//! # let settings = lamindb::SettingsDir::at(tmp.path().join(".lamin"));
//! # let opts = lamindb::InitOptions { storage: tmp.path().join("mydata").display().to_string(), ..Default::default() };
//! # lamindb::Instance::init_in(&settings, &opts)?;
//! # let root = tmp.path().join("mydata");
//! # let csv = tmp.path().join("data.csv");
//! # std::fs::write(&csv, "a,b\n1,2\n")?;
//! use lamindb as ln;
//! use ln::SQLRecord; // save, delete, get, filter on every registry
//!
//! let inst = ln::Instance::open(&root)?;                       // a path, a URL, or `connect("owner/name")`
//! let label = ln::ULabel::new("my label").save(&inst)?;
//! let hits = ln::ULabel::filter(ln::ulabel::NAME.starts_with("my")).all(&inst)?;
//! assert_eq!(hits, [label]);
//! let art = ln::Artifact::from_path(&csv).key("raw/data.csv").save(&inst)?;
//! let csvs = ln::Artifact::filter(ln::artifact::KEY.ends_with(".csv")).count(&inst)?;
//! assert_eq!((art.suffix.as_str(), csvs), (".csv", 1));
//! # Ok(()) }
//! ```
//!
//! # Records
//!
//! Every LaminDB registry is a struct with one field per column, in LaminDB's model order:
//! [`ULabel`], [`Feature`], [`Project`], [`Reference`], [`SQLRecord`](lamindb_core::models::Record),
//! [`Schema`], [`Transform`], [`Run`], [`Artifact`], [`Collection`], [`Storage`], [`User`],
//! [`Space`], [`Branch`]. Constructors make LaminDB uids ([`ULabel::new`], [`Transform::new`]);
//! the [`SQLRecord`] trait saves (validated first: [`Error::Validation`]), deletes
//! to the trash and restores, refreshes, and gets a record by id or uid. [`Instance::transaction`]
//! makes several writes one; labels are linked to artifacts with [`Instance::add_labels`].
//!
//! # Queries
//!
//! [`SQLRecord::filter`] gives a typed [`Query`]: conditions are built from each registry's field
//! constants ([`ulabel::NAME`]`.starts_with("a")`, relations chained as
//! [`artifact::ULABELS`]`.then(ulabel::NAME)`) and combined into a [`Q`] with `&`, `|`, `!`.
//! [`QuerySet`] is the same query with the registry chosen at run time, and the string form
//! (`"name__startswith"`) of Python LaminDB.
//!
//! # Artifacts
//!
//! [`Artifact::from_path`] builds a [`NewArtifact`] (key, description, storage location) whose
//! `save` copies the bytes into storage, or registers them in place, deduplicated by LaminDB's
//! hash and versioned by key; [`Instance::create_artifacts`] saves many at once
//! ([`ArtifactOptions`], [`ArtifactOutcome`]). [`Instance::cache_artifact`] gives a local path
//! (downloading cloud artifacts); [`Instance::transfer_artifacts`] copies records from another
//! instance.
//!
//! # Lineage
//!
//! [`Instance::track`] starts a [`Run`] of a [`Transform`] ([`TrackOptions`]); while the
//! returned [`TrackedRun`] lives, every save records it, and [`Instance::cache_artifact`] marks
//! what it reads as inputs. [`Instance::provenance`] walks back from an artifact to the runs that
//! made it and their inputs ([`Provenance`]).
//!
//! # Storage
//!
//! An instance's storage locations are [`Storage`] records ([`Instance::add_storage`]); their
//! bytes are reached through [`lamindb_storage::Store`] (local directories, `s3://`, `gs://`),
//! which also works alone, without an instance, from a [`lamindb_storage::StorageRoot`].
//!
//! # DataFrames
//!
//! With feature `frame`, `lamindb_frame` turns any query into a polars `DataFrame` with
//! LaminDB's `to_dataframe()` columns (`query.df(&inst)` through its `ToDataFrame` trait),
//! loads an artifact's table (`load_artifact`) and writes CSV, JSON, Parquet or Arrow IPC.
//!
//! # Picking layers
//!
//! | crate | what it is | use it alone when |
//! |---|---|---|
//! | [`lamindb_storage`] | storage roots, opendal operators, LaminDB hashing and suffixes | you move bytes and need no records |
//! | [`lamindb_core`] | registries, records, queries, SQL, instances | you need records and artifacts, not DataFrames |
//! | `lamindb_frame` (feature `frame`) | any query as a polars `DataFrame`; Parquet, CSV, IPC | you build data pipelines |
//!
//! This crate re-exports them: everything of `lamindb_core` at the top level, the typed fields of
//! each registry as `ln::<registry>::<FIELD>` (`ln::ulabel::NAME`, `ln::artifact::ULABELS`).
//!
//! # Features
//!
//! None is on by default: SQLite and local storage are always built in, the rest is asked for.
//!
//! - `frame`: DataFrames (polars); brings `ToDataFrame` (`query.df(&inst)`).
//! - `tokio`: `Instance::open_async`, `Instance::init_async`, `save_async`, `delete_async`,
//!   `refresh_from_db_async`, `NewArtifact::save_async`, `Query::all_async`, downloads and
//!   transfers on tokio's blocking pool.
//! - `postgres`: PostgreSQL databases (`Instance::open("postgresql://…")`); libpq and OpenSSL
//!   are built from source and linked in.
//! - `s3`, `gcs`: `s3://` and `gs://` storage locations (opendal's services and an HTTPS client).
//!
//! Without a feature, what it brings fails with a clear error rather than at build time:
//! opening a `postgresql://` URL gives [`Error::NotBuiltIn`], an `s3://` root
//! [`lamindb_storage::StorageError::NotBuiltIn`]. `lamin` is built with all of them.
//!
//! # Calling style
//!
//! Every operation takes an [`Instance`]: a cheap, `Send + Sync` handle with pooled connections.
//! Writes are atomic; [`Instance::transaction`] groups several (nested ones become savepoints).
//! `Instance`'s own methods open, connect, track runs and report; the rest are methods of the
//! records (`artifact.cache(&inst)`, `run.outputs(&inst)`, [`Collection::create`]) or of its
//! handles: [`Instance::storage`] (storage locations), [`Instance::io`] (whole tables),
//! [`Instance::transfer_from`] (records of another instance) and [`Instance::registry`] (a
//! registry chosen at run time).
//! The operations block (files, SQL, storage). They may be called from async code (on either
//! flavour of tokio runtime they do not panic), but they hold the runtime's thread while they
//! run: in a service, call them through `tokio::task::spawn_blocking`, or use the `*_async`
//! variants (feature `tokio`), which do so — `examples/serve.rs` is an axum service built that way.
//! Errors are [`Error`], a `#[non_exhaustive]` enum whose kinds (`DoesNotExist`, `Validation`,
//! `InTrash`, `StorageNotManaged`, …) a caller can match.

#![warn(missing_docs)]

pub use lamindb_core;
pub use lamindb_core::fields::{
    Col, Rel, Where, artifact, artifactulabel, branch, collection, feature, project, record, reference, run,
    schema, space, storage, transform, ulabel, user,
};
pub use lamindb_core::*;
pub use lamindb_storage;
/// JSON values (run parameters, feature values): `ln::serde_json::json!({…})`.
pub use serde_json;

/// The README's Rust program, compiled and run as a doc-test.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;

#[cfg(feature = "frame")]
pub use lamindb_frame;
#[cfg(feature = "frame")]
pub use lamindb_frame::{DataFrame, DfOptions, IncludePath, ToDataFrame};
