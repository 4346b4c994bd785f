//! Column kinds: what values the lookups of a typed field take.
//!
//! Every typed field ([`Col<R, K>`](super::Col)) carries the kind `K` of its column, derived from
//! the Rust type of the record's field through [`ColumnType`] (`String` → [`Text`],
//! `Option<i64>` → [`Int`], `Option<DateTime<Utc>>` → [`DateTime`], …). A lookup takes values
//! that are [`ColumnValue`]s of that kind, so a string cannot be compared with an integer column
//! and the text lookups (`contains`, `starts_with`, `regex`, …) exist on text columns only.
//!
//! | kind | Rust field types | values a lookup takes |
//! |---|---|---|
//! | [`Text`] | `String` | `&str`, `String`, `&String`, `Cow<str>`, `Box<str>`, `char` |
//! | [`Int`] | `i64`, `i32` | `i64`, `i32`, `i16`, `i8`, `u32`, `u16`, `u8` |
//! | [`Float`] | `f64` | `f64`, `f32` |
//! | [`Bool`] | `bool` | `bool` |
//! | [`DateTime`] | `DateTime<Utc>` | `chrono::DateTime<Tz>` of any time zone |
//! | [`Date`] | `NaiveDate` | `chrono::NaiveDate` |
//! | [`Json`] | [`value::Json`](crate::value::Json), `serde_json::Value` | both |
//!
//! `Option<T>` has the kind of `T`; NULL is asked for with `is_null()` / `is_not_null()`.

use chrono::{NaiveDate, TimeZone, Utc};

use crate::value::Value;

/// Text columns (`varchar`, `text`).
#[derive(Debug)]
pub enum Text {}
/// Integer columns (`smallint`, `integer`, `bigint`; foreign keys).
#[derive(Debug)]
pub enum Int {}
/// Floating point columns.
#[derive(Debug)]
pub enum Float {}
/// Boolean columns.
#[derive(Debug)]
pub enum Bool {}
/// Timestamps (UTC).
#[derive(Debug)]
pub enum DateTime {}
/// Dates (held as ISO text, `2026-12-01`).
#[derive(Debug)]
pub enum Date {}
/// JSON columns.
#[derive(Debug)]
pub enum Json {}

/// The kind of column a Rust field type is stored in (used by [`registry!`](crate::registry!)).
pub trait ColumnType {
    /// The column's kind: [`Text`], [`Int`], [`Float`], [`Bool`], [`DateTime`], [`Date`] or [`Json`].
    type Kind;
}

macro_rules! column_types {
    ($($t:ty => $k:ty),* $(,)?) => {$( impl ColumnType for $t { type Kind = $k; } )*};
}

column_types! {
    String => Text,
    i64 => Int,
    i32 => Int,
    f64 => Float,
    bool => Bool,
    chrono::DateTime<Utc> => DateTime,
    NaiveDate => Date,
    crate::value::Json => Json,
    serde_json::Value => Json,
}

impl<T: ColumnType> ColumnType for Option<T> {
    type Kind = T::Kind;
}

impl<T: ColumnType> ColumnType for crate::value::Internal<T> {
    type Kind = T::Kind;
}

/// A value that a lookup on a column of kind `K` takes (see the [module docs](self)).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a value of a `{K}` column",
    label = "a lookup's value has the kind of its column",
    note = "text columns take strings, integer columns integers, dates `chrono::NaiveDate`, timestamps `chrono::DateTime`"
)]
pub trait ColumnValue<K> {
    /// The value as bound into SQL.
    fn into_value(self) -> Value;
}

macro_rules! column_values {
    ($k:ty: $($t:ty),* => |$v:ident| $e:expr) => {$(
        impl ColumnValue<$k> for $t {
            fn into_value(self) -> Value {
                let $v = self;
                $e
            }
        }
    )*};
}

column_values!(Text: &str, String, &String, &mut str, Box<str>, std::borrow::Cow<'_, str>, char => |v| Value::Text(v.into()));
column_values!(Int: i64, i32, i16, i8, u32, u16, u8 => |v| Value::Int(i64::from(v)));
column_values!(Float: f64, f32 => |v| Value::Float(f64::from(v)));
column_values!(Bool: bool => |v| Value::Bool(v));
column_values!(Date: NaiveDate => |v| Value::Text(v.format("%Y-%m-%d").to_string()));
column_values!(Json: crate::value::Json => |v| Value::Json(v.0));
column_values!(Json: serde_json::Value => |v| Value::Json(v.to_string()));

impl<Tz: TimeZone> ColumnValue<DateTime> for chrono::DateTime<Tz> {
    fn into_value(self) -> Value {
        Value::DateTime(self.with_timezone(&Utc))
    }
}

/// The kind of a field's column: from its Rust type, or named (`Date` for a date held as text).
#[doc(hidden)]
#[macro_export]
macro_rules! __column_kind {
    ($ty:ty) => {
        <$ty as $crate::query::kind::ColumnType>::Kind
    };
    ($ty:ty, $kind:ident) => {
        $crate::query::kind::$kind
    };
}
