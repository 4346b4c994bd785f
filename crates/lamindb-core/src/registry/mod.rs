//! Registries and the [`SQLRecord`] trait.
//!
//! Each registry is declared once, with the [`registry!`](crate::registry!) macro: a Rust struct plus a
//! static [`Registry`] table of its [`Field`]s (column name, SQL type, nullability, relation). That
//! one declaration drives the SQL (column lists, inserts, updates), the validation of field names in
//! lookups, and column lists of exports.
//!
//! This file holds the [`SQLRecord`] trait and the traits and context of saves; `decl.rs` the
//! [`Field`] and [`Registry`] declarations, `row.rs` the insert and update of a row, `macros.rs`
//! the [`registry!`](crate::registry!) macro.

pub(crate) mod decl;
mod macros;
mod row;

use crate::db::DynRow;
use crate::error::{Error, Result};
use crate::pool::Instance;
use crate::value::{SqlType, Value};

pub use decl::{Field, Registry, TransferPolicy};
pub(crate) use row::{insert_row, save_with, update_row};

/// A row of one registry.
///
/// Implemented by the [`registry!`](crate::registry!) macro; the methods are provided on top of
/// the field table, so every registry reads and writes itself the same way on both backends.
/// Every method takes the [`Instance`] to work on.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let tmp = tempfile::tempdir()?;
/// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
/// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
/// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
/// use lamindb_core::{SQLRecord, ULabel, fields::ulabel};
///
/// let mut label = ULabel::new("T cell").save(&inst)?;
/// label.description = Some("a lymphocyte".into());
/// label.save(&inst)?;
/// let same = ULabel::get(&inst, &label.uid)?;
/// assert_eq!(same.description.as_deref(), Some("a lymphocyte"));
/// assert_eq!(ULabel::filter(ulabel::NAME.starts_with("T ")).count(&inst)?, 1);
/// # Ok(()) }
/// ```
pub trait SQLRecord: Sized + Clone + Default + std::fmt::Debug + Send + Sync + 'static {
    /// The registry's static description.
    const REGISTRY: &'static Registry;

    /// Field values, in [`Registry::fields`] order.
    fn values(&self) -> Vec<Value>;

    /// Builds a record from values in [`Registry::fields`] order.
    fn from_row_values(values: Vec<Value>) -> Result<Self>;

    /// The primary key, once saved.
    fn id(&self) -> Option<i64>;

    /// The primary key of a saved record, or [`Error::NotSaved`] for one not saved yet.
    fn pk(&self) -> Result<i64> {
        self.id().ok_or(Error::NotSaved { registry: Self::REGISTRY.name })
    }

    /// The value of one field by column name.
    fn value(&self, field: &str) -> Option<Value> {
        let idx = Self::REGISTRY.index(field)?;
        self.values().into_iter().nth(idx)
    }

    /// The record as a JSON object: column name → value, in field order.
    fn to_json(&self) -> serde_json::Value {
        let map = Self::REGISTRY
            .fields
            .iter()
            .zip(self.values())
            .map(|(f, v)| (f.name.to_string(), v.to_json()))
            .collect::<serde_json::Map<_, _>>();
        serde_json::Value::Object(map)
    }

    /// Checks every field against the registry's rules and returns all failures at once as
    /// [`Error::Validation`] (LaminDB's `full_clean`): required fields, column widths, allowed
    /// values, uid length, and unique fields against the database. [`SQLRecord::save`] calls it.
    fn validate(&self, inst: &Instance) -> Result<()> {
        crate::validate::validate(inst, Self::REGISTRY, self.id(), &self.values())
    }

    /// Validates (unique fields through the database's constraints), then inserts the record
    /// (when it has no id) or updates it, and returns the record as the database now holds it
    /// (with its id, its `created_at`, …); the value it was called on is left as it was. Fills
    /// the fields that [`TracksRun`] describes from the instance (its user, its run) and bumps
    /// [`TracksUpdates`] fields. A missing uid is generated.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
    /// use lamindb_core::{SQLRecord, ULabel};
    ///
    /// let draft = ULabel::new("T cell");
    /// let saved = draft.save(&inst)?;
    /// assert!(draft.id.is_none());
    /// assert_eq!(saved.pk()?, ULabel::get(&inst, &saved.uid)?.pk()?);
    /// # Ok(()) }
    /// ```
    fn save(&self, inst: &Instance) -> Result<Self> {
        let mut rec = self.clone();
        if rec.id().is_none()
            && Self::REGISTRY.has("uid")
            && rec.value("uid").is_some_and(|v| v.as_str() == Some(""))
        {
            let mut values = rec.values();
            let i = Self::REGISTRY.index("uid").expect("has uid");
            values[i] = Value::Text(crate::uid::new_uid(Self::REGISTRY));
            rec = Self::from_row_values(values)?;
        }
        let reg = Self::REGISTRY;
        crate::validate::check_fields(reg, &rec.values())?;
        let ctx = inst.save_context()?;
        let (id, values) = (rec.id(), rec.values());
        save_with(&mut rec, inst, &ctx).map_err(|e| match e.is_unique_violation() {
            true => crate::validate::explain_unique_violation(inst, reg, id, &values, e),
            false => e,
        })?;
        Ok(rec)
    }

    /// Updates only `fields` of a saved record (Django's `save(update_fields=…)`), after
    /// validating the record; other columns keep what the database has. `fields`: one field of
    /// this registry (`ulabel::NAME`) or a tuple (`(ulabel::NAME, ulabel::DESCRIPTION)`).
    fn save_fields(&mut self, inst: &Instance, fields: impl crate::query::FieldSet<Self>) -> Result<Self> {
        let reg = Self::REGISTRY;
        let id = self.id().ok_or_else(|| Error::NotSaved { registry: reg.name })?;
        let fields =
            fields.field_names().into_iter().map(|f| reg.check_field(f)).collect::<Result<Vec<_>>>()?;
        self.validate(inst)?;
        if fields.is_empty() && !reg.has("updated_at") {
            return Ok(self.clone());
        }
        let values = self.values();
        let row = inst.transaction(|tx| tx.with_db(|db| update_row(db, reg, id, &values, Some(&fields))))?;
        *self = Self::from_row(row)?;
        Ok(self.clone())
    }

    /// Deletes the row alone (no trash, no link rows, no storage checks): for repairs and
    /// tests; [`Delete`](crate::Delete) and [`Trash`](crate::Trash) are LaminDB's deletes.
    #[doc(hidden)]
    fn delete_row(&self, inst: &Instance) -> Result<()> {
        let id = self.pk()?;
        let mut sql = inst.sql();
        sql.push("DELETE FROM ").ident(Self::REGISTRY.table).push(" WHERE \"id\" = ");
        sql.bind(Value::Int(id), SqlType::BigInt);
        inst.execute(&sql)?;
        Ok(())
    }

    /// Reloads all fields from the database.
    fn refresh_from_db(&mut self, inst: &Instance) -> Result<()> {
        let id = self.pk()?;
        *self = Self::get_by_id(inst, id)?;
        Ok(())
    }

    /// Reloads only `fields` (fields of this registry, one or a tuple) from the database
    /// (`refresh_from_db(fields=…)`); the others keep their values in memory.
    fn refresh_fields(&mut self, inst: &Instance, fields: impl crate::query::FieldSet<Self>) -> Result<()> {
        let reg = Self::REGISTRY;
        let id = self.id().ok_or_else(|| Error::NotSaved { registry: reg.name })?;
        let fields =
            fields.field_names().into_iter().map(|f| reg.check_field(f)).collect::<Result<Vec<_>>>()?;
        let fresh = Self::get_by_id(inst, id)?.values();
        let mut values = self.values();
        for f in fields {
            let idx = reg.index(f.name).expect("checked");
            values[idx] = fresh[idx].clone();
        }
        *self = Self::from_row_values(values)?;
        Ok(())
    }

    /// The record with this primary key, or LaminDB's "`<Registry>` matching query does not exist.".
    fn get_by_id(inst: &Instance, id: i64) -> Result<Self> {
        Self::query().all_branches().filter_eq("id", Value::Int(id)).one(inst)
    }

    /// LaminDB's `get(idlike)`: an integer id, a uid, or a uid prefix (latest version first for
    /// versioned registries); sees every branch. See [`QuerySet::get_row`](crate::QuerySet::get_row).
    fn get(inst: &Instance, idlike: &str) -> Result<Self> {
        Self::from_row_values(crate::query::QuerySet::get_row(inst, Self::REGISTRY, idlike)?)
    }

    /// A query over all rows of this registry.
    fn query() -> crate::query::Query<Self> {
        crate::query::Query::new()
    }

    /// The records matching `cond`, built from this registry's fields (`Registry.filter(…)`).
    fn filter(cond: crate::query::Where<Self>) -> crate::query::Query<Self> {
        Self::query().filter(cond)
    }

    /// LaminDB's `from_values(values, field, create)`: the records whose `field` (a text column
    /// of this registry) has one of `values`. Without `create`, only existing records come back,
    /// with LaminDB's log lines ("loaded N ULabel records matching name: …", "did not create
    /// ULabel records for N non-validated names: …"); with `create`, one new unsaved record each.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
    /// use lamindb_core::{SQLRecord, ULabel, fields::ulabel};
    ///
    /// ULabel::new("ULabel1").save(&inst)?;
    /// let found = ULabel::from_values(&inst, ["ULabel1", "ULabel2"], &ulabel::NAME, false)?;
    /// assert_eq!(found.records.len(), 1);
    /// assert_eq!(found.logs, ["loaded 1 ULabel record matching name: 'ULabel1'", "did not create ULabel record for 1 non-validated name: 'ULabel2'"]);
    /// # Ok(()) }
    /// ```
    fn from_values<V: Into<String>>(
        inst: &Instance,
        values: impl IntoIterator<Item = V>,
        field: &crate::query::Col<Self, crate::query::kind::Text>,
        create: bool,
    ) -> Result<crate::records::values::FromValues<Self>> {
        let values = values.into_iter().map(Into::into).collect();
        let reg = Self::REGISTRY;
        crate::records::values::from_values(
            inst,
            reg,
            Self::default().values(),
            values,
            field.path(),
            create,
        )?
        .try_map(Self::from_row_values)
    }

    /// [`SQLRecord::save`] on a blocking thread of the tokio runtime: never blocks a worker.
    #[cfg(feature = "tokio")]
    fn save_async(self, inst: &Instance) -> impl std::future::Future<Output = Result<Self>> + Send {
        let inst = inst.clone();
        crate::asyncio::blocking(move || self.save(&inst))
    }

    /// [`SQLRecord::refresh_from_db`] on a blocking thread of the tokio runtime.
    #[cfg(feature = "tokio")]
    fn refresh_from_db_async(
        mut self,
        inst: &Instance,
    ) -> impl std::future::Future<Output = Result<Self>> + Send {
        let inst = inst.clone();
        crate::asyncio::blocking(move || self.refresh_from_db(&inst).map(|()| self))
    }

    /// Builds a record from a row selected with [`Registry::push_columns`].
    #[doc(hidden)]
    fn from_row(row: DynRow) -> Result<Self> {
        let reg = Self::REGISTRY;
        let values = row
            .values
            .into_iter()
            .zip(reg.fields)
            .map(|(v, f)| v.coerce(f.ty, f.name))
            .collect::<Result<Vec<_>>>()?;
        Self::from_row_values(values)
    }
}

/// Records that track their creator and the run that made them (`created_at`, `created_by`, `run`).
pub trait TracksRun: SQLRecord {
    /// When the row was inserted (UTC).
    fn created_at(&self) -> Option<chrono::DateTime<chrono::Utc>>;
    /// The user who created the record.
    fn created_by_id(&self) -> Option<i64>;
    /// The run that created or last updated the record.
    fn run_id(&self) -> Option<i64>;

    /// The records of this registry that the run `run_id` created or last updated, for any
    /// registry that tracks runs:
    ///
    /// ```
    /// use lamindb_core::{Instance, Query, Result, TracksRun};
    ///
    /// /// How many records of `R` a run left behind.
    /// fn produced<R: TracksRun>(inst: &Instance, run_id: i64) -> Result<usize> {
    ///     R::made_by_run(run_id).count(inst)
    /// }
    /// # let _ = produced::<lamindb_core::ULabel>;
    /// ```
    fn made_by_run(run_id: i64) -> crate::query::Query<Self> {
        Self::query().filter_eq("run_id", run_id)
    }
}

/// Records that carry `updated_at`, bumped on every save (LaminDB only sets it on insert).
pub trait TracksUpdates: SQLRecord {
    /// When the row was last saved (UTC).
    fn updated_at(&self) -> Option<chrono::DateTime<chrono::Utc>>;
}

/// Who is saving: the instance's current user and run, used for [`TracksRun`] fields.
#[derive(Clone, Copy, Debug)]
pub struct SaveContext {
    /// `lamindb_user.id` of the current user.
    pub user_id: i64,
    /// `lamindb_run.id` of the run being tracked, if any.
    pub run_id: Option<i64>,
}
