//! Between instances (run with `cargo bench -p lamindb-tests --bench transfer`, or
//! `cargo xtask bench transfer`): an instance of 100 000 labels and 10 000 artifacts with labels
//! and feature values, made by a tracked run; then
//! - `transfer_artifacts` of the 10 000 artifacts into a new SQLite instance (three fresh
//!   targets), beside the same artifact rows copied by one raw `INSERT … SELECT` between two
//!   attached SQLite files (the physical baseline), and Python LaminDB 2.12.1 transferring 1000
//!   artifacts between two local instances (`scripts/python-transfer-bench.py`) when its venv is
//!   installed;
//! - the Parquet export and a load of it into a new instance;
//! - with `LAMIN_TEST_POSTGRES_URL`, the move of the whole instance to PostgreSQL, beside a `cp`
//!   of its SQLite file, checked: `df` of every registry (all rows, all branches) identical before
//!   and after, and artifacts load.
//!
//! One JSON line per workload: n, seconds, rows/s.

use lamindb_core::ULabel;
use std::time::{Duration, Instant};

use diesel::{Connection, RunQueryDsl};
use lamindb_core::models::all_registries;
use lamindb_core::records::NameMatch;
use lamindb_core::{
    Artifact, ArtifactOptions, ArtifactSource, Feature, Instance, NoProgress, QuerySet, SQLRecord,
    TrackOptions,
};
use lamindb_frame::{DataFrame, DfOptions, df};
use lamindb_tests::{Backend, PgDatabase, TestInstance, postgres_url};
use serde_json::json;

const LABELS: usize = 100_000;
const ARTIFACTS: usize = 10_000;
/// Artifacts Python LaminDB transfers in the baseline (it transfers record by record).
const PYTHON_ARTIFACTS: usize = 1_000;

fn report(workload: &str, n: usize, took: Duration) {
    let secs = took.as_secs_f64();
    println!("{}", json!({"workload": workload, "n": n, "seconds": secs, "rows_per_s": n as f64 / secs}));
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// The source instance: labels, features, a run, annotated artifacts.
fn source() -> (TestInstance, Vec<Artifact>) {
    let t = TestInstance::named(Backend::Sqlite, "lab");
    let names: Vec<String> = (0..LABELS).map(|i| format!("label {i}")).collect();
    ULabel::bulk_create(&t.inst, &names, None, NameMatch::AlwaysCreate).expect("labels");
    Feature::new("n_cells", "int").save(&t.inst).expect("feature");
    Feature::new("tissue", "cat[ULabel]").save(&t.inst).expect("feature");
    let files = t.path("files");
    std::fs::create_dir_all(&files).expect("files dir");
    for i in 0..ARTIFACTS {
        std::fs::write(files.join(format!("f{i:05}.csv")), format!("x\n{i}\n")).expect("file");
    }
    let run = t.inst.track(TrackOptions::new("make.py")).expect("track");
    let sources = ArtifactSource::files_of_dir(&files, Some("raw")).expect("walk");
    Artifact::create_many(&t.inst, &sources, &ArtifactOptions::default(), &NoProgress).expect("save");
    let arts =
        Artifact::query().order_by(lamindb_core::fields::artifact::ID).all(&t.inst).expect("artifacts");
    t.inst
        .transaction(|tx| -> lamindb_core::Result<_> {
            for (i, a) in arts.iter().enumerate() {
                let values = [("n_cells", json!(i)), ("tissue", json!(format!("label {}", i % 1000)))];
                a.add_feature_values(&tx, &values)?;
            }
            Ok(())
        })
        .expect("annotate");
    run.finish().expect("finish");
    (t, arts)
}

/// Python LaminDB 2.12.1 transferring `n` artifacts between two local instances
/// (`scripts/python-transfer-bench.py`), when its venv is installed (`scripts/python-env.sh`).
fn python_baseline(n: usize) {
    let venv = std::env::var("LAMIN_TEST_VENV").unwrap_or_else(|_| "/var/tmp/lamindb-rs-venv".into());
    let python = std::path::Path::new(&venv).join("bin/python");
    if !python.exists() {
        eprintln!(
            "transfer bench: skipped: Python LaminDB baseline (no venv at {venv}; run scripts/python-env.sh)"
        );
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/python-transfer-bench.py");
    let out = std::process::Command::new(&python)
        .arg(script)
        .arg(tmp.path().join("W"))
        .arg(tmp.path().join("S"))
        .arg(n.to_string())
        .output()
        .expect("run python");
    let line = String::from_utf8_lossy(&out.stdout).lines().last().unwrap_or_default().to_string();
    let Ok(result) = serde_json::from_str::<serde_json::Value>(&line) else {
        eprintln!("transfer bench: the Python baseline failed: {}", String::from_utf8_lossy(&out.stderr));
        return;
    };
    let secs = result["transfer_seconds"].as_f64().unwrap_or_default();
    report(
        &format!(
            "Python LaminDB 2.12.1 transfer of {n} artifacts ({}) (baseline)",
            result["api"].as_str().unwrap_or("?")
        ),
        n,
        Duration::from_secs_f64(secs),
    );
}

fn frames(inst: &Instance) -> Vec<(&'static str, DataFrame)> {
    all_registries()
        .into_iter()
        .map(|r| (r.name, df(inst, &QuerySet::new(r).all_branches(), &DfOptions::all()).expect("df")))
        .collect()
}

fn main() {
    let t = Instant::now();
    let (src, arts) = source();
    report("setup: 100k labels, 10k annotated artifacts", LABELS + ARTIFACTS, t.elapsed());

    // Transfer into fresh targets.
    let mut times = Vec::new();
    for round in 0..3 {
        let dst = TestInstance::named(Backend::Sqlite, &format!("mine{round}"));
        let start = Instant::now();
        let s = dst.inst.transfer_from(&src.inst).artifacts(&arts).expect("transfer");
        times.push(start.elapsed());
        assert_eq!(s.transferred.len(), ARTIFACTS);
    }
    report("transfer 10k artifacts with labels and features (SQLite → SQLite)", ARTIFACTS, median(times));

    // The physical baseline: the artifact rows alone, one INSERT … SELECT between two files.
    let mut times = Vec::new();
    for round in 0..3 {
        let dst = TestInstance::named(Backend::Sqlite, &format!("raw{round}"));
        let path = dst.inst.settings().sqlite_path();
        let mut db = diesel::SqliteConnection::establish(&path.display().to_string()).expect("open");
        let src_path = src.inst.settings().sqlite_path();
        diesel::sql_query(format!("ATTACH DATABASE '{}' AS src", src_path.display()))
            .execute(&mut db)
            .unwrap();
        let start = Instant::now();
        diesel::sql_query(
            "INSERT INTO lamindb_artifact (uid, key, suffix, size, hash, _hash_type, _key_is_virtual, \
             _overwrite_versions, is_latest, storage_id, created_by_id, created_at, updated_at) \
             SELECT uid, key, suffix, size, hash, _hash_type, _key_is_virtual, _overwrite_versions, is_latest, \
             1, 1, created_at, updated_at FROM src.lamindb_artifact",
        )
        .execute(&mut db)
        .expect("raw copy");
        times.push(start.elapsed());
    }
    report("raw SQLite INSERT … SELECT of the 10k artifact rows (baseline)", ARTIFACTS, median(times));
    python_baseline(PYTHON_ARTIFACTS);

    // Export and load.
    let dir = src.path("export");
    let start = Instant::now();
    let tables = lamindb_frame::io::export_dir(&src.inst, &dir, |_, _| {}).expect("export");
    let rows: usize = tables.iter().map(|(_, n)| n).sum();
    report("io export (Parquet, every table)", rows, start.elapsed());
    let copy = TestInstance::named(Backend::Sqlite, "copy");
    let start = Instant::now();
    copy.inst.io().import(lamindb_frame::io::read_export(&dir).expect("read")).expect("import");
    report("io import into a new SQLite instance", rows, start.elapsed());

    if postgres_url().is_none() {
        eprintln!("transfer bench: skipped: move to PostgreSQL (LAMIN_TEST_POSTGRES_URL not set)");
        return;
    }
    let before = frames(&src.inst);
    let file = src.inst.settings().sqlite_path();
    let start = Instant::now();
    std::fs::copy(&file, src.path("lamin.db.copy")).expect("cp");
    report("cp of the SQLite file (baseline)", rows, start.elapsed());
    let pg = PgDatabase::create();
    let start = Instant::now();
    let (moved, report_) = src.inst.io().move_to(pg.url()).expect("move");
    report("io move SQLite → PostgreSQL (100k labels, 10k artifacts)", rows, start.elapsed());
    // Everything but Django's journal, which the target writes for its own schema.
    let journal = tables.iter().find(|(t, _)| t == "django_migrations").map_or(0, |(_, n)| *n);
    assert_eq!(report_.tables.iter().map(|(_, n)| n).sum::<usize>(), rows - journal);
    let after = frames(&moved);
    for ((name, a), (_, b)) in before.iter().zip(&after) {
        assert_eq!(a, b, "{name} differs after the move");
    }
    let last = Artifact::query()
        .order_by(lamindb_core::fields::artifact::ID.desc())
        .first(&moved)
        .expect("query")
        .expect("artifact");
    assert!(last.cache(&moved).expect("load").exists());
    eprintln!("transfer bench: df of every registry identical after the move; artifacts load");
}
