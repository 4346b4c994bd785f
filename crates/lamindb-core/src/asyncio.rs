//! Async entry points (cargo feature `tokio`): the blocking operations run on tokio's blocking
//! thread pool, so that a runtime worker never waits for SQL or storage.
//!
//! The blocking operations themselves may also be called from async code (they do not panic
//! there), but they then hold the runtime's thread until they return: on a current-thread
//! runtime nothing else runs meanwhile. These variants avoid that.

use crate::error::{Error, Result};

/// Runs `f` on tokio's blocking pool and awaits it.
pub(crate) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    match tokio::task::spawn_blocking(f).await {
        Ok(out) => out,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(Error::InvalidArgument(format!("the blocking task was cancelled: {e}"))),
    }
}

impl<R: crate::SQLRecord> crate::Query<R> {
    /// `f` applied to this query and `inst` on a blocking thread of the tokio runtime.
    fn on_pool<T: Send + 'static>(
        &self,
        inst: &crate::Instance,
        f: impl FnOnce(&Self, &crate::Instance) -> Result<T> + Send + 'static,
    ) -> impl std::future::Future<Output = Result<T>> + Send {
        let (query, inst) = (self.clone(), inst.clone());
        blocking(move || f(&query, &inst))
    }

    /// [`Query::all`](crate::Query::all) on a blocking thread of the tokio runtime.
    pub fn all_async(
        &self,
        inst: &crate::Instance,
    ) -> impl std::future::Future<Output = Result<Vec<R>>> + Send {
        self.on_pool(inst, |q, i| q.all(i))
    }

    /// [`Query::first`](crate::Query::first) on a blocking thread of the tokio runtime.
    pub fn first_async(
        &self,
        inst: &crate::Instance,
    ) -> impl std::future::Future<Output = Result<Option<R>>> + Send {
        self.on_pool(inst, |q, i| q.first(i))
    }

    /// [`Query::count`](crate::Query::count) on a blocking thread of the tokio runtime.
    pub fn count_async(
        &self,
        inst: &crate::Instance,
    ) -> impl std::future::Future<Output = Result<usize>> + Send {
        self.on_pool(inst, |q, i| q.count(i))
    }
}

impl crate::Instance {
    /// [`Instance::open`](crate::Instance::open) on a blocking thread of the tokio runtime.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// let opts = lamindb_core::InitOptions {
    ///     storage: tmp.path().join("data").display().to_string(),
    ///     ..Default::default()
    /// };
    /// let runtime = tokio::runtime::Runtime::new()?;
    /// let inst = runtime.block_on(async {
    ///     lamindb_core::Instance::init_in_async(&settings, &opts).await?;
    ///     lamindb_core::Instance::open_async(tmp.path().join("data")).await
    /// })?;
    /// assert_eq!(inst.slug(), "anonymous/data");
    /// # Ok(()) }
    /// ```
    pub fn open_async(
        target: impl AsRef<std::path::Path>,
    ) -> impl std::future::Future<Output = Result<crate::Instance>> + Send {
        let target = target.as_ref().to_path_buf();
        blocking(move || crate::Instance::open(target))
    }

    /// [`Instance::init`](crate::Instance::init) on a blocking thread of the tokio runtime.
    pub fn init_in_async(
        dir: &crate::SettingsDir,
        opts: &crate::InitOptions,
    ) -> impl std::future::Future<Output = Result<(crate::Instance, crate::InitOutcome)>> + Send {
        let (dir, opts) = (dir.clone(), opts.clone());
        blocking(move || crate::Instance::init_in(&dir, &opts))
    }

    /// [`Artifact::cache`](crate::Artifact::cache) (a download for cloud
    /// artifacts) on a blocking thread of the tokio runtime.
    pub(crate) fn cache_artifact_async(
        &self,
        artifact: &crate::Artifact,
    ) -> impl std::future::Future<Output = Result<std::path::PathBuf>> + Send {
        let (artifact, inst) = (artifact.clone(), self.clone());
        blocking(move || inst.cache_artifact(&artifact))
    }

    /// [`TransferFrom::artifacts`](crate::TransferFrom::artifacts) on a blocking thread
    /// of the tokio runtime.
    pub(crate) fn transfer_artifacts_async(
        &self,
        source: &crate::Instance,
        artifacts: Vec<crate::Artifact>,
    ) -> impl std::future::Future<Output = Result<crate::TransferSummary>> + Send {
        let (source, inst) = (source.clone(), self.clone());
        blocking(move || inst.transfer_artifacts(&source, &artifacts))
    }
}
