//! [`Instance::doctor`]: checks that an instance's records and bytes agree, and repairs what an
//! interrupted process left behind.
//!
//! Checked: the database's own integrity (SQLite's `PRAGMA integrity_check`) and schema (pending
//! migration steps); the settings' default storage against the database; for every storage
//! location this instance manages, its marker against the Storage record, and every artifact in
//! it against its bytes (present, same size, and with `verify_hashes` the same hash); rows left
//! "storage ongoing" by a save that did not finish; and bytes under `.lamindb/` named as an
//! artifact's (`<uid><suffix>`) that no artifact refers to. Other files there (a database left
//! in place by a move, its lease file, files of other tools) are never reported or touched.
//!
//! Repairs, only with `fix`: an unfinished save whose bytes are complete is completed (its flag
//! cleared), otherwise its row and partial bytes are removed, so that saving the same content
//! again starts afresh; orphaned bytes are deleted. Every problem says beforehand what `fix`
//! would do ([`Problem::repair`]), so a report without `fix` lists exactly what `fix` removes.
//! Nothing is removed
//! - while a save holds the writer lease (a `lamin` save in progress, see the `lease` module):
//!   its flagged row is then not a crashed save;
//! - when a marker, the settings or the database's integrity disagree (a restored backup, a
//!   database of another instance): the bytes may be the only copy of records the database
//!   lost;
//! - that is younger than [`DoctorOptions::grace`] (bytes by their modification time, flagged
//!   rows by their last update): Python LaminDB takes no lease, and its saves in progress look
//!   like interrupted ones.
//!
//! Runs still `started` whose process has ended without ending them (see
//! [`run_owner`](crate::run_owner)) are reported, and `fix` ends them as aborted.
//!
//! Missing bytes and mismatches of saved artifacts are reported, never "repaired": only the user
//! knows where the data went.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, SystemTime};

use lamindb_storage::{RootKind, Store, hash, marker};

use crate::error::Result;
use crate::fields::artifact;
use crate::models::{Artifact, Storage};
use crate::pool::Instance;
use crate::registry::SQLRecord;

/// What [`Instance::doctor`] checks and does.
///
/// ```
/// use lamindb_core::doctor::{DEFAULT_GRACE, DoctorOptions};
/// let opts = DoctorOptions { fix: true, ..Default::default() };
/// assert_eq!(opts.grace, DEFAULT_GRACE);
/// ```
#[derive(Clone, Debug)]
pub struct DoctorOptions {
    /// Repair unfinished saves and remove orphaned bytes.
    pub fix: bool,
    /// Hash the bytes of every artifact in local storage (reads everything).
    pub verify_hashes: bool,
    /// Bytes and flagged rows younger than this are left alone by `fix` (they may belong to a
    /// save in progress of a process that takes no lease). [`DEFAULT_GRACE`] by default.
    pub grace: Duration,
}

/// The default of [`DoctorOptions::grace`]: one hour.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(3600);

impl Default for DoctorOptions {
    fn default() -> Self {
        DoctorOptions { fix: false, verify_hashes: false, grace: DEFAULT_GRACE }
    }
}

/// What `fix` does (or did) about a problem.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Repair {
    /// Nothing: only the user can repair it (missing or changed bytes, a marker).
    None,
    /// Nothing now, for this reason (a save in progress, a disagreeing marker, too young).
    Held(String),
    /// Completes the save: clears the row's flag (its bytes are whole).
    Complete,
    /// Removes the row of the unfinished save and its partial bytes.
    RemoveSave,
    /// Deletes the orphaned bytes.
    DeleteBytes,
    /// Ends the run as aborted (its process has ended).
    AbortRun,
}

impl Repair {
    /// Whether `fix` acts on the problem.
    pub fn acts(&self) -> bool {
        matches!(self, Repair::Complete | Repair::RemoveSave | Repair::DeleteBytes | Repair::AbortRun)
    }

    /// In words, for reports: `complete the save`, `kept: a save is in progress`, …
    pub fn describe(&self) -> String {
        match self {
            Repair::None => String::new(),
            Repair::Held(why) => format!("kept: {why}"),
            Repair::Complete => "complete the save".into(),
            Repair::RemoveSave => "remove the row and its partial bytes".into(),
            Repair::DeleteBytes => "delete the bytes".into(),
            Repair::AbortRun => "end the run as aborted".into(),
        }
    }
}

/// The kinds of problem [`Instance::doctor`] finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProblemKind {
    /// The database reports corruption.
    Integrity,
    /// A managed location's marker is missing or names another storage uid.
    Marker,
    /// An artifact's bytes are not in its storage.
    MissingBytes,
    /// An artifact's file has another size than its record says.
    SizeMismatch,
    /// An artifact's bytes hash differently than its record says (`verify_hashes`).
    HashMismatch,
    /// A save that did not finish: the row is flagged "storage ongoing".
    UnfinishedSave,
    /// Bytes under `.lamindb/` that no artifact refers to.
    OrphanedBytes,
    /// The settings name a default storage that the database does not have as this instance's.
    Settings,
    /// Schema migrations of this version are not applied.
    Schema,
    /// A run still `started` whose process has ended without ending it.
    StaleRun,
}

impl ProblemKind {
    /// A short name: `integrity`, `marker`, `missing-bytes`, …
    pub fn name(self) -> &'static str {
        match self {
            ProblemKind::Integrity => "integrity",
            ProblemKind::Marker => "marker",
            ProblemKind::MissingBytes => "missing-bytes",
            ProblemKind::SizeMismatch => "size-mismatch",
            ProblemKind::HashMismatch => "hash-mismatch",
            ProblemKind::UnfinishedSave => "unfinished-save",
            ProblemKind::OrphanedBytes => "orphaned-bytes",
            ProblemKind::Settings => "settings",
            ProblemKind::Schema => "schema",
            ProblemKind::StaleRun => "stale-run",
        }
    }
}

/// One problem found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong.
    pub kind: ProblemKind,
    /// The storage root it concerns (empty for the database).
    pub storage: String,
    /// The storage key of the bytes concerned, if any.
    pub key: Option<String>,
    /// The uid of the artifact concerned, if any.
    pub artifact: Option<String>,
    /// What was found, in words.
    pub detail: String,
    /// What `fix` does about it (with `fix`: did).
    pub repair: Repair,
    /// Whether `fix` repaired it.
    pub fixed: bool,
}

/// What [`Instance::doctor`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DoctorReport {
    /// Artifacts checked against their bytes.
    pub artifacts: usize,
    /// Storage locations checked (the ones this instance manages).
    pub storages: usize,
    /// The database schema: who migrates it, and how far.
    pub schema: String,
    /// Every problem, repaired or not.
    pub problems: Vec<Problem>,
}

impl DoctorReport {
    /// Whether nothing is left to repair.
    pub fn healthy(&self) -> bool {
        self.problems.iter().all(|p| p.fixed)
    }
}

// Checking and repairing an instance.
impl Instance {
    /// Checks the instance (see the module docs); repairs with `opts.fix`.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
    /// use lamindb_core::doctor::DoctorOptions;
    ///
    /// let report = inst.doctor(&DoctorOptions::default())?;
    /// assert!(report.healthy(), "{:?}", report.problems);
    /// # Ok(()) }
    /// ```
    pub fn doctor(&self, opts: &DoctorOptions) -> Result<DoctorReport> {
        let mut report = DoctorReport::default();
        if self.dialect() == crate::Dialect::Sqlite {
            let mut sql = self.sql();
            sql.push("PRAGMA integrity_check");
            // A file damaged so badly that the check itself fails is reported as such: nothing
            // else can be checked, nor may anything be removed on its word.
            let (lines, readable) = match self.query(&sql) {
                Ok(rows) => (rows.iter().filter_map(|r| r.get(0)).map(|v| v.to_string()).collect(), true),
                Err(e) => (vec![e.to_string()], false),
            };
            if lines != ["ok"] {
                let path = self.read_settings(|s| s.sqlite_path());
                report.problems.push(Problem {
                    kind: ProblemKind::Integrity,
                    storage: String::new(),
                    key: None,
                    artifact: None,
                    detail: format!(
                        "{} is damaged: {}; restore it from a backup",
                        path.display(),
                        lines.join("; ")
                    ),
                    repair: Repair::None,
                    fixed: false,
                });
            }
            if !readable {
                return Ok(report);
            }
        }
        let (schema, pending) = self.with_db(crate::migrations::schema_state)?;
        report.schema = schema;
        if !pending.is_empty() {
            report.problems.push(Problem {
                kind: ProblemKind::Schema,
                storage: String::new(),
                key: None,
                artifact: None,
                detail: format!("migrations not applied: {}", pending.join(", ")),
                repair: Repair::None,
                fixed: false,
            });
        }
        let uid = self.uid();
        let default_root = self.read_settings(|s| s.default_storage_root().to_string());
        let storages = self.storages()?;
        if !storages.iter().any(|s| s.root == default_root && s.instance_uid.as_deref() == Some(uid.as_str()))
        {
            report.problems.push(Problem {
                kind: ProblemKind::Settings,
                storage: default_root.clone(),
                key: None,
                artifact: None,
                detail:
                    "the settings' default storage is not a location this instance manages in its database"
                        .into(),
                repair: Repair::None,
                fixed: false,
            });
        }
        let managed: Vec<Storage> =
            storages.into_iter().filter(|s| s.instance_uid.as_deref() == Some(uid.as_str())).collect();
        let mut stores = Vec::with_capacity(managed.len());
        for storage in &managed {
            let store = Store::open_with_region(&storage.storage_root()?, storage.region.as_deref())?;
            self.check_marker(storage, &store, &mut report)?;
            stores.push(store);
        }
        // With `fix` the lease is held for the whole repair, so no save starts meanwhile; without
        // it, doctor only asks whether saves are in progress now (and writes nothing).
        let lease = if opts.fix { self.try_exclusive_lease()? } else { None };
        let busy = if opts.fix { lease.is_none() } else { self.saves_in_progress()? };
        let hold = if busy {
            Some("a save is in progress (run `doctor --fix` again when it has finished)".to_string())
        } else if !report.problems.is_empty() {
            Some("the database, its settings or a marker disagree: repair that first (the bytes may be the only copy of lost records)".to_string())
        } else {
            None
        };
        // Runs whose process ended without ending them (killed, or a script without
        // `lamin finish`): their owner is known dead, so no grace period applies.
        for (run, owner) in self.stale_runs()? {
            let mut p = Problem {
                kind: ProblemKind::StaleRun,
                storage: String::new(),
                key: None,
                artifact: None,
                detail: format!(
                    "run {} is started, but its process {} has ended without ending it",
                    run.uid, owner.pid
                ),
                repair: Repair::AbortRun,
                fixed: false,
            };
            if opts.fix {
                self.end_run(run.id.unwrap_or_default(), crate::track::RunStatus::Aborted)?;
                p.fixed = true;
            }
            report.problems.push(p);
        }
        let gate = Gate { hold, grace: opts.grace, now: SystemTime::now() };
        for (storage, store) in managed.iter().zip(&stores) {
            report.storages += 1;
            self.check_storage(storage, store, opts, &gate, &mut report)?;
        }
        Ok(report)
    }

    fn check_marker(&self, storage: &Storage, store: &Store, report: &mut DoctorReport) -> Result<()> {
        let detail = match marker::read_marker(store)? {
            Some(m) if m == storage.uid => return Ok(()),
            Some(m) => format!(
                "the marker names storage {m}, the record is {}: the location and the database are not of one instance (a restored backup, or another instance's location); restore the right marker or database",
                storage.uid
            ),
            None => "no marker: the location does not say which instance manages it; restore .lamindb/storage_uid.txt from a backup".into(),
        };
        report.problems.push(Problem {
            kind: ProblemKind::Marker,
            storage: storage.root.clone(),
            key: Some(marker::MARKER_KEY.into()),
            artifact: None,
            detail,
            repair: Repair::None,
            fixed: false,
        });
        Ok(())
    }

    fn check_storage(
        &self,
        storage: &Storage,
        store: &Store,
        opts: &DoctorOptions,
        gate: &Gate,
        report: &mut DoctorReport,
    ) -> Result<()> {
        let root = storage.storage_root()?;
        let problem = |kind, key: Option<String>, artifact: Option<&Artifact>, detail: String| Problem {
            kind,
            storage: storage.root.clone(),
            key,
            artifact: artifact.map(|a| a.uid.clone()),
            detail,
            repair: Repair::None,
            fixed: false,
        };
        // Every object under `.lamindb/` named as an artifact's, with its size, sorted (a folder's
        // objects are one range); other keys are looked up one by one. Listed before the rows are
        // read: a save inserts its row before it writes its bytes, so every listed object of a
        // save committed meanwhile has its row among those read next.
        let managed: BTreeMap<String, u64> = marker::managed_entries(store, &self.db_files_in(storage))?
            .into_iter()
            .filter(|e| is_artifact_key(&e.key))
            .map(|e| (e.key, e.size))
            .collect();
        let artifacts = Artifact::filter(artifact::STORAGE_ID.eq(storage.id.unwrap_or_default()))
            .all_branches()
            .all(self)?;
        report.artifacts += artifacts.len();
        let mut referenced: HashSet<&str> = HashSet::new();
        let local = root.kind() == RootKind::Local;
        for a in &artifacts {
            let key = a.storage_key();
            let managed_key = key.starts_with(crate::artifact::AUTO_KEY_PREFIX);
            let found: Option<u64> = if a.is_dir() {
                let prefix = format!("{key}/");
                let sizes: Vec<u64> = if managed_key {
                    let folder = managed.range(prefix.clone()..).take_while(|(k, _)| k.starts_with(&prefix));
                    folder
                        .map(|(k, s)| {
                            referenced.insert(k);
                            *s
                        })
                        .collect()
                } else {
                    store.list(&prefix, true)?.iter().map(|e| e.size).collect()
                };
                (!sizes.is_empty()).then(|| sizes.iter().sum())
            } else if managed_key {
                managed.get_key_value(&key).map(|(k, s)| {
                    referenced.insert(k);
                    *s
                })
            } else {
                store.stat(&key)?.filter(|e| !e.is_dir).map(|e| e.size)
            };
            let expected = a.size.map(|s| s as u64);
            let complete = found.is_some() && (a.is_dir() || expected.is_none() || found == expected);
            if a.storage_ongoing() {
                let verified = complete && (!local || self.hash_matches(&root, a, &key)?);
                let mut p = problem(
                    ProblemKind::UnfinishedSave,
                    Some(key.clone()),
                    Some(a),
                    if verified {
                        "a save did not finish; its bytes are complete".into()
                    } else {
                        "a save did not finish; its bytes are missing or incomplete".into()
                    },
                );
                let touched = a.updated_at.into_iter().chain(a.created_at).max().map(SystemTime::from);
                p.repair = gate.allow(touched, if verified { Repair::Complete } else { Repair::RemoveSave });
                if opts.fix && p.repair.acts() {
                    if verified {
                        crate::artifact::finish_save(self, a)?;
                    } else {
                        self.delete_artifact_permanently(a, Some(true))?;
                    }
                    p.fixed = true;
                }
                report.problems.push(p);
                continue;
            }
            match found {
                None => report.problems.push(problem(
                    ProblemKind::MissingBytes,
                    Some(key.clone()),
                    Some(a),
                    "no bytes at this key: restore them, or delete the record permanently".into(),
                )),
                Some(size) if !a.is_dir() && expected.is_some_and(|e| e != size) => {
                    report.problems.push(problem(
                        ProblemKind::SizeMismatch,
                        Some(key.clone()),
                        Some(a),
                        format!("{size} bytes, the record says {}", expected.unwrap_or_default()),
                    ))
                }
                Some(_) if opts.verify_hashes && local && !self.hash_matches(&root, a, &key)? => {
                    report.problems.push(problem(
                        ProblemKind::HashMismatch,
                        Some(key.clone()),
                        Some(a),
                        format!("the bytes do not hash to {}", a.hash.as_deref().unwrap_or("")),
                    ))
                }
                Some(_) => {}
            }
        }
        // Sorted, as the map is.
        let orphans = managed.iter().filter(|(k, _)| !referenced.contains(k.as_str()));
        for (key, size) in orphans {
            let mut p = problem(
                ProblemKind::OrphanedBytes,
                Some(key.clone()),
                None,
                format!("{size} bytes that no artifact refers to"),
            );
            let modified = match gate.hold {
                Some(_) => None,
                None => store.stat_file(key)?.and_then(|(_, m)| m),
            };
            p.repair = gate.allow(modified, Repair::DeleteBytes);
            if opts.fix && p.repair.acts() {
                store.delete(key)?;
                p.fixed = true;
            }
            report.problems.push(p);
        }
        Ok(())
    }

    /// Whether a local artifact's bytes hash to its recorded hash (true when it has none).
    fn hash_matches(&self, root: &lamindb_storage::StorageRoot, a: &Artifact, key: &str) -> Result<bool> {
        let Some(expected) = a.hash.as_deref() else { return Ok(true) };
        let Some(path) = root.local_path().map(|p| p.join(key)) else { return Ok(true) };
        let actual = if a.is_dir() {
            hash::hash_dir(&path).map(|h| h.hash)
        } else {
            hash::hash_file(&path).map(|h| h.hash)
        };
        Ok(actual.is_ok_and(|h| h == expected))
    }
}

/// When `fix` may remove something.
struct Gate {
    /// Why nothing is removed at all, if so.
    hold: Option<String>,
    grace: Duration,
    now: SystemTime,
}

impl Gate {
    /// `repair`, unless held, or unless `touched` (when the thing last changed; unknown counts as
    /// now) is younger than the grace period.
    fn allow(&self, touched: Option<SystemTime>, repair: Repair) -> Repair {
        if let Some(why) = &self.hold {
            return Repair::Held(why.clone());
        }
        let age = touched.and_then(|t| self.now.duration_since(t).ok()).unwrap_or_default();
        if self.grace > Duration::ZERO && age < self.grace {
            return Repair::Held(format!(
                "changed {} s ago, within the grace period ({} s): a save in progress may own it",
                age.as_secs(),
                self.grace.as_secs()
            ));
        }
        repair
    }
}

/// Whether a key under `.lamindb/` is named as an artifact's bytes: `.lamindb/<uid><suffix>`
/// or a file below `.lamindb/<uid>/` (uids of 16 or 20 base62 characters, LaminDB's).
fn is_artifact_key(key: &str) -> bool {
    let Some(rest) = key.strip_prefix(crate::artifact::AUTO_KEY_PREFIX) else { return false };
    let stem_len = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
    if stem_len != 16 && stem_len != 20 {
        return false;
    }
    match rest.as_bytes().get(stem_len) {
        None => true,
        Some(b'/') => rest.len() > stem_len + 1,
        // A suffix (of a file, or of a folder such as `.anndata.zarr/…`).
        Some(b'.') => true,
        Some(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_artifact_key;

    #[test]
    fn artifact_keys_are_told_from_other_files() {
        for key in [
            ".lamindb/AAAAAAAAAAAAAAAA0000.txt",
            ".lamindb/AAAAAAAAAAAAAAAA.csv",
            ".lamindb/AAAAAAAAAAAAAAAA0000",
            ".lamindb/AAAAAAAAAAAAAAAA0000.anndata.zarr/obs/x",
            ".lamindb/AAAAAAAAAAAAAAAA/file.txt",
        ] {
            assert!(is_artifact_key(key), "{key}");
        }
        for key in [
            ".lamindb/lamin.db",
            ".lamindb/lamin.db.lease",
            ".lamindb/lamin.db-wal",
            ".lamindb/storage_uid.txt",
            ".lamindb/orphan.bin",
            ".lamindb/AAAAAAAAAAAAAAA.txt",
            ".lamindb/AAAAAAAAAAAAAAAA0000_x",
            "other/AAAAAAAAAAAAAAAA0000.txt",
        ] {
            assert!(!is_artifact_key(key), "{key}");
        }
    }
}
