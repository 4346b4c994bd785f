//! Validation before every save (LaminDB's `full_clean`): each rule comes from the registry
//! declaration, and every failure is reported at once as [`Error::Validation`].
//!
//! Rules: text fits the column width
//! (`VARCHAR(n)`); the registry's name field is not blank; a value is one of the field's choices
//! (kinds, status codes); a uid has the registry's length; a unique field is not taken by another
//! record (checked against the database).

use crate::error::{Error, FieldError, Result};
use crate::instance::Instance;
use crate::query::{Q, QuerySet};
use crate::registry::Registry;
use crate::value::{SqlType, Value};

/// Checks `values` (in field order) of a record of `reg` with primary key `id` (`None`: new).
pub(crate) fn validate(
    inst: &Instance,
    reg: &'static Registry,
    id: Option<i64>,
    values: &[Value],
) -> Result<()> {
    let mut errors = Vec::new();
    let mut fail = |field: &'static str, message: String| errors.push(FieldError { field, message });
    for (f, v) in reg.fields.iter().zip(values) {
        if v.is_null() {
            continue;
        }
        if let (SqlType::Varchar(max), Some(s)) = (f.ty, v.as_str()) {
            let n = s.chars().count();
            if n > max as usize {
                fail(f.name, format!("Ensure this value has at most {max} characters (it has {n})."));
            }
        }
        if let Some(s) = v.as_str() {
            if s.contains('\0') {
                fail(f.name, "Null characters are not allowed.".into());
            }
            if f.name == reg.name_field && s.trim().is_empty() {
                fail(f.name, "This field cannot be blank.".into());
            }
            if f.name == "uid" {
                if let Some(len) = reg.uid_len {
                    let n = s.chars().count();
                    if n != len {
                        fail(f.name, format!("A {} uid has {len} characters (got {n}: '{s}').", reg.name));
                    }
                }
            }
        }
        if let Some(choices) = f.choices {
            let text = match v {
                Value::Text(s) => s.clone(),
                Value::Int(i) => i.to_string(),
                other => other.to_string(),
            };
            if !choices.contains(&text.as_str()) {
                fail(
                    f.name,
                    format!("Value '{text}' is not a valid choice: use one of {}.", choices.join(", ")),
                );
            }
        }
    }
    // Unique fields, against the database (only when the field itself is valid).
    for (f, v) in reg.fields.iter().zip(values) {
        if !f.unique || v.is_null() || errors.iter().any(|e| e.field == f.name) {
            continue;
        }
        let mut qs = QuerySet::new(reg).all_branches().filter(Q::exact(f.name, v.clone()));
        if let Some(id) = id {
            qs = qs.exclude(Q::exact("id", id));
        }
        if qs.exists(inst)? {
            errors.push(FieldError {
                field: f.name,
                message: format!("{} with this {} already exists.", reg.name, f.name),
            });
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(Error::Validation { registry: reg.name, errors }) }
}
