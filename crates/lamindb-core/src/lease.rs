//! Leases between processes working on one instance.
//!
//! A save holds the *writer lease* (shared: any number of saves at once) from the insert of its
//! rows flagged "storage ongoing" until the flags are cleared or the rows of failed copies are
//! removed. [`Instance::doctor`](crate::Instance::doctor) with `fix` and
//! [`Tables::move_to`](crate::io::Tables::move_to) take the *exclusive lease*: doctor
//! repairs and deletes nothing while a save holds the writer lease (a flagged row is then a
//! save in progress, not a crashed one), and a move waits for the saves in progress to end and
//! keeps new ones waiting until it is done.
//!
//! The lease is held by the process, so it ends when the process ends, however it ends:
//! - SQLite: an advisory file lock (`flock`) on `lamin.db.lease` beside the database file, which
//!   every process on the machine (or sharing its file system) sees;
//! - PostgreSQL: an advisory lock of the database (`pg_advisory_lock_shared` /
//!   `pg_try_advisory_lock`), held by one of the instance's connections, which every client of
//!   the database sees, on any machine.
//!
//! Python LaminDB takes no lease; its saves in progress are told apart by age (see
//! [`DoctorOptions::grace`](crate::doctor::DoctorOptions::grace)).

use std::fs::{File, OpenOptions, TryLockError};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[cfg(feature = "postgres")]
use crate::db::Db;
use crate::error::{Error, Refusal, Result};
use crate::pool::Instance;

/// The key of the writer lease among PostgreSQL's advisory locks of a database (an arbitrary
/// constant: "lamindb " as bytes).
#[cfg(feature = "postgres")]
const PG_KEY: i64 = 0x6c61_6d69_6e64_6220;

/// How long a writer waits for an exclusive holder (a move, a repair) before it gives up.
const WAIT: Duration = Duration::from_secs(600);

/// A held lease; dropping it releases it.
#[derive(Debug)]
pub(crate) enum Lease {
    /// The lock file, locked (closing it unlocks).
    File { _file: File },
    /// A connection holding the advisory lock, given back to the pool unlocked.
    #[cfg(feature = "postgres")]
    Pg { db: Option<Db>, inst: Instance, exclusive: bool },
}

impl Drop for Lease {
    fn drop(&mut self) {
        #[cfg(feature = "postgres")]
        if let Lease::Pg { db, inst, exclusive } = self {
            if let Some(mut db) = db.take() {
                let f = if *exclusive { "pg_advisory_unlock" } else { "pg_advisory_unlock_shared" };
                // A connection that cannot unlock is closed, which releases its locks.
                if db.batch_execute(&format!("SELECT {f}({PG_KEY})")).is_ok() {
                    inst.pool().give_back(db);
                }
            }
        }
    }
}

/// Shared or exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Shared,
    Exclusive,
}

impl Instance {
    /// The lock file of a SQLite instance.
    fn lease_file(&self) -> Option<PathBuf> {
        self.read_settings(|s| {
            s.is_sqlite().then(|| {
                let mut path = s.sqlite_path().into_os_string();
                path.push(lamindb_storage::marker::LEASE_SUFFIX);
                PathBuf::from(path)
            })
        })
    }

    /// Takes the writer lease (shared), waiting while an exclusive holder has it.
    pub(crate) fn writer_lease(&self) -> Result<Lease> {
        self.wait_lease(Mode::Shared, WAIT)
    }

    /// Takes the exclusive lease if no save holds the writer lease now.
    pub(crate) fn try_exclusive_lease(&self) -> Result<Option<Lease>> {
        self.try_lease(Mode::Exclusive)
    }

    /// Whether a save holds the writer lease now. Writes nothing (no lease file is made where
    /// none is: then no save of a `lamin` process has ever run here).
    pub(crate) fn saves_in_progress(&self) -> Result<bool> {
        if self.lease_file().is_some_and(|path| !path.exists()) {
            return Ok(false);
        }
        Ok(self.try_lease(Mode::Exclusive)?.is_none())
    }

    /// Takes the exclusive lease, waiting up to `wait` for the saves in progress to end.
    pub(crate) fn exclusive_lease(&self, wait: Duration) -> Result<Lease> {
        self.wait_lease(Mode::Exclusive, wait)
    }

    fn wait_lease(&self, mode: Mode, wait: Duration) -> Result<Lease> {
        let start = Instant::now();
        loop {
            if let Some(lease) = self.try_lease(mode)? {
                return Ok(lease);
            }
            if start.elapsed() > wait {
                return Err(Error::Refused(Refusal::InstanceBusy { slug: self.slug() }));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn try_lease(&self, mode: Mode) -> Result<Option<Lease>> {
        match self.lease_file() {
            Some(path) => {
                // Locks need no write access: the file is opened for reading, and made only
                // when missing.
                let file = match File::open(&path) {
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path)
                    }
                    opened => opened,
                }
                .map_err(|e| Error::io(&path, e))?;
                let locked = match mode {
                    Mode::Shared => file.try_lock_shared(),
                    Mode::Exclusive => file.try_lock(),
                };
                match locked {
                    Ok(()) => Ok(Some(Lease::File { _file: file })),
                    Err(TryLockError::WouldBlock) => Ok(None),
                    Err(TryLockError::Error(e)) => Err(Error::io(&path, e)),
                }
            }
            None => self.try_pg_lease(mode),
        }
    }

    #[cfg(feature = "postgres")]
    fn try_pg_lease(&self, mode: Mode) -> Result<Option<Lease>> {
        let mut db = self.pool().checkout()?;
        let f = match mode {
            Mode::Shared => "pg_try_advisory_lock_shared",
            Mode::Exclusive => "pg_try_advisory_lock",
        };
        let mut sql = db.sql();
        sql.push(&format!("SELECT CASE WHEN {f}({PG_KEY}) THEN 1::bigint ELSE 0::bigint END"));
        let got = db.query(&sql)?.first().and_then(|r| r.get(0)).and_then(|v| v.as_i64()) == Some(1);
        if !got {
            self.pool().give_back(db);
            return Ok(None);
        }
        Ok(Some(Lease::Pg { db: Some(db), inst: self.unpinned(), exclusive: mode == Mode::Exclusive }))
    }

    #[cfg(not(feature = "postgres"))]
    fn try_pg_lease(&self, _mode: Mode) -> Result<Option<Lease>> {
        Err(Error::NotBuiltIn { what: "PostgreSQL databases", feature: "postgres" })
    }
}
