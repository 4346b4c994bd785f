//! Lineage as methods of artifacts and runs.

use super::Provenance;
use crate::error::Result;
use crate::models::{Artifact, Run};
use crate::pool::Instance;

impl Artifact {
    /// The run that made the artifact with its transform, inputs and the runs that made them, to
    /// `depth` levels of inputs (what `lamin describe` draws); `None` for an artifact made
    /// outside a run.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
    /// use lamindb_core::{Artifact, TrackOptions};
    ///
    /// std::fs::write(tmp.path().join("a.txt"), "one")?;
    /// let run = inst.track(TrackOptions::new("make.py"))?;
    /// let artifact = Artifact::from_path(tmp.path().join("a.txt")).save(&inst)?;
    /// let made = run.finish()?;
    /// let provenance = artifact.provenance(&inst, 1)?.expect("made by a run");
    /// assert_eq!(provenance.run.uid, made.uid);
    /// assert_eq!(provenance.transform.key, "make.py");
    /// assert_eq!(made.outputs(&inst)?.len(), 1);
    /// assert!(made.inputs(&inst)?.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn provenance(&self, inst: &Instance, depth: usize) -> Result<Option<Provenance>> {
        inst.provenance(self, depth)
    }
}

impl Run {
    /// The run with its transform, inputs and the runs that made them, to `depth` levels.
    pub fn provenance(&self, inst: &Instance, depth: usize) -> Result<Provenance> {
        inst.run_provenance(self, depth)
    }

    /// The artifacts the run made.
    pub fn outputs(&self, inst: &Instance) -> Result<Vec<Artifact>> {
        inst.run_outputs(self)
    }

    /// The artifacts the run read (its inputs).
    pub fn inputs(&self, inst: &Instance) -> Result<Vec<Artifact>> {
        inst.run_inputs(self)
    }
}
