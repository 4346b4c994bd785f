//! Lineage read back: which run made an artifact, of which transform, from which inputs, and
//! so on upward (LaminDB's `describe()` provenance and `view_lineage()`).
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let tmp = tempfile::tempdir()?;
//! # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
//! # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
//! # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
//! use lamindb_core::{Artifact, TrackOptions};
//!
//! std::fs::write(tmp.path().join("raw.txt"), "raw")?;
//! let raw = Artifact::from_path(tmp.path().join("raw.txt")).key("raw.txt").save(&inst)?;
//! let run = inst.track(TrackOptions::new("clean"))?;
//! raw.cache(&inst)?;
//! std::fs::write(tmp.path().join("clean.txt"), "clean")?;
//! let clean = Artifact::from_path(tmp.path().join("clean.txt")).key("clean.txt").save(&inst)?;
//! run.finish()?;
//!
//! let made = clean.provenance(&inst, 3)?.expect("made by a run");
//! assert_eq!(made.transform.key, "clean");
//! assert_eq!(made.inputs[0].artifact.uid, raw.uid);
//! assert!(made.inputs[0].made_by.is_none(), "raw was saved outside a run");
//! # Ok(()) }
//! ```

mod api;

use std::collections::HashSet;

use crate::error::Result;
use crate::fields::{artifact, run};
use crate::models::{Artifact, Run, Transform};
use crate::pool::Instance;
use crate::registry::SQLRecord;
use crate::track::RunStatus;

/// The run that made something, its transform, and its inputs with their own provenance.
#[derive(Clone, Debug)]
pub struct Provenance {
    /// The run.
    pub run: Run,
    /// The run's transform.
    pub transform: Transform,
    /// The run's status, when it is one of LaminDB's codes.
    pub status: Option<RunStatus>,
    /// The run that started this run, if any.
    pub initiated_by: Option<Run>,
    /// The artifacts the run read, each with the run that made it (down to the depth asked for).
    pub inputs: Vec<Input>,
}

/// An input of a run, with its own provenance.
#[derive(Clone, Debug)]
pub struct Input {
    /// The artifact read.
    pub artifact: Artifact,
    /// The run that made it, unless it was saved outside a run, the depth was reached, or it
    /// was shown already further down (a run reached twice is expanded once).
    pub made_by: Option<Box<Provenance>>,
}

impl Instance {
    /// The provenance of `artifact`: the run that made it and, `depth` runs upward, the runs that
    /// made their inputs. `None` for an artifact saved outside a run.
    pub(crate) fn provenance(&self, artifact: &Artifact, depth: usize) -> Result<Option<Provenance>> {
        let Some(run_id) = artifact.run_id else { return Ok(None) };
        if depth == 0 {
            return Ok(None);
        }
        let run = Run::get_by_id(self, run_id)?;
        Ok(Some(self.run_provenance(&run, depth)?))
    }

    /// The provenance of `run`: its transform, its inputs and, `depth − 1` runs further up, the
    /// runs that made them.
    pub(crate) fn run_provenance(&self, run: &Run, depth: usize) -> Result<Provenance> {
        let mut seen = HashSet::new();
        self.provenance_of(run, depth.max(1), &mut seen)
    }

    /// The artifacts `run` saved (its outputs), oldest first.
    pub(crate) fn run_outputs(&self, run: &Run) -> Result<Vec<Artifact>> {
        let id = run.id.unwrap_or_default();
        Artifact::filter(artifact::RUN_ID.eq(id)).order_by(artifact::ID).all(self)
    }

    /// The artifacts `run` read (its inputs), oldest first.
    pub(crate) fn run_inputs(&self, run: &Run) -> Result<Vec<Artifact>> {
        let id = run.id.unwrap_or_default();
        Artifact::filter(artifact::INPUT_OF_RUNS.then(run::ID).eq(id)).order_by(artifact::ID).all(self)
    }

    fn provenance_of(&self, run: &Run, depth: usize, seen: &mut HashSet<i64>) -> Result<Provenance> {
        seen.insert(run.id.unwrap_or_default());
        let transform = Transform::get_by_id(self, run.transform_id)?;
        let initiated_by = run.initiated_by_run_id.map(|id| Run::get_by_id(self, id)).transpose()?;
        let mut inputs = Vec::new();
        for a in self.run_inputs(run)? {
            let made_by = match a.run_id {
                Some(id) if depth > 1 && !seen.contains(&id) => {
                    let up = Run::get_by_id(self, id)?;
                    Some(Box::new(self.provenance_of(&up, depth - 1, seen)?))
                }
                _ => None,
            };
            inputs.push(Input { artifact: a, made_by });
        }
        Ok(Provenance {
            status: run.status_code.and_then(RunStatus::from_code),
            run: run.clone(),
            transform,
            initiated_by,
            inputs,
        })
    }
}
