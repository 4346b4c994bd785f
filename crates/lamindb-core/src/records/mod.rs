//! Operations on records of any registry, chosen at run time: `get(idlike)`, soft delete to the
//! trash, restore, permanent delete, bulk creation of labels with LaminDB's name handling, and
//! reading another instance (`using`).
//!
//! `labels.rs` is the creation of many labels at once (`create_ulabels`, `bulk_create_ulabels`).

mod delete;
mod handle;
mod labels;
pub(crate) mod values;

pub use delete::{Delete, Deleted, Trash};
pub(crate) use delete::{delete_record, restore_record};
pub use handle::RegistryRecords;
pub use labels::{BulkCreated, Created, NameMatch};
pub use values::FromValues;

use crate::error::{Error, Result};
use crate::models::ULabel;
use crate::pool::Instance;
use crate::query::{Q, QuerySet};
use crate::registry::{Registry, SQLRecord};
use crate::settings::SettingsDir;
use crate::value::{SqlType, Value};

fn value_of(reg: &Registry, row: &[Value], field: &str) -> Value {
    reg.index(field).map(|i| row[i].clone()).unwrap_or(Value::Null)
}

/// The uid stem of a versioned record (its uid without the 4-character version suffix).
fn stem_of(reg: &Registry, uid: &str) -> String {
    uid.chars().take(reg.uid_len.unwrap_or(0).saturating_sub(4)).collect()
}

/// Makes the newest version of the family `stem` on `branch` (other than the record `except`)
/// the latest one. Shared by every versioned registry.
pub(crate) fn promote_newest(
    db: &Instance,
    reg: &'static Registry,
    stem: &str,
    branch: i64,
    except: i64,
) -> Result<()> {
    let newest = QuerySet::new(reg)
        .all_branches()
        .filter(Q::kw("uid__startswith", stem)?)
        .filter(Q::kw("branch_id", branch)?)
        .exclude(Q::kw("id", except)?)
        .order_by("-created_at")
        .order_by("-id")
        .first_row(db)?;
    if let Some(row) = newest {
        let mut sql = db.sql();
        sql.push("UPDATE ")
            .ident(reg.table)
            .push(" SET \"is_latest\" = ")
            .bind(Value::Bool(true), SqlType::Bool);
        sql.push(" WHERE \"id\" = ").bind(value_of(reg, &row, "id"), SqlType::BigInt);
        db.execute(&sql)?;
    }
    Ok(())
}

/// When the record was the latest of its family: demotes it and promotes the newest other
/// version on its branch (LaminDB's promotion when a head version leaves the branch).
fn promote_previous_version(db: &Instance, reg: &'static Registry, row: &[Value]) -> Result<()> {
    if !reg.versioned || value_of(reg, row, "is_latest") != Value::Bool(true) {
        return Ok(());
    }
    let stem = stem_of(reg, value_of(reg, row, "uid").as_str().unwrap_or_default());
    let id = value_of(reg, row, "id");
    let branch = value_of(reg, row, "branch_id").as_i64().unwrap_or(1);
    let mut sql = db.sql();
    sql.push("UPDATE ")
        .ident(reg.table)
        .push(" SET \"is_latest\" = ")
        .bind(Value::Bool(false), SqlType::Bool);
    sql.push(" WHERE \"id\" = ").bind(id.clone(), SqlType::BigInt);
    db.execute(&sql)?;
    promote_newest(db, reg, &stem, branch, id.as_i64().unwrap_or_default())
}

fn set_branch(db: &Instance, reg: &Registry, id: i64, branch: i64) -> Result<()> {
    let mut sql = db.sql();
    sql.push("UPDATE ").ident(reg.table).push(" SET \"branch_id\" = ").bind(Value::Int(branch), SqlType::Int);
    if reg.has("updated_at") {
        sql.push(", \"updated_at\" = ").now();
    }
    sql.push(" WHERE \"id\" = ").bind(Value::Int(id), SqlType::BigInt);
    db.execute(&sql)?;
    Ok(())
}

/// Inserts many rows of one registry in one statement per chunk (inside the caller's
/// transaction). Every row has the same `columns`.
pub(crate) fn bulk_insert(
    db: &Instance,
    reg: &'static Registry,
    columns: &[&str],
    rows: &[Vec<Value>],
) -> Result<()> {
    let fields: Vec<_> = columns.iter().map(|c| reg.check_field(c)).collect::<Result<_>>()?;
    let columns: Vec<(&str, SqlType)> = fields.iter().map(|f| (f.name, f.ty)).collect();
    insert_rows(db, reg.table, &columns, rows)
}

/// Inserts one row into a link table unless a row with the same values in its first `key`
/// columns exists (NULL matching NULL): `columns` are `(name, value, type)`.
pub(crate) fn insert_link(
    inst: &Instance,
    table: &str,
    columns: &[(&str, Value, SqlType)],
    key: usize,
) -> Result<()> {
    let mut sql = inst.sql();
    sql.push("INSERT INTO ").ident(table).push(" (");
    for (i, (name, _, _)) in columns.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.ident(name);
    }
    sql.push(") SELECT ");
    for (i, (_, value, ty)) in columns.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(value.clone(), *ty);
    }
    sql.push(" WHERE NOT EXISTS (SELECT 1 FROM ").ident(table).push(" WHERE ");
    for (i, (name, value, ty)) in columns.iter().take(key).enumerate() {
        if i > 0 {
            sql.push(" AND ");
        }
        sql.ident(name);
        if value.is_null() {
            sql.push(" IS NULL");
        } else {
            sql.push(" = ").bind(value.clone(), *ty);
        }
    }
    sql.push(")");
    inst.execute(&sql)?;
    Ok(())
}

/// Inserts `rows` into `table` (inside the caller's transaction): one `UNNEST` statement per
/// 50 000 rows on PostgreSQL, multi-row `VALUES` lists within SQLite's parameter limit.
pub(crate) fn insert_rows(
    inst: &Instance,
    table: &str,
    columns: &[(&str, SqlType)],
    rows: &[Vec<Value>],
) -> Result<()> {
    if rows.is_empty() || columns.is_empty() {
        return Ok(());
    }
    #[cfg(feature = "postgres")]
    if inst.dialect() == crate::db::Dialect::Postgres {
        inst.with_db(|c| c.insert_unnest_pg(table, columns, rows))?;
        return Ok(());
    }
    // SQLite allows 32 766 parameters per statement.
    let per_statement = (30_000 / columns.len()).max(1);
    for chunk in rows.chunks(per_statement) {
        let mut sql = inst.sql();
        sql.push("INSERT INTO ").ident(table).push(" (");
        for (i, (name, _)) in columns.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.ident(name);
        }
        sql.push(") VALUES ");
        for (r, row) in chunk.iter().enumerate() {
            sql.push(if r > 0 { ", (" } else { "(" });
            for (i, ((_, ty), v)) in columns.iter().zip(row).enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.bind(v.clone(), *ty);
            }
            sql.push(")");
        }
        inst.execute(&sql)?;
    }
    Ok(())
}

// Reading another instance; updates of a registry chosen at run time.
impl Instance {
    /// Changes plain fields of one record of a registry chosen at run time, found by id, uid or
    /// uid prefix (lamin-cli's `lamin update`): `changes` are field names and values, coerced to
    /// the fields' types. Keys, timestamps and relations cannot change this way; the record is
    /// validated as a whole before the update (unique fields included), and `updated_at` is
    /// bumped. Returns the updated row.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
    /// use lamindb_core::{SQLRecord, ULabel, Value};
    ///
    /// let label = ULabel::new("T cel").save(&inst)?;
    /// inst.registry(ULabel::REGISTRY).update(&label.uid, &[("name", Value::from("T cell"))])?;
    /// assert_eq!(ULabel::get(&inst, &label.uid)?.name, "T cell");
    /// # Ok(()) }
    /// ```
    pub(crate) fn update_record(
        &self,
        reg: &'static Registry,
        idlike: &str,
        changes: &[(&str, Value)],
    ) -> Result<Vec<Value>> {
        if changes.is_empty() {
            return Err(Error::InvalidOptions {
                message: "nothing to update: name a field and its new value".into(),
            });
        }
        let mut values = QuerySet::get_row(self, reg, idlike)?;
        let id = value_of(reg, &values, "id").as_i64().ok_or(Error::NotSaved { registry: reg.name })?;
        let mut fields = Vec::new();
        for (name, value) in changes {
            let field = reg.check_field(name)?;
            // A registry may restrict updates (an artifact's other fields describe its bytes).
            let fixed = reg.updatable.is_some_and(|updatable| !updatable.contains(&field.name));
            if field.relation.is_some()
                || matches!(field.name, "id" | "uid" | "created_at" | "updated_at" | "created_by_id")
                || field.name.starts_with('_')
                || fixed
            {
                return Err(Error::Unsupported {
                    registry: reg.name,
                    field: Some(field.name.to_string()),
                    message: format!(
                        "{}.{} cannot be changed this way: only plain fields can",
                        reg.name, field.name
                    ),
                });
            }
            let i = reg.index(field.name).expect("declared field");
            values[i] = value.clone().coerce(field.ty, field.name)?;
            fields.push(field);
        }
        crate::validate::check_fields(reg, &values)?;
        let updated = self.transaction(|tx| {
            tx.with_db(|db| crate::registry::update_row(db, reg, id, &values, Some(&fields)))
        });
        match updated {
            Ok(row) => row.values.into_iter().zip(reg.fields).map(|(v, f)| v.coerce(f.ty, f.name)).collect(),
            Err(e) if e.is_unique_violation() => {
                Err(crate::validate::explain_unique_violation(self, reg, Some(id), &values, e))
            }
            Err(e) => Err(e),
        }
    }

    /// Opens another instance for reading, by settings name (`owner/name`, `name`) or by the path
    /// of its storage root (a local SQLite instance, e.g. one made by Python LaminDB). The current
    /// instance does not change.
    pub fn using(dir: &SettingsDir, identifier: &str) -> Result<Instance> {
        Instance::open_in(dir, identifier)
    }
}
