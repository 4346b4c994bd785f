//! Not part of the API: raw, read-only SQL for lamindb-frame (which streams query results into
//! DataFrames) and the workspace's own tests. Nothing here is covered by semver; it may change
//! or go away in any release. Applications use records, queries and the handles of
//! [`Instance`].

use crate::error::Result;
use crate::pool::Instance;
use crate::query::QuerySet;
use crate::registry::SaveContext;
use crate::value::Value;

pub use crate::db::{Dialect, Sql, ValueRef};

/// The SQL dialect of the instance's database.
pub fn dialect(inst: &Instance) -> Dialect {
    inst.dialect()
}

/// A new empty statement in the instance's dialect.
pub fn sql(inst: &Instance) -> Sql {
    inst.sql()
}

/// Runs a read-only statement (a `SELECT`; anything else is refused) and hands every value to
/// `f` as `(column index, value)`, row by row, borrowed from the connection's buffers. Returns
/// the number of rows. `f` must not call back into the instance.
pub fn query_each_ref(
    inst: &Instance,
    sql: &Sql,
    f: impl FnMut(usize, ValueRef<'_>) -> Result<()>,
) -> Result<usize> {
    inst.query_each_ref(sql, f)
}

/// Runs a read-only statement and hands each row's values (in select order) to `f`. `f` must
/// not call back into the instance.
pub fn query_each(inst: &Instance, sql: &Sql, f: impl FnMut(Vec<Value>) -> Result<()>) -> Result<()> {
    inst.query_each(sql, f)
}

/// Whether a table exists in the instance's database.
pub fn table_exists(inst: &Instance, table: &str) -> Result<bool> {
    inst.table_exists(table)
}

/// The SELECT statement of a query, for `columns` (all fields when empty).
pub fn to_sql(query: &QuerySet, dialect: Dialect, columns: &[&str]) -> Result<Sql> {
    query.to_sql(dialect, columns)
}

/// `lamindb_user.id` of the current user; the user row is registered if it is missing.
pub fn user_id(inst: &Instance) -> Result<i64> {
    inst.user_id()
}

/// Who is saving (the [`TracksRun`](crate::TracksRun) fields of every save).
pub fn save_context(inst: &Instance) -> Result<SaveContext> {
    inst.save_context()
}

/// A private field's value, for the workspace's tests that build the state a killed process or
/// Python LaminDB leaves behind (an `_aux` save flag, a `_real_key`).
pub fn internal<T>(value: T) -> crate::value::Internal<T> {
    crate::value::Internal(value)
}
