//! The tokio runtime that drives opendal, and how blocking calls stay usable from async code.
//!
//! [`Store`](crate::Store) uses opendal's blocking API, which waits on futures with
//! `Handle::block_on` of one process-wide multi-thread runtime owned by this module. tokio
//! refuses (panics) to block a thread that already runs a runtime: a worker of a multi-thread
//! runtime, the thread of a current-thread runtime, any code under `#[tokio::main]`. So every
//! opendal call of this crate goes through [`off_runtime`]: when the calling thread is inside a
//! tokio runtime (`Handle::try_current` succeeds), the call runs on a short-lived plain thread
//! (`std::thread::scope`) and the caller waits for it; otherwise it runs right here, and the only
//! cost is one thread-local lookup. A scoped thread works on both runtime flavours (tokio's
//! `block_in_place` does not work on a current-thread runtime) and borrows what the call needs.
//!
//! Inside a runtime, the blocking call still blocks the caller's thread (a current-thread runtime
//! makes no progress meanwhile): async code that must not wait should use lamindb-core's
//! `*_async` functions, which run the call on tokio's blocking pool.

use std::collections::VecDeque;
use std::sync::{LazyLock, Once};

/// Entries a paged iterator ([`OffRuntime`]) fetches per hop off the caller's runtime.
const PAGE: usize = 1000;

/// The runtime that drives all opendal futures of this crate.
pub(crate) static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("lamindb-storage")
        .enable_all()
        .build()
        .expect("cannot start the tokio runtime of lamindb-storage")
});

/// Installs opendal's default services and transport, once per process.
pub(crate) fn install_opendal() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        opendal::install_default();
        // With the native-tls transport, `install_default` does not install the HTTP transport.
        #[cfg(feature = "http-transport")]
        opendal_http_transport_reqwest::install_default();
    });
}

/// Whether the calling thread is inside a tokio runtime, where opendal's blocking calls panic.
fn in_runtime() -> bool {
    tokio::runtime::Handle::try_current().is_ok()
}

/// Runs `f`, which makes blocking opendal calls, where they are allowed: right here outside a
/// tokio runtime, else on a scoped plain thread. A panic in `f` is resumed in the caller.
pub(crate) fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if !in_runtime() {
        return f();
    }
    std::thread::scope(|s| match s.spawn(f).join() {
        Ok(out) => out,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

/// [`off_runtime`] for work that reports progress through a callback that need not be `Send`:
/// inside a runtime, `f` gets a callback that forwards each count to the calling thread, which
/// calls `progress` with it while `f` runs.
pub(crate) fn off_runtime_with_progress<T: Send>(
    progress: &mut dyn FnMut(u64),
    f: impl FnOnce(&mut dyn FnMut(u64)) -> T + Send,
) -> T {
    if !in_runtime() {
        return f(progress);
    }
    let (tx, rx) = std::sync::mpsc::channel::<u64>();
    std::thread::scope(|s| {
        let worker = s.spawn(move || {
            let mut forward = |n: u64| {
                // The receiver lives until this thread is joined.
                let _ = tx.send(n);
            };
            f(&mut forward)
        });
        // Ends when the worker drops its sender, that is when `f` returns or panics.
        for n in rx {
            progress(n);
        }
        match worker.join() {
            Ok(out) => out,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// An iterator over an opendal iterator (a lister) that is safe inside a tokio runtime: items
/// are fetched [`PAGE`] at a time through [`off_runtime`], and the inner iterator is dropped
/// the same way (opendal's listers block in their `drop`).
pub(crate) struct OffRuntime<I: Iterator + Send>
where
    I::Item: Send,
{
    inner: Option<I>,
    page: VecDeque<I::Item>,
}

impl<I: Iterator + Send> OffRuntime<I>
where
    I::Item: Send,
{
    pub(crate) fn new(inner: I) -> Self {
        OffRuntime { inner: Some(inner), page: VecDeque::new() }
    }
}

impl<I: Iterator + Send> Iterator for OffRuntime<I>
where
    I::Item: Send,
{
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        if self.page.is_empty() {
            let inner = self.inner.as_mut()?;
            self.page = off_runtime(|| inner.by_ref().take(PAGE).collect());
            if self.page.len() < PAGE {
                let done = self.inner.take();
                off_runtime(move || drop(done));
            }
        }
        self.page.pop_front()
    }
}

impl<I: Iterator + Send> Drop for OffRuntime<I>
where
    I::Item: Send,
{
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            off_runtime(move || drop(inner));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on_current_thread_runtime<T>(f: impl FnOnce() -> T) -> T {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async { f() })
    }

    #[test]
    fn off_runtime_leaves_the_runtime_only_inside_one() {
        let here = std::thread::current().id();
        assert_eq!(off_runtime(|| std::thread::current().id()), here);
        let inside = on_current_thread_runtime(|| (in_runtime(), off_runtime(in_runtime)));
        assert_eq!(inside, (true, false));
    }

    #[test]
    fn progress_reaches_the_caller_from_the_other_thread() {
        let mut seen = Vec::new();
        let out = on_current_thread_runtime(|| {
            off_runtime_with_progress(&mut |n| seen.push(n), |p| {
                assert!(!in_runtime());
                (1..=3).for_each(&mut *p);
                7
            })
        });
        assert_eq!((out, seen), (7, vec![1, 2, 3]));
    }

    #[test]
    fn paged_iteration_yields_every_item_in_order() {
        let items: Vec<usize> = on_current_thread_runtime(|| OffRuntime::new(0..2500).collect());
        assert_eq!(items, (0..2500).collect::<Vec<_>>());
        let first: Vec<usize> = OffRuntime::new(0..10).take(3).collect();
        assert_eq!(first, vec![0, 1, 2]);
    }

    #[test]
    #[should_panic(expected = "inside")]
    fn a_panic_off_the_runtime_reaches_the_caller() {
        on_current_thread_runtime(|| off_runtime(|| panic!("inside")));
    }
}
