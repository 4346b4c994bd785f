//! Query workloads over 10 000 and 100 000 ULabels (run with `cargo bench -p lamindb-tests --bench
//! query`, or `cargo xtask bench`): bulk create, exact and startswith filters, searches and a
//! full listing. Prints one JSON line per workload: n, seconds (per operation), rows/s.
//!
//! With `LAMIN_BENCH_LABELS=<n>` (`cargo xtask bench scale`), one size only, with the same
//! rows inserted by plain multi-row `INSERT`s beside the bulk create (the physical baseline) and
//! a DataFrame of every row (seconds, the frame's size, and the peak memory it took).

use std::time::{Duration, Instant};

use lamindb_core::query::search::{SearchOptions, search};
use lamindb_core::records::NameMatch;
use lamindb_core::{Q, QuerySet, SQLRecord, ULabel};
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

const WORDS: [&str; 8] = ["cell", "tissue", "gene", "donor", "batch", "assay", "tumor", "sample"];

fn run(backend: Backend, n: usize, large: bool) {
    let t = TestInstance::new(backend);
    let names: Vec<String> =
        (0..n).map(|i| format!("{} {} label-{i}", WORDS[i % 8], WORDS[(i / 8) % 8])).collect();
    if large {
        raw_insert(backend, &names);
    }
    let start = Instant::now();
    let created = ULabel::bulk_create(&t.inst, &names, None, NameMatch::AlwaysCreate).expect("bulk create");
    let took = start.elapsed();
    assert_eq!(created.created, n);
    report(backend, "bulk create ulabels", n, took, n);

    let mut rng = lamindb_tests::bench::Rng(0x2545_F491_4F6C_DD1D);
    let mut times = Vec::new();
    for _ in 0..100 {
        let name = &names[rng.below(n)];
        let qs = QuerySet::new(ULabel::REGISTRY).filter(Q::kw("name", name.as_str()).unwrap());
        let start = Instant::now();
        let rows = qs.rows(&t.inst).unwrap();
        times.push(start.elapsed());
        assert_eq!(rows.len(), 1);
    }
    report(backend, "exact filter (name=…)", n, lamindb_tests::bench::median(times), 1);

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
    report(backend, "startswith filter", n, lamindb_tests::bench::median(times), found / 100);

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
    report(backend, "search (limit 20)", n, lamindb_tests::bench::median(times), hits / 50);

    let start = Instant::now();
    let all = QuerySet::new(ULabel::REGISTRY).rows(&t.inst).unwrap();
    report(backend, "full listing", n, start.elapsed(), all.len());
    drop(all);

    if large {
        // The peak memory of the frame alone: the kernel's high-water mark is reset first.
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        let before = lamindb_tests::bench::status_kib("VmRSS");
        let start = Instant::now();
        let frame =
            lamindb_frame::df(&t.inst, &QuerySet::new(ULabel::REGISTRY), &Default::default()).unwrap();
        let took = start.elapsed();
        let peak = lamindb_tests::bench::status_kib("VmHWM");
        let size = frame.estimated_size() as f64;
        let line = serde_json::json!({
            "backend": format!("{backend:?}"),
            "workload": "df of every label",
            "n": n,
            "seconds": took.as_secs_f64(),
            "rows": frame.height(),
            "frame_mib": size / 1048576.0,
            "peak_above_start_mib": peak.zip(before).map(|(p, b)| (p - b) as f64 / 1024.0),
            "peak_over_frame_size": peak.zip(before).map(|(p, b)| (p - b) as f64 * 1024.0 / size),
        });
        println!("{line}");
    }
}

/// The same rows as the bulk create, inserted past the library: multi-row `INSERT`s of 1000
/// rows in one transaction, straight through diesel, with random uids of the same form.
fn raw_insert(backend: Backend, names: &[String]) {
    use diesel::{Connection, RunQueryDsl};
    let t = TestInstance::new(backend);
    let url = t.inst.settings().db_url().unwrap();
    let now = "2026-01-01 00:00:00";
    // Random uids as LaminDB makes them (distinct): the uid index does the same work as in the
    // bulk create.
    let mut seen = std::collections::HashSet::with_capacity(names.len());
    let mut uids =
        std::iter::repeat_with(|| lamindb_core::uid::base62(8)).filter(move |u| seen.insert(u.clone()));
    let statements: Vec<String> = names
        .chunks(1000)
        .map(|chunk| {
            let values: Vec<String> = chunk
                .iter()
                .map(|name| {
                    format!("('{}', '{name}', 1, '{now}', '{now}')", uids.next().expect("one uid per name"))
                })
                .collect();
            format!(
                "INSERT INTO lamindb_ulabel (uid, name, created_by_id, created_at, updated_at) VALUES {}",
                values.join(", ")
            )
        })
        .collect();
    let start = Instant::now();
    match url.strip_prefix("sqlite://") {
        Some(path) => {
            let mut db = diesel::SqliteConnection::establish(path).unwrap();
            db.transaction::<_, diesel::result::Error, _>(|db| {
                for s in &statements {
                    diesel::sql_query(s).execute(db).unwrap();
                }
                Ok(())
            })
            .unwrap();
        }
        None => {
            let mut db = diesel::PgConnection::establish(&url).unwrap();
            db.transaction::<_, diesel::result::Error, _>(|db| {
                for s in &statements {
                    diesel::sql_query(s).execute(db).unwrap();
                }
                Ok(())
            })
            .unwrap();
        }
    }
    report(backend, "raw multi-row INSERTs (baseline)", names.len(), start.elapsed(), names.len());
}

fn main() {
    if !lamindb_tests::bench::measuring() {
        return;
    }
    let large = lamindb_tests::bench::size("LAMIN_BENCH_LABELS");
    for backend in lamindb_tests::bench::backends() {
        match large {
            Some(n) => run(backend, n, true),
            None => {
                for n in [10_000, 100_000] {
                    run(backend, n, false);
                }
            }
        }
    }
}
