//! What happens to artifacts after their save: paths, the local cache, replacing the bytes,
//! trash, restore and permanent delete (each byte-touching step through
//! [`StorageLocations::check_write`](crate::StorageLocations::check_write)).

use std::path::{Path, PathBuf};

use lamindb_storage::{StorageRoot, Store, suffix};

use super::sql::*;
use super::*;
use crate::models::Storage;
use crate::pool::Instance;
use crate::registry::SQLRecord;
use crate::settings::cache_dir;
use crate::storage::WriteAction;
use crate::value::{SqlType, Value};

impl Instance {
    /// The storage location of an artifact.
    pub(crate) fn artifact_storage(&self, artifact: &Artifact) -> Result<Storage> {
        Storage::get_by_id(self, artifact.storage_id)
    }

    /// Where the artifact's bytes are: `<root>/<storage key>` (a local path or a URL).
    pub(crate) fn artifact_path(&self, artifact: &Artifact) -> Result<String> {
        let storage = self.artifact_storage(artifact)?;
        Ok(storage.storage_root()?.join(&artifact.storage_key()))
    }

    /// A local path with the artifact's bytes (LaminDB's `.cache()`): the file itself in local
    /// storage; otherwise a copy in the cache directory ([`cache_dir`]) at
    /// `<bucket>/<prefix>/<storage key>` (`…/<key>` for the latest version of a virtual key),
    /// downloaded unless a copy of the same size and not older than the object is there.
    pub(crate) fn cache_artifact(&self, artifact: &Artifact) -> Result<PathBuf> {
        let dir = cache_dir()?;
        self.cache_artifact_in(artifact, &dir)
    }

    /// Like [`Artifact::cache`](crate::Artifact::cache), with an explicit cache directory. While a run is
    /// tracked ([`Instance::track`]), the artifact becomes its input unless the run made it.
    pub(crate) fn cache_artifact_in(&self, artifact: &Artifact, cache: &Path) -> Result<PathBuf> {
        let path = self.cache_artifact_untracked(artifact, cache)?;
        if let Some(id) = artifact.id {
            self.link_run_inputs(&[(id, artifact.run_id)])?;
        }
        Ok(path)
    }

    fn cache_artifact_untracked(&self, artifact: &Artifact, cache: &Path) -> Result<PathBuf> {
        let storage = self.artifact_storage(artifact)?;
        let root = storage.storage_root()?;
        let skey = artifact.storage_key();
        if let Some(local) = root.local_path() {
            let p = local.join(&skey);
            if !p.exists() {
                return Err(Error::io(
                    &p,
                    std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
                ));
            }
            return Ok(p);
        }
        let store = Store::open_with_region(&root, storage.region.as_deref())?;
        let cache_key = match &artifact.key {
            Some(k) if *artifact.key_is_virtual && artifact.is_latest => k.clone(),
            _ => skey.clone(),
        };
        let dest = cache.join(cloud_path(&root)).join(&cache_key);
        if artifact.is_dir() {
            for entry in store.list(&skey, true)? {
                let rel =
                    entry.key.strip_prefix(&format!("{}/", skey.trim_end_matches('/'))).unwrap_or(&entry.key);
                sync_file(&store, &entry.key, &dest.join(rel))?;
            }
        } else {
            sync_file(&store, &skey, &dest)?;
        }
        Ok(dest)
    }

    /// The latest non-trashed artifact with this key (any storage), newest first.
    pub(crate) fn get_artifact_by_key(&self, key: &str) -> Result<Artifact> {
        let mut sql = select_sql(self);
        sql.push(" WHERE \"key\" = ").bind(Value::Text(key.to_string()), SqlType::Text);
        sql.push(
            " AND \"branch_id\" <> -1 ORDER BY \"is_latest\" DESC, \"created_at\" DESC, \"id\" DESC LIMIT 1",
        );
        load(self, &sql)?.into_iter().next().ok_or_else(|| Error::DoesNotExist {
            registry: "Artifact",
            message: "Artifact matching query does not exist.".into(),
        })
    }

    /// Replaces the artifact's content with a local file or folder **without** a new version
    /// (LaminDB's `.replace()` + `.save()`): same uid, new size and hash; a changed suffix renames
    /// the key and removes the old object. Content equal to an existing artifact's leaves
    /// everything unchanged and returns that artifact with [`ArtifactOutcome::SameHash`].
    pub(crate) fn replace_artifact(
        &self,
        artifact: &Artifact,
        path: &Path,
    ) -> Result<(Artifact, ArtifactOutcome)> {
        let storage = self.artifact_storage(artifact)?;
        self.check_write(&storage, WriteAction::UpdateArtifact)?;
        let given = path;
        let path = absolute(path)?;
        let meta = std::fs::metadata(&path).map_err(|e| Error::io(&path, e))?;
        super::paths::check_source(given, &path, &meta)?;
        for s in self.storages()? {
            if let Some(root) = s.storage_root()?.local_path()
                && path.starts_with(root)
            {
                return Err(Error::InvalidPath {
                    path: path.display().to_string(),
                    message: format!(
                        "Can only replace with a local path not in any Storage. This data is in Storage(uid='{}', root='{}').",
                        s.uid, s.root
                    ),
                });
            }
        }
        if meta.is_dir() != artifact.is_dir() {
            return Err(Error::InvalidPath {
                path: path.display().to_string(),
                message: format!(
                    "It is not allowed to replace {} with {}",
                    if artifact.is_dir() { "a folder" } else { "a file" },
                    if meta.is_dir() { "a folder." } else { "a file." }
                ),
            });
        }
        let (new_suffix, _) = suffix::extract(&path.to_string_lossy());
        let (hash, hash_type, size, n_files) = if meta.is_dir() {
            let d = hash::hash_dir(&path)?;
            let n = d.files.len() as i64;
            (d.hash, d.hash_type, d.size, Some(n))
        } else {
            let h = hash::hash_file(&path)?;
            (h.hash, h.hash_type, h.size, None)
        };
        if artifact.hash.as_deref() == Some(hash.as_str()) {
            return Ok((artifact.clone(), ArtifactOutcome::SameHash));
        }
        let same = select_in(
            self,
            "hash",
            std::iter::once(Value::Text(hash.clone())),
            SqlType::Varchar(22),
            " AND \"branch_id\" <> -1",
            None,
        )?;
        if let Some(other) = same.into_iter().find(|a| a.id != artifact.id) {
            return Ok((other, ArtifactOutcome::SameHash));
        }
        let mut updated = artifact.clone();
        let old_key = artifact.storage_key();
        if new_suffix != artifact.suffix {
            let with_suffix =
                |k: &str| format!("{}{new_suffix}", k.strip_suffix(artifact.suffix.as_str()).unwrap_or(k));
            updated.key = artifact.key.as_deref().map(with_suffix);
            updated.real_key = crate::value::Internal(artifact.real_key.as_deref().map(with_suffix));
            updated.suffix = new_suffix;
        }
        updated.hash = Some(hash);
        updated.hash_type = crate::value::Internal(Some(hash_type.to_string()));
        updated.size = Some(size as i64);
        updated.n_files = n_files;
        updated.aux = crate::value::Internal(Some(Json(STORAGE_ONGOING.into())));
        let ctx = self.save_context()?;
        crate::registry::save_with(&mut updated, self, &ctx)?;
        let store = Store::open_with_region(&storage.storage_root()?, storage.region.as_deref())?;
        let new_key = updated.storage_key();
        let copied = (|| -> Result<()> {
            if meta.is_dir() {
                store.delete_all(&new_key)?;
                for (rel, file) in hash::list_dir_files(&path)? {
                    store.put_file(&format!("{new_key}/{rel}"), &file, &mut |_| {})?;
                }
            } else {
                let h = store.put_file(&new_key, &path, &mut |_| {})?;
                if Some(h.hash.as_str()) != updated.hash.as_deref() {
                    return Err(changed(&path));
                }
            }
            Ok(())
        })();
        if let Err(e) = copied {
            // Back to the previous metadata; the old bytes may be gone if the same key was written.
            let mut back = artifact.clone();
            let _ = crate::registry::save_with(&mut back, self, &ctx);
            return Err(e);
        }
        if old_key != new_key {
            if artifact.is_dir() {
                store.delete_all(&old_key)?;
            } else {
                store.delete(&old_key)?;
            }
        }
        updated.aux = crate::value::Internal(None);
        crate::registry::save_with(&mut updated, self, &ctx)?;
        Ok((updated, ArtifactOutcome::Created))
    }

    /// Moves an artifact to the trash (branch −1, LaminDB's first `delete()`); when it was the
    /// latest version, the newest remaining version on its branch becomes the latest, in the same
    /// transaction. Bytes stay. Refused in a location this instance does not manage unless
    /// `keep_data`, and for an artifact already in the trash (use [`Artifact::delete_permanently_with`](crate::Artifact::delete_permanently_with)).
    pub(crate) fn trash_artifact(&self, artifact: &Artifact, keep_data: bool) -> Result<Artifact> {
        let storage = self.artifact_storage(artifact)?;
        if !keep_data {
            self.check_write(&storage, WriteAction::DeleteArtifact)?;
        }
        let id = artifact.id.ok_or_else(|| Error::NotSaved { registry: "Artifact" })?;
        if artifact.branch_id == Some(-1) {
            return Err(Error::InTrash { registry: "Artifact", id });
        }
        let branch = artifact.branch_id.unwrap_or(1);
        let stem = artifact.stem_uid().to_string();
        let was_latest = artifact.is_latest;
        self.transaction(|db| -> Result<_> {
            let mut sql = db.sql();
            sql.push("UPDATE ")
                .ident(Artifact::REGISTRY.table)
                .push(" SET \"branch_id\" = -1, \"is_latest\" = ");
            sql.bind(Value::Bool(false), SqlType::Bool).push(", \"updated_at\" = ");
            sql.now().push(" WHERE \"id\" = ").bind(Value::Int(id), SqlType::BigInt);
            db.execute(&sql)?;
            if was_latest {
                crate::records::promote_newest(db, Artifact::REGISTRY, &stem, branch, id)?;
            }
            Ok(())
        })?;
        Artifact::get(self, &artifact.uid)
    }

    /// Brings an artifact back from the trash to the main branch; it becomes the latest version
    /// when it is the newest one there.
    pub(crate) fn restore_artifact(&self, artifact: &Artifact) -> Result<Artifact> {
        let id = artifact.id.ok_or_else(|| Error::NotSaved { registry: "Artifact" })?;
        let stem = artifact.stem_uid().to_string();
        self.transaction(|db| -> Result<_> {
            let mut sql = db.sql();
            sql.push("UPDATE ")
                .ident(Artifact::REGISTRY.table)
                .push(" SET \"branch_id\" = 1, \"updated_at\" = ");
            sql.now().push(" WHERE \"id\" = ").bind(Value::Int(id), SqlType::BigInt);
            db.execute(&sql)?;
            // Exactly one latest on the main branch: the newest.
            let family = select_stems(db, std::slice::from_ref(&stem))?;
            let mut main: Vec<&Artifact> = family.iter().filter(|a| a.branch_id == Some(1)).collect();
            main.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
            if let Some(newest) = main.first() {
                let others: Vec<i64> =
                    main[1..].iter().filter(|a| a.is_latest).filter_map(|a| a.id).collect();
                update_is_latest(db, &others, false)?;
                update_is_latest(db, &[newest.id.expect("saved")], true)?;
            }
            Ok(())
        })?;
        Artifact::get(self, &artifact.uid)
    }

    /// Deletes an artifact for good (LaminDB's `delete(permanent=True, storage=…)`), never asking:
    /// the record first (all versions for the latest version of a folder whose versions share one
    /// store), then the bytes — removed for a virtual key unless `delete_data == Some(false)`,
    /// kept for a real key unless `delete_data == Some(true)`, always kept for an older version of
    /// a shared store. Returns what remains in storage, if anything (`a file/folder remains here`).
    pub(crate) fn delete_artifact_permanently(
        &self,
        artifact: &Artifact,
        delete_data: Option<bool>,
    ) -> Result<Option<String>> {
        let storage = self.artifact_storage(artifact)?;
        if delete_data != Some(false) {
            self.check_write(&storage, WriteAction::DeleteArtifact)?;
        }
        let id = artifact.id.ok_or_else(|| Error::NotSaved { registry: "Artifact" })?;
        let stem = artifact.stem_uid().to_string();
        let path = storage.storage_root()?.join(&artifact.storage_key());
        let all_versions = *artifact.overwrite_versions && artifact.is_latest;
        let delete_bytes = if *artifact.overwrite_versions && !artifact.is_latest {
            false
        } else if artifact.key.is_none() || (*artifact.key_is_virtual && artifact.real_key.is_none()) {
            delete_data != Some(false)
        } else {
            delete_data == Some(true)
        };
        let key = artifact.storage_key();
        if delete_bytes && artifact.is_dir() && !key.starts_with(super::AUTO_KEY_PREFIX) {
            // A folder registered in place may hold files registered as artifacts of their own:
            // their bytes are not this artifact's to delete.
            let inside = Artifact::filter(
                crate::fields::artifact::STORAGE_ID.eq(artifact.storage_id)
                    & crate::fields::artifact::KEY.starts_with(format!("{key}/").as_str())
                    & crate::fields::artifact::ID.ne(id),
            )
            .all_branches()
            .all(self)?;
            if !inside.is_empty() {
                return Err(Error::Refused(crate::Refusal::FolderHoldsArtifacts {
                    key,
                    uids: inside.into_iter().map(|a| a.uid).collect(),
                }));
            }
        }
        self.transaction(|db| {
            if all_versions {
                let ids: Vec<i64> =
                    select_stems(db, std::slice::from_ref(&stem))?.iter().filter_map(|a| a.id).collect();
                delete_rows(db, &ids)
            } else {
                delete_rows(db, &[id])?;
                if artifact.is_latest && artifact.branch_id != Some(-1) {
                    crate::records::promote_newest(
                        db,
                        Artifact::REGISTRY,
                        &stem,
                        artifact.branch_id.unwrap_or(1),
                        id,
                    )?;
                }
                Ok(())
            }
        })?;
        if !delete_bytes {
            return Ok(Some(path));
        }
        let store = Store::open_with_region(&storage.storage_root()?, storage.region.as_deref())?;
        remove_bytes(&store, artifact)?;
        Ok(None)
    }
}

/// `<bucket>/<prefix>` of a cloud (or memory) root, the cache layout's first components.
fn cloud_path(root: &StorageRoot) -> PathBuf {
    let mut p = PathBuf::from(root.bucket().unwrap_or_default());
    if !root.prefix().is_empty() {
        p.push(root.prefix());
    }
    p
}

/// Downloads an object unless the local copy has its size and is not older.
fn sync_file(store: &Store, key: &str, dest: &Path) -> Result<()> {
    let (size, modified) = store.stat_file(key)?.ok_or_else(|| {
        Error::io(
            Path::new(&store.root().join(key)),
            std::io::Error::new(std::io::ErrorKind::NotFound, "The original path does not exist anymore."),
        )
    })?;
    if let Ok(local) = std::fs::metadata(dest) {
        let fresh = match (modified, local.modified()) {
            (Some(remote), Ok(local)) => remote <= local,
            _ => true,
        };
        if local.len() == size && fresh {
            return Ok(());
        }
    }
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    store.download_file(key, dest)?;
    Ok(())
}

/// Removes an artifact's bytes (a folder recursively); missing bytes are fine.
pub(super) fn remove_bytes(store: &Store, artifact: &Artifact) -> Result<()> {
    let key = artifact.storage_key();
    if artifact.is_dir() {
        store.delete_all(&key)?;
    } else {
        store.delete(&key)?;
    }
    Ok(())
}
