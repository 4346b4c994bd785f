//! The artifact methods of the public API: where an artifact's bytes are, the local cache,
//! replacing its content, the trash and permanent deletion, and saving many sources at once.
//! Each takes the [`Instance`] the artifact belongs to.

use std::path::{Path, PathBuf};

use super::{ArtifactOptions, ArtifactOutcome, ArtifactSource, Progress, SaveSummary};
use crate::error::Result;
use crate::models::{Artifact, Storage};
use crate::pool::Instance;

impl Artifact {
    /// The latest artifact with this key outside the trash (any storage location), newest first;
    /// [`Error::DoesNotExist`](crate::Error::DoesNotExist) if there is none. For an id, uid or
    /// uid prefix use [`SQLRecord::get`](crate::SQLRecord::get).
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
    /// use lamindb_core::Artifact;
    ///
    /// std::fs::write(tmp.path().join("a.csv"), "x\n1\n")?;
    /// let saved = Artifact::from_path(tmp.path().join("a.csv")).key("raw/a.csv").save(&inst)?;
    /// let found = Artifact::get_by_key(&inst, "raw/a.csv")?;
    /// assert_eq!(found.uid, saved.uid);
    /// assert!(std::path::Path::new(&found.path(&inst)?).is_file());
    /// assert_eq!(found.storage(&inst)?.id, Some(found.storage_id));
    /// # Ok(()) }
    /// ```
    pub fn get_by_key(inst: &Instance, key: &str) -> Result<Artifact> {
        inst.get_artifact_by_key(key)
    }

    /// The storage location of the artifact.
    pub fn storage(&self, inst: &Instance) -> Result<Storage> {
        inst.artifact_storage(self)
    }

    /// Where the artifact's bytes are: `<root>/<storage key>` (a local path or a URL).
    pub fn path(&self, inst: &Instance) -> Result<String> {
        inst.artifact_path(self)
    }

    /// A local path with the artifact's bytes (LaminDB's `.cache()`): the file itself in local
    /// storage; otherwise a copy in the cache directory ([`cache_dir`](crate::settings::cache_dir)) at
    /// `<bucket>/<prefix>/<storage key>` (`…/<key>` for the latest version of a virtual key),
    /// downloaded unless a copy of the same size and not older than the object is there. While a
    /// run is tracked ([`Instance::track`]), the artifact becomes its input unless the run made it.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
    /// use lamindb_core::Artifact;
    ///
    /// std::fs::write(tmp.path().join("a.txt"), "hello")?;
    /// let artifact = Artifact::from_path(tmp.path().join("a.txt")).key("a.txt").save(&inst)?;
    /// assert_eq!(std::fs::read_to_string(artifact.cache(&inst)?)?, "hello");
    /// # Ok(()) }
    /// ```
    pub fn cache(&self, inst: &Instance) -> Result<PathBuf> {
        inst.cache_artifact(self)
    }

    /// Like [`Artifact::cache`], with an explicit cache directory.
    pub fn cache_in(&self, inst: &Instance, cache: &Path) -> Result<PathBuf> {
        inst.cache_artifact_in(self, cache)
    }

    /// [`Artifact::cache`] (a download for cloud artifacts) on a blocking thread of the tokio
    /// runtime.
    #[cfg(feature = "tokio")]
    pub fn cache_async(&self, inst: &Instance) -> impl std::future::Future<Output = Result<PathBuf>> + Send {
        inst.cache_artifact_async(self)
    }

    /// Replaces the artifact's content with a local file or folder **without** a new version
    /// (LaminDB's `.replace()` + `.save()`): same uid, new size and hash; a changed suffix renames
    /// the key and removes the old object. Content equal to an existing artifact's leaves
    /// everything unchanged and returns that artifact with [`ArtifactOutcome::SameHash`].
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
    /// use lamindb_core::Artifact;
    ///
    /// std::fs::write(tmp.path().join("a.txt"), "one")?;
    /// std::fs::write(tmp.path().join("b.txt"), "two")?;
    /// let artifact = Artifact::from_path(tmp.path().join("a.txt")).key("a.txt").save(&inst)?;
    /// let (replaced, _) = artifact.replace(&inst, &tmp.path().join("b.txt"))?;
    /// assert_eq!(replaced.uid, artifact.uid);
    /// assert_eq!(std::fs::read_to_string(replaced.cache(&inst)?)?, "two");
    /// # Ok(()) }
    /// ```
    pub fn replace(&self, inst: &Instance, path: &Path) -> Result<(Artifact, ArtifactOutcome)> {
        inst.replace_artifact(self, path)
    }

    /// [`Trash::delete`](crate::Trash::delete) (LaminDB's `artifact.delete()`) with the choice
    /// to keep the bytes of a location this instance does not manage, returning the artifact as
    /// it is now. Moves the artifact to the trash (branch −1); when it was the latest version, the newest remaining version on its branch becomes the latest, in the same
    /// transaction. Bytes stay. Refused in a location this instance does not manage unless
    /// `keep_data`, and for an artifact already in the trash
    /// ([`Error::InTrash`](crate::Error::InTrash): use [`Artifact::delete_permanently_with`]).
    /// Returns the artifact as it is now.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
    /// use lamindb_core::Artifact;
    ///
    /// std::fs::write(tmp.path().join("a.txt"), "one")?;
    /// let artifact = Artifact::from_path(tmp.path().join("a.txt")).key("a.txt").save(&inst)?;
    /// let trashed = artifact.trash(&inst, false)?;
    /// assert_eq!(trashed.branch_id, Some(-1));
    /// let mut restored = trashed.clone();
    /// lamindb_core::Trash::restore(&mut restored, &inst)?; // LaminDB's `restore()`
    /// assert_eq!(restored.branch_id, Some(1));
    /// assert_eq!(restored.delete_permanently_with(&inst, None)?, None);
    /// # Ok(()) }
    /// ```
    pub fn trash(&self, inst: &Instance, keep_data: bool) -> Result<Artifact> {
        inst.trash_artifact(self, keep_data)
    }

    /// Deletes the artifact for good (LaminDB's `delete(permanent=True, storage=…)`), never
    /// asking: the record first (all versions for the latest version of a folder whose versions
    /// share one store), then the bytes — removed for a virtual key unless
    /// `delete_data == Some(false)`, kept for a real key unless `delete_data == Some(true)`,
    /// always kept for an older version of a shared store. Returns what remains in storage, if
    /// anything (`a file/folder remains here`).
    pub fn delete_permanently_with(
        &self,
        inst: &Instance,
        delete_data: Option<bool>,
    ) -> Result<Option<String>> {
        inst.delete_artifact_permanently(self, delete_data)
    }

    /// Creates (or finds) the artifacts of many local files or folders: hashes them, looks up
    /// existing hashes and keys with a few `IN (…)` queries, inserts the new rows in one
    /// transaction, copies the bytes in parallel, and clears the "storage ongoing" flags in one
    /// statement. Results are in the order of `sources`. One source alone is
    /// [`Artifact::from_path`] … [`save`](crate::NewArtifact::save).
    ///
    /// When a copy fails, its row is deleted, the other artifacts stay saved, and the first error
    /// is returned.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
    /// use lamindb_core::{Artifact, ArtifactOptions, ArtifactOutcome, ArtifactSource, NoProgress};
    ///
    /// std::fs::write(tmp.path().join("a.txt"), "one")?;
    /// std::fs::write(tmp.path().join("b.txt"), "two")?;
    /// let sources = ["a.txt", "b.txt"].map(|name| ArtifactSource { path: tmp.path().join(name), key: Some(name.into()) });
    /// let saved = Artifact::create_many(&inst, &sources, &ArtifactOptions::default(), &NoProgress)?;
    /// assert!(saved.iter().all(|(_, outcome)| *outcome == ArtifactOutcome::Created));
    /// # Ok(()) }
    /// ```
    pub fn create_many(
        inst: &Instance,
        sources: &[ArtifactSource],
        opts: &ArtifactOptions,
        progress: &dyn Progress,
    ) -> Result<Vec<(Artifact, ArtifactOutcome)>> {
        inst.create_artifacts(sources, opts, progress)
    }

    /// Creates (or finds) the artifacts of a stream of sources, such as
    /// [`ArtifactSource::walk_dir`]'s, in batches: memory stays flat however many files there
    /// are. `each` sees every result in order; the totals are returned.
    ///
    /// Each batch is saved as [`Artifact::create_many`] saves it. When a batch fails, the
    /// batches before it stay saved, and saving the same sources again completes the work.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
    /// use lamindb_core::{Artifact, ArtifactOptions, ArtifactSource, NoProgress};
    ///
    /// let dir = tmp.path().join("images");
    /// std::fs::create_dir_all(dir.join("a"))?;
    /// std::fs::write(dir.join("a/1.txt"), "one")?;
    /// std::fs::write(dir.join("2.txt"), "two")?;
    /// let sources = ArtifactSource::walk_dir(&dir, None)?;
    /// let mut keys = Vec::new();
    /// let summary = Artifact::save_streamed(&inst, sources, &ArtifactOptions::default(), &NoProgress, |a, _| {
    ///     keys.push(a.key.clone().unwrap_or_default());
    ///     Ok(())
    /// })?;
    /// assert_eq!(summary.created, 2);
    /// assert_eq!(keys, ["images/2.txt", "images/a/1.txt"]);
    /// # Ok(()) }
    /// ```
    pub fn save_streamed(
        inst: &Instance,
        sources: impl IntoIterator<Item = Result<ArtifactSource>>,
        opts: &ArtifactOptions,
        progress: &dyn Progress,
        each: impl FnMut(&Artifact, &ArtifactOutcome) -> Result<()>,
    ) -> Result<SaveSummary> {
        inst.create_artifacts_streamed(sources, opts, progress, each)
    }

    /// Registers the objects at `url` as artifacts, in place (LaminDB's `Artifact("s3://…")`
    /// for a path inside a registered storage location): every object below it when `url` ends
    /// with `/` or `recursive` is set (listed page by page, saved in batches), else the one object.
    ///
    /// Keys are the objects' paths relative to the location's root (`_key_is_virtual = false`);
    /// hashes come from the listing's metadata, so no object is downloaded or read. Objects under
    /// `.lamindb/` (the location's own artifacts) are left out. Registering the same objects
    /// again returns their artifacts; an object with a changed hash becomes a new version.
    /// `url` must lie inside a registered location
    /// ([`StorageLocations::add`](crate::storage::StorageLocations::add) first).
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
    /// use lamindb_core::{Artifact, ArtifactOptions, NoProgress};
    ///
    /// // A location that is not registered is refused before anything is listed.
    /// let err = Artifact::register_objects(&inst, "memory://elsewhere/", true, &ArtifactOptions::default(), &NoProgress, |_, _| Ok(()));
    /// assert!(err.is_err());
    /// # Ok(()) }
    /// ```
    pub fn register_objects(
        inst: &Instance,
        url: &str,
        recursive: bool,
        opts: &ArtifactOptions,
        progress: &dyn Progress,
        each: impl FnMut(&Artifact, &ArtifactOutcome) -> Result<()>,
    ) -> Result<SaveSummary> {
        inst.register_objects(url, recursive, opts, progress, each)
    }
}
