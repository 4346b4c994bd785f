//! Instances: creating (`init`), opening, connecting, describing and deleting them.
//!
//! An instance is one SQL database plus a default storage location, described by a settings file.
//! `init` creates everything or nothing: every step it has done is undone when a later one fails.
//!
//! `mod.rs` is the handle (`Instance`: opening, connecting, settings, the current user and run);
//! `init.rs` creates an instance, `delete.rs` removes one.

mod delete;
mod init;

pub use delete::DeleteReport;
pub(crate) use init::check_new_root;
pub use init::{InitOptions, InitOutcome};

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use lamindb_storage::{RootKind, StorageRoot, Store, marker};

use crate::db::{Db, Dialect, is_postgres_url, redact_url};
use crate::error::{Error, Refusal, Result};
use crate::models::{Storage, User};
pub use crate::pool::Instance;
use crate::pool::{Pool, Shared};
use crate::registry::{SQLRecord, SaveContext};
use crate::settings::{InstanceSettings, SettingsDir, UserSettings};
use crate::value::{SqlType, Value};

/// What `lamin info` shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceInfo {
    /// `owner/name`.
    pub slug: String,
    /// Instance uid.
    pub uid: String,
    /// Default storage root.
    pub storage_root: String,
    /// Database URL with the password redacted.
    pub db: String,
    /// Current user handle.
    pub user: String,
    /// Settings directory.
    pub settings_dir: PathBuf,
}

impl InstanceInfo {
    /// Describes an instance from its settings alone (no database connection).
    pub fn from_settings(s: &InstanceSettings, dir: &SettingsDir) -> Result<InstanceInfo> {
        Ok(InstanceInfo {
            slug: s.slug(),
            uid: s.uid(),
            storage_root: s.default_storage_root().to_string(),
            db: redact_url(&s.db_url()?),
            user: dir.user()?.handle,
            settings_dir: dir.path().to_path_buf(),
        })
    }
}

// Opening and connecting; the handle's settings and identity.
impl Instance {
    fn from_parts(
        settings: InstanceSettings,
        dir: &SettingsDir,
        user: UserSettings,
        db: Db,
    ) -> Result<Instance> {
        let url = settings.db_url()?;
        Ok(Instance {
            shared: Arc::new(Shared {
                settings: RwLock::new(settings),
                dir: dir.clone(),
                user,
                user_id: RwLock::new(None),
                uid: OnceLock::new(),
                pool: Pool::new(url, db),
                run: RwLock::new(None),
            }),
            pinned: None,
        })
    }

    /// Opens the instance whose storage root is `target` (a local directory holding
    /// `.lamindb/lamin.db`, e.g. one made by `lamin init` or Python LaminDB), or whose database is
    /// the PostgreSQL URL `target`. No settings file is needed or written: the instance is
    /// described by its storage marker, and the current user is read from the settings
    /// directory (`$LAMIN_SETTINGS_DIR/.lamin`, else anonymous).
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # lamindb_core::Instance::init_in(&settings, &opts)?;
    /// let inst = lamindb_core::Instance::open(tmp.path().join("data"))?;
    /// assert_eq!(inst.slug(), "anonymous/data");
    /// # Ok(()) }
    /// ```
    pub fn open(target: impl AsRef<Path>) -> Result<Instance> {
        Instance::open_in(&SettingsDir::from_env(), &target.as_ref().to_string_lossy())
    }

    /// Like [`Instance::open`], with the user of settings directory `dir`; `target` may also be
    /// an instance name known there (`owner/name` or `name`).
    pub fn open_in(dir: &SettingsDir, target: &str) -> Result<Instance> {
        if is_postgres_url(target) {
            return Instance::open_postgres(dir, target);
        }
        let path = Path::new(target);
        let root = if path.file_name().is_some_and(|n| n == "lamin.db") && path.is_file() {
            path.parent().and_then(Path::parent).unwrap_or(path)
        } else {
            path
        };
        if root.join(".lamindb").join("lamin.db").is_file() {
            let root = StorageRoot::parse(&root.to_string_lossy())?;
            let store = Store::open(&root)?;
            let m = marker::read_marker_full(&store)?.ok_or_else(|| Error::NoInstance {
                location: root.to_string(),
                message: format!("{root} has a .lamindb/lamin.db but no storage marker"),
            })?;
            let settings = settings_from_marker(&m, root.as_str(), None);
            return Instance::open_settings(dir, settings);
        }
        match dir.find(target) {
            Ok(settings) => Instance::open_settings(dir, settings),
            // A path that exists names a folder, not an instance: say what is missing there.
            Err(Error::InstanceNotFound(..) | Error::InvalidIdentifier { .. }) if path.exists() => {
                Instance::open_by_marker(dir, path)
            }
            Err(e) => Err(e),
        }
    }

    /// The instance whose storage root is the folder `path` and whose database is elsewhere
    /// (PostgreSQL): found through the folder's storage marker and the settings of that
    /// instance in `dir`. A folder without a marker, or whose instance has no settings here,
    /// is [`Refusal::NoInstanceAt`].
    fn open_by_marker(dir: &SettingsDir, path: &Path) -> Result<Instance> {
        let no_instance = || Error::Refused(Refusal::NoInstanceAt { path: path.to_path_buf() });
        let Ok(root) = StorageRoot::parse(&path.to_string_lossy()) else { return Err(no_instance()) };
        let Some(m) =
            Store::open(&root).ok().and_then(|store| marker::read_marker_full(&store).ok().flatten())
        else {
            return Err(no_instance());
        };
        let slug = settings_from_marker(&m, root.as_str(), None).slug();
        match dir.find(&slug) {
            Ok(settings) if settings.storage_root == root.as_str() => Instance::open_settings(dir, settings),
            _ => Err(no_instance()),
        }
    }

    fn open_postgres(dir: &SettingsDir, url: &str) -> Result<Instance> {
        let mut db = Db::connect(url)?;
        let mut sql = db.sql();
        sql.push("SELECT \"root\" FROM ").ident(Storage::REGISTRY.table);
        sql.push(" WHERE \"instance_uid\" IS NOT NULL ORDER BY \"id\" LIMIT 1");
        let root = db
            .query(&sql)
            .ok()
            .and_then(|rows| rows.first().and_then(|r| r.get(0)).and_then(|v| v.as_str().map(str::to_string)))
            .ok_or_else(|| Error::NoInstance {
                location: redact_url(url),
                message: format!("{} holds no LaminDB instance", redact_url(url)),
            })?;
        drop(db);
        let store = Store::open(&StorageRoot::parse(&root)?)?;
        let m = marker::read_marker_full(&store)?.ok_or_else(|| Error::NoInstance {
            location: redact_url(url),
            message: format!("the storage {root} of {} has no marker", redact_url(url)),
        })?;
        Instance::open_settings(dir, settings_from_marker(&m, &root, Some(url.to_string())))
    }

    /// Opens an instance from its settings: connects and brings our own schema up to date
    /// (a database made by Python LaminDB is used as it is).
    pub(crate) fn open_settings(dir: &SettingsDir, settings: InstanceSettings) -> Result<Instance> {
        let url = settings.db_url()?;
        if settings.is_sqlite() && !settings.sqlite_path().exists() {
            return Err(Error::Refused(Refusal::DatabaseMissing {
                slug: settings.slug(),
                path: settings.sqlite_path(),
            }));
        }
        // Only `init` creates an instance's tables: a database without them (an emptied or
        // truncated file, another program's database) is not migrated into an empty instance.
        let not_instance = |reason: String| {
            let path = if settings.is_sqlite() { settings.sqlite_path() } else { redact_url(&url).into() };
            Error::Refused(Refusal::NotAnInstanceDatabase { path, reason })
        };
        let mut db = match Db::connect(&url) {
            Ok(db) => db,
            Err(e) if settings.is_sqlite() && !e.is_busy() => {
                return Err(not_instance(format!("it cannot be read as one: {e}")));
            }
            Err(e) => return Err(e),
        };
        match db.table_exists(Storage::REGISTRY.table) {
            Ok(true) => {}
            Ok(false) => {
                let empty = settings.is_sqlite()
                    && std::fs::metadata(settings.sqlite_path()).is_ok_and(|m| m.len() == 0);
                return Err(not_instance(if empty {
                    "the file is empty: 0 bytes".into()
                } else {
                    "it has no LaminDB tables".into()
                }));
            }
            Err(e) => return Err(not_instance(format!("it cannot be read as one: {e}"))),
        }
        crate::migrations::run_pending(&mut db)?;
        Instance::from_parts(settings, dir, dir.user()?, db)
    }

    /// Opens an instance whose database is still empty (the target of a move), creating our
    /// schema in it.
    pub(crate) fn open_new_database(dir: &SettingsDir, settings: InstanceSettings) -> Result<Instance> {
        let mut db = Db::connect(&settings.db_url()?)?;
        crate::migrations::run_pending(&mut db)?;
        Instance::from_parts(settings, dir, dir.user()?, db)
    }

    /// Opens the instance named `owner/name` or `name` from the settings directory
    /// (`$LAMIN_SETTINGS_DIR/.lamin`). The current instance does not change.
    pub fn connect(identifier: &str) -> Result<Instance> {
        Instance::connect_in(&SettingsDir::from_env(), identifier)
    }

    /// Like [`Instance::connect`] with an explicit settings directory.
    pub fn connect_in(dir: &SettingsDir, identifier: &str) -> Result<Instance> {
        Instance::open_settings(dir, dir.find(identifier)?)
    }

    /// Opens the current instance as LaminDB resolves it from the working directory:
    /// `LAMIN_CURRENT_INSTANCE`, else the nearest `.lamin/current_instance`, else the settings
    /// directory's `current_instance.env`.
    pub fn current() -> Result<Instance> {
        let cwd = std::env::current_dir().map_err(|e| Error::io(".", e))?;
        Instance::current_in(&SettingsDir::from_env(), &cwd)
    }

    /// Like [`Instance::current`] with an explicit settings directory and working directory.
    pub fn current_in(dir: &SettingsDir, cwd: &Path) -> Result<Instance> {
        let settings = dir.resolve_current(cwd)?.ok_or(Error::NotConfigured)?;
        Instance::open_settings(dir, settings)
    }

    /// The instance's settings (a copy: the default storage can change while the handle lives).
    pub fn settings(&self) -> InstanceSettings {
        self.read_settings(InstanceSettings::clone)
    }

    pub(crate) fn read_settings<T>(&self, f: impl FnOnce(&InstanceSettings) -> T) -> T {
        f(&self.shared.settings.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// The settings directory.
    pub(crate) fn settings_dir(&self) -> &SettingsDir {
        &self.shared.dir
    }

    /// The instance uid.
    pub fn uid(&self) -> String {
        self.shared.uid.get_or_init(|| self.read_settings(InstanceSettings::uid)).clone()
    }

    /// `owner/name`.
    pub fn slug(&self) -> String {
        self.read_settings(InstanceSettings::slug)
    }

    /// What `lamin info` shows.
    pub fn info(&self) -> Result<InstanceInfo> {
        self.read_settings(|s| InstanceInfo::from_settings(s, &self.shared.dir))
    }

    /// `lamindb_user.id` of the current user; the user row is registered if it is missing.
    pub(crate) fn user_id(&self) -> Result<i64> {
        if let Some(id) = *self.shared.user_id.read().unwrap_or_else(PoisonError::into_inner) {
            return Ok(id);
        }
        let user = &self.shared.user;
        let id = match User::query().filter_eq("uid", user.uid.as_str()).first(self)? {
            Some(u) => u.id.expect("saved"),
            None => {
                let mut u = User {
                    uid: user.uid.clone(),
                    handle: user.handle.clone(),
                    name: user.name.clone(),
                    ..Default::default()
                };
                crate::registry::save_with(&mut u, self, &SaveContext { user_id: 0, run_id: None })?;
                u.id.expect("saved")
            }
        };
        // Inside a transaction the row may still be rolled back: remember it only outside.
        if self.pinned.is_none() {
            *self.shared.user_id.write().unwrap_or_else(PoisonError::into_inner) = Some(id);
        }
        Ok(id)
    }

    /// Forgets the remembered user id (the rows of `lamindb_user` were replaced).
    pub(crate) fn forget_user_id(&self) {
        *self.shared.user_id.write().unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// Who is saving (the [`TracksRun`](crate::TracksRun) fields of every save).
    pub(crate) fn save_context(&self) -> Result<SaveContext> {
        Ok(SaveContext { user_id: self.user_id()?, run_id: self.current_run_id() })
    }

    /// The id of the run being tracked on this instance, if any.
    pub(crate) fn current_run_id(&self) -> Option<i64> {
        *self.shared.run.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sets (or clears) the run being tracked on this instance.
    pub(crate) fn set_current_run_id(&self, run: Option<i64>) {
        *self.shared.run.write().unwrap_or_else(PoisonError::into_inner) = run;
    }

    /// Points the settings file of an instance at another URL of its PostgreSQL database: a
    /// rotated password, a moved server. The URL is tried first: it must connect and hold this
    /// instance (its storage row with the instance's uid), else nothing is written. The settings
    /// file stays readable by its owner only; the URL appears in errors only redacted.
    /// Returns the new settings.
    pub fn set_db_url(dir: &SettingsDir, settings: &InstanceSettings, url: &str) -> Result<InstanceSettings> {
        if settings.is_sqlite() {
            return Err(Error::Refused(Refusal::SqliteHasNoUrl {
                slug: settings.slug(),
                path: settings.sqlite_path(),
            }));
        }
        if !is_postgres_url(url) {
            return Err(Error::InvalidDatabaseUrl {
                url: redact_url(url),
                message:
                    "the database must be a PostgreSQL URL (postgresql://user:password@host:port/dbname)"
                        .into(),
            });
        }
        // Its errors are redacted (the driver's messages can quote the URL).
        let mut db = Db::connect(url)?;
        let uid = settings.uid();
        let mut sql = db.sql();
        sql.push("SELECT COUNT(*) FROM ")
            .ident(Storage::REGISTRY.table)
            .push(" WHERE \"instance_uid\" = ")
            .bind(Value::Text(uid.clone()), SqlType::Text);
        let found = db.table_exists(Storage::REGISTRY.table)?
            && db.query(&sql)?.first().and_then(|r| r.get(0)).and_then(|v| v.as_i64()).is_some_and(|n| n > 0);
        drop(db);
        if !found {
            return Err(Error::Refused(Refusal::NotThisInstance {
                slug: settings.slug(),
                url: redact_url(url),
                uid,
            }));
        }
        let mut new = settings.clone();
        new.db = Some(url.to_string());
        dir.save_instance(&new)?;
        Ok(new)
    }

    pub(crate) fn set_settings(&self, settings: InstanceSettings) -> Result<()> {
        self.shared.dir.save_instance(&settings)?;
        *self.shared.settings.write().unwrap_or_else(PoisonError::into_inner) = settings;
        Ok(())
    }
}

/// Settings of an instance described by the marker of its storage root.
pub(crate) fn settings_from_marker(m: &marker::Marker, root: &str, db: Option<String>) -> InstanceSettings {
    let slug = m.instance_slug.as_deref().unwrap_or("anonymous/unknown");
    let (owner, name) = slug.split_once('/').unwrap_or(("anonymous", slug));
    let id = match m.instance_id_hex.as_deref().and_then(|h| uuid::Uuid::parse_str(h).ok()) {
        Some(id) => id,
        None => crate::uid::instance_id(owner, name),
    };
    InstanceSettings::new(owner, name, root, db, id)
}

/// A SQLite database file, the companions SQLite may keep beside it, and the writer lease file.
fn sqlite_files(path: &Path) -> impl Iterator<Item = PathBuf> + '_ {
    ["", "-wal", "-shm", "-journal", marker::LEASE_SUFFIX]
        .into_iter()
        .map(move |suffix| PathBuf::from(format!("{}{suffix}", path.display())))
}

/// Removes a SQLite database and its companions; missing ones are fine.
fn remove_sqlite_files(path: &Path) -> Result<()> {
    for p in sqlite_files(path) {
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&p, e)),
        }
    }
    Ok(())
}

// Opening the instance a settings file describes.
impl InstanceSettings {
    /// Opens the instance these settings describe (read with [`SettingsDir::find`] or
    /// [`SettingsDir::resolve_current`]), with the user of the settings folder `dir`: connects
    /// and brings our own schema up to date (a database made by Python LaminDB is used as it is).
    pub fn open(self, dir: &SettingsDir) -> Result<Instance> {
        Instance::open_settings(dir, self)
    }
}
