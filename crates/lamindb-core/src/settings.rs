//! LaminDB's settings files: dotenv files in the settings directory.
//!
//! The directory is `$LAMIN_SETTINGS_DIR/.lamin` when that variable is set, else `~/.lamin`
//! (LaminDB appends `.lamin` to `LAMIN_SETTINGS_DIR`; we do the same so that both read one place).
//! Files: `instance--<owner>--<name>.env` per instance, `current_instance.env` (a copy of the
//! current instance's file), `current_user.env`. The current instance is resolved as LaminDB does:
//! `LAMIN_CURRENT_INSTANCE` → the nearest `.lamin/current_instance` marker up from the working
//! directory → `current_instance.env`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The settings directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsDir {
    path: PathBuf,
}

/// The keys of an instance settings file, in LaminDB's order.
const INSTANCE_KEYS: [&str; 14] = [
    "owner",
    "name",
    "storage_root",
    "storage_region",
    "db",
    "schema_str",
    "id",
    "git_repo",
    "keep_artifacts_local",
    "api_url",
    "schema_id",
    "fine_grained_access",
    "db_permissions",
    "is_clone",
];

/// Settings of one instance, as in `instance--<owner>--<name>.env`. `Debug` shows the database
/// URL without its password.
#[derive(Clone, PartialEq, Eq)]
pub struct InstanceSettings {
    /// Owner handle (`anonymous` without a login).
    pub owner: String,
    /// Instance name.
    pub name: String,
    /// Root of the default storage location.
    pub storage_root: String,
    /// Region of the default storage location.
    pub storage_region: Option<String>,
    /// PostgreSQL URL; `None` for SQLite at `<root>/.lamindb/lamin.db`.
    pub db: Option<String>,
    /// Instance id (uuid).
    pub id: uuid::Uuid,
    /// The other keys of the file, kept as they were read (`None` = `null`).
    pub extra: BTreeMap<String, Option<String>>,
    /// For SQLite instances: a default storage other than `storage_root`, which must keep naming
    /// the location of the database. Kept beside the instance file in
    /// `default-storage--<owner>--<name>.txt`, which Python LaminDB does not read.
    pub default_storage: Option<String>,
}

impl std::fmt::Debug for InstanceSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InstanceSettings")
            .field("owner", &self.owner)
            .field("name", &self.name)
            .field("storage_root", &self.storage_root)
            .field("storage_region", &self.storage_region)
            .field("db", &self.db.as_deref().map(crate::db::redact_url))
            .field("id", &self.id)
            .field("default_storage", &self.default_storage)
            .finish_non_exhaustive()
    }
}

impl InstanceSettings {
    /// New settings with LaminDB's defaults for the other keys.
    pub fn new(owner: &str, name: &str, storage_root: &str, db: Option<String>, id: uuid::Uuid) -> Self {
        let mut extra = BTreeMap::new();
        for (k, v) in [
            ("schema_str", None),
            ("git_repo", None),
            ("keep_artifacts_local", Some("False")),
            ("api_url", None),
            ("schema_id", None),
            ("fine_grained_access", Some("False")),
            ("db_permissions", None),
            ("is_clone", Some("False")),
        ] {
            extra.insert(k.to_string(), v.map(str::to_string));
        }
        InstanceSettings {
            owner: owner.to_string(),
            name: name.to_string(),
            storage_root: storage_root.to_string(),
            storage_region: None,
            db,
            id,
            extra,
            default_storage: None,
        }
    }

    /// Root of the default storage location.
    pub fn default_storage_root(&self) -> &str {
        self.default_storage.as_deref().unwrap_or(&self.storage_root)
    }

    /// `owner/name`.
    pub fn slug(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }

    /// The instance uid (12 characters, derived from the id).
    pub fn uid(&self) -> String {
        crate::uid::instance_uid(&self.id)
    }

    /// The database URL: the PostgreSQL URL, or `sqlite:///<root>/.lamindb/lamin.db`.
    pub fn db_url(&self) -> Result<String> {
        match &self.db {
            Some(db) => Ok(db.clone()),
            None => {
                if self.storage_root.contains("://") {
                    return Err(Error::SqliteInCloud {
                        root: self.storage_root.clone(),
                        message: format!(
                            "instance {} keeps its SQLite database in cloud storage ({}), which is not supported; use a PostgreSQL database",
                            self.slug(),
                            self.storage_root
                        ),
                    });
                }
                Ok(format!("sqlite://{}", self.sqlite_path().display()))
            }
        }
    }

    /// Path of the SQLite file of a local instance.
    pub fn sqlite_path(&self) -> PathBuf {
        Path::new(&self.storage_root).join(".lamindb").join("lamin.db")
    }

    /// Whether the instance's database is SQLite.
    pub fn is_sqlite(&self) -> bool {
        self.db.is_none()
    }

    /// The file name `instance--<owner>--<name>.env`.
    pub fn file_name(&self) -> String {
        instance_file_name(&self.owner, &self.name)
    }

    /// The dotenv text of this file.
    pub fn to_env(&self) -> String {
        let mut out = String::new();
        for key in INSTANCE_KEYS {
            let value: Option<String> = match key {
                "owner" => Some(self.owner.clone()),
                "name" => Some(self.name.clone()),
                "storage_root" => Some(self.storage_root.clone()),
                "storage_region" => self.storage_region.clone(),
                "db" => self.db.clone(),
                "id" => Some(self.id.simple().to_string()),
                k => self.extra.get(k).cloned().flatten(),
            };
            out.push_str(&format!("lamindb_instance_{key}={}\n", value.as_deref().unwrap_or("null")));
        }
        for (k, v) in &self.extra {
            if !INSTANCE_KEYS.contains(&k.as_str()) {
                out.push_str(&format!("lamindb_instance_{k}={}\n", v.as_deref().unwrap_or("null")));
            }
        }
        out
    }

    /// Parses the dotenv text of an instance file.
    pub fn from_env(text: &str, path: &Path) -> Result<InstanceSettings> {
        let bad = |message: String| Error::Settings { path: path.display().to_string(), message };
        let mut map = parse_dotenv(text);
        let mut take = |k: &str| map.remove(&format!("lamindb_instance_{k}")).flatten();
        let owner = take("owner").ok_or_else(|| bad("lamindb_instance_owner is missing".into()))?;
        let name = take("name").ok_or_else(|| bad("lamindb_instance_name is missing".into()))?;
        let storage_root =
            take("storage_root").ok_or_else(|| bad("lamindb_instance_storage_root is missing".into()))?;
        let storage_region = take("storage_region");
        let db = take("db");
        let id_text = take("id").ok_or_else(|| bad("lamindb_instance_id is missing".into()))?;
        let id = uuid::Uuid::parse_str(&id_text).map_err(|e| bad(format!("lamindb_instance_id: {e}")))?;
        let extra = map
            .into_iter()
            .filter_map(|(k, v)| k.strip_prefix("lamindb_instance_").map(|k| (k.to_string(), v)))
            .collect();
        Ok(InstanceSettings {
            owner,
            name,
            storage_root,
            storage_region,
            db,
            id,
            extra,
            default_storage: None,
        })
    }
}

fn instance_file_name(owner: &str, name: &str) -> String {
    format!("instance--{owner}--{name}.env")
}

/// `(owner, name)` of a file named by [`instance_file_name`].
fn parse_instance_file_name(file: &str) -> Option<(String, String)> {
    let (owner, name) = file.strip_prefix("instance--")?.strip_suffix(".env")?.split_once("--")?;
    Some((owner.to_string(), name.to_string()))
}

/// Parses `key=value` lines; the value `null` becomes `None`.
fn parse_dotenv(text: &str) -> BTreeMap<String, Option<String>> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| {
            let v = v.trim().trim_matches('"').trim_matches('\'');
            (k.trim().to_string(), if v == "null" { None } else { Some(v.to_string()) })
        })
        .collect()
}

/// Writes a settings file through a temporary sibling and a rename, so that a reader never sees
/// half of it. Settings can hold database passwords: the file is readable by its owner only
/// (0600, set when the temporary file is created) and so is its folder (0700), as ssh and psql
/// keep their secrets.
pub(crate) fn write_atomic(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    let dir = path.parent().expect("settings files live in a directory");
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir).map_err(|e| Error::io(dir, e))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(|e| Error::io(dir, e))?;
    let mut file = tempfile::Builder::new()
        .prefix(&format!(".{}.", path.file_name().unwrap_or_default().to_string_lossy()))
        .permissions(std::fs::Permissions::from_mode(0o600))
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    let tmp = file.path().to_path_buf();
    file.write_all(text.as_bytes())
        .and_then(|()| file.as_file().sync_all())
        .map_err(|e| Error::io(&tmp, e))?;
    file.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

fn read_opt(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Removes the current branch and space files of a `.lamin` folder (they belong to the instance
/// its marker named).
fn clear_local_state(local: &Path) -> Result<()> {
    remove_opt(&local.join("current_branch"))?;
    remove_opt(&local.join("current_space"))
}

/// Removes a file; a missing file is fine.
fn remove_opt(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// The current user, from `current_user.env`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserSettings {
    /// Handle (`anonymous` without a login).
    pub handle: String,
    /// Uid (`00000000` for the anonymous user).
    pub uid: String,
    /// Display name.
    pub name: Option<String>,
}

impl UserSettings {
    /// The anonymous user.
    pub fn anonymous() -> UserSettings {
        UserSettings { handle: "anonymous".into(), uid: "00000000".into(), name: None }
    }
}

impl SettingsDir {
    /// The settings directory from the environment (`LAMIN_SETTINGS_DIR`, else `$HOME`), plus `.lamin`.
    pub fn from_env() -> SettingsDir {
        let base = std::env::var_os("LAMIN_SETTINGS_DIR")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("."));
        SettingsDir { path: base.join(".lamin") }
    }

    /// A settings directory at an explicit path (the `.lamin` folder itself).
    pub fn at(path: impl Into<PathBuf>) -> SettingsDir {
        SettingsDir { path: path.into() }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Path of `storage.env`, where LaminDB keeps the cache directory a user chose
    /// (`lamindb_cache_path`).
    pub fn storage_file(&self) -> PathBuf {
        self.path.join("storage.env")
    }

    /// The cache directory chosen in `storage.env`, if any (LaminDB's `lamin settings cache-dir
    /// set`).
    pub fn chosen_cache_dir(&self) -> Result<Option<PathBuf>> {
        let Some(text) = read_opt(&self.storage_file())? else { return Ok(None) };
        Ok(parse_dotenv(&text)
            .remove("lamindb_cache_path")
            .flatten()
            .filter(|p| !p.is_empty())
            .map(PathBuf::from))
    }

    /// Chooses the cache directory (`None`: back to the default), in `storage.env` as LaminDB
    /// writes it. The path must be absolute and must not be a file.
    pub fn set_cache_dir(&self, dir: Option<&Path>) -> Result<()> {
        if let Some(dir) = dir {
            if !dir.is_absolute() {
                return Err(Error::InvalidSetting {
                    name: "cache_dir",
                    message: "A path to the cache dir should be absolute.".into(),
                });
            }
            if dir.exists() && !dir.is_dir() {
                return Err(Error::InvalidSetting {
                    name: "cache_dir",
                    message: "cache dir should be a directory.".into(),
                });
            }
        }
        let value = dir.map_or("null".to_string(), |d| d.display().to_string());
        write_atomic(&self.storage_file(), &format!("lamindb_cache_path={value}"))
    }

    /// Path of an instance's settings file.
    pub fn instance_file(&self, owner: &str, name: &str) -> PathBuf {
        self.path.join(instance_file_name(owner, name))
    }

    /// The instances with a settings file here, as `(owner, name)`, sorted.
    pub fn instances(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = std::fs::read_dir(&self.path)
            .map(|dir| {
                dir.flatten()
                    .filter_map(|e| parse_instance_file_name(&e.file_name().to_string_lossy()))
                    .collect()
            })
            .unwrap_or_default();
        out.sort();
        out
    }

    /// Path of `current_instance.env`.
    pub fn current_instance_file(&self) -> PathBuf {
        self.path.join("current_instance.env")
    }

    /// Path of `current_user.env`.
    pub fn user_file(&self) -> PathBuf {
        self.path.join("current_user.env")
    }

    /// The current user (anonymous when there is no user file).
    pub fn user(&self) -> Result<UserSettings> {
        let path = self.user_file();
        let Some(text) = read_opt(&path)? else {
            return Ok(UserSettings::anonymous());
        };
        let map = parse_dotenv(&text);
        let get = |k: &str| map.get(k).cloned().flatten();
        Ok(UserSettings {
            handle: get("lamin_user_handle").unwrap_or_else(|| "anonymous".into()),
            uid: get("lamin_user_uid").unwrap_or_else(|| "00000000".into()),
            name: get("lamin_user_name"),
        })
    }

    /// Writes `current_user.env` for the anonymous user unless a user file exists.
    pub fn ensure_user(&self) -> Result<()> {
        if self.user_file().exists() {
            return Ok(());
        }
        let text = "lamin_user_email=null\nlamin_user_password=null\nlamin_user_access_token=null\n\
            lamin_user_uid=00000000\nlamin_user_uuid=null\nlamin_user_handle=anonymous\nlamin_user_name=null\n\
            lamin_user_api_key=null\n";
        write_atomic(&self.user_file(), text)
    }

    /// Path of the file that keeps a SQLite instance's default storage when it is not the
    /// database's root.
    pub fn default_storage_file(&self, owner: &str, name: &str) -> PathBuf {
        self.path.join(format!("default-storage--{owner}--{name}.txt"))
    }

    fn with_default_storage(&self, mut s: InstanceSettings) -> Result<InstanceSettings> {
        let path = self.default_storage_file(&s.owner, &s.name);
        s.default_storage = read_opt(&path)?.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
        Ok(s)
    }

    fn parse_instance(&self, path: &Path) -> Result<Option<InstanceSettings>> {
        read_opt(path)?
            .map(|t| InstanceSettings::from_env(&t, path).and_then(|s| self.with_default_storage(s)))
            .transpose()
    }

    /// Reads an instance's settings file, if it exists.
    pub fn load_instance(&self, owner: &str, name: &str) -> Result<Option<InstanceSettings>> {
        self.parse_instance(&self.instance_file(owner, name))
    }

    /// Writes an instance's settings file (and `current_instance.env` when it is the current one).
    pub fn save_instance(&self, s: &InstanceSettings) -> Result<()> {
        let default_file = self.default_storage_file(&s.owner, &s.name);
        match s.default_storage.as_deref().filter(|d| *d != s.storage_root) {
            Some(root) => write_atomic(&default_file, root)?,
            None => remove_opt(&default_file)?,
        }
        write_atomic(&self.instance_file(&s.owner, &s.name), &s.to_env())?;
        if self.current_global()?.is_some_and(|c| c.owner == s.owner && c.name == s.name) {
            self.set_current(s)?;
        }
        Ok(())
    }

    /// Makes `s` the current instance (`current_instance.env`).
    pub fn set_current(&self, s: &InstanceSettings) -> Result<()> {
        write_atomic(&self.current_instance_file(), &s.to_env())
    }

    /// Removes `current_instance.env`.
    pub fn clear_current(&self) -> Result<()> {
        remove_opt(&self.current_instance_file())
    }

    /// The instance in `current_instance.env`, if any.
    pub fn current_global(&self) -> Result<Option<InstanceSettings>> {
        self.parse_instance(&self.current_instance_file())
    }

    /// Splits `owner/name` or `name` (owner = current user) as LaminDB does.
    pub fn owner_name(&self, identifier: &str) -> Result<(String, String)> {
        let ident = identifier.trim().trim_start_matches("https://lamin.ai/");
        let parts: Vec<&str> = ident.split('/').collect();
        match parts.as_slice() {
            [name] if !name.is_empty() => Ok((self.user()?.handle, name.to_string())),
            [owner, name] if !owner.is_empty() && !name.is_empty() => {
                Ok((owner.to_string(), name.to_string()))
            }
            _ => Err(Error::InvalidIdentifier {
                identifier: crate::db::redact_url(identifier),
                message: format!(
                    "Invalid instance identifier '{}': use 'owner/name' or 'name'",
                    crate::db::redact_url(identifier)
                ),
            }),
        }
    }

    /// Finds an instance by `owner/name` or `name`.
    pub fn find(&self, identifier: &str) -> Result<InstanceSettings> {
        let (owner, name) = self.owner_name(identifier)?;
        self.load_instance(&owner, &name)?.ok_or_else(|| {
            Error::InstanceNotFound(
                crate::db::redact_url(&format!("{owner}/{name}")),
                self.path.display().to_string(),
            )
        })
    }

    /// The current instance: `LAMIN_CURRENT_INSTANCE`, then the nearest `.lamin/current_instance`
    /// marker up from `cwd`, then `current_instance.env`.
    pub fn resolve_current(&self, cwd: &Path) -> Result<Option<InstanceSettings>> {
        Ok(self.resolve_current_from(cwd)?.map(|(s, _)| s))
    }

    /// Like [`SettingsDir::resolve_current`], and what chose the instance.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let dir = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init(&dir, &opts)?;
    /// use lamindb_core::settings::CurrentSource;
    /// let project = tmp.path().join("project");
    /// std::fs::create_dir_all(&project)?;
    /// let (_, from) = dir.resolve_current_from(&project)?.expect("current");
    /// assert_eq!(from, CurrentSource::Global);
    /// dir.mark_dev_dir(&inst.settings(), &project)?;
    /// let (_, from) = dir.resolve_current_from(&project)?.expect("current");
    /// assert_eq!(from, CurrentSource::DevDir(project.canonicalize()?));
    /// # Ok(()) }
    /// ```
    pub fn resolve_current_from(&self, cwd: &Path) -> Result<Option<(InstanceSettings, CurrentSource)>> {
        if let Some(slug) = std::env::var("LAMIN_CURRENT_INSTANCE").ok().filter(|s| !s.trim().is_empty()) {
            let (owner, name) = self.owner_name(&slug)?;
            if let Some(s) = self.load_instance(&owner, &name)? {
                return Ok(Some((s, CurrentSource::Env)));
            }
        }
        if let Some((marker, slug)) = nearest_local_marker(cwd) {
            let (owner, name) = self.owner_name(&slug)?;
            if let Some(s) = self.load_instance(&owner, &name)? {
                return Ok(Some((s, CurrentSource::DevDir(dev_dir_of(&marker)))));
            }
        }
        Ok(self.current_global()?.map(|s| (s, CurrentSource::Global)))
    }

    /// Refuses to connect instance `slug` from `cwd` when `cwd` lies in the development
    /// directory of another instance, as LaminDB's connect does. A marker in the home directory
    /// and one naming an instance without a settings file here do not count (they choose no
    /// instance).
    pub fn check_not_within_other_dev_dir(&self, slug: &str, cwd: &Path) -> Result<()> {
        let cwd = std::fs::canonicalize(cwd).map_err(|e| Error::io(cwd, e))?;
        let Some((marker, found)) = nearest_local_marker(&cwd) else { return Ok(()) };
        if found == slug {
            return Ok(());
        }
        let Ok((owner, name)) = self.owner_name(&found) else { return Ok(()) };
        if !self.instance_file(&owner, &name).is_file() {
            return Ok(());
        }
        Err(Error::Refused(crate::Refusal::WithinDevDir { slug: found, dev_dir: dev_dir_of(&marker) }))
    }

    /// Makes `directory` the development directory of `s`, as LaminDB's `init` does with the
    /// working directory: writes `<directory>/.lamin/current_instance` (replacing a marker of
    /// another instance there, with the current branch and space files beside it, which were that
    /// instance's). The home directory is left alone (its marker is LaminDB's legacy global
    /// instance). Returns the marker's path when it was written or changed, `None` when it named
    /// `s` already or `directory` is the home directory.
    pub fn mark_dev_dir(&self, s: &InstanceSettings, directory: &Path) -> Result<Option<PathBuf>> {
        let directory = std::fs::canonicalize(directory).map_err(|e| Error::io(directory, e))?;
        if home().is_some_and(|home| home == directory) {
            return Ok(None);
        }
        let marker = local_marker(&directory);
        match read_opt(&marker)? {
            Some(slug) if slug.trim() == s.slug() => return Ok(None),
            Some(_) => clear_local_state(marker.parent().expect("the marker lives in .lamin"))?,
            None => {}
        }
        write_marker(&marker, &s.slug())?;
        Ok(Some(marker))
    }

    /// Makes `s` the current instance of `directory` and every folder below it, leaving the
    /// global current instance alone: writes `<directory>/.lamin/current_instance` (LaminDB's
    /// development directory, what `lamin connect --here` makes). Refused in the home directory
    /// (its marker is LaminDB's legacy global instance) and inside the development directory of
    /// another instance.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let dir = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init(&dir, &opts)?;
    /// # dir.clear_current()?;
    /// let project = tmp.path().join("project");
    /// std::fs::create_dir_all(project.join("src"))?;
    /// dir.set_current_here(&inst.settings(), &project)?;
    /// let found = dir.resolve_current(&project.join("src"))?.expect("connected below the folder");
    /// assert_eq!(found.slug(), inst.slug());
    /// assert!(dir.current_global()?.is_none());
    /// assert_eq!(dir.clear_current_here(&project.join("src"))?.map(|(_, slug)| slug), Some(inst.slug()));
    /// # Ok(()) }
    /// ```
    pub fn set_current_here(&self, s: &InstanceSettings, directory: &Path) -> Result<PathBuf> {
        let directory = std::fs::canonicalize(directory).map_err(|e| Error::io(directory, e))?;
        if home().is_some_and(|home| home == directory) {
            return Err(Error::InvalidPath {
                path: directory.display().to_string(),
                message: "The home directory cannot be a development directory: \
                 $HOME/.lamin/current_instance is the legacy global instance"
                    .into(),
            });
        }
        self.check_not_within_other_dev_dir(&s.slug(), &directory)?;
        Ok(self.mark_dev_dir(s, &directory)?.unwrap_or_else(|| local_marker(&directory)))
    }

    /// Removes the nearest `.lamin/current_instance` up from `cwd` (and the current branch and
    /// space files beside it), as `lamin disconnect --here` does; returns the marker's path and
    /// the instance it named, or `None` when there was none.
    pub fn clear_current_here(&self, cwd: &Path) -> Result<Option<(PathBuf, String)>> {
        let cwd = std::fs::canonicalize(cwd).map_err(|e| Error::io(cwd, e))?;
        let Some((marker, slug)) = nearest_local_marker(&cwd) else {
            return Ok(None);
        };
        if let Some(local) = marker.parent() {
            clear_local_state(local)?;
        }
        remove_opt(&marker)?;
        Ok(Some((marker, slug)))
    }

    /// Deletes an instance's settings file, and `current_instance.env` if it names that instance.
    pub fn remove_instance(&self, owner: &str, name: &str) -> Result<()> {
        if self.current_global()?.is_some_and(|c| c.owner == owner && c.name == name) {
            self.clear_current()?;
        }
        remove_opt(&self.default_storage_file(owner, name))?;
        remove_opt(&self.instance_file(owner, name))
    }
}

/// What chose the current instance (see [`SettingsDir::resolve_current_from`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CurrentSource {
    /// The variable `LAMIN_CURRENT_INSTANCE`.
    Env,
    /// The marker of this development directory.
    DevDir(PathBuf),
    /// The settings directory's `current_instance.env`.
    Global,
}

/// The development directory a marker `<dir>/.lamin/current_instance` belongs to.
fn dev_dir_of(marker: &Path) -> PathBuf {
    marker.parent().and_then(Path::parent).unwrap_or(marker).to_path_buf()
}

/// Writes a development-directory marker: the slug, no newline, as LaminDB writes it.
fn write_marker(marker: &Path, slug: &str) -> Result<()> {
    if let Some(parent) = marker.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    std::fs::write(marker, slug).map_err(|e| Error::io(marker, e))
}

/// `<dir>/.lamin/current_instance`: the marker that makes `dir` a development directory of an
/// instance (its slug, no newline), as LaminDB writes it.
pub fn local_marker(dir: &Path) -> PathBuf {
    dir.join(".lamin").join("current_instance")
}

/// The nearest development-directory marker up from `start` (a resolved path: the working
/// directory is one) and the slug it holds. As in LaminDB, the search stops at the home
/// directory: `$HOME/.lamin/current_instance` is the legacy global instance, not a development
/// directory.
fn nearest_local_marker(start: &Path) -> Option<(PathBuf, String)> {
    let home = home();
    start.ancestors().take_while(|dir| home.as_deref() != Some(*dir)).find_map(|dir| {
        let marker = local_marker(dir);
        let slug = read_opt(&marker).ok().flatten()?;
        Some((marker, slug.trim().to_string()))
    })
}

/// `$HOME`, resolved (symbolic links followed).
fn home() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")?;
    std::fs::canonicalize(&home).ok().or_else(|| Some(PathBuf::from(home)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_file_round_trips_in_lamindb_format() {
        let id = uuid::Uuid::parse_str("aa71bc8afa90594a88bbad070794b861").unwrap();
        let s = InstanceSettings::new("anonymous", "pydata", "/tmp/mi/W/pydata", None, id);
        // Byte-for-byte what lamindb-setup 1.27.0 writes for a local SQLite instance.
        let expected = "lamindb_instance_owner=anonymous\nlamindb_instance_name=pydata\n\
lamindb_instance_storage_root=/tmp/mi/W/pydata\nlamindb_instance_storage_region=null\n\
lamindb_instance_db=null\nlamindb_instance_schema_str=null\n\
lamindb_instance_id=aa71bc8afa90594a88bbad070794b861\nlamindb_instance_git_repo=null\n\
lamindb_instance_keep_artifacts_local=False\nlamindb_instance_api_url=null\n\
lamindb_instance_schema_id=null\nlamindb_instance_fine_grained_access=False\n\
lamindb_instance_db_permissions=null\nlamindb_instance_is_clone=False\n";
        assert_eq!(s.to_env(), expected);
        let back = InstanceSettings::from_env(expected, Path::new("x")).unwrap();
        assert_eq!(back, s);
        assert_eq!(back.uid(), "78ZznxGOkcfp");
        assert_eq!(back.db_url().unwrap(), "sqlite:///tmp/mi/W/pydata/.lamindb/lamin.db");
    }

    #[test]
    fn missing_keys_are_reported_with_the_file() {
        let err =
            InstanceSettings::from_env("lamindb_instance_owner=a\n", Path::new("/s/f.env")).unwrap_err();
        assert!(err.to_string().contains("/s/f.env"), "{err}");
        assert!(err.to_string().contains("lamindb_instance_name"), "{err}");
    }
}

#[cfg(test)]
mod debug_tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_a_password() {
        let s = InstanceSettings::new(
            "a",
            "b",
            "/data",
            Some("postgresql://user:s3cret@host:5432/db".into()),
            uuid::Uuid::nil(),
        );
        let text = format!("{s:?}");
        assert!(!text.contains("s3cret") && text.contains("user:***@host"), "{text}");
        let opts = crate::InitOptions { db: s.db.clone(), ..Default::default() };
        assert!(!format!("{opts:?}").contains("s3cret"));
    }
}

/// The cache directory: `$LAMIN_CACHE_DIR`, else the one chosen in the settings directory's
/// `storage.env` (`lamin settings cache-dir set`, LaminDB's own file), else
/// `$XDG_CACHE_HOME/lamindb`, else `~/.cache/lamindb` (LaminDB's platformdirs default on Linux).
pub fn cache_dir() -> Result<PathBuf> {
    let var = |n: &str| std::env::var_os(n).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = var("LAMIN_CACHE_DIR") {
        if !dir.is_absolute() {
            return Err(Error::InvalidSetting {
                name: "LAMIN_CACHE_DIR",
                message: "LAMIN_CACHE_DIR must be a valid absolute path.".into(),
            });
        }
        return Ok(dir);
    }
    if let Some(dir) = SettingsDir::from_env().chosen_cache_dir()? {
        return Ok(dir);
    }
    if let Some(dir) = var("XDG_CACHE_HOME") {
        return Ok(dir.join("lamindb"));
    }
    match var("HOME") {
        Some(home) => Ok(home.join(".cache").join("lamindb")),
        None => Err(Error::InvalidSetting {
            name: "LAMIN_CACHE_DIR",
            message: "cannot find the cache directory: set LAMIN_CACHE_DIR".into(),
        }),
    }
}
