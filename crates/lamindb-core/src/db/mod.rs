//! The SQL layer: one connection type over SQLite and PostgreSQL, chosen at run time from the URL.
//!
//! Queries are built as [`Sql`]: text with bind parameters, never values spliced into the text.
//! The dialect decides placeholders (`?` or `$n`) and the few expressions that differ (now, casts).

#[cfg(feature = "postgres")]
mod pg_row;
mod redact;
mod row;

use diesel::connection::SimpleConnection;
#[cfg(feature = "postgres")]
use diesel::pg::PgConnection;
#[cfg(feature = "postgres")]
use diesel::sql_types::Timestamptz;
use diesel::sql_types::{BigInt, Bool, Double, Nullable, Text};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, RunQueryDsl};

use crate::error::{Error, Result};
use crate::value::{SqlType, Value, format_datetime};
pub(crate) use redact::redact_message;
pub use redact::redact_url;
pub(crate) use row::DynRow;
pub use row::ValueRef;

/// Which SQL dialect a connection speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// Embedded SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// A SQL statement with its bind parameters.
#[derive(Clone, Debug)]
pub struct Sql {
    dialect: Dialect,
    text: String,
    binds: Vec<(Value, SqlType)>,
}

impl Sql {
    /// An empty statement for a dialect.
    pub fn new(dialect: Dialect) -> Sql {
        Sql { dialect, text: String::new(), binds: Vec::new() }
    }

    /// Appends raw SQL text. Never pass user input here: use [`Sql::bind`].
    pub fn push(&mut self, sql: &str) -> &mut Sql {
        self.text.push_str(sql);
        self
    }

    /// Appends a quoted identifier (a table or column name from a registry declaration).
    pub fn ident(&mut self, name: &str) -> &mut Sql {
        debug_assert!(!name.contains('"'));
        self.text.push('"');
        self.text.push_str(name);
        self.text.push('"');
        self
    }

    /// Appends a placeholder and binds `value` as a column of type `ty`.
    pub fn bind(&mut self, value: Value, ty: SqlType) -> &mut Sql {
        self.binds.push((value, ty));
        match self.dialect {
            Dialect::Sqlite => self.text.push('?'),
            Dialect::Postgres => {
                let n = self.binds.len();
                if ty == SqlType::Json {
                    self.text.push_str(&format!("CAST(${n} AS jsonb)"));
                } else if ty == SqlType::Date {
                    self.text.push_str(&format!("CAST(${n} AS date)"));
                } else {
                    self.text.push_str(&format!("${n}"));
                }
            }
        }
        self
    }

    /// Appends integers as bound placeholders separated by commas: the inside of `IN (…)`.
    ///
    /// ```
    /// use lamindb_core::__private::{Dialect, Sql};
    ///
    /// let mut sql = Sql::new(Dialect::Postgres);
    /// sql.push("SELECT 1 WHERE 2 IN (").bind_ints(&[1, 2, 3]).push(")");
    /// assert_eq!(sql.text(), "SELECT 1 WHERE 2 IN ($1, $2, $3)");
    /// ```
    pub fn bind_ints(&mut self, values: &[i64]) -> &mut Sql {
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.bind(Value::Int(*v), SqlType::BigInt);
        }
        self
    }

    /// Appends the dialect's expression for the current UTC time.
    pub fn now(&mut self) -> &mut Sql {
        match self.dialect {
            Dialect::Sqlite => self.push("STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')"),
            Dialect::Postgres => self.push("now()"),
        }
    }

    /// The SQL text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The dialect this statement is written in.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }
}

/// Binds each value of `sql` onto a boxed diesel query for one backend; `$dt` is the SQL type
/// datetimes are bound as, `$d => $conv` converts a `DateTime<Utc>` to the Rust type `$rt`.
macro_rules! bind_all {
    ($sql:expr, $backend:ty, $dt:ty, $rt:ty, $d:ident => $conv:expr) => {{
        let mut q = diesel::sql_query($sql.text.clone()).into_boxed::<$backend>();
        for (value, ty) in &$sql.binds {
            q = match (value.clone(), ty) {
                (Value::Null, SqlType::Bool) => q.bind::<Nullable<Bool>, _>(None::<bool>),
                (Value::Null, t) if t.is_integer() => q.bind::<Nullable<BigInt>, _>(None::<i64>),
                (Value::Null, SqlType::Float) => q.bind::<Nullable<Double>, _>(None::<f64>),
                (Value::Null, SqlType::DateTime) => q.bind::<Nullable<$dt>, _>(None::<$rt>),
                (Value::Null, _) => q.bind::<Nullable<Text>, _>(None::<String>),
                (Value::Bool(b), _) => q.bind::<Bool, _>(b),
                (Value::Int(i), _) => q.bind::<BigInt, _>(i),
                (Value::Float(f), _) => q.bind::<Double, _>(f),
                (Value::Text(s), _) | (Value::Json(s), _) => q.bind::<Text, _>(s),
                (Value::DateTime($d), _) => q.bind::<$dt, $rt>($conv),
            };
        }
        q
    }};
}

macro_rules! sqlite_query {
    ($sql:expr) => {
        bind_all!($sql, diesel::sqlite::Sqlite, Text, String, d => format_datetime(&d))
    };
}

#[cfg(feature = "postgres")]
macro_rules! pg_query {
    ($sql:expr) => {
        bind_all!($sql, diesel::pg::Pg, Timestamptz, chrono::DateTime<chrono::Utc>, d => d)
    };
}

/// A database connection: SQLite or PostgreSQL. Internal: callers reach the database through
/// [`Instance`](crate::Instance), which pools these.
pub(crate) enum Db {
    /// Embedded SQLite (bundled libsqlite3).
    Sqlite(SqliteConnection),
    /// PostgreSQL (libpq).
    #[cfg(feature = "postgres")]
    Postgres(PgConnection),
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Db({:?})", self.dialect())
    }
}

/// How many times a write waits the busy timeout again for SQLite's write lock.
const BUSY_RETRIES: u64 = 5;

/// Runs `run` again while SQLite reports the database locked past its busy timeout, up to
/// [`BUSY_RETRIES`] times. Only for work that did nothing when it failed so: taking the write
/// lock, or one statement outside a transaction.
pub(crate) fn retry_busy<T>(mut run: impl FnMut() -> Result<T>) -> Result<T> {
    let mut waits = 0;
    loop {
        match run() {
            Err(e) if e.is_busy() && waits < BUSY_RETRIES => {
                waits += 1;
                std::thread::sleep(std::time::Duration::from_millis(50 * waits));
            }
            out => return out,
        }
    }
}

/// Whether this build can open PostgreSQL databases (cargo feature `postgres`).
///
/// ```
/// // Without the feature, a `postgresql://` URL gives `Error::NotBuiltIn`.
/// assert_eq!(lamindb_core::postgres_built_in(), cfg!(feature = "postgres"));
/// ```
pub const fn postgres_built_in() -> bool {
    cfg!(feature = "postgres")
}

/// Whether a URL names a PostgreSQL database.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgresql://") || url.starts_with("postgres://")
}

/// [`Error::Connect`] of a failed connection to `url`: the URL and the driver's message redacted.
fn connect_error(url: &str, e: diesel::ConnectionError) -> Error {
    let message = redact_message(&e.to_string(), url);
    Error::Connect {
        url: redact_url(url),
        message: message.clone(),
        source: crate::error::ConnectError::new(message, e),
    }
}

impl Db {
    /// Connects to `url`: `postgresql://…` / `postgres://…` for PostgreSQL, `sqlite:///abs/path`
    /// or a plain path for SQLite. SQLite connections get WAL, a busy timeout and foreign keys.
    pub(crate) fn connect(url: &str) -> Result<Db> {
        if is_postgres_url(url) {
            #[cfg(not(feature = "postgres"))]
            return Err(Error::NotBuiltIn { what: "PostgreSQL databases", feature: "postgres" });
            #[cfg(feature = "postgres")]
            {
                let mut conn = PgConnection::establish(url).map_err(|e| connect_error(url, e))?;
                conn.batch_execute("SET TIME ZONE 'UTC'")?;
                Ok(Db::Postgres(conn))
            }
        } else {
            // A settings file may hold anything: only `sqlite://` names a file (a keyword string
            // or another scheme would otherwise become the name of a new SQLite file).
            if !url.starts_with("sqlite://") {
                return Err(Error::InvalidDatabaseUrl {
                    url: redact_url(url),
                    message: format!(
                        "unsupported database URL '{}': use a PostgreSQL URL (postgresql://user@host:5432/db) or a SQLite file",
                        redact_url(url)
                    ),
                });
            }
            let path = sqlite_path(url);
            let mut conn = SqliteConnection::establish(path).map_err(|e| connect_error(url, e))?;
            // The journal mode is left alone here: it is stored in the file, and Python LaminDB
            // keeps its databases in rollback-journal mode (see `migrations::run_pending`).
            // A 64 MiB page cache keeps the indexes of bulk writes in memory (the default is 2 MiB).
            conn.batch_execute(
                "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536;",
            )?;
            register_regexp(&mut conn)?;
            Ok(Db::Sqlite(conn))
        }
    }

    /// The dialect of this connection.
    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            Db::Sqlite(_) => Dialect::Sqlite,
            #[cfg(feature = "postgres")]
            Db::Postgres(_) => Dialect::Postgres,
        }
    }

    /// A new empty statement in this connection's dialect.
    pub(crate) fn sql(&self) -> Sql {
        Sql::new(self.dialect())
    }

    /// Runs a query and returns its rows.
    pub(crate) fn query(&mut self, sql: &Sql) -> Result<Vec<DynRow>> {
        debug_assert_eq!(sql.dialect, self.dialect());
        Ok(match self {
            Db::Sqlite(c) => sqlite_query!(sql).load::<DynRow>(c)?,
            #[cfg(feature = "postgres")]
            Db::Postgres(c) => pg_query!(sql).load::<DynRow>(c)?,
        })
    }

    /// Runs a query and hands each row's values (in select order, as read: not coerced) to `f`
    /// while reading, without collecting the rows: for exports of many rows. SQLite streams
    /// from its cursor; PostgreSQL reads the result set first.
    pub(crate) fn query_each(
        &mut self,
        sql: &Sql,
        mut f: impl FnMut(Vec<Value>) -> Result<()>,
    ) -> Result<()> {
        use diesel::connection::DefaultLoadingMode;
        debug_assert_eq!(sql.dialect, self.dialect());
        match self {
            Db::Sqlite(c) => {
                for row in sqlite_query!(sql).load_iter::<DynRow, DefaultLoadingMode>(c)? {
                    f(row?.values)?;
                }
            }
            #[cfg(feature = "postgres")]
            Db::Postgres(c) => {
                for row in pg_query!(sql).load_iter::<DynRow, DefaultLoadingMode>(c)? {
                    f(row?.values)?;
                }
            }
        }
        Ok(())
    }

    /// Runs a query and hands every value to `f` as `(column index, value)`, row by row, borrowed
    /// from the connection's buffers: nothing is allocated per row or per value. Values are as
    /// read (not coerced). Returns the number of rows. The fastest way to read many rows; on
    /// PostgreSQL rows arrive one by one, so memory does not grow with the result.
    pub(crate) fn query_each_ref(
        &mut self,
        sql: &Sql,
        mut f: impl FnMut(usize, ValueRef<'_>) -> Result<()>,
    ) -> Result<usize> {
        use diesel::connection::{DefaultLoadingMode, LoadConnection};
        debug_assert_eq!(sql.dialect, self.dialect());
        let mut rows = 0;
        match self {
            Db::Sqlite(c) => {
                let cursor = LoadConnection::<DefaultLoadingMode>::load(c, sqlite_query!(sql))?;
                for row in cursor {
                    row::sqlite_each(&row?, &mut f)?;
                    rows += 1;
                }
            }
            #[cfg(feature = "postgres")]
            Db::Postgres(c) => {
                // Row by row (libpq's single-row mode): the result set is never held whole.
                let cursor = LoadConnection::<diesel::pg::PgRowByRowLoadingMode>::load(c, pg_query!(sql))?;
                for row in cursor {
                    pg_row::pg_each(&row?, &mut f)?;
                    rows += 1;
                }
            }
        }
        Ok(rows)
    }

    /// Runs a statement and returns the number of affected rows.
    pub(crate) fn execute(&mut self, sql: &Sql) -> Result<usize> {
        debug_assert_eq!(sql.dialect, self.dialect());
        Ok(match self {
            Db::Sqlite(c) => sqlite_query!(sql).execute(c)?,
            #[cfg(feature = "postgres")]
            Db::Postgres(c) => pg_query!(sql).execute(c)?,
        })
    }

    #[cfg(feature = "postgres")]
    /// PostgreSQL only: inserts `rows` with one statement per 50 000 rows, each column bound as
    /// one array and spread by `UNNEST` (a multi-row `VALUES` list is slow to parse and plan).
    pub(crate) fn insert_unnest_pg(
        &mut self,
        table: &str,
        columns: &[(&str, SqlType)],
        rows: &[Vec<Value>],
    ) -> Result<usize> {
        use diesel::pg::Pg;
        use diesel::sql_types::Array;
        let Db::Postgres(conn) = self else {
            return Err(Error::InvalidArgument("insert_unnest_pg needs a PostgreSQL connection".into()));
        };
        let mut total = 0;
        for chunk in rows.chunks(50_000) {
            let names: Vec<String> = columns.iter().map(|(c, _)| format!("\"{c}\"")).collect();
            let selects: Vec<String> = columns
                .iter()
                .enumerate()
                .map(|(i, (_, ty))| match ty {
                    SqlType::Json => format!("u.c{i}::jsonb"),
                    SqlType::Date => format!("u.c{i}::date"),
                    _ => format!("u.c{i}"),
                })
                .collect();
            let params: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
            let aliases: Vec<String> = (0..columns.len()).map(|i| format!("c{i}")).collect();
            let text = format!(
                "INSERT INTO \"{table}\" ({}) SELECT {} FROM UNNEST({}) AS u({})",
                names.join(", "),
                selects.join(", "),
                params.join(", "),
                aliases.join(", ")
            );
            let mut q = diesel::sql_query(text).into_boxed::<Pg>();
            for (i, (_, ty)) in columns.iter().enumerate() {
                let col = chunk.iter().map(|r| r[i].clone());
                q = match ty {
                    t if t.is_integer() => {
                        q.bind::<Array<Nullable<BigInt>>, _>(col.map(|v| v.as_i64()).collect::<Vec<_>>())
                    }
                    SqlType::Bool => q.bind::<Array<Nullable<Bool>>, _>(
                        col.map(|v| match v {
                            Value::Bool(b) => Some(b),
                            _ => None,
                        })
                        .collect::<Vec<_>>(),
                    ),
                    SqlType::Float => q.bind::<Array<Nullable<Double>>, _>(
                        col.map(|v| match v {
                            Value::Float(f) => Some(f),
                            Value::Int(i) => Some(i as f64),
                            _ => None,
                        })
                        .collect::<Vec<_>>(),
                    ),
                    SqlType::DateTime => q.bind::<Array<Nullable<Timestamptz>>, _>(
                        col.map(|v| match v {
                            Value::DateTime(d) => Some(d),
                            _ => None,
                        })
                        .collect::<Vec<_>>(),
                    ),
                    _ => q.bind::<Array<Nullable<Text>>, _>(
                        col.map(|v| match v {
                            Value::Text(s) | Value::Json(s) => Some(s),
                            Value::Null => None,
                            other => Some(other.to_string()),
                        })
                        .collect::<Vec<_>>(),
                    ),
                };
            }
            total += q.execute(conn)?;
        }
        // Fresh statistics, so that the planner uses the table's indexes right away.
        conn.batch_execute(&format!("ANALYZE \"{table}\""))?;
        Ok(total)
    }

    /// Runs SQL without parameters (DDL, pragmas, several statements).
    pub(crate) fn batch_execute(&mut self, text: &str) -> Result<()> {
        match self {
            Db::Sqlite(c) => c.batch_execute(text)?,
            #[cfg(feature = "postgres")]
            Db::Postgres(c) => c.batch_execute(text)?,
        }
        Ok(())
    }

    /// Starts a transaction through diesel's transaction manager: a savepoint when nested; at
    /// depth 0 on SQLite an immediate transaction, so that a writer takes its lock up front.
    /// `SqliteConnection::immediate_transaction` does exactly this (it hands `BEGIN IMMEDIATE`
    /// to `AnsiTransactionManager::begin_transaction_sql`, which tracks the depth), but takes a
    /// closure over the bare connection, which a transaction spanning `Instance` operations
    /// cannot use; commit and rollback below are the manager's own.
    pub(crate) fn begin(&mut self) -> Result<()> {
        use diesel::connection::{AnsiTransactionManager, TransactionManager};
        match self {
            Db::Sqlite(c) => {
                if self::depth(c) == 0 {
                    // Another writer may hold the lock for longer than the busy timeout (a large
                    // bulk insert): nothing is done yet, so waiting again is safe.
                    retry_busy(|| Ok(AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?))?
                } else {
                    AnsiTransactionManager::begin_transaction(c)?
                }
            }
            #[cfg(feature = "postgres")]
            Db::Postgres(c) => AnsiTransactionManager::begin_transaction(c)?,
        }
        Ok(())
    }

    /// Commits the innermost transaction (releases its savepoint when nested).
    pub(crate) fn commit(&mut self) -> Result<()> {
        use diesel::connection::{AnsiTransactionManager, TransactionManager};
        match self {
            Db::Sqlite(c) => AnsiTransactionManager::commit_transaction(c)?,
            #[cfg(feature = "postgres")]
            Db::Postgres(c) => AnsiTransactionManager::commit_transaction(c)?,
        }
        Ok(())
    }

    /// Rolls the innermost transaction back (to its savepoint when nested).
    pub(crate) fn rollback(&mut self) -> Result<()> {
        use diesel::connection::{AnsiTransactionManager, TransactionManager};
        match self {
            Db::Sqlite(c) => AnsiTransactionManager::rollback_transaction(c)?,
            #[cfg(feature = "postgres")]
            Db::Postgres(c) => AnsiTransactionManager::rollback_transaction(c)?,
        }
        Ok(())
    }

    /// How many transactions are open on this connection (0: autocommit).
    pub(crate) fn transaction_depth(&mut self) -> usize {
        match self {
            Db::Sqlite(c) => self::depth(c),
            #[cfg(feature = "postgres")]
            Db::Postgres(c) => self::depth(c),
        }
    }

    /// Refuses a database that holds LaminDB's tables already (a target of `init` or a move):
    /// [`Refusal::DatabaseLeftovers`](crate::Refusal::DatabaseLeftovers) when they hold no
    /// storage location (what an interrupted move or init leaves), else `DatabaseNotEmpty`.
    /// `storage_table` is the Storage registry's table.
    pub(crate) fn refuse_if_not_empty(&mut self, storage_table: &str, url: &str) -> Result<()> {
        if !self.table_exists(storage_table)? {
            return Ok(());
        }
        let mut sql = self.sql();
        sql.push("SELECT COUNT(*) FROM ").ident(storage_table);
        let rows =
            self.query(&sql).ok().and_then(|r| r.first().and_then(|r| r.get(0)).and_then(|v| v.as_i64()));
        let url = redact_url(url);
        Err(Error::Refused(match rows {
            Some(0) => crate::Refusal::DatabaseLeftovers { url },
            _ => crate::Refusal::DatabaseNotEmpty { url },
        }))
    }

    /// Whether a table exists.
    pub(crate) fn table_exists(&mut self, table: &str) -> Result<bool> {
        let mut sql = self.sql();
        match self.dialect() {
            Dialect::Sqlite => {
                sql.push("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ");
            }
            Dialect::Postgres => {
                sql.push("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ");
            }
        }
        sql.bind(Value::Text(table.to_string()), SqlType::Text);
        let rows = self.query(&sql)?;
        Ok(rows.first().and_then(|r| r.get(0)).and_then(Value::as_i64).unwrap_or(0) > 0)
    }
}

#[diesel::declare_sql_function]
extern "SQL" {
    fn lamin_regexp(
        value: Nullable<Text>,
        pattern: Text,
        case_insensitive: diesel::sql_types::Integer,
    ) -> Bool;
}

/// Registers `lamin_regexp(value, pattern, ci)` on a SQLite connection (SQLite has no regular
/// expressions of its own). Compiled patterns are cached per connection.
fn register_regexp(conn: &mut SqliteConnection) -> Result<()> {
    type Cache = std::collections::HashMap<(String, i32), Option<regex::Regex>>;
    let cache = std::sync::Mutex::new(Cache::new());
    lamin_regexp_utils::register_impl(conn, move |value: Option<String>, pattern: String, ci: i32| {
        let Some(value) = value else { return false };
        let mut cache = cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let re = cache
            .entry((pattern.clone(), ci))
            .or_insert_with(|| regex::RegexBuilder::new(&pattern).case_insensitive(ci != 0).build().ok());
        re.as_ref().is_some_and(|re| re.is_match(&value))
    })?;
    Ok(())
}

fn depth<C>(c: &mut C) -> usize
where
    C: diesel::Connection<TransactionManager = diesel::connection::AnsiTransactionManager>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    // A broken transaction manager counts as "in a transaction": such a connection is not reused.
    AnsiTransactionManager::transaction_manager_status_mut(c)
        .transaction_depth()
        .map_or(1, |d| d.map_or(0, |d| d.get() as usize))
}

/// The file path of a SQLite URL (`sqlite:///abs/path` → `/abs/path`).
pub(crate) fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://").unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_dialect() {
        let mut s = Sql::new(Dialect::Postgres);
        s.push("SELECT ")
            .bind(Value::Int(1), SqlType::Int)
            .push(", ")
            .bind(Value::Json("{}".into()), SqlType::Json);
        assert_eq!(s.text(), "SELECT $1, CAST($2 AS jsonb)");
        let mut s = Sql::new(Dialect::Sqlite);
        s.push("SELECT ").bind(Value::Int(1), SqlType::Int);
        assert_eq!(s.text(), "SELECT ?");
    }
}
