//! Rows whose columns are known only at run time, read from either backend.

use diesel::deserialize::{self, FromSql, QueryableByName};
use diesel::row::{Field, NamedRow};
use diesel::sql_types::{BigInt, Double, Text};
use diesel::sqlite::{Sqlite, SqliteType};

use crate::value::Value;

/// One result row: its values, in select order (as read, not yet coerced to column types).
#[derive(Clone, Debug, Default)]
pub struct DynRow {
    pub(crate) values: Vec<Value>,
}

impl DynRow {
    /// The value at a column index.
    pub fn get(&self, idx: usize) -> Option<&Value> {
        self.values.get(idx)
    }
}

fn sqlite_value(raw: Option<diesel::sqlite::SqliteValue<'_, '_, '_>>) -> deserialize::Result<Value> {
    Ok(match raw {
        None => Value::Null,
        Some(raw) => match raw.value_type() {
            Some(SqliteType::Integer) | Some(SqliteType::Long) => {
                Value::Int(<i64 as FromSql<BigInt, Sqlite>>::from_sql(raw)?)
            }
            Some(SqliteType::Double) | Some(SqliteType::Float) => {
                Value::Float(<f64 as FromSql<Double, Sqlite>>::from_sql(raw)?)
            }
            Some(SqliteType::Binary) => {
                let bytes = <Vec<u8> as FromSql<diesel::sql_types::Binary, Sqlite>>::from_sql(raw)?;
                Value::Text(String::from_utf8_lossy(&bytes).into_owned())
            }
            _ => Value::Text(<String as FromSql<Text, Sqlite>>::from_sql(raw)?),
        },
    })
}

impl QueryableByName<Sqlite> for DynRow {
    fn build<'a>(row: &impl NamedRow<'a, Sqlite>) -> deserialize::Result<Self> {
        let n = row.field_count();
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let field = diesel::row::Row::get(row, i).ok_or("missing column")?;
            out.push(sqlite_value(field.value())?);
        }
        Ok(DynRow { values: out })
    }
}

/// One value of a streamed row, borrowed from the connection's buffers (see
/// [`query_each_ref`](crate::__private::query_each_ref)): no allocation per value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ValueRef<'a> {
    /// SQL NULL.
    Null,
    /// A boolean (PostgreSQL; SQLite stores booleans as integers).
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// Text, and JSON as its text.
    Text(&'a str),
    /// A timestamp (PostgreSQL; SQLite stores datetimes as text).
    DateTime(chrono::DateTime<chrono::Utc>),
}

/// Hands each value of a SQLite row to `f` with its column index.
pub(crate) fn sqlite_each<'a, R, F>(row: &R, f: &mut F) -> crate::error::Result<()>
where
    R: diesel::row::Row<'a, Sqlite>,
    F: FnMut(usize, ValueRef<'_>) -> crate::error::Result<()>,
{
    for i in 0..row.field_count() {
        let field = diesel::row::Row::get(row, i)
            .ok_or_else(|| crate::error::Error::decode(format!("missing column {i}")))?;
        match field.value() {
            None => f(i, ValueRef::Null)?,
            Some(mut raw) => match raw.value_type() {
                Some(SqliteType::Integer) | Some(SqliteType::Long) => f(i, ValueRef::Int(raw.read_long()))?,
                Some(SqliteType::Double) | Some(SqliteType::Float) => {
                    f(i, ValueRef::Float(raw.read_double()))?
                }
                _ => f(i, ValueRef::Text(raw.read_text()))?,
            },
        }
    }
    Ok(())
}
