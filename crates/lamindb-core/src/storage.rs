//! The Storage registry's behaviour: registering locations (managed, read-only or unwritable),
//! getting them by id, uid or root, deleting them, and switching the default storage.
//!
//! "A storage location is either a directory/folder (local or in the cloud) or an entire S3/GCP
//! bucket", managed by at most one instance: the one whose uid is in its marker file and in
//! `Storage.instance_uid`. [`StorageLocations::check_write`] is the one place that decides whether this
//! instance may write to a location.

mod locations;

use lamindb_storage::{StorageRoot, Store, marker};

use crate::error::{Error, Refusal, Result};
use crate::models::{Artifact, Storage};
use crate::pool::Instance;
use crate::registry::SQLRecord;

pub use locations::StorageLocations;

/// How [`StorageLocations::add`] registered a location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageOutcome {
    /// A record with this root existed; it is returned unchanged.
    Existing,
    /// The marker was written: this instance manages the location.
    Managed,
    /// Another instance manages the location (its uid is in the marker): registered read-only.
    ReadOnly {
        /// Uid of the managing instance, if the marker names it.
        instance_uid: Option<String>,
    },
    /// The marker could not be written: registered read-only, managed by no instance.
    Unwritable {
        /// Why the write failed.
        reason: String,
    },
}

/// What a write to a storage location is for; [`StorageLocations::check_write`](crate::StorageLocations::check_write) words its refusal by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteAction {
    /// Copying a new artifact's bytes into the location.
    CreateArtifact,
    /// Completing the storage of an artifact whose upload was interrupted.
    SaveArtifact,
    /// Replacing an artifact's bytes, or moving them.
    UpdateArtifact,
    /// Deleting an artifact (its record, and its bytes unless they are kept).
    DeleteArtifact,
    /// Making the location the default storage.
    SetDefaultStorage,
}

impl Storage {
    /// The root as a typed storage root.
    pub fn storage_root(&self) -> Result<StorageRoot> {
        Ok(StorageRoot::parse(&self.root)?)
    }

    /// The root, as a path or URL (LaminDB's `Storage.path`).
    pub fn path(&self) -> &str {
        &self.root
    }
}

impl Instance {
    /// Registers a storage location, as LaminDB's `Storage(root).save()`: an existing record
    /// with the same (normalised) root is returned; otherwise the marker decides whether the
    /// location is managed by this instance, read-only (marked by another) or unwritable. The
    /// filesystem root and the home folder are refused ([`Refusal::StorageRootTooBroad`]).
    pub(crate) fn add_storage(
        &self,
        root: &str,
        description: Option<&str>,
    ) -> Result<(Storage, StorageOutcome)> {
        let root = StorageRoot::parse(root)?;
        if let Some(existing) = self.storage_with_root(root.as_str())? {
            return Ok((existing, StorageOutcome::Existing));
        }
        crate::instance::check_new_root(&root)?;
        let store = Store::open(&root)?;
        let my_uid = self.uid();
        let (storage_uid, instance_uid, outcome, wrote_marker) = match marker::read_marker_full(&store)? {
            Some(m) => {
                let (uid, owner) = (m.storage_uid, m.instance_uid);
                if let Some(known) = Storage::query().filter_eq("uid", uid.as_str()).first(self)? {
                    return Err(Error::Refused(Refusal::SameStorage {
                        root: root.to_string(),
                        storage_uid: uid,
                        registered_root: known.root,
                    }));
                }
                if owner.as_deref() == Some(my_uid.as_str()) {
                    (uid, Some(my_uid.clone()), StorageOutcome::Managed, false)
                } else {
                    (uid, owner.clone(), StorageOutcome::ReadOnly { instance_uid: owner }, false)
                }
            }
            None => {
                let uid = crate::uid::base62(12);
                let info = marker::MarkerInfo {
                    storage_uid: uid.clone(),
                    instance_slug: self.slug(),
                    instance_id_hex: self.settings().id.simple().to_string(),
                    instance_uid: my_uid.clone(),
                };
                let written =
                    store.create_dir(".lamindb/").and_then(|()| marker::write_marker(&store, &info));
                match written {
                    Ok(()) => (uid, Some(my_uid.clone()), StorageOutcome::Managed, true),
                    Err(e) => (uid, None, StorageOutcome::Unwritable { reason: e.to_string() }, false),
                }
            }
        };
        let mut storage = Storage {
            uid: storage_uid,
            root: root.as_str().to_string(),
            description: description.map(str::to_string),
            type_: root.type_str().to_string(),
            region: store.detect_region(),
            instance_uid,
            ..Default::default()
        };
        let ctx = self.save_context()?;
        if let Err(e) = crate::registry::save_with(&mut storage, self, &ctx) {
            if wrote_marker {
                let _ = marker::remove_marker(&store);
            }
            return Err(e);
        }
        Ok((storage, outcome))
    }

    /// The storage location registered with this (normalised) root, if any.
    fn storage_with_root(&self, root: &str) -> Result<Option<Storage>> {
        Storage::query().filter_eq("root", root).first(self)
    }

    /// All storage locations, by id.
    pub(crate) fn storages(&self) -> Result<Vec<Storage>> {
        Storage::query().to_list(self)
    }

    /// A storage location by LaminDB's `get(idlike)`: an integer is an id, a string a uid or uid
    /// prefix; a string with `/` or `://` is a root.
    pub(crate) fn get_storage(&self, idlike: &str) -> Result<Storage> {
        if idlike.contains('/') || idlike.starts_with('.') || idlike.starts_with('~') {
            let root = StorageRoot::parse(idlike)?;
            return self.storage_with_root(root.as_str())?.ok_or_else(|| Error::DoesNotExist {
                registry: "Storage",
                message: "Storage matching query does not exist.".into(),
            });
        }
        Storage::get(self, idlike)
    }

    /// The default storage location of this instance.
    pub(crate) fn default_storage(&self) -> Result<Storage> {
        let root = self.read_settings(|s| s.default_storage_root().to_string());
        self.storage_with_root(&root)?.ok_or_else(|| Error::Refused(Refusal::DefaultStorageMissing { root }))
    }

    /// The one gate for writes into a storage location: refused, with LaminDB's message for
    /// `action`, unless this instance manages the location.
    pub(crate) fn check_write(&self, storage: &Storage, action: WriteAction) -> Result<()> {
        if storage.instance_uid.as_deref() == Some(self.uid().as_str()) {
            return Ok(());
        }
        let what = match (action, storage.instance_uid.as_deref()) {
            (WriteAction::SetDefaultStorage, Some(uid)) => format!(
                "Storage '{}' exists in another instance ({uid}), cannot write to it from here.",
                storage.root
            ),
            (WriteAction::SetDefaultStorage, None) => format!(
                "Storage '{}' is not managed by any instance, cannot write to it from here.",
                storage.root
            ),
            (WriteAction::CreateArtifact, _) => {
                "Cannot create an artifact in a storage location that is not managed by the current instance."
                    .to_string()
            }
            (WriteAction::SaveArtifact, _) => {
                "Cannot save an artifact to a storage location that is not managed by the current instance."
                    .to_string()
            }
            (WriteAction::UpdateArtifact, _) => {
                "Cannot update an artifact in a storage location that is not managed by the current instance."
                    .to_string()
            }
            (WriteAction::DeleteArtifact, uid) => format!(
                "Cannot simply delete artifacts outside of this instance's managed storage locations.\n\
                 (1) If you only want to delete the metadata record in this instance, keep the data \
                 (`keep_data`)\n\
                 (2) If you want to delete the artifact in storage, please connect to the writing lamindb \
                 instance (uid={}).",
                uid.unwrap_or("None")
            ),
        };
        Err(Error::StorageNotManaged { root: storage.root.clone(), message: what })
    }

    /// Deletes a storage location as LaminDB does: refused while it has artifacts (in any branch,
    /// trash included), when it is the default storage, or when its `.lamindb/` holds objects
    /// other than the marker; otherwise the marker (if this instance manages it) and the record
    /// are removed. Directories are left in place.
    pub(crate) fn delete_storage(&self, storage: &Storage) -> Result<()> {
        let id = storage.id.ok_or_else(|| Error::NotSaved { registry: "Storage" })?;
        if Artifact::query().all_branches().filter_eq("storage_id", id).count(self)? > 0 {
            return Err(Error::Refused(Refusal::StorageHasArtifacts));
        }
        if self.read_settings(|s| storage.root == s.default_storage_root()) {
            return Err(Error::Refused(Refusal::DefaultStorage));
        }
        let managed = storage.instance_uid.as_deref() == Some(self.uid().as_str());
        if managed {
            let store = Store::open(&storage.storage_root()?)?;
            let objects = marker::managed_objects(&store, &[])?;
            if !objects.is_empty() {
                return Err(Error::StorageNotEmpty { root: storage.root.clone(), objects });
            }
            storage.delete_row(self)?;
            marker::remove_marker(&store)?;
        } else {
            storage.delete_row(self)?;
        }
        Ok(())
    }

    /// The keys of this instance's SQLite database when it lives in `storage` (they do not make
    /// the location non-empty for its own instance).
    pub(crate) fn db_files_in(&self, storage: &Storage) -> Vec<&'static str> {
        if self.read_settings(|s| s.is_sqlite() && storage.root == s.storage_root) {
            vec![".lamindb/lamin.db"]
        } else {
            vec![]
        }
    }

    /// Makes a registered location that this instance manages the default storage, and persists
    /// the choice in the instance's settings file.
    pub(crate) fn set_default_storage(&self, root: &str) -> Result<Storage> {
        let parsed = StorageRoot::parse(root)?;
        let storage = self
            .storage_with_root(parsed.as_str())?
            .ok_or_else(|| Error::Refused(Refusal::StorageNotRegistered { root: parsed.to_string() }))?;
        self.check_write(&storage, WriteAction::SetDefaultStorage)?;
        let mut settings = self.settings();
        if settings.is_sqlite() {
            // `storage_root` also says where the SQLite file is: keep it.
            settings.default_storage = Some(storage.root.clone());
        } else {
            settings.storage_root = storage.root.clone();
            settings.storage_region = storage.region.clone();
            settings.default_storage = None;
        }
        self.set_settings(settings)?;
        Ok(storage)
    }
}

impl crate::records::Delete for Storage {
    /// [`StorageLocations::delete`](crate::StorageLocations::delete): refused while the location
    /// has artifacts, is the default, or holds objects other than its marker.
    fn delete_permanently(&self, inst: &Instance) -> Result<()> {
        inst.delete_storage(self)
    }
}
