//! Which process keeps a started run going, so that a run whose process has ended without ending
//! it (killed, or a script that exits without `lamin finish`) can be found and ended.
//!
//! A run started by [`Instance::track`] records its owner, the process by id and start time (a
//! reused process id is another process), in `<settings dir>/run-owners/<instance uid>/<run
//! uid>.json`; [`Run::end`](crate::Run::end) removes the record. [`Instance::doctor`](crate::Instance::doctor) lists the runs
//! still `started` whose owner has ended; `lamin doctor` reports them and `--fix` marks them
//! aborted (LaminDB's status for a run that was stopped). A run with no record (started by Python
//! LaminDB, or on another machine) is never called stale.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let tmp = tempfile::tempdir()?;
//! # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
//! # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
//! # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
//! use lamindb_core::TrackOptions;
//! use lamindb_core::doctor::DoctorOptions;
//! use lamindb_core::run_owner::RunOwner;
//!
//! let run = inst.track(TrackOptions::new("pipelines/qc"))?;
//! let report = inst.doctor(&DoctorOptions::default())?;
//! assert!(report.healthy(), "this process is alive: {:?}", report.problems);
//! assert!(RunOwner::this_process().is_some_and(|o| o.is_alive()));
//! run.finish()?;
//! # Ok(()) }
//! ```

use std::collections::HashMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fields::run;
use crate::models::Run;
use crate::pool::Instance;
use crate::registry::SQLRecord;
use crate::track::status::RunStatus;

/// A process, by id and start time (clock ticks since boot, `/proc/<pid>/stat`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunOwner {
    /// The process id.
    pub pid: u32,
    /// When it started, in clock ticks since boot.
    pub start_time: u64,
}

impl RunOwner {
    /// This process (`None` where `/proc` cannot be read).
    pub fn this_process() -> Option<RunOwner> {
        RunOwner::of(std::process::id())
    }

    /// The running process `pid`, if there is one.
    pub fn of(pid: u32) -> Option<RunOwner> {
        process_stat(pid).map(|(_, start_time)| RunOwner { pid, start_time })
    }

    /// Whether the process still runs (the same process: same id, same start time).
    pub fn is_alive(&self) -> bool {
        process_stat(self.pid).is_some_and(|(_, start)| start == self.start_time)
    }
}

/// A process's parent id and start time (clock ticks since boot), from `/proc/<pid>/stat`.
///
/// ```
/// let (parent, _start) = lamindb_core::run_owner::process_stat(std::process::id()).unwrap();
/// assert_eq!(parent, std::os::unix::process::parent_id());
/// ```
pub fn process_stat(pid: u32) -> Option<(u32, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces and parentheses: fields start after the last ')'.
    let rest = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some((fields.get(1)?.parse().ok()?, fields.get(19)?.parse().ok()?))
}

impl Instance {
    fn run_owners_dir(&self) -> PathBuf {
        self.settings_dir().path().join("run-owners").join(self.uid())
    }

    /// Records `owner` as the process that keeps the started run `run` going (see the module
    /// docs); [`Instance::track`] records this process.
    pub(crate) fn record_run_owner(&self, run: &Run, owner: RunOwner) -> Result<()> {
        let dir = self.run_owners_dir();
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let path = dir.join(format!("{}.json", run.uid));
        let text = serde_json::to_string(&owner).map_err(|e| Error::decode_from("", e))?;
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))
    }

    /// Forgets the owner of run `uid` (it ended).
    pub(crate) fn forget_run_owner(&self, uid: &str) {
        let _ = std::fs::remove_file(self.run_owners_dir().join(format!("{uid}.json")));
    }

    /// The runs still `started` whose recorded owner process has ended, oldest first. Records
    /// of runs that ended (or were deleted) are removed on the way.
    pub(crate) fn stale_runs(&self) -> Result<Vec<(Run, RunOwner)>> {
        let dir = self.run_owners_dir();
        let Ok(entries) = std::fs::read_dir(&dir) else { return Ok(Vec::new()) };
        let owners: HashMap<String, RunOwner> = entries
            .flatten()
            .filter_map(|entry| {
                let path = entry.path();
                let uid = path.file_stem()?.to_str()?.to_string();
                let owner = serde_json::from_slice(&std::fs::read(&path).ok()?).ok()?;
                Some((uid, owner))
            })
            .collect();
        if owners.is_empty() {
            return Ok(Vec::new());
        }
        // The runs of every record at once; a record whose run is gone or ended is removed.
        let runs = Run::filter(run::UID.is_in(owners.keys().map(String::as_str))).all(self)?;
        let mut stale = Vec::new();
        let mut started = std::collections::HashSet::new();
        for r in runs {
            if r.status() == Some(RunStatus::Started) {
                started.insert(r.uid.clone());
                let owner = owners[&r.uid];
                if !owner.is_alive() {
                    stale.push((r, owner));
                }
            }
        }
        for uid in owners.keys().filter(|u| !started.contains(*u)) {
            self.forget_run_owner(uid);
        }
        stale.sort_by_key(|(r, _)| r.id);
        Ok(stale)
    }
}
