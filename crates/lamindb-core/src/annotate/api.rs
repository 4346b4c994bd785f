//! Labels, feature values and project parents as methods of the records they annotate.

use serde_json::Value as J;

use super::ArtifactLabel;
use crate::error::Result;
use crate::models::{Artifact, Project};
use crate::pool::Instance;

impl Artifact {
    /// Links `labels` (ULabels, Projects or Records: an array, a slice or a `Vec` of
    /// references) to the artifact in one transaction; links that exist are kept.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
    /// use lamindb_core::{Artifact, SQLRecord, ULabel};
    ///
    /// std::fs::write(tmp.path().join("a.txt"), "one")?;
    /// let artifact = Artifact::from_path(tmp.path().join("a.txt")).key("a.txt").save(&inst)?;
    /// let lung = ULabel::new("lung").save(&inst)?;
    /// artifact.add_labels(&inst, [&lung])?;
    /// assert_eq!(ULabel::query().filter_eq("artifacts__uid", artifact.uid.as_str()).count(&inst)?, 1);
    /// artifact.remove_labels(&inst, [&lung])?;
    /// assert_eq!(ULabel::query().filter_eq("artifacts__uid", artifact.uid.as_str()).count(&inst)?, 0);
    /// # Ok(()) }
    /// ```
    pub fn add_labels<'a, L: ArtifactLabel + 'a>(
        &self,
        inst: &Instance,
        labels: impl IntoIterator<Item = &'a L>,
    ) -> Result<()> {
        inst.add_labels(self, &labels.into_iter().collect::<Vec<_>>())
    }

    /// Removes the links between the artifact and `labels` (with or without a feature).
    pub fn remove_labels<'a, L: ArtifactLabel + 'a>(
        &self,
        inst: &Instance,
        labels: impl IntoIterator<Item = &'a L>,
    ) -> Result<()> {
        inst.remove_labels(self, &labels.into_iter().collect::<Vec<_>>())
    }

    /// Annotates the artifact with feature values (LaminDB's `artifact.features.add_values`),
    /// each checked against its feature's dtype first: nothing is saved unless every value fits
    /// ([`Error::Validation`](crate::Error::Validation) lists what does not).
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
    /// use lamindb_core::{Artifact, Feature, SQLRecord};
    ///
    /// std::fs::write(tmp.path().join("a.txt"), "one")?;
    /// let artifact = Artifact::from_path(tmp.path().join("a.txt")).key("a.txt").save(&inst)?;
    /// Feature::new("temperature", "float").save(&inst)?;
    /// artifact.add_feature_values(&inst, &[("temperature", serde_json::json!(21.5))])?;
    /// assert!(artifact.add_feature_values(&inst, &[("temperature", serde_json::json!("warm"))]).is_err());
    /// # Ok(()) }
    /// ```
    pub fn add_feature_values(&self, inst: &Instance, values: &[(&str, J)]) -> Result<()> {
        inst.add_feature_values(self, values)
    }
}

impl Project {
    /// Makes `parents` parents of the project (LaminDB's `project.parents.add(…)`,
    /// `lamindb_project_parents`); links that exist are kept, a project is not its own parent.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
    /// use lamindb_core::{Project, SQLRecord};
    ///
    /// let atlas = Project::new("atlas").save(&inst)?;
    /// let lung = Project::new("lung atlas").save(&inst)?;
    /// lung.add_parents(&inst, [&atlas])?;
    /// assert!(atlas.add_parents(&inst, [&atlas]).is_err());
    /// # Ok(()) }
    /// ```
    pub fn add_parents<'a>(
        &self,
        inst: &Instance,
        parents: impl IntoIterator<Item = &'a Project>,
    ) -> Result<()> {
        inst.add_project_parents(self, &parents.into_iter().collect::<Vec<_>>())
    }
}
