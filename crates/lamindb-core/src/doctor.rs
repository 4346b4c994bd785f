//! [`Instance::doctor`]: checks that an instance's records and bytes agree, and repairs what an
//! interrupted process left behind.
//!
//! Checked: the database's own integrity (SQLite's `PRAGMA integrity_check`) and schema (pending
//! migration steps); the settings' default storage against the database; for every storage
//! location this instance manages, its marker against the Storage record, and every artifact in
//! it against its bytes (present, same size, and with `verify_hashes` the same hash); rows left
//! "storage ongoing" by a save that did not finish; and bytes under `.lamindb/` that no artifact
//! refers to (written for a row that never committed). Repairs, only with `fix`: an unfinished
//! save whose bytes are complete is completed (its flag cleared), otherwise its row and partial
//! bytes are removed, so that saving the same content again starts afresh; orphaned bytes are
//! deleted. Missing bytes and mismatches of saved artifacts are reported, never "repaired": only
//! the user knows where the data went.

use std::collections::{BTreeMap, HashSet};

use lamindb_storage::{RootKind, Store, hash, marker};

use crate::error::Result;
use crate::fields::artifact;
use crate::instance::Instance;
use crate::models::{Artifact, Storage};
use crate::registry::Record;

/// What [`Instance::doctor`] checks and does.
#[derive(Clone, Debug, Default)]
pub struct DoctorOptions {
    /// Repair unfinished saves and remove orphaned bytes.
    pub fix: bool,
    /// Hash the bytes of every artifact in local storage (reads everything).
    pub verify_hashes: bool,
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

impl Instance {
    /// Checks the instance (see the module docs); repairs with `opts.fix`.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init(&settings, &opts)?;
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
            let rows = self.query(&sql)?;
            let lines: Vec<String> = rows.iter().filter_map(|r| r.get(0)).map(|v| v.to_string()).collect();
            if lines != ["ok"] {
                report.problems.push(Problem {
                    kind: ProblemKind::Integrity,
                    storage: String::new(),
                    key: None,
                    artifact: None,
                    detail: lines.join("; "),
                    fixed: false,
                });
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
                fixed: false,
            });
        }
        for storage in storages {
            if storage.instance_uid.as_deref() == Some(uid.as_str()) {
                report.storages += 1;
                self.check_storage(&storage, opts, &mut report)?;
            }
        }
        Ok(report)
    }

    fn check_storage(
        &self,
        storage: &Storage,
        opts: &DoctorOptions,
        report: &mut DoctorReport,
    ) -> Result<()> {
        let root = storage.storage_root()?;
        let store = Store::open_with_region(&root, storage.region.as_deref())?;
        let problem = |kind, key: Option<String>, artifact: Option<&Artifact>, detail: String| Problem {
            kind,
            storage: storage.root.clone(),
            key,
            artifact: artifact.map(|a| a.uid.clone()),
            detail,
            fixed: false,
        };
        match marker::read_marker(&store)? {
            Some(m) if m == storage.uid => {}
            Some(m) => report.problems.push(problem(
                ProblemKind::Marker,
                Some(marker::MARKER_KEY.into()),
                None,
                format!("the marker names storage {m}, the record is {}", storage.uid),
            )),
            None => report.problems.push(problem(
                ProblemKind::Marker,
                Some(marker::MARKER_KEY.into()),
                None,
                "no marker: the location does not say which instance manages it".into(),
            )),
        }
        let artifacts = Artifact::filter(artifact::STORAGE_ID.eq(storage.id.unwrap_or_default()))
            .all_branches()
            .all(self)?;
        report.artifacts += artifacts.len();
        // Every object under `.lamindb/` with its size, sorted (a folder's objects are one range);
        // other keys are looked up one by one.
        let managed: BTreeMap<String, u64> = marker::managed_entries(&store, &self.db_files_in(storage))?
            .into_iter()
            .map(|e| (e.key, e.size))
            .collect();
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
                if opts.fix {
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
            if opts.fix {
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
