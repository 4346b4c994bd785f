//! What the library benchmarks (`tests/benches/`) share: whether to measure, sizes from the
//! environment, and a repeatable sequence of picks.

/// Whether the benchmark was asked to measure: `cargo test` runs bench targets with `--list` or
/// `--test`, where they should do nothing.
pub fn measuring() -> bool {
    !std::env::args().any(|a| a == "--list" || a == "--test")
}

/// The backends to measure: SQLite, and PostgreSQL when `LAMIN_TEST_POSTGRES_URL` is set (else
/// it is printed as skipped).
pub fn backends() -> Vec<crate::Backend> {
    let mut backends = vec![crate::Backend::Sqlite];
    if crate::postgres_url().is_some() {
        backends.push(crate::Backend::Postgres);
    } else {
        eprintln!("skipped: postgres (LAMIN_TEST_POSTGRES_URL not set)");
    }
    backends
}

/// The median of some timings.
pub fn median(mut times: Vec<std::time::Duration>) -> std::time::Duration {
    times.sort();
    times[times.len() / 2]
}

/// A field of `/proc/self/status` in KiB (`VmRSS`, `VmHWM`, …); resetting the peak is writing
/// `5` to `/proc/self/clear_refs`.
pub fn status_kib(field: &str) -> Option<i64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A size from the environment variable `var` (`1_000_000` and `1000000` alike), if set.
pub fn size(var: &str) -> Option<usize> {
    std::env::var(var).ok().and_then(|v| v.replace('_', "").parse().ok())
}

/// A deterministic pseudo-random sequence (xorshift), so every run picks the same values.
pub struct Rng(pub u64);

impl Rng {
    /// The next pick below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}
