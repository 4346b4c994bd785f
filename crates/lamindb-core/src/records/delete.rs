//! Deleting and restoring records, per registry: LaminDB's `delete()`, `delete(permanent=True)`
//! and `restore()`.
//!
//! [`Delete`] is implemented by every registry whose records can be deleted for good; [`Trash`]
//! by those that have a trash (branch −1), so `label.delete(&inst)` moves a label to the trash
//! and `user.delete(&inst)` does not compile (LaminDB refuses a soft delete of a user). Most
//! registries take the generic behaviour (rows, their link rows, LaminDB's version promotion);
//! an [`Artifact`] also guards its storage location and handles its bytes, a [`Storage`]
//! location its marker: their implementations are with their behaviour (`artifact/`,
//! `storage.rs`). [`delete_record`] and [`restore_record`] reach the same behaviour for a
//! registry chosen at run time.

use std::marker::PhantomData;

use super::{promote_previous_version, set_branch, stem_of, value_of};
use crate::error::{Error, Result};
use crate::models::{
    Artifact, ArtifactProject, ArtifactRecord, ArtifactULabel, Branch, Collection, Feature, Project, Record,
    Reference, Run, Schema, Space, Storage, Transform, ULabel, User,
};
use crate::pool::Instance;
use crate::query::{Q, QuerySet};
use crate::registry::{Registry, SQLRecord as _};
use crate::value::{SqlType, Value};

/// What a delete did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deleted {
    /// Moved to the trash (branch −1).
    Trashed,
    /// Removed from the database.
    Permanently,
}

/// Records that can be deleted for good (LaminDB's `delete(permanent=True)`).
pub trait Delete: crate::registry::SQLRecord {
    /// Deletes the record from the database, with its link rows. An artifact's bytes go too
    /// when they are under a virtual key (as LaminDB's permanent delete); a storage location is
    /// refused while it has artifacts, is the default, or holds other objects.
    fn delete_permanently(&self, inst: &Instance) -> Result<()> {
        delete_rows(inst, Self::REGISTRY, self.pk()?, true).map(drop)
    }
}

/// Records that have a trash: LaminDB's `delete()` moves them there, `restore()` brings them
/// back.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let tmp = tempfile::tempdir()?;
/// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
/// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
/// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
/// use lamindb_core::{SQLRecord, Trash, ULabel};
///
/// let mut label = ULabel::new("draft").save(&inst)?;
/// label.delete(&inst)?;
/// assert_eq!(ULabel::query().count(&inst)?, 0); // the trash is hidden from queries
/// label.restore(&inst)?;
/// assert_eq!(label.branch_id, Some(1));
/// # Ok(()) }
/// ```
///
/// A registry without a trash has no `delete`:
///
/// ```compile_fail,E0599
/// # fn f(inst: &lamindb_core::Instance, user: lamindb_core::User) {
/// use lamindb_core::Trash;
/// user.delete(inst);
/// # }
/// ```
pub trait Trash: Delete {
    /// Moves the record to the trash (branch −1); a versioned record that was the latest hands
    /// that role to its newest other version. A record already in the trash is refused
    /// ([`Error::InTrash`]): delete it permanently instead.
    fn delete(&self, inst: &Instance) -> Result<()> {
        delete_rows(inst, Self::REGISTRY, self.pk()?, false).map(drop)
    }

    /// Brings the record back from the trash (or archive) to the main branch and reloads it.
    fn restore(&mut self, inst: &Instance) -> Result<()> {
        restore_rows(inst, Self::REGISTRY, self.pk()?)?;
        self.refresh_from_db(inst)
    }

    /// [`Trash::delete`] on a blocking thread of the tokio runtime.
    #[cfg(feature = "tokio")]
    fn delete_async(self, inst: &Instance) -> impl std::future::Future<Output = Result<()>> + Send {
        let inst = inst.clone();
        crate::asyncio::blocking(move || self.delete(&inst))
    }
}

/// Calls `$then!` with every registry that can be deleted: with a trash or without, generic
/// (these traits' default methods) or with behaviour of its own (implemented beside it). The
/// one list both the implementations and the run-time table below are made from.
macro_rules! deletable {
    ($then:ident) => {
        $then! {
            generic_trash: Transform, Run, ULabel, Feature, Project, Reference, Collection, Record, Schema;
            generic_rows: User, Space, Branch, ArtifactULabel, ArtifactRecord, ArtifactProject;
            own_trash: Artifact;
            own_rows: Storage
        }
    };
}

macro_rules! generic {
    (generic_trash: $($t:ty),*; generic_rows: $($r:ty),*; own_trash: $($ot:ty),*; own_rows: $($or:ty),*) => {
        $( impl Delete for $t {} impl Trash for $t {} )*
        $( impl Delete for $r {} )*
    };
}

deletable!(generic);

/// The typed behaviour of one registry, reached from its [`Registry`] at run time.
trait DynDelete: Sync {
    fn delete(&self, inst: &Instance, id: i64, permanent: bool) -> Result<Deleted>;
    fn restore(&self, inst: &Instance, id: i64) -> Result<()>;
}

struct WithTrash<R>(PhantomData<fn() -> R>);
struct WithoutTrash<R>(PhantomData<fn() -> R>);

impl<R: Trash> DynDelete for WithTrash<R> {
    fn delete(&self, inst: &Instance, id: i64, permanent: bool) -> Result<Deleted> {
        let record = R::get_by_id(inst, id)?;
        if permanent {
            record.delete_permanently(inst).map(|()| Deleted::Permanently)
        } else {
            record.delete(inst).map(|()| Deleted::Trashed)
        }
    }

    fn restore(&self, inst: &Instance, id: i64) -> Result<()> {
        R::get_by_id(inst, id)?.restore(inst)
    }
}

impl<R: Delete> DynDelete for WithoutTrash<R> {
    fn delete(&self, inst: &Instance, id: i64, permanent: bool) -> Result<Deleted> {
        if !permanent {
            return Err(no_soft_delete(R::REGISTRY));
        }
        R::get_by_id(inst, id)?.delete_permanently(inst).map(|()| Deleted::Permanently)
    }

    fn restore(&self, _: &Instance, _: i64) -> Result<()> {
        Err(Error::Unsupported {
            registry: R::REGISTRY.name,
            field: None,
            message: format!("{} records have no trash to restore from", R::REGISTRY.name),
        })
    }
}

/// LaminDB's refusal of `delete()` for a registry without a trash.
pub(crate) fn no_soft_delete(reg: &Registry) -> Error {
    Error::Unsupported {
        registry: reg.name,
        field: None,
        message: format!(
            "Soft delete is not possible for {}, use 'permanent=True' or 'permanent=None' for permanent deletion.",
            reg.name
        ),
    }
}

/// The typed behaviour of the registry `reg`. This is the one table from a registry chosen at
/// run time (by name, on the command line) to its Rust type: each entry names the type whose
/// [`Delete`] and [`Trash`] implementations decide what a delete does.
fn typed(reg: &Registry) -> Option<&'static dyn DynDelete> {
    macro_rules! find {
        (generic_trash: $($t:ty),*; generic_rows: $($r:ty),*; own_trash: $($ot:ty),*; own_rows: $($or:ty),*) => {
            $( if reg.table == <$t>::REGISTRY.table { return Some(&WithTrash::<$t>(PhantomData)); } )*
            $( if reg.table == <$ot>::REGISTRY.table { return Some(&WithTrash::<$ot>(PhantomData)); } )*
            $( if reg.table == <$r>::REGISTRY.table { return Some(&WithoutTrash::<$r>(PhantomData)); } )*
            $( if reg.table == <$or>::REGISTRY.table { return Some(&WithoutTrash::<$or>(PhantomData)); } )*
        };
    }
    deletable!(find);
    None
}

fn not_deletable(reg: &Registry) -> Error {
    Error::Unsupported {
        registry: reg.name,
        field: None,
        message: format!("{} records cannot be deleted by this program", reg.name),
    }
}

/// Deletes the record `id` of a registry chosen at run time, as its typed [`Trash::delete`]
/// (or, with `permanent`, [`Delete::delete_permanently`]) does: an artifact's storage and
/// bytes are handled, a storage location checked, other records trashed with their versions
/// promoted.
pub(crate) fn delete_record(
    inst: &Instance,
    reg: &'static Registry,
    id: i64,
    permanent: bool,
) -> Result<Deleted> {
    typed(reg).ok_or_else(|| not_deletable(reg))?.delete(inst, id, permanent)
}

/// Brings the record `id` of a registry chosen at run time back from the trash, as its typed
/// [`Trash::restore`] does.
pub(crate) fn restore_record(inst: &Instance, reg: &'static Registry, id: i64) -> Result<()> {
    typed(reg).ok_or_else(|| not_deletable(reg))?.restore(inst, id)
}

/// Deletes the row `id` of `reg` as the generic [`Trash`] and [`Delete`] do: to the trash
/// unless `permanent`; a record already in the trash needs `permanent`; for good, with the rows
/// of its link tables ([`Registry::links`]). Registries whose records hold more than rows
/// (artifacts, storage locations) implement the traits themselves.
fn delete_rows(db: &Instance, reg: &'static Registry, id: i64, permanent: bool) -> Result<Deleted> {
    let row = QuerySet::new(reg).filter(Q::exact("id", id)).one_row(db)?;
    if !reg.soft_delete && !permanent {
        return Err(no_soft_delete(reg));
    }
    let branch = value_of(reg, &row, "branch_id").as_i64();
    db.transaction(|db| {
        if !permanent {
            if branch == Some(-1) {
                return Err(Error::InTrash { registry: reg.name, id });
            }
            promote_previous_version(db, reg, &row)?;
            set_branch(db, reg, id, -1)?;
            return Ok(Deleted::Trashed);
        }
        if branch.is_some_and(|b| b > -1) {
            promote_previous_version(db, reg, &row)?;
        }
        for (table, column) in reg.links {
            let mut sql = db.sql();
            sql.push("DELETE FROM ").ident(table).push(" WHERE ").ident(column).push(" = ");
            sql.bind(Value::Int(id), SqlType::BigInt);
            db.execute(&sql)?;
        }
        let mut sql = db.sql();
        sql.push("DELETE FROM ")
            .ident(reg.table)
            .push(" WHERE \"id\" = ")
            .bind(Value::Int(id), SqlType::BigInt);
        db.execute(&sql)?;
        Ok(Deleted::Permanently)
    })
}

/// Moves the row `id` of `reg` from the trash (or archive) back to the main branch, as the
/// generic [`Trash::restore`] does. A versioned record becomes the latest of its family again
/// if no other version is.
fn restore_rows(db: &Instance, reg: &'static Registry, id: i64) -> Result<()> {
    if !reg.soft_delete {
        return Err(Error::Unsupported {
            registry: reg.name,
            field: None,
            message: format!("{} records have no trash to restore from", reg.name),
        });
    }
    let row = QuerySet::new(reg).filter(Q::exact("id", id)).one_row(db)?;
    db.transaction(|db| {
        set_branch(db, reg, id, 1)?;
        if reg.versioned {
            let stem = stem_of(reg, value_of(reg, &row, "uid").as_str().unwrap_or_default());
            let has_latest = QuerySet::new(reg)
                .filter(Q::kw("uid__startswith", stem)?)
                .filter(Q::kw("branch_id", 1)?)
                .filter(Q::kw("is_latest", true)?)
                .exclude(Q::exact("id", id))
                .exists(db)?;
            let mut sql = db.sql();
            sql.push("UPDATE ").ident(reg.table).push(" SET \"is_latest\" = ");
            sql.bind(Value::Bool(!has_latest), SqlType::Bool).push(" WHERE \"id\" = ");
            sql.bind(Value::Int(id), SqlType::BigInt);
            db.execute(&sql)?;
        }
        Ok(())
    })
}
