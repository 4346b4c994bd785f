//! The save pipeline of artifacts: check, place and hash every source; plan (dedup by hash, new
//! versions by key); insert the rows flagged "storage ongoing"; copy the bytes in parallel; clear
//! the flags (see the module docs of [`crate::artifact`]).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::SystemTime;

use rayon::prelude::*;

use lamindb_storage::hash::{self, FileHash};
use lamindb_storage::key::{check_key, relative_key};
use lamindb_storage::{RootKind, Store, suffix};

use super::lifecycle::remove_bytes;
use super::paths::{resolve, split_name};
use super::sql::*;
use super::*;
use crate::instance::Instance;
use crate::models::Storage;
use crate::registry::{SQLRecord, SaveContext};
use crate::statcache::{FileStat, StatCache};
use crate::storage::WriteAction;
use crate::uid::{decode_base62, encode_base62};
use crate::value::{SqlType, Value};

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

/// What happens to a prepared source.
#[derive(Debug)]
enum Plan {
    /// Insert a new row; `previous` is the version it revises.
    New { uid: String, previous: Option<Artifact> },
    /// Return this existing artifact.
    Existing(Artifact),
    /// An existing artifact, moved into the results.
    Returned,
    /// Return the artifact of an earlier source of the same batch.
    SameAs(usize),
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
    stat_cache: Option<StatCache>,
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
    pub(crate) fn create_artifact(
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
    pub(crate) fn create_artifacts(
        &self,
        sources: &[ArtifactSource],
        opts: &ArtifactOptions,
        progress: &dyn Progress,
    ) -> Result<Vec<(Artifact, ArtifactOutcome)>> {
        let out = self.save_batch(sources, opts, progress);
        progress.finish();
        out
    }

    /// Creates (or finds) the artifacts of a stream of sources, such as
    /// [`ArtifactSource::walk_dir`]'s, in batches: memory stays flat however many files there
    /// are. `each` sees every result in order; the totals are returned.
    ///
    /// Each batch is saved as [`Artifact::create_many`](crate::Artifact::create_many) saves it. When a batch fails, the
    /// batches before it stay saved, and saving the same sources again completes the work.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init(&settings, &opts)?;
    /// use lamindb_core::{Artifact, ArtifactOptions, ArtifactSource, NoProgress};
    ///
    /// let dir = tmp.path().join("images");
    /// std::fs::create_dir_all(dir.join("a"))?;
    /// std::fs::write(dir.join("a/1.txt"), "one")?;
    /// std::fs::write(dir.join("2.txt"), "two")?;
    /// let sources = ArtifactSource::walk_dir(&dir, None)?;
    /// let mut keys = Vec::new();
    /// let summary = Artifact::save_streamed(&inst, sources, &ArtifactOptions::default(), &NoProgress, |a, _| {
    ///     keys.push(a.key.clone().unwrap_or_default());
    ///     Ok(())
    /// })?;
    /// assert_eq!(summary.created, 2);
    /// assert_eq!(keys, ["images/2.txt", "images/a/1.txt"]);
    /// # Ok(()) }
    /// ```
    pub(crate) fn create_artifacts_streamed(
        &self,
        sources: impl IntoIterator<Item = Result<ArtifactSource>>,
        opts: &ArtifactOptions,
        progress: &dyn Progress,
        mut each: impl FnMut(&Artifact, &ArtifactOutcome) -> Result<()>,
    ) -> Result<SaveSummary> {
        if opts.key.is_some() {
            return Err(Error::InvalidOptions {
                message: "a key names one artifact: give each source its own key".into(),
            });
        }
        let size = if opts.batch == 0 { BATCH } else { opts.batch };
        let mut sources = sources.into_iter();
        let mut summary = SaveSummary::default();
        // A pipeline of two: while batch k is planned, inserted and copied here, batch k + 1 is
        // checked and hashed on another thread.
        let result = (|| {
            let env = self.save_env(opts)?;
            std::thread::scope(|scope| {
                let mut pending: Option<std::thread::ScopedJoinHandle<'_, Result<Vec<Prepared>>>> = None;
                loop {
                    let mut batch = Vec::with_capacity(size.min(1024));
                    let mut failed = None;
                    while batch.len() < size {
                        match sources.next() {
                            Some(Ok(src)) => batch.push(src),
                            Some(Err(e)) => {
                                failed = Some(e);
                                break;
                            }
                            None => break,
                        }
                    }
                    let env = &env;
                    let next = (!batch.is_empty() && failed.is_none())
                        .then(|| scope.spawn(move || self.prepare_batch(env, &batch, opts, progress)));
                    if let Some(job) = pending.take() {
                        let prepared = job.join().unwrap_or_else(|p| std::panic::resume_unwind(p))?;
                        for (a, outcome) in self.commit_prepared(env, &prepared, opts, progress)? {
                            summary.count(&outcome);
                            each(&a, &outcome)?;
                        }
                    }
                    if let Some(e) = failed {
                        return Err(e);
                    }
                    match next {
                        Some(job) => pending = Some(job),
                        None => return Ok(summary),
                    }
                }
            })
        })();
        progress.finish();
        result
    }

    fn save_batch(
        &self,
        sources: &[ArtifactSource],
        opts: &ArtifactOptions,
        progress: &dyn Progress,
    ) -> Result<Vec<(Artifact, ArtifactOutcome)>> {
        if opts.key.is_some() && sources.len() != 1 {
            return Err(Error::InvalidOptions {
                message: "a key names one artifact: pass one path with a key, or one key per path".into(),
            });
        }
        let env = self.save_env(opts)?;
        let prepared = self.prepare_batch(&env, sources, opts, progress)?;
        self.commit_prepared(&env, &prepared, opts, progress)
    }

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
    fn prepare_batch(
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

    /// Steps 2 to 5 of a save, for sources checked, placed and hashed (local files, or cloud
    /// objects registered in place): plan, insert, copy, clear the flags.
    pub(super) fn commit_prepared(
        &self,
        env: &SaveEnv,
        prepared: &[Prepared],
        opts: &ArtifactOptions,
        progress: &dyn Progress,
    ) -> Result<Vec<(Artifact, ArtifactOutcome)>> {
        let (storages, ctx, run_id) = (&env.storages, &env.ctx, env.run_id);
        // 2. Look up existing hashes and keys, decide uids and versions; 3. insert the new rows
        // (flagged when bytes are to be copied), all in one write transaction. Should another
        // process still insert the same content or version first, the unique constraint refuses
        // our insert, and a new plan adopts what the other process saved.
        // Outside a caller's transaction, the lookups of a large batch read half of their values
        // on a second connection at once: it sees what the transaction sees, as nothing is
        // written before the plan.
        let spare = self.pinned().is_none().then(|| self.unpinned());
        // Held from the insert of the flagged rows until their flags are cleared: `doctor --fix`
        // and a database move see the save in progress (the `lease` module).
        let _lease = self.writer_lease()?;
        let mut attempt = 0;
        let (mut plans, rows, inserted) = loop {
            // The plan reads and the insert run in one write transaction with the table's writers
            // serialised, so that two processes saving the same content at once cannot both
            // miss each other's row.
            let saved = self.transaction(|db| -> Result<_> {
                db.lock_for_writers(Artifact::REGISTRY.table)?;
                let plans = db.plan(prepared, storages, spare.as_ref())?;
                let mut rows: Vec<(usize, Artifact)> = Vec::new();
                let mut demote: Vec<i64> = Vec::new();
                for (idx, (p, plan)) in prepared.iter().zip(&plans).enumerate() {
                    if let Plan::New { uid, previous } = plan {
                        if let Some(prev) = previous {
                            demote.push(prev.id.expect("saved"));
                        }
                        rows.push((idx, new_row(p, uid, &storages[p.storage], opts, ctx, run_id)));
                    }
                }
                update_is_latest(db, &demote, false)?;
                let inserted = insert_rows(db, rows.iter().map(|(_, a)| a))?;
                Ok((plans, rows, inserted))
            });
            match saved {
                Ok(saved) => break saved,
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
                .ok_or_else(|| Error::decode(format!("the insert of artifact {} returned no row", a.uid)))?;
            let outcome = match &plans[*idx] {
                Plan::New { previous: Some(prev), .. } => {
                    ArtifactOutcome::NewVersion { previous_uid: prev.uid.clone() }
                }
                _ if prepared[*idx].in_place => ArtifactOutcome::RegisteredInPlace,
                _ => ArtifactOutcome::Created,
            };
            results[*idx] = Some((saved, outcome));
        }
        for (idx, plan) in plans.iter_mut().enumerate() {
            if matches!(plan, Plan::Existing(_)) {
                let Plan::Existing(a) = std::mem::replace(plan, Plan::Returned) else { unreachable!() };
                let outcome =
                    if a.storage_ongoing() { ArtifactOutcome::Resumed } else { ArtifactOutcome::SameHash };
                results[idx] = Some((a, outcome));
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
        // Microseconds: what both backends keep of a timestamp.
        let cleared_at = chrono::DateTime::from_timestamp_micros(chrono::Utc::now().timestamp_micros())
            .expect("now is a valid timestamp");
        self.transaction(|db| {
            clear_storage_ongoing(db, &done_ids, cleared_at)?;
            delete_rows(db, &failed_new_ids)?;
            update_is_latest(db, &repromote, true)
        })?;
        // A file whose stored bytes did not hash as planned is hashed afresh next time, whatever
        // the stat cache remembers of it.
        if let Some(cache) = &env.stat_cache {
            let changed: Vec<&str> = failures
                .iter()
                .filter(|(_, e)| matches!(e, Error::Refused(crate::Refusal::ChangedWhileSaving { .. })))
                .filter_map(|(i, _)| prepared[*i].path.to_str())
                .collect();
            if !changed.is_empty() {
                cache.forget(&changed);
            }
        }
        if let Some((_, err)) = failures.into_iter().next() {
            for c in copies.iter().filter(|c| failed.contains(&c.idx)) {
                if matches!(plans[c.idx], Plan::New { .. }) {
                    let _ = remove_bytes(c.store, &c.artifact);
                }
            }
            return Err(err);
        }
        // The rows whose flag was cleared, as the database now has them.
        let done: HashSet<i64> = done_ids.iter().copied().collect();
        for res in results.iter_mut().flatten() {
            if res.0.id.is_some_and(|id| done.contains(&id)) {
                res.0.aux = None;
                res.0.updated_at = Some(cleared_at);
            }
        }
        // Sources that repeat an earlier source's content return its artifact.
        for (idx, plan) in plans.iter().enumerate() {
            if let Plan::SameAs(first) = plan {
                let a = results[*first].as_ref().expect("earlier result").0.clone();
                results[idx] = Some((a, ArtifactOutcome::SameHash));
            }
        }
        let results: Vec<(Artifact, ArtifactOutcome)> =
            results.into_iter().map(|r| r.expect("every source has a result")).collect();
        if let Some(run) = run_id {
            // Artifacts returned by dedup record the run that made them again (LaminDB's
            // `recreating_runs`).
            let again: Vec<(i64, Option<i64>)> = results
                .iter()
                .filter(|(_, o)| matches!(o, ArtifactOutcome::SameHash | ArtifactOutcome::Resumed))
                .filter_map(|(a, _)| a.id.map(|id| (id, a.run_id)))
                .collect();
            self.link_recreating_run(run, &again)?;
        }
        Ok(results)
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

    /// Decides, with a few queries, what happens to each prepared source (`spare`: a second
    /// connection for the lookups, see [`select_in`]).
    fn plan(
        &self,
        prepared: &[Prepared],
        storages: &[Storage],
        spare: Option<&Instance>,
    ) -> Result<Vec<Plan>> {
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
            spare,
        )?;
        // Index the rows by hash and by (storage, key), newest first: one pass, not one per source.
        let newest_first = |a: &Artifact, b: &Artifact| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id));
        // Rows by position in `by_hash`: a row the plan returns is moved out of it at the end
        // rather than copied (a re-save returns every row it reads).
        let mut hash_index: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, a) in by_hash.iter().enumerate() {
            if let Some(h) = a.hash.as_deref() {
                hash_index.entry(h).or_default().push(i);
            }
        }
        hash_index.values_mut().for_each(|v| v.sort_by(|&a, &b| newest_first(&by_hash[a], &by_hash[b])));
        // (plan index, row index) of the plans returning an existing row; their plans are
        // placeholders until the rows are moved in below.
        let mut existing: Vec<(usize, usize)> = Vec::new();
        // Non-trashed artifacts with one of the keys, per storage: for the sources that the hash
        // lookup did not settle (a re-save of unchanged files reads each row once).
        let settled = |p: &Prepared| p.lookup_hash && hash_index.contains_key(p.hash.as_str());
        let mut by_key: Vec<Artifact> = Vec::new();
        let storage_ids: HashSet<usize> =
            prepared.iter().filter(|p| p.key.is_some() && !settled(p)).map(|p| p.storage).collect();
        for sidx in storage_ids {
            let keys: Vec<Value> = prepared
                .iter()
                .filter(|p| p.storage == sidx && !settled(p))
                .filter_map(|p| p.key.clone().map(Value::Text))
                .collect();
            let sid = storages[sidx].id.expect("saved");
            let extra = format!(" AND \"branch_id\" <> -1 AND \"storage_id\" = {sid}");
            by_key.extend(select_in(
                self,
                "key",
                dedup(keys).into_iter(),
                SqlType::Varchar(1024),
                &extra,
                spare,
            )?);
        }
        let mut key_index: HashMap<(i64, &str), Vec<&Artifact>> = HashMap::new();
        for a in &by_key {
            if let Some(k) = a.key.as_deref() {
                key_index.entry((a.storage_id, k)).or_default().push(a);
            }
        }
        key_index.values_mut().for_each(|v| v.sort_by(|a, b| newest_first(a, b)));
        let mut plans = Vec::with_capacity(prepared.len());
        let mut first_of_hash: HashMap<&str, usize> = HashMap::new();
        let mut stems_needed: Vec<String> = Vec::new();
        for (idx, p) in prepared.iter().enumerate() {
            let sid = storages[p.storage].id.expect("saved");
            let same_hash = hash_index.get(p.hash.as_str()).map(Vec::as_slice).unwrap_or_default();
            let mut same_hash_rows = same_hash.iter().map(|&i| (i, &by_hash[i]));
            if p.lookup_hash {
                if let Some(&i) = same_hash.first() {
                    existing.push((idx, i));
                    plans.push(Plan::Returned);
                    continue;
                }
                if let Some(first) = first_of_hash.get(p.hash.as_str()) {
                    plans.push(Plan::SameAs(*first));
                    continue;
                }
                first_of_hash.insert(&p.hash, idx);
            } else if p.files.is_none() && p.size == 0 && p.key.is_none() {
                // One keyless empty file per storage (the database's unique (storage, hash)).
                if let Some((i, _)) = same_hash_rows.find(|(_, a)| a.storage_id == sid && a.key.is_none()) {
                    existing.push((idx, i));
                    plans.push(Plan::Returned);
                    continue;
                }
            } else if p.in_place {
                // Registering the same file in place again returns its artifact.
                let same = same_hash_rows
                    .find(|(_, a)| a.storage_id == sid && a.key == p.key && a.real_key == p.real_key);
                if let Some((i, _)) = same {
                    existing.push((idx, i));
                    plans.push(Plan::Returned);
                    continue;
                }
            }
            let previous = match &p.key {
                Some(key) => {
                    let same_key = key_index.get(&(sid, key.as_str())).map(Vec::as_slice).unwrap_or_default();
                    if same_key.is_empty() {
                        None
                    } else {
                        let latest = same_key.iter().find(|a| a.is_latest && a.branch_id == Some(1));
                        let latest = latest.or_else(|| same_key.iter().find(|a| a.is_latest));
                        match latest {
                            Some(a) => Some((*a).clone()),
                            None => {
                                return Err(Error::Refused(crate::Refusal::NoLatestVersion {
                                    key: key.to_string(),
                                    root: storages[p.storage].root.clone(),
                                }));
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
        // The returned rows, moved into their plans: the last plan of a row takes it, earlier
        // ones (sources of the same content) take copies.
        drop(hash_index);
        let mut uses = vec![0usize; by_hash.len()];
        existing.iter().for_each(|&(_, i)| uses[i] += 1);
        let mut rows: Vec<Option<Artifact>> = by_hash.into_iter().map(Some).collect();
        for (pi, i) in existing {
            uses[i] -= 1;
            let row = if uses[i] == 0 { rows[i].take() } else { rows[i].clone() };
            plans[pi] = Plan::Existing(row.expect("a row is taken by its last plan only"));
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
                    None => format!("{}0000", crate::uid::time_ordered_stem()),
                };
            }
        }
        Ok(plans)
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
    } else if c.store.root().kind() == RootKind::Local && p.stat_settled {
        // Hashed already, and not written to since before the hashing began: the kernel copies,
        // and `stat` must say the same after the copy (a write in between changes its times).
        c.store.copy_file(&key, &p.path, &mut |n| progress.advance(n))?;
        let after = std::fs::metadata(&p.path).map_err(|e| Error::io(&p.path, e))?;
        if p.stat != Some(FileStat::of(&after)) {
            return Err(changed(&p.path));
        }
    } else {
        // The copy hashes what it stores, which must be what was hashed before: a file written
        // to since (even at the same size; or written so recently that its times cannot tell)
        // fails the save instead of being recorded with a hash its stored bytes do not have.
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
