//! Storage locations for lamindb-rs.
//!
//! This crate knows nothing about SQL or records. It provides:
//!
//! - [`StorageRoot`]: parsing and normalising storage roots the way LaminDB does
//!   (local paths, `s3://`, `gs://`, and `memory://` for tests);
//! - [`Store`]: a blocking [opendal] operator rooted at a storage root, addressed with
//!   storage keys such as `.lamindb/abc.txt`;
//! - [`marker`]: LaminDB's `.lamindb/storage_uid.txt` marker file;
//! - [`key`]: LaminDB's checks on user-supplied keys;
//! - [`hash`]: LaminDB's content hashes (`md5`, `sha1-fl`, `md5-d` for folders), also computed
//!   while copying ([`Store::put_file`]);
//! - [`suffix`]: LaminDB's canonical suffixes.
//!
//! All operations are blocking. They run on one process-wide tokio runtime owned by this
//! crate, and may also be called from inside async code (a tokio runtime of either flavour):
//! there each call to opendal runs on a plain thread of its own while the caller's thread waits,
//! instead of panicking as opendal's blocking API would. Outside a runtime nothing changes.
//!
//! Local and memory roots are always built in; `s3://` and `gs://` roots need the cargo features
//! `s3` and `gcs` (opendal's services and an HTTPS client), else [`Store::open`] returns
//! [`StorageError::NotBuiltIn`] ([`RootKind::is_built_in`] tells in advance).

#![warn(missing_docs)]

pub mod error;
pub mod hash;
pub mod key;
pub mod marker;
pub mod root;
mod runtime;
mod services;
pub mod store;
pub mod suffix;

pub use error::{Result, StorageError};
pub use root::{RootKind, StorageRoot};
pub use store::{Entry, ObjectMeta, Store};
