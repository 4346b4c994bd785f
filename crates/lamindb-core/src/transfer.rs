//! Transfer: records of another instance saved into this one, as LaminDB transfers them. The
//! metadata is copied (same uid, hash, key, size, suffix, `created_at`); the bytes are not: an
//! artifact keeps pointing at its source's storage location, which becomes a *linked* Storage
//! record here (same uid and root, the source's `instance_uid`, so this instance never writes
//! there). Related records are matched by natural key — Storage by `root`, User, Space and Branch
//! by `uid`, ULabel, Project, Record and Feature by `uid`, else by `name` — and copied when
//! missing. Labels (ULabels, Projects, Records with their features) and feature values travel
//! with the artifacts. The provenance is LaminDB's: a transform
//! `__lamindb_transfer__/<source instance uid>` (uid `<source instance uid>0000`, kind
//! `function`) and one run of it per initiating run, which every transferred record points to.
//!
//! A record whose uid exists here already is returned as it is ("already present"), so a
//! second transfer changes nothing. Only the latest version of an artifact can be transferred,
//! as in LaminDB. Everything of one call happens in one transaction.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let tmp = tempfile::tempdir()?;
//! # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
//! # let init = |d: &str| lamindb_core::InitOptions { storage: tmp.path().join(d).display().to_string(), ..Default::default() };
//! use lamindb_core::{Artifact, Instance};
//!
//! let (lab, _) = Instance::init_in(&settings, &init("lab"))?;
//! let (mine, _) = Instance::init_in(&settings, &init("mine"))?;
//! std::fs::write(tmp.path().join("x.csv"), "a\n1\n")?;
//! let art = Artifact::from_path(tmp.path().join("x.csv")).key("x.csv").save(&lab)?;
//!
//! let summary = mine.transfer_from(&lab).artifacts(&[art.clone()])?;
//! assert_eq!(summary.transferred[0].uid, art.uid);
//! assert_eq!(summary.transferred[0].cache(&mine)?, art.cache(&lab)?);
//! // Again: nothing new.
//! assert_eq!(mine.transfer_from(&lab).artifacts(&[art])?.already_present.len(), 1);
//! # Ok(()) }
//! ```

mod handle;
mod labels;
mod map;

use std::collections::{HashMap, HashSet};

use chrono::Utc;

use crate::error::{Error, Result};
use crate::models::{Artifact, Collection, Run, Transform, artifact, run, tables};
use crate::pool::Instance;
use crate::registry::{SQLRecord, TransferPolicy};
use crate::track::RunStatus;
use crate::value::{SqlType, Value};

pub use handle::TransferFrom;

/// Rows per `IN (…)` list.
const CHUNK: usize = 5_000;

/// What [`TransferFrom::artifacts`] and [`TransferFrom::records`] did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TransferSummary<R = Artifact> {
    /// Records created here, as saved (new ids, the source's uids).
    pub transferred: Vec<R>,
    /// Records whose uid was here already: this instance's records, unchanged.
    pub already_present: Vec<R>,
    /// Related records created along (linked storage locations, users, labels, features), as
    /// `(registry, uid)`.
    pub related: Vec<(String, String)>,
    /// The transfer run every new record points to (`None` when nothing was transferred).
    pub run: Option<Run>,
}

impl Instance {
    /// Transfers `artifacts`, read from `source`, into this instance: the metadata with labels
    /// and feature values, not the bytes (see the [module documentation](self)). Returns which
    /// were created and which were present already.
    pub(crate) fn transfer_artifacts(
        &self,
        source: &Instance,
        artifacts: &[Artifact],
    ) -> Result<TransferSummary> {
        check_sources(self, source)?;
        check_latest(artifacts)?;
        let ctx = self.save_context()?;
        self.transaction(|tx| {
            let mut t = Transfer::new(tx, source, ctx.run_id);
            let (transferred, already_present, _) = t.artifacts(artifacts)?;
            t.finish(TransferSummary { transferred, already_present, ..Default::default() })
        })
    }

    /// Transfers `collections`, read from `source`, into this instance with their artifacts
    /// (transferred as [`TransferFrom::artifacts`] does, in the collection's order).
    pub(crate) fn transfer_collections(
        &self,
        source: &Instance,
        collections: &[Collection],
    ) -> Result<TransferSummary<Collection>> {
        check_sources(self, source)?;
        let mut members = Vec::with_capacity(collections.len());
        for c in collections {
            if !c.is_latest {
                return Err(not_latest("Collection", &c.uid));
            }
            let artifacts = source.collection_artifacts(c)?;
            check_latest(&artifacts)?;
            members.push(artifacts);
        }
        let ctx = self.save_context()?;
        self.transaction(|tx| {
            let mut t = Transfer::new(tx, source, ctx.run_id);
            let mut summary = TransferSummary { transferred: Vec::new(), ..Default::default() };
            for (c, artifacts) in collections.iter().zip(&members) {
                let (_, _, ids) = t.artifacts(artifacts)?;
                let (id, created) = t.map_row(Collection::REGISTRY, c.values())?;
                if created {
                    let members = artifacts.iter().map(|a| vec![Value::Int(ids[&a.uid]), Value::Int(id)]);
                    let columns = [("artifact_id", SqlType::Int), ("collection_id", SqlType::Int)];
                    t.insert_links(tables::COLLECTION_ARTIFACT, &columns, members)?;
                }
                summary.add(tx, id, created)?;
            }
            t.finish(summary)
        })
    }

    /// Transfers records of a registry without bytes (ULabel, Project, Record, Reference,
    /// Feature, Transform, …), read from `source`, into this instance: the same uid, related
    /// records matched by natural key or copied, `run_id` the transfer run.
    pub(crate) fn transfer_records<R: SQLRecord>(
        &self,
        source: &Instance,
        records: &[R],
    ) -> Result<TransferSummary<R>> {
        check_sources(self, source)?;
        let reg = R::REGISTRY;
        if reg.uid_len.is_none() {
            return Err(Error::Unsupported {
                registry: reg.name,
                field: None,
                message: format!("{} records have no uid and cannot be transferred", reg.name),
            });
        }
        if let TransferPolicy::Own(message) = reg.transfer {
            return Err(Error::Unsupported { registry: reg.name, field: None, message: message.into() });
        }
        let ctx = self.save_context()?;
        self.transaction(|tx| {
            let mut t = Transfer::new(tx, source, ctx.run_id);
            let mut summary = TransferSummary { transferred: Vec::new(), ..Default::default() };
            for r in records {
                let (id, created) = t.map_row(reg, r.values())?;
                summary.add(tx, id, created)?;
            }
            t.finish(summary)
        })
    }
}

impl<R: SQLRecord> TransferSummary<R> {
    /// Files the record `id` (read here) as transferred or already present.
    fn add(&mut self, inst: &Instance, id: i64, created: bool) -> Result<()> {
        let record = R::query().filter_eq("id", id).all_branches().one(inst)?;
        if created {
            self.transferred.push(record)
        } else {
            self.already_present.push(record)
        }
        Ok(())
    }
}

fn not_latest(registry: &'static str, uid: &str) -> Error {
    Error::Refused(crate::Refusal::NotLatestVersion { registry, uid: uid.to_string() })
}

fn check_latest(artifacts: &[Artifact]) -> Result<()> {
    match artifacts.iter().find(|a| !a.is_latest) {
        Some(a) => Err(not_latest("Artifact", &a.uid)),
        None => Ok(()),
    }
}

fn check_sources(target: &Instance, source: &Instance) -> Result<()> {
    if source.uid() == target.uid() {
        return Err(Error::Refused(crate::Refusal::SameInstance { slug: target.slug() }));
    }
    Ok(())
}

/// One transfer in progress: the target (inside its transaction), the source, and what has
/// been mapped so far.
struct Transfer<'a> {
    tx: &'a Instance,
    source: &'a Instance,
    /// The run tracked in the target when the transfer started (the transfer run's initiator,
    /// and the run of the label links, as in LaminDB).
    current_run: Option<i64>,
    run: Option<i64>,
    /// (registry, source id) → target id.
    mapped: HashMap<(&'static str, i64), i64>,
    created: Vec<(String, String)>,
    /// Storage locations this transfer registered (no artifact of this instance lives there).
    new_storages: HashSet<i64>,
}

impl<'a> Transfer<'a> {
    fn new(tx: &'a Instance, source: &'a Instance, current_run: Option<i64>) -> Transfer<'a> {
        Transfer {
            tx,
            source,
            current_run,
            run: None,
            mapped: HashMap::new(),
            created: Vec::new(),
            new_storages: HashSet::new(),
        }
    }

    /// Transfers `artifacts` (checked to be latest versions): returns those created, those
    /// present already, and the target id of every one by uid.
    fn artifacts(
        &mut self,
        artifacts: &[Artifact],
    ) -> Result<(Vec<Artifact>, Vec<Artifact>, HashMap<String, i64>)> {
        let tx = self.tx;
        let text = |v: &str| Value::Text(v.to_string());
        let mut already = fetch_artifacts(tx, "uid", artifacts.iter().map(|a| text(&a.uid)).collect())?;
        let mut ids: HashMap<String, i64> =
            already.iter().map(|a| (a.uid.clone(), a.id.unwrap_or_default())).collect();
        let mut seen = HashSet::new();
        let reg = Artifact::REGISTRY;
        let (id_at, storage_at) =
            (reg.index("id").expect("id"), reg.index("storage_id").expect("storage_id"));
        let mut candidates = Vec::new();
        for a in artifacts.iter().filter(|a| !ids.contains_key(&a.uid) && seen.insert(a.uid.clone())) {
            let mut row = self.remap(reg, a.values())?;
            let storage = row[storage_at].as_i64().unwrap_or_default();
            row.remove(id_at);
            candidates.push((a, storage, row));
        }
        // In a location known here before, the same file may be registered already under another
        // uid (both instances registered it in place, or the source saved it again): that record
        // is the one (LaminDB's unique storage, key and hash).
        let known: Vec<(i64, Value)> = candidates
            .iter()
            .filter(|(a, storage, _)| !self.new_storages.contains(storage) && a.key.is_some())
            .filter_map(|(a, storage, _)| a.hash.as_deref().map(|h| (*storage, text(h))))
            .collect();
        let mut same_file: HashMap<(i64, String, String), Artifact> = HashMap::new();
        for storage in known.iter().map(|(s, _)| *s).collect::<HashSet<_>>() {
            let hashes = known.iter().filter(|(s, _)| *s == storage).map(|(_, h)| h.clone()).collect();
            for a in fetch_artifacts_in(tx, storage, hashes)? {
                if let (Some(key), Some(hash)) = (a.key.clone(), a.hash.clone()) {
                    same_file.insert((storage, key, hash), a);
                }
            }
        }
        let mut new = Vec::with_capacity(candidates.len());
        let mut rows = Vec::with_capacity(candidates.len());
        for (a, storage, row) in candidates {
            let key = (storage, a.key.clone().unwrap_or_default(), a.hash.clone().unwrap_or_default());
            match same_file.remove(&key) {
                Some(here) => {
                    ids.insert(a.uid.clone(), here.id.unwrap_or_default());
                    already.push(here);
                }
                None => {
                    new.push(a);
                    rows.push(row);
                }
            }
        }
        let mut transferred = Vec::new();
        if !new.is_empty() {
            let columns: Vec<&str> = reg.fields.iter().map(|f| f.name).filter(|c| *c != "id").collect();
            crate::records::bulk_insert(tx, reg, &columns, &rows)?;
            demote_older_versions(tx, new.iter().map(|a| a.uid.clone()))?;
            transferred = fetch_artifacts(tx, "uid", new.iter().map(|a| text(&a.uid)).collect())?;
            ids.extend(transferred.iter().map(|a| (a.uid.clone(), a.id.unwrap_or_default())));
            let id_of: HashMap<i64, i64> =
                new.iter().map(|a| (a.id.unwrap_or_default(), ids[&a.uid])).collect();
            self.copy_labels(&id_of)?;
            self.copy_feature_values(&id_of)?;
        }
        already.sort_by_key(|a| a.id);
        Ok((transferred, already, ids))
    }

    /// The transfer run: LaminDB's transform `__lamindb_transfer__/<source uid>` and its run for
    /// the current initiating run, created on first use.
    fn run_id(&mut self) -> Result<i64> {
        if let Some(id) = self.run {
            return Ok(id);
        }
        let source_uid = self.source.uid();
        let uid = format!("{source_uid}0000");
        let transform =
            match Transform::query().filter_eq("uid", uid.as_str()).all_branches().first(self.tx)? {
                Some(t) => t,
                None => {
                    let mut t = Transform::new(format!("__lamindb_transfer__/{source_uid}"), "function");
                    t.uid = uid;
                    t.description = Some(format!("Transfer from `{}`", self.source.slug()));
                    t.save(self.tx)?
                }
            };
        let transform_id = transform.id.unwrap_or_default();
        let initiated = match self.current_run {
            Some(r) => run::INITIATED_BY_RUN_ID.eq(r),
            None => run::INITIATED_BY_RUN_ID.is_null(),
        };
        let q = Run::filter(run::TRANSFORM_ID.eq(transform_id) & initiated);
        let run = match q.first(self.tx)? {
            Some(r) => r,
            None => {
                let mut run = Run::new(transform_id);
                run.status_code = crate::value::Internal(Some(RunStatus::Started.code()));
                run.started_at = Some(Utc::now());
                run.initiated_by_run_id = self.current_run;
                run.save(self.tx)?
            }
        };
        self.run = run.id;
        Ok(run.id.unwrap_or_default())
    }

    /// Completes `summary` with the related records created along and, when anything was
    /// transferred, the transfer run, marked completed now (LaminDB does so after each
    /// transfer).
    fn finish<R>(mut self, mut summary: TransferSummary<R>) -> Result<TransferSummary<R>> {
        if !summary.transferred.is_empty() {
            let id = self.run_id()?;
            let mut run = Run::get_by_id(self.tx, id)?;
            run.finished_at = Some(Utc::now());
            run.status_code = crate::value::Internal(Some(RunStatus::Completed.code()));
            summary.run = Some(run.save_fields(self.tx, (run::FINISHED_AT, run::STATUS_CODE))?);
        }
        summary.related = self.created;
        Ok(summary)
    }

    /// Inserts link rows: each of `rows` holds the values of `keys`, and gets the run tracked
    /// here (as LaminDB links, not the transfer run) and the current user.
    fn insert_links(
        &self,
        table: &str,
        keys: &[(&str, SqlType)],
        rows: impl IntoIterator<Item = Vec<Value>>,
    ) -> Result<()> {
        let user = Value::Int(self.tx.user_id()?);
        let run = self.current_run.map_or(Value::Null, Value::Int);
        let rows: Vec<Vec<Value>> = rows
            .into_iter()
            .map(|mut row| {
                row.extend([run.clone(), user.clone()]);
                row
            })
            .collect();
        let mut columns = keys.to_vec();
        columns.extend([("run_id", SqlType::BigInt), ("created_by_id", SqlType::Int)]);
        crate::records::insert_rows(self.tx, table, &columns, &rows)
    }
}

/// The artifacts (all branches) whose `field` is among `values`, by id.
fn fetch_artifacts(inst: &Instance, field: &str, values: Vec<Value>) -> Result<Vec<Artifact>> {
    let mut out = Vec::with_capacity(values.len());
    for chunk in values.chunks(CHUNK) {
        let q = Artifact::query().filter_kw_list(&format!("{field}__in"), chunk.to_vec());
        out.extend(q.all_branches().all(inst)?);
    }
    Ok(out)
}

/// The artifacts in `storage` whose hash is among `hashes`.
fn fetch_artifacts_in(inst: &Instance, storage: i64, hashes: Vec<Value>) -> Result<Vec<Artifact>> {
    let mut out = Vec::new();
    for chunk in hashes.chunks(CHUNK) {
        let q =
            artifact::STORAGE_ID.eq(storage) & artifact::HASH.is_in(chunk.iter().filter_map(Value::as_str));
        out.extend(Artifact::filter(q).all_branches().all(inst)?);
    }
    Ok(out)
}

/// Older versions of the transferred artifacts that were transferred before are no longer the
/// latest here.
fn demote_older_versions(inst: &Instance, uids: impl Iterator<Item = String>) -> Result<()> {
    let uids: Vec<String> = uids.collect();
    for chunk in uids.chunks(CHUNK) {
        let mut sql = inst.sql();
        sql.push("UPDATE ")
            .ident(Artifact::REGISTRY.table)
            .push(" SET \"is_latest\" = ")
            .bind(Value::Bool(false), SqlType::Bool);
        sql.push(" WHERE \"is_latest\" AND SUBSTR(\"uid\", 1, 16) IN (");
        for (i, uid) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(Value::Text(uid.chars().take(16).collect()), SqlType::Text);
        }
        sql.push(") AND \"uid\" NOT IN (");
        for (i, uid) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(Value::Text(uid.clone()), SqlType::Text);
        }
        sql.push(")");
        inst.execute(&sql)?;
    }
    Ok(())
}
