//! The SQL of one record's row: insert or update with `RETURNING` (the saved row comes back as
//! the database holds it), and the save of a record on a connection.

use super::{Field, Registry, SQLRecord, SaveContext};
use crate::db::{Db, DynRow};
use crate::error::{Error, Result};
use crate::pool::Instance;
use crate::value::{SqlType, Value};

/// Inserts or updates `rec` on a connection, with `ctx` for the [`TracksRun`](super::TracksRun) fields.
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
