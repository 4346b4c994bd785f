//! Steps 3 to 5 of the save pipeline, LaminDB's save protocol: the new rows inserted flagged
//! "storage ongoing" in one transaction, the bytes copied in parallel, then one `UPDATE` clearing
//! the flags (failed copies delete their rows and restore the previous version's `is_latest`).

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use lamindb_storage::{RootKind, Store};

use super::lifecycle::remove_bytes;
use super::plan::Plan;
use super::prepare::{Prepared, SaveEnv};
use super::sql::*;
use super::*;
use crate::models::Storage;
use crate::pool::Instance;
use crate::registry::{SQLRecord, SaveContext};
use crate::statcache::FileStat;
use crate::storage::WriteAction;

/// One copy to do: the row, its storage, and the source.
struct CopyJob<'a> {
    idx: usize,
    artifact: Artifact,
    store: &'a Store,
    prepared: &'a Prepared,
}

impl Instance {
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
                res.0.aux = crate::value::Internal(None);
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
        real_key: crate::value::Internal(p.real_key.clone()),
        hash_type: crate::value::Internal(Some(p.hash_type.to_string())),
        key_is_virtual: if p.in_place {
            crate::value::Internal(p.real_key.is_some())
        } else {
            crate::value::Internal(true)
        },
        overwrite_versions: crate::value::Internal(is_dir),
        aux: crate::value::Internal((!p.in_place).then(|| Json(STORAGE_ONGOING.into()))),
        updated_at: None,
    }
}
