//! The cache folder: `LAMIN_CACHE_DIR`, the one a user chose in `storage.env` (LaminDB's own
//! file), or the platform's default.

use std::path::{Path, PathBuf};

use super::{SettingsDir, parse_dotenv, read_opt, write_atomic};
use crate::error::{Error, Result};

impl SettingsDir {
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
