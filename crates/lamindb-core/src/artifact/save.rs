//! The save pipeline of artifacts: check, place and hash every source (`prepare.rs`); plan
//! (dedup by hash, new versions by key: `plan.rs`); insert the rows flagged "storage ongoing";
//! copy the bytes in parallel; clear the flags (`commit.rs`; see the module docs of
//! [`crate::artifact`]). This file holds the entry points: one batch, or a stream of sources
//! saved in batches by a two-stage pipeline.

use std::path::Path;

use super::prepare::Prepared;
use super::*;
use crate::pool::Instance;

impl Instance {
    /// Creates (or finds) the artifact of one local file or folder; see the module docs.
    pub(crate) fn create_artifact(
        &self,
        path: &Path,
        opts: &ArtifactOptions,
    ) -> Result<(Artifact, ArtifactOutcome)> {
        let source = ArtifactSource { path: path.to_path_buf(), key: opts.key.clone() };
        let opts = ArtifactOptions { key: None, ..opts.clone() };
        let mut out = self.create_artifacts(&[source], &opts, &NoProgress)?;
        Ok(out.pop().expect("one artifact per source"))
    }

    /// Creates (or finds) the artifacts of many local files or folders: hashes them, looks up
    /// existing hashes and keys with a few `IN (…)` queries, inserts the new rows in one
    /// transaction, copies the bytes in parallel, and clears the "storage ongoing" flags in one
    /// statement. Results are in the order of `sources`.
    ///
    /// When a copy fails, its row is deleted, the other artifacts stay saved, and the first error
    /// is returned.
    pub(crate) fn create_artifacts(
        &self,
        sources: &[ArtifactSource],
        opts: &ArtifactOptions,
        progress: &dyn Progress,
    ) -> Result<Vec<(Artifact, ArtifactOutcome)>> {
        let out = self.save_batch(sources, opts, progress);
        progress.finish();
        out
    }

    /// Creates (or finds) the artifacts of a stream of sources, such as
    /// [`ArtifactSource::walk_dir`]'s, in batches: memory stays flat however many files there
    /// are. `each` sees every result in order; the totals are returned.
    ///
    /// Each batch is saved as [`Artifact::create_many`](crate::Artifact::create_many) saves it. When a batch fails, the
    /// batches before it stay saved, and saving the same sources again completes the work.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
    /// use lamindb_core::{Artifact, ArtifactOptions, ArtifactSource, NoProgress};
    ///
    /// let dir = tmp.path().join("images");
    /// std::fs::create_dir_all(dir.join("a"))?;
    /// std::fs::write(dir.join("a/1.txt"), "one")?;
    /// std::fs::write(dir.join("2.txt"), "two")?;
    /// let sources = ArtifactSource::walk_dir(&dir, None)?;
    /// let mut keys = Vec::new();
    /// let summary = Artifact::save_streamed(&inst, sources, &ArtifactOptions::default(), &NoProgress, |a, _| {
    ///     keys.push(a.key.clone().unwrap_or_default());
    ///     Ok(())
    /// })?;
    /// assert_eq!(summary.created, 2);
    /// assert_eq!(keys, ["images/2.txt", "images/a/1.txt"]);
    /// # Ok(()) }
    /// ```
    pub(crate) fn create_artifacts_streamed(
        &self,
        sources: impl IntoIterator<Item = Result<ArtifactSource>>,
        opts: &ArtifactOptions,
        progress: &dyn Progress,
        mut each: impl FnMut(&Artifact, &ArtifactOutcome) -> Result<()>,
    ) -> Result<SaveSummary> {
        if opts.key.is_some() {
            return Err(Error::InvalidOptions {
                message: "a key names one artifact: give each source its own key".into(),
            });
        }
        let size = if opts.batch == 0 { BATCH } else { opts.batch };
        let mut sources = sources.into_iter();
        let mut summary = SaveSummary::default();
        // A pipeline of two: while batch k is planned, inserted and copied here, batch k + 1 is
        // checked and hashed on another thread.
        let result = (|| {
            let env = self.save_env(opts)?;
            std::thread::scope(|scope| {
                let mut pending: Option<std::thread::ScopedJoinHandle<'_, Result<Vec<Prepared>>>> = None;
                loop {
                    let mut batch = Vec::with_capacity(size.min(1024));
                    let mut failed = None;
                    while batch.len() < size {
                        match sources.next() {
                            Some(Ok(src)) => batch.push(src),
                            Some(Err(e)) => {
                                failed = Some(e);
                                break;
                            }
                            None => break,
                        }
                    }
                    let env = &env;
                    let next = (!batch.is_empty() && failed.is_none())
                        .then(|| scope.spawn(move || self.prepare_batch(env, &batch, opts, progress)));
                    if let Some(job) = pending.take() {
                        let prepared = job.join().unwrap_or_else(|p| std::panic::resume_unwind(p))?;
                        for (a, outcome) in self.commit_prepared(env, &prepared, opts, progress)? {
                            summary.count(&outcome);
                            each(&a, &outcome)?;
                        }
                    }
                    if let Some(e) = failed {
                        return Err(e);
                    }
                    match next {
                        Some(job) => pending = Some(job),
                        None => return Ok(summary),
                    }
                }
            })
        })();
        progress.finish();
        result
    }
    fn save_batch(
        &self,
        sources: &[ArtifactSource],
        opts: &ArtifactOptions,
        progress: &dyn Progress,
    ) -> Result<Vec<(Artifact, ArtifactOutcome)>> {
        if opts.key.is_some() && sources.len() != 1 {
            return Err(Error::InvalidOptions {
                message: "a key names one artifact: pass one path with a key, or one key per path".into(),
            });
        }
        let env = self.save_env(opts)?;
        let prepared = self.prepare_batch(&env, sources, opts, progress)?;
        self.commit_prepared(&env, &prepared, opts, progress)
    }
}
