//! Artifacts: files and folders registered with their LaminDB metadata, and their bytes in storage.
//!
//! [`Artifact::create_many`](crate::Artifact::create_many) follows LaminDB's `Artifact(path, …).save()` for local paths:
//!
//! - a path inside a registered storage location is registered in place (real key = its path
//!   relative to the root, `_key_is_virtual = false`, nothing copied);
//! - any other path is copied into the target storage (the default one, or `storage`) at
//!   `.lamindb/<uid><suffix>` (folders at `.lamindb/<uid[:16]>`, shared by their versions);
//! - same content hash as a non-trashed artifact → that artifact is returned
//!   ("returning artifact with same hash"); same key in the same storage with new content → a
//!   new version (same 16-char stem, next base62 version suffix computed by decoding), the
//!   previous one loses `is_latest` in the same transaction;
//! - the save protocol: rows are inserted with `_aux = {"so": 1}` ("storage ongoing") in one
//!   transaction, the bytes are copied (in parallel, each source read once while it is hashed),
//!   then the flag is cleared in one `UPDATE`. A failed copy deletes its row (and restores the
//!   previous version's `is_latest`); a row left flagged by a killed process is completed by the
//!   next save of the same content.
//!
//! Every write of bytes (create, replace, delete) asks [`StorageLocations::check_write`](crate::StorageLocations::check_write) first, which
//! refuses locations this instance does not manage with LaminDB's messages, before anything is
//! touched.

//! The module's files: `save.rs` (the save pipeline's entry points and its streamed batches;
//! its stages in `prepare.rs`, `plan.rs` and `commit.rs`), `cloud.rs` (cloud objects registered in
//! place from their listings), `lifecycle.rs` (paths, cache, replace, trash, restore, permanent
//! delete), `sql.rs` (the artifact table's statements).

mod api;
mod cloud;
mod commit;
mod lifecycle;
mod new;
mod paths;
mod plan;
mod prepare;
mod save;

pub use new::NewArtifact;
mod sql;

pub(crate) use sql::finish_save;

use std::path::{Path, PathBuf};

use lamindb_storage::hash;

use crate::error::{Error, Result};
use crate::models::Artifact;
use crate::value::Json;

/// Prefix of virtual storage keys.
pub(crate) const AUTO_KEY_PREFIX: &str = ".lamindb/";

/// Files up to this size (LaminDB's md5 limit: one hash over the whole content) are read into
/// memory once, hashed, and written from memory, within [`FILES_IN_MEMORY`] per batch; larger
/// ones (`sha1-fl`, which reads only their ends) are copied from the file.
pub(crate) const SMALL_FILE: u64 = 50 * 1024 * 1024;

/// Bytes of small files held in memory between hashing and copying, per batch (beyond it, files
/// are read again when copied).
pub(crate) const FILES_IN_MEMORY: u64 = 64 << 20;

/// Rows per multi-row statement (SQLite allows 32766 bind parameters; an artifact row has 30).
pub(crate) const ROWS_PER_STATEMENT: usize = 500;

/// Sources per batch of [`Artifact::save_streamed`](crate::Artifact::save_streamed), by default.
pub(crate) const BATCH: usize = 10_000;

/// The `_aux` value of a row whose bytes are being stored (LaminDB's `_storage_ongoing`).
pub(crate) const STORAGE_ONGOING: &str = "{\"so\": 1}";

/// Options of [`Artifact::create_many`](crate::Artifact::create_many).
#[derive(Clone, Debug, Default)]
pub struct ArtifactOptions {
    /// The key (a path-like name, e.g. `raw/data.csv`); for one source only.
    pub key: Option<String>,
    /// A description.
    pub description: Option<String>,
    /// The storage location to copy into: a root, id, uid or uid prefix of a registered location;
    /// the default storage when `None`.
    pub storage: Option<String>,
    /// `dataset`, `model` or free text.
    pub kind: Option<String>,
    /// The run that creates the artifacts; the instance's current run when `None`.
    pub run_id: Option<i64>,
    /// `Some(true)`: never return an existing artifact with the same hash; `Some(false)`: always
    /// look; `None`: look unless the path is registered in place (LaminDB's default).
    pub skip_hash_lookup: Option<bool>,
    /// How many copies run at the same time (0: 8 for cloud storage, else the number of cores up
    /// to 4).
    pub parallel: usize,
    /// Hash every file, even those the stat cache knows unchanged since an earlier save.
    pub rehash: bool,
    /// Sources per batch of [`Artifact::save_streamed`](crate::Artifact::save_streamed) (0: 10 000): what is held
    /// in memory at once, and saved per transaction.
    pub batch: usize,
}

/// One path to register, with its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArtifactSource {
    /// A local file or folder.
    pub path: PathBuf,
    /// Its key, if any.
    pub key: Option<String>,
}

impl ArtifactSource {
    /// A source without key.
    pub fn new(path: impl Into<PathBuf>) -> ArtifactSource {
        ArtifactSource { path: path.into(), key: None }
    }

    /// One source per file below `dir` (LaminDB's `Artifact.from_dir`): the key of each is
    /// `<prefix>/<path relative to dir>`, where the prefix is `key_prefix` or the folder's name.
    /// FIFOs, sockets and devices below `dir` are skipped, as LaminDB skips them; a path that is
    /// not UTF-8 is an error ([`StorageError::NotUtf8`](lamindb_storage::StorageError::NotUtf8)).
    pub fn files_of_dir(dir: &Path, key_prefix: Option<&str>) -> Result<Vec<ArtifactSource>> {
        let (dir, prefix) = dir_and_prefix(dir, key_prefix)?;
        Ok(hash::list_dir_files(&dir)?
            .into_iter()
            .map(|(rel, path)| ArtifactSource { path, key: Some(key_of(&prefix, rel)) })
            .collect())
    }

    /// The same sources as [`ArtifactSource::files_of_dir`], walked lazily (each folder's
    /// entries by name, depth first): for folders too large to list in memory, with
    /// [`Artifact::save_streamed`](crate::Artifact::save_streamed).
    pub fn walk_dir(dir: &Path, key_prefix: Option<&str>) -> Result<WalkDir> {
        let (base, prefix) = dir_and_prefix(dir, key_prefix)?;
        Ok(WalkDir { prefix, inner: Box::new(hash::walk_dir_files(&base)) })
    }
}

/// The absolute folder and the key prefix of its files.
fn dir_and_prefix(dir: &Path, key_prefix: Option<&str>) -> Result<(PathBuf, String)> {
    let dir = absolute(dir)?;
    if !dir.is_dir() {
        return Err(Error::InvalidPath {
            path: dir.display().to_string(),
            message: format!("{} is not a folder", dir.display()),
        });
    }
    let prefix = match key_prefix {
        Some(p) => p.trim_end_matches('/').to_string(),
        None => dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
    };
    Ok((dir, prefix))
}

/// The files below a folder as sources, walked lazily (see [`ArtifactSource::walk_dir`]).
pub struct WalkDir {
    prefix: String,
    inner: Box<dyn Iterator<Item = lamindb_storage::Result<(String, PathBuf)>> + Send>,
}

impl Iterator for WalkDir {
    type Item = Result<ArtifactSource>;

    fn next(&mut self) -> Option<Result<ArtifactSource>> {
        let (rel, path) = match self.inner.next()? {
            Ok(file) => file,
            Err(e) => return Some(Err(e.into())),
        };
        Some(Ok(ArtifactSource { path, key: Some(key_of(&self.prefix, rel)) }))
    }
}

/// `<prefix>/<relative path>`, or the relative path alone without a prefix.
fn key_of(prefix: &str, rel: String) -> String {
    if prefix.is_empty() { rel } else { format!("{prefix}/{rel}") }
}

/// How many sources of a streamed save ([`Artifact::save_streamed`](crate::Artifact::save_streamed)) ended how.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SaveSummary {
    /// New artifacts whose bytes were copied.
    pub created: usize,
    /// New artifacts registered in place.
    pub registered_in_place: usize,
    /// New versions of artifacts with the same key.
    pub new_versions: usize,
    /// Existing artifacts with the same hash, returned.
    pub existing: usize,
    /// Interrupted uploads completed.
    pub resumed: usize,
}

impl std::ops::AddAssign for SaveSummary {
    fn add_assign(&mut self, o: SaveSummary) {
        self.created += o.created;
        self.registered_in_place += o.registered_in_place;
        self.new_versions += o.new_versions;
        self.existing += o.existing;
        self.resumed += o.resumed;
    }
}

impl SaveSummary {
    pub(crate) fn count(&mut self, outcome: &ArtifactOutcome) {
        match outcome {
            ArtifactOutcome::Created => self.created += 1,
            ArtifactOutcome::RegisteredInPlace => self.registered_in_place += 1,
            ArtifactOutcome::NewVersion { .. } => self.new_versions += 1,
            ArtifactOutcome::SameHash => self.existing += 1,
            ArtifactOutcome::Resumed => self.resumed += 1,
        }
    }

    /// All sources counted.
    pub fn total(&self) -> usize {
        self.created + self.registered_in_place + self.new_versions + self.existing + self.resumed
    }
}

/// What [`Artifact::create_many`](crate::Artifact::create_many) did for one source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArtifactOutcome {
    /// A new artifact; its bytes were copied into storage.
    Created,
    /// A new artifact registered in place (its path is inside a registered storage location).
    RegisteredInPlace,
    /// A new version of the artifact with the same key in the same storage.
    NewVersion {
        /// Uid of the version it revises.
        previous_uid: String,
    },
    /// An artifact with the same hash existed; it is returned ("returning artifact with same hash").
    SameHash,
    /// An artifact with the same hash existed with an interrupted upload; the upload was completed.
    Resumed,
}

/// Progress of a save: implemented by front ends (a progress bar), called from several threads.
pub trait Progress: Sync {
    /// `files` more sources were checked: hashed, or found unchanged by the stat cache.
    fn checked(&self, _files: u64) {}
    /// More work ahead: files and bytes to copy (called once per batch of sources).
    fn start(&self, _files: u64, _bytes: u64) {}
    /// `bytes` more were copied.
    fn advance(&self, _bytes: u64) {}
    /// One more file was copied.
    fn file_done(&self) {}
    /// All work ended.
    fn finish(&self) {}
}

/// A [`Progress`] that shows nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

impl Artifact {
    /// The 16-character stem of the uid, shared by all versions.
    pub fn stem_uid(&self) -> &str {
        &self.uid[..self.uid.len().min(16)]
    }

    /// The key of the artifact's bytes relative to its storage root (LaminDB's
    /// `auto_storage_key_from_artifact`): `_real_key`, else `.lamindb/<uid><suffix>` for a virtual
    /// or missing key (`.lamindb/<uid[:16]><suffix>` when versions overwrite each other), else `key`.
    pub fn storage_key(&self) -> String {
        if let crate::value::Internal(Some(real)) = &self.real_key {
            return real.clone();
        }
        match &self.key {
            Some(key) if !*self.key_is_virtual => key.clone(),
            _ => {
                let uid = if *self.overwrite_versions { self.stem_uid() } else { self.uid.as_str() };
                format!("{AUTO_KEY_PREFIX}{uid}{}", self.suffix)
            }
        }
    }

    /// Whether the artifact is a folder.
    pub fn is_dir(&self) -> bool {
        self.n_files.is_some()
    }

    /// Whether the storage of its bytes was started and not completed (`_aux.so == 1`).
    pub fn storage_ongoing(&self) -> bool {
        self.aux
            .as_ref()
            .and_then(|j| serde_json::from_str::<serde_json::Value>(&j.0).ok())
            .is_some_and(|v| v.get("so").and_then(serde_json::Value::as_i64) == Some(1))
    }
}

/// The absolute form of a local path (relative to the working directory), without resolving
/// symlinks beyond what exists (as LaminDB's `Path.resolve()`).
pub(crate) fn absolute(path: &Path) -> Result<PathBuf> {
    match path.canonicalize() {
        Ok(p) => Ok(p),
        Err(e) => Err(Error::io(path, e)),
    }
}

pub(crate) fn changed(path: &Path) -> Error {
    Error::Refused(crate::Refusal::ChangedWhileSaving { path: path.to_path_buf() })
}

// LaminDB's `artifact.delete()`, `restore()` and `delete(permanent=True)`.
impl crate::records::Delete for Artifact {
    /// [`Artifact::delete_permanently_with`] with LaminDB's default for the bytes: removed under
    /// a virtual key, kept for a file registered in place.
    fn delete_permanently(&self, inst: &crate::pool::Instance) -> crate::error::Result<()> {
        inst.delete_artifact_permanently(self, None).map(drop)
    }
}

impl crate::records::Trash for Artifact {
    /// To the trash (branch −1), bytes kept: refused in a storage location this instance does not
    /// manage.
    fn delete(&self, inst: &crate::pool::Instance) -> crate::error::Result<()> {
        // As the database has it now: this copy may be older than a delete elsewhere.
        use crate::registry::SQLRecord as _;
        inst.trash_artifact(&Artifact::get_by_id(inst, self.pk()?)?, false).map(drop)
    }

    /// Back to the main branch: the artifact becomes the latest version again when it is
    /// the newest on the main branch.
    fn restore(&mut self, inst: &crate::pool::Instance) -> crate::error::Result<()> {
        *self = inst.restore_artifact(self)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_suffixes_decode_and_cross_the_case_boundary() {
        use crate::uid::{decode_base62, encode_base62};
        assert_eq!(decode_base62("0000"), Some(0));
        assert_eq!(encode_base62(1, 4).unwrap(), "0001");
        let z = decode_base62("000Z").unwrap();
        assert_eq!(encode_base62(z + 1, 4).unwrap(), "000a");
        assert_eq!(encode_base62(decode_base62("000z").unwrap() + 1, 4).unwrap(), "0010");
        assert!(encode_base62(62u32.pow(4), 4).is_err());
        assert_eq!(decode_base62("00-0"), None);
    }

    #[test]
    fn storage_keys() {
        let mut a =
            Artifact { uid: "abcdefghijklmnop0001".into(), suffix: ".csv".into(), ..Default::default() };
        a.key_is_virtual = crate::value::Internal(true);
        assert_eq!(a.storage_key(), ".lamindb/abcdefghijklmnop0001.csv");
        a.key = Some("raw/x.csv".into());
        assert_eq!(a.storage_key(), ".lamindb/abcdefghijklmnop0001.csv");
        a.key_is_virtual = crate::value::Internal(false);
        assert_eq!(a.storage_key(), "raw/x.csv");
        a.real_key = crate::value::Internal(Some("elsewhere/x.csv".into()));
        assert_eq!(a.storage_key(), "elsewhere/x.csv");
        let folder = Artifact {
            uid: "abcdefghijklmnop0003".into(),
            key_is_virtual: crate::value::Internal(true),
            overwrite_versions: crate::value::Internal(true),
            n_files: Some(2),
            ..Default::default()
        };
        assert_eq!(folder.storage_key(), ".lamindb/abcdefghijklmnop");
        assert!(folder.is_dir());
        let flagged = Artifact {
            aux: crate::value::Internal(Some(Json(STORAGE_ONGOING.into()))),
            ..Default::default()
        };
        assert!(flagged.storage_ongoing());
        assert!(!Artifact::default().storage_ongoing());
    }
}
