//! Rows read from PostgreSQL (feature `postgres`): values decoded by their type OID.

use diesel::deserialize::{self, FromSql, QueryableByName};
use diesel::pg::{Pg, PgValue};
use diesel::row::{Field, NamedRow};
use diesel::sql_types::{BigInt, Bool, Double, Float, Integer, SmallInt, Text, Timestamp, Timestamptz};

use super::row::{DynRow, ValueRef};
use crate::value::Value;

impl QueryableByName<Pg> for DynRow {
    fn build<'a>(row: &impl NamedRow<'a, Pg>) -> deserialize::Result<Self> {
        let n = row.field_count();
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let field = diesel::row::Row::get(row, i).ok_or("missing column")?;
            out.push(match field.value() {
                None => Value::Null,
                Some(raw) => pg_value(raw)?,
            });
        }
        Ok(DynRow { values: out })
    }
}

// PostgreSQL type OIDs of the types lamindb tables use.
const PG_BOOL: u32 = 16;
const PG_INT8: u32 = 20;
const PG_INT2: u32 = 21;
const PG_INT4: u32 = 23;
const PG_TEXT: u32 = 25;
const PG_JSON: u32 = 114;
const PG_FLOAT4: u32 = 700;
const PG_FLOAT8: u32 = 701;
const PG_BPCHAR: u32 = 1042;
const PG_VARCHAR: u32 = 1043;
const PG_DATE: u32 = 1082;
const PG_TIMESTAMP: u32 = 1114;
const PG_TIMESTAMPTZ: u32 = 1184;
const PG_NUMERIC: u32 = 1700;
const PG_JSONB: u32 = 3802;
const PG_NAME: u32 = 19;

fn pg_value(raw: PgValue<'_>) -> deserialize::Result<Value> {
    Ok(match raw.get_oid().get() {
        PG_BOOL => Value::Bool(<bool as FromSql<Bool, Pg>>::from_sql(raw)?),
        PG_INT2 => Value::Int(<i16 as FromSql<SmallInt, Pg>>::from_sql(raw)?.into()),
        PG_INT4 => Value::Int(<i32 as FromSql<Integer, Pg>>::from_sql(raw)?.into()),
        PG_INT8 => Value::Int(<i64 as FromSql<BigInt, Pg>>::from_sql(raw)?),
        PG_FLOAT4 => Value::Float(<f32 as FromSql<Float, Pg>>::from_sql(raw)?.into()),
        PG_FLOAT8 => Value::Float(<f64 as FromSql<Double, Pg>>::from_sql(raw)?),
        PG_TEXT | PG_VARCHAR | PG_BPCHAR | PG_NAME | PG_JSON => {
            Value::Text(<String as FromSql<Text, Pg>>::from_sql(raw)?)
        }
        PG_JSONB => {
            // Binary jsonb is a version byte (1) followed by the JSON text.
            let bytes = raw.as_bytes();
            let text = bytes.strip_prefix(&[1u8]).ok_or("unsupported jsonb version")?;
            Value::Json(String::from_utf8(text.to_vec())?)
        }
        PG_TIMESTAMPTZ => {
            Value::DateTime(<chrono::DateTime<chrono::Utc> as FromSql<Timestamptz, Pg>>::from_sql(raw)?)
        }
        PG_TIMESTAMP => {
            Value::DateTime(<chrono::NaiveDateTime as FromSql<Timestamp, Pg>>::from_sql(raw)?.and_utc())
        }
        PG_DATE => Value::Text(
            <chrono::NaiveDate as FromSql<diesel::sql_types::Date, Pg>>::from_sql(raw)?
                .format("%Y-%m-%d")
                .to_string(),
        ),
        PG_NUMERIC => {
            return Err("numeric columns are not supported; cast them in the query".into());
        }
        oid => return Err(format!("unsupported PostgreSQL type oid {oid}").into()),
    })
}

/// Hands each value of a PostgreSQL row to `f` with its column index.
pub(crate) fn pg_each<'a, R, F>(row: &R, f: &mut F) -> crate::error::Result<()>
where
    R: diesel::row::Row<'a, Pg>,
    F: FnMut(usize, ValueRef<'_>) -> crate::error::Result<()>,
{
    let decode = |e: Box<dyn std::error::Error + Send + Sync>| crate::error::Error::Decode {
        message: e.to_string(),
        source: Some(e),
    };
    for i in 0..row.field_count() {
        let field = diesel::row::Row::get(row, i)
            .ok_or_else(|| crate::error::Error::decode(format!("missing column {i}")))?;
        let Some(raw) = field.value() else {
            f(i, ValueRef::Null)?;
            continue;
        };
        match raw.get_oid().get() {
            PG_TEXT | PG_VARCHAR | PG_BPCHAR | PG_NAME | PG_JSON => {
                let text = std::str::from_utf8(raw.as_bytes()).map_err(|e| decode(e.into()))?;
                f(i, ValueRef::Text(text))?
            }
            PG_JSONB => {
                let bytes = raw.as_bytes();
                let text = bytes
                    .strip_prefix(&[1u8])
                    .ok_or_else(|| crate::error::Error::decode("unsupported jsonb version"))?;
                f(i, ValueRef::Text(std::str::from_utf8(text).map_err(|e| decode(e.into()))?))?
            }
            _ => match pg_value(raw).map_err(decode)? {
                Value::Null => f(i, ValueRef::Null)?,
                Value::Bool(b) => f(i, ValueRef::Bool(b))?,
                Value::Int(n) => f(i, ValueRef::Int(n))?,
                Value::Float(x) => f(i, ValueRef::Float(x))?,
                Value::DateTime(d) => f(i, ValueRef::DateTime(d))?,
                Value::Text(s) | Value::Json(s) => f(i, ValueRef::Text(&s))?,
            },
        }
    }
    Ok(())
}
