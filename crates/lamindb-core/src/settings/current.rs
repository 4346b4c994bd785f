//! Current-instance resolution: `LAMIN_CURRENT_INSTANCE`, then the nearest development-directory
//! marker up from the working directory, then `current_instance.env`; and what chose the
//! instance (`CurrentSource`).

use std::path::{Path, PathBuf};

use super::dev_dir::{dev_dir_of, nearest_local_marker};
use super::{InstanceSettings, SettingsDir};
use crate::error::Result;

impl SettingsDir {
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
    /// # let (inst, _) = lamindb_core::Instance::init_in(&dir, &opts)?;
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
