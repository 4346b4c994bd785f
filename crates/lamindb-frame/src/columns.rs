//! Typed column builders: SQL values (as read from either backend) become polars columns with
//! real dtypes — Int64, Boolean, Float64, String, Datetime(µs, UTC) — keeping nulls.

use lamindb_core::__private::ValueRef;
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
        SqlType::Varchar(_) | SqlType::Text | SqlType::Json | SqlType::Date => DataType::String,
        SqlType::DateTime => datetime_dtype(),
    }
}

/// Datetime in microseconds, UTC: what the `created_at` columns become.
pub(crate) fn datetime_dtype() -> DataType {
    DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
}

/// Builds one column from values pushed row by row. Leading NULLs are only counted: a column
/// (or chunk) that stays NULL becomes a null column backed by shared zeroed memory, which costs
/// nothing however long it is (LaminDB tables have many mostly-NULL columns).
pub(crate) struct ColumnBuilder {
    name: PlSmallStr,
    ty: SqlType,
    capacity: usize,
    leading_nulls: usize,
    inner: Option<Typed>,
}

/// The typed builder behind a [`ColumnBuilder`], once a value arrived.
enum Typed {
    Int(PrimitiveChunkedBuilder<Int64Type>),
    Bool(BooleanChunkedBuilder),
    Float(PrimitiveChunkedBuilder<Float64Type>),
    Str(StringChunkedBuilder),
    Datetime(PrimitiveChunkedBuilder<Int64Type>),
}

impl Typed {
    fn new(name: PlSmallStr, ty: SqlType, capacity: usize) -> Typed {
        match ty {
            SqlType::SmallInt | SqlType::Int | SqlType::BigInt => {
                Typed::Int(PrimitiveChunkedBuilder::new(name, capacity))
            }
            SqlType::Bool => Typed::Bool(BooleanChunkedBuilder::new(name, capacity)),
            SqlType::Float => Typed::Float(PrimitiveChunkedBuilder::new(name, capacity)),
            SqlType::Varchar(_) | SqlType::Text | SqlType::Json | SqlType::Date => {
                Typed::Str(StringChunkedBuilder::new(name, capacity))
            }
            SqlType::DateTime => Typed::Datetime(PrimitiveChunkedBuilder::new(name, capacity)),
        }
    }

    fn push(&mut self, v: &Value) -> Result<(), String> {
        let bad = |v: &Value, what: &str| format!("expected {what}, got {v:?}");
        match (self, v) {
            (Typed::Int(b), Value::Null) => b.append_null(),
            (Typed::Int(b), Value::Int(i)) => b.append_value(*i),
            (Typed::Int(b), Value::Bool(x)) => b.append_value(i64::from(*x)),
            (Typed::Int(_), v) => return Err(bad(v, "an integer")),
            (Typed::Bool(b), Value::Null) => b.append_null(),
            (Typed::Bool(b), Value::Bool(x)) => b.append_value(*x),
            (Typed::Bool(b), Value::Int(i)) => b.append_value(*i != 0),
            (Typed::Bool(_), v) => return Err(bad(v, "a boolean")),
            (Typed::Float(b), Value::Null) => b.append_null(),
            (Typed::Float(b), Value::Float(x)) => b.append_value(*x),
            (Typed::Float(b), Value::Int(i)) => b.append_value(*i as f64),
            (Typed::Float(_), v) => return Err(bad(v, "a number")),
            (Typed::Str(b), Value::Null) => b.append_null(),
            (Typed::Str(b), Value::Text(s) | Value::Json(s)) => b.append_value(s),
            (Typed::Str(b), v) => b.append_value(v.to_string()),
            (Typed::Datetime(b), Value::Null) => b.append_null(),
            (Typed::Datetime(b), Value::DateTime(d)) => b.append_value(d.timestamp_micros()),
            (Typed::Datetime(b), Value::Text(s)) => {
                b.append_value(parse_micros(s).ok_or_else(|| bad(v, "a datetime"))?)
            }
            (Typed::Datetime(_), v) => return Err(bad(v, "a datetime")),
        }
        Ok(())
    }

    fn push_ref(&mut self, v: ValueRef<'_>) -> Result<(), String> {
        let bad = |v: ValueRef<'_>, what: &str| format!("expected {what}, got {v:?}");
        match (self, v) {
            (Typed::Int(b), ValueRef::Null) => b.append_null(),
            (Typed::Int(b), ValueRef::Int(i)) => b.append_value(i),
            (Typed::Int(b), ValueRef::Bool(x)) => b.append_value(i64::from(x)),
            (Typed::Int(_), v) => return Err(bad(v, "an integer")),
            (Typed::Bool(b), ValueRef::Null) => b.append_null(),
            (Typed::Bool(b), ValueRef::Bool(x)) => b.append_value(x),
            (Typed::Bool(b), ValueRef::Int(i)) => b.append_value(i != 0),
            (Typed::Bool(_), v) => return Err(bad(v, "a boolean")),
            (Typed::Float(b), ValueRef::Null) => b.append_null(),
            (Typed::Float(b), ValueRef::Float(x)) => b.append_value(x),
            (Typed::Float(b), ValueRef::Int(i)) => b.append_value(i as f64),
            (Typed::Float(_), v) => return Err(bad(v, "a number")),
            (Typed::Str(b), ValueRef::Null) => b.append_null(),
            (Typed::Str(b), ValueRef::Text(s)) => b.append_value(s),
            (Typed::Str(b), ValueRef::Int(i)) => b.append_value(i.to_string()),
            (Typed::Str(b), ValueRef::Float(x)) => b.append_value(x.to_string()),
            (Typed::Str(b), ValueRef::Bool(x)) => b.append_value(if x { "true" } else { "false" }),
            (Typed::Str(b), ValueRef::DateTime(d)) => {
                b.append_value(lamindb_core::value::format_datetime(&d))
            }
            (Typed::Datetime(b), ValueRef::Null) => b.append_null(),
            (Typed::Datetime(b), ValueRef::DateTime(d)) => b.append_value(d.timestamp_micros()),
            (Typed::Datetime(b), ValueRef::Text(s)) => {
                b.append_value(parse_micros(s).ok_or_else(|| bad(v, "a datetime"))?)
            }
            (Typed::Datetime(_), v) => return Err(bad(v, "a datetime")),
        }
        Ok(())
    }

    fn finish(self) -> Column {
        match self {
            Typed::Int(b) => b.finish().into_column(),
            Typed::Bool(b) => b.finish().into_column(),
            Typed::Float(b) => b.finish().into_column(),
            Typed::Str(b) => b.finish().into_column(),
            Typed::Datetime(b) => b
                .finish()
                .into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
                .into_series()
                .into_column(),
        }
    }
}

impl ColumnBuilder {
    /// A builder for a column of SQL type `ty`.
    pub(crate) fn new(name: &str, ty: SqlType, capacity: usize) -> ColumnBuilder {
        ColumnBuilder { name: PlSmallStr::from_str(name), ty, capacity, leading_nulls: 0, inner: None }
    }

    /// Appends one value (NULL or a value the column's type can hold).
    pub(crate) fn push(&mut self, v: &Value) -> Result<(), String> {
        if self.inner.is_none() {
            if v.is_null() {
                self.leading_nulls += 1;
                return Ok(());
            }
            let mut typed = Typed::new(self.name.clone(), self.ty, self.capacity.max(self.leading_nulls + 1));
            for _ in 0..self.leading_nulls {
                typed.push(&Value::Null)?;
            }
            self.inner = Some(typed);
        }
        self.inner.as_mut().expect("set above").push(v)
    }

    /// Appends one value borrowed from a streamed row.
    pub(crate) fn push_ref(&mut self, v: ValueRef<'_>) -> Result<(), String> {
        if self.inner.is_none() {
            if v == ValueRef::Null {
                self.leading_nulls += 1;
                return Ok(());
            }
            let mut typed = Typed::new(self.name.clone(), self.ty, self.capacity.max(self.leading_nulls + 1));
            for _ in 0..self.leading_nulls {
                typed.push_ref(ValueRef::Null)?;
            }
            self.inner = Some(typed);
        }
        self.inner.as_mut().expect("set above").push_ref(v)
    }

    /// The finished column.
    pub(crate) fn finish(self) -> Column {
        match self.inner {
            Some(typed) => typed.finish(),
            None => Series::full_null(self.name, self.leading_nulls, &dtype_of(self.ty)).into_column(),
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
/// (`2026-11-29 05:45:29.886000`), or any form `lamindb_core` understands.
pub(crate) fn parse_micros(s: &str) -> Option<i64> {
    lamindb_core::value::parse_datetime(s).map(|d| d.timestamp_micros())
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
