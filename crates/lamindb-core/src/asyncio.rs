//! Async entry points (cargo feature `tokio`): the blocking operations run on tokio's blocking
//! thread pool, so that a runtime worker never waits for SQL or storage.

use crate::error::{Error, Result};

/// Runs `f` on tokio's blocking pool and awaits it.
pub(crate) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    match tokio::task::spawn_blocking(f).await {
        Ok(out) => out,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(Error::InvalidArgument(format!("the blocking task was cancelled: {e}"))),
    }
}
