//! Instances: creating (`init`), opening, connecting, describing and deleting them.
//!
//! An instance is one SQL database plus a default storage location, described by a settings file.
//! `init` creates everything or nothing: every step it has done is undone when a later one fails.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use lamindb_storage::{RootKind, StorageRoot, Store, marker};

use crate::db::{Db, Dialect, is_postgres_url, redact_url};
use crate::error::{Error, Refusal, Result};
use crate::models::{Storage, User};
use crate::pool::{Pinned, Pool};
use crate::registry::{Record, SaveContext};
use crate::settings::{InstanceSettings, SettingsDir, UserSettings};
use crate::value::{SqlType, Value};

/// Options of [`Instance::init`]. `Debug` shows the database URL without its password.
#[derive(Clone, Default)]
pub struct InitOptions {
    /// Root of the default storage: a local directory (relative to the working directory),
    /// `s3://bucket[/prefix]` or `gs://bucket[/prefix]`.
    pub storage: String,
    /// Instance name; defaults to the database name, else the last component of the storage root,
    /// lower-cased.
    pub name: Option<String>,
    /// PostgreSQL URL; SQLite at `<root>/.lamindb/lamin.db` when `None`.
    pub db: Option<String>,
}

impl std::fmt::Debug for InitOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InitOptions")
            .field("storage", &self.storage)
            .field("name", &self.name)
            .field("db", &self.db.as_deref().map(redact_url))
            .finish()
    }
}

/// What [`Instance::init`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InitOutcome {
    /// A new instance was created.
    Created,
    /// An instance with this name and storage existed already; it was connected.
    Connected,
}

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
/// # lamindb_core::Instance::init(&settings, &opts)?;
/// use lamindb_core::{Instance, Record, ULabel, fields::ulabel};
///
/// let inst = Instance::open(tmp.path().join("data"))?;
/// let worker = inst.clone();
/// std::thread::spawn(move || ULabel::new("from a thread").save(&worker)).join().unwrap()?;
/// assert!(ULabel::filter(ulabel::NAME.eq("from a thread")).exists(&inst)?);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Instance {
    shared: Arc<Shared>,
    /// Inside [`Instance::transaction`]: the connection every operation of this handle uses.
    pinned: Option<Pinned>,
}

#[derive(Debug)]
struct Shared {
    settings: RwLock<InstanceSettings>,
    dir: SettingsDir,
    user: UserSettings,
    /// The current user's `lamindb_user.id`, once known (forgotten when an import replaces rows).
    user_id: RwLock<Option<i64>>,
    /// The instance uid (derived from the instance id, which never changes).
    uid: OnceLock<String>,
    pool: Pool,
    /// The run that records saved through this instance belong to (`Instance::track`).
    run: RwLock<Option<i64>>,
}

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

/// Undo log of `init`: what was created, removed in reverse order on failure.
#[derive(Default)]
struct Created {
    dirs: Vec<PathBuf>,
    files: Vec<PathBuf>,
    marker: Option<Store>,
    migrated_pg: bool,
}

impl Created {
    fn mkdir_all(&mut self, path: &Path) -> Result<()> {
        let mut missing = Vec::new();
        for p in path.ancestors() {
            if p.exists() {
                break;
            }
            missing.push(p.to_path_buf());
        }
        std::fs::create_dir_all(path).map_err(|e| Error::io(path, e))?;
        // Outermost first, so that undo (reverse order) removes innermost first.
        self.dirs.extend(missing.into_iter().rev());
        Ok(())
    }

    fn undo(self, inst: Option<Instance>) {
        if let Some(store) = &self.marker {
            let _ = marker::remove_marker(store);
        }
        if let Some(inst) = inst {
            if self.migrated_pg {
                let _ = inst.with_db(crate::migrations::revert_all);
            }
            // The instance's connections close here, before its database file is removed.
        }
        for f in self.files.iter().rev() {
            let _ = std::fs::remove_file(f);
        }
        for d in self.dirs.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
    }
}

/// LaminDB's rule for instance names.
fn check_name(name: &str) -> Result<()> {
    if name.contains('/') {
        return Err(Error::InvalidArgument(format!(
            "Invalid instance name: '/' delimiter not allowed (got '{name}')."
        )));
    }
    if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::InvalidArgument(format!(
            "Invalid instance name '{name}': use letters, digits, '-' or '_'."
        )));
    }
    Ok(())
}

fn default_name(root: &StorageRoot, db: Option<&str>) -> Option<String> {
    if let Some(db) = db {
        let path = db.split('?').next().unwrap_or(db);
        if let Some(name) = path.rsplit('/').next().filter(|n| !n.is_empty() && !n.contains('@')) {
            return Some(name.to_lowercase());
        }
    }
    let path = match root.kind() {
        RootKind::Local => root.as_str().to_string(),
        _ => format!("{}/{}", root.bucket().unwrap_or_default(), root.prefix()),
    };
    path.trim_end_matches('/').rsplit('/').next().filter(|n| !n.is_empty()).map(str::to_lowercase)
}

impl Instance {
    /// Creates an instance (or connects to it, if one with the same name and storage exists).
    /// Makes it the current instance. On failure nothing is left behind. The filesystem root and
    /// the home folder are refused as storage ([`Refusal::StorageRootTooBroad`]).
    pub fn init(dir: &SettingsDir, opts: &InitOptions) -> Result<(Instance, InitOutcome)> {
        let root = StorageRoot::parse(&opts.storage)?;
        crate::storage::check_new_root(&root)?;
        if let Some(path) = root.local_path() {
            if path.exists() && !path.is_dir() {
                return Err(Error::InvalidArgument(format!(
                    "{} is a file, not a folder: an instance's storage is a folder (created when missing)",
                    opts.storage
                )));
            }
        }
        if let Some(db) = &opts.db {
            if !is_postgres_url(db) {
                return Err(Error::InvalidArgument(format!(
                    "the database must be a PostgreSQL URL (postgresql://user:password@host:port/dbname), got '{}'",
                    redact_url(db)
                )));
            }
            // Refused before anything is created.
            if !crate::db::postgres_built_in() {
                return Err(Error::NotBuiltIn { what: "PostgreSQL databases", feature: "postgres" });
            }
        } else if root.is_cloud() {
            return Err(Error::InvalidArgument(format!(
                "a SQLite database in cloud storage ({root}) is not supported: give a PostgreSQL database (`InitOptions::db`)"
            )));
        }
        let name = match &opts.name {
            Some(n) => n.clone(),
            None => default_name(&root, opts.db.as_deref()).ok_or_else(|| {
                Error::InvalidArgument(format!("cannot derive an instance name from {root}: give a name"))
            })?,
        };
        check_name(&name)?;
        let user = dir.user()?;
        if let Some(existing) = dir.load_instance(&user.handle, &name)? {
            if existing.storage_root == root.as_str() && existing.db == opts.db {
                let inst = Instance::open_settings(dir, existing)?;
                dir.set_current(&inst.settings())?;
                return Ok((inst, InitOutcome::Connected));
            }
            return Err(Error::Refused(Refusal::InstanceExists {
                slug: format!("{}/{name}", user.handle),
                storage_root: existing.storage_root,
                settings_file: dir.instance_file(&user.handle, &name),
            }));
        }
        let id = crate::uid::instance_id(&user.handle, &name);
        let settings = InstanceSettings::new(&user.handle, &name, root.as_str(), opts.db.clone(), id);

        if let Some(inst) = resume_interrupted_init(dir, &settings, &root)? {
            return Ok((inst, InitOutcome::Created));
        }
        let mut created = Created::default();
        let mut inst_slot: Option<Instance> = None;
        let result = (|| -> Result<Instance> {
            let store = Store::open(&root)?;
            if let Some(m) = marker::read_marker_full(&store)? {
                return Err(Error::Refused(Refusal::StorageManagedElsewhere {
                    root: root.to_string(),
                    storage_uid: m.storage_uid,
                    instance_uid: m.instance_uid,
                }));
            }
            if let Some(path) = root.local_path() {
                created.mkdir_all(&path.join(".lamindb"))?;
            }
            if settings.is_sqlite() {
                let path = settings.sqlite_path();
                if path.exists() {
                    return Err(Error::Refused(Refusal::PathExists { path, hint: None }));
                }
                created.files.extend(sqlite_files(&path));
            }
            let mut db = Db::connect(&settings.db_url()?)?;
            if db.dialect() == Dialect::Postgres && db.table_exists("lamindb_storage")? {
                return Err(db.not_empty(&settings.db_url()?));
            }
            created.migrated_pg = db.dialect() == Dialect::Postgres;
            let migrated = crate::migrations::run_pending(&mut db);
            let mut settings = settings.clone();
            settings.storage_region = store.detect_region();
            let inst = inst_slot.insert(Instance::from_parts(settings.clone(), dir, user.clone(), db)?);
            migrated?;
            let storage_uid = crate::uid::base62(12);
            seed(inst, &settings, &user, &root, &storage_uid)?;
            write_instance_marker(&store, &settings, storage_uid)?;
            created.marker = Some(store);
            let had_user_file = dir.user_file().exists();
            dir.ensure_user()?;
            if !had_user_file {
                created.files.push(dir.user_file());
            }
            created.files.push(dir.instance_file(&settings.owner, &settings.name));
            dir.save_instance(&settings)?;
            let previous_current = std::fs::read(dir.current_instance_file()).ok();
            if let Err(e) = dir.set_current(&settings) {
                if let Some(prev) = previous_current {
                    let _ = std::fs::write(dir.current_instance_file(), prev);
                }
                return Err(e);
            }
            let inst = inst_slot.take().expect("opened");
            inst.user_id()?;
            Ok(inst)
        })();
        match result {
            Ok(inst) => Ok((inst, InitOutcome::Created)),
            Err(e) => {
                created.undo(inst_slot);
                Err(e)
            }
        }
    }

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
    /// # lamindb_core::Instance::init(&settings, &opts)?;
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
            let m = marker::read_marker_full(&store)?.ok_or_else(|| {
                Error::InvalidArgument(format!("{root} has a .lamindb/lamin.db but no storage marker"))
            })?;
            let settings = settings_from_marker(&m, root.as_str(), None);
            return Instance::open_settings(dir, settings);
        }
        Instance::open_settings(dir, dir.find(target)?)
    }

    fn open_postgres(dir: &SettingsDir, url: &str) -> Result<Instance> {
        let mut db = Db::connect(url)?;
        let mut sql = db.sql();
        sql.push("SELECT \"root\" FROM \"lamindb_storage\" WHERE \"instance_uid\" IS NOT NULL ORDER BY \"id\" LIMIT 1");
        let root = db
            .query(&sql)
            .ok()
            .and_then(|rows| rows.first().and_then(|r| r.get(0)).and_then(|v| v.as_str().map(str::to_string)))
            .ok_or_else(|| {
                Error::InvalidArgument(format!("{} holds no LaminDB instance", redact_url(url)))
            })?;
        drop(db);
        let store = Store::open(&StorageRoot::parse(&root)?)?;
        let m = marker::read_marker_full(&store)?.ok_or_else(|| {
            Error::InvalidArgument(format!("the storage {root} of {} has no marker", redact_url(url)))
        })?;
        Instance::open_settings(dir, settings_from_marker(&m, &root, Some(url.to_string())))
    }

    /// Opens an instance from its settings: connects and brings our own schema up to date
    /// (a database made by Python LaminDB is used as it is).
    pub fn open_settings(dir: &SettingsDir, settings: InstanceSettings) -> Result<Instance> {
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
        match db.table_exists("lamindb_storage") {
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

    /// The instance's settings (a copy: the default storage can change while the handle lives).
    pub fn settings(&self) -> InstanceSettings {
        self.read_settings(InstanceSettings::clone)
    }

    pub(crate) fn read_settings<T>(&self, f: impl FnOnce(&InstanceSettings) -> T) -> T {
        f(&self.shared.settings.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// The settings directory.
    pub fn settings_dir(&self) -> &SettingsDir {
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
    pub fn user_id(&self) -> Result<i64> {
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
    pub fn save_context(&self) -> Result<SaveContext> {
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
            return Err(Error::InvalidArgument(
                "the database must be a PostgreSQL URL (postgresql://user:password@host:port/dbname)".into(),
            ));
        }
        let mut db = Db::connect(url).map_err(|e| match e {
            Error::Connect { url: shown, message } => {
                Error::Connect { url: shown, message: scrub_password(&message, url) }
            }
            e => e,
        })?;
        let uid = settings.uid();
        let mut sql = db.sql();
        sql.push("SELECT COUNT(*) FROM \"lamindb_storage\" WHERE \"instance_uid\" = ")
            .bind(Value::Text(uid.clone()), SqlType::Text);
        let found = db.table_exists("lamindb_storage")?
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

    /// Deletes the instance named `identifier`: refused while it has artifacts or while a
    /// location it manages holds files in `.lamindb/` (other than the marker and the SQLite
    /// database). Removes the markers of its managed locations, the SQLite database (a PostgreSQL
    /// database is left in place), an empty `.lamindb/` and root directory of the database's
    /// location, and the settings files. `force` confirms.
    pub fn delete(dir: &SettingsDir, identifier: &str, force: bool) -> Result<DeleteReport> {
        let settings = dir.find(identifier)?;
        if !force {
            return Err(Error::Refused(Refusal::NotConfirmed {
                action: format!("deleting instance {} removes its database and settings", settings.slug()),
            }));
        }
        let db_root = StorageRoot::parse(&settings.storage_root)?;
        // The locations this instance manages, with the keys that do not count as content.
        let mut managed: Vec<(Store, Vec<&'static str>)> = Vec::new();
        // Why the database cannot be used, when it cannot: its records are then not checked,
        // and nothing that may hold data is removed.
        let mut database_gone = None;
        let mut opened = None;
        if settings.is_sqlite() && !settings.sqlite_path().exists() {
            database_gone =
                Some(format!("the SQLite file {} does not exist", settings.sqlite_path().display()));
        } else {
            match Instance::open_settings(dir, settings.clone()) {
                Ok(inst) => opened = Some(inst),
                Err(e @ Error::Connect { .. }) if !settings.is_sqlite() => {
                    let text = match e {
                        Error::Connect { url, message } => format!(
                            "cannot connect to {url}: {}",
                            scrub_password(&message, settings.db.as_deref().unwrap_or_default())
                        ),
                        e => e.to_string(),
                    };
                    database_gone = Some(text);
                }
                Err(e) => return Err(e),
            }
        }
        if let Some(inst) = opened {
            let n = crate::models::Artifact::query().all_branches().count(&inst)?;
            if n > 0 {
                return Err(Error::Refused(Refusal::InstanceHasArtifacts {
                    slug: settings.slug(),
                    count: n,
                }));
            }
            let uid = settings.uid();
            for s in inst.storages()? {
                if s.instance_uid.as_deref() == Some(uid.as_str()) {
                    let ignore = inst.db_files_in(&s);
                    managed.push((Store::open(&s.storage_root()?)?, ignore));
                }
            }
            inst.pool().close_idle();
        }
        let mut kept = Vec::new();
        if database_gone.is_some() {
            // Without the database only the settings go, and a location that holds nothing.
            let store = match Store::open(&db_root) {
                Ok(store) => store,
                Err(e) => {
                    kept.push(format!("the storage {db_root} (it cannot be opened: {e})"));
                    dir.remove_instance(&settings.owner, &settings.name)?;
                    return Ok(DeleteReport {
                        slug: settings.slug(),
                        postgres_kept: settings.db.as_deref().map(redact_url),
                        database_gone,
                        kept,
                    });
                }
            };
            let ignore = if settings.is_sqlite() { vec![".lamindb/lamin.db"] } else { vec![] };
            let objects = marker::managed_objects(&store, &ignore).unwrap_or_else(|_| vec![String::new()]);
            if !objects.is_empty() || !settings.is_sqlite() {
                let why = if objects.is_empty() {
                    "the database that may still use it could not be checked".to_string()
                } else {
                    format!(
                        "it holds {} file(s) under .lamindb/, which the lost database may have recorded",
                        objects.len()
                    )
                };
                kept.push(format!("the storage {db_root} and its marker .lamindb/storage_uid.txt ({why})"));
            } else {
                managed.push((store, ignore));
            }
        } else if managed.is_empty() {
            let ignore = if settings.is_sqlite() { vec![".lamindb/lamin.db"] } else { vec![] };
            managed.push((Store::open(&db_root)?, ignore));
        }
        for (store, ignore) in &managed {
            let objects = marker::managed_objects(store, ignore)?;
            if !objects.is_empty() {
                return Err(Error::StorageNotEmpty { root: store.root().to_string(), objects });
            }
        }
        for (store, _) in &managed {
            // Only remove a marker that names this instance.
            if let Some(m) = marker::read_marker_full(store)? {
                if m.instance_uid.as_deref().is_none_or(|u| u == settings.uid()) {
                    marker::remove_marker(store)?;
                }
            }
        }
        if settings.is_sqlite() {
            remove_sqlite_files(&settings.sqlite_path())?;
        }
        if kept.is_empty()
            && let Some(path) = db_root.local_path()
        {
            // Empty directories only: remove_dir refuses anything else.
            let _ = std::fs::remove_dir(path.join(".lamindb"));
            let _ = std::fs::remove_dir(path);
        }
        dir.remove_instance(&settings.owner, &settings.name)?;
        Ok(DeleteReport {
            slug: settings.slug(),
            postgres_kept: settings.db.as_deref().map(redact_url),
            database_gone,
            kept,
        })
    }
}

/// `message` with the password of `url` (in its user information or a `password=` parameter,
/// as written and percent-decoded) replaced by `***`: driver messages can quote the URL.
fn scrub_password(message: &str, url: &str) -> String {
    let mut secrets: Vec<String> = Vec::new();
    if let Some((_, rest)) = url.split_once("://")
        && let Some(at) = rest.rfind('@')
        && let Some((_, pw)) = rest[..at].split_once(':')
    {
        secrets.push(pw.to_string());
    }
    if let Some((_, query)) = url.split_once('?') {
        for pair in query.split('&') {
            if let Some(pw) = pair.strip_prefix("password=") {
                secrets.push(pw.to_string());
            }
        }
    }
    let decoded: Vec<String> = secrets.iter().map(|s| percent_decode(s)).collect();
    secrets.extend(decoded);
    secrets.retain(|s| !s.is_empty());
    // Longest first, so that a password containing another is replaced whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let mut out = message.to_string();
    for s in &secrets {
        out = out.replace(s.as_str(), "***");
    }
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What [`Instance::delete`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeleteReport {
    /// The deleted instance.
    pub slug: String,
    /// For a PostgreSQL instance: its database URL (redacted), which was not dropped.
    pub postgres_kept: Option<String>,
    /// Why the database could not be used (a missing SQLite file, an unreachable PostgreSQL
    /// database), when it could not: its records were not checked.
    pub database_gone: Option<String>,
    /// What was left in place because the database could not be checked, one sentence each.
    pub kept: Vec<String>,
}

/// Seeds a new database: user, space 1, branches −1/0/1, storage 1 — in one transaction.
fn seed(
    inst: &Instance,
    settings: &InstanceSettings,
    user: &UserSettings,
    root: &StorageRoot,
    storage_uid: &str,
) -> Result<()> {
    inst.transaction(|db| {
        let mut u = User { uid: user.uid.clone(), handle: user.handle.clone(), name: user.name.clone(), ..Default::default() };
        crate::registry::save_with(&mut u, db, &SaveContext { user_id: 0, run_id: None })?;
        let user_id = u.id.expect("saved");
        let mut sql = db.sql();
        sql.push("INSERT INTO \"lamindb_space\" (\"id\", \"name\", \"uid\", \"description\") VALUES (1, 'all', 'aaaaaaaaaaaa', ")
            .bind(Value::Text("Every team & user with access to the instance has access.".into()), SqlType::Text)
            .push(")");
        db.execute(&sql)?;
        for (id, name, uid, description) in [
            (-1, "trash", "tttttttttttt", "The trash."),
            (0, "archive", "aaaaaaaaaaaa", "The archive."),
            (1, "main", "mmmmmmmmmmmm", "The main & default branch of the instance."),
        ] {
            let mut sql = db.sql();
            sql.push("INSERT INTO \"lamindb_branch\" (\"id\", \"name\", \"uid\", \"description\", \"space_id\", \"created_by_id\") VALUES (");
            sql.bind(Value::Int(id), SqlType::Int).push(", ");
            sql.bind(Value::Text(name.into()), SqlType::Text).push(", ");
            sql.bind(Value::Text(uid.into()), SqlType::Text).push(", ");
            sql.bind(Value::Text(description.into()), SqlType::Text).push(", 1, ");
            sql.bind(Value::Int(user_id), SqlType::Int).push(")");
            db.execute(&sql)?;
        }
        if db.dialect() == Dialect::Postgres {
            // Explicit ids do not advance identity sequences.
            db.with_db(|c| c.batch_execute(
                "SELECT setval(pg_get_serial_sequence('lamindb_branch', 'id'), (SELECT max(id) FROM lamindb_branch)); \
                 SELECT setval(pg_get_serial_sequence('lamindb_space', 'id'), (SELECT max(id) FROM lamindb_space));",
            ))?;
        }
        let mut storage = Storage {
            uid: storage_uid.to_string(),
            root: root.as_str().to_string(),
            type_: root.type_str().to_string(),
            region: settings.storage_region.clone(),
            instance_uid: Some(settings.uid()),
            ..Default::default()
        };
        crate::registry::save_with(&mut storage, db, &SaveContext { user_id, run_id: None })?;
        Ok(())
    })
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
    ["", "-wal", "-shm", "-journal", ".lease"]
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

/// Marks a location as managed by the instance of `settings`.
fn write_instance_marker(store: &Store, settings: &InstanceSettings, storage_uid: String) -> Result<()> {
    let info = marker::MarkerInfo {
        storage_uid,
        instance_slug: settings.slug(),
        instance_id_hex: settings.id.simple().to_string(),
        instance_uid: settings.uid(),
    };
    Ok(marker::write_marker(store, &info)?)
}

/// An earlier `init` of the same SQLite instance that was killed midway left a database but no
/// settings. Everything up to the seed is one transaction and the marker is written after it, so:
/// a database without a Storage row for `root` never became an instance (it is removed and
/// `init` starts over); one with that row is complete, and `init` finishes what the killed one
/// did not (the marker, when missing, and the settings). Other databases are left alone.
fn resume_interrupted_init(
    dir: &SettingsDir,
    settings: &InstanceSettings,
    root: &StorageRoot,
) -> Result<Option<Instance>> {
    if !settings.is_sqlite() || !settings.sqlite_path().exists() {
        return Ok(None);
    }
    let store = Store::open(root)?;
    let marked = marker::read_marker_full(&store)?;
    if marked.as_ref().is_some_and(|m| m.instance_uid.as_deref() != Some(settings.uid().as_str())) {
        return Ok(None);
    }
    let storage_uid = {
        let mut db = Db::connect(&settings.db_url()?)?;
        if db.table_exists("lamindb_storage")? {
            // The database an init of this instance left: its storage row names this instance.
            // Another instance's database (its marker deleted) is never adopted.
            let mut sql = db.sql();
            sql.push("SELECT \"instance_uid\" FROM \"lamindb_storage\" WHERE \"instance_uid\" IS NOT NULL ORDER BY \"id\" LIMIT 1");
            let owner =
                db.query(&sql)?.first().and_then(|r| r.get(0)).and_then(|v| v.as_str().map(str::to_string));
            if let Some(owner) = owner.filter(|o| *o != settings.uid()) {
                return Err(Error::Refused(Refusal::OtherInstanceDatabase {
                    path: settings.sqlite_path(),
                    instance_uid: owner,
                }));
            }
            let mut sql = db.sql();
            sql.push("SELECT \"uid\" FROM \"lamindb_storage\" WHERE \"root\" = ")
                .bind(Value::Text(root.as_str().to_string()), SqlType::Text);
            db.query(&sql)?.first().and_then(|r| r.get(0)).and_then(|v| v.as_str().map(str::to_string))
        } else {
            None
        }
    };
    match (storage_uid, marked) {
        (None, None) => {
            remove_sqlite_files(&settings.sqlite_path())?;
            Ok(None)
        }
        (Some(storage_uid), marked) => {
            if marked.as_ref().is_some_and(|m| m.storage_uid != storage_uid) {
                return Ok(None);
            }
            if marked.is_none() {
                write_instance_marker(&store, settings, storage_uid)?;
            }
            dir.ensure_user()?;
            dir.save_instance(settings)?;
            dir.set_current(settings)?;
            Ok(Some(Instance::open_settings(dir, settings.clone())?))
        }
        (None, Some(_)) => Ok(None),
    }
}

#[cfg(test)]
mod scrub_tests {
    use super::scrub_password;

    #[test]
    fn passwords_of_the_url_are_scrubbed_from_messages() {
        let url = "postgresql://u:p%40ss@h:5432/db?password=other";
        let msg = "bad: p%40ss p@ss other postgresql://u:p@ss@h";
        let out = scrub_password(msg, url);
        assert!(!out.contains("p@ss") && !out.contains("p%40ss") && !out.contains("other"), "{out}");
        assert_eq!(scrub_password("no secret here", "postgresql://u@h/db"), "no secret here");
    }
}
