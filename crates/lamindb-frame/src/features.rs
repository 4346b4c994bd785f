//! Feature columns of Artifact frames: categorical features through the link tables
//! (`cat[ULabel…]` `lamindb_artifactulabel`, `cat[Record…]` `lamindb_artifactrecord`,
//! `cat[Project…]` `lamindb_artifactproject`), the other dtypes through LaminDB's JSON value tables.

use std::collections::{HashMap, HashSet};

use lamindb_core::__private as raw;
use lamindb_core::models::tables::{ARTIFACT_JSONVALUE, JSONVALUE};
use lamindb_core::{Feature, Field, Instance, Q, QuerySet, Registry, SQLRecord, SqlType, Value};
use polars::prelude::*;

use crate::FrameError;
use crate::columns::{ColumnBuilder, list_column_of, null_column};
use crate::df::{CHUNK, FeatureSelection};
use crate::include::{distinct, select_in};

/// A feature and what LaminDB's `_dtype_str` says about its column.
struct FeatureInfo {
    id: i64,
    name: String,
    dtype: String,
}

impl FeatureInfo {
    /// For `cat[ULabel]`, `cat[ULabel.name]`, `list[cat[ULabel[Type]]]`: the registry and field of
    /// the values, and whether the column is a list by declaration.
    fn categorical(&self) -> Option<(String, String, bool)> {
        let (inner, list) = match self.dtype.strip_prefix("list[").and_then(|s| s.strip_suffix(']')) {
            Some(inner) => (inner, true),
            None => (self.dtype.as_str(), false),
        };
        let spec = inner.strip_prefix("cat[")?.strip_suffix(']')?;
        let end = spec.find(['[', '|']).unwrap_or(spec.len());
        let (registry, field) = match spec[..end].split_once('.') {
            Some((r, f)) => (r.to_string(), f.to_string()),
            None => (spec[..end].to_string(), "name".to_string()),
        };
        Some((registry, field, list))
    }

    /// For a non-categorical feature: the SQL type of its values and whether it is a list
    /// (`list[int]`). `int` → Int64, `float`/`num` → Float64, `bool` → Boolean, `datetime` →
    /// Datetime(µs, UTC); anything else (`str`, `date`, `dict`, `path`, `url`, …) is text (JSON
    /// text for objects).
    fn value_type(&self) -> (SqlType, bool) {
        let (inner, list) = match self.dtype.strip_prefix("list[").and_then(|s| s.strip_suffix(']')) {
            Some(inner) => (inner, true),
            None => (self.dtype.as_str(), false),
        };
        let ty = match inner {
            "int" => SqlType::BigInt,
            "float" | "num" => SqlType::Float,
            "bool" => SqlType::Bool,
            "datetime" => SqlType::DateTime,
            _ => SqlType::Text,
        };
        (ty, list)
    }
}

/// A JSON feature value as a [`Value`] of column type `ty` (text for anything else).
fn json_value(v: &serde_json::Value, ty: SqlType) -> Value {
    use serde_json::Value as J;
    match (v, ty) {
        (J::Null, _) => Value::Null,
        (J::Bool(b), SqlType::Bool) => Value::Bool(*b),
        (J::Number(n), SqlType::BigInt) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Value::Int(i),
            (None, Some(f)) if f.fract() == 0.0 => Value::Int(f as i64),
            _ => Value::Text(n.to_string()),
        },
        (J::Number(n), SqlType::Float) => n.as_f64().map_or(Value::Null, Value::Float),
        (J::String(s), _) => Value::Text(s.clone()),
        (v, _) => Value::Text(v.to_string()),
    }
}

/// Whether this database has LaminDB's JSON value tables (instances made before they were
/// added do not).
fn has_json_values(db: &Instance) -> Result<bool, FrameError> {
    Ok(raw::table_exists(&db, ARTIFACT_JSONVALUE)? && raw::table_exists(&db, JSONVALUE)?)
}

/// The JSON feature values of some artifacts: the links `(feature, artifact, value id)` sorted by
/// feature and artifact (link order within), and each distinct value decoded once (artifacts
/// share few distinct values: a million links may hold a thousand).
#[derive(Default)]
struct JsonValues {
    links: Vec<(i64, i64, i64)>,
    values: HashMap<i64, serde_json::Value>,
}

impl JsonValues {
    /// The values of feature `f` on artifact `a`, in link order.
    fn of(&self, f: i64, a: i64) -> impl Iterator<Item = &serde_json::Value> {
        links_of(&self.links, f, a).iter().filter_map(|l| self.values.get(&l.2))
    }
}

/// The entries of `links` (sorted by feature and artifact) for feature `f` on artifact `a`, in
/// link order.
fn links_of<T>(links: &[(i64, i64, T)], f: i64, a: i64) -> &[(i64, i64, T)] {
    let start = links.partition_point(|l| (l.0, l.1) < (f, a));
    let len = links[start..].partition_point(|l| (l.0, l.1) == (f, a));
    &links[start..start + len]
}

/// The values of the JSON features `features` linked to `ids`: one query per chunk of ids for
/// the links, one per chunk of distinct values for the values.
fn json_feature_values(db: &Instance, ids: &[i64], features: &[i64]) -> Result<JsonValues, FrameError> {
    let mut out = JsonValues::default();
    if features.is_empty() {
        return Ok(out);
    }
    for chunk in ids.chunks(CHUNK) {
        let mut sql = raw::sql(&db);
        sql.push("SELECT v.\"feature_id\", l.\"artifact_id\", l.\"jsonvalue_id\" FROM ")
            .ident(ARTIFACT_JSONVALUE)
            .push(" l JOIN ")
            .ident(JSONVALUE)
            .push(" v ON v.\"id\" = l.\"jsonvalue_id\" WHERE l.\"artifact_id\" IN (");
        sql.bind_ints(chunk);
        sql.push(")");
        // `+`: no index on the feature (the artifact ids select the rows).
        sql.push(" AND +v.\"feature_id\" IN (");
        sql.bind_ints(features);
        sql.push(")");
        sql.push(" ORDER BY l.\"id\"");
        raw::query_each(&db, &sql, |row| {
            if let (Some(f), Some(a), Some(v)) = (row[0].as_i64(), row[1].as_i64(), row[2].as_i64()) {
                out.links.push((f, a, v));
            }
            Ok(())
        })?;
    }
    // Stable: the links of one artifact and feature keep their order.
    out.links.sort_by_key(|&(f, a, _)| (f, a));
    let value_ids = distinct(out.links.iter().map(|l| l.2));
    for chunk in value_ids.chunks(CHUNK) {
        let mut sql = raw::sql(&db);
        sql.push("SELECT \"id\", \"feature_id\", \"value\" FROM ")
            .ident(JSONVALUE)
            .push(" WHERE \"id\" IN (");
        sql.bind_ints(chunk);
        sql.push(")");
        let mut failed = None;
        raw::query_each(&db, &sql, |row| {
            if let (Some(id), Some(text)) = (row[0].as_i64(), row[2].as_str()) {
                match serde_json::from_str(text) {
                    Ok(v) => {
                        out.values.insert(id, v);
                    }
                    Err(e) if failed.is_none() => failed = Some((row[1].as_i64().unwrap_or_default(), e)),
                    Err(_) => {}
                }
            }
            Ok(())
        })?;
        if let Some((f, e)) = failed {
            return Err(FrameError::Decode {
                column: format!("{JSONVALUE}.value (feature {f})"),
                message: e.to_string(),
            });
        }
    }
    Ok(out)
}

/// The selected features: by name (unknown or ambiguous names are errors), or all features with
/// values on `ids`.
fn select_features(
    db: &Instance,
    ids: &[i64],
    sel: &FeatureSelection,
) -> Result<Vec<FeatureInfo>, FrameError> {
    let typed = Q::kw("_dtype_str__isnull", false)?;
    let read = |rows: Vec<Vec<Value>>| -> Vec<FeatureInfo> {
        rows.into_iter()
            .map(|r| FeatureInfo {
                id: r[0].as_i64().unwrap_or_default(),
                name: r[1].to_string(),
                dtype: r[2].as_str().unwrap_or_default().to_string(),
            })
            .collect()
    };
    let cols = ["id", "name", "_dtype_str"];
    match sel {
        FeatureSelection::Names(names) => {
            let values = names.iter().map(|n| Value::Text(n.clone())).collect();
            let qs = QuerySet::new(Feature::REGISTRY).filter(typed).filter(Q::kw_list("name__in", values)?);
            let found = read(qs.order_by("id").select(db, &cols)?);
            let mut out = Vec::new();
            for name in names {
                let matches: Vec<&FeatureInfo> = found.iter().filter(|f| &f.name == name).collect();
                match matches.as_slice() {
                    [] => {
                        let all = QuerySet::new(Feature::REGISTRY).order_by("name").select(db, &["name"])?;
                        let available: Vec<String> = all.iter().map(|r| r[0].to_string()).collect();
                        return Err(FrameError::Features(format!(
                            "no feature named '{name}'; available features: {}",
                            if available.is_empty() { "none".to_string() } else { available.join(", ") }
                        )));
                    }
                    [f] => out.push(FeatureInfo { id: f.id, name: f.name.clone(), dtype: f.dtype.clone() }),
                    many => {
                        let ids: Vec<String> = many.iter().map(|f| f.id.to_string()).collect();
                        return Err(FrameError::Features(format!(
                            "Ambiguous feature name '{name}' (features {}): rename one of them",
                            ids.join(", ")
                        )));
                    }
                }
            }
            Ok(out)
        }
        FeatureSelection::All => {
            // The features with values on these artifacts, distinct per chunk of ids: from each
            // link table (`l`), and from the JSON values (`v`) their links point to.
            let mut sources: Vec<(String, &str)> = Vec::new();
            for (_, link, _, _) in CATEGORICAL {
                if raw::table_exists(&db, link.table)? {
                    sources.push((format!("\"{}\" l", link.table), "l"));
                }
            }
            if has_json_values(db)? {
                let json = format!(
                    "\"{ARTIFACT_JSONVALUE}\" l JOIN \"{JSONVALUE}\" v ON v.\"id\" = l.\"jsonvalue_id\""
                );
                sources.push((json, "v"));
            }
            let mut found_ids = Vec::new();
            for (from, alias) in &sources {
                for chunk in ids.chunks(CHUNK) {
                    // No condition on `feature_id` (links without one give NULL, dropped here):
                    // SQLite would take its index and read every link of the feature per chunk.
                    let mut sql = raw::sql(&db);
                    sql.push(&format!(
                        "SELECT DISTINCT {alias}.\"feature_id\" FROM {from} WHERE l.\"artifact_id\" IN ("
                    ));
                    sql.bind_ints(chunk);
                    sql.push(")");
                    raw::query_each(&db, &sql, |row| {
                        found_ids.extend(row[0].as_i64());
                        Ok(())
                    })?;
                }
            }
            let feature_ids = distinct(found_ids);
            let mut found = Vec::new();
            for chunk in feature_ids.chunks(CHUNK) {
                let values = chunk.iter().map(|i| Value::Int(*i)).collect();
                let qs = QuerySet::new(Feature::REGISTRY)
                    .filter(Q::kw("branch_id", 1)?)
                    .filter(typed.clone())
                    .filter(Q::kw_list("id__in", values)?);
                found.extend(read(qs.select(db, &cols)?));
            }
            found.sort_by_key(|f| f.id);
            // One column per name: LaminDB keeps the categorical one, else the first by id.
            let mut out: Vec<FeatureInfo> = Vec::new();
            for f in found {
                match out.iter_mut().find(|o| o.name == f.name) {
                    Some(o) if o.categorical().is_none() && f.categorical().is_some() => *o = f,
                    Some(_) => {}
                    None => out.push(f),
                }
            }
            Ok(out)
        }
    }
}

/// The registries whose records are categorical feature values: name, link registry, the link's
/// column pointing to the value, the value's registry.
const CATEGORICAL: &[(&str, &Registry, &str, &Registry)] = &[
    ("ULabel", lamindb_core::ArtifactULabel::REGISTRY, "ulabel_id", lamindb_core::ULabel::REGISTRY),
    (
        "Record",
        lamindb_core::models::ArtifactRecord::REGISTRY,
        "record_id",
        <lamindb_core::models::Record as SQLRecord>::REGISTRY,
    ),
    (
        "Project",
        lamindb_core::models::ArtifactProject::REGISTRY,
        "project_id",
        lamindb_core::Project::REGISTRY,
    ),
];

/// One column per selected feature, for the artifacts `ids`.
pub(crate) fn feature_columns(
    db: &Instance,
    ids: &[i64],
    sel: &FeatureSelection,
) -> Result<Vec<Column>, FrameError> {
    let features = select_features(db, ids, sel)?;
    // Categorical values: per registry, its link table: (feature, artifact, registry, record)
    // sorted by feature and artifact (link order within); then the values of the linked records.
    let mut links: Vec<(i64, i64, (&'static str, i64))> = Vec::new();
    let mut label_fields: HashMap<i64, &'static Field> = HashMap::new();
    let mut labels: HashMap<(&'static str, i64), Vec<Value>> = HashMap::new();
    let mut field_names_of: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
    for (name, link, column, target) in CATEGORICAL {
        let cat: Vec<&FeatureInfo> =
            features.iter().filter(|f| f.categorical().is_some_and(|(reg, _, _)| reg == *name)).collect();
        if cat.is_empty() {
            continue;
        }
        // The links of these artifacts, their features picked here: with `feature_id IN (…)` in
        // SQL, SQLite walks the feature's index (every link of the feature, for each chunk of
        // ids) instead of the artifact's.
        let wanted: HashSet<i64> = cat.iter().map(|f| f.id).collect();
        for chunk in ids.chunks(CHUNK) {
            for r in select_in(db, link, "artifact_id", chunk, &["artifact_id", "feature_id", column], None)?
            {
                if let (Some(a), Some(f), Some(u)) = (r[0].as_i64(), r[1].as_i64(), r[2].as_i64())
                    && wanted.contains(&f)
                {
                    links.push((f, a, (*name, u)));
                }
            }
        }
        let mut names: Vec<&'static str> = vec!["id"];
        for f in &cat {
            let (_, field, _) = f.categorical().expect("categorical");
            let field = target.check_field(&field).map_err(|e| {
                FrameError::Features(format!("feature '{}' (dtype {}): {e}", f.name, f.dtype))
            })?;
            label_fields.insert(f.id, field);
            if !names.contains(&field.name) {
                names.push(field.name);
            }
        }
        let linked = distinct(links.iter().filter(|l| l.2.0 == *name).map(|l| l.2.1));
        // Values of records outside the default branch (trash, archive) are left out, as in LaminDB.
        for r in select_in(db, target, "id", &linked, &names, Some(Q::kw("branch_id", 1)?))? {
            if let Some(id) = r[0].as_i64() {
                labels.insert((*name, id), r);
            }
        }
        field_names_of.insert(name, names);
    }

    // Stable: the links of one artifact and feature keep their order.
    links.sort_by_key(|l| (l.0, l.1));

    // Non-categorical values: LaminDB's JSON value tables, (artifact, feature) → values.
    let json_features: Vec<i64> =
        features.iter().filter(|f| f.categorical().is_none()).map(|f| f.id).collect();
    let json = if !json_features.is_empty() && has_json_values(db)? {
        json_feature_values(db, ids, &json_features)?
    } else {
        JsonValues::default()
    };

    let mut out = Vec::new();
    for f in &features {
        let Some((registry, _, declared_list)) = f.categorical() else {
            out.push(json_feature_column(f, ids, &json)?);
            continue;
        };
        let (Some(field), Some(names)) = (label_fields.get(&f.id), field_names_of.get(registry.as_str()))
        else {
            out.push(null_column(&f.name, &DataType::String, ids.len()));
            continue;
        };
        let idx = names.iter().position(|n| *n == field.name).expect("selected");
        // `cat[…]` is a scalar column unless an artifact has several values (then, as LaminDB
        // does, a list column); `list[cat[…]]` is always a list column.
        let ty = if field.ty.is_text() { field.ty } else { SqlType::Text };
        out.push(feature_column(&f.name, ty, declared_list, ids, |a, values| {
            let group = links_of(&links, f.id, a);
            for (i, (_, _, record)) in group.iter().enumerate() {
                // A record linked twice counts once.
                if group[..i].iter().any(|e| e.2 == *record) {
                    continue;
                }
                if let Some(v) = labels.get(record).map(|r| &r[idx]).filter(|v| !v.is_null()) {
                    values.push(v.clone());
                }
            }
        })?);
    }
    Ok(out)
}

/// The column of a non-categorical feature: a scalar column of the feature's dtype, or a list
/// column for `list[…]` dtypes and (as LaminDB does) when an artifact has several values.
fn json_feature_column(f: &FeatureInfo, ids: &[i64], json: &JsonValues) -> Result<Column, FrameError> {
    let (ty, declared_list) = f.value_type();
    feature_column(&f.name, ty, declared_list, ids, |a, values| {
        for v in json.of(f.id, a) {
            match v {
                serde_json::Value::Array(items) if declared_list => {
                    values.extend(items.iter().map(|x| json_value(x, ty)))
                }
                v => values.push(json_value(v, ty)),
            }
        }
        values.retain(|v| !v.is_null());
    })
}

/// A feature's column over the artifacts `ids`, from `values_of(artifact, values)` (which
/// appends the artifact's values): scalar unless `list` or some artifact has several values.
/// Rows are built straight into the column; only a list column holds the values of a row.
fn feature_column(
    name: &str,
    ty: SqlType,
    list: bool,
    ids: &[i64],
    values_of: impl Fn(i64, &mut Vec<Value>),
) -> Result<Column, FrameError> {
    // One pass builds the scalar column; a row with several values turns it into a list column.
    'scalar: {
        if list {
            break 'scalar;
        }
        let mut b = ColumnBuilder::new(name, ty, ids.len());
        let mut values = Vec::new();
        for a in ids {
            values.clear();
            values_of(*a, &mut values);
            if values.len() > 1 {
                break 'scalar;
            }
            let v = values.pop().unwrap_or(Value::Null);
            b.push(&v).map_err(|message| FrameError::Decode { column: name.to_string(), message })?;
        }
        return Ok(b.finish());
    }
    let lists: Vec<Option<Vec<Value>>> = ids
        .iter()
        .map(|a| {
            let mut values = Vec::new();
            values_of(*a, &mut values);
            (!values.is_empty()).then_some(values)
        })
        .collect();
    list_column_of(name, ty, &lists)
}
