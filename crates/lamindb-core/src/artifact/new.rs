//! Making an artifact of a local path: [`Artifact::from_path`] and its builder [`NewArtifact`]
//! (LaminDB's `Artifact(path, key=…).save()`).

use std::path::{Path, PathBuf};

use super::{ArtifactOptions, ArtifactOutcome};
use crate::error::Result;
use crate::models::Artifact;
use crate::pool::Instance;

impl Artifact {
    /// An artifact to make of a local file or folder (LaminDB's `Artifact(path, key=…)`); nothing
    /// happens until [`NewArtifact::save`].
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
    /// let csv = tmp.path().join("data.csv");
    /// std::fs::write(&csv, "a,b\n1,2\n")?;
    /// let art = lamindb_core::Artifact::from_path(&csv).key("raw/data.csv").save(&inst)?;
    /// assert_eq!((art.key.as_deref(), art.suffix.as_str(), art.size), (Some("raw/data.csv"), ".csv", Some(8)));
    /// # Ok(()) }
    /// ```
    pub fn from_path(path: impl AsRef<Path>) -> NewArtifact {
        NewArtifact { path: path.as_ref().to_path_buf(), opts: ArtifactOptions::default() }
    }
}

/// An artifact about to be made of a local path: see [`Artifact::from_path`].
#[derive(Clone, Debug)]
#[must_use = "nothing is saved until .save(&instance)"]
pub struct NewArtifact {
    path: PathBuf,
    opts: ArtifactOptions,
}

impl NewArtifact {
    /// The key (`raw/data.csv`).
    pub fn key(mut self, key: impl Into<String>) -> NewArtifact {
        self.opts.key = Some(key.into());
        self
    }

    /// A description.
    pub fn description(mut self, description: impl Into<String>) -> NewArtifact {
        self.opts.description = Some(description.into());
        self
    }

    /// `dataset`, `model` or free text.
    pub fn kind(mut self, kind: impl Into<String>) -> NewArtifact {
        self.opts.kind = Some(kind.into());
        self
    }

    /// The storage location to copy into (root, id or uid of a registered location).
    pub fn storage(mut self, storage: impl Into<String>) -> NewArtifact {
        self.opts.storage = Some(storage.into());
        self
    }

    /// Every option of the save at once (those set before are replaced): the key, the storage
    /// location, the number of parallel copies, whether to hash again, ….
    pub fn options(mut self, opts: &ArtifactOptions) -> NewArtifact {
        self.opts = opts.clone();
        self
    }

    /// Saves it: copies the bytes into storage (or registers them in place), or returns the
    /// existing artifact with the same content. Many sources at once:
    /// [`Artifact::create_many`], [`Artifact::save_streamed`].
    pub fn save(self, inst: &Instance) -> Result<Artifact> {
        self.save_with_outcome(inst).map(|(a, _)| a)
    }

    /// Like [`NewArtifact::save`], also saying what happened (created, same hash, new version…).
    pub fn save_with_outcome(self, inst: &Instance) -> Result<(Artifact, ArtifactOutcome)> {
        inst.create_artifact(&self.path, &self.opts)
    }

    /// [`NewArtifact::save`] on tokio's blocking pool.
    #[cfg(feature = "tokio")]
    pub async fn save_async(self, inst: &Instance) -> Result<Artifact> {
        let inst = inst.clone();
        crate::asyncio::blocking(move || self.save(&inst)).await
    }
}
