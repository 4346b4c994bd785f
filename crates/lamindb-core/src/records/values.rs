//! LaminDB's `from_values`: records of a registry matching a list of values of one text field,
//! or new records made from them, computed on rows so that the [`SQLRecord`](crate::SQLRecord)
//! trait can call it.

use crate::error::{Error, Result};
use crate::pool::Instance;
use crate::query::{Q, QuerySet};
use crate::registry::decl::Registry;
use crate::value::Value;

/// What [`SQLRecord::from_values`](crate::SQLRecord::from_values) found or made.
#[derive(Clone, Debug, PartialEq)]
pub struct FromValues<R> {
    /// The records: existing ones (in id order), or the new unsaved ones with `create`.
    pub records: Vec<R>,
    /// Values that matched no record (without `create`).
    pub missing: Vec<String>,
    /// LaminDB's log lines of what matched.
    pub logs: Vec<String>,
}

impl FromValues<Vec<Value>> {
    /// The same outcome with each row made into a record by `f`.
    pub(crate) fn try_map<R>(self, f: impl FnMut(Vec<Value>) -> Result<R>) -> Result<FromValues<R>> {
        let records = self.records.into_iter().map(f).collect::<Result<Vec<R>>>()?;
        Ok(FromValues { records, missing: self.missing, logs: self.logs })
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { word.to_string() } else { format!("{word}s") }
}

fn quoted(values: &[String]) -> String {
    values.iter().map(|v| format!("'{v}'")).collect::<Vec<_>>().join(", ")
}

/// [`SQLRecord::from_values`](crate::SQLRecord::from_values) on rows: `empty` is the values of a
/// new record of `reg` (its `Default`); the records come back as rows, in `reg`'s field order.
pub(crate) fn from_values(
    inst: &Instance,
    reg: &'static Registry,
    empty: Vec<Value>,
    values: Vec<String>,
    field: &str,
    create: bool,
) -> Result<FromValues<Vec<Value>>> {
    let f = reg.check_field(field)?;
    if field.contains("__") || !f.ty.is_text() {
        return Err(Error::Unsupported {
            registry: reg.name,
            field: Some(field.to_string()),
            message: format!("from_values matches a text field of {} itself, not '{field}'", reg.name),
        });
    }
    let position = reg.index(f.name).expect("checked");
    if create {
        let records = values
            .into_iter()
            .map(|v| {
                let mut row = empty.clone();
                row[position] = Value::Text(v);
                if let Some(uid) = reg.index("uid") {
                    row[uid] = Value::Text(crate::uid::new_uid(reg));
                }
                row
            })
            .collect();
        return Ok(FromValues { records, missing: Vec::new(), logs: Vec::new() });
    }
    let mut seen = std::collections::HashSet::new();
    let unique: Vec<String> = values.into_iter().filter(|v| seen.insert(v.clone())).collect();
    let mut records: Vec<Vec<Value>> = Vec::new();
    for chunk in unique.chunks(10_000) {
        let list = chunk.iter().map(|v| Value::Text(v.clone())).collect();
        let q = Q::kw_list(&format!("{}__in", f.name), list)?;
        records.extend(QuerySet::new(reg).filter(q).rows(inst)?);
    }
    let id = reg.index("id").expect("every registry has an id");
    records.sort_by_key(|row| row[id].as_i64());
    let matched: std::collections::HashSet<String> =
        records.iter().filter_map(|row| row[position].as_str().map(str::to_string)).collect();
    let (found, missing): (Vec<String>, Vec<String>) = unique.into_iter().partition(|v| matched.contains(v));
    let mut logs = Vec::new();
    if !found.is_empty() {
        logs.push(format!(
            "loaded {} {} {} matching {}: {}",
            records.len(),
            reg.name,
            plural(records.len(), "record"),
            f.name,
            quoted(&found)
        ));
    }
    if !missing.is_empty() {
        logs.push(format!(
            "did not create {} {} for {} non-validated {}: {}",
            reg.name,
            plural(missing.len(), "record"),
            missing.len(),
            plural(missing.len(), f.name),
            quoted(&missing)
        ));
    }
    Ok(FromValues { records, missing, logs })
}
