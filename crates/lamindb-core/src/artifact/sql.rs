//! The artifact table's own statements: selects by a column's values in chunks, the version
//! families of uid stems, multi-row inserts, and updates by id.

use std::collections::{HashMap, HashSet};

use super::*;
use crate::db::Sql;
use crate::pool::Instance;
use crate::registry::SQLRecord;
use crate::value::{SqlType, Value};

pub(super) fn select_sql(db: &Instance) -> Sql {
    let mut sql = db.sql();
    sql.push("SELECT ");
    Artifact::REGISTRY.push_columns(&mut sql);
    sql.push(" FROM ").ident(Artifact::REGISTRY.table);
    sql
}

pub(super) fn load(db: &Instance, sql: &Sql) -> Result<Vec<Artifact>> {
    db.query(sql)?.into_iter().map(Artifact::from_row).collect()
}

/// Artifacts whose `column` is one of `values` (in chunks), with an extra SQL condition. With
/// `spare`, a handle on another connection that sees what `db` sees, the second half of many
/// values is read there at the same time (a lookup per value is the cost: two cores halve it).
pub(super) fn select_in(
    db: &Instance,
    column: &str,
    values: impl Iterator<Item = Value>,
    ty: SqlType,
    extra: &str,
    spare: Option<&Instance>,
) -> Result<Vec<Artifact>> {
    let values: Vec<Value> = values.collect();
    match spare {
        Some(spare) if values.len() >= 4 * ROWS_PER_STATEMENT => {
            let (low, high) = values.split_at(values.len() / 2);
            let (low, high) = std::thread::scope(|scope| {
                let high = scope.spawn(|| select_chunks(spare, column, high, ty, extra));
                (select_chunks(db, column, low, ty, extra), high.join())
            });
            let mut out = low?;
            let mut high = high.unwrap_or_else(|p| std::panic::resume_unwind(p))?;
            out.reserve_exact(high.len());
            out.append(&mut high);
            Ok(out)
        }
        _ => select_chunks(db, column, &values, ty, extra),
    }
}

fn select_chunks(
    db: &Instance,
    column: &str,
    values: &[Value],
    ty: SqlType,
    extra: &str,
) -> Result<Vec<Artifact>> {
    // Most values find a row (a re-save finds every one): rows are decoded straight into a
    // vector of that size, not collected per statement and copied (an `Artifact` is large).
    let mut out = Vec::with_capacity(values.len());
    for chunk in values.chunks(ROWS_PER_STATEMENT) {
        let mut sql = select_sql(db);
        sql.push(" WHERE ").ident(column).push(" IN (");
        for (i, v) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(v.clone(), ty);
        }
        sql.push(")").push(extra);
        for row in db.query(&sql)? {
            out.push(Artifact::from_row(row)?);
        }
    }
    Ok(out)
}

/// All artifacts (any branch) whose uid starts with one of the 16-character stems: `uid`
/// prefix lookups, which the uid index answers on both backends (a range on SQLite, `LIKE` on
/// PostgreSQL's pattern index).
pub(super) fn select_stems(db: &Instance, stems: &[String]) -> Result<Vec<Artifact>> {
    let mut out = Vec::new();
    for chunk in stems.chunks(ROWS_PER_STATEMENT / 5) {
        let q = chunk
            .iter()
            .map(|s| crate::models::artifact::UID.starts_with(s.as_str()))
            .reduce(|a, b| a | b)
            .expect("chunks are not empty");
        out.extend(Artifact::filter(q).all_branches().all(db)?);
    }
    Ok(out)
}

/// Inserts rows with multi-row `INSERT … RETURNING`; the saved rows by uid.
pub(super) fn insert_rows<'a>(
    db: &Instance,
    rows: impl Iterator<Item = &'a Artifact>,
) -> Result<HashMap<String, Artifact>> {
    let reg = Artifact::REGISTRY;
    let rows: Vec<&Artifact> = rows.collect();
    let columns: Vec<usize> = reg
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| !matches!(f.name, "id" | "created_at" | "updated_at"))
        .map(|(i, _)| i)
        .collect();
    let mut out = HashMap::with_capacity(rows.len());
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut sql = db.sql();
        sql.push("INSERT INTO ").ident(reg.table).push(" (");
        for (n, i) in columns.iter().enumerate() {
            if n > 0 {
                sql.push(", ");
            }
            sql.ident(reg.fields[*i].name);
        }
        sql.push(") VALUES ");
        for (r, a) in chunk.iter().enumerate() {
            if r > 0 {
                sql.push(", ");
            }
            sql.push("(");
            let values = a.values();
            for (n, i) in columns.iter().enumerate() {
                if n > 0 {
                    sql.push(", ");
                }
                sql.bind(values[*i].clone(), reg.fields[*i].ty);
            }
            sql.push(")");
        }
        sql.push(" RETURNING ");
        reg.push_columns(&mut sql);
        for a in load(db, &sql)? {
            out.insert(a.uid.clone(), a);
        }
    }
    Ok(out)
}

fn push_ids(sql: &mut Sql, ids: &[i64]) {
    push_ids_of(sql, "id", ids);
}

fn push_ids_of(sql: &mut Sql, column: &str, ids: &[i64]) {
    sql.push(" WHERE ").ident(column).push(" IN (").bind_ints(ids).push(")");
}

/// Runs the statement `head` (an `UPDATE … SET …` or `DELETE FROM …`) on the rows `ids`, one
/// statement per chunk.
fn for_ids(db: &Instance, ids: &[i64], head: impl Fn(&mut Sql)) -> Result<()> {
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        let mut sql = db.sql();
        head(&mut sql);
        push_ids(&mut sql, chunk);
        db.execute(&sql)?;
    }
    Ok(())
}

pub(super) fn update_is_latest(db: &Instance, ids: &[i64], latest: bool) -> Result<()> {
    for_ids(db, ids, |sql| {
        sql.push("UPDATE ")
            .ident(Artifact::REGISTRY.table)
            .push(" SET \"is_latest\" = ")
            .bind(Value::Bool(latest), SqlType::Bool);
    })
}

/// Clears the "storage ongoing" flag of the rows `ids`, stamping `updated_at` with `now`.
pub(super) fn clear_storage_ongoing(
    db: &Instance,
    ids: &[i64],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    for_ids(db, ids, |sql| {
        sql.push("UPDATE ")
            .ident(Artifact::REGISTRY.table)
            .push(" SET \"_aux\" = NULL, \"updated_at\" = ")
            .bind(Value::DateTime(now), SqlType::DateTime);
    })
}

/// Deletes the rows `ids` and their link rows (the artifact's declared `links`: labels, feature
/// values, projects, records, references and run lineage); refused for an artifact of a
/// collection (membership protects an artifact, as in LaminDB).
pub(super) fn delete_rows(db: &Instance, ids: &[i64]) -> Result<()> {
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        let mut sql = db.sql();
        sql.push("SELECT \"artifact_id\" FROM ").ident(crate::models::tables::COLLECTION_ARTIFACT);
        push_ids_of(&mut sql, "artifact_id", chunk);
        if let Some(row) = db.query(&sql)?.into_iter().next() {
            let id = row.values.first().and_then(Value::as_i64).unwrap_or_default();
            return Err(crate::error::Error::Refused(crate::Refusal::InCollection { artifact_id: id }));
        }
    }
    for (table, column) in Artifact::REGISTRY.links {
        for chunk in ids.chunks(ROWS_PER_STATEMENT) {
            let mut sql = db.sql();
            sql.push("DELETE FROM ").ident(table);
            push_ids_of(&mut sql, column, chunk);
            db.execute(&sql)?;
        }
    }
    for_ids(db, ids, |sql| {
        sql.push("DELETE FROM ").ident(Artifact::REGISTRY.table);
    })
}

pub(super) fn dedup(values: Vec<Value>) -> Vec<Value> {
    let mut seen = HashSet::new();
    values.into_iter().filter(|v| seen.insert(v.to_string())).collect()
}

pub(super) fn dedup_str(values: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    values.into_iter().filter(|v| seen.insert(v.clone())).collect()
}

/// Completes a save whose bytes are stored: clears the row's "storage ongoing" flag.
pub(crate) fn finish_save(inst: &crate::Instance, artifact: &Artifact) -> Result<()> {
    let id = artifact.id.ok_or(Error::NotSaved { registry: "Artifact" })?;
    clear_storage_ongoing(inst, &[id], chrono::Utc::now())
}
