//! Step 1 of the save pipeline: check and place every source (in place inside a registered
//! location, or copied into the target), then hash them in parallel (files unchanged since an
//! earlier save take their hash from the stat cache). Nothing is written to the instance.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use rayon::prelude::*;

use lamindb_storage::hash::{self, FileHash};
use lamindb_storage::key::{check_key, relative_key};
use lamindb_storage::suffix;

use super::paths::{resolve, split_name};
use super::*;
use crate::models::Storage;
use crate::pool::Instance;
use crate::registry::SaveContext;
use crate::statcache::{FileStat, StatCache};
use crate::storage::WriteAction;

/// A source file or folder, hashed and placed, before its row exists.
#[derive(Debug)]
pub(super) struct Prepared {
    pub(super) path: PathBuf,
    pub(super) storage: usize,
    pub(super) in_place: bool,
    pub(super) key: Option<String>,
    pub(super) real_key: Option<String>,
    pub(super) suffix: String,
    pub(super) hash: String,
    pub(super) hash_type: String,
    pub(super) size: u64,
    /// What `stat` said of a file (`None` for a folder), for the stat cache.
    pub(super) stat: Option<FileStat>,
    /// Folder files: (relative path, absolute path, hash).
    pub(super) files: Option<Vec<(String, PathBuf, FileHash)>>,
    /// The content of a small file, read once.
    pub(super) bytes: Option<Vec<u8>>,
    pub(super) lookup_hash: bool,
    /// Whether `stat` was settled when the file was hashed (its times older than the start of
    /// hashing, or its hash from the stat cache): any later write changes what `stat` says, so
    /// comparing `stat` after the copy tells whether the copy is of the hashed content.
    pub(super) stat_settled: bool,
}

/// What every batch of a save shares (see `Instance::save_env`).
pub(super) struct SaveEnv {
    pub(super) ctx: SaveContext,
    pub(super) run_id: Option<i64>,
    /// Every registered location, innermost (longest root) first.
    pub(super) storages: Vec<Storage>,
    target_idx: usize,
    /// The local directory of each location, if it has one.
    roots: Vec<Option<PathBuf>>,
    /// Opened once per save: `None` when it cannot be used.
    pub(super) stat_cache: Option<StatCache>,
}

impl Instance {
    /// What every batch of a save needs: the locations (innermost first), the target, the
    /// saving user and run.
    pub(super) fn save_env(&self, opts: &ArtifactOptions) -> Result<SaveEnv> {
        let ctx = self.save_context()?;
        let run_id = opts.run_id.or(ctx.run_id);
        let mut storages = self.storages()?;
        // Longest root first: a path belongs to the innermost registered location.
        storages.sort_by_key(|s| std::cmp::Reverse(s.root.len()));
        let target = match &opts.storage {
            Some(s) => self.get_storage(s)?,
            None => self.default_storage()?,
        };
        let target_idx = storages.iter().position(|s| s.id == target.id).expect("target is registered");
        let roots = storages
            .iter()
            .map(|s| s.storage_root().ok().and_then(|r| r.local_path().map(Path::to_path_buf)))
            .collect();
        Ok(SaveEnv { ctx, run_id, storages, target_idx, roots, stat_cache: StatCache::open() })
    }

    /// Step 1 of a save: check and place every source, then hash them (in parallel; files
    /// unchanged since an earlier save by the stat cache). Nothing is written to the instance.
    pub(super) fn prepare_batch(
        &self,
        env: &SaveEnv,
        sources: &[ArtifactSource],
        opts: &ArtifactOptions,
        progress: &dyn Progress,
    ) -> Result<Vec<Prepared>> {
        let started = SystemTime::now();
        // The folders of the sources, resolved once (a folder walk has a few for many files).
        let mut parents: HashMap<&Path, PathBuf> = HashMap::new();
        for src in sources {
            if let Some((parent, _)) = split_name(&src.path)
                && !parents.contains_key(parent)
            {
                let dir = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
                if let Ok(resolved) = dir.canonicalize() {
                    parents.insert(parent, resolved);
                }
            }
        }
        let placed: Vec<Result<Prepared>> = sources
            .par_iter()
            .map(|src| {
                let key = src.key.clone().or_else(|| opts.key.clone());
                let (path, stat) = resolve(&src.path, &parents)?;
                self.place(env, path, stat, key, opts)
            })
            .collect();
        let mut prepared = placed.into_iter().collect::<Result<Vec<_>>>()?;
        hash_all(&mut prepared, env.stat_cache.as_ref(), opts, started, progress)?;
        Ok(prepared)
    }

    /// Checks a source and computes its placement and suffix (its hash comes later).
    fn place(
        &self,
        env: &SaveEnv,
        path: PathBuf,
        stat: Option<FileStat>,
        key: Option<String>,
        opts: &ArtifactOptions,
    ) -> Result<Prepared> {
        let (storages, roots, run_id) = (&env.storages, &env.roots, env.run_id);
        if let Some(k) = &key {
            check_key(k)?;
        }
        let path_str = path.to_string_lossy().into_owned();
        if path_str.contains("/.lamindb/") {
            return Err(Error::InvalidPath {
                path: path_str.clone(),
                message: "Do not pass path inside the `.lamindb/` directory for non-s3/gs paths.".into(),
            });
        }
        let (suffix, raw) = suffix::extract(&path_str);
        if let Some(k) = &key {
            let key_raw = suffix::raw(k);
            if key_raw != raw {
                return Err(Error::InvalidKey {
                    key: k.clone(),
                    message: format!(
                        "The passed path's suffix '{raw}' must match the passed key's suffix '{key_raw}'."
                    ),
                });
            }
        }
        let inside = roots.iter().enumerate().find_map(|(i, root)| {
            let rel = relative_key(&path, root.as_ref()?)?;
            (!rel.is_empty()).then_some((i, rel))
        });
        let (storage, in_place, key, real_key) = match inside {
            Some((i, rel)) => match key {
                None => (i, true, Some(rel), None),
                Some(k) if k == rel => (i, true, Some(k), None),
                Some(k) => (i, true, Some(k), Some(rel)),
            },
            None => (env.target_idx, false, key, None),
        };
        if key.is_none() && opts.description.is_none() && run_id.is_none() {
            return Err(Error::InvalidOptions {
                message: "Pass one of key, run or description as a parameter".into(),
            });
        }
        if !in_place {
            self.check_write(&storages[storage], WriteAction::CreateArtifact)?;
        }
        let lookup_hash = opts.skip_hash_lookup.map_or(!in_place, |skip| !skip);
        Ok(Prepared {
            path,
            storage,
            in_place,
            key,
            real_key,
            suffix,
            hash: String::new(),
            hash_type: "md5".into(),
            size: 0,
            stat,
            files: None,
            bytes: None,
            lookup_hash,
            stat_settled: false,
        })
    }
}

/// Hashes every placed source in parallel. Files whose stat is unchanged since an earlier save
/// take their hash from the stat cache (unless `opts.rehash`); the others are read, and
/// remembered there.
fn hash_all(
    prepared: &mut [Prepared],
    cache: Option<&StatCache>,
    opts: &ArtifactOptions,
    started: SystemTime,
    progress: &dyn Progress,
) -> Result<()> {
    let known: HashMap<String, FileHash> = match cache {
        Some(cache) if !opts.rehash => {
            let files: Vec<(&str, FileStat)> =
                prepared.iter().filter_map(|p| Some((p.path.to_str()?, p.stat?))).collect();
            cache.get_many(&files)
        }
        _ => HashMap::new(),
    };
    let budget = AtomicU64::new(FILES_IN_MEMORY);
    prepared.par_iter_mut().try_for_each(|p| -> Result<()> {
        if p.stat.is_none() {
            let dh = hash::hash_dir(&p.path)?;
            (p.hash, p.hash_type, p.size) = (dh.hash, dh.hash_type.into(), dh.size);
            p.files =
                Some(dh.files.into_iter().map(|(rel, h)| (rel.clone(), p.path.join(&rel), h)).collect());
        } else if let Some(h) = p.path.to_str().and_then(|s| known.get(s)) {
            (p.hash, p.hash_type, p.size) = (h.hash.clone(), h.hash_type.into(), h.size);
            p.stat_settled = true;
        } else {
            p.stat_settled = p.stat.is_some_and(|s| s.settled(started));
            let size = p.stat.map_or(0, |s| s.size());
            let keep = size <= SMALL_FILE
                && !p.in_place
                && budget.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| b.checked_sub(size)).is_ok();
            let h = if keep {
                let bytes = std::fs::read(&p.path).map_err(|e| Error::io(&p.path, e))?;
                let h = hash::hash_bytes(&bytes);
                p.bytes = Some(bytes);
                h
            } else {
                hash::hash_file(&p.path)?
            };
            (p.hash, p.hash_type, p.size) = (h.hash, h.hash_type.into(), h.size);
        }
        // Empty files all share one hash: they never return an existing artifact.
        if p.files.is_none() && p.size == 0 {
            p.lookup_hash = false;
        }
        progress.checked(1);
        Ok(())
    })?;
    if let Some(cache) = cache {
        let fresh = prepared.iter().filter_map(|p| {
            let path = p.path.to_str()?;
            (!known.contains_key(path)).then_some((path, p.stat?, p.hash.as_str(), p.hash_type.as_str()))
        });
        cache.put_many(started, fresh);
    }
    Ok(())
}
