//! The save pipeline of artifacts: check, place and hash every source; plan (dedup by hash, new
//! versions by key); insert the rows flagged "storage ongoing"; copy the bytes in parallel; clear
//! the flags (see the module docs of [`crate::artifact`]).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use lamindb_storage::hash::{self, FileHash};
use lamindb_storage::{RootKind, Store, key::check_key, suffix};

use super::lifecycle::remove_bytes;
use super::sql::*;
use super::*;
use crate::instance::Instance;
use crate::models::Storage;
use crate::registry::SaveContext;
use crate::storage::WriteAction;
use crate::uid::{decode_base62, encode_base62};
use crate::value::{SqlType, Value};

/// A source file or folder, hashed and placed, before its row exists.
#[derive(Debug)]
struct Prepared {
    path: PathBuf,
    storage: usize,
    in_place: bool,
    key: Option<String>,
    real_key: Option<String>,
    suffix: String,
    hash: String,
    hash_type: &'static str,
    size: u64,
    /// Folder files: (relative path, absolute path, hash).
    files: Option<Vec<(String, PathBuf, FileHash)>>,
    /// The content of a small file, read once.
    bytes: Option<Vec<u8>>,
    lookup_hash: bool,
}

/// What happens to a prepared source.
#[derive(Debug)]
enum Plan {
    /// Insert a new row; `previous` is the version it revises.
    New { uid: String, previous: Option<Artifact> },
    /// Return this existing artifact.
    Existing(Artifact),
    /// Return the artifact of an earlier source of the same batch.
    SameAs(usize),
}

/// One copy to do: the row, its storage, and the source.
struct CopyJob<'a> {
    idx: usize,
    artifact: Artifact,
    store: &'a Store,
    prepared: &'a Prepared,
}

impl Instance {
    /// Creates (or finds) the artifact of one local file or folder; see the module docs.
    pub fn create_artifact(
        &self,
        path: &Path,
        opts: &ArtifactOptions,
    ) -> Result<(Artifact, ArtifactOutcome)> {
        let source = ArtifactSource { path: path.to_path_buf(), key: opts.key.clone() };
        let opts = ArtifactOptions { key: None, ..opts.clone() };
        let mut out = self.create_artifacts(&[source], &opts, &NoProgress)?;
        Ok(out.pop().expect("one artifact per source"))
    }

    /// Creates (or finds) the artifacts of many local files or folders: hashes them, looks up
    /// existing hashes and keys with a few `IN (…)` queries, inserts the new rows in one
    /// transaction, copies the bytes in parallel, and clears the "storage ongoing" flags in one
    /// statement. Results are in the order of `sources`.
    ///
    /// When a copy fails, its row is deleted, the other artifacts stay saved, and the first error
    /// is returned.
    pub fn create_artifacts(
        &self,
        sources: &[ArtifactSource],
        opts: &ArtifactOptions,
        progress: &dyn Progress,
    ) -> Result<Vec<(Artifact, ArtifactOutcome)>> {
        if opts.key.is_some() && sources.len() != 1 {
            return Err(Error::InvalidArgument(
                "a key names one artifact: pass one path with a key, or one key per path".into(),
            ));
        }
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
        let roots: Vec<Option<PathBuf>> = storages
            .iter()
            .map(|s| s.storage_root().ok().and_then(|r| r.local_path().map(Path::to_path_buf)))
            .collect();

        // 1. Check, place and hash every source (nothing is written yet).
        let mut prepared = Vec::with_capacity(sources.len());
        for src in sources {
            let key = src.key.clone().or_else(|| opts.key.clone());
            let p = self.prepare(src, key, opts, &storages, &roots, target_idx, run_id)?;
            prepared.push(p);
        }

        // 2. Look up existing hashes and keys, decide uids and versions; 3. insert the new rows
        // (flagged when bytes are to be copied) in one transaction. Another process may insert
        // the same content or the same next version between 2 and 3: the unique constraint
        // refuses our insert, and a new plan adopts what the other process saved.
        let mut attempt = 0;
        let (plans, rows, inserted) = loop {
            let plans = self.plan(&prepared, &storages)?;
            let mut rows: Vec<(usize, Artifact)> = Vec::new();
            let mut demote: Vec<i64> = Vec::new();
            for (idx, (p, plan)) in prepared.iter().zip(&plans).enumerate() {
                if let Plan::New { uid, previous } = plan {
                    if let Some(prev) = previous {
                        demote.push(prev.id.expect("saved"));
                    }
                    rows.push((idx, new_row(p, uid, &storages[p.storage], opts, &ctx, run_id)));
                }
            }
            let inserted = self.transaction(|db| {
                update_is_latest(db, &demote, false)?;
                insert_rows(db, rows.iter().map(|(_, a)| a))
            });
            match inserted {
                Ok(inserted) => break (plans, rows, inserted),
                Err(e) if e.is_unique_violation() && attempt < 8 => attempt += 1,
                Err(e) => return Err(e),
            }
        };
        let inserted: HashMap<String, Artifact> = inserted;
        let mut results: Vec<Option<(Artifact, ArtifactOutcome)>> = vec![None; prepared.len()];
        for (idx, a) in &rows {
            let saved = inserted
                .get(&a.uid)
                .cloned()
                .ok_or_else(|| Error::Decode(format!("the insert of artifact {} returned no row", a.uid)))?;
            let outcome = match &plans[*idx] {
                Plan::New { previous: Some(prev), .. } => {
                    ArtifactOutcome::NewVersion { previous_uid: prev.uid.clone() }
                }
                _ if prepared[*idx].in_place => ArtifactOutcome::RegisteredInPlace,
                _ => ArtifactOutcome::Created,
            };
            results[*idx] = Some((saved, outcome));
        }
        for (idx, plan) in plans.iter().enumerate() {
            if let Plan::Existing(a) = plan {
                let outcome =
                    if a.storage_ongoing() { ArtifactOutcome::Resumed } else { ArtifactOutcome::SameHash };
                results[idx] = Some((a.clone(), outcome));
            }
        }

        // 4. Copy the bytes: new rows outside their storage, and interrupted ones.
        let mut to_copy: Vec<(usize, usize)> = Vec::new();
        for (idx, res) in results.iter().enumerate() {
            // Sources repeating an earlier one have no result yet, and nothing to copy.
            let Some((a, outcome)) = res.as_ref() else { continue };
            let p = &prepared[idx];
            let copy = match outcome {
                ArtifactOutcome::Created | ArtifactOutcome::NewVersion { .. } => !p.in_place,
                ArtifactOutcome::Resumed => true,
                _ => false,
            };
            if copy {
                let sidx = storages.iter().position(|s| s.id == Some(a.storage_id)).unwrap_or(p.storage);
                if *outcome == ArtifactOutcome::Resumed {
                    self.check_write(&storages[sidx], WriteAction::SaveArtifact)?;
                }
                to_copy.push((idx, sidx));
            }
        }
        let mut stores: HashMap<usize, Store> = HashMap::new();
        for (_, sidx) in &to_copy {
            if !stores.contains_key(sidx) {
                let s = &storages[*sidx];
                stores.insert(*sidx, Store::open_with_region(&s.storage_root()?, s.region.as_deref())?);
            }
        }
        let copies: Vec<CopyJob<'_>> = to_copy
            .iter()
            .map(|(idx, sidx)| CopyJob {
                idx: *idx,
                artifact: results[*idx].as_ref().expect("planned").0.clone(),
                store: &stores[sidx],
                prepared: &prepared[*idx],
            })
            .collect();
        let failures = copy_all(&copies, opts.parallel, progress);

        // 5. Clear the flags of the stored ones; delete the rows of failed copies.
        let failed: HashSet<usize> = failures.iter().map(|(i, _)| *i).collect();
        let mut done_ids = Vec::new();
        let mut failed_new_ids = Vec::new();
        let mut repromote = Vec::new();
        for c in &copies {
            let id = c.artifact.id.expect("saved");
            if !failed.contains(&c.idx) {
                done_ids.push(id);
            } else if let Plan::New { previous, .. } = &plans[c.idx] {
                failed_new_ids.push(id);
                if let Some(prev) = previous {
                    repromote.push(prev.id.expect("saved"));
                }
            }
        }
        self.transaction(|db| {
            clear_storage_ongoing(db, &done_ids)?;
            delete_rows(db, &failed_new_ids)?;
            update_is_latest(db, &repromote, true)
        })?;
        if let Some((_, err)) = failures.into_iter().next() {
            for c in copies.iter().filter(|c| failed.contains(&c.idx)) {
                if matches!(plans[c.idx], Plan::New { .. }) {
                    let _ = remove_bytes(c.store, &c.artifact);
                }
            }
            return Err(err);
        }
        // Refresh the rows whose flag was cleared.
        if !done_ids.is_empty() {
            let fresh: HashMap<i64, Artifact> =
                select_in(self, "id", done_ids.iter().map(|i| Value::Int(*i)), SqlType::BigInt, "")?
                    .into_iter()
                    .map(|a| (a.id.expect("saved"), a))
                    .collect();
            for res in results.iter_mut().flatten() {
                if let Some(f) = res.0.id.and_then(|id| fresh.get(&id)) {
                    res.0 = f.clone();
                }
            }
        }
        // Sources that repeat an earlier source's content return its artifact.
        for (idx, plan) in plans.iter().enumerate() {
            if let Plan::SameAs(first) = plan {
                let a = results[*first].as_ref().expect("earlier result").0.clone();
                results[idx] = Some((a, ArtifactOutcome::SameHash));
            }
        }
        Ok(results.into_iter().map(|r| r.expect("every source has a result")).collect())
    }

    /// Checks a source and computes its placement, suffix and hash.
    #[allow(clippy::too_many_arguments)]
    fn prepare(
        &self,
        src: &ArtifactSource,
        key: Option<String>,
        opts: &ArtifactOptions,
        storages: &[Storage],
        roots: &[Option<PathBuf>],
        target_idx: usize,
        run_id: Option<i64>,
    ) -> Result<Prepared> {
        if let Some(k) = &key {
            check_key(k)?;
        }
        let path = absolute(&src.path)?;
        let meta = std::fs::metadata(&path).map_err(|e| Error::io(&path, e))?;
        let path_str = path.to_string_lossy().into_owned();
        if path_str.contains("/.lamindb/") {
            return Err(Error::InvalidArgument(
                "Do not pass path inside the `.lamindb/` directory for non-s3/gs paths.".into(),
            ));
        }
        let (suffix, raw) = suffix::extract(&path_str);
        if let Some(k) = &key {
            let key_raw = suffix::raw(k);
            if key_raw != raw {
                return Err(Error::InvalidArgument(format!(
                    "The passed path's suffix '{raw}' must match the passed key's suffix '{key_raw}'."
                )));
            }
        }
        let inside = roots.iter().enumerate().find_map(|(i, root)| {
            let rel = path.strip_prefix(root.as_ref()?).ok()?;
            (!rel.as_os_str().is_empty()).then(|| (i, rel.to_string_lossy().into_owned()))
        });
        let (storage, in_place, key, real_key) = match inside {
            Some((i, rel)) => match key {
                None => (i, true, Some(rel), None),
                Some(k) if k == rel => (i, true, Some(k), None),
                Some(k) => (i, true, Some(k), Some(rel)),
            },
            None => (target_idx, false, key, None),
        };
        if key.is_none() && opts.description.is_none() && run_id.is_none() {
            return Err(Error::InvalidArgument("Pass one of key, run or description as a parameter".into()));
        }
        if !in_place {
            self.check_write(&storages[storage], WriteAction::CreateArtifact)?;
        }
        let lookup_hash = opts.skip_hash_lookup.map_or(!in_place, |skip| !skip);
        let mut p = Prepared {
            path: path.clone(),
            storage,
            in_place,
            key,
            real_key,
            suffix,
            hash: String::new(),
            hash_type: "md5",
            size: 0,
            files: None,
            bytes: None,
            lookup_hash,
        };
        if meta.is_dir() {
            let dh = hash::hash_dir(&path)?;
            p.hash = dh.hash;
            p.hash_type = dh.hash_type;
            p.size = dh.size;
            p.files = Some(dh.files.into_iter().map(|(rel, h)| (rel.clone(), path.join(&rel), h)).collect());
        } else if meta.len() <= SMALL_FILE && !in_place {
            let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            let h = hash::hash_bytes(&bytes);
            (p.hash, p.hash_type, p.size) = (h.hash, h.hash_type, h.size);
            p.bytes = Some(bytes);
        } else {
            let h = hash::hash_file(&path)?;
            (p.hash, p.hash_type, p.size) = (h.hash, h.hash_type, h.size);
        }
        // Empty files all share one hash: they never return an existing artifact.
        if p.files.is_none() && p.size == 0 {
            p.lookup_hash = false;
        }
        Ok(p)
    }

    /// Decides, with a few queries, what happens to each prepared source.
    fn plan(&self, prepared: &[Prepared], storages: &[Storage]) -> Result<Vec<Plan>> {
        // Non-trashed artifacts with one of the hashes, newest first.
        let hashes: Vec<Value> = prepared
            .iter()
            .filter(|p| p.lookup_hash || p.in_place || (p.size == 0 && p.key.is_none()))
            .map(|p| Value::Text(p.hash.clone()))
            .collect();
        let by_hash = select_in(
            self,
            "hash",
            dedup(hashes).into_iter(),
            SqlType::Varchar(22),
            " AND \"branch_id\" <> -1",
        )?;
        // Non-trashed artifacts with one of the keys, per storage.
        let mut by_key: Vec<Artifact> = Vec::new();
        let storage_ids: HashSet<usize> =
            prepared.iter().filter(|p| p.key.is_some()).map(|p| p.storage).collect();
        for sidx in storage_ids {
            let keys: Vec<Value> = prepared
                .iter()
                .filter(|p| p.storage == sidx)
                .filter_map(|p| p.key.clone().map(Value::Text))
                .collect();
            let sid = storages[sidx].id.expect("saved");
            let extra = format!(" AND \"branch_id\" <> -1 AND \"storage_id\" = {sid}");
            by_key.extend(select_in(self, "key", dedup(keys).into_iter(), SqlType::Varchar(1024), &extra)?);
        }
        let newest_first = |v: &mut Vec<&Artifact>| {
            v.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        };
        let mut plans = Vec::with_capacity(prepared.len());
        let mut first_of_hash: HashMap<&str, usize> = HashMap::new();
        let mut stems_needed: Vec<String> = Vec::new();
        for (idx, p) in prepared.iter().enumerate() {
            let sid = storages[p.storage].id.expect("saved");
            if p.lookup_hash {
                let mut same: Vec<&Artifact> =
                    by_hash.iter().filter(|a| a.hash.as_deref() == Some(&p.hash)).collect();
                newest_first(&mut same);
                if let Some(a) = same.first() {
                    plans.push(Plan::Existing((*a).clone()));
                    continue;
                }
                if let Some(first) = first_of_hash.get(p.hash.as_str()) {
                    plans.push(Plan::SameAs(*first));
                    continue;
                }
                first_of_hash.insert(&p.hash, idx);
            } else if p.files.is_none() && p.size == 0 && p.key.is_none() {
                // One keyless empty file per storage (the database's unique (storage, hash)).
                let same = by_hash
                    .iter()
                    .find(|a| a.hash.as_deref() == Some(&p.hash) && a.storage_id == sid && a.key.is_none());
                if let Some(a) = same {
                    plans.push(Plan::Existing(a.clone()));
                    continue;
                }
            } else if p.in_place {
                // Registering the same file in place again returns its artifact.
                let same = by_hash.iter().find(|a| {
                    a.hash.as_deref() == Some(&p.hash)
                        && a.storage_id == sid
                        && a.key == p.key
                        && a.real_key == p.real_key
                });
                if let Some(a) = same {
                    plans.push(Plan::Existing(a.clone()));
                    continue;
                }
            }
            let previous = match &p.key {
                Some(key) => {
                    let mut same_key: Vec<&Artifact> = by_key
                        .iter()
                        .filter(|a| a.key.as_deref() == Some(key) && a.storage_id == sid)
                        .collect();
                    newest_first(&mut same_key);
                    if same_key.is_empty() {
                        None
                    } else {
                        let latest = same_key.iter().find(|a| a.is_latest && a.branch_id == Some(1));
                        let latest = latest.or_else(|| same_key.iter().find(|a| a.is_latest));
                        match latest {
                            Some(a) => Some((*a).clone()),
                            None => {
                                return Err(Error::Refused(format!(
                                    "Cannot create a new artifact version: matching non-trashed artifacts exist for key '{key}' in storage '{}', but none has `is_latest=True`.",
                                    storages[p.storage].root
                                )));
                            }
                        }
                    }
                }
                None => None,
            };
            if let Some(prev) = &previous {
                stems_needed.push(prev.stem_uid().to_string());
            }
            plans.push(Plan::New { uid: String::new(), previous });
        }
        // Next version suffix per family, by decoding every suffix in the family.
        let mut next: HashMap<String, u32> = HashMap::new();
        if !stems_needed.is_empty() {
            let family = select_stems(self, &dedup_str(stems_needed))?;
            for a in family {
                if a.uid.len() == 20 {
                    let v = decode_base62(&a.uid[16..]).unwrap_or(0);
                    let e = next.entry(a.uid[..16].to_string()).or_insert(0);
                    *e = (*e).max(v + 1);
                }
            }
        }
        for plan in &mut plans {
            if let Plan::New { uid, previous } = plan {
                *uid = match previous {
                    Some(prev) => {
                        let stem = prev.stem_uid().to_string();
                        let v = next.entry(stem.clone()).or_insert(1);
                        let s = format!("{stem}{}", encode_base62(*v, 4)?);
                        *v += 1;
                        s
                    }
                    None => format!("{}0000", crate::uid::base62(16)),
                };
            }
        }
        Ok(plans)
    }
}

/// Copies every planned source, in parallel; returns the failures by source index.
fn copy_all(copies: &[CopyJob<'_>], parallel: usize, progress: &dyn Progress) -> Vec<(usize, Error)> {
    if copies.is_empty() {
        return Vec::new();
    }
    let files: u64 = copies.iter().map(|c| c.prepared.files.as_ref().map_or(1, |f| f.len() as u64)).sum();
    let bytes: u64 = copies.iter().map(|c| c.prepared.size).sum();
    progress.start(files, bytes);
    let cloud = copies.iter().any(|c| c.store.root().kind() != RootKind::Local);
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let threads = match parallel {
        0 if cloud => 8,
        0 => cores.min(4),
        n => n,
    }
    .min(copies.len());
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(c) = copies.get(i) else { break };
                    if let Err(e) = copy_one(c, progress) {
                        failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((c.idx, e));
                    }
                }
            });
        }
    });
    progress.finish();
    let mut failures = failures.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    failures.sort_by_key(|(i, _)| *i);
    failures
}

fn copy_one(c: &CopyJob<'_>, progress: &dyn Progress) -> Result<()> {
    let key = c.artifact.storage_key();
    let p = c.prepared;
    if let Some(files) = &p.files {
        // A folder replaces what is stored under its key (versions share it).
        c.store.delete_all(&key)?;
        for (rel, path, expected) in files {
            let h = c.store.put_file(&format!("{key}/{rel}"), path, &mut |n| progress.advance(n))?;
            if &h != expected {
                return Err(changed(path));
            }
            progress.file_done();
        }
        return Ok(());
    }
    if let Some(bytes) = &p.bytes {
        c.store.put_bytes(&key, bytes)?;
        progress.advance(bytes.len() as u64);
    } else if c.store.root().kind() == RootKind::Local {
        // Hashed already: the kernel copies, the size must not have changed.
        let n = c.store.copy_file(&key, &p.path, &mut |n| progress.advance(n))?;
        if n != p.size {
            return Err(changed(&p.path));
        }
    } else {
        // Uploads hash what they send, and must send what was hashed.
        let h = c.store.put_file(&key, &p.path, &mut |n| progress.advance(n))?;
        if h.hash != p.hash {
            return Err(changed(&p.path));
        }
    }
    progress.file_done();
    Ok(())
}

/// The row of a new artifact.
fn new_row(
    p: &Prepared,
    uid: &str,
    storage: &Storage,
    opts: &ArtifactOptions,
    ctx: &SaveContext,
    run_id: Option<i64>,
) -> Artifact {
    let is_dir = p.files.is_some();
    // LaminDB: a path whose last suffix (as written) is .parquet, .csv or .ipc holds a DataFrame.
    let last = p.path.extension().and_then(|e| e.to_str()).unwrap_or_default();
    let otype = matches!(last, "csv" | "parquet" | "ipc").then(|| "DataFrame".to_string());
    Artifact {
        id: None,
        uid: uid.to_string(),
        key: p.key.clone(),
        description: opts.description.clone(),
        suffix: p.suffix.clone(),
        kind: opts.kind.clone(),
        otype,
        size: Some(p.size as i64),
        hash: Some(p.hash.clone()),
        n_files: p.files.as_ref().map(|f| f.len() as i64),
        n_observations: None,
        extra_data: None,
        version_tag: None,
        is_latest: true,
        is_locked: false,
        created_at: None,
        branch_id: Some(1),
        created_on_id: Some(1),
        space_id: Some(1),
        storage_id: storage.id.expect("saved"),
        run_id,
        schema_id: None,
        created_by_id: Some(ctx.user_id),
        real_key: p.real_key.clone(),
        hash_type: Some(p.hash_type.to_string()),
        key_is_virtual: if p.in_place { p.real_key.is_some() } else { true },
        overwrite_versions: is_dir,
        aux: (!p.in_place).then(|| Json(STORAGE_ONGOING.into())),
        updated_at: None,
    }
}
