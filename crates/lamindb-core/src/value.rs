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
    /// `date`: held as its ISO text (`2026-12-01`) on both backends.
    Date,
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
        let bad = |v: &Value| Error::decode(format!("column {column}: cannot read {v:?} as {ty:?}"));
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
            (SqlType::Date, Value::Text(s)) => {
                Value::Text(parse_date(&s).ok_or_else(|| bad(&Value::Text(s.clone())))?)
            }
            (SqlType::Date, Value::DateTime(d)) => Value::Text(d.format("%Y-%m-%d").to_string()),
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

/// Normalises a date text to ISO `YYYY-MM-DD` (a datetime text keeps its date part).
pub fn parse_date(s: &str) -> Option<String> {
    let s = s.trim();
    let day = s.get(..10)?;
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?;
    (s.len() == 10 || parse_datetime(s).is_some()).then(|| day.to_string())
}

/// Parses the datetime texts that SQLite instances hold (Django's and SQLite's `STRFTIME` forms,
/// with or without `T`, fractional seconds or a `+00:00` offset).
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Some(d) = parse_datetime_fast(s) {
        return Some(d);
    }
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

/// The layout databases write (`YYYY-MM-DD HH:MM:SS[.f…][Z|+00:00]`, `T` allowed), read by
/// position: timestamps are read for every row of large results. Anything else (another offset)
/// is left to the general parsers.
fn parse_datetime_fast(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b' ' | b'T')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    let date = chrono::NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    let (mut nanos, mut i) = (0u32, 19);
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(b[i] - b'0');
            }
            i += 1;
        }
        let digits = (i - start).min(9);
        if digits == 0 {
            return None;
        }
        nanos *= 10u32.pow(9 - digits as u32);
    }
    match &s[i..] {
        "" | "Z" | "+00:00" | "+0000" | "+00" => {}
        _ => return None,
    }
    let time = chrono::NaiveTime::from_hms_nano_opt(num(11..13)?, num(14..16)?, num(17..19)?, nanos)?;
    Some(date.and_time(time).and_utc())
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

/// A field LaminDB keeps private (its `_`-prefixed columns: `_aux`, `_real_key`,
/// `_key_is_virtual`, `_hash_type`, `_dtype_str`, `_status_code`, …): a program reads it
/// (`*artifact.real_key`, `artifact.aux.is_some()`, through `Deref`), only the library sets it,
/// so a record cannot be saved with internal state LaminDB would misread.
///
/// ```compile_fail,E0603
/// let mut a = lamindb_core::Artifact::default();
/// a.real_key = lamindb_core::value::Internal(Some("elsewhere".into()));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Internal<T>(pub(crate) T);

impl<T> Internal<T> {
    /// The value.
    pub fn get(&self) -> &T {
        &self.0
    }

    /// The value, taken out.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Internal<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: FieldValue> FieldValue for Internal<T> {
    const NULLABLE: bool = T::NULLABLE;

    fn to_value(&self) -> Value {
        self.0.to_value()
    }

    fn from_value(v: Value, column: &str) -> Result<Self> {
        T::from_value(v, column).map(Internal)
    }
}

fn mismatch(column: &str, v: &Value, want: &str) -> Error {
    Error::decode(format!("column {column}: expected {want}, got {v:?}"))
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

impl From<serde_json::Value> for Json {
    fn from(v: serde_json::Value) -> Json {
        Json(v.to_string())
    }
}

impl Json {
    /// The value parsed (`None` when the text is not JSON).
    pub fn parse(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.0).ok()
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_read_by_position_equal_the_general_parsers() {
        for s in [
            "2026-11-30 20:53:55",
            "2026-11-30 20:53:55.123456",
            "2026-11-30T20:53:55.1",
            "2026-11-30 20:53:55.123456789123+00:00",
            "2026-11-30 20:53:55Z",
            "2024-02-29 00:00:00.000001+0000",
        ] {
            let fast = parse_datetime_fast(s).unwrap_or_else(|| panic!("{s}"));
            let trimmed = if s.len() > 29 { s.replace("123456789123", "123456789") } else { s.to_string() };
            let general = DateTime::parse_from_rfc3339(&trimmed.replace(' ', "T"))
                .map(|d| d.with_timezone(&Utc))
                .or_else(|_| {
                    NaiveDateTime::parse_from_str(&trimmed, "%Y-%m-%d %H:%M:%S%.f").map(|d| d.and_utc())
                })
                .or_else(|_| {
                    NaiveDateTime::parse_from_str(&trimmed, "%Y-%m-%dT%H:%M:%S%.f").map(|d| d.and_utc())
                })
                .or_else(|_| {
                    DateTime::parse_from_str(&trimmed, "%Y-%m-%d %H:%M:%S%.f%#z")
                        .map(|d| d.with_timezone(&Utc))
                })
                .unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(fast, general, "{s}");
        }
        // Other offsets, bad dates and other layouts go to the general parsers.
        assert_eq!(parse_datetime_fast("2026-11-30 20:53:55+02:00"), None);
        assert_eq!(
            parse_datetime("2026-11-30 20:53:55+02:00"),
            Some(DateTime::parse_from_rfc3339("2026-11-30T18:53:55Z").unwrap().with_timezone(&Utc))
        );
        assert_eq!(parse_datetime_fast("2026-02-30 20:53:55"), None);
        assert_eq!(parse_datetime_fast("2026-11-30 20:53"), None);
        assert_eq!(parse_datetime_fast("2026-11-30 20:53:55."), None);
    }
}
