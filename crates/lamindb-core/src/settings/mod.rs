//! LaminDB's settings files: dotenv files in the settings directory.
//!
//! The directory is `$LAMIN_SETTINGS_DIR/.lamin` when that variable is set, else `~/.lamin`
//! (LaminDB appends `.lamin` to `LAMIN_SETTINGS_DIR`; we do the same so that both read one place).
//! Files: `instance--<owner>--<name>.env` per instance, `current_instance.env` (a copy of the
//! current instance's file), `current_user.env`. The current instance is resolved as LaminDB does:
//! `LAMIN_CURRENT_INSTANCE` → the nearest `.lamin/current_instance` marker up from the working
//! directory → `current_instance.env`.
//!
//! This file holds the settings files (`SettingsDir`, `InstanceSettings`, `UserSettings`);
//! `current.rs` resolves the current instance, `dev_dir.rs` keeps the development directories
//! and `cache.rs` finds the cache folder.

mod cache;
mod current;
mod dev_dir;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub use cache::cache_dir;
pub use current::CurrentSource;
pub use dev_dir::local_marker;

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

    /// Deletes an instance's settings file, and `current_instance.env` if it names that instance.
    pub fn remove_instance(&self, owner: &str, name: &str) -> Result<()> {
        if self.current_global()?.is_some_and(|c| c.owner == owner && c.name == name) {
            self.clear_current()?;
        }
        remove_opt(&self.default_storage_file(owner, name))?;
        remove_opt(&self.instance_file(owner, name))
    }
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
