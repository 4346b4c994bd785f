//! [`StorageLocations`]: the storage locations of an instance, reached through
//! [`Instance::storage`].

use super::{StorageOutcome, WriteAction};
use crate::error::Result;
use crate::models::Storage;
use crate::pool::Instance;

// The door to the instance's storage locations.
impl Instance {
    /// The storage locations registered in this instance; see [`StorageLocations`].
    pub fn storage(&self) -> StorageLocations<'_> {
        StorageLocations { inst: self }
    }
}

/// The storage locations of one instance (LaminDB's `Storage` registry with its behaviour):
/// register, list, find, delete, and switch the default one. Artifacts are saved into the
/// default location unless they name another.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let tmp = tempfile::tempdir()?;
/// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
/// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
/// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
/// let storage = inst.storage();
/// let default = storage.default()?;
/// assert_eq!(storage.list()?.len(), 1);
/// let root = tmp.path().join("more").display().to_string();
/// let (added, _) = storage.add(&root, Some("more data"))?;
/// assert_eq!(storage.get(&root)?.uid, added.uid);
/// storage.set_default(&root)?;
/// assert_eq!(storage.default()?.uid, added.uid);
/// storage.set_default(&default.root)?;
/// storage.delete(&added)?;
/// assert_eq!(storage.list()?.len(), 1);
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct StorageLocations<'a> {
    inst: &'a Instance,
}

impl StorageLocations<'_> {
    /// Registers a storage location, as LaminDB's `Storage(root).save()`: an existing record
    /// with the same (normalised) root is returned; otherwise the marker decides whether the
    /// location is managed by this instance, read-only (marked by another) or unwritable. The
    /// filesystem root and the home folder are refused
    /// ([`Refusal::StorageRootTooBroad`](crate::Refusal::StorageRootTooBroad)).
    pub fn add(&self, root: &str, description: Option<&str>) -> Result<(Storage, StorageOutcome)> {
        self.inst.add_storage(root, description)
    }

    /// All storage locations, by id.
    pub fn list(&self) -> Result<Vec<Storage>> {
        self.inst.storages()
    }

    /// A storage location by LaminDB's `get(idlike)`: an integer is an id, a string a uid or uid
    /// prefix; a string with `/` or `://` is a root.
    pub fn get(&self, idlike: &str) -> Result<Storage> {
        self.inst.get_storage(idlike)
    }

    /// The default storage location of this instance.
    pub fn default(&self) -> Result<Storage> {
        self.inst.default_storage()
    }

    /// The one gate for writes into a storage location: refused
    /// ([`Error::Refused`](crate::Error::Refused)), with LaminDB's message for `action`, unless
    /// this instance manages the location.
    pub fn check_write(&self, storage: &Storage, action: WriteAction) -> Result<()> {
        self.inst.check_write(storage, action)
    }

    /// Deletes a storage location as LaminDB does: refused while it has artifacts (in any branch,
    /// trash included), when it is the default storage, or when its `.lamindb/` holds objects
    /// other than the marker; otherwise the marker (if this instance manages it) and the record
    /// are removed. Directories are left in place.
    pub fn delete(&self, storage: &Storage) -> Result<()> {
        self.inst.delete_storage(storage)
    }

    /// Makes a registered location that this instance manages the default storage, and persists
    /// the choice in the instance's settings file.
    pub fn set_default(&self, root: &str) -> Result<Storage> {
        self.inst.set_default_storage(root)
    }
}
