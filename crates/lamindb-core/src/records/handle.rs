//! [`RegistryRecords`]: the records of a registry chosen at run time (by name, as the command
//! line does), reached through [`Instance::registry`]. Typed code uses the record types and the
//! [`SQLRecord`](crate::SQLRecord) trait instead.

use super::Deleted;
use crate::error::Result;
use crate::pool::Instance;
use crate::query::QuerySet;
use crate::registry::Registry;
use crate::value::Value;

// The door to registries chosen at run time.
impl Instance {
    /// The records of `registry`, a registry chosen at run time (for example
    /// [`models::registry_by_name`](crate::models::registry_by_name)'s answer); see [`RegistryRecords`].
    pub fn registry(&self, registry: &'static Registry) -> RegistryRecords<'_> {
        RegistryRecords { inst: self, reg: registry }
    }
}

/// The records of one registry chosen at run time, on one instance: get a row, update plain
/// fields, move to the trash and back, delete for good, insert rows in bulk. Values are
/// [`Value`]s in the registry's field order.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let tmp = tempfile::tempdir()?;
/// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
/// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
/// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
/// use lamindb_core::{Deleted, SQLRecord, ULabel, Value};
/// let label = ULabel::new("T cel").save(&inst)?;
/// let ulabels = inst.registry(ULabel::REGISTRY);
/// ulabels.update(&label.uid, &[("name", Value::from("T cell"))])?;
/// assert_eq!(ULabel::get(&inst, &label.uid)?.name, "T cell");
/// let id = label.id.expect("saved");
/// assert_eq!(ulabels.delete(id, false)?, Deleted::Trashed);
/// ulabels.restore(id)?;
/// assert_eq!(ulabels.delete(id, true)?, Deleted::Permanently);
/// assert!(ulabels.get(&label.uid).is_err());
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct RegistryRecords<'a> {
    inst: &'a Instance,
    reg: &'static Registry,
}

impl RegistryRecords<'_> {
    /// The registry.
    pub fn registry(&self) -> &'static Registry {
        self.reg
    }

    /// The row of LaminDB's `get(idlike)`: an integer id, a full uid, or a uid prefix (the
    /// latest version first). Trashed records are found too.
    pub fn get(&self, idlike: &str) -> Result<Vec<Value>> {
        QuerySet::get_row(self.inst, self.reg, idlike)
    }

    /// Changes plain fields of one record, found by id, uid or uid prefix (LaminDB's
    /// `lamin update`): `changes` are field names and values, coerced to the fields' types.
    /// Keys, timestamps and relations cannot change this way; the record is validated as a whole
    /// before the update (unique fields included), and `updated_at` is bumped. Returns the
    /// updated row.
    pub fn update(&self, idlike: &str, changes: &[(&str, Value)]) -> Result<Vec<Value>> {
        self.inst.update_record(self.reg, idlike, changes)
    }

    /// Deletes the record with `id` as its registry's [`Trash::delete`](crate::Trash::delete)
    /// does (LaminDB's `delete()`), or with `permanent` its
    /// [`Delete::delete_permanently`](crate::Delete::delete_permanently): an artifact's storage
    /// is checked and its bytes handled, a storage location is checked; registries without a
    /// trash refuse a soft delete with LaminDB's message.
    pub fn delete(&self, id: i64, permanent: bool) -> Result<Deleted> {
        super::delete_record(self.inst, self.reg, id, permanent)
    }

    /// Moves the record `id` from the trash (or archive) back to the main branch, as its
    /// registry's [`Trash::restore`](crate::Trash::restore) does: a versioned record becomes the
    /// latest of its family again if no other version is.
    pub fn restore(&self, id: i64) -> Result<()> {
        super::restore_record(self.inst, self.reg, id)
    }

    /// Inserts many rows in one statement per chunk (inside the caller's transaction, if any).
    /// Every row has the same `columns`; nothing is validated beyond the field names.
    pub fn bulk_insert(&self, columns: &[&str], rows: &[Vec<Value>]) -> Result<()> {
        super::bulk_insert(self.inst, self.reg, columns, rows)
    }
}
