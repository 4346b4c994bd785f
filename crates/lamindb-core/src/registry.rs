//! Registries and the [`SQLRecord`] trait.
//!
//! Each registry is declared once, with the [`registry!`](crate::registry!) macro: a Rust struct plus a
//! static [`Registry`] table of its [`Field`]s (column name, SQL type, nullability, relation). That
//! one declaration drives the SQL (column lists, inserts, updates), the validation of field names in
//! lookups, and column lists of exports.

use crate::db::{Db, DynRow, Sql};
use crate::error::{Error, Result};
use crate::instance::Instance;
use crate::value::{SqlType, Value};

/// One column of a registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// Column name as in LaminDB's table (`created_by_id`, `_aux`, `type`).
    pub name: &'static str,
    /// SQL type.
    pub ty: SqlType,
    /// Whether the column admits NULL.
    pub nullable: bool,
    /// For a foreign key: the name of the registry it points to.
    pub relation: Option<&'static str>,
    /// The values the field admits (kinds, status codes), if restricted.
    pub choices: Option<&'static [&'static str]>,
    /// Whether no two records may share a value (checked by validation before a save).
    pub unique: bool,
    /// Whether a private (`_`) field is shown in DataFrames anyway, as LaminDB shows it
    /// (Feature's `_dtype_str`, its `dtype`).
    pub shown: bool,
}

impl Field {
    /// A NOT NULL column without relation.
    pub const fn new(name: &'static str, ty: SqlType) -> Field {
        Field { name, ty, nullable: false, relation: None, choices: None, unique: false, shown: false }
    }

    /// Restricts the field to `choices`.
    pub const fn choices(mut self, choices: &'static [&'static str]) -> Field {
        self.choices = Some(choices);
        self
    }

    /// Marks the field unique.
    pub const fn unique(mut self) -> Field {
        self.unique = true;
        self
    }

    /// Shows the private field in DataFrames (see [`Field::shown`]).
    pub const fn shown(mut self) -> Field {
        self.shown = true;
        self
    }

    /// Marks the column nullable.
    pub const fn null(mut self) -> Field {
        self.nullable = true;
        self
    }

    /// Marks the column as a foreign key to `registry`.
    pub const fn fk(mut self, registry: &'static str) -> Field {
        self.relation = Some(registry);
        self
    }

    /// Whether the field is private (LaminDB hides `_` fields from listings and field lists).
    pub fn is_private(&self) -> bool {
        self.name.starts_with('_')
    }
}

/// Static description of a registry (one SQL table).
#[derive(Debug)]
pub struct Registry {
    /// LaminDB's class name (`Storage`, `ULabel`).
    pub name: &'static str,
    /// Table name (`lamindb_storage`).
    pub table: &'static str,
    /// Length of the uid, if the registry has one.
    pub uid_len: Option<usize>,
    /// The field used as the record's name (`root` for Storage, `name` for ULabel, `handle` for User).
    pub name_field: &'static str,
    /// Whether `delete()` moves records to the trash (branch −1) instead of deleting them.
    pub soft_delete: bool,
    /// Whether the registry is versioned (`version_tag`, `is_latest`).
    pub versioned: bool,
    /// Columns, in LaminDB's model order.
    pub fields: &'static [Field],
    /// Whether new uids start with a stem that sorts by creation time
    /// ([`time_ordered_stem`](crate::uid::time_ordered_stem): Artifact, Run).
    pub time_ordered_uid: bool,
    /// Reverse and many-to-many relations, by LaminDB's related names (forward relations are
    /// the `fk` fields).
    pub relations: &'static [crate::models::Relation],
    /// Link tables whose rows go with a record deleted for good: (table, column pointing to
    /// the record).
    pub links: &'static [(&'static str, &'static str)],
    /// The fields a transfer between instances matches an existing record by, tried in order
    /// (`uid` unless declared: Storage by `root`; User also by `handle`; labels and features
    /// also by `name`, on the main branch, a type matching a type).
    pub natural_keys: &'static [&'static str],
    /// What a transfer between instances does with records of this registry.
    pub transfer: TransferPolicy,
    /// The only fields an update by field name may change, when restricted (Artifact's
    /// `description` and `kind`: its other fields describe its bytes, or move them).
    pub updatable: Option<&'static [&'static str]>,
    /// `(field, prefix)`: records whose field starts with the prefix are left out of DataFrames
    /// unless the query filters on that field (LaminDB hides an artifact of `kind`
    /// `__lamindb_run__`, a run's report or environment).
    pub hidden_unless_asked: Option<(&'static str, &'static str)>,
}

/// What a transfer between instances ([`Instance::transfer_from`]) does with the records of a
/// registry, whether transferred or pointed to by a transferred record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransferPolicy {
    /// Matched by [`Registry::natural_keys`], else copied (users, labels, features, transforms).
    Copied,
    /// A storage location: matched by its natural keys; one whose uid is here under another root
    /// is refused ([`Refusal::StorageRootConflict`](crate::Refusal::StorageRootConflict)); a new
    /// one is a linked location, which this instance does not write to.
    Linked,
    /// Matched by its natural keys, never copied: a missing one refuses the transfer
    /// ([`Refusal::UnmappedSpace`](crate::Refusal::UnmappedSpace)).
    MatchedOnly,
    /// Not carried along by a reference: a transferred record's nullable field pointing to one
    /// becomes `NULL`, a required one refuses the transfer (runs, schemas).
    NotAlong,
    /// Not carried along by a reference either, and transferred only by an operation of its own
    /// (artifacts): transferring its records as plain records is refused with this message.
    Own(&'static str),
}

impl Registry {
    /// The field with this column name.
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The position of the column `name` in [`Registry::fields`] (and in [`SQLRecord::values`]).
    pub fn index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    /// Whether the registry has a column of this name.
    pub fn has(&self, name: &str) -> bool {
        self.field(name).is_some()
    }

    /// The field named `name`, or LaminDB's "Unknown field" error listing the available fields.
    /// A relation may be named without `_id` (`created_by` for `created_by_id`).
    pub fn check_field(&self, name: &str) -> Result<&'static Field> {
        if let Some(f) = self.field(name) {
            return Ok(f);
        }
        if let Some(f) = self.field(&format!("{name}_id")).filter(|f| f.relation.is_some()) {
            return Ok(f);
        }
        Err(Error::UnknownField { field: name.to_string(), available: self.available_fields() })
    }

    /// The public field names, sorted and comma separated (private `_` fields excluded; relations are
    /// listed both as `x` and `x_id`), as LaminDB's error messages show them.
    pub fn available_fields(&self) -> String {
        self.field_names().join(", ")
    }

    /// The public field names, sorted: columns, and relations also without `_id`.
    ///
    /// ```
    /// use lamindb_core::SQLRecord;
    /// let names = lamindb_core::ULabel::REGISTRY.field_names();
    /// assert!(names.contains(&"created_by".to_string()) && names.contains(&"created_by_id".to_string()));
    /// ```
    pub fn field_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for f in self.fields.iter().filter(|f| !f.is_private()) {
            names.push(f.name.to_string());
            if f.relation.is_some() {
                if let Some(stem) = f.name.strip_suffix("_id") {
                    names.push(stem.to_string());
                }
            }
        }
        names.sort();
        names.dedup();
        names
    }

    /// Appends the quoted column list of this registry to `sql`.
    pub(crate) fn push_columns(&self, sql: &mut Sql) {
        for (i, f) in self.fields.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.ident(f.name);
        }
    }
}

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
/// # let (inst, _) = lamindb_core::Instance::init(&settings, &opts)?;
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
    /// # let (inst, _) = lamindb_core::Instance::init(&settings, &opts)?;
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
    /// # let (inst, _) = lamindb_core::Instance::init(&settings, &opts)?;
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
    ) -> Result<crate::records::FromValues<Self>> {
        crate::records::from_values(inst, values.into_iter().map(Into::into).collect(), field.path(), create)
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

/// Inserts or updates `rec` on a connection, with `ctx` for the [`TracksRun`] fields.
pub(crate) fn save_in<R: SQLRecord>(rec: &mut R, db: &mut Db, ctx: &SaveContext) -> Result<()> {
    let reg = R::REGISTRY;
    let mut values = rec.values();
    for (f, v) in reg.fields.iter().zip(values.iter_mut()) {
        match f.name {
            "created_by_id" if v.is_null() => *v = Value::Int(ctx.user_id),
            "run_id" if v.is_null() => {
                if let Some(run) = ctx.run_id {
                    *v = Value::Int(run)
                }
            }
            _ => {}
        }
    }
    let row = match rec.id() {
        None => insert_row(db, reg, &values)?,
        Some(id) => update_row(db, reg, id, &values, None)?,
    };
    *rec = R::from_row(row)?;
    Ok(())
}

/// [`save_in`] on one of the instance's connections, without validation.
pub(crate) fn save_with<R: SQLRecord>(rec: &mut R, inst: &Instance, ctx: &SaveContext) -> Result<()> {
    // In a transaction of its own (a savepoint inside the caller's), so that a busy SQLite
    // database is waited for before anything runs.
    inst.transaction(|tx| tx.with_db(|db| save_in(rec, db, ctx)))
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

pub(crate) fn insert_row(db: &mut Db, reg: &Registry, values: &[Value]) -> Result<DynRow> {
    let mut sql = db.sql();
    sql.push("INSERT INTO ").ident(reg.table).push(" (");
    // NOT NULL columns left unset take their column default; nullable ones are written as NULL
    // (as Django does: a JSON column's default 'null' would differ from SQL NULL).
    let present: Vec<(&Field, &Value)> =
        reg.fields.iter().zip(values).filter(|(f, v)| f.nullable || !v.is_null()).collect();
    for (i, (f, _)) in present.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.ident(f.name);
    }
    sql.push(") VALUES (");
    for (i, (f, v)) in present.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind((*v).clone(), f.ty);
    }
    sql.push(") RETURNING ");
    reg.push_columns(&mut sql);
    one_row(db.query(&sql)?)
}

/// Updates the row `id` to `values` (all fields, or only the fields `only`) and bumps
/// `updated_at`; returns the row as saved.
pub(crate) fn update_row(
    db: &mut Db,
    reg: &Registry,
    id: i64,
    values: &[Value],
    only: Option<&[&'static Field]>,
) -> Result<DynRow> {
    let mut sql = db.sql();
    sql.push("UPDATE ").ident(reg.table).push(" SET ");
    let mut first = true;
    for (f, v) in reg.fields.iter().zip(values) {
        let chosen = f.name == "updated_at" || only.is_none_or(|only| only.contains(&f));
        if matches!(f.name, "id" | "created_at") || !chosen {
            continue;
        }
        if !first {
            sql.push(", ");
        }
        first = false;
        sql.ident(f.name).push(" = ");
        if f.name == "updated_at" {
            sql.now();
        } else {
            sql.bind(v.clone(), f.ty);
        }
    }
    sql.push(" WHERE \"id\" = ").bind(Value::Int(id), SqlType::BigInt).push(" RETURNING ");
    reg.push_columns(&mut sql);
    let rows = db.query(&sql)?;
    if rows.is_empty() {
        return Err(Error::DoesNotExist {
            registry: reg.name,
            message: format!("{} matching query does not exist.", reg.name),
        });
    }
    one_row(rows)
}

fn one_row(mut rows: Vec<DynRow>) -> Result<DynRow> {
    rows.pop().ok_or_else(|| Error::decode("the statement returned no row"))
}

/// The value given to an optional clause of [`registry!`](crate::registry!), else the default.
#[doc(hidden)]
#[macro_export]
macro_rules! __given_or {
    (; $default:expr) => {
        $default
    };
    ($given:expr; $default:expr) => {
        $given
    };
}

/// The generic doc line of a field declared with [`registry!`] (LaminDB's meaning of the common
/// columns, else "The `x` column."), or nothing when the field carries its own doc attributes.
#[doc(hidden)]
#[macro_export]
macro_rules! registry_field_doc {
    (branch_id, $what:literal) => {
        "The branch: 1 `main`, 0 archive, −1 trash (soft-deleted)."
    };
    (created_on_id, $what:literal) => {
        "The branch the record was created on (never changes)."
    };
    (space_id, $what:literal) => {
        "The space that governs access (1: `all`)."
    };
    (is_locked, $what:literal) => {
        "Whether the record is locked against changes."
    };
    (created_by_id, $what:literal) => {
        "The user who created the record."
    };
    (run_id, $what:literal) => {
        "The run that created the record, if any."
    };
    ($field:ident, $what:literal) => {
        concat!("The `", stringify!($field), "` ", $what, ".")
    };
    ($field:ident, $what:literal, $($attr:tt)+) => {
        ""
    };
}

/// Declares a registry: the record struct, its [`Registry`] table and its [`SQLRecord`] impl.
///
/// A field `name: RustType as CONSTANT = Field::new(…);` becomes the typed field
/// `module::CONSTANT`, of the column kind of its Rust type ([`ColumnType`](crate::query::kind::ColumnType));
/// `as CONSTANT(Date)` names the kind instead (a date held as a `String`).
/// A field's `///` lines document it (on the struct field and on its typed-field constant);
/// a field without them is documented as "The `x` column."
#[macro_export]
macro_rules! registry {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            name: $reg:literal, module: $module:ident, table: $table:literal, uid_len: $uid:expr, name_field: $nf:literal,
            soft_delete: $sd:expr, versioned: $ver:expr
            $(, time_ordered_uid: $tou:expr)? $(, relations: $rels:expr)? $(, links: $links:expr)?
            $(, natural_keys: $nk:expr)? $(, transfer: $tp:expr)? $(, updatable: $up:expr)?
            $(, hidden_unless_asked: $hide:expr)?;
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty as $konst:ident $(($kind:ident))? = $def:expr; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Default)]
        pub struct $name {
            $(
                #[doc = $crate::registry_field_doc!($field, "column" $(, #[$fmeta])*)]
                $(#[$fmeta])*
                pub $field: $ty,
            )*
        }

        #[doc = concat!("Typed fields of [`", stringify!($name), "`], for queries: `", stringify!($module), "::NAME.starts_with(\"a\")`.")]
        pub mod $module {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[doc = $crate::registry_field_doc!($field, "field" $(, #[$fmeta])*)]
                $(#[$fmeta])*
                pub const $konst: $crate::query::Col<super::$name, $crate::__column_kind!($ty $(, $kind)?)> =
                    $crate::query::Col::new($def.name);
            )*
        }

        impl $crate::registry::SQLRecord for $name {
            const REGISTRY: &'static $crate::registry::Registry = &$crate::registry::Registry {
                name: $reg,
                table: $table,
                uid_len: $uid,
                name_field: $nf,
                soft_delete: $sd,
                versioned: $ver,
                fields: &[ $( $def ),* ],
                time_ordered_uid: $crate::__given_or!($($tou)?; false),
                relations: $crate::__given_or!($($rels)?; &[]),
                links: $crate::__given_or!($($links)?; &[]),
                natural_keys: $crate::__given_or!($($nk)?; &["uid"]),
                transfer: $crate::__given_or!($($tp)?; $crate::registry::TransferPolicy::Copied),
                updatable: $crate::__given_or!($($up)?; None),
                hidden_unless_asked: $crate::__given_or!($($hide)?; None),
            };

            fn values(&self) -> Vec<$crate::value::Value> {
                vec![ $( $crate::value::FieldValue::to_value(&self.$field) ),* ]
            }

            fn from_row_values(values: Vec<$crate::value::Value>) -> $crate::error::Result<Self> {
                let mut it = values.into_iter().zip(Self::REGISTRY.fields);
                Ok(Self { $( $field: {
                    let (v, f) = it.next().expect("one value per field");
                    $crate::value::FieldValue::from_value(v, f.name)?
                }, )* })
            }

            fn id(&self) -> Option<i64> {
                self.id
            }
        }
    };
}
