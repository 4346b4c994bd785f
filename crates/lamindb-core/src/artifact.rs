//! Artifacts: files and folders registered with their LaminDB metadata, and their bytes in storage.
//!
//! [`Instance::create_artifacts`] follows LaminDB's `Artifact(path, …).save()` for local paths:
//!
//! - a path inside a registered storage location is registered in place (real key = its path
//!   relative to the root, `_key_is_virtual = false`, nothing copied);
//! - any other path is copied into the target storage (the default one, or `storage`) at
//!   `.lamindb/<uid><suffix>` (folders at `.lamindb/<uid[:16]>`, shared by their versions);
//! - same content hash as a non-trashed artifact → that artifact is returned
//!   ("returning artifact with same hash"); same key in the same storage with new content → a
//!   new version (same 16-char stem, next base62 version suffix computed by decoding), the
//!   previous one loses `is_latest` in the same transaction;
//! - the save protocol: rows are inserted with `_aux = {"so": 1}` ("storage ongoing") in one
//!   transaction, the bytes are copied (in parallel, each source read once while it is hashed),
//!   then the flag is cleared in one `UPDATE`. A failed copy deletes its row (and restores the
//!   previous version's `is_latest`); a row left flagged by a killed process is completed by the
//!   next save of the same content.
//!
//! Every write of bytes (create, replace, delete) asks [`Instance::check_write`] first, which
//! refuses locations this instance does not manage with LaminDB's messages, before anything is
//! touched.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use lamindb_storage::hash::{self, FileHash};
use lamindb_storage::{RootKind, StorageRoot, Store, key::check_key, suffix};

use crate::db::Sql;
use crate::error::{Error, Result};
use crate::instance::Instance;
use crate::models::{Artifact, Storage};
use crate::registry::{Record, SaveContext};
use crate::storage::WriteAction;
use crate::value::{Json, SqlType, Value};

/// Prefix of virtual storage keys.
pub const AUTO_KEY_PREFIX: &str = ".lamindb/";

/// Files up to this size are read into memory once, hashed, and written from memory.
const SMALL_FILE: u64 = 256 * 1024;

/// Rows per multi-row statement (SQLite allows 32766 bind parameters; an artifact row has 30).
const ROWS_PER_STATEMENT: usize = 500;

/// The `_aux` value of a row whose bytes are being stored (LaminDB's `_storage_ongoing`).
const STORAGE_ONGOING: &str = "{\"so\": 1}";

/// Options of [`Instance::create_artifacts`].
#[derive(Clone, Debug, Default)]
pub struct ArtifactOptions {
    /// The key (a path-like name, e.g. `raw/data.csv`); for one source only.
    pub key: Option<String>,
    /// A description.
    pub description: Option<String>,
    /// The storage location to copy into: a root, id, uid or uid prefix of a registered location;
    /// the default storage when `None`.
    pub storage: Option<String>,
    /// `dataset`, `model` or free text.
    pub kind: Option<String>,
    /// The run that creates the artifacts; the instance's current run when `None`.
    pub run_id: Option<i64>,
    /// `Some(true)`: never return an existing artifact with the same hash; `Some(false)`: always
    /// look; `None`: look unless the path is registered in place (LaminDB's default).
    pub skip_hash_lookup: Option<bool>,
    /// How many copies run at the same time (0: 8 for cloud storage, else the number of cores up
    /// to 4).
    pub parallel: usize,
}

/// One path to register, with its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArtifactSource {
    /// A local file or folder.
    pub path: PathBuf,
    /// Its key, if any.
    pub key: Option<String>,
}

impl ArtifactSource {
    /// A source without key.
    pub fn new(path: impl Into<PathBuf>) -> ArtifactSource {
        ArtifactSource { path: path.into(), key: None }
    }

    /// One source per file below `dir` (LaminDB's `Artifact.from_dir`): the key of each is
    /// `<prefix>/<path relative to dir>`, where the prefix is `key_prefix` or the folder's name.
    pub fn files_of_dir(dir: &Path, key_prefix: Option<&str>) -> Result<Vec<ArtifactSource>> {
        let dir = absolute(dir)?;
        if !dir.is_dir() {
            return Err(Error::InvalidArgument(format!("{} is not a folder", dir.display())));
        }
        let prefix = match key_prefix {
            Some(p) => p.trim_end_matches('/').to_string(),
            None => dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        };
        Ok(hash::list_dir_files(&dir)?
            .into_iter()
            .map(|(rel, path)| ArtifactSource {
                path,
                key: Some(if prefix.is_empty() { rel } else { format!("{prefix}/{rel}") }),
            })
            .collect())
    }
}

/// What [`Instance::create_artifacts`] did for one source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArtifactOutcome {
    /// A new artifact; its bytes were copied into storage.
    Created,
    /// A new artifact registered in place (its path is inside a registered storage location).
    RegisteredInPlace,
    /// A new version of the artifact with the same key in the same storage.
    NewVersion {
        /// Uid of the version it revises.
        previous_uid: String,
    },
    /// An artifact with the same hash existed; it is returned ("returning artifact with same hash").
    SameHash,
    /// An artifact with the same hash existed with an interrupted upload; the upload was completed.
    Resumed,
}

/// Progress of a save: implemented by front ends (a progress bar), called from several threads.
pub trait Progress: Sync {
    /// The work ahead: files and bytes to copy.
    fn start(&self, _files: u64, _bytes: u64) {}
    /// `bytes` more were copied.
    fn advance(&self, _bytes: u64) {}
    /// One more file was copied.
    fn file_done(&self) {}
    /// All copies ended.
    fn finish(&self) {}
}

/// A [`Progress`] that shows nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

impl Artifact {
    /// The 16-character stem of the uid, shared by all versions.
    pub fn stem_uid(&self) -> &str {
        &self.uid[..self.uid.len().min(16)]
    }

    /// The key of the artifact's bytes relative to its storage root (LaminDB's
    /// `auto_storage_key_from_artifact`): `_real_key`, else `.lamindb/<uid><suffix>` for a virtual
    /// or missing key (`.lamindb/<uid[:16]><suffix>` when versions overwrite each other), else `key`.
    pub fn storage_key(&self) -> String {
        if let Some(real) = &self.real_key {
            return real.clone();
        }
        match &self.key {
            Some(key) if !self.key_is_virtual => key.clone(),
            _ => {
                let uid = if self.overwrite_versions { self.stem_uid() } else { self.uid.as_str() };
                format!("{AUTO_KEY_PREFIX}{uid}{}", self.suffix)
            }
        }
    }

    /// Whether the artifact is a folder.
    pub fn is_dir(&self) -> bool {
        self.n_files.is_some()
    }

    /// Whether the storage of its bytes was started and not completed (`_aux.so == 1`).
    pub fn storage_ongoing(&self) -> bool {
        self.aux
            .as_ref()
            .and_then(|j| serde_json::from_str::<serde_json::Value>(&j.0).ok())
            .is_some_and(|v| v.get("so").and_then(serde_json::Value::as_i64) == Some(1))
    }
}

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

    /// The storage location of an artifact.
    pub fn artifact_storage(&self, artifact: &Artifact) -> Result<Storage> {
        Storage::get_by_id(self, artifact.storage_id)
    }

    /// Where the artifact's bytes are: `<root>/<storage key>` (a local path or a URL).
    pub fn artifact_path(&self, artifact: &Artifact) -> Result<String> {
        let storage = self.artifact_storage(artifact)?;
        Ok(storage.storage_root()?.join(&artifact.storage_key()))
    }

    /// A local path with the artifact's bytes (LaminDB's `.cache()`): the file itself in local
    /// storage; otherwise a copy in the cache directory ([`cache_dir`]) at
    /// `<bucket>/<prefix>/<storage key>` (`…/<key>` for the latest version of a virtual key),
    /// downloaded unless a copy of the same size and not older than the object is there.
    pub fn cache_artifact(&self, artifact: &Artifact) -> Result<PathBuf> {
        let dir = cache_dir()?;
        self.cache_artifact_in(artifact, &dir)
    }

    /// Like [`Instance::cache_artifact`], with an explicit cache directory.
    pub fn cache_artifact_in(&self, artifact: &Artifact, cache: &Path) -> Result<PathBuf> {
        let storage = self.artifact_storage(artifact)?;
        let root = storage.storage_root()?;
        let skey = artifact.storage_key();
        if let Some(local) = root.local_path() {
            let p = local.join(&skey);
            if !p.exists() {
                return Err(Error::io(&p, std::io::Error::from(std::io::ErrorKind::NotFound)));
            }
            return Ok(p);
        }
        let store = Store::open_with_region(&root, storage.region.as_deref())?;
        let cache_key = match &artifact.key {
            Some(k) if artifact.key_is_virtual && artifact.is_latest => k.clone(),
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

    /// An artifact by LaminDB's `get(idlike)`: an integer id, a full uid, or a uid prefix (the
    /// latest version first, then any version). Trashed artifacts are found too.
    pub fn get_artifact(&self, idlike: &str) -> Result<Artifact> {
        Artifact::get(self, idlike)
    }

    /// The latest non-trashed artifact with this key (any storage), newest first.
    pub fn get_artifact_by_key(&self, key: &str) -> Result<Artifact> {
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
    pub fn replace_artifact(&self, artifact: &Artifact, path: &Path) -> Result<(Artifact, ArtifactOutcome)> {
        let storage = self.artifact_storage(artifact)?;
        self.check_write(&storage, WriteAction::UpdateArtifact)?;
        let path = absolute(path)?;
        let meta = std::fs::metadata(&path).map_err(|e| Error::io(&path, e))?;
        for s in self.storages()? {
            if let Some(root) = s.storage_root()?.local_path()
                && path.starts_with(root)
            {
                return Err(Error::InvalidArgument(format!(
                    "Can only replace with a local path not in any Storage. This data is in Storage(uid='{}', root='{}').",
                    s.uid, s.root
                )));
            }
        }
        if meta.is_dir() != artifact.is_dir() {
            return Err(Error::InvalidArgument(format!(
                "It is not allowed to replace {} with {}",
                if artifact.is_dir() { "a folder" } else { "a file" },
                if meta.is_dir() { "a folder." } else { "a file." }
            )));
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
            updated.real_key = artifact.real_key.as_deref().map(with_suffix);
            updated.suffix = new_suffix;
        }
        updated.hash = Some(hash);
        updated.hash_type = Some(hash_type.to_string());
        updated.size = Some(size as i64);
        updated.n_files = n_files;
        updated.aux = Some(Json(STORAGE_ONGOING.into()));
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
        updated.aux = None;
        crate::registry::save_with(&mut updated, self, &ctx)?;
        Ok((updated, ArtifactOutcome::Created))
    }

    /// Moves an artifact to the trash (branch −1, LaminDB's first `delete()`); when it was the
    /// latest version, the newest remaining version on its branch becomes the latest, in the same
    /// transaction. Bytes stay. Refused in a location this instance does not manage unless
    /// `keep_data`, and for an artifact already in the trash (use [`Instance::delete_artifact_permanently`]).
    pub fn trash_artifact(&self, artifact: &Artifact, keep_data: bool) -> Result<Artifact> {
        let storage = self.artifact_storage(artifact)?;
        if !keep_data {
            self.check_write(&storage, WriteAction::DeleteArtifact)?;
        }
        let id =
            artifact.id.ok_or_else(|| Error::InvalidArgument("this Artifact record is not saved".into()))?;
        if artifact.branch_id == Some(-1) {
            return Err(Error::Refused(format!(
                "Artifact {} is already in trash: delete it permanently (`permanent`, `--permanent`)",
                artifact.uid
            )));
        }
        let branch = artifact.branch_id.unwrap_or(1);
        let stem = artifact.stem_uid().to_string();
        let was_latest = artifact.is_latest;
        self.transaction(|db| {
            let mut sql = db.sql();
            sql.push("UPDATE \"lamindb_artifact\" SET \"branch_id\" = -1, \"is_latest\" = ");
            sql.bind(Value::Bool(false), SqlType::Bool).push(", \"updated_at\" = ");
            sql.now().push(" WHERE \"id\" = ").bind(Value::Int(id), SqlType::BigInt);
            db.execute(&sql)?;
            if was_latest {
                crate::records::promote_newest(db, Artifact::REGISTRY, &stem, branch, id)?;
            }
            Ok(())
        })?;
        self.get_artifact(&artifact.uid)
    }

    /// Brings an artifact back from the trash to the main branch; it becomes the latest version
    /// when it is the newest one there.
    pub fn restore_artifact(&self, artifact: &Artifact) -> Result<Artifact> {
        let id =
            artifact.id.ok_or_else(|| Error::InvalidArgument("this Artifact record is not saved".into()))?;
        let stem = artifact.stem_uid().to_string();
        self.transaction(|db| {
            let mut sql = db.sql();
            sql.push("UPDATE \"lamindb_artifact\" SET \"branch_id\" = 1, \"updated_at\" = ");
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
        self.get_artifact(&artifact.uid)
    }

    /// Deletes an artifact for good (LaminDB's `delete(permanent=True, storage=…)`), never asking:
    /// the record first (all versions for the latest version of a folder whose versions share one
    /// store), then the bytes — removed for a virtual key unless `delete_data == Some(false)`,
    /// kept for a real key unless `delete_data == Some(true)`, always kept for an older version of
    /// a shared store. Returns what remains in storage, if anything (`a file/folder remains here`).
    pub fn delete_artifact_permanently(
        &self,
        artifact: &Artifact,
        delete_data: Option<bool>,
    ) -> Result<Option<String>> {
        let storage = self.artifact_storage(artifact)?;
        if delete_data != Some(false) {
            self.check_write(&storage, WriteAction::DeleteArtifact)?;
        }
        let id =
            artifact.id.ok_or_else(|| Error::InvalidArgument("this Artifact record is not saved".into()))?;
        let stem = artifact.stem_uid().to_string();
        let path = storage.storage_root()?.join(&artifact.storage_key());
        let all_versions = artifact.overwrite_versions && artifact.is_latest;
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
        let delete_bytes = if artifact.overwrite_versions && !artifact.is_latest {
            false
        } else if artifact.key.is_none() || (artifact.key_is_virtual && artifact.real_key.is_none()) {
            delete_data != Some(false)
        } else {
            delete_data == Some(true)
        };
        if !delete_bytes {
            return Ok(Some(path));
        }
        let store = Store::open_with_region(&storage.storage_root()?, storage.region.as_deref())?;
        remove_bytes(&store, artifact)?;
        Ok(None)
    }
}

/// The absolute form of a local path (relative to the working directory), without resolving
/// symlinks beyond what exists (as LaminDB's `Path.resolve()`).
fn absolute(path: &Path) -> Result<PathBuf> {
    match path.canonicalize() {
        Ok(p) => Ok(p),
        Err(e) => Err(Error::io(path, e)),
    }
}

fn changed(path: &Path) -> Error {
    Error::Refused(format!("{} changed while it was saved: save it again", path.display()))
}

/// The cache directory: `$LAMIN_CACHE_DIR`, else `$XDG_CACHE_HOME/lamindb`, else
/// `~/.cache/lamindb` (LaminDB's platformdirs default on Linux).
pub fn cache_dir() -> Result<PathBuf> {
    let var = |n: &str| std::env::var_os(n).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = var("LAMIN_CACHE_DIR") {
        if !dir.is_absolute() {
            return Err(Error::InvalidArgument("LAMIN_CACHE_DIR must be a valid absolute path.".into()));
        }
        return Ok(dir);
    }
    if let Some(dir) = var("XDG_CACHE_HOME") {
        return Ok(dir.join("lamindb"));
    }
    match var("HOME") {
        Some(home) => Ok(home.join(".cache").join("lamindb")),
        None => Err(Error::InvalidArgument("cannot find the cache directory: set LAMIN_CACHE_DIR".into())),
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

/// Removes an artifact's bytes (a folder recursively); missing bytes are fine.
fn remove_bytes(store: &Store, artifact: &Artifact) -> Result<()> {
    let key = artifact.storage_key();
    if artifact.is_dir() {
        store.delete_all(&key)?;
    } else {
        store.delete(&key)?;
    }
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

fn select_sql(db: &Instance) -> Sql {
    let mut sql = db.sql();
    sql.push("SELECT ");
    Artifact::REGISTRY.push_columns(&mut sql);
    sql.push(" FROM \"lamindb_artifact\"");
    sql
}

fn load(db: &Instance, sql: &Sql) -> Result<Vec<Artifact>> {
    db.query(sql)?.into_iter().map(Artifact::from_row).collect()
}

/// Artifacts whose `column` is one of `values` (in chunks), with an extra SQL condition.
fn select_in(
    db: &Instance,
    column: &str,
    values: impl Iterator<Item = Value>,
    ty: SqlType,
    extra: &str,
) -> Result<Vec<Artifact>> {
    let values: Vec<Value> = values.collect();
    let mut out = Vec::new();
    for chunk in values.chunks(ROWS_PER_STATEMENT) {
        let mut sql = select_sql(db);
        sql.push(" WHERE ").ident(column).push(" IN (");
        for (i, v) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(v.clone(), ty);
        }
        sql.push(")").push(extra);
        out.extend(load(db, &sql)?);
    }
    Ok(out)
}

/// All artifacts (any branch) whose uid starts with one of the 16-character stems.
fn select_stems(db: &Instance, stems: &[String]) -> Result<Vec<Artifact>> {
    let mut out = Vec::new();
    for chunk in stems.chunks(ROWS_PER_STATEMENT) {
        let mut sql = select_sql(db);
        sql.push(" WHERE SUBSTR(\"uid\", 1, 16) IN (");
        for (i, s) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(Value::Text(s.clone()), SqlType::Text);
        }
        sql.push(")");
        out.extend(load(db, &sql)?);
    }
    Ok(out)
}

/// Inserts rows with multi-row `INSERT … RETURNING`; the saved rows by uid.
fn insert_rows<'a>(
    db: &Instance,
    rows: impl Iterator<Item = &'a Artifact>,
) -> Result<HashMap<String, Artifact>> {
    let reg = Artifact::REGISTRY;
    let rows: Vec<&Artifact> = rows.collect();
    let columns: Vec<usize> = reg
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| !matches!(f.name, "id" | "created_at" | "updated_at"))
        .map(|(i, _)| i)
        .collect();
    let mut out = HashMap::with_capacity(rows.len());
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut sql = db.sql();
        sql.push("INSERT INTO \"lamindb_artifact\" (");
        for (n, i) in columns.iter().enumerate() {
            if n > 0 {
                sql.push(", ");
            }
            sql.ident(reg.fields[*i].name);
        }
        sql.push(") VALUES ");
        for (r, a) in chunk.iter().enumerate() {
            if r > 0 {
                sql.push(", ");
            }
            sql.push("(");
            let values = a.values();
            for (n, i) in columns.iter().enumerate() {
                if n > 0 {
                    sql.push(", ");
                }
                sql.bind(values[*i].clone(), reg.fields[*i].ty);
            }
            sql.push(")");
        }
        sql.push(" RETURNING ");
        reg.push_columns(&mut sql);
        for a in load(db, &sql)? {
            out.insert(a.uid.clone(), a);
        }
    }
    Ok(out)
}

fn push_ids(sql: &mut Sql, ids: &[i64]) {
    sql.push(" WHERE \"id\" IN (");
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(Value::Int(*id), SqlType::BigInt);
    }
    sql.push(")");
}

fn update_is_latest(db: &Instance, ids: &[i64], latest: bool) -> Result<()> {
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        let mut sql = db.sql();
        sql.push("UPDATE \"lamindb_artifact\" SET \"is_latest\" = ").bind(Value::Bool(latest), SqlType::Bool);
        push_ids(&mut sql, chunk);
        db.execute(&sql)?;
    }
    Ok(())
}

fn clear_storage_ongoing(db: &Instance, ids: &[i64]) -> Result<()> {
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        let mut sql = db.sql();
        sql.push("UPDATE \"lamindb_artifact\" SET \"_aux\" = NULL, \"updated_at\" = ");
        sql.now();
        push_ids(&mut sql, chunk);
        db.execute(&sql)?;
    }
    Ok(())
}

fn delete_rows(db: &Instance, ids: &[i64]) -> Result<()> {
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        let mut sql = db.sql();
        sql.push("DELETE FROM \"lamindb_artifact\"");
        push_ids(&mut sql, chunk);
        db.execute(&sql)?;
    }
    Ok(())
}

fn dedup(values: Vec<Value>) -> Vec<Value> {
    let mut seen = HashSet::new();
    values.into_iter().filter(|v| seen.insert(v.to_string())).collect()
}

fn dedup_str(values: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    values.into_iter().filter(|v| seen.insert(v.clone())).collect()
}

/// Decodes a base62 string (LaminDB's alphabet).
pub fn decode_base62(s: &str) -> Option<u32> {
    s.bytes().try_fold(0u32, |n, b| {
        let d = crate::uid::BASE62.iter().position(|c| *c == b)? as u32;
        n.checked_mul(62)?.checked_add(d)
    })
}

/// Encodes `n` in base62 with exactly `width` digits.
pub fn encode_base62(mut n: u32, width: usize) -> Result<String> {
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = crate::uid::BASE62[(n % 62) as usize];
        n /= 62;
    }
    if n > 0 {
        return Err(Error::Refused("no version suffix left in this artifact family".into()));
    }
    Ok(String::from_utf8(out).expect("ASCII"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_suffixes_decode_and_cross_the_case_boundary() {
        assert_eq!(decode_base62("0000"), Some(0));
        assert_eq!(encode_base62(1, 4).unwrap(), "0001");
        let z = decode_base62("000Z").unwrap();
        assert_eq!(encode_base62(z + 1, 4).unwrap(), "000a");
        assert_eq!(encode_base62(decode_base62("000z").unwrap() + 1, 4).unwrap(), "0010");
        assert!(encode_base62(62u32.pow(4), 4).is_err());
        assert_eq!(decode_base62("00-0"), None);
    }

    #[test]
    fn storage_keys() {
        let mut a =
            Artifact { uid: "abcdefghijklmnop0001".into(), suffix: ".csv".into(), ..Default::default() };
        a.key_is_virtual = true;
        assert_eq!(a.storage_key(), ".lamindb/abcdefghijklmnop0001.csv");
        a.key = Some("raw/x.csv".into());
        assert_eq!(a.storage_key(), ".lamindb/abcdefghijklmnop0001.csv");
        a.key_is_virtual = false;
        assert_eq!(a.storage_key(), "raw/x.csv");
        a.real_key = Some("elsewhere/x.csv".into());
        assert_eq!(a.storage_key(), "elsewhere/x.csv");
        let folder = Artifact {
            uid: "abcdefghijklmnop0003".into(),
            key_is_virtual: true,
            overwrite_versions: true,
            n_files: Some(2),
            ..Default::default()
        };
        assert_eq!(folder.storage_key(), ".lamindb/abcdefghijklmnop");
        assert!(folder.is_dir());
        let flagged = Artifact { aux: Some(Json(STORAGE_ONGOING.into())), ..Default::default() };
        assert!(flagged.storage_ongoing());
        assert!(!Artifact::default().storage_ongoing());
    }
}
