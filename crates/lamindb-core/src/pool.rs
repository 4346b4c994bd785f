//! The [`Instance`] handle and its connections: a small pool, transactions through diesel's transaction
//! manager, and the statement-level methods the rest of the crate builds on.
//!
//! An `Instance` is a cheap handle (`Clone`, `Send + Sync`). Each operation takes a connection
//! from the pool for as long as it runs and gives it back. Inside [`Instance::transaction`] the
//! handle passed to the closure is *pinned* to one connection, so that every operation made
//! through it joins the transaction; nested transactions become savepoints.
//!
//! The pool opens connections lazily (the first when the instance is opened) and keeps at most
//! [`MAX_IDLE`] idle ones; it spawns no threads.

use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};

use crate::db::{Db, Dialect, DynRow, Sql, ValueRef};
use crate::error::Result;
use crate::settings::{InstanceSettings, SettingsDir, UserSettings};
use crate::value::Value;

/// Idle connections kept for reuse.
const MAX_IDLE: usize = 8;

/// Connections to one database.
pub(crate) struct Pool {
    url: String,
    dialect: Dialect,
    idle: Mutex<Vec<Db>>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool").field("dialect", &self.dialect).finish_non_exhaustive()
    }
}

impl Pool {
    /// A pool over `url` that starts with the connection `first`.
    pub(crate) fn new(url: String, first: Db) -> Pool {
        Pool { url, dialect: first.dialect(), idle: Mutex::new(vec![first]) }
    }

    pub(crate) fn dialect(&self) -> Dialect {
        self.dialect
    }

    pub(crate) fn checkout(&self) -> Result<Db> {
        let idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
        match idle {
            Some(db) => Ok(db),
            None => Db::connect(&self.url),
        }
    }

    pub(crate) fn give_back(&self, mut db: Db) {
        // A connection left inside a transaction (a panic midway) is closed, which rolls it back.
        if db.transaction_depth() != 0 {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < MAX_IDLE {
            idle.push(db);
        }
    }

    /// Closes every idle connection (before the database file is removed).
    pub(crate) fn close_idle(&self) {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }
}

/// The connection a transaction handle is pinned to.
pub(crate) type Pinned = Arc<Mutex<Db>>;

/// An open instance: the handle every operation takes.
///
/// Cheap to clone and `Send + Sync`: clones share the instance's settings and its pool of
/// database connections, so a service can hold several instances and use each from many threads.
/// Opening one never changes which instance is current.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let tmp = tempfile::tempdir()?;
/// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
/// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
/// # lamindb_core::Instance::init_in(&settings, &opts)?;
/// use lamindb_core::{Instance, SQLRecord, ULabel, fields::ulabel};
///
/// let inst = Instance::open(tmp.path().join("data"))?;
/// let worker = inst.clone();
/// std::thread::spawn(move || ULabel::new("from a thread").save(&worker)).join().unwrap()?;
/// assert!(ULabel::filter(ulabel::NAME.eq("from a thread")).exists(&inst)?);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Instance {
    pub(crate) shared: Arc<Shared>,
    /// Inside [`Instance::transaction`]: the connection every operation of this handle uses.
    pub(crate) pinned: Option<Pinned>,
}

#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) settings: RwLock<InstanceSettings>,
    pub(crate) dir: SettingsDir,
    pub(crate) user: UserSettings,
    /// The current user's `lamindb_user.id`, once known (forgotten when an import replaces rows).
    pub(crate) user_id: RwLock<Option<i64>>,
    /// The instance uid (derived from the instance id, which never changes).
    pub(crate) uid: OnceLock<String>,
    pub(crate) pool: Pool,
    /// The run that records saved through this instance belong to (`Instance::track`).
    pub(crate) run: RwLock<Option<i64>>,
}

// The handle's connection: pinned to a transaction or taken from the pool.
impl Instance {
    pub(crate) fn pinned(&self) -> Option<&Pinned> {
        self.pinned.as_ref()
    }

    pub(crate) fn pinned_to(&self, pinned: Pinned) -> Instance {
        Instance { shared: self.shared.clone(), pinned: Some(pinned) }
    }

    /// A handle on the same instance pinned to no transaction: its operations take pooled
    /// connections (which do not see what an open transaction of this handle has written).
    pub(crate) fn unpinned(&self) -> Instance {
        Instance { shared: self.shared.clone(), pinned: None }
    }

    pub(crate) fn pool(&self) -> &Pool {
        &self.shared.pool
    }
}

// Connections and transactions.
impl Instance {
    /// Runs `f` with a connection: the pinned one inside a transaction, else one from the pool.
    /// `f` must not call back into the instance (the pinned connection is locked meanwhile).
    pub(crate) fn with_db<T>(&self, f: impl FnOnce(&mut Db) -> Result<T>) -> Result<T> {
        match self.pinned() {
            Some(pinned) => f(&mut pinned.lock().unwrap_or_else(PoisonError::into_inner)),
            None => {
                let pool = self.pool();
                let mut db = pool.checkout()?;
                let out = f(&mut db);
                pool.give_back(db);
                out
            }
        }
    }

    /// Runs `f` in a transaction and returns its result: committed when `f` returns `Ok`,
    /// rolled back when it returns an error or panics. Every operation made through the handle
    /// that `f` receives joins the transaction; a transaction inside `f` becomes a savepoint, so
    /// an inner failure never commits or aborts the outer work. On SQLite the transaction takes
    /// the write lock when it begins (`BEGIN IMMEDIATE`).
    ///
    /// `f` may fail with any error type that a library [`Error`](crate::Error) converts into: the
    /// transaction is rolled back and `f`'s error comes back unchanged. A failure to begin or
    /// commit is converted with `From`. When the closure's error type cannot be inferred (it
    /// only uses `?` and ends in `Ok(…)`), name it: `|tx| -> lamindb_core::Result<_> { … }`.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
    /// use lamindb_core::{SQLRecord, Result, ULabel};
    ///
    /// // Either both labels are saved, or neither.
    /// inst.transaction(|tx| -> Result<()> {
    ///     ULabel::new("A").save(tx)?;
    ///     ULabel::new("B").save(tx)?;
    ///     Ok(())
    /// })?;
    ///
    /// // A failure of the caller's own rolls back what was done before it, and comes back as is.
    /// #[derive(Debug)]
    /// enum JobError {
    ///     ChangedMyMind,
    ///     Library(lamindb_core::Error),
    /// }
    /// impl From<lamindb_core::Error> for JobError {
    ///     fn from(e: lamindb_core::Error) -> Self {
    ///         JobError::Library(e)
    ///     }
    /// }
    /// let failed = inst.transaction(|tx| {
    ///     ULabel::new("C").save(tx)?;
    ///     Err::<(), _>(JobError::ChangedMyMind)
    /// });
    /// assert!(matches!(failed, Err(JobError::ChangedMyMind)));
    /// assert_eq!(ULabel::query().count(&inst)?, 2);
    /// # Ok(()) }
    /// ```
    pub fn transaction<T, E>(&self, f: impl FnOnce(&Instance) -> Result<T, E>) -> Result<T, E>
    where
        E: From<crate::Error>,
    {
        if self.pinned().is_some() {
            self.with_db(Db::begin)?;
            let out = f(self);
            return self.finish(out);
        }
        let pool = self.pool();
        let mut db = pool.checkout()?;
        db.begin()?;
        let pinned: Pinned = Arc::new(Mutex::new(db));
        let tx = self.pinned_to(pinned.clone());
        let out = f(&tx);
        let out = tx.finish(out);
        drop(tx);
        // A handle cloned out of the closure keeps the connection; otherwise it goes back.
        if let Ok(db) = Arc::try_unwrap(pinned) {
            pool.give_back(db.into_inner().unwrap_or_else(PoisonError::into_inner));
        }
        out
    }

    fn finish<T, E: From<crate::Error>>(&self, out: Result<T, E>) -> Result<T, E> {
        match out {
            Ok(v) => {
                self.with_db(Db::commit)?;
                Ok(v)
            }
            Err(e) => {
                // The original error matters more than a failed rollback.
                let _ = self.with_db(Db::rollback);
                Err(e)
            }
        }
    }

    /// The SQL dialect of the instance's database.
    pub(crate) fn dialect(&self) -> Dialect {
        self.pool().dialect()
    }

    /// A new empty statement in the instance's dialect, for [`query_each_ref`](crate::__private::query_each_ref).
    pub(crate) fn sql(&self) -> Sql {
        Sql::new(self.dialect())
    }

    /// Runs a read-only statement and hands every value to `f` as `(column index, value)`, row
    /// by row, borrowed from the connection's buffers: nothing is allocated per row. Returns the
    /// number of rows. For crates that read many rows (`lamindb-frame`); on PostgreSQL rows
    /// arrive one by one. `f` must not call back into the instance.
    pub(crate) fn query_each_ref(
        &self,
        sql: &Sql,
        f: impl FnMut(usize, ValueRef<'_>) -> Result<()>,
    ) -> Result<usize> {
        check_read_only(sql)?;
        self.with_db(|db| db.query_each_ref(sql, f))
    }

    /// Runs a read-only statement and hands each row's values (in select order, as read) to `f`.
    /// `f` must not call back into the instance.
    pub(crate) fn query_each(&self, sql: &Sql, f: impl FnMut(Vec<Value>) -> Result<()>) -> Result<()> {
        check_read_only(sql)?;
        self.with_db(|db| db.query_each(sql, f))
    }

    /// Whether a table exists in the instance's database.
    pub(crate) fn table_exists(&self, table: &str) -> Result<bool> {
        self.with_db(|db| db.table_exists(table))
    }

    pub(crate) fn query(&self, sql: &Sql) -> Result<Vec<DynRow>> {
        self.statement(|| self.with_db(|db| db.query(sql)))
    }

    pub(crate) fn execute(&self, sql: &Sql) -> Result<usize> {
        self.statement(|| self.with_db(|db| db.execute(sql)))
    }

    /// One statement: outside a transaction it is retried while SQLite is busy (a statement
    /// refused so did nothing); inside one, the transaction holds the write lock already.
    fn statement<T>(&self, mut run: impl FnMut() -> Result<T>) -> Result<T> {
        if self.pinned().is_some() { run() } else { crate::db::retry_busy(run) }
    }

    /// Serialises the writers of `table` until the end of the current transaction, so that a
    /// lookup and the insert it decides cannot interleave with another writer's: PostgreSQL
    /// takes a lock that other writers of the table wait for (readers do not); SQLite's write
    /// transactions (`BEGIN IMMEDIATE`) are serialised already.
    pub(crate) fn lock_for_writers(&self, table: &str) -> Result<()> {
        if self.dialect() == Dialect::Postgres {
            let mut sql = self.sql();
            sql.push("LOCK TABLE ").ident(table).push(" IN SHARE ROW EXCLUSIVE MODE");
            self.execute(&sql)?;
        }
        Ok(())
    }
}

/// The public statement methods read: anything but a `SELECT` (or `WITH … SELECT`) is refused,
/// so that writes go through the record API and its validation.
fn check_read_only(sql: &Sql) -> Result<()> {
    let head = sql.text().trim_start().get(..6).unwrap_or_default().to_ascii_uppercase();
    if head == "SELECT" || head.starts_with("WITH") {
        Ok(())
    } else {
        Err(crate::Error::InvalidArgument(
            "query_each and query_each_ref run SELECT statements only; write through the record API".into(),
        ))
    }
}
