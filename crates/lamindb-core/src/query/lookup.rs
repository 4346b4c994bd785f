//! `lookup()`: auto-complete keys for the values of a field, as LaminDB builds them.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::pool::Instance;
use crate::registry::Registry;
use crate::value::Value;

use super::QuerySet;

/// Python keywords: a key equal to one gets a trailing `_`, as in LaminDB.
const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def",
    "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
    "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// LaminDB's lookup key of a value: every run of characters outside `[0-9a-zA-Z_]` becomes `_`,
/// lower-cased; a key that does not start with a letter gets the prefix `ln_`; a Python keyword
/// gets a trailing `_`. `None` for values that give an empty key.
pub fn lookup_key(value: &str) -> Option<String> {
    let mut key = String::with_capacity(value.len());
    let mut in_run = false;
    for c in value.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            key.push(c.to_ascii_lowercase());
            in_run = false;
        } else if !in_run {
            key.push('_');
            in_run = true;
        }
    }
    if key.is_empty() {
        return None;
    }
    if !key.starts_with(|c: char| c.is_ascii_alphabetic()) {
        key = format!("ln_{key}");
    }
    if KEYWORDS.contains(&key.as_str()) {
        key.push('_');
    }
    Some(key)
}

/// One lookup entry: a key and the records whose field value maps to it (first one first).
#[derive(Clone, Debug, PartialEq)]
pub struct LookupEntry {
    /// The sanitised key.
    pub key: String,
    /// The raw field values and the records' ids, in id order.
    pub records: Vec<(String, i64)>,
}

/// The lookup of a registry over `field` (default: the registry's name field), in key order.
pub fn lookup(db: &Instance, reg: &'static Registry, field: Option<&str>) -> Result<Vec<LookupEntry>> {
    let field = match field {
        Some(f) => reg.check_field(f)?,
        None => reg.check_field(reg.name_field)?,
    };
    if !field.ty.is_text() {
        return Err(Error::Unsupported {
            registry: reg.name,
            field: Some(field.name.to_string()),
            message: format!("cannot build a lookup over '{}': not a string field", field.name),
        });
    }
    let rows = QuerySet::new(reg).select(db, &["id", field.name])?;
    let mut map: BTreeMap<String, Vec<(String, i64)>> = BTreeMap::new();
    for row in rows {
        let (Value::Int(id), Value::Text(v)) = (&row[0], &row[1]) else { continue };
        if let Some(key) = lookup_key(v) {
            map.entry(key).or_default().push((v.clone(), *id));
        }
    }
    Ok(map.into_iter().map(|(key, records)| LookupEntry { key, records }).collect())
}

#[cfg(test)]
mod tests {
    use super::lookup_key;

    #[test]
    fn keys_are_sanitised_as_in_lamindb() {
        assert_eq!(lookup_key("My Label-1").as_deref(), Some("my_label_1"));
        assert_eq!(lookup_key("2nd label").as_deref(), Some("ln_2nd_label"));
        assert_eq!(lookup_key("class").as_deref(), Some("class_"));
        assert_eq!(lookup_key("/W/data").as_deref(), Some("ln__w_data"));
        assert_eq!(lookup_key("label--3").as_deref(), Some("label_3"));
        assert_eq!(lookup_key("é").as_deref(), Some("ln__"));
        assert_eq!(lookup_key("").as_deref(), None);
    }
}
