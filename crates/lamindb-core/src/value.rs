//! Dynamic SQL values and column types.
//!
//! Registries declare their columns with a [`SqlType`]; rows read from either backend arrive as
//! [`Value`]s and are coerced to the declared type (SQLite stores booleans as integers and
//! datetimes as text, PostgreSQL has real types).

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::error::{Error, Result};

/// The SQL type of a column, as LaminDB declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SqlType {
    /// `smallint`
    SmallInt,
    /// `integer`
    Int,
    /// `bigint`
    BigInt,
    /// `bool` / `boolean`
    Bool,
    /// `varchar(n)`
    Varchar(u32),
    /// `text`
    Text,
    /// `datetime` (SQLite text in UTC) / `timestamp with time zone`
    DateTime,
    /// JSON text on SQLite, `jsonb` on PostgreSQL
    Json,
    /// `double precision` / `real`
    Float,
}

impl SqlType {
    /// Whether values of this type are strings (used by search and `contains`-like lookups).
    pub fn is_text(self) -> bool {
        matches!(self, SqlType::Varchar(_) | SqlType::Text)
    }

    /// Whether values of this type are integers.
    pub fn is_integer(self) -> bool {
        matches!(self, SqlType::SmallInt | SqlType::Int | SqlType::BigInt)
    }
}

/// One SQL value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// A boolean.
    Bool(bool),
    /// Any integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Text(String),
    /// A UTC timestamp.
    DateTime(DateTime<Utc>),
    /// JSON, as its text.
    Json(String),
}

impl Value {
    /// Whether this is NULL.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Coerces a value read from the database to the declared column type.
    pub fn coerce(self, ty: SqlType, column: &str) -> Result<Value> {
        let bad = |v: &Value| Error::Decode(format!("column {column}: cannot read {v:?} as {ty:?}"));
        Ok(match (ty, self) {
            (_, Value::Null) => Value::Null,
            (SqlType::Bool, Value::Int(i)) => Value::Bool(i != 0),
            (SqlType::Bool, v @ Value::Bool(_)) => v,
            (t, v @ Value::Int(_)) if t.is_integer() => v,
            (SqlType::Float, Value::Int(i)) => Value::Float(i as f64),
            (SqlType::Float, v @ Value::Float(_)) => v,
            (t, v @ Value::Text(_)) if t.is_text() => v,
            (SqlType::Json, Value::Text(s) | Value::Json(s)) => Value::Json(s),
            (SqlType::DateTime, v @ Value::DateTime(_)) => v,
            (SqlType::DateTime, Value::Text(s)) => {
                Value::DateTime(parse_datetime(&s).ok_or_else(|| bad(&Value::Text(s.clone())))?)
            }
            (_, v) => return Err(bad(&v)),
        })
    }

    /// The string inside, if this is text.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s) | Value::Json(s) => Some(s),
            _ => None,
        }
    }

    /// The integer inside, if this is an integer.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// A JSON rendering of this value (for `--json` output and exports).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => (*b).into(),
            Value::Int(i) => (*i).into(),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Value::Text(s) => s.clone().into(),
            Value::DateTime(d) => format_datetime(d).into(),
            Value::Json(s) => serde_json::from_str(s).unwrap_or_else(|_| s.clone().into()),
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Null => f.write_str("None"),
            Value::Bool(b) => write!(f, "{}", if *b { "True" } else { "False" }),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Text(s) | Value::Json(s) => f.write_str(s),
            Value::DateTime(d) => f.write_str(&format_datetime(d)),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Text(s)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i32> for Value {
    fn from(i: i32) -> Value {
        Value::Int(i.into())
    }
}

/// Formats a timestamp the way Django stores it in SQLite (`%Y-%m-%d %H:%M:%S.%6f`, UTC).
pub fn format_datetime(d: &DateTime<Utc>) -> String {
    d.format("%Y-%m-%d %H:%M:%S%.6f").to_string()
}

/// Parses the datetime texts that SQLite instances hold (Django's and SQLite's `STRFTIME` forms,
/// with or without `T`, fractional seconds or a `+00:00` offset).
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%.f%#z"] {
        if let Ok(d) = DateTime::parse_from_str(s, fmt) {
            return Some(d.with_timezone(&Utc));
        }
    }
    for fmt in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(d.and_utc());
        }
    }
    None
}

/// Conversion between Rust field types and [`Value`]s; implemented for the types records use.
pub trait FieldValue: Sized {
    /// Whether the Rust type admits NULL.
    const NULLABLE: bool;
    /// Into a SQL value.
    fn to_value(&self) -> Value;
    /// From a (coerced) SQL value.
    fn from_value(v: Value, column: &str) -> Result<Self>;
}

fn mismatch(column: &str, v: &Value, want: &str) -> Error {
    Error::Decode(format!("column {column}: expected {want}, got {v:?}"))
}

impl FieldValue for i64 {
    const NULLABLE: bool = false;
    fn to_value(&self) -> Value {
        Value::Int(*self)
    }
    fn from_value(v: Value, column: &str) -> Result<Self> {
        v.as_i64().ok_or_else(|| mismatch(column, &v, "an integer"))
    }
}

impl FieldValue for bool {
    const NULLABLE: bool = false;
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
    fn from_value(v: Value, column: &str) -> Result<Self> {
        match v {
            Value::Bool(b) => Ok(b),
            Value::Int(i) => Ok(i != 0),
            v => Err(mismatch(column, &v, "a boolean")),
        }
    }
}

impl FieldValue for f64 {
    const NULLABLE: bool = false;
    fn to_value(&self) -> Value {
        Value::Float(*self)
    }
    fn from_value(v: Value, column: &str) -> Result<Self> {
        match v {
            Value::Float(f) => Ok(f),
            Value::Int(i) => Ok(i as f64),
            v => Err(mismatch(column, &v, "a float")),
        }
    }
}

impl FieldValue for String {
    const NULLABLE: bool = false;
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
    fn from_value(v: Value, column: &str) -> Result<Self> {
        match v {
            Value::Text(s) | Value::Json(s) => Ok(s),
            v => Err(mismatch(column, &v, "a string")),
        }
    }
}

impl FieldValue for DateTime<Utc> {
    const NULLABLE: bool = false;
    fn to_value(&self) -> Value {
        Value::DateTime(*self)
    }
    fn from_value(v: Value, column: &str) -> Result<Self> {
        match v {
            Value::DateTime(d) => Ok(d),
            Value::Text(ref s) => parse_datetime(s).ok_or_else(|| mismatch(column, &v, "a datetime")),
            v => Err(mismatch(column, &v, "a datetime")),
        }
    }
}

/// A JSON column value (kept as its text).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Json(pub String);

impl FieldValue for Json {
    const NULLABLE: bool = false;
    fn to_value(&self) -> Value {
        Value::Json(self.0.clone())
    }
    fn from_value(v: Value, column: &str) -> Result<Self> {
        match v {
            Value::Json(s) | Value::Text(s) => Ok(Json(s)),
            v => Err(mismatch(column, &v, "JSON")),
        }
    }
}

impl<T: FieldValue> FieldValue for Option<T> {
    const NULLABLE: bool = true;
    fn to_value(&self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null,
        }
    }
    fn from_value(v: Value, column: &str) -> Result<Self> {
        match v {
            Value::Null => Ok(None),
            v => T::from_value(v, column).map(Some),
        }
    }
}
