//! Runs carried on across processes, as methods of [`Run`] (the CLI's `lamin track`); within
//! one process [`Instance::track`] is simpler.

use super::{RunStatus, TrackOptions};
use crate::error::{Error, Result};
use crate::models::Run;
use crate::pool::Instance;
use crate::run_owner::RunOwner;

impl Run {
    /// The run's status (LaminDB's `run.status`, kept as `_status_code`), or `None` for a code
    /// LaminDB does not define.
    ///
    /// ```
    /// use lamindb_core::{Run, RunStatus};
    /// assert_eq!(Run::new(1).status(), None); // not saved: no status yet
    /// ```
    pub fn status(&self) -> Option<RunStatus> {
        self.status_code.and_then(RunStatus::from_code)
    }

    /// Saves a started run of `opts`'s transform without tracking it on `inst` (a run that
    /// another process attaches to, see [`Run::attach`]).
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
    /// use lamindb_core::{Run, RunStatus, TrackOptions};
    ///
    /// let run = Run::start(&inst, &TrackOptions::new("pipeline.sh"))?;
    /// // Later, perhaps in another process:
    /// Run::attach(&inst, Some(&run.uid))?;
    /// assert_eq!(inst.current_run()?.map(|r| r.uid), Some(run.uid.clone()));
    /// Run::attach(&inst, None)?;
    /// let ended = run.end(&inst, RunStatus::Completed)?;
    /// assert_eq!(ended.status(), Some(RunStatus::Completed));
    /// # Ok(()) }
    /// ```
    pub fn start(inst: &Instance, opts: &TrackOptions) -> Result<Run> {
        inst.start_run(opts)
    }

    /// Tracks the saved run `uid` on `inst` (started by [`Run::start`], for example in
    /// another process): records saved through this instance get its id, and artifacts cached
    /// become its inputs. `None` stops tracking. Returns the run.
    pub fn attach(inst: &Instance, uid: Option<&str>) -> Result<Option<Run>> {
        inst.attach_run(uid)
    }

    /// Ends the run with `status` and `finished_at` now; returns it as saved.
    pub fn end(&self, inst: &Instance, status: RunStatus) -> Result<Run> {
        inst.end_run(self.id.ok_or(Error::NotSaved { registry: "Run" })?, status)
    }

    /// Records `owner` as the process that keeps the started run going, so that
    /// [`Instance::doctor`] can tell when it ended without ending the run;
    /// [`Instance::track`] records the calling process.
    pub fn record_owner(&self, inst: &Instance, owner: RunOwner) -> Result<()> {
        inst.record_run_owner(self, owner)
    }
}
