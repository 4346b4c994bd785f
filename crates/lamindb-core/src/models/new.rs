//! Constructors: records built with LaminDB's uids and defaults, ready to [`save`](crate::Record::save).

use std::path::{Path, PathBuf};

use super::{
    Artifact, Branch, Feature, Project, Record as SheetRecord, Reference, Run, Space, Transform, ULabel,
};
use crate::artifact::{ArtifactOptions, ArtifactOutcome};
use crate::error::Result;
use crate::instance::Instance;
use crate::registry::Record;
use crate::uid::new_uid;

impl ULabel {
    /// A new, unsaved label (LaminDB's `ULabel(name=…)`).
    ///
    /// ```
    /// let label = lamindb_core::ULabel::new("T cell").with_description("a lymphocyte");
    /// assert_eq!(label.uid.len(), 8);
    /// assert!(label.id.is_none());
    /// ```
    pub fn new(name: impl Into<String>) -> ULabel {
        ULabel { uid: new_uid(Self::REGISTRY), name: name.into(), ..Default::default() }
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> ULabel {
        self.description = Some(description.into());
        self
    }
}

impl Transform {
    /// A new, unsaved transform of `kind` (`pipeline`, `notebook`, `script` or `function`),
    /// first version of its family.
    ///
    /// ```
    /// let t = lamindb_core::Transform::new("pipelines/qc.py", "script");
    /// assert!(t.uid.ends_with("0000") && t.is_latest);
    /// ```
    pub fn new(key: impl Into<String>, kind: impl Into<String>) -> Transform {
        Transform {
            uid: new_uid(Self::REGISTRY),
            key: key.into(),
            kind: kind.into(),
            is_latest: true,
            ..Default::default()
        }
    }
}

impl Run {
    /// A new, unsaved run of the saved transform with id `transform_id`.
    ///
    /// ```
    /// let run = lamindb_core::Run::new(1);
    /// assert_eq!((run.uid.len(), run.transform_id), (16, 1));
    /// ```
    pub fn new(transform_id: i64) -> Run {
        Run { uid: new_uid(Self::REGISTRY), transform_id, ..Default::default() }
    }
}

impl Feature {
    /// A new, unsaved feature with LaminDB's dtype string (`int`, `float`, `str`, `cat[ULabel]`).
    ///
    /// ```
    /// let f = lamindb_core::Feature::new("temperature", "float");
    /// assert_eq!(f.dtype_str.as_deref(), Some("float"));
    /// ```
    pub fn new(name: impl Into<String>, dtype: impl Into<String>) -> Feature {
        Feature {
            uid: new_uid(Self::REGISTRY),
            name: name.into(),
            dtype_str: Some(dtype.into()),
            ..Default::default()
        }
    }
}

impl Space {
    /// A new, unsaved space.
    ///
    /// ```
    /// assert_eq!(lamindb_core::Space::new("team").uid.len(), 12);
    /// ```
    pub fn new(name: impl Into<String>) -> Space {
        Space { uid: new_uid(Self::REGISTRY), name: name.into(), ..Default::default() }
    }
}

impl Branch {
    /// A new, unsaved branch.
    ///
    /// ```
    /// assert_eq!(lamindb_core::Branch::new("feature-x").uid.len(), 12);
    /// ```
    pub fn new(name: impl Into<String>) -> Branch {
        Branch { uid: new_uid(Self::REGISTRY), name: name.into(), ..Default::default() }
    }
}

impl Artifact {
    /// An artifact to make of a local file or folder (LaminDB's `Artifact(path, key=…)`); nothing
    /// happens until [`NewArtifact::save`].
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init(&settings, &opts)?;
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

impl Project {
    /// A new, unsaved project (LaminDB's `Project(name=…)`).
    ///
    /// ```
    /// let p = lamindb_core::Project::new("atlas");
    /// assert_eq!((p.uid.len(), p.name.as_str()), (12, "atlas"));
    /// ```
    pub fn new(name: impl Into<String>) -> Project {
        Project { uid: new_uid(Self::REGISTRY), name: name.into(), ..Default::default() }
    }
}

impl Reference {
    /// A new, unsaved reference (LaminDB's `Reference(name=…)`).
    ///
    /// ```
    /// let r = lamindb_core::Reference::new("Smith et al. 2024");
    /// assert_eq!(r.uid.len(), 12);
    /// ```
    pub fn new(name: impl Into<String>) -> Reference {
        Reference { uid: new_uid(Self::REGISTRY), name: name.into(), ..Default::default() }
    }
}

impl SheetRecord {
    /// A new, unsaved record (LaminDB's `Record(name=…)`); set `type_id` to place it in a sheet
    /// (a record with `is_type`).
    ///
    /// ```
    /// let r = lamindb_core::models::Record::new("sample 1");
    /// assert_eq!((r.uid.len(), r.name.as_deref()), (16, Some("sample 1")));
    /// ```
    pub fn new(name: impl Into<String>) -> SheetRecord {
        SheetRecord { uid: new_uid(Self::REGISTRY), name: Some(name.into()), ..Default::default() }
    }
}
