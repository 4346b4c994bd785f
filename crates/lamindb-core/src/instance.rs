//! Instances: creating (`init`), opening, connecting, describing and deleting them.
//!
//! An instance is one SQL database plus a default storage location, described by a settings file.
//! `init` creates everything or nothing: every step it has done is undone when a later one fails.

use std::path::{Path, PathBuf};

use lamindb_storage::{RootKind, StorageRoot, Store, marker};

use crate::db::{Db, Dialect, is_postgres_url, redact_url};
use crate::error::{Error, Result};
use crate::models::{Storage, User};
use crate::registry::{Record, SaveContext};
use crate::settings::{InstanceSettings, SettingsDir, UserSettings};
use crate::value::{SqlType, Value};

/// Options of [`Instance::init`].
#[derive(Clone, Debug, Default)]
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

/// What [`Instance::init`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InitOutcome {
    /// A new instance was created.
    Created,
    /// An instance with this name and storage existed already; it was connected.
    Connected,
}

/// An open instance: its settings, its database connection and the current user.
#[derive(Debug)]
pub struct Instance {
    settings: InstanceSettings,
    dir: SettingsDir,
    user: UserSettings,
    user_id: Option<i64>,
    /// The database connection.
    pub db: Db,
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

    fn undo(self, db: Option<&mut Db>) {
        if let Some(store) = &self.marker {
            let _ = marker::remove_marker(store);
        }
        if self.migrated_pg {
            if let Some(db) = db {
                let _ = crate::migrations::revert_all(db);
            }
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
    /// Makes it the current instance. On failure nothing is left behind.
    pub fn init(dir: &SettingsDir, opts: &InitOptions) -> Result<(Instance, InitOutcome)> {
        let root = StorageRoot::parse(&opts.storage)?;
        if let Some(db) = &opts.db {
            if !is_postgres_url(db) {
                return Err(Error::InvalidArgument(format!(
                    "--db must be a PostgreSQL URL (postgresql://user:password@host:port/dbname), got '{}'",
                    redact_url(db)
                )));
            }
        } else if root.is_cloud() {
            return Err(Error::InvalidArgument(format!(
                "a SQLite database in cloud storage ({root}) is not supported: pass a PostgreSQL database with --db"
            )));
        }
        let name = match &opts.name {
            Some(n) => n.clone(),
            None => default_name(&root, opts.db.as_deref()).ok_or_else(|| {
                Error::InvalidArgument(format!("cannot derive an instance name from {root}: pass --name"))
            })?,
        };
        check_name(&name)?;
        let user = dir.user()?;
        if let Some(existing) = dir.load_instance(&user.handle, &name)? {
            if existing.storage_root == root.as_str() && existing.db == opts.db {
                let inst = Instance::open(dir, existing)?;
                dir.set_current(&inst.settings)?;
                return Ok((inst, InitOutcome::Connected));
            }
            return Err(Error::Refused(format!(
                "instance {}/{name} exists already with storage {} (settings: {}); connect to it with `lamin connect {name}` or pick another --name",
                user.handle,
                existing.storage_root,
                dir.instance_file(&user.handle, &name).display()
            )));
        }
        let id = crate::uid::instance_id(&user.handle, &name);
        let settings = InstanceSettings::new(&user.handle, &name, root.as_str(), opts.db.clone(), id);

        let mut created = Created::default();
        let mut db_slot: Option<Db> = None;
        let result = (|| -> Result<Instance> {
            let store = Store::open(&root)?;
            if let Some(m) = marker::read_marker_full(&store)? {
                let storage_uid = m.storage_uid;
                let whose = m.instance_uid.map(|u| format!(" by instance with uid {u}")).unwrap_or_default();
                return Err(Error::Refused(format!(
                    "storage location {root} is already marked with uid {storage_uid}, meaning that it is managed{whose}: \
                     connect to that instance, or pick another --storage"
                )));
            }
            if let Some(path) = root.local_path() {
                created.mkdir_all(&path.join(".lamindb"))?;
            }
            if settings.is_sqlite() {
                let path = settings.sqlite_path();
                if path.exists() {
                    return Err(Error::Refused(format!("{} exists already", path.display())));
                }
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    created.files.push(PathBuf::from(format!("{}{suffix}", path.display())));
                }
            }
            let mut db = Db::connect(&settings.db_url()?)?;
            if db.dialect() == Dialect::Postgres && db.table_exists("lamindb_storage")? {
                return Err(Error::Refused(format!(
                    "database {} holds LaminDB tables already; use an empty database",
                    redact_url(&settings.db_url()?)
                )));
            }
            created.migrated_pg = db.dialect() == Dialect::Postgres;
            let migrated = crate::migrations::run_pending(&mut db);
            db_slot = Some(db);
            migrated?;
            let db = db_slot.as_mut().expect("just set");
            let storage_uid = crate::uid::base62(12);
            let region = store.detect_region();
            seed(db, &settings, &user, &root, &storage_uid, region.as_deref())?;
            marker::write_marker(
                &store,
                &marker::MarkerInfo {
                    storage_uid,
                    instance_slug: settings.slug(),
                    instance_id_hex: settings.id.simple().to_string(),
                    instance_uid: settings.uid(),
                },
            )?;
            created.marker = Some(store);
            let mut settings = settings.clone();
            settings.storage_region = region;
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
            let db = db_slot.take().expect("connected");
            let mut inst = Instance { settings, dir: dir.clone(), user: user.clone(), user_id: None, db };
            inst.user_id()?;
            Ok(inst)
        })();
        match result {
            Ok(inst) => Ok((inst, InitOutcome::Created)),
            Err(e) => {
                let mut db = db_slot;
                if let Some(Db::Sqlite(_)) = db {
                    // Close the file before removing it.
                    db = None;
                }
                created.undo(db.as_mut());
                Err(e)
            }
        }
    }

    /// Opens an instance from its settings: connects and brings our own schema up to date
    /// (a database made by Python LaminDB is used as it is).
    pub fn open(dir: &SettingsDir, settings: InstanceSettings) -> Result<Instance> {
        let url = settings.db_url()?;
        if settings.is_sqlite() && !settings.sqlite_path().exists() {
            return Err(Error::Refused(format!(
                "the database of instance {} is missing: {} does not exist",
                settings.slug(),
                settings.sqlite_path().display()
            )));
        }
        let mut db = Db::connect(&url)?;
        crate::migrations::run_pending(&mut db)?;
        Ok(Instance { user: dir.user()?, settings, dir: dir.clone(), user_id: None, db })
    }

    /// Opens the instance named `owner/name` or `name` and makes it the current one.
    pub fn connect(dir: &SettingsDir, identifier: &str) -> Result<Instance> {
        let settings = dir.find(identifier)?;
        let inst = Instance::open(dir, settings)?;
        dir.set_current(&inst.settings)?;
        Ok(inst)
    }

    /// Opens the current instance (see [`SettingsDir::resolve_current`]).
    pub fn current(dir: &SettingsDir, cwd: &Path) -> Result<Instance> {
        let settings = dir.resolve_current(cwd)?.ok_or(Error::NotConfigured)?;
        Instance::open(dir, settings)
    }

    /// The instance's settings.
    pub fn settings(&self) -> &InstanceSettings {
        &self.settings
    }

    /// The settings directory.
    pub fn settings_dir(&self) -> &SettingsDir {
        &self.dir
    }

    /// The instance uid.
    pub fn uid(&self) -> String {
        self.settings.uid()
    }

    /// `owner/name`.
    pub fn slug(&self) -> String {
        self.settings.slug()
    }

    /// What `lamin info` shows.
    pub fn info(&self) -> Result<InstanceInfo> {
        InstanceInfo::from_settings(&self.settings, &self.dir)
    }

    /// `lamindb_user.id` of the current user; the user row is registered if it is missing.
    pub fn user_id(&mut self) -> Result<i64> {
        if let Some(id) = self.user_id {
            return Ok(id);
        }
        let id = match User::query().filter_eq("uid", self.user.uid.as_str()).first(&mut self.db)? {
            Some(u) => u.id.expect("saved"),
            None => {
                let mut u = User {
                    uid: self.user.uid.clone(),
                    handle: self.user.handle.clone(),
                    name: self.user.name.clone(),
                    ..Default::default()
                };
                u.save(&mut self.db, &SaveContext { user_id: 0, run_id: None })?;
                u.id.expect("saved")
            }
        };
        self.user_id = Some(id);
        Ok(id)
    }

    /// Who is saving (for [`Record::save`]).
    pub fn save_context(&mut self) -> Result<SaveContext> {
        Ok(SaveContext { user_id: self.user_id()?, run_id: None })
    }

    pub(crate) fn set_settings(&mut self, settings: InstanceSettings) -> Result<()> {
        self.dir.save_instance(&settings)?;
        self.settings = settings;
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
            return Err(Error::Refused(format!(
                "deleting instance {} removes its database and settings; pass --force to confirm",
                settings.slug()
            )));
        }
        let db_root = StorageRoot::parse(&settings.storage_root)?;
        // The locations this instance manages, with the keys that do not count as content.
        let mut managed: Vec<(Store, Vec<&'static str>)> = Vec::new();
        let db_exists = !settings.is_sqlite() || settings.sqlite_path().exists();
        if db_exists {
            let mut inst = Instance::open(dir, settings.clone())?;
            let n = crate::models::Artifact::query().all_branches().count(&mut inst.db)?;
            if n > 0 {
                return Err(Error::Refused(format!(
                    "Cannot delete instance {}: it has {n} artifact(s); delete them first",
                    settings.slug()
                )));
            }
            let uid = settings.uid();
            for s in inst.storages()? {
                if s.instance_uid.as_deref() == Some(uid.as_str()) {
                    let ignore = inst.db_files_in(&s);
                    managed.push((Store::open(&s.storage_root()?)?, ignore));
                }
            }
        }
        if managed.is_empty() {
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
            let path = settings.sqlite_path();
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let p = PathBuf::from(format!("{}{suffix}", path.display()));
                match std::fs::remove_file(&p) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(Error::io(p, e)),
                }
            }
        }
        if let Some(path) = db_root.local_path() {
            // Empty directories only: remove_dir refuses anything else.
            let _ = std::fs::remove_dir(path.join(".lamindb"));
            let _ = std::fs::remove_dir(path);
        }
        dir.remove_instance(&settings.owner, &settings.name)?;
        Ok(DeleteReport { slug: settings.slug(), postgres_kept: settings.db.as_deref().map(redact_url) })
    }
}

/// What [`Instance::delete`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeleteReport {
    /// The deleted instance.
    pub slug: String,
    /// For a PostgreSQL instance: its database URL (redacted), which was not dropped.
    pub postgres_kept: Option<String>,
}

/// Seeds a new database: user, space 1, branches −1/0/1, storage 1 — in one transaction.
fn seed(
    db: &mut Db,
    settings: &InstanceSettings,
    user: &UserSettings,
    root: &StorageRoot,
    storage_uid: &str,
    region: Option<&str>,
) -> Result<()> {
    db.transaction(|db| {
        let mut u = User { uid: user.uid.clone(), handle: user.handle.clone(), name: user.name.clone(), ..Default::default() };
        u.save(db, &SaveContext { user_id: 0, run_id: None })?;
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
            db.batch_execute(
                "SELECT setval(pg_get_serial_sequence('lamindb_branch', 'id'), (SELECT max(id) FROM lamindb_branch)); \
                 SELECT setval(pg_get_serial_sequence('lamindb_space', 'id'), (SELECT max(id) FROM lamindb_space));",
            )?;
        }
        let mut storage = Storage {
            uid: storage_uid.to_string(),
            root: root.as_str().to_string(),
            type_: root.type_str().to_string(),
            region: region.map(str::to_string),
            instance_uid: Some(settings.uid()),
            ..Default::default()
        };
        storage.save(db, &SaveContext { user_id, run_id: None })?;
        Ok(())
    })
}
