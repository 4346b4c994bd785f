//! Artifact `df(features=…)` over `n` artifacts with 5 features (run with `cargo bench -p
//! lamindb-tests --bench features`, or `cargo xtask bench scale`): `n` from
//! `LAMIN_BENCH_ARTIFACTS` (default 100 000; the scale bench runs 1 000 000, the target
//! is under 10 s there).
//!
//! Set-up (timed apart, its own line): five features as LaminDB has them — `cell_type`
//! `cat[ULabel]` (8 labels, links in `lamindb_artifactulabel` with the feature's id), `donor`
//! `str`, `n_cells` `int`, `score` `float` and `is_qc` `bool` (shared `lamindb_jsonvalue` rows,
//! one per feature and value hash, linked through `lamindb_artifactjsonvalue`); `n` artifact rows
//! through the public bulk insert (`inst.registry(reg).bulk_insert`); the first 1000 artifacts annotated
//! through `Artifact::add_feature_values` (which makes every distinct JSON value, 1166 of them,
//! as LaminDB hashes them); the link rows of all the others (5 per artifact) written past the
//! library as plain multi-row `INSERT`s in one transaction (no public API writes JSON value links
//! in bulk).
//!
//! Timed: `df` of every artifact with the 5 features by name and with `FeatureSelection::All`
//! (LaminDB's `include="features"`), 3 runs each, the median; each frame is checked (n rows, the
//! feature columns, the values of sampled rows). One JSON line per workload: n, seconds,
//! rows/s, the frame's estimated size, the process's peak RSS (`VmHWM`, reset before each run)
//! and that peak above the RSS before the run. SQLite always; PostgreSQL too when
//! `LAMIN_TEST_POSTGRES_URL` is set.

use std::fmt::Write as _;
use std::time::Instant;

use diesel::{Connection, RunQueryDsl};
use lamindb_core::annotate::value_hash;
use lamindb_core::{Artifact, Feature, Instance, QuerySet, SQLRecord, ULabel, Value};
use lamindb_frame::{DataFrame, DfOptions, FeatureSelection, df};
use lamindb_tests::{Backend, TestInstance};
use serde_json::json;

const CELL_TYPES: [&str; 8] =
    ["T cell", "B cell", "NK cell", "monocyte", "neutrophil", "erythrocyte", "platelet", "macrophage"];

/// The features, in creation order (the frame's feature columns come in this order).
const FEATURES: [(&str, &str); 5] = [
    ("cell_type", "cat[ULabel]"),
    ("donor", "str"),
    ("n_cells", "int"),
    ("score", "float"),
    ("is_qc", "bool"),
];

/// Artifacts annotated through `add_feature_values`: every distinct value occurs among them.
const THROUGH_API: usize = 1000;

// The values of artifact `i` (the `i`-th inserted): 8 labels, 100 donors, 1000 cell counts,
// 64 scores (exact binary fractions, never integral) and 2 flags.
fn donor(i: usize) -> String {
    format!("donor-{:03}", i % 100)
}
fn n_cells(i: usize) -> i64 {
    100 + 7 * (i % 1000) as i64
}
fn score(i: usize) -> f64 {
    (i % 64) as f64 / 8.0 + 0.0625
}
fn is_qc(i: usize) -> bool {
    !i.is_multiple_of(3)
}
fn uid(i: usize) -> String {
    format!("bench{i:011}0000")
}

/// Runs `statements` in one transaction, straight through diesel (past the library).
fn raw_transaction(url: &str, statements: impl Iterator<Item = String>) {
    match url.strip_prefix("sqlite://") {
        Some(path) => {
            let mut db = diesel::SqliteConnection::establish(path).expect("open the SQLite database");
            diesel::sql_query("PRAGMA cache_size = -65536").execute(&mut db).expect("pragma");
            db.transaction::<_, diesel::result::Error, _>(|db| {
                for s in statements {
                    diesel::sql_query(s).execute(db)?;
                }
                Ok(())
            })
            .expect("raw inserts");
        }
        None => {
            let mut db = diesel::PgConnection::establish(url).expect("connect to the database");
            db.transaction::<_, diesel::result::Error, _>(|db| {
                for s in statements {
                    diesel::sql_query(s).execute(db)?;
                }
                Ok(())
            })
            .expect("raw inserts");
        }
    }
}

/// The integers of one row of a `SELECT` through the instance's public read path.
fn select_ints(inst: &Instance, text: &str) -> Vec<Vec<Option<i64>>> {
    let mut sql = lamindb_core::__private::sql(&inst);
    sql.push(text);
    let mut out = Vec::new();
    lamindb_core::__private::query_each(&inst, &sql, |row| {
        out.push(row.iter().map(Value::as_i64).collect());
        Ok(())
    })
    .expect("select");
    out
}

/// The instance with `n` annotated artifacts; returns the id of the artifact before the first.
fn set_up(backend: Backend, t: &TestInstance, n: usize) -> i64 {
    let inst = &t.inst;
    let start = Instant::now();
    let user = lamindb_core::__private::user_id(&inst).expect("user");
    let storage = inst.storage().default().expect("storage").id.expect("saved");
    let mut feature_ids = Vec::new();
    for (name, dtype) in FEATURES {
        feature_ids.push(Feature::new(name, dtype).save(inst).expect("feature").id.expect("saved"));
    }
    let label_ids: Vec<i64> =
        CELL_TYPES.iter().map(|c| ULabel::new(*c).save(inst).expect("label").id.expect("saved")).collect();

    // Artifact rows: the public bulk insert, one transaction.
    let base =
        select_ints(inst, "SELECT COALESCE(MAX(\"id\"), 0) FROM \"lamindb_artifact\"")[0][0].expect("max id");
    let t0 = Instant::now();
    let columns = [
        "uid",
        "key",
        "suffix",
        "size",
        "hash",
        "_hash_type",
        "is_latest",
        "is_locked",
        "_key_is_virtual",
        "_overwrite_versions",
        "storage_id",
        "created_by_id",
    ];
    inst.transaction(|tx| -> lamindb_core::Result<_> {
        for first in (0..n).step_by(50_000) {
            let rows: Vec<Vec<Value>> = (first..n.min(first + 50_000))
                .map(|i| {
                    vec![
                        Value::Text(uid(i)),
                        Value::Text(format!("bench/sample{i:07}.h5ad")),
                        Value::Text(".h5ad".into()),
                        Value::Int(1024 + i as i64),
                        Value::Text(format!("h{i:021}")),
                        Value::Text("md5".into()),
                        Value::Bool(true),
                        Value::Bool(false),
                        Value::Bool(false),
                        Value::Bool(false),
                        Value::Int(storage),
                        Value::Int(user),
                    ]
                })
                .collect();
            tx.registry(Artifact::REGISTRY).bulk_insert(&columns, &rows)?;
        }
        Ok(())
    })
    .expect("insert artifacts");
    let artifacts_s = t0.elapsed().as_secs_f64();
    let span = &select_ints(
        inst,
        &format!("SELECT MIN(\"id\"), MAX(\"id\"), COUNT(*) FROM \"lamindb_artifact\" WHERE \"id\" > {base}"),
    )[0];
    assert_eq!(span[..], [Some(base + 1), Some(base + n as i64), Some(n as i64)], "contiguous artifact ids");

    // The first artifacts through the API: the distinct JSON values, hashed as LaminDB does.
    let t0 = Instant::now();
    let k = n.min(THROUGH_API);
    inst.transaction(|tx| -> lamindb_core::Result<_> {
        for i in 0..k {
            let a = Artifact { id: Some(base + 1 + i as i64), uid: uid(i), ..Default::default() };
            let values = [
                ("cell_type", json!(CELL_TYPES[i % 8])),
                ("donor", json!(donor(i))),
                ("n_cells", json!(n_cells(i))),
                ("score", json!(score(i))),
                ("is_qc", json!(is_qc(i))),
            ];
            a.add_feature_values(&tx, &values)?;
        }
        Ok(())
    })
    .expect("annotate");
    let api_s = t0.elapsed().as_secs_f64();

    // The rest: plain multi-row INSERTs of the same link rows, in one transaction.
    let mut sql = lamindb_core::__private::sql(&inst);
    sql.push("SELECT \"feature_id\", \"hash\", \"id\" FROM \"lamindb_jsonvalue\"");
    let mut by_hash = std::collections::HashMap::new();
    lamindb_core::__private::query_each(&inst, &sql, |row| {
        let key = (row[0].as_i64().expect("feature"), row[1].as_str().expect("hash").to_string());
        by_hash.insert(key, row[2].as_i64().expect("id"));
        Ok(())
    })
    .expect("json values");
    let json_rows = by_hash.len();
    let jsonvalue =
        |feature: usize, v: serde_json::Value| -> i64 { by_hash[&(feature_ids[feature], value_hash(&v))] };
    let (mut donor_ids, mut n_cells_ids, mut score_ids, mut qc_ids) = (vec![], vec![], vec![], vec![]);
    if n > k {
        donor_ids = (0..100).map(|i| jsonvalue(1, json!(donor(i)))).collect();
        n_cells_ids = (0..1000).map(|i| jsonvalue(2, json!(n_cells(i)))).collect();
        score_ids = (0..64).map(|i| jsonvalue(3, json!(score(i)))).collect();
        qc_ids = [false, true].into_iter().map(|b| jsonvalue(4, json!(b))).collect();
    }
    let t0 = Instant::now();
    let per_statement = 1000;
    let statements = (k..n).step_by(per_statement).flat_map(|first| {
        let last = n.min(first + per_statement);
        let mut labels = String::from(
            "INSERT INTO lamindb_artifactulabel (artifact_id, ulabel_id, feature_id, created_by_id) VALUES ",
        );
        let mut values = String::from(
            "INSERT INTO lamindb_artifactjsonvalue (artifact_id, jsonvalue_id, created_by_id) VALUES ",
        );
        for i in first..last {
            let a = base + 1 + i as i64;
            let sep = if i > first { ", " } else { "" };
            write!(labels, "{sep}({a}, {}, {}, {user})", label_ids[i % 8], feature_ids[0]).unwrap();
            let jv =
                [donor_ids[i % 100], n_cells_ids[i % 1000], score_ids[i % 64], qc_ids[usize::from(is_qc(i))]];
            for (j, v) in jv.iter().enumerate() {
                let sep = if i > first || j > 0 { ", " } else { "" };
                write!(values, "{sep}({a}, {v}, {user})").unwrap();
            }
        }
        [labels, values]
    });
    raw_transaction(&inst.settings().db_url().expect("url"), statements);
    let links_s = t0.elapsed().as_secs_f64();

    let secs = start.elapsed().as_secs_f64();
    let link_rows = 5 * n;
    let line = json!({
        "backend": format!("{backend:?}"),
        "workload": "set-up: artifacts, 5 features, their values",
        "n": n,
        "seconds": secs,
        "rows_per_s": (n + link_rows) as f64 / secs,
        "artifacts_seconds": artifacts_s,
        "annotated_through_api": k,
        "annotate_api_seconds": api_s,
        "raw_link_inserts_seconds": links_s,
        "link_rows": link_rows,
        "jsonvalue_rows": json_rows,
    });
    println!("{line}");
    base
}

/// Panics unless `frame` has the `n` artifacts and their feature values.
fn check(frame: &DataFrame, n: usize, base: i64) {
    assert_eq!(frame.height(), n, "one row per artifact");
    let names: Vec<&str> = frame.get_column_names().iter().map(|s| s.as_str()).collect();
    assert_eq!(names, ["id", "uid", "key", "cell_type", "donor", "n_cells", "score", "is_qc"]);
    let col = |name: &str| frame.column(name).expect("column");
    let (ids, uids) = (col("id").i64().expect("id"), col("uid").str().expect("uid"));
    let cell_types = col("cell_type").str().expect("cell_type is text");
    let donors = col("donor").str().expect("donor is text");
    let cells = col("n_cells").i64().expect("n_cells is Int64");
    let scores = col("score").f64().expect("score is Float64");
    let qc = col("is_qc").bool().expect("is_qc is Boolean");
    let mut rng = lamindb_tests::bench::Rng(0x2545_F491_4F6C_DD1D);
    let mut rows = vec![0, n / 2, n - 1, n.saturating_sub(THROUGH_API / 2)];
    rows.extend((0..32).map(|_| rng.below(n)));
    for r in rows {
        let i = (ids.get(r).expect("id") - base - 1) as usize;
        assert_eq!(uids.get(r), Some(uid(i).as_str()), "row {r}");
        assert_eq!(cell_types.get(r), Some(CELL_TYPES[i % 8]), "row {r}");
        assert_eq!(donors.get(r), Some(donor(i).as_str()), "row {r}");
        assert_eq!(cells.get(r), Some(n_cells(i)), "row {r}");
        assert_eq!(scores.get(r), Some(score(i)), "row {r}");
        assert_eq!(qc.get(r), Some(is_qc(i)), "row {r}");
    }
}

fn run(backend: Backend, n: usize) {
    let t = TestInstance::new(backend);
    let base = set_up(backend, &t, n);
    let names = FEATURES.iter().map(|(name, _)| name.to_string()).collect();
    for (label, sel) in [
        ("df(features=[5 names])", FeatureSelection::Names(names)),
        ("df(features=all)", FeatureSelection::All),
    ] {
        let opts = DfOptions { features: Some(sel), ..Default::default() };
        let qs = QuerySet::new(Artifact::REGISTRY);
        let mut times = Vec::new();
        let (mut size, mut peak, mut above) = (0, None, None);
        for _ in 0..3 {
            // The peak of this run alone: the kernel's high-water mark is reset first.
            let _ = std::fs::write("/proc/self/clear_refs", "5");
            let before = lamindb_tests::bench::status_kib("VmRSS");
            let start = Instant::now();
            let frame = df(&t.inst, &qs, &opts).expect("df");
            times.push(start.elapsed());
            let hwm = lamindb_tests::bench::status_kib("VmHWM");
            peak = peak.max(hwm);
            above = above.max(hwm.zip(before).map(|(p, b)| p - b));
            size = frame.estimated_size();
            check(&frame, n, base);
        }
        let secs = lamindb_tests::bench::median(times).as_secs_f64();
        let line = json!({
            "backend": format!("{backend:?}"),
            "workload": format!("{label} of every artifact, 5 features"),
            "n": n,
            "seconds": secs,
            "rows_per_s": n as f64 / secs,
            "frame_mib": size as f64 / 1048576.0,
            "peak_rss_mib": peak.map(|p| p as f64 / 1024.0),
            "peak_above_start_mib": above.map(|p| p as f64 / 1024.0),
        });
        println!("{line}");
    }
}

fn main() {
    if !lamindb_tests::bench::measuring() {
        return;
    }
    let n = lamindb_tests::bench::size("LAMIN_BENCH_ARTIFACTS").unwrap_or(100_000);
    if n == 0 {
        return;
    }
    for backend in lamindb_tests::bench::backends() {
        run(backend, n);
    }
}
