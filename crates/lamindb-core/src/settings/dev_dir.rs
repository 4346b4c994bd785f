//! The development directories: a folder whose `.lamin/current_instance` marker names the
//! instance that is current in it and below it. `mark_dev_dir` (what LaminDB's init does with the
//! working directory), `set_current_here` (`connect --here`), `clear_current_here`, and the
//! refusal to connect inside another instance's (`check_not_within_other_dev_dir`).

use std::path::{Path, PathBuf};

use super::{InstanceSettings, SettingsDir, read_opt, remove_opt};
use crate::error::{Error, Result};

impl SettingsDir {
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
    /// # let (inst, _) = lamindb_core::Instance::init_in(&dir, &opts)?;
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
}

/// Removes the current branch and space files of a `.lamin` folder (they belong to the instance
/// its marker named).
fn clear_local_state(local: &Path) -> Result<()> {
    remove_opt(&local.join("current_branch"))?;
    remove_opt(&local.join("current_space"))
}

/// The development directory a marker `<dir>/.lamin/current_instance` belongs to.
pub(super) fn dev_dir_of(marker: &Path) -> PathBuf {
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
pub(super) fn nearest_local_marker(start: &Path) -> Option<(PathBuf, String)> {
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
