//! Typed column builders: SQL values (as read from either backend) become polars columns with
//! real dtypes — Int64, Boolean, Float64, String, Datetime(µs, UTC) — keeping nulls.

use chrono::NaiveDate;
use lamindb_core::{SqlType, Value};
use polars::chunked_array::builder::get_list_builder;
use polars::prelude::*;

use crate::FrameError;

/// The polars dtype of a column of SQL type `ty`.
pub(crate) fn dtype_of(ty: SqlType) -> DataType {
    match ty {
        SqlType::SmallInt | SqlType::Int | SqlType::BigInt => DataType::Int64,
        SqlType::Bool => DataType::Boolean,
        SqlType::Float => DataType::Float64,
        SqlType::Varchar(_) | SqlType::Text | SqlType::Json => DataType::String,
        SqlType::DateTime => datetime_dtype(),
    }
}

/// Datetime in microseconds, UTC: what the `created_at` columns become.
pub(crate) fn datetime_dtype() -> DataType {
    DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
}

/// Builds one column from values pushed row by row.
pub(crate) enum ColumnBuilder {
    Int(PrimitiveChunkedBuilder<Int64Type>),
    Bool(BooleanChunkedBuilder),
    Float(PrimitiveChunkedBuilder<Float64Type>),
    Str(StringChunkedBuilder),
    Datetime(PrimitiveChunkedBuilder<Int64Type>),
}

impl ColumnBuilder {
    /// A builder for a column of SQL type `ty`.
    pub(crate) fn new(name: &str, ty: SqlType, capacity: usize) -> ColumnBuilder {
        let name = PlSmallStr::from_str(name);
        match ty {
            SqlType::SmallInt | SqlType::Int | SqlType::BigInt => {
                ColumnBuilder::Int(PrimitiveChunkedBuilder::new(name, capacity))
            }
            SqlType::Bool => ColumnBuilder::Bool(BooleanChunkedBuilder::new(name, capacity)),
            SqlType::Float => ColumnBuilder::Float(PrimitiveChunkedBuilder::new(name, capacity)),
            SqlType::Varchar(_) | SqlType::Text | SqlType::Json => {
                ColumnBuilder::Str(StringChunkedBuilder::new(name, capacity))
            }
            SqlType::DateTime => ColumnBuilder::Datetime(PrimitiveChunkedBuilder::new(name, capacity)),
        }
    }

    /// Appends one value (NULL or a value the column's type can hold).
    pub(crate) fn push(&mut self, v: &Value) -> Result<(), String> {
        let bad = |v: &Value, what: &str| format!("expected {what}, got {v:?}");
        match (self, v) {
            (ColumnBuilder::Int(b), Value::Null) => b.append_null(),
            (ColumnBuilder::Int(b), Value::Int(i)) => b.append_value(*i),
            (ColumnBuilder::Int(b), Value::Bool(x)) => b.append_value(i64::from(*x)),
            (ColumnBuilder::Int(_), v) => return Err(bad(v, "an integer")),
            (ColumnBuilder::Bool(b), Value::Null) => b.append_null(),
            (ColumnBuilder::Bool(b), Value::Bool(x)) => b.append_value(*x),
            (ColumnBuilder::Bool(b), Value::Int(i)) => b.append_value(*i != 0),
            (ColumnBuilder::Bool(_), v) => return Err(bad(v, "a boolean")),
            (ColumnBuilder::Float(b), Value::Null) => b.append_null(),
            (ColumnBuilder::Float(b), Value::Float(x)) => b.append_value(*x),
            (ColumnBuilder::Float(b), Value::Int(i)) => b.append_value(*i as f64),
            (ColumnBuilder::Float(_), v) => return Err(bad(v, "a number")),
            (ColumnBuilder::Str(b), Value::Null) => b.append_null(),
            (ColumnBuilder::Str(b), Value::Text(s) | Value::Json(s)) => b.append_value(s),
            (ColumnBuilder::Str(b), v) => b.append_value(v.to_string()),
            (ColumnBuilder::Datetime(b), Value::Null) => b.append_null(),
            (ColumnBuilder::Datetime(b), Value::DateTime(d)) => b.append_value(d.timestamp_micros()),
            (ColumnBuilder::Datetime(b), Value::Text(s)) => {
                b.append_value(parse_micros(s).ok_or_else(|| bad(v, "a datetime"))?)
            }
            (ColumnBuilder::Datetime(_), v) => return Err(bad(v, "a datetime")),
        }
        Ok(())
    }

    /// The finished column.
    pub(crate) fn finish(self) -> Column {
        match self {
            ColumnBuilder::Int(b) => b.finish().into_column(),
            ColumnBuilder::Bool(b) => b.finish().into_column(),
            ColumnBuilder::Float(b) => b.finish().into_column(),
            ColumnBuilder::Str(b) => b.finish().into_column(),
            ColumnBuilder::Datetime(b) => b
                .finish()
                .into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
                .into_series()
                .into_column(),
        }
    }
}

/// A column of `ty` from values, one per row.
pub(crate) fn column_of(name: &str, ty: SqlType, values: &[Value]) -> Result<Column, FrameError> {
    let mut b = ColumnBuilder::new(name, ty, values.len());
    for v in values {
        b.push(v).map_err(|message| FrameError::Decode { column: name.to_string(), message })?;
    }
    Ok(b.finish())
}

/// A list column of `ty` elements: one list per row (`None` = null list).
pub(crate) fn list_column_of(
    name: &str,
    ty: SqlType,
    rows: &[Option<Vec<Value>>],
) -> Result<Column, FrameError> {
    let n_values = rows.iter().flatten().map(Vec::len).sum();
    let mut lb = get_list_builder(&dtype_of(ty), n_values, rows.len(), PlSmallStr::from_str(name));
    for row in rows {
        match row {
            None => lb.append_null(),
            Some(values) => {
                let s = column_of(name, ty, values)?.take_materialized_series();
                lb.append_series(&s).map_err(FrameError::Export)?;
            }
        }
    }
    Ok(lb.finish().into_column())
}

/// A column of nulls of `dtype`.
pub(crate) fn null_column(name: &str, dtype: &DataType, height: usize) -> Column {
    Column::full_null(PlSmallStr::from_str(name), height, dtype)
}

/// Microseconds since the epoch of a datetime text as SQLite instances hold it
/// (`2026-11-29 05:45:29.886000`, fast path), or any form `lamindb_core` understands.
pub(crate) fn parse_micros(s: &str) -> Option<i64> {
    fast_micros(s.as_bytes()).or_else(|| lamindb_core::value::parse_datetime(s).map(|d| d.timestamp_micros()))
}

fn fast_micros(b: &[u8]) -> Option<i64> {
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
        b[r].iter().try_fold(0u32, |acc, c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut micros = 0u32;
    match &b[19..] {
        [] => {}
        [b'.', frac @ ..] if !frac.is_empty() && frac.len() <= 9 && frac.iter().all(u8::is_ascii_digit) => {
            for (i, c) in frac.iter().take(6).enumerate() {
                micros += u32::from(c - b'0') * 10u32.pow(5 - i as u32);
            }
        }
        _ => return None,
    }
    let dt = NaiveDate::from_ymd_opt(y as i32, mo, d)?.and_hms_micro_opt(h, mi, sec, micros)?;
    Some(dt.and_utc().timestamp_micros())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetime_texts_parse_to_micros() {
        let base = chrono::NaiveDate::from_ymd_opt(2026, 11, 29)
            .unwrap()
            .and_hms_micro_opt(5, 45, 29, 886_000)
            .unwrap()
            .and_utc()
            .timestamp_micros();
        assert_eq!(parse_micros("2026-11-29 05:45:29.886"), Some(base));
        assert_eq!(parse_micros("2026-11-29 05:45:29.886000"), Some(base));
        assert_eq!(parse_micros("2026-11-29T05:45:29.886+00:00"), Some(base));
        assert_eq!(parse_micros("2026-11-29 05:45:29"), Some(base - 886_000));
        assert_eq!(parse_micros("not a date"), None);
    }
}
