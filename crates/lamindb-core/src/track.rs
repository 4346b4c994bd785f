//! Run tracking (LaminDB's `ln.track()` / `ln.finish()`): a transform found or versioned by its
//! key and source hash, a run of it, and the lineage the run records while it is tracked.
//!
//! [`Instance::track`] starts a run and returns a [`TrackedRun`] guard. While the guard lives,
//! every record saved through that instance (any clone of the handle) gets the run's id in
//! `run_id`; artifacts cached or loaded become the run's inputs (unless the run made them); an
//! artifact returned by dedup records the run among its re-creating runs. [`TrackedRun::finish`]
//! marks the run completed; a guard dropped without `finish` (an early return with `?`, a
//! panic) marks it errored.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let tmp = tempfile::tempdir()?;
//! # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
//! # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
//! # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
//! use lamindb_core::{SQLRecord, RunStatus, TrackOptions, ULabel};
//!
//! let run = inst.track(TrackOptions::new("pipelines/qc").params(serde_json::json!({"min_genes": 200})))?;
//! let label = ULabel::new("passed qc").save(&inst)?;
//! assert_eq!(label.run_id, run.run().id);
//! let run = run.finish()?;
//! assert_eq!(run.status(), Some(RunStatus::Completed));
//! # Ok(()) }
//! ```

mod api;
pub(crate) mod status;

pub use status::RunStatus;

use chrono::Utc;
use lamindb_storage::hash::hash_bytes;

use crate::error::{Error, Result};
use crate::models::{Run, Transform, tables, transform};
use crate::pool::Instance;
use crate::registry::SQLRecord;
use crate::uid::{decode_base62, encode_base62};
use crate::value::{Json, SqlType, Value};

/// What [`Instance::track`] tracks: the transform (by key, kind and source) and the run's own fields.
#[derive(Clone, Debug, Default)]
pub struct TrackOptions {
    /// The transform's key (a script's file name, a pipeline's name).
    pub key: String,
    /// `pipeline` (the default), `script`, `notebook` or `function`.
    pub kind: Option<String>,
    /// The transform's source code: its hash decides whether the latest transform of the key is
    /// reused (same hash, or no source) or a new version is made (a changed hash).
    pub source_code: Option<String>,
    /// The transform's description (for a new transform).
    pub description: Option<String>,
    /// The run's parameters (`Run.params`).
    pub params: Option<Json>,
    /// The command line (`Run.cli_args`).
    pub cli_args: Option<String>,
    /// The entry point (`Run.entrypoint`).
    pub entrypoint: Option<String>,
    /// The uid of the run that started this one (`Run.initiated_by_run`).
    pub initiated_by_run: Option<String>,
}

impl TrackOptions {
    /// Tracks the transform `key`.
    pub fn new(key: impl Into<String>) -> TrackOptions {
        TrackOptions { key: key.into(), ..TrackOptions::default() }
    }

    /// Sets the kind (`pipeline`, `script`, `notebook`, `function`).
    pub fn kind(mut self, kind: impl Into<String>) -> TrackOptions {
        self.kind = Some(kind.into());
        self
    }

    /// Sets the source code (its hash versions the transform).
    pub fn source_code(mut self, source: impl Into<String>) -> TrackOptions {
        self.source_code = Some(source.into());
        self
    }

    /// Sets the run's parameters.
    pub fn params(mut self, params: impl Into<Json>) -> TrackOptions {
        self.params = Some(params.into());
        self
    }

    /// Sets the run that started this one.
    pub fn initiated_by_run(mut self, uid: impl Into<String>) -> TrackOptions {
        self.initiated_by_run = Some(uid.into());
        self
    }
}

/// A run being tracked on an instance: see [`Instance::track`].
#[must_use = "dropping the guard without finish() marks the run errored"]
#[derive(Debug)]
pub struct TrackedRun {
    inst: Instance,
    run: Run,
    done: bool,
}

impl TrackedRun {
    /// The run as it was saved when tracking started.
    pub fn run(&self) -> &Run {
        &self.run
    }

    /// Marks the run completed (`finished_at` now) and stops tracking it.
    pub fn finish(self) -> Result<Run> {
        self.end(RunStatus::Completed)
    }

    /// Ends the run with `status` (errored, aborted, …) and stops tracking it.
    pub fn end(mut self, status: RunStatus) -> Result<Run> {
        self.done = true;
        let id = self.run.id.unwrap_or_default();
        self.inst.set_current_run_id(None);
        self.inst.end_run(id, status)
    }

    /// Stops tracking without ending the run: it stays started, for another process to end
    /// ([`Run::end`](crate::Run::end)); `lamin track` hands its shell the run so.
    pub fn detach(mut self) -> Run {
        self.done = true;
        self.inst.set_current_run_id(None);
        self.run.clone()
    }
}

impl Drop for TrackedRun {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        self.inst.set_current_run_id(None);
        // Nothing else can report a failure from a drop; the status stays `started` then.
        let _ = self.inst.end_run(self.run.id.unwrap_or_default(), RunStatus::Errored);
    }
}

// Run tracking.
impl Instance {
    /// Starts tracking a run of the transform `opts.key` (LaminDB's `ln.track()`): the latest
    /// transform of that key is reused when its source hash is the same (or no source is given),
    /// else a new version of it is made; the run starts now with status `started`.
    pub fn track(&self, opts: TrackOptions) -> Result<TrackedRun> {
        let run = self.start_run(&opts)?;
        if let Some(owner) = crate::run_owner::RunOwner::this_process() {
            self.record_run_owner(&run, owner)?;
        }
        self.set_current_run_id(run.id);
        Ok(TrackedRun { inst: self.clone(), run, done: false })
    }

    /// Saves a started run of `opts`'s transform without tracking it on this handle (a run that
    /// another process attaches to, see [`Run::attach`](crate::Run::attach)).
    pub(crate) fn start_run(&self, opts: &TrackOptions) -> Result<Run> {
        if opts.key.trim().is_empty() {
            return Err(Error::InvalidOptions { message: "a run needs a transform key".into() });
        }
        let initiated_by = match &opts.initiated_by_run {
            Some(uid) => Some(Run::get(self, uid)?.id.unwrap_or_default()),
            None => None,
        };
        self.transaction(|tx| {
            let transform = tx.transform_for(opts)?;
            let mut run = Run::new(transform.id.unwrap_or_default());
            run.status_code = crate::value::Internal(Some(RunStatus::Started.code()));
            run.started_at = Some(Utc::now());
            run.params = opts.params.clone();
            run.cli_args = opts.cli_args.clone();
            run.entrypoint = opts.entrypoint.clone();
            run.initiated_by_run_id = initiated_by;
            run = run.save(tx)?;
            Ok(run)
        })
    }

    /// Tracks the saved run `uid` on this handle (started by [`Run::start`](crate::Run::start), for example
    /// in another process): records saved through this instance get its id, and artifacts
    /// cached become its inputs. `None` stops tracking.
    pub(crate) fn attach_run(&self, uid: Option<&str>) -> Result<Option<Run>> {
        let run = uid.map(|uid| Run::get(self, uid)).transpose()?;
        self.set_current_run_id(run.as_ref().and_then(|r| r.id));
        Ok(run)
    }

    /// The run being tracked on this handle, if any.
    pub fn current_run(&self) -> Result<Option<Run>> {
        self.current_run_id().map(|id| Run::get_by_id(self, id)).transpose()
    }

    /// Ends the run `run_id` with `status` and `finished_at` now.
    pub(crate) fn end_run(&self, run_id: i64, status: RunStatus) -> Result<Run> {
        let mut run = Run::get_by_id(self, run_id)?;
        run.status_code = crate::value::Internal(Some(status.code()));
        run.finished_at = Some(Utc::now());
        run = run.save(self)?;
        self.forget_run_owner(&run.uid);
        Ok(run)
    }

    /// The transform of `opts`: the latest of its key when the source hash matches (or no source
    /// is given), else a new one or a new version.
    fn transform_for(&self, opts: &TrackOptions) -> Result<Transform> {
        let hash = opts.source_code.as_deref().map(|s| hash_bytes(s.as_bytes()).hash);
        let latest = Transform::query()
            .filter(transform::KEY.eq(opts.key.as_str()) & transform::IS_LATEST.eq(true))
            .order_by(transform::ID.desc())
            .first(self)?;
        if let Some(latest) = &latest {
            if hash.is_none() || latest.hash == hash {
                return Ok(latest.clone());
            }
            if latest.hash.is_none() {
                // A transform saved without source gets it now, as LaminDB does.
                let mut t = latest.clone();
                t.hash = hash;
                t.source_code = opts.source_code.clone();
                t = t.save(self)?;
                return Ok(t);
            }
        }
        if let Some(hash) = &hash {
            // The same source under this key before: that version.
            let same = Transform::query()
                .filter(transform::KEY.eq(opts.key.as_str()) & transform::HASH.eq(hash.as_str()))
                .first(self)?;
            if let Some(t) = same {
                return Ok(t);
            }
        }
        let kind = opts.kind.clone().unwrap_or_else(|| "pipeline".into());
        let mut t = Transform::new(opts.key.clone(), kind);
        t.hash = hash;
        t.source_code = opts.source_code.clone();
        t.description = opts.description.clone();
        if let Some(latest) = latest {
            t.uid = next_version_uid(&latest.uid)?;
            let mut old = latest;
            old.is_latest = false;
            old.save(self)?;
        }
        t = t.save(self)?;
        Ok(t)
    }

    /// Links the artifacts `(id, run_id)` to the current run as its inputs (skipping those the
    /// run made); nothing without a current run.
    pub(crate) fn link_run_inputs(&self, artifacts: &[(i64, Option<i64>)]) -> Result<()> {
        match self.current_run_id() {
            Some(run) => self.link_run(tables::ARTIFACT_INPUT_OF_RUNS, run, artifacts),
            None => Ok(()),
        }
    }

    /// Records `run` among the re-creating runs of the artifacts (returned by dedup).
    pub(crate) fn link_recreating_run(&self, run: i64, artifacts: &[(i64, Option<i64>)]) -> Result<()> {
        self.link_run(tables::ARTIFACT_RECREATING_RUNS, run, artifacts)
    }

    /// Inserts `(artifact_id, run)` into `table` for each artifact `(id, made_by_run)` that
    /// `run` did not make, unless the link exists.
    fn link_run(&self, table: &str, run: i64, artifacts: &[(i64, Option<i64>)]) -> Result<()> {
        for &(artifact, made_by) in artifacts {
            if made_by == Some(run) {
                continue;
            }
            let columns = [
                ("artifact_id", Value::Int(artifact), SqlType::Int),
                ("run_id", Value::Int(run), SqlType::BigInt),
            ];
            crate::records::insert_link(self, table, &columns, 2)?;
        }
        Ok(())
    }
}

/// The uid of the next version after `uid` (same 12-character stem, suffix + 1).
fn next_version_uid(uid: &str) -> Result<String> {
    let (stem, suffix) = uid.split_at(uid.len().saturating_sub(4));
    let n = decode_base62(suffix).ok_or_else(|| Error::InvalidIdentifier {
        identifier: uid.to_string(),
        message: format!("{uid} has no version suffix"),
    })?;
    Ok(format!("{stem}{}", encode_base62(n + 1, 4)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_keep_the_stem() {
        assert_eq!(next_version_uid("abcdefghijkl0000").unwrap(), "abcdefghijkl0001");
        assert_eq!(next_version_uid("abcdefghijkl000z").unwrap(), "abcdefghijkl0010");
        for code in -3..=2 {
            assert_eq!(RunStatus::from_code(code).unwrap().code(), code);
        }
        assert_eq!(RunStatus::from_code(3), None);
    }
}
