//! `Instance::init`: a new instance created whole or not at all (an undo log), and an init
//! killed midway finished or started over.

use super::*;
use crate::models::{Branch, Space};

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
        return Err(Error::InvalidIdentifier {
            identifier: name.to_string(),
            message: format!("Invalid instance name: '/' delimiter not allowed (got '{name}')."),
        });
    }
    if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::InvalidIdentifier {
            identifier: name.to_string(),
            message: format!("Invalid instance name '{name}': use letters, digits, '-' or '_'."),
        });
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

// Creating an instance.
impl Instance {
    /// Creates an instance (or connects to it, if one with the same name and storage exists),
    /// with its settings in LaminDB's settings folder (`$LAMIN_SETTINGS_DIR/.lamin`, else
    /// `~/.lamin`), the folder [`Instance::open`], [`Instance::connect`] and
    /// [`Instance::current`] read. Makes it the current instance. On failure nothing is left
    /// behind. The filesystem root and the home folder are refused as storage
    /// ([`Refusal::StorageRootTooBroad`]). [`Instance::init_in`] names another settings folder.
    pub fn init(opts: &InitOptions) -> Result<(Instance, InitOutcome)> {
        Instance::init_in(&SettingsDir::from_env(), opts)
    }

    /// Like [`Instance::init`], with the settings in the folder `dir`: open the instance again
    /// with [`Instance::open_in`] or [`Instance::connect_in`] and the same `dir`.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let tmp = tempfile::tempdir()?;
    /// let dir = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// let storage = tmp.path().join("data").display().to_string();
    /// let (inst, _) = lamindb_core::Instance::init_in(&dir, &lamindb_core::InitOptions { storage, ..Default::default() })?;
    /// let again = lamindb_core::Instance::connect_in(&dir, "data")?;
    /// assert_eq!(again.uid(), inst.uid());
    /// # Ok(()) }
    /// ```
    pub fn init_in(dir: &SettingsDir, opts: &InitOptions) -> Result<(Instance, InitOutcome)> {
        let root = StorageRoot::parse(&opts.storage)?;
        check_new_root(&root)?;
        if let Some(path) = root.local_path() {
            if path.exists() && !path.is_dir() {
                return Err(Error::InvalidPath {
                    path: opts.storage.clone(),
                    message: format!(
                        "{} is a file, not a folder: an instance's storage is a folder (created when missing)",
                        opts.storage
                    ),
                });
            }
        }
        if let Some(db) = &opts.db {
            if !is_postgres_url(db) {
                return Err(Error::InvalidDatabaseUrl {
                    url: redact_url(db),
                    message: format!(
                        "the database must be a PostgreSQL URL (postgresql://user:password@host:port/dbname), got '{}'",
                        redact_url(db)
                    ),
                });
            }
            // Refused before anything is created.
            if !crate::db::postgres_built_in() {
                return Err(Error::NotBuiltIn { what: "PostgreSQL databases", feature: "postgres" });
            }
        } else if root.is_cloud() {
            return Err(Error::SqliteInCloud {
                root: root.to_string(),
                message: format!(
                    "a SQLite database in cloud storage ({root}) is not supported: give a PostgreSQL database (`InitOptions::db`)"
                ),
            });
        }
        let name = match &opts.name {
            Some(n) => n.clone(),
            None => default_name(&root, opts.db.as_deref()).ok_or_else(|| Error::InvalidOptions {
                message: format!("cannot derive an instance name from {root}: give a name"),
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
            if db.dialect() == Dialect::Postgres {
                db.refuse_if_not_empty(Storage::REGISTRY.table, &settings.db_url()?)?;
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
        sql.push("INSERT INTO ")
            .ident(Space::REGISTRY.table)
            .push(" (\"id\", \"name\", \"uid\", \"description\") VALUES (1, 'all', 'aaaaaaaaaaaa', ")
            .bind(Value::Text("Every team & user with access to the instance has access.".into()), SqlType::Text)
            .push(")");
        db.execute(&sql)?;
        for (id, name, uid, description) in [
            (-1, "trash", "tttttttttttt", "The trash."),
            (0, "archive", "aaaaaaaaaaaa", "The archive."),
            (1, "main", "mmmmmmmmmmmm", "The main & default branch of the instance."),
        ] {
            let mut sql = db.sql();
            sql.push("INSERT INTO ").ident(Branch::REGISTRY.table);
            sql.push(" (\"id\", \"name\", \"uid\", \"description\", \"space_id\", \"created_by_id\") VALUES (");
            sql.bind(Value::Int(id), SqlType::Int).push(", ");
            sql.bind(Value::Text(name.into()), SqlType::Text).push(", ");
            sql.bind(Value::Text(uid.into()), SqlType::Text).push(", ");
            sql.bind(Value::Text(description.into()), SqlType::Text).push(", 1, ");
            sql.bind(Value::Int(user_id), SqlType::Int).push(")");
            db.execute(&sql)?;
        }
        if db.dialect() == Dialect::Postgres {
            // Explicit ids do not advance identity sequences.
            let setval = |table: &str| {
                format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM \"{table}\"));")
            };
            let statements = setval(Branch::REGISTRY.table) + &setval(Space::REGISTRY.table);
            db.with_db(|c| c.batch_execute(&statements))?;
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
        if db.table_exists(Storage::REGISTRY.table)? {
            // The database an init of this instance left: its storage row names this instance.
            // Another instance's database (its marker deleted) is never adopted.
            let mut sql = db.sql();
            sql.push("SELECT \"instance_uid\" FROM ").ident(Storage::REGISTRY.table);
            sql.push(" WHERE \"instance_uid\" IS NOT NULL ORDER BY \"id\" LIMIT 1");
            let owner =
                db.query(&sql)?.first().and_then(|r| r.get(0)).and_then(|v| v.as_str().map(str::to_string));
            if let Some(owner) = owner.filter(|o| *o != settings.uid()) {
                return Err(Error::Refused(Refusal::OtherInstanceDatabase {
                    path: settings.sqlite_path(),
                    instance_uid: owner,
                }));
            }
            let mut sql = db.sql();
            sql.push("SELECT \"uid\" FROM ")
                .ident(Storage::REGISTRY.table)
                .push(" WHERE \"root\" = ")
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

/// Refuses the filesystem root and the home folder (`$HOME`) as new storage locations
/// ([`Refusal::StorageRootTooBroad`]): every file saved from below a location is registered in
/// place, so either would take in every file of the machine or of the user. Cloud roots pass.
pub(crate) fn check_new_root(root: &StorageRoot) -> Result<()> {
    let Some(path) = root.local_path() else { return Ok(()) };
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .and_then(|h| StorageRoot::parse(&h.to_string_lossy()).ok());
    let home_path = home.as_ref().and_then(StorageRoot::local_path);
    let what = if path.parent().is_none() {
        "the filesystem root"
    } else if home_path == Some(path) {
        "your home folder"
    } else {
        return Ok(());
    };
    let example = match home_path {
        Some(h) if h.parent().is_some() => format!("{}/lamindata", h.display()),
        _ => "/data/lamindata".to_string(),
    };
    Err(Error::Refused(Refusal::StorageRootTooBroad { root: root.to_string(), what, example }))
}
