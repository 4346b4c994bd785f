//! `Instance::delete`: an instance removed with its settings, also when its database is gone.

use super::*;

// Deleting an instance.
impl Instance {
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
                // The connection's error is redacted already.
                Err(e @ Error::Connect { .. }) if !settings.is_sqlite() => {
                    database_gone = Some(e.to_string())
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
        // Locations known to hold nothing (listed already).
        let mut empty: Vec<Store> = Vec::new();
        let db_ignore = if settings.is_sqlite() { vec![".lamindb/lamin.db"] } else { vec![] };
        if database_gone.is_some() {
            // Without the database only the settings go, and a location that holds nothing.
            match Store::open(&db_root) {
                Err(e) => kept.push(format!("the storage {db_root} (it cannot be opened: {e})")),
                Ok(store) => {
                    let why = match marker::managed_objects(&store, &db_ignore) {
                        Ok(objects) if objects.is_empty() && settings.is_sqlite() => None,
                        Ok(objects) if objects.is_empty() => {
                            Some("the database that may still use it could not be checked".to_string())
                        }
                        Ok(objects) => Some(format!(
                            "it holds {} file(s) under .lamindb/, which the lost database may have recorded",
                            objects.len()
                        )),
                        Err(e) => Some(format!("it cannot be listed: {e}")),
                    };
                    match why {
                        None => empty.push(store),
                        Some(why) => kept.push(format!(
                            "the storage {db_root} and its marker .lamindb/storage_uid.txt ({why})"
                        )),
                    }
                }
            }
        } else if managed.is_empty() {
            managed.push((Store::open(&db_root)?, db_ignore));
        }
        for (store, ignore) in &managed {
            let objects = marker::managed_objects(store, ignore)?;
            if !objects.is_empty() {
                return Err(Error::StorageNotEmpty { root: store.root().to_string(), objects });
            }
        }
        for store in managed.iter().map(|(s, _)| s).chain(&empty) {
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
