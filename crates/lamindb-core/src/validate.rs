//! Validation before every save (LaminDB's `full_clean`): each rule comes from the registry
//! declaration, and every failure is reported at once as [`Error::Validation`].
//!
//! Rules: text fits the column width
//! (`VARCHAR(n)`); the registry's name field is not blank; a value is one of the field's choices
//! (kinds, status codes); a uid has the registry's length; a unique field is not taken by another
//! record (checked against the database).

use crate::error::{Error, FieldError, Result};
use crate::pool::Instance;
use crate::query::{Q, QuerySet};
use crate::registry::decl::Registry;
use crate::value::{SqlType, Value};

/// Checks `values` (in field order) of a record of `reg` with primary key `id` (`None`: new):
/// every rule, unique fields against the database included.
pub(crate) fn validate(
    inst: &Instance,
    reg: &'static Registry,
    id: Option<i64>,
    values: &[Value],
) -> Result<()> {
    let mut errors = field_errors(reg, values);
    errors.extend(unique_errors(inst, reg, id, values, &errors)?);
    into_result(reg, errors)
}

/// The rules that need no database; [`SQLRecord::save`](crate::SQLRecord::save) checks these first and
/// leaves uniqueness to the database's constraints (see [`explain_unique_violation`]), which
/// saves a query per save.
pub(crate) fn check_fields(reg: &'static Registry, values: &[Value]) -> Result<()> {
    into_result(reg, field_errors(reg, values))
}

/// Turns the database's unique violation `err` of a save into [`Error::Validation`] naming the
/// field, when a declared unique field is taken; otherwise (or when the database cannot be asked,
/// as inside a PostgreSQL transaction the violation aborted) returns `err` itself.
pub(crate) fn explain_unique_violation(
    inst: &Instance,
    reg: &'static Registry,
    id: Option<i64>,
    values: &[Value],
    err: Error,
) -> Error {
    match unique_errors(inst, reg, id, values, &[]) {
        Ok(errors) if !errors.is_empty() => Error::Validation { registry: reg.name, errors },
        _ => err,
    }
}

fn into_result(reg: &'static Registry, errors: Vec<FieldError>) -> Result<()> {
    if errors.is_empty() { Ok(()) } else { Err(Error::Validation { registry: reg.name, errors }) }
}

fn field_errors(reg: &'static Registry, values: &[Value]) -> Vec<FieldError> {
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
        if let (SqlType::Date, Some(s)) = (f.ty, v.as_str()) {
            if s.len() != 10 || crate::value::parse_date(s).is_none() {
                // Django's message for a DateField.
                fail(
                    f.name,
                    format!("“{s}” value has an invalid date format. It must be in YYYY-MM-DD format."),
                );
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
    errors
}

/// Unique fields taken by another record (fields already failing in `known` are skipped).
fn unique_errors(
    inst: &Instance,
    reg: &'static Registry,
    id: Option<i64>,
    values: &[Value],
    known: &[FieldError],
) -> Result<Vec<FieldError>> {
    let mut errors = Vec::new();
    for (f, v) in reg.fields.iter().zip(values) {
        if !f.unique || v.is_null() || known.iter().any(|e| e.field == f.name) {
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
    Ok(errors)
}
