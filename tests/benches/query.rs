//! Query workloads over 10 000 and 100 000 ULabels (run with `cargo bench -p lamindb-tests --bench
//! query`, or `cargo xtask bench`): bulk create, exact and startswith filters, searches and a
//! full listing. Prints one JSON line per workload: n, seconds (per operation), rows/s.

use std::time::{Duration, Instant};

use lamindb_core::query::search::{SearchOptions, search};
use lamindb_core::records::NameMatch;
use lamindb_core::{Q, QuerySet, Record, ULabel};
use lamindb_tests::{Backend, TestInstance};

fn report(backend: Backend, workload: &str, n: usize, per_op: Duration, rows: usize) {
    let secs = per_op.as_secs_f64();
    let line = serde_json::json!({
        "backend": format!("{backend:?}"),
        "workload": workload,
        "n": n,
        "seconds": secs,
        "rows_per_s": if secs > 0.0 { rows as f64 / secs } else { 0.0 },
    });
    println!("{line}");
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// A deterministic pseudo-random sequence (xorshift), so every run queries the same values.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

const WORDS: [&str; 8] = ["cell", "tissue", "gene", "donor", "batch", "assay", "tumor", "sample"];

fn run(backend: Backend, n: usize) {
    let t = TestInstance::new(backend);
    let names: Vec<String> =
        (0..n).map(|i| format!("{} {} label-{i}", WORDS[i % 8], WORDS[(i / 8) % 8])).collect();
    let start = Instant::now();
    let created = t.inst.bulk_create_ulabels(&names, None, NameMatch::AlwaysCreate).expect("bulk create");
    let took = start.elapsed();
    assert_eq!(created.created, n);
    report(backend, "bulk create ulabels", n, took, n);

    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut times = Vec::new();
    for _ in 0..100 {
        let name = &names[rng.below(n)];
        let qs = QuerySet::new(ULabel::REGISTRY).filter(Q::kw("name", name.as_str()).unwrap());
        let start = Instant::now();
        let rows = qs.rows(&t.inst).unwrap();
        times.push(start.elapsed());
        assert_eq!(rows.len(), 1);
    }
    report(backend, "exact filter (name=…)", n, median(times), 1);

    let mut times = Vec::new();
    let mut found = 0;
    for _ in 0..100 {
        let i = rng.below(n);
        let prefix = format!("{} {} label-{}", WORDS[i % 8], WORDS[(i / 8) % 8], i / 10);
        let qs = QuerySet::new(ULabel::REGISTRY).filter(Q::kw("name__startswith", prefix.as_str()).unwrap());
        let start = Instant::now();
        found += qs.rows(&t.inst).unwrap().len();
        times.push(start.elapsed());
    }
    report(backend, "startswith filter", n, median(times), found / 100);

    let mut times = Vec::new();
    let mut hits = 0;
    for _ in 0..50 {
        let query = format!("label-{}", rng.below(n));
        let start = Instant::now();
        hits += search(
            &t.inst,
            ULabel::REGISTRY,
            &query,
            &SearchOptions { limit: Some(20), ..Default::default() },
        )
        .unwrap()
        .len();
        times.push(start.elapsed());
    }
    report(backend, "search (limit 20)", n, median(times), hits / 50);

    let start = Instant::now();
    let all = QuerySet::new(ULabel::REGISTRY).rows(&t.inst).unwrap();
    report(backend, "full listing", n, start.elapsed(), all.len());
}

fn main() {
    // `cargo test` runs bench targets with --bench absent; only measure when asked to.
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return;
    }
    let mut backends = vec![Backend::Sqlite];
    if lamindb_tests::postgres_url().is_some() {
        backends.push(Backend::Postgres);
    } else {
        eprintln!("skipped: postgres (LAMIN_TEST_POSTGRES_URL not set)");
    }
    for backend in backends {
        for n in [10_000, 100_000] {
            run(backend, n);
        }
    }
}
