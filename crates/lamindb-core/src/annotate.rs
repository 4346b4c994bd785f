//! Labels and feature values on artifacts, as LaminDB keeps them: ULabels, Projects and Records
//! through their link tables (`lamindb_artifactulabel`, `…project`, `…record`), feature values
//! typed by `Feature._dtype_str` — categorical ones (`cat[ULabel]`, `cat[Record]`,
//! `cat[Project]`, and lists of them) as links with the feature's id, the others as
//! `lamindb_jsonvalue` rows (one per feature and value hash, shared) linked through
//! `lamindb_artifactjsonvalue`.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let tmp = tempfile::tempdir()?;
//! # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
//! # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
//! # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
//! use lamindb_core::{Artifact, Feature, SQLRecord, ULabel};
//! use serde_json::json;
//!
//! std::fs::write(tmp.path().join("x.csv"), "a\n1\n")?;
//! let a = Artifact::from_path(tmp.path().join("x.csv")).key("x.csv").save(&inst)?;
//! ULabel::new("lung").save(&inst)?;
//! Feature::new("tissue", "cat[ULabel]").save(&inst)?;
//! Feature::new("n_cells", "int").save(&inst)?;
//! a.add_feature_values(&inst, &[("tissue", json!("lung")), ("n_cells", json!(1200))])?;
//! let err = a.add_feature_values(&inst, &[("n_cells", json!("many"))]).unwrap_err();
//! assert!(err.to_string().contains("'n_cells' (int)='many'"));
//! # Ok(()) }
//! ```

mod api;

use serde_json::Value as J;

use crate::error::{Error, Result};
use crate::models::{Artifact, Feature, Project, Record as SheetRecord, ULabel, feature, tables};
use crate::pool::Instance;
use crate::query::Q;
use crate::registry::{Registry, SQLRecord, SaveContext};
use crate::value::{SqlType, Value};

/// A record that can be linked to an artifact: its link table and column.
pub trait ArtifactLabel: SQLRecord {
    /// The link table between artifacts and this registry.
    const LINK_TABLE: &'static str;
    /// The link table's column pointing to this registry.
    const LINK_COLUMN: &'static str;
}

impl ArtifactLabel for ULabel {
    const LINK_TABLE: &'static str = tables::ARTIFACT_ULABEL;
    const LINK_COLUMN: &'static str = "ulabel_id";
}

impl ArtifactLabel for Project {
    const LINK_TABLE: &'static str = tables::ARTIFACT_PROJECT;
    const LINK_COLUMN: &'static str = "project_id";
}

impl ArtifactLabel for SheetRecord {
    const LINK_TABLE: &'static str = tables::ARTIFACT_RECORD;
    const LINK_COLUMN: &'static str = "record_id";
}

/// The link tables between artifacts and labels (table, label column, label registry), as each
/// [`ArtifactLabel`] declares them: what annotations and categorical feature values
/// (`cat[ULabel]`) link, and what travels with a transferred artifact.
pub(crate) const LABEL_LINKS: [(&str, &str, &Registry); 3] = [
    (ULabel::LINK_TABLE, ULabel::LINK_COLUMN, ULabel::REGISTRY),
    (Project::LINK_TABLE, Project::LINK_COLUMN, Project::REGISTRY),
    (SheetRecord::LINK_TABLE, SheetRecord::LINK_COLUMN, SheetRecord::REGISTRY),
];

impl Instance {
    /// Links `labels` (ULabels, Projects or Records) to `artifact`; links that exist are kept.
    pub(crate) fn add_labels<L: ArtifactLabel>(&self, artifact: &Artifact, labels: &[&L]) -> Result<()> {
        let artifact_id = saved(artifact.id, "Artifact")?;
        let ctx = self.save_context()?;
        self.transaction(|tx| {
            for label in labels {
                let id = saved(label.id(), L::REGISTRY.name)?;
                tx.link(L::LINK_TABLE, L::LINK_COLUMN, artifact_id, id, None, &ctx)?;
            }
            Ok(())
        })
    }

    /// Makes `parents` parents of `project` (LaminDB's `project.parents.add(…)`,
    /// `lamindb_project_parents`); links that exist are kept, a project is not its own parent.
    pub(crate) fn add_project_parents(&self, project: &Project, parents: &[&Project]) -> Result<()> {
        let child = saved(project.id, "Project")?;
        self.transaction(|tx| {
            for parent in parents {
                let id = saved(parent.id, "Project")?;
                if id == child {
                    return Err(Error::InvalidValue {
                        field: "parents".into(),
                        message: format!("project '{}' cannot be its own parent", project.name),
                    });
                }
                let columns = [
                    ("from_project_id", Value::Int(child), SqlType::Int),
                    ("to_project_id", Value::Int(id), SqlType::Int),
                ];
                crate::records::insert_link(tx, tables::PROJECT_PARENTS, &columns, 2)?;
            }
            Ok(())
        })
    }

    /// Removes the links between `artifact` and `labels` (with or without a feature).
    pub(crate) fn remove_labels<L: ArtifactLabel>(&self, artifact: &Artifact, labels: &[&L]) -> Result<()> {
        let artifact_id = saved(artifact.id, "Artifact")?;
        self.transaction(|tx| {
            for label in labels {
                let id = saved(label.id(), L::REGISTRY.name)?;
                let mut sql = tx.sql();
                sql.push("DELETE FROM ").ident(L::LINK_TABLE).push(" WHERE \"artifact_id\" = ");
                sql.bind(Value::Int(artifact_id), SqlType::Int).push(" AND ").ident(L::LINK_COLUMN);
                sql.push(" = ").bind(Value::Int(id), SqlType::Int);
                tx.execute(&sql)?;
            }
            Ok(())
        })
    }

    /// Annotates `artifact` with feature values (LaminDB's `artifact.features.add_values`),
    /// each checked against its feature's dtype first: nothing is saved unless every value fits.
    pub(crate) fn add_feature_values(&self, artifact: &Artifact, values: &[(&str, J)]) -> Result<()> {
        let artifact_id = saved(artifact.id, "Artifact")?;
        let ctx = self.save_context()?;
        // Resolve and check everything before writing anything.
        let mut missing = Vec::new();
        let mut planned = Vec::new();
        for (name, value) in values {
            match Feature::filter(feature::NAME.eq(*name) & feature::BRANCH_ID.eq(1)).first(self)? {
                Some(f) => planned.push((f, value)),
                None => missing.push(((*name).to_string(), value)),
            }
        }
        if !missing.is_empty() {
            let names: Vec<String> = missing.iter().map(|(n, _)| format!("'{n}'")).collect();
            let hints: Vec<String> = missing
                .iter()
                .map(|(n, v)| format!("  ln.Feature(name='{n}', dtype='{}').save()", infer_dtype(v)))
                .collect();
            return Err(Error::FeatureValue(format!(
                "These keys could not be validated: [{}]\nHere is how to create a feature:\n\n{}",
                names.join(", "),
                hints.join("\n")
            )));
        }
        let mut writes = Vec::new();
        for (feature, value) in planned {
            writes.push(self.check_value(artifact, &feature, value)?);
        }
        self.transaction(|tx| {
            for w in &writes {
                match w {
                    Write::Json { feature_id, value, hash } => {
                        let jsonvalue = tx.json_value(*feature_id, value, hash, &ctx)?;
                        tx.link(
                            tables::ARTIFACT_JSONVALUE,
                            "jsonvalue_id",
                            artifact_id,
                            jsonvalue,
                            None,
                            &ctx,
                        )?;
                    }
                    Write::Links { feature_id, table, column, ids } => {
                        for id in ids {
                            tx.link(table, column, artifact_id, *id, Some(*feature_id), &ctx)?;
                        }
                    }
                }
            }
            Ok(())
        })
    }

    /// Checks `value` against `feature`'s dtype and says what to write.
    fn check_value(&self, artifact: &Artifact, feature: &Feature, value: &J) -> Result<Write> {
        let dtype = feature.dtype_str.get().clone().unwrap_or_default();
        let feature_id = saved(feature.id, "Feature")?;
        let wrong = |why: &str| {
            Error::FeatureValue(format!(
                "Failed to add features on Artifact (uid={}): '{}' ({dtype})={}. {why}",
                artifact.uid,
                feature.name,
                python_repr(value)
            ))
        };
        if let Some(inner) = categorical(&dtype) {
            let names: Vec<&str> = match value {
                J::String(s) => vec![s.as_str()],
                J::Array(items) if dtype.starts_with("list[") => items
                    .iter()
                    .map(|i| i.as_str().ok_or_else(|| wrong("expected names (text)")))
                    .collect::<Result<_>>()?,
                _ => return Err(wrong("expected the name of a record")),
            };
            let registry = inner.split(['[', '.']).next().unwrap_or_default();
            // The dtype names the registry of its values (`cat[ULabel]`, `cat[Record[Sample]]`).
            let Some(&(table, column, reg)) = LABEL_LINKS.iter().find(|(_, _, r)| r.name == registry) else {
                return Err(wrong(&format!("features of dtype cat[{registry}] are not supported here yet")));
            };
            let mut ids = Vec::new();
            let mut not_found = Vec::new();
            for name in names {
                let q = crate::query::QuerySet::new(reg)
                    .filter(Q::exact(reg.name_field, name) & Q::exact("branch_id", 1))
                    .order_by("id");
                match q.first_row(self)? {
                    Some(row) => ids.push(row[reg.index("id").unwrap_or(0)].as_i64().unwrap_or_default()),
                    None => not_found.push(format!("'{name}'")),
                }
            }
            if !not_found.is_empty() {
                return Err(Error::FeatureValue(format!(
                    "Failed to add features on Artifact (uid={}): '{}' ({dtype})={}. {} term{} not validated in feature '{}': {}\n    → fix typos, remove non-existent values, or create objects via:\n\n  objects = {}.from_values([{}], field='{}', create=True).save()",
                    artifact.uid,
                    feature.name,
                    python_repr(value),
                    not_found.len(),
                    if not_found.len() == 1 { "" } else { "s" },
                    feature.name,
                    not_found.join(", "),
                    reg.name,
                    not_found.join(", "),
                    reg.name_field
                )));
            }
            return Ok(Write::Links { feature_id, table, column, ids });
        }
        let converted = convert(&dtype, value).map_err(|why| wrong(&why))?;
        let hash = value_hash(&converted);
        Ok(Write::Json { feature_id, value: converted, hash })
    }

    /// The id of the `lamindb_jsonvalue` row of `(feature, hash)`, inserted when missing.
    pub(crate) fn json_value(
        &self,
        feature_id: i64,
        value: &J,
        hash: &str,
        ctx: &SaveContext,
    ) -> Result<i64> {
        let find = |inst: &Instance| -> Result<Option<i64>> {
            let mut sql = inst.sql();
            sql.push("SELECT \"id\" FROM ").ident(tables::JSONVALUE).push(" WHERE \"feature_id\" = ");
            sql.bind(Value::Int(feature_id), SqlType::Int).push(" AND \"hash\" = ");
            sql.bind(Value::Text(hash.to_string()), SqlType::Varchar(22));
            Ok(inst.query(&sql)?.into_iter().next().and_then(|r| r.values.first().and_then(Value::as_i64)))
        };
        if let Some(id) = find(self)? {
            return Ok(id);
        }
        let mut sql = self.sql();
        sql.push("INSERT INTO ")
            .ident(tables::JSONVALUE)
            .push(" (\"value\", \"hash\", \"feature_id\", \"run_id\", \"created_by_id\") VALUES (");
        sql.bind(Value::Json(value.to_string()), SqlType::Json).push(", ");
        sql.bind(Value::Text(hash.to_string()), SqlType::Varchar(22)).push(", ");
        sql.bind(Value::Int(feature_id), SqlType::Int).push(", ");
        sql.bind(ctx.run_id.map_or(Value::Null, Value::Int), SqlType::BigInt).push(", ");
        sql.bind(Value::Int(ctx.user_id), SqlType::Int).push(") RETURNING \"id\"");
        let rows = self.query(&sql)?;
        rows.into_iter()
            .next()
            .and_then(|r| r.values.first().and_then(Value::as_i64))
            .ok_or_else(|| Error::decode("the inserted JSON value returned no id"))
    }

    /// Inserts a link row `(artifact_id, column = id[, feature_id])` unless it exists.
    fn link(
        &self,
        table: &str,
        column: &str,
        artifact_id: i64,
        id: i64,
        feature_id: Option<i64>,
        ctx: &SaveContext,
    ) -> Result<()> {
        let int = |v: Option<i64>| v.map_or(Value::Null, Value::Int);
        let mut columns = vec![
            ("artifact_id", Value::Int(artifact_id), SqlType::Int),
            (column, Value::Int(id), SqlType::BigInt),
        ];
        if table != tables::ARTIFACT_JSONVALUE {
            columns.push(("feature_id", int(feature_id), SqlType::Int));
        }
        let key = columns.len();
        columns.push(("run_id", int(ctx.run_id), SqlType::BigInt));
        columns.push(("created_by_id", Value::Int(ctx.user_id), SqlType::Int));
        crate::records::insert_link(self, table, &columns, key)
    }
}

/// What one checked value writes.
enum Write {
    Json { feature_id: i64, value: J, hash: String },
    Links { feature_id: i64, table: &'static str, column: &'static str, ids: Vec<i64> },
}

fn saved(id: Option<i64>, registry: &'static str) -> Result<i64> {
    id.ok_or(Error::NotSaved { registry })
}

/// The registry part of a categorical dtype (`cat[ULabel]`, `list[cat[Record[Sheet]]]`).
fn categorical(dtype: &str) -> Option<&str> {
    let d = dtype.strip_prefix("list[").and_then(|d| d.strip_suffix(']')).unwrap_or(dtype);
    d.strip_prefix("cat[").and_then(|d| d.strip_suffix(']'))
}

/// The value as LaminDB stores it for a feature of `dtype`, or why it does not fit.
pub fn convert(dtype: &str, value: &J) -> std::result::Result<J, String> {
    let got = json_type(value);
    let expected = |t: &str| format!("expected type {t}, got {got}");
    match dtype {
        "int" => value.as_i64().map(J::from).ok_or_else(|| expected("int")),
        "float" => value.as_f64().filter(|_| value.is_number()).map(J::from).ok_or_else(|| expected("float")),
        "num" => value.is_number().then(|| value.clone()).ok_or_else(|| expected("num")),
        "bool" => value.as_bool().map(J::from).ok_or_else(|| expected("bool")),
        "str" | "path" | "url" => value.as_str().map(J::from).ok_or_else(|| expected("str")),
        "dict" => value.is_object().then(|| value.clone()).ok_or_else(|| expected("dict")),
        "date" => {
            let s = value.as_str().ok_or_else(|| expected("date"))?;
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(|d| J::from(d.format("%Y-%m-%d").to_string()))
                .map_err(|_| format!("expected a date (YYYY-MM-DD), got '{s}'"))
        }
        "datetime" => {
            let s = value.as_str().ok_or_else(|| expected("datetime"))?;
            parse_datetime(s)
                .map(J::from)
                .ok_or_else(|| format!("expected a datetime (YYYY-MM-DDTHH:MM:SS), got '{s}'"))
        }
        _ => match dtype.strip_prefix("list[").and_then(|d| d.strip_suffix(']')) {
            Some(inner) => {
                let items = value.as_array().ok_or_else(|| expected(dtype))?;
                items
                    .iter()
                    .map(|i| convert(inner, i))
                    .collect::<std::result::Result<Vec<_>, _>>()
                    .map(J::from)
            }
            None => Err(format!("features of dtype '{dtype}' are not supported here yet")),
        },
    }
}

/// A feature value from text as typed on a command line, by the feature's dtype: numbers and
/// booleans parsed, lists as JSON arrays or comma-separated, dicts as JSON, the rest as text.
pub fn value_from_text(dtype: &str, text: &str) -> J {
    let json = serde_json::from_str::<J>(text).ok();
    let inner = dtype.strip_prefix("list[").and_then(|d| d.strip_suffix(']'));
    match (dtype, inner) {
        ("int" | "float" | "num" | "dict", _) => json.unwrap_or_else(|| J::from(text)),
        ("bool", _) => match text {
            "true" | "True" | "yes" => J::Bool(true),
            "false" | "False" | "no" => J::Bool(false),
            _ => J::from(text),
        },
        (_, Some(inner)) => match json {
            Some(J::Array(items)) => J::Array(items),
            _ => J::Array(text.split(',').map(|t| value_from_text(inner, t.trim())).collect()),
        },
        // No such feature: as JSON when it reads as a number or a boolean (for LaminDB's hint).
        ("", _) => json.filter(|j| j.is_number() || j.is_boolean()).unwrap_or_else(|| J::from(text)),
        _ => J::from(text),
    }
}

/// LaminDB's dtype for a value it has no feature for (its hint to create one).
fn infer_dtype(value: &J) -> &'static str {
    match value {
        J::Bool(_) => "bool",
        J::Number(n) if n.is_i64() || n.is_u64() => "int",
        J::Number(_) => "float",
        J::Object(_) => "dict",
        J::Array(_) => "list[str]",
        J::String(s) if parse_datetime(s).is_some() => "datetime",
        _ => "str",
    }
}

fn json_type(value: &J) -> &'static str {
    match value {
        J::Null => "null",
        J::Bool(_) => "bool",
        J::Number(n) if n.is_i64() || n.is_u64() => "int",
        J::Number(_) => "float",
        J::String(_) => "str",
        J::Array(_) => "list",
        J::Object(_) => "dict",
    }
}

/// A datetime as Python's `isoformat()` writes a naive one (`2024-05-06T07:08:09`, microseconds
/// only when there are any).
fn parse_datetime(s: &str) -> Option<String> {
    let iso = |t: chrono::NaiveDateTime| {
        let micros = t.and_utc().timestamp_subsec_micros();
        let base = t.format("%Y-%m-%dT%H:%M:%S").to_string();
        if micros == 0 { base } else { format!("{base}.{micros:06}") }
    };
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(iso(t.naive_utc()));
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, f) {
            return Some(iso(t));
        }
    }
    None
}

/// LaminDB's `JsonValue` hash: `hash_dict` (md5 of `json.dumps(sort_keys=True)`) for a dict,
/// else the md5 of Python's `str(value)`.
pub fn value_hash(value: &J) -> String {
    use lamindb_storage::hash::hash_string;
    match value {
        J::Object(_) => hash_string(&python_json(value)),
        J::String(s) => hash_string(s),
        v => hash_string(&python_repr(v)),
    }
}

/// Python's `repr` of a JSON value (`['x', 1, True, None]`).
fn python_repr(value: &J) -> String {
    match value {
        J::Null => "None".into(),
        J::Bool(true) => "True".into(),
        J::Bool(false) => "False".into(),
        J::Number(n) => python_number(n),
        J::String(s) => {
            let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
            let mut out = String::from(quote);
            for c in s.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    '\r' => out.push_str("\\r"),
                    c if c == quote => {
                        out.push('\\');
                        out.push(c);
                    }
                    c => out.push(c),
                }
            }
            out.push(quote);
            out
        }
        J::Array(items) => format!("[{}]", items.iter().map(python_repr).collect::<Vec<_>>().join(", ")),
        J::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}: {}", python_repr(&J::from(k.as_str())), python_repr(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Python's `json.dumps(value, sort_keys=True)` (separators `, ` and `: `, ASCII only).
fn python_json(value: &J) -> String {
    match value {
        J::Null => "null".into(),
        J::Bool(b) => b.to_string(),
        J::Number(n) => python_number(n),
        J::String(s) => {
            let mut out = String::from('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                        let mut buf = [0u16; 2];
                        for unit in c.encode_utf16(&mut buf) {
                            out.push_str(&format!("\\u{unit:04x}"));
                        }
                    }
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }
        J::Array(items) => format!("[{}]", items.iter().map(python_json).collect::<Vec<_>>().join(", ")),
        J::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .iter()
                .map(|k| format!("{}: {}", python_json(&J::from(k.as_str())), python_json(&map[*k])))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}

/// A number as Python prints it (`7`, `2.5`, `2.0`).
fn python_number(n: &serde_json::Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    let f = n.as_f64().unwrap_or_default();
    if f.fract() == 0.0 && f.abs() < 1e16 { format!("{f:.1}") } else { f.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hashes_are_laminss() {
        // From a LaminDB 2.12.1 instance: hashes of JsonValue rows.
        assert_eq!(value_hash(&json!(7)), "jxTkX87qFnpaNt7dS-olQw");
        assert_eq!(value_hash(&json!(2.5)), "giFDW8zpE7XC3CLq9stlkA");
        assert_eq!(value_hash(&json!(true)), "-CfPRi9ihI3zfF4elKTadA");
        assert_eq!(value_hash(&json!("hello")), "XUFAKrxLKna5cZ2REBfFkg");
        assert_eq!(value_hash(&json!("2024-05-06T07:08:09")), "-kNEvK-mBKCUA4e7oRv_8A");
        assert_eq!(value_hash(&json!("2024-05-06")), "a4euqobdNPz91CIPZk43xA");
        assert_eq!(value_hash(&json!({"k": [1, 2]})), "EPpv2vPZgQpFk2vuvysr2g");
        assert_eq!(value_hash(&json!(["x", "y"])), "Xv4qMdKckR9uJl7LPWHrCQ");
    }

    #[test]
    fn values_are_checked_by_dtype() {
        assert_eq!(convert("int", &json!(3)).unwrap(), json!(3));
        assert!(convert("int", &json!(2.5)).unwrap_err().contains("expected type int, got float"));
        assert!(convert("int", &json!("abc")).unwrap_err().contains("got str"));
        assert_eq!(convert("float", &json!(3)).unwrap(), json!(3.0));
        assert!(convert("bool", &json!("yes")).is_err());
        assert_eq!(convert("datetime", &json!("2024-05-06 07:08:09")).unwrap(), json!("2024-05-06T07:08:09"));
        assert!(convert("date", &json!("2024-13-01")).is_err());
        assert_eq!(convert("list[int]", &json!([1, 2])).unwrap(), json!([1, 2]));
        assert!(convert("list[int]", &json!([1, "a"])).is_err());
        assert_eq!(value_from_text("int", "7"), json!(7));
        assert_eq!(value_from_text("list[str]", "a, b"), json!(["a", "b"]));
        assert_eq!(value_from_text("bool", "true"), json!(true));
        assert_eq!(value_from_text("str", "7"), json!("7"));
    }
}
