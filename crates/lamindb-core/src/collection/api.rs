//! Collections as methods of [`Collection`].

use crate::error::Result;
use crate::models::{Artifact, Collection};
use crate::pool::Instance;

impl Collection {
    /// Makes the collection `key` of `artifacts`, in their order (LaminDB's
    /// `Collection(artifacts, key=key).save()`): a collection with the same artifacts (the same
    /// hash) is returned instead (`false`); a different set under an existing key is a new
    /// version of it. The same artifact twice is refused.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
    /// use lamindb_core::{Artifact, Collection};
    ///
    /// std::fs::write(tmp.path().join("a.txt"), "one")?;
    /// std::fs::write(tmp.path().join("b.txt"), "two")?;
    /// let a = Artifact::from_path(tmp.path().join("a.txt")).key("a.txt").save(&inst)?;
    /// let b = Artifact::from_path(tmp.path().join("b.txt")).key("b.txt").save(&inst)?;
    /// let (collection, created) = Collection::create(&inst, "pair", &[b.clone(), a.clone()], None)?;
    /// assert!(created);
    /// let members: Vec<_> = collection.artifacts(&inst)?.into_iter().map(|m| m.uid).collect();
    /// assert_eq!(members, [b.uid, a.uid]);
    /// # Ok(()) }
    /// ```
    pub fn create(
        inst: &Instance,
        key: &str,
        artifacts: &[Artifact],
        description: Option<&str>,
    ) -> Result<(Collection, bool)> {
        inst.create_collection(key, artifacts, description)
    }

    /// The artifacts of the collection in its order (LaminDB's `ordered_artifacts`).
    pub fn artifacts(&self, inst: &Instance) -> Result<Vec<Artifact>> {
        inst.collection_artifacts(self)
    }
}
